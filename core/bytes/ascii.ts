// US-ASCII helpers for protocol text. They write JS strings straight into byte buffers and
// compare byte spans to strings, without building intermediate strings or arrays: on a desk
// phone's interpreter every temporary costs a GC later.
import { E_BYTES_NO_SPACE, E_BYTES_NOT_ASCII } from './errors.js';

/**
 * One byte per code unit of a protocol literal (every unit below 256). Allocates: for constants
 * built at load and for values the caller asked for, never per message.
 */
export function asciiBytes(text: string): Uint8Array {
  const length = text.length;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** ASCII lower-casing of one byte/code unit; everything else unchanged. */
export function asciiLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** True when every code unit of `s` is below 0x80. */
export function isAscii(s: string): boolean {
  const len = s.length;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Writes the ASCII string `s` at out[pos, end). All or nothing: returns the new position, or
 * E_BYTES_NO_SPACE / E_BYTES_NOT_ASCII with nothing written.
 */
export function writeAscii(out: Uint8Array, pos: number, end: number, s: string): number {
  const len = s.length;
  if (len > end - pos) return E_BYTES_NO_SPACE;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 0x7f) return E_BYTES_NOT_ASCII;
  for (let i = 0; i < len; i++) out[pos + i] = s.charCodeAt(i);
  return pos + len;
}

/** Exact (case-sensitive) comparison of buf[off, off+len) with the ASCII string `s`. */
export function asciiEquals(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** ASCII case-insensitive comparison of buf[off, off+len) with `s` (RFC 3261 §7.3.1 names, tokens). */
export function asciiEqualsIgnoreCase(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) {
    if (asciiLower(buf[off + i]) !== asciiLower(s.charCodeAt(i))) return false;
  }
  return true;
}

/** Case-insensitive comparison of two byte spans. */
export function spansEqualIgnoreCase(a: Uint8Array, aOff: number, aLen: number,
  b: Uint8Array, bOff: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (asciiLower(a[aOff + i]) !== asciiLower(b[bOff + i])) return false;
  return true;
}

/** Exact comparison of two byte spans. */
export function spansEqual(a: Uint8Array, aOff: number, aLen: number,
  b: Uint8Array, bOff: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/** Number of decimal digits of a non-negative integer (1 for 0). */
export function decimalLength(n: number): number {
  let d = 1;
  while (n >= 10) { n = Math.floor(n / 10); d++; }
  return d;
}

/**
 * Writes the non-negative safe integer `n` in decimal at out[pos, end) without toString().
 * Returns the new position or E_BYTES_NO_SPACE (nothing written).
 */
export function writeDecimal(out: Uint8Array, pos: number, end: number, n: number): number {
  const digits = decimalLength(n);
  if (digits > end - pos) return E_BYTES_NO_SPACE;
  let p = pos + digits;
  do {
    const q = Math.floor(n / 10);
    out[--p] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return pos + digits;
}

/**
 * Parses an unsigned decimal in buf[off, off+len): returns the value, or -1 when the span is
 * empty, has a non-digit, or exceeds 2^53 - 1.
 */
export function parseDecimal(buf: Uint8Array, off: number, len: number): number {
  if (len <= 0 || len > 16) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const d = buf[off + i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : -1;
}

/** Latin-1 view of a span as a string (allocates): for diagnostics and tests. */
export function asciiString(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]);
  return s;
}
