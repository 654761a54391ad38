import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64Decode, base64Encode, base64EncodeToString, base64EncodedLength, base64DecodedLength } from '../../core/bytes/base64.js';
import { hexDecode, hexEncode, toHex } from '../../core/bytes/hex.js';
import { E_BYTES_BAD_INPUT, E_BYTES_NO_SPACE } from '../../core/bytes/errors.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const ascii = (s: string) => new Uint8Array(Array.from(s, (c) => c.charCodeAt(0)));

test('RFC 4648 §10 base64 vectors', () => {
  const v: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
  for (const [plain, coded] of v) {
    assert.is(base64EncodeToString(ascii(plain)), coded);
    const out = new Uint8Array(8);
    const n = base64Decode(ascii(coded), 0, coded.length, out, 0);
    assert.is(n, plain.length);
    assert.is(String.fromCharCode(...out.subarray(0, n)), plain);
  }
});

test('base64 matches Buffer on random data and round-trips', () => {
  const next = rng(4648);
  for (let n = 0; n < 200; n++) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    const text = base64EncodeToString(data);
    assert.is(text, Buffer.from(data).toString('base64'));
    const out = new Uint8Array(n);
    assert.is(base64Decode(ascii(text), 0, text.length, out, 0), n);
    assert.equal(out, data);
    const unpadded = text.replace(/=+$/, '');
    assert.is(base64Decode(ascii(unpadded), 0, unpadded.length, out, 0), n, 'unpadded accepted');
    assert.equal(out, data);
  }
});

test('base64 rejects non-canonical or malformed text', () => {
  for (const bad of ['Z', 'Zg=', 'Zg===', 'Z===', 'Zh==', 'Zm9=', 'Zm 9v', 'Zm9v\n', 'Zm9-', '=Zm9', 'Zg==Zg==', 'Zm9vY===']) {
    assert.is(base64DecodedLength(ascii(bad), 0, bad.length), E_BYTES_BAD_INPUT, bad);
    assert.is(base64Decode(ascii(bad), 0, bad.length, new Uint8Array(16), 0), E_BYTES_BAD_INPUT, bad);
  }
});

test('base64 is all or nothing on short buffers', () => {
  const data = ascii('foobar!');
  const need = base64EncodedLength(data.length);
  for (let cap = 0; cap < need; cap++) {
    const out = new Uint8Array(need).fill(1);
    assert.is(base64Encode(data, 0, data.length, out, 0, cap), E_BYTES_NO_SPACE);
    assert.ok(out.every((b) => b === 1));
  }
  const text = ascii('Zm9vYmFyIQ==');
  for (let cap = 0; cap < 7; cap++) {
    const out = new Uint8Array(7).fill(1);
    assert.is(base64Decode(text, 0, text.length, out, 0, cap), E_BYTES_NO_SPACE);
    assert.ok(out.every((b) => b === 1));
  }
});

test('hex encode/decode', () => {
  const next = rng(16);
  for (let n = 0; n < 100; n++) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = next() & 255;
    const text = toHex(data);
    assert.is(text, Buffer.from(data).toString('hex'));
    const out = new Uint8Array(2 * n + 1);
    assert.is(hexEncode(data, 0, n, out, 1), 2 * n);
    assert.is(String.fromCharCode(...out.subarray(1)), text);
    const back = new Uint8Array(n);
    assert.is(hexDecode(ascii(text.toUpperCase()), 0, 2 * n, back, 0), n);
    assert.equal(back, data);
  }
  assert.is(hexDecode(ascii('abc'), 0, 3, new Uint8Array(4), 0), E_BYTES_BAD_INPUT);
  assert.is(hexDecode(ascii('zz'), 0, 2, new Uint8Array(4), 0), E_BYTES_BAD_INPUT);
  assert.is(hexDecode(ascii('abcd'), 0, 4, new Uint8Array(4), 0, 1), E_BYTES_NO_SPACE);
  assert.is(hexEncode(ascii('ab'), 0, 2, new Uint8Array(3), 0), E_BYTES_NO_SPACE);
});

test.run();
