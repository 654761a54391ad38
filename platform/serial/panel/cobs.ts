// Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 7(2), 1999): removes every
// 0x00 from a frame so that 0x00 can delimit frames on the line. Each run of non-zero bytes is
// preceded by a code byte = run length + 1; code 0xFF means 254 bytes with no zero after them.
// Worst-case growth: 1 byte per 254, plus 1. Engine-neutral, allocates nothing.

/** Largest encoding of `len` bytes. */
export function cobsMaxEncoded(len: number): number {
  return len + Math.ceil(len / 254) + 1;
}

/** Encodes src[off, off+len) into out at outOff; returns the bytes written (no delimiter). */
export function cobsEncode(src: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): number {
  let codeAt = outOff;
  let at = outOff + 1;
  let code = 1;
  const end = off + len;
  for (let i = off; i < end; i++) {
    const byte = src[i]!;
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = at++;
      code = 1;
      continue;
    }
    out[at++] = byte;
    // A full run closes its block; a new one opens only if more input follows (canonical form).
    if (++code === 0xff && i + 1 < end) {
      out[codeAt] = code;
      codeAt = at++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return at - outOff;
}

/** Decoding failed: a zero byte inside the frame, or a code that runs past its end. */
export const COBS_INVALID = -1;

/**
 * Decodes src[off, off+len) (one frame, without its delimiter) into out; returns the decoded
 * length, COBS_INVALID, or -2 when `out` is too small.
 */
export function cobsDecode(src: Uint8Array, off: number, len: number, out: Uint8Array): number {
  const end = off + len;
  let at = 0;
  let i = off;
  while (i < end) {
    const code = src[i++]!;
    if (code === 0) return COBS_INVALID;
    const runEnd = i + code - 1;
    if (runEnd > end) return COBS_INVALID;
    for (; i < runEnd; i++) {
      const byte = src[i]!;
      if (byte === 0) return COBS_INVALID;
      if (at >= out.length) return -2;
      out[at++] = byte;
    }
    // A code below 0xFF stands for a zero after its run, except the implicit one at the very end.
    if (code !== 0xff && i < end) {
      if (at >= out.length) return -2;
      out[at++] = 0;
    }
  }
  return at;
}
