// Byte helpers for the XML reader/writer and the documents built on them. core/ has no
// TextEncoder/TextDecoder (QuickJS, Moddable XS), so UTF-8 is done by hand here.

/** Bytes of an ASCII literal; for module-level constants only (allocates). */
export function ascii(text: string): Uint8Array {
  const length = text.length;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

export function bytesEqual(buf: Uint8Array, start: number, end: number, literal: Uint8Array): boolean {
  const length = literal.length;
  if (end - start !== length) return false;
  for (let i = 0; i < length; i++) if (buf[start + i] !== literal[i]) return false;
  return true;
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
  let result = '';
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    let cp = 0xfffd;
    let used = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xc2 && b0 < 0xe0 && i + 1 < end && (buf[i + 1]! & 0xc0) === 0x80) {
      cp = ((b0 & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
      used = 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0 && i + 2 < end && (buf[i + 1]! & 0xc0) === 0x80 && (buf[i + 2]! & 0xc0) === 0x80) {
      const v = ((b0 & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
      if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) { cp = v; used = 3; }
    } else if (b0 >= 0xf0 && b0 < 0xf5 && i + 3 < end && (buf[i + 1]! & 0xc0) === 0x80 && (buf[i + 2]! & 0xc0) === 0x80 && (buf[i + 3]! & 0xc0) === 0x80) {
      const v = ((b0 & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f);
      if (v >= 0x10000 && v <= 0x10ffff) { cp = v; used = 4; }
    }
    result += String.fromCodePoint(cp);
    i += used;
  }
  return result;
}

/** JS string → UTF-8 at out[pos]; returns the new position or -1 when it does not fit. */
export function stringToUtf8(text: string, out: Uint8Array, pos: number, limit: number): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) { cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00); i++; }
    }
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd; // lone surrogate
    pos = encodeUtf8CodePoint(cp, out, pos, limit);
    if (pos < 0) return -1;
  }
  return pos;
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
