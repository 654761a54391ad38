// Single-number headers: Content-Length, Expires, Min-Expires, Max-Forwards (RFC 3261 §20.14,
// §20.19, §20.23, §20.22). Leading zeros are allowed (RFC 4475 wsinv "0068"); values above the
// header's range are errors, never wrapped (RFC 4475 scalar02 / scalarlg).
import { DECODE_OK, E_DEC_BAD_NUMBER, E_DEC_EMPTY, E_DEC_OUT_OF_RANGE } from './errors.js';
import { skipLws, trimLwsEnd } from './chars.js';

/** delta-seconds and Content-Length: 1*DIGIT limited to 2^32 - 1. */
export const MAX_UINT32 = 4294967295;
/** Max-Forwards: "an integer in the range 0-255" (RFC 3261 §20.22). */
export const MAX_FORWARDS_LIMIT = 255;

export class NumberValue {
  value = -1;
  off = -1;
  len = -1;
  errorOffset = -1;

  reset(): void {
    this.value = this.off = this.len = -1;
    this.errorOffset = -1;
  }
}

/**
 * Reads 1*DIGIT from [p, end) up to `max`. Returns the end of the digits (≥ p+1) with the value in
 * out.value, or a negative code with out.errorOffset. Digits beyond `max` are E_DEC_OUT_OF_RANGE
 * at the first digit that made the value too large.
 */
export function readUnsigned(buf: Uint8Array, p: number, end: number, max: number, out: NumberValue): number {
  const start = p;
  let v = 0;
  while (p < end) {
    const c = buf[p];
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    if (v > max) { out.errorOffset = p; return E_DEC_OUT_OF_RANGE; }
    p++;
  }
  if (p === start) { out.errorOffset = p; return start >= end ? E_DEC_EMPTY : E_DEC_BAD_NUMBER; }
  out.value = v;
  out.off = start;
  out.len = p - start;
  return p;
}

/** A header whose whole value is one unsigned number ≤ max (LWS around it tolerated). */
export function decodeUnsigned(buf: Uint8Array, off: number, end: number, max: number, out: NumberValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  const p = skipLws(buf, off, end);
  end = trimLwsEnd(buf, p, end);
  const stop = readUnsigned(buf, p, end, max, out);
  if (stop < 0) return stop;
  if (stop !== end) {
    out.value = -1;
    out.errorOffset = stop;
    return E_DEC_BAD_NUMBER;
  }
  return DECODE_OK;
}

/** Content-Length = 1*DIGIT (≤ 2^32 - 1). */
export function decodeContentLength(buf: Uint8Array, off: number, end: number, out: NumberValue): number {
  return decodeUnsigned(buf, off, end, MAX_UINT32, out);
}

/** Expires = delta-seconds (≤ 2^32 - 1). */
export function decodeExpires(buf: Uint8Array, off: number, end: number, out: NumberValue): number {
  return decodeUnsigned(buf, off, end, MAX_UINT32, out);
}

/** Min-Expires = delta-seconds (≤ 2^32 - 1). */
export function decodeMinExpires(buf: Uint8Array, off: number, end: number, out: NumberValue): number {
  return decodeUnsigned(buf, off, end, MAX_UINT32, out);
}

/** Max-Forwards = 1*DIGIT in 0..255. */
export function decodeMaxForwards(buf: Uint8Array, off: number, end: number, out: NumberValue): number {
  return decodeUnsigned(buf, off, end, MAX_FORWARDS_LIMIT, out);
}
