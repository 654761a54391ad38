// Byte helpers for the XML reader/writer and the documents built on them. UTF-8 comes from
// core/bytes (core/ has no TextEncoder/TextDecoder: QuickJS and Moddable XS lack them).
import { utf8Decode, utf8Encode } from '../bytes/utf8.js';

/** Bytes of an ASCII literal; for module-level constants only (allocates). */
export { asciiBytes as ascii } from '../bytes/ascii.js';

export function bytesEqual(buf: Uint8Array, start: number, end: number, literal: Uint8Array): boolean {
  var length = literal.length;
  if (end - start !== length) return false;
  if (length === 0) return true;
  // `&& ++i < length` rather than a for loop: fewer operations per byte in an interpreter;
  // `var`: no TDZ slot to set and check in QuickJS.
  var i = 0;
  while (buf[start + i] === literal[i] && ++i < length);
  return i === length;
}

/** ASCII case-insensitive comparison (for tokens such as "open", "yes", "confirmed"). */
export function bytesEqualIgnoreCase(buf: Uint8Array, start: number, end: number, lowerLiteral: Uint8Array): boolean {
  const length = lowerLiteral.length;
  if (end - start !== length) return false;
  for (let i = 0; i < length; i++) {
    let c = buf[start + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lowerLiteral[i]) return false;
  }
  return true;
}

export function isXmlWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Span [start,end) with XML whitespace removed at both ends; returns the new start, end via out. */
export function trimStart(buf: Uint8Array, start: number, end: number): number {
  while (start < end && isXmlWhitespace(buf[start]!)) start++;
  return start;
}
export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && isXmlWhitespace(buf[end - 1]!)) end--;
  return end;
}

/** Writes code point cp as UTF-8 at out[pos]; returns the new position, or -1 when it does not fit. */
export function encodeUtf8CodePoint(cp: number, out: Uint8Array, pos: number, limit: number): number {
  if (cp < 0x80) {
    if (pos + 1 > limit) return -1;
    out[pos] = cp;
    return pos + 1;
  }
  if (cp < 0x800) {
    if (pos + 2 > limit) return -1;
    out[pos] = 0xc0 | (cp >> 6);
    out[pos + 1] = 0x80 | (cp & 0x3f);
    return pos + 2;
  }
  if (cp < 0x10000) {
    if (pos + 3 > limit) return -1;
    out[pos] = 0xe0 | (cp >> 12);
    out[pos + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[pos + 2] = 0x80 | (cp & 0x3f);
    return pos + 3;
  }
  if (pos + 4 > limit) return -1;
  out[pos] = 0xf0 | (cp >> 18);
  out[pos + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[pos + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[pos + 3] = 0x80 | (cp & 0x3f);
  return pos + 4;
}

/** UTF-8 → JS string for display (allocates: call it off the hot path). Bad sequences → U+FFFD. */
export function utf8ToString(buf: Uint8Array, start: number, end: number): string {
  return utf8Decode(buf, start, end - start);
}

/** JS string → UTF-8 at out[pos], all or nothing; returns the new position or -1 when it does not fit. */
export function stringToUtf8(text: string, out: Uint8Array, pos: number, limit: number): number {
  const n = utf8Encode(text, out, pos, limit);
  return n < 0 ? -1 : pos + n;
}

/** Decimal ASCII digits → non-negative integer, or -1 (empty, non-digit or above 2^31-1). */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
    if (value > 0x7fffffff) return -1;
  }
  return value;
}
