// RFC 3339 timestamps: parseRfc3339 against Date.UTC on valid forms, and against the previous
// implementation (reference-timestamp.ts) on ~60k random and mutated strings (same value or NaN).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRfc3339 } from '../../core/presence/documents/timestamp.js';
import { parseRfc3339 as referenceParse } from './reference-timestamp.js';
import { prng } from '../xml/mutate.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string): number => { const b = enc(s); return parseRfc3339(b, 0, b.length); };

test('valid forms: Z, offsets, fractions, leap second, year 0000', () => {
  assert.is(parse('2026-11-26T01:11:01Z'), Date.UTC(2026, 10, 26, 1, 11, 1));
  assert.is(parse('2005-05-30T16:09:44+05:00'), Date.UTC(2005, 4, 30, 11, 9, 44));
  assert.is(parse('1999-12-31t23:59:59.987-01:30'), Date.UTC(2000, 0, 1, 1, 29, 59, 987));
  assert.is(parse('2024-02-29T00:00:00.5z'), Date.UTC(2024, 1, 29, 0, 0, 0, 500));
  assert.is(parse('1970-01-01T00:00:00Z'), 0);
  assert.is(parse('0000-01-01T00:00:00Z'), Date.parse('0000-01-01T00:00:00Z')); // Date.UTC maps year 0 to 1900
  assert.is(parse('2016-12-31T23:59:60Z'), Date.UTC(2017, 0, 1, 0, 0, 0));
});

test('invalid forms give NaN', () => {
  for (const s of ['2026-11-26T01:11:01', '2026-13-26T01:11:01Z', '2026-11-26 01:11:01Z', '2026-11-26T24:00:00Z', '2026-1a-26T01:11:01Z',
    '2026-11-26T01:11:01.Z', '2026-11-26T01:11:01+5:00', '2026-11-26T01:11:01Zx', '-026-11-26T01:11:01Z', '2026/11/26T01:11:01Z']) {
    assert.ok(Number.isNaN(parse(s)), s);
  }
});

test('60k random and mutated strings: same result as the previous implementation', () => {
  const rnd = prng(0x3339);
  const alphabet = '0123456789-:T.tZz+ /x';
  const seeds = ['2026-11-26T01:11:01Z', '2005-05-30T16:09:44+05:00', '1999-12-31T23:59:59.987-01:30', '0000-01-01T00:00:00Z', '2024-02-29T12:30:00.1234Z'];
  const buf = new Uint8Array(40);
  for (let n = 0; n < 60_000; n++) {
    let s = seeds[n % seeds.length]!;
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * s.length);
      const op = rnd();
      const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
      if (op < 0.6) s = s.slice(0, at) + ch + s.slice(at + 1);
      else if (op < 0.8) s = s.slice(0, at) + s.slice(at + 1);
      else s = s.slice(0, at) + ch + s.slice(at);
    }
    const bytes = enc(s);
    buf.fill(0x39);
    buf.set(bytes, 3);
    const a = parseRfc3339(buf, 3, 3 + bytes.length);
    const b = referenceParse(buf, 3, 3 + bytes.length);
    if (!(Object.is(a, b))) assert.unreachable(`${JSON.stringify(s)}: ${a} vs ${b}`);
  }
});

test.run();
