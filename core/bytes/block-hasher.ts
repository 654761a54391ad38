// What MD5 (RFC 1321 §3.1–3.2), SHA-1 and SHA-256 (FIPS 180-4 §5.1.1) share: 64-byte blocks, input
// buffered across update() calls, and the final padding — a 1 bit, zeros to 56 mod 64, then the
// message length in bits as a 64-bit integer (little-endian for MD5, big-endian for the SHAs).
// Subclasses supply the compression function and the chaining state; nothing allocates after
// construction.
import type { Hasher } from './hasher.js';
import { utf8StepWidth, utf8WriteCodeUnitAt } from './utf8.js';

export abstract class BlockHasher implements Hasher {
  abstract readonly digestLength: number;
  private readonly block = new Uint8Array(64);
  private readonly scratch = new Uint8Array(4);
  private blockLen = 0;
  private total = 0;

  constructor(private readonly bigEndianLength: boolean) {}

  /** Puts the chaining state back to its initial value. */
  protected abstract resetState(): void;
  /** One 64-byte block at buf[p]. */
  protected abstract compress(buf: Uint8Array, p: number): void;
  /** Writes the chaining state as the digest at out[off]. */
  protected abstract writeDigest(out: Uint8Array, off: number): void;

  reset(): this {
    this.resetState();
    this.blockLen = 0;
    this.total = 0;
    return this;
  }

  update(buf: Uint8Array, off: number, len: number): this {
    this.total += len;
    const block = this.block;
    let i = off;
    const end = off + len;
    if (this.blockLen > 0) {
      while (this.blockLen < 64 && i < end) block[this.blockLen++] = buf[i++]!;
      if (this.blockLen < 64) return this;
      this.compress(block, 0);
      this.blockLen = 0;
    }
    for (; i + 64 <= end; i += 64) this.compress(buf, i);
    while (i < end) block[this.blockLen++] = buf[i++]!;
    return this;
  }

  updateString(s: string): this {
    const len = s.length;
    const one = this.scratch;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) { one[0] = c; this.update(one, 0, 1); continue; }
      const n = utf8WriteCodeUnitAt(s, i, one, 0);
      i += utf8StepWidth(s, i) - 1;
      this.update(one, 0, n);
    }
    return this;
  }

  digest(out: Uint8Array, off: number): void {
    const bytes = this.total;
    const block = this.block;
    block[this.blockLen++] = 0x80;
    if (this.blockLen > 56) {
      block.fill(0, this.blockLen, 64);
      this.compress(block, 0);
      this.blockLen = 0;
    }
    block.fill(0, this.blockLen, 56);
    // The bit count as two 32-bit halves, without going through a 64-bit multiply.
    const lo = (bytes % 0x20000000) * 8;
    const hi = Math.floor(bytes / 0x20000000);
    for (let k = 0; k < 4; k++) {
      if (this.bigEndianLength) {
        block[63 - k] = (lo >>> (8 * k)) & 255;
        block[59 - k] = (hi >>> (8 * k)) & 255;
      } else {
        block[56 + k] = (lo >>> (8 * k)) & 255;
        block[60 + k] = (hi >>> (8 * k)) & 255;
      }
    }
    this.compress(block, 0);
    this.writeDigest(out, off);
    this.reset();
  }
}

/** Writes `count` 32-bit words as big-endian bytes (SHA-1 and SHA-2 digests, FIPS 180-4 §3.1). */
export function writeWordsBigEndian(words: Int32Array, count: number, out: Uint8Array, off: number): void {
  for (let k = 0; k < count; k++) {
    const v = words[k]!;
    out[off + 4 * k] = (v >>> 24) & 255;
    out[off + 4 * k + 1] = (v >>> 16) & 255;
    out[off + 4 * k + 2] = (v >>> 8) & 255;
    out[off + 4 * k + 3] = v & 255;
  }
}

/** The 16 big-endian words of the 64-byte block at buf[p] into w[0..15] (FIPS 180-4 §6.1.2, §6.2.2 step 1). */
export function loadBlockBigEndian(buf: Uint8Array, p: number, w: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    const q = p + 4 * t;
    w[t] = (buf[q]! << 24) | (buf[q + 1]! << 16) | (buf[q + 2]! << 8) | buf[q + 3]!;
  }
}
