// CSeq = 1*DIGIT LWS Method   (RFC 3261 §20.16: the number "MUST be expressible as a 32-bit
// unsigned integer" and §8.1.1.5 "MUST be less than 2**31"; RFC 4475 scalar02 / scalarlg).
import { DECODE_OK, E_DEC_BAD_METHOD, E_DEC_EMPTY, E_DEC_TRAILING_BYTES } from './errors.js';
import { CHAR_CLASS, C_TOKEN, skipLws, trimLwsEnd } from './chars.js';
import { NumberValue, readUnsigned } from './number.js';
import { lookupMethodId } from '../header-ids.js';

export const MAX_CSEQ = 2147483647;

export class CSeqValue {
  seq = -1;
  seqOff = -1;
  seqLen = -1;
  methodOff = -1;
  methodLen = -1;
  /** Method id from core/sip/header-ids.ts (M.INVITE …), M.OTHER (0) for extension methods. */
  methodId = -1;
  errorOffset = -1;
  private readonly number = new NumberValue();

  reset(): void {
    this.seq = this.seqOff = this.seqLen = -1;
    this.methodOff = this.methodLen = this.methodId = -1;
    this.errorOffset = -1;
  }

  get scratchNumber(): NumberValue {
    return this.number;
  }
}

export function decodeCSeq(buf: Uint8Array, off: number, end: number, out: CSeqValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS starts with a byte <= 0x20: without one at either edge (the usual case) no call is made.
  let p = off < end && buf[off] <= 0x20 ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= 0x20) end = trimLwsEnd(buf, p, end);
  const n = out.scratchNumber;
  n.reset();
  const stop = readUnsigned(buf, p, end, MAX_CSEQ, n);
  if (stop < 0) { out.errorOffset = n.errorOffset; return stop; }
  out.seq = n.value;
  out.seqOff = n.off;
  out.seqLen = n.len;
  p = skipLws(buf, stop, end);
  if (p === stop) { out.errorOffset = p; return p >= end ? E_DEC_EMPTY : E_DEC_BAD_METHOD; }
  const methodStart = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
  if (p === methodStart) { out.errorOffset = p; return E_DEC_BAD_METHOD; }
  if (p !== end) { out.errorOffset = p; return E_DEC_TRAILING_BYTES; }
  out.methodOff = methodStart;
  out.methodLen = p - methodStart;
  out.methodId = lookupMethodId(buf, methodStart, p - methodStart);
  return DECODE_OK;
}
