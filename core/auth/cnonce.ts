// Client nonces (RFC 7616 §3.4: cnonce "SHOULD be random", used against chosen-plaintext attacks
// and, with -sess, in HA1). The core has no entropy of its own and must not call Math.random
// (device engines differ, tests must be deterministic): the host injects the source.
import { hexDigit } from '../bytes/hex.js';

/** Either a function returning a number in [0, 1) or one filling bytes. */
export type RandomSource =
  | { random: () => number }
  | { randomBytes: (out: Uint8Array, off: number, len: number) => void };

/** Bytes of entropy per cnonce: 64 bits, written as 16 lowercase hex digits. */
export const CNONCE_BYTES = 8;
export const CNONCE_LENGTH = 2 * CNONCE_BYTES;

export class CnonceGenerator {
  private readonly bytes = new Uint8Array(CNONCE_BYTES);

  constructor(private readonly source: RandomSource) {}

  /** Writes a fresh cnonce (CNONCE_LENGTH hex digits) at out[off]; returns CNONCE_LENGTH. */
  next(out: Uint8Array, off: number): number {
    const b = this.bytes;
    const src = this.source;
    if ('randomBytes' in src) src.randomBytes(b, 0, CNONCE_BYTES);
    else {
      for (let i = 0; i < CNONCE_BYTES; i++) {
        const r = src.random();
        // Clamp a misbehaving source instead of writing garbage.
        b[i] = r >= 0 && r < 1 ? Math.floor(r * 256) : 0;
      }
    }
    for (let i = 0; i < CNONCE_BYTES; i++) {
      out[off + 2 * i] = hexDigit(b[i] >> 4);
      out[off + 2 * i + 1] = hexDigit(b[i] & 15);
    }
    return CNONCE_LENGTH;
  }
}
