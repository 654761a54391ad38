import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Sha256, sha256Hex } from '../../core/bytes/sha256.js';
import { toHex } from '../../core/bytes/hex.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

// NIST FIPS 180-4 examples (csrc.nist.gov "SHA256.pdf", "SHA256_2.pdf") and the classic
// one-million-'a' vector.
test('NIST vectors', () => {
  assert.is(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.is(sha256Hex('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  const h = new Sha256();
  const chunk = new Uint8Array(1000).fill(0x61);
  for (let i = 0; i < 1000; i++) h.update(chunk, 0, 1000);
  const out = new Uint8Array(32);
  h.digest(out, 0);
  assert.is(toHex(out), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('matches node:crypto on random inputs of every length 0..300 and some large ones', () => {
  const next = rng(180);
  const lengths: number[] = [];
  for (let n = 0; n <= 300; n++) lengths.push(n);
  lengths.push(1000, 4095, 4096, 4097, 65537);
  for (const n of lengths) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    assert.is(sha256Hex(data), createHash('sha256').update(data).digest('hex'), `length ${n}`);
  }
});

test('incremental updates in random pieces give the one-shot digest', () => {
  const next = rng(4);
  const h = new Sha256();
  const out = new Uint8Array(40);
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
    assert.is(toHex(out, 5, 32), createHash('sha256').update(data).digest('hex'));
  }
});

test('updateString hashes the UTF-8 bytes', () => {
  for (const s of ['Mufasa:http-auth@example.org:Circle of Life', 'J\u00e4s\u00f8n Doe', '\u{1F600}\uDC00']) {
    assert.is(sha256Hex(s), createHash('sha256').update(s, 'utf8').digest('hex'), s);
  }
});

test.run();
