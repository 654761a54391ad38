// MD5, RFC 1321. Cryptographically broken, but SIP digest auth (RFC 3261 §22.4, RFC 2617)
// still defaults to it, so the core carries its own implementation: QuickJS and XS have no
// crypto module. Incremental: reset / update(buf, off, len) / digest(out, off); no allocation
// after construction.
import { BlockHasher } from './block-hasher.js';
import { toHex } from './hex.js';

// RFC 1321 §3.4: per-round shift amounts and T[i] = floor(abs(sin(i + 1)) * 2^32).
const S = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);
// T is computed, not listed (64 ten-digit constants are ~450 B of the device bundle's min+gzip
// size, issue #7): every exact product lies at least 0.0154 from an integer, so any Math.sin
// within ~3e-12 of sin (thousands of ulps; libms are within one or two) gives the RFC's values.
// test/bytes/md5-constants.test.ts checks them against the table of RFC 1321 §3.4.
const T = new Int32Array(64);
for (let i = 0; i < 64; i++) T[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296);

export class Md5 extends BlockHasher {
  readonly digestLength = 16;
  private readonly h = new Int32Array(4);
  private readonly x = new Int32Array(16);

  constructor() {
    super(false);
    this.reset();
  }

  protected resetState(): void {
    const h = this.h;
    h[0] = 0x67452301; h[1] = 0xefcdab89 | 0; h[2] = 0x98badcfe | 0; h[3] = 0x10325476;
  }

  protected writeDigest(out: Uint8Array, off: number): void {
    const h = this.h;
    for (let k = 0; k < 4; k++) {
      const v = h[k];
      out[off + 4 * k] = v & 255;
      out[off + 4 * k + 1] = (v >>> 8) & 255;
      out[off + 4 * k + 2] = (v >>> 16) & 255;
      out[off + 4 * k + 3] = (v >>> 24) & 255;
    }
  }

  /** §3.4: one 64-byte block at buf[p]. */
  protected compress(buf: Uint8Array, p: number): void {
    const x = this.x;
    for (let k = 0; k < 16; k++) {
      const q = p + 4 * k;
      x[k] = buf[q] | (buf[q + 1] << 8) | (buf[q + 2] << 16) | (buf[q + 3] << 24);
    }
    const h = this.h;
    let a = h[0], b = h[1], c = h[2], d = h[3];
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * i) & 15; }
      const sum = (a + f + T[i] + x[g]) | 0;
      const s = S[i];
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  }
}

const shared = new Md5();
const sharedOut = new Uint8Array(16);

/** One-shot MD5 of a span or of a string's UTF-8 bytes, as lowercase hex (allocates the string). */
export function md5Hex(data: Uint8Array | string, off: number = 0, len: number = -1): string {
  if (typeof data === 'string') shared.updateString(data);
  else shared.update(data, off, len < 0 ? data.length - off : len);
  shared.digest(sharedOut, 0);
  return toHex(sharedOut, 0, 16);
}
