// Call-ID = callid ; callid = word [ "@" word ]   (RFC 3261 §20.8, §25.1)
import { DECODE_OK, E_DEC_BAD_CALL_ID, E_DEC_EMPTY } from './errors.js';
import { AT, CHAR_CLASS, C_WORD, skipLws, trimLwsEnd } from './chars.js';

export class CallIdValue {
  /** The whole Call-ID (compare Call-IDs byte for byte: they are case-sensitive, §8.1.1.4). */
  off = -1;
  len = -1;
  localOff = -1;
  localLen = -1;
  /** The part after "@", or -1 when absent. */
  hostOff = -1;
  hostLen = -1;
  errorOffset = -1;

  reset(): void {
    this.off = this.len = this.localOff = this.localLen = this.hostOff = this.hostLen = -1;
    this.errorOffset = -1;
  }
}

export function decodeCallId(buf: Uint8Array, off: number, end: number, out: CallIdValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  let p = skipLws(buf, off, end);
  end = trimLwsEnd(buf, p, end);
  if (p >= end) { out.errorOffset = p; return E_DEC_EMPTY; }
  const start = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_WORD) !== 0) p++;
  if (p === start) { out.errorOffset = p; return E_DEC_BAD_CALL_ID; }
  out.localOff = start;
  out.localLen = p - start;
  if (p < end && buf[p] === AT) {
    const hostStart = p + 1;
    p = hostStart;
    while (p < end && (CHAR_CLASS[buf[p]] & C_WORD) !== 0) p++;
    if (p === hostStart) { out.errorOffset = p; return E_DEC_BAD_CALL_ID; }
    out.hostOff = hostStart;
    out.hostLen = p - hostStart;
  }
  if (p !== end) { out.errorOffset = p; return E_DEC_BAD_CALL_ID; }
  out.off = start;
  out.len = end - start;
  return DECODE_OK;
}
