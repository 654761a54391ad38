// Text of a quoted-string without its escapes (RFC 3261 §25.1):
//   quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE ; quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
// Decoders hand out the span inside the quotes as written; this turns it into the value a user
// sees (display names, +sip.instance, boundary) in a caller buffer, without allocating.
// A folded line (CRLF + WSP) is one SP, as RFC 3261 §7.3.1 says of all LWS.
import { E_DEC_BAD_DISPLAY_NAME, E_DEC_NO_ROOM } from './errors.js';
import { BACKSLASH, CR, HTAB, LF, SP } from './chars.js';

/**
 * Writes the unescaped content of the quoted-string body [off, end) (the span between the quotes)
 * into dst at dstOff. Returns the byte count, E_DEC_NO_ROOM when dst is too small, or
 * E_DEC_BAD_DISPLAY_NAME when the span ends in a lone backslash.
 */
export function unquoteInto(buf: Uint8Array, off: number, end: number, dst: Uint8Array, dstOff: number): number {
  let w = dstOff;
  const cap = dst.length;
  let i = off;
  while (i < end) {
    let c = buf[i];
    if (c === BACKSLASH) {
      if (i + 1 >= end) return E_DEC_BAD_DISPLAY_NAME;
      c = buf[i + 1];
      i += 2;
    } else if (c === CR || c === LF) {
      // Fold: drop CR/LF and the whitespace after it, emit one SP.
      i++;
      if (c === CR && i < end && buf[i] === LF) i++;
      while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
      c = SP;
    } else {
      i++;
    }
    if (w >= cap) return E_DEC_NO_ROOM;
    dst[w++] = c;
  }
  return w - dstOff;
}
