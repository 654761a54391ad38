import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { asciiEquals, asciiEqualsIgnoreCase, writeAscii, writeDecimal, decimalLength, parseDecimal,
  spansEqualIgnoreCase, isAscii, asciiString } from '../../core/bytes/ascii.js';
import { E_BYTES_NO_SPACE, E_BYTES_NOT_ASCII } from '../../core/bytes/errors.js';

const ascii = (s: string) => new Uint8Array(Array.from(s, (c) => c.charCodeAt(0)));

test('writeAscii writes, refuses non-ASCII and short space without writing', () => {
  const out = new Uint8Array(10).fill(0xee);
  assert.is(writeAscii(out, 2, 10, 'Via'), 5);
  assert.is(asciiString(out, 2, 3), 'Via');
  assert.is(writeAscii(out, 8, 10, 'abc'), E_BYTES_NO_SPACE);
  assert.is(writeAscii(out, 0, 10, 'h\u00e9'), E_BYTES_NOT_ASCII);
  assert.is(out[0], 0xee);
  assert.is(out[8], 0xee);
  assert.ok(isAscii('abc~\x7f'));
  assert.not.ok(isAscii('\u0080'));
});

test('span comparisons', () => {
  const b = ascii('xxCall-IDyy');
  assert.ok(asciiEqualsIgnoreCase(b, 2, 7, 'call-id'));
  assert.ok(asciiEqualsIgnoreCase(b, 2, 7, 'CALL-ID'));
  assert.not.ok(asciiEqualsIgnoreCase(b, 2, 7, 'call-ie'));
  assert.not.ok(asciiEqualsIgnoreCase(b, 2, 6, 'call-id'));
  assert.ok(asciiEquals(b, 2, 7, 'Call-ID'));
  assert.not.ok(asciiEquals(b, 2, 7, 'call-id'));
  // '@' (0x40) and '`' (0x60) differ by 0x20 but are not letters: no folding.
  assert.not.ok(asciiEqualsIgnoreCase(ascii('@'), 0, 1, '`'));
  assert.not.ok(asciiEqualsIgnoreCase(ascii('['), 0, 1, '{'));
  assert.ok(spansEqualIgnoreCase(ascii('ABC'), 0, 3, ascii('xabc'), 1, 3));
});

test('decimal write/parse without toString', () => {
  for (const n of [0, 1, 9, 10, 99, 100, 65535, 4294967295, 4294967296, Number.MAX_SAFE_INTEGER]) {
    assert.is(decimalLength(n), String(n).length);
    const out = new Uint8Array(20);
    assert.is(writeDecimal(out, 1, 20, n), 1 + String(n).length);
    assert.is(asciiString(out, 1, String(n).length), String(n));
    assert.is(parseDecimal(out, 1, String(n).length), n);
  }
  assert.is(writeDecimal(new Uint8Array(3), 0, 3, 1000), E_BYTES_NO_SPACE);
  assert.is(parseDecimal(ascii('12a'), 0, 3), -1);
  assert.is(parseDecimal(ascii(''), 0, 0), -1);
  assert.is(parseDecimal(ascii('99999999999999999'), 0, 17), -1);
});

test.run();
