import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { utf8Decode, utf8Encode, utf8Length, utf8Bytes, utf8InvalidAt, isUtf8 } from '../../core/bytes/utf8.js';
import { E_BYTES_NO_SPACE } from '../../core/bytes/errors.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });
const strict = new TextDecoder('utf-8', { fatal: true });

const SAMPLES = ['', 'ascii', 'Gr\u00fc\u00dfe', '\u20ac100', '\u{1F600}\u{10FFFF}', 'lone \uD800 high', 'lone \uDC00 low',
  'end high \uD83D', '\uDBFF\uDFFF', 'mixed \u00e9\u4e2d\u{1F4A9}x'];

test('encode matches TextEncoder, lone surrogates included', () => {
  for (const s of SAMPLES) {
    const want = enc.encode(s);
    assert.is(utf8Length(s), want.length, s);
    const out = new Uint8Array(want.length + 4);
    assert.is(utf8Encode(s, out, 2), want.length);
    assert.equal(out.subarray(2, 2 + want.length), want, s);
    assert.equal(utf8Bytes(s), want);
  }
});

test('encode is all or nothing when the buffer is short', () => {
  const s = 'a\u00e9\u{1F600}';
  const need = utf8Length(s);
  for (let cap = 0; cap < need; cap++) {
    const out = new Uint8Array(need).fill(0xaa);
    assert.is(utf8Encode(s, out, 0, cap), E_BYTES_NO_SPACE);
    assert.ok(out.every((b) => b === 0xaa), 'nothing written');
  }
  const out = new Uint8Array(need);
  assert.is(utf8Encode(s, out, 0, need), need);
});

test('decode round-trips random strings', () => {
  const next = rng(3629);
  for (let round = 0; round < 300; round++) {
    let s = '';
    const n = next() % 40;
    for (let i = 0; i < n; i++) {
      const kind = next() % 4;
      if (kind === 0) s += String.fromCharCode(next() % 0x80);
      else if (kind === 1) s += String.fromCharCode(0x80 + (next() % 0x780));
      else if (kind === 2) { const c = 0x800 + (next() % 0xf800); s += (c >= 0xd800 && c <= 0xdfff) ? 'x' : String.fromCharCode(c); }
      else s += String.fromCodePoint(0x10000 + (next() % 0x100000));
    }
    const b = utf8Bytes(s);
    assert.is(utf8Decode(b, 0, b.length), s);
    assert.is(utf8InvalidAt(b, 0, b.length), -1);
  }
});

test('decode replaces ill-formed sequences exactly like TextDecoder (maximal subparts)', () => {
  const next = rng(99);
  // Biased towards bytes that make interesting sequences.
  const pool = [0x41, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff, 0x90, 0xa0, 0x9f, 0x8f];
  for (let round = 0; round < 5000; round++) {
    const n = next() % 12;
    const b = new Uint8Array(n + 2);
    for (let i = 0; i < n; i++) b[i + 1] = (next() & 1) ? pool[next() % pool.length] : next() & 255;
    const want = dec.decode(b.subarray(1, 1 + n));
    assert.is(utf8Decode(b, 1, n), want, Array.from(b).join(','));
    let valid = true;
    try { strict.decode(b.subarray(1, 1 + n)); } catch { valid = false; }
    assert.is(isUtf8(b, 1, n), valid, Array.from(b).join(','));
  }
});

test('long text crosses the internal chunking', () => {
  const s = 'ab\u00e9\u{1F600}'.repeat(2000);
  const b = utf8Bytes(s);
  assert.is(utf8Decode(b, 0, b.length), s);
});

test('validator reports the first bad offset', () => {
  const b = new Uint8Array([0x61, 0x62, 0xe2, 0x82, 0xac, 0xc0, 0xaf, 0x63]);
  assert.is(utf8InvalidAt(b, 0, b.length), 5, 'overlong');
  assert.is(utf8InvalidAt(new Uint8Array([0x61, 0xed, 0xa0, 0x80]), 0, 4), 1, 'surrogate');
  assert.is(utf8InvalidAt(new Uint8Array([0x61, 0xf4, 0x90, 0x80, 0x80]), 0, 5), 1, 'above U+10FFFF');
  assert.is(utf8InvalidAt(new Uint8Array([0x61, 0xe2, 0x82]), 0, 3), 1, 'truncated');
  assert.is(utf8InvalidAt(new Uint8Array([0xe2, 0x82, 0xac, 0xe2]), 0, 3), -1, 'span end respected');
});

test.run();
