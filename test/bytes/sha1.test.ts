import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Sha1, sha1Hex } from '../../core/bytes/sha1.js';
import { toHex } from '../../core/bytes/hex.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

// NIST FIPS 180 examples (csrc.nist.gov "SHA1.pdf", "SHA1_2" and the 896-bit message of the
// SHA example set) and the one-million-'a' vector of FIPS 180-1 Appendix C.
test('NIST vectors', () => {
  assert.is(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.is(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.is(sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  assert.is(sha1Hex('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'a49b2446a02c645bf419f995b67091253a04a259');
  const h = new Sha1();
  const chunk = new Uint8Array(1000).fill(0x61);
  for (let i = 0; i < 1000; i++) h.update(chunk, 0, 1000);
  const out = new Uint8Array(20);
  h.digest(out, 0);
  assert.is(toHex(out), '34aa973cd4c4daa4f61eeb2bdbad27316534016f');
});

test('matches node:crypto on random inputs of every length 0..300 and some large ones', () => {
  const next = rng(1801);
  const lengths: number[] = [];
  for (let n = 0; n <= 300; n++) lengths.push(n);
  lengths.push(1000, 4095, 4096, 4097, 65537);
  for (const n of lengths) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    assert.is(sha1Hex(data), createHash('sha1').update(data).digest('hex'), `length ${n}`);
  }
});

test('incremental updates in random pieces give the one-shot digest', () => {
  const next = rng(7);
  const h = new Sha1();
  const out = new Uint8Array(30);
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
    h.digest(out, 5);
    assert.is(toHex(out, 5, 20), createHash('sha1').update(data).digest('hex'));
  }
});

test('updateString hashes the UTF-8 bytes', () => {
  for (const s of ['dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11', 'J\u00e4s\u00f8n Doe', '\u{1F600}\uDC00']) {
    assert.is(sha1Hex(s), createHash('sha1').update(s, 'utf8').digest('hex'), s);
  }
});

test.run();
