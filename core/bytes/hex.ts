// Base16 (RFC 4648 §8), lowercase on output as digest auth requires (RFC 7616 §3.4.1: "LHEX").
import { E_BYTES_BAD_INPUT, E_BYTES_NO_SPACE } from './errors.js';

const DIGITS = '0123456789abcdef';

/** ASCII code of the lowercase hex digit for a nibble 0..15. */
export function hexDigit(nibble: number): number {
  return nibble < 10 ? 0x30 + nibble : 0x57 + nibble;
}

/** Value of a hex digit byte (either case), or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x57;
  return -1;
}

/**
 * Writes src[off, off+len) as 2*len lowercase hex digits at out[outOff, outEnd). All or nothing:
 * returns bytes written or E_BYTES_NO_SPACE.
 */
export function hexEncode(src: Uint8Array, off: number, len: number,
  out: Uint8Array, outOff: number, outEnd: number = out.length): number {
  if (len * 2 > outEnd - outOff) return E_BYTES_NO_SPACE;
  let p = outOff;
  for (let i = 0; i < len; i++) {
    const b = src[off + i];
    out[p++] = hexDigit(b >> 4);
    out[p++] = hexDigit(b & 15);
  }
  return len * 2;
}

/** Lowercase hex string of a span (allocates). */
export function toHex(src: Uint8Array, off: number = 0, len: number = src.length - off): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const b = src[off + i];
    s += DIGITS[b >> 4] + DIGITS[b & 15];
  }
  return s;
}

/**
 * Decodes hex digits src[off, off+len) (either case, even length) into out[outOff, outEnd).
 * Returns bytes written, E_BYTES_BAD_INPUT (odd length or a non-hex byte) or E_BYTES_NO_SPACE;
 * nothing is written on failure.
 */
export function hexDecode(src: Uint8Array, off: number, len: number,
  out: Uint8Array, outOff: number, outEnd: number = out.length): number {
  if ((len & 1) !== 0) return E_BYTES_BAD_INPUT;
  for (let i = 0; i < len; i++) if (hexValue(src[off + i]) < 0) return E_BYTES_BAD_INPUT;
  const n = len >> 1;
  if (n > outEnd - outOff) return E_BYTES_NO_SPACE;
  for (let i = 0; i < n; i++) {
    out[outOff + i] = (hexValue(src[off + 2 * i]) << 4) | hexValue(src[off + 2 * i + 1]);
  }
  return n;
}
