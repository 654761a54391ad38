// SHA-1, FIPS 180-4 §6.1. Broken for collision resistance, but RFC 6455 §4.2.2 fixes it for the
// WebSocket opening handshake (Sec-WebSocket-Accept = base64(SHA-1(key + GUID))), where it only
// proves the server read our key. Incremental: reset / update(buf, off, len) / digest(out, off);
// no allocation after construction.
import { BlockHasher, loadBlockBigEndian, writeWordsBigEndian } from './block-hasher.js';
import { toHex } from './hex.js';

// §5.3.1: initial hash value.
const H0 = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

export class Sha1 extends BlockHasher {
  readonly digestLength = 20;
  private readonly h = new Int32Array(5);
  private readonly w = new Int32Array(80);

  constructor() {
    super(true);
    this.reset();
  }

  protected resetState(): void {
    this.h.set(H0);
  }

  protected writeDigest(out: Uint8Array, off: number): void {
    writeWordsBigEndian(this.h, 5, out, off);
  }

  /** §6.1.2: one 64-byte block at buf[p]. */
  protected compress(buf: Uint8Array, p: number): void {
    const w = this.w;
    loadBlockBigEndian(buf, p, w);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    const h = this.h;
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    // §4.1.1 f_t and §4.2.1 K_t, one loop per 20-round stage (no per-round branch).
    for (let t = 0; t < 20; t++) {
      const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
    }
    for (let t = 20; t < 40; t++) {
      const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
    }
    for (let t = 40; t < 60; t++) {
      const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
    }
    for (let t = 60; t < 80; t++) {
      const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
  }
}

const shared = new Sha1();
const sharedOut = new Uint8Array(20);

/** One-shot SHA-1 of a span or of a string's UTF-8 bytes, as lowercase hex (allocates the string). */
export function sha1Hex(data: Uint8Array | string, off: number = 0, len: number = -1): string {
  if (typeof data === 'string') shared.updateString(data);
  else shared.update(data, off, len < 0 ? data.length - off : len);
  shared.digest(sharedOut, 0);
  return toHex(sharedOut, 0, 20);
}
