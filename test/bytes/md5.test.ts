import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Md5, md5Hex } from '../../core/bytes/md5.js';
import { toHex } from '../../core/bytes/hex.js';

// Deterministic xorshift32 so the random cases are the same on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

// RFC 1321 §A.5 test suite.
const RFC1321: Array<[string, string]> = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
];

test('RFC 1321 A.5 test suite', () => {
  for (const [input, want] of RFC1321) assert.is(md5Hex(input), want, JSON.stringify(input));
});

test('matches node:crypto on random inputs of every length 0..300 and some large ones', () => {
  const next = rng(1321);
  const lengths: number[] = [];
  for (let n = 0; n <= 300; n++) lengths.push(n);
  lengths.push(1000, 4095, 4096, 4097, 65537);
  for (const n of lengths) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    assert.is(md5Hex(data), createHash('md5').update(data).digest('hex'), `length ${n}`);
  }
});

test('incremental updates in random pieces give the one-shot digest', () => {
  const next = rng(77);
  const h = new Md5();
  const out = new Uint8Array(20);
  for (let round = 0; round < 200; round++) {
    const n = next() % 700;
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    let pos = 0;
    while (pos < n) {
      const piece = Math.min(n - pos, next() % 130);
      h.update(data, pos, piece);
      pos += piece;
    }
    h.digest(out, 2);
    assert.is(toHex(out, 2, 16), createHash('md5').update(data).digest('hex'));
  }
});

test('updates honour offsets and digest resets the hasher', () => {
  const buf = new TextEncoder().encode('xxabcyy');
  const h = new Md5();
  const out = new Uint8Array(16);
  h.update(buf, 2, 3).digest(out, 0);
  assert.is(toHex(out), '900150983cd24fb0d6963f7d28e17f72');
  h.update(buf, 2, 3).digest(out, 0);
  assert.is(toHex(out), '900150983cd24fb0d6963f7d28e17f72');
});

test('updateString hashes the UTF-8 bytes, surrogate pairs included', () => {
  for (const s of ['Mufasa:http-auth@example.org:Circle of Life', 'J\u00e4s\u00f8n Doe', '\u{1F600} x \uD800 lone']) {
    assert.is(md5Hex(s), createHash('md5').update(s, 'utf8').digest('hex'), s);
  }
});

test.run();
