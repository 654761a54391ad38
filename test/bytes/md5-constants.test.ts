// core/bytes/md5.ts computes RFC 1321's T[i] = floor(abs(sin(i + 1)) * 2^32) at load instead of
// listing them (issue #7's size budget). This pins that the formula, as md5.ts writes it, gives
// the RFC's table on this engine; md5.test.ts and test/auth/quickjs.test.ts check MD5 digests
// (every block uses all 64 constants) on Node and inside QuickJS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// RFC 1321 §3.4 / appendix A.3, as the table md5.ts listed before.
const RFC_1321_T = [
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

test('floor(abs(sin(i + 1)) * 2^32) is the RFC 1321 table, with room to spare', () => {
  const computed = new Int32Array(64);
  for (let i = 0; i < 64; i++) computed[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296);
  assert.equal(Array.from(computed), Array.from(new Int32Array(RFC_1321_T)));
  // No product is near an integer, so a less exact Math.sin than this engine's gives the same table.
  for (let i = 0; i < 64; i++) {
    const product = Math.abs(Math.sin(i + 1)) * 4294967296;
    const frac = product - Math.floor(product);
    assert.ok(Math.min(frac, 1 - frac) > 0.01, `T[${i}]: ${frac}`);
  }
});

test.run();
