// UTF-8 (RFC 3629) without TextEncoder/TextDecoder, which QuickJS and Moddable XS do not have.
// Encoding goes into caller buffers; decoding replaces ill-formed sequences with U+FFFD using
// the "maximal subpart" rule (Unicode §3.9, WHATWG Encoding), so results match TextDecoder.
import { E_BYTES_NO_SPACE } from './errors.js';

const REPLACEMENT = 0xfffd;

/** Bytes needed to encode `s`; lone surrogates count as U+FFFD (3 bytes), as TextEncoder does. */
export function utf8Length(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Writes the code point at `s[i]` (joining a surrogate pair) at `out[pos]`; the caller has
 * checked there is room for 4 bytes or for the exact length. Returns the new write position;
 * `utf8StepWidth` tells how many UTF-16 units were consumed.
 */
export function utf8WriteCodeUnitAt(s: string, i: number, out: Uint8Array, pos: number): number {
  let c = s.charCodeAt(i);
  if (c < 0x80) { out[pos] = c; return pos + 1; }
  if (c < 0x800) {
    out[pos] = 0xc0 | (c >> 6);
    out[pos + 1] = 0x80 | (c & 0x3f);
    return pos + 2;
  }
  if (c >= 0xd800 && c <= 0xdfff) {
    const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      out[pos] = 0xf0 | (cp >> 18);
      out[pos + 1] = 0x80 | ((cp >> 12) & 0x3f);
      out[pos + 2] = 0x80 | ((cp >> 6) & 0x3f);
      out[pos + 3] = 0x80 | (cp & 0x3f);
      return pos + 4;
    }
    c = REPLACEMENT;
  }
  out[pos] = 0xe0 | (c >> 12);
  out[pos + 1] = 0x80 | ((c >> 6) & 0x3f);
  out[pos + 2] = 0x80 | (c & 0x3f);
  return pos + 3;
}

/** UTF-16 units consumed by `utf8WriteCodeUnitAt(s, i, ...)`: 2 for a valid surrogate pair. */
export function utf8StepWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * Encodes `s` into `out[off, end)` (end defaults to out.length). All or nothing: returns the
 * number of bytes written, or E_BYTES_NO_SPACE with nothing written.
 */
export function utf8Encode(s: string, out: Uint8Array, off: number, end: number = out.length): number {
  const need = utf8Length(s);
  if (off < 0 || need > end - off || end > out.length) return E_BYTES_NO_SPACE;
  let pos = off;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) { out[pos++] = c; continue; }
    pos = utf8WriteCodeUnitAt(s, i, out, pos);
    if (c >= 0xd800 && c <= 0xdbff) i += utf8StepWidth(s, i) - 1;
  }
  return pos - off;
}

/** Convenience for tests and setup code (allocates): the UTF-8 bytes of `s`. */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  utf8Encode(s, out, 0);
  return out;
}

/**
 * Length of the well-formed sequence starting at buf[i] (1..4), or the negated length of the
 * maximal ill-formed subpart (-1..-3) that one U+FFFD replaces. `end` is exclusive.
 * Unicode Table 3-7: the second byte's range depends on the lead byte (no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
function sequenceAt(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i];
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return -k;
    const b = buf[i + k];
    if (b < lo || b > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/**
 * Absolute offset of the first byte that is not part of well-formed UTF-8 in buf[off, off+len),
 * or -1 when the whole span is valid (strict: no overlongs, surrogates or truncation).
 */
export function utf8InvalidAt(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) { i++; continue; }
    const n = sequenceAt(buf, i, end);
    if (n < 0) return i;
    i += n;
  }
  return -1;
}

export function isUtf8(buf: Uint8Array, off: number, len: number): boolean {
  return utf8InvalidAt(buf, off, len) === -1;
}

// Code units are gathered in a fixed chunk and turned into a string per chunk, so that the
// argument list given to fromCharCode stays bounded on every engine.
const CHUNK = 1024;
const units = new Uint16Array(CHUNK + 2);

function flush(acc: string, n: number): string {
  return acc + String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]);
}

/** Decodes buf[off, off+len) to a string (allocates), replacing ill-formed parts with U+FFFD. */
export function utf8Decode(buf: Uint8Array, off: number, len: number): string {
  let acc = '';
  let n = 0;
  const end = off + len;
  let i = off;
  while (i < end) {
    if (n >= CHUNK) { acc = flush(acc, n); n = 0; }
    const b0 = buf[i];
    if (b0 < 0x80) { units[n++] = b0; i++; continue; }
    const k = sequenceAt(buf, i, end);
    if (k < 0) { units[n++] = REPLACEMENT; i -= k; continue; }
    let cp: number;
    if (k === 2) cp = ((b0 & 0x1f) << 6) | (buf[i + 1] & 0x3f);
    else if (k === 3) cp = ((b0 & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) | (buf[i + 2] & 0x3f);
    else cp = ((b0 & 0x07) << 18) | ((buf[i + 1] & 0x3f) << 12) | ((buf[i + 2] & 0x3f) << 6) | (buf[i + 3] & 0x3f);
    i += k;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units[n++] = 0xd800 + (cp >> 10);
      units[n++] = 0xdc00 + (cp & 0x3ff);
    } else units[n++] = cp;
  }
  return n > 0 ? flush(acc, n) : acc;
}
