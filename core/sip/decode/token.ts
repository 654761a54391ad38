// Headers whose value is one token: SIP-ETag and SIP-If-Match (RFC 3903 §11.3.1, §11.3.2:
// entity-tag = token).
import { DECODE_OK, E_DEC_BAD_TOKEN, E_DEC_EMPTY } from './errors.js';
import { CHAR_CLASS, C_TOKEN, skipLws, trimLwsEnd } from './chars.js';

export class TokenValue {
  off = -1;
  len = -1;
  errorOffset = -1;

  reset(): void {
    this.off = this.len = this.errorOffset = -1;
  }
}

export function decodeToken(buf: Uint8Array, off: number, end: number, out: TokenValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  let p = skipLws(buf, off, end);
  end = trimLwsEnd(buf, p, end);
  if (p >= end) { out.errorOffset = p; return E_DEC_EMPTY; }
  const start = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
  if (p !== end) { out.errorOffset = p; return E_DEC_BAD_TOKEN; }
  out.off = start;
  out.len = end - start;
  return DECODE_OK;
}

/** SIP-ETag = "SIP-ETag" HCOLON entity-tag */
export const decodeSipETag = decodeToken;
/** SIP-If-Match = "SIP-If-Match" HCOLON entity-tag */
export const decodeSipIfMatch = decodeToken;
