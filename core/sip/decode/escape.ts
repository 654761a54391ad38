// %-escapes in URIs (RFC 3261 §25.1: escaped = "%" HEXDIG HEXDIG; RFC 3986 §2.1). Components are
// compared and copied after unescaping, because "sip:%75se%72@…" and "sip:user@…" name the same
// user (RFC 3261 §19.1.4); these helpers do it without building a string.
import { E_DEC_BAD_ESCAPE, E_DEC_NO_ROOM } from './errors.js';
import { PERCENT, hexValue, isHex } from './chars.js';

/** Returns -1 when every "%" in [off, end) starts a valid escape, else the offset of the bad "%". */
export function findBadEscape(buf: Uint8Array, off: number, end: number): number {
  for (let i = off; i < end; i++) {
    if (buf[i] !== PERCENT) continue;
    if (i + 2 >= end || !isHex(buf[i + 1]) || !isHex(buf[i + 2])) return i;
    i += 2;
  }
  return -1;
}

/**
 * Compares the %-decoded bytes of [off, end) with `expected` (a string of byte values 0..255).
 * `ignoreCase` folds ASCII letters on both sides (host names, parameter names, schemes).
 * A malformed escape makes the comparison false.
 */
export function escapedEquals(buf: Uint8Array, off: number, end: number, expected: string, ignoreCase: boolean): boolean {
  let j = 0;
  const n = expected.length;
  let i = off;
  while (i < end) {
    let c = buf[i];
    if (c === PERCENT) {
      if (i + 2 >= end || !isHex(buf[i + 1]) || !isHex(buf[i + 2])) return false;
      c = (hexValue(buf[i + 1]) << 4) | hexValue(buf[i + 2]);
      i += 3;
    } else {
      i++;
    }
    if (j >= n) return false;
    let e = expected.charCodeAt(j++);
    if (ignoreCase) {
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (e >= 0x41 && e <= 0x5a) e |= 0x20;
    }
    if (c !== e) return false;
  }
  return j === n;
}

/** Two spans equal after %-decoding both (e.g. two URIs' users). */
export function escapedSpansEqual(
  buf: Uint8Array, aOff: number, aEnd: number, bBuf: Uint8Array, bOff: number, bEnd: number, ignoreCase: boolean,
): boolean {
  let i = aOff;
  let j = bOff;
  while (i < aEnd && j < bEnd) {
    let a = buf[i];
    if (a === PERCENT) {
      if (i + 2 >= aEnd || !isHex(buf[i + 1]) || !isHex(buf[i + 2])) return false;
      a = (hexValue(buf[i + 1]) << 4) | hexValue(buf[i + 2]);
      i += 3;
    } else i++;
    let b = bBuf[j];
    if (b === PERCENT) {
      if (j + 2 >= bEnd || !isHex(bBuf[j + 1]) || !isHex(bBuf[j + 2])) return false;
      b = (hexValue(bBuf[j + 1]) << 4) | hexValue(bBuf[j + 2]);
      j += 3;
    } else j++;
    if (ignoreCase) {
      if (a >= 0x41 && a <= 0x5a) a |= 0x20;
      if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    }
    if (a !== b) return false;
  }
  return i === aEnd && j === bEnd;
}

/**
 * Writes the %-decoded bytes of [off, end) into dst starting at dstOff. Returns the number of
 * bytes written, E_DEC_BAD_ESCAPE for a malformed escape, or E_DEC_NO_ROOM when dst is too small
 * (dst may then hold a partial prefix). Decoded NULs (%00, RFC 4475 escnull) are written as is:
 * callers that build C-style strings must handle them.
 */
export function unescapeInto(buf: Uint8Array, off: number, end: number, dst: Uint8Array, dstOff: number): number {
  let w = dstOff;
  const cap = dst.length;
  let i = off;
  while (i < end) {
    let c = buf[i];
    if (c === PERCENT) {
      if (i + 2 >= end || !isHex(buf[i + 1]) || !isHex(buf[i + 2])) return E_DEC_BAD_ESCAPE;
      c = (hexValue(buf[i + 1]) << 4) | hexValue(buf[i + 2]);
      i += 3;
    } else {
      i++;
    }
    if (w >= cap) return E_DEC_NO_ROOM;
    dst[w++] = c;
  }
  return w - dstOff;
}
