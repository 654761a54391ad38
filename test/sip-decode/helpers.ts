// Shared by the decoder tests: header values are placed inside a larger buffer (a header name in
// front, CRLF behind) so every test also checks that decoders honour (off, end) and report
// absolute offsets.

export interface Field {
  buf: Uint8Array;
  off: number;
  end: number;
}

/** Latin-1 bytes of a string (test data is ASCII, plus raw bytes where a test wants them). */
export function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

const PREFIX = 'X-Value: ';

/** The value embedded as `X-Value: <value>CRLF`, with off/end around the value. */
export function field(value: string): Field {
  return { buf: bytes(PREFIX + value + '\r\n'), off: PREFIX.length, end: PREFIX.length + value.length };
}

/** Text of a span, or null when the span is absent (off < 0). */
export function text(buf: Uint8Array, off: number, len: number): string | null {
  if (off < 0) return null;
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]);
  return s;
}

/** Offset of `needle` inside the embedded value, as an absolute index (for errorOffset checks). */
export function at(f: Field, needle: string, nth = 0): number {
  const value = text(f.buf, f.off, f.end - f.off) as string;
  let i = -1;
  for (let k = 0; k <= nth; k++) i = value.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`test bug: ${JSON.stringify(needle)} not in ${JSON.stringify(value)}`);
  return f.off + i;
}
