// Base64 (RFC 4648 §4, standard alphabet, "=" padding). Decoding is strict (§3.3, §3.5):
// no whitespace, no characters outside the alphabet, padding only at the end, and the unused
// bits of the last quantum must be zero, so each byte string has exactly one encoding.
// Unpadded input is accepted (some SIP/HTTP peers drop the padding).
import { E_BYTES_BAD_INPUT, E_BYTES_NO_SPACE } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENC = new Uint8Array(64);
const DEC = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i);
  DEC[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 0x3d;

/** Encoded length of n bytes, padding included. */
export function base64EncodedLength(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/** Writes the base64 of src[off, off+len) at out[outOff, outEnd); returns bytes written or E_BYTES_NO_SPACE. */
export function base64Encode(src: Uint8Array, off: number, len: number,
  out: Uint8Array, outOff: number, outEnd: number = out.length): number {
  const need = base64EncodedLength(len);
  if (need > outEnd - outOff) return E_BYTES_NO_SPACE;
  let p = outOff;
  const end = off + len;
  let i = off;
  for (; i + 2 < end; i += 3) {
    const v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
    out[p++] = ENC[v >> 18];
    out[p++] = ENC[(v >> 12) & 63];
    out[p++] = ENC[(v >> 6) & 63];
    out[p++] = ENC[v & 63];
  }
  const rest = end - i;
  if (rest === 1) {
    const v = src[i] << 16;
    out[p++] = ENC[v >> 18];
    out[p++] = ENC[(v >> 12) & 63];
    out[p++] = PAD;
    out[p++] = PAD;
  } else if (rest === 2) {
    const v = (src[i] << 16) | (src[i + 1] << 8);
    out[p++] = ENC[v >> 18];
    out[p++] = ENC[(v >> 12) & 63];
    out[p++] = ENC[(v >> 6) & 63];
    out[p++] = PAD;
  }
  return need;
}

/** Base64 text of a span (allocates). */
export function base64EncodeToString(src: Uint8Array, off: number = 0, len: number = src.length - off): string {
  const out = new Uint8Array(base64EncodedLength(len));
  base64Encode(src, off, len, out, 0);
  let s = '';
  for (let i = 0; i < out.length; i++) s += String.fromCharCode(out[i]);
  return s;
}

/**
 * Number of bytes that base64 text src[off, off+len) decodes to, or E_BYTES_BAD_INPUT when it
 * is not canonical base64 (see the file comment).
 */
export function base64DecodedLength(src: Uint8Array, off: number, len: number): number {
  let data = len;
  if (data > 0 && src[off + data - 1] === PAD) {
    data--;
    if (data > 0 && src[off + data - 1] === PAD) data--;
    if ((len & 3) !== 0) return E_BYTES_BAD_INPUT;
  }
  const tail = data & 3;
  if (tail === 1) return E_BYTES_BAD_INPUT;
  if (len !== data && ((data + (4 - tail)) !== len || tail === 0)) return E_BYTES_BAD_INPUT;
  for (let i = 0; i < data; i++) if (DEC[src[off + i]] < 0) return E_BYTES_BAD_INPUT;
  // Non-zero leftover bits would let two texts decode to the same bytes.
  if (tail === 2 && (DEC[src[off + data - 1]] & 15) !== 0) return E_BYTES_BAD_INPUT;
  if (tail === 3 && (DEC[src[off + data - 1]] & 3) !== 0) return E_BYTES_BAD_INPUT;
  return (data >> 2) * 3 + (tail === 0 ? 0 : tail - 1);
}

/**
 * Decodes base64 text src[off, off+len) into out[outOff, outEnd). Returns bytes written,
 * E_BYTES_BAD_INPUT or E_BYTES_NO_SPACE; nothing is written on failure.
 */
export function base64Decode(src: Uint8Array, off: number, len: number,
  out: Uint8Array, outOff: number, outEnd: number = out.length): number {
  const n = base64DecodedLength(src, off, len);
  if (n < 0) return n;
  if (n > outEnd - outOff) return E_BYTES_NO_SPACE;
  let p = outOff;
  let i = off;
  const full = Math.floor(n / 3);
  for (let q = 0; q < full; q++, i += 4) {
    const v = (DEC[src[i]] << 18) | (DEC[src[i + 1]] << 12) | (DEC[src[i + 2]] << 6) | DEC[src[i + 3]];
    out[p++] = v >> 16;
    out[p++] = (v >> 8) & 255;
    out[p++] = v & 255;
  }
  const rest = n - full * 3;
  if (rest === 1) {
    out[p++] = (DEC[src[i]] << 2) | (DEC[src[i + 1]] >> 4);
  } else if (rest === 2) {
    const v = (DEC[src[i]] << 12) | (DEC[src[i + 1]] << 6) | DEC[src[i + 2]];
    out[p++] = v >> 10;
    out[p++] = (v >> 2) & 255;
  }
  return n;
}
