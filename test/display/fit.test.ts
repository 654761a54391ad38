// The line-fitting rule (core/display/fit.ts), as a table: text, width, options → shown text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fitLine, LineFitter, type FitOptions } from '../../core/display/fit.js';
import { displayCodesToString, ELLIPSIS_CODE } from '../../core/display/charset.js';

const cases: ReadonlyArray<readonly [string, string, number, FitOptions | undefined, string]> = [
  ['fits as is', 'Hello', 10, undefined, 'Hello'],
  ['exactly full: no ellipsis', 'abcdefghij', 10, undefined, 'abcdefghij'],
  ['one too many: cut + one-cell ellipsis', 'abcdefghijk', 10, undefined, 'abcdefghi…'],
  ['spaces before the cut are dropped', 'Alice Smith is away', 12, undefined, 'Alice Smith…'],
  ['cut inside a word', 'Alice Smith is away', 16, undefined, 'Alice Smith is…'],
  ['dots style', 'abcdefghijkl', 10, { ellipsis: 'dots' }, 'abcdefg...'],
  ['none style: hard cut', 'abcdefghijkl', 10, { ellipsis: 'none' }, 'abcdefghij'],
  ['too narrow for text + ellipsis: hard cut', 'abcdef', 1, undefined, 'a'],
  ['too narrow for dots: hard cut', 'abcdef', 3, { ellipsis: 'dots' }, 'abc'],
  ['centre', 'Hello', 10, { align: 'center' }, '  Hello'],
  ['right', 'Hello', 10, { align: 'right' }, '     Hello'],
  ['right, truncated', 'Hello world', 8, { align: 'right' }, 'Hello w…'],
  ['accents to base letters', 'Zoë Müller', 20, undefined, 'Zoe Muller'],
  ['ligatures and dashes', 'Straße – Œuvre', 20, undefined, 'Strasse - OEuvre'],
  ['multi-cell replacement kept whole', 'Price 10€', 11, undefined, 'Price 10EUR'],
  ['multi-cell replacement dropped whole', 'Price 10€', 10, undefined, 'Price 10…'],
  ['combining mark dropped', 'e\u0301cole', 10, undefined, 'ecole'],
  ['CJK: one ? per code point', '日本語', 10, undefined, '???'],
  ['emoji (surrogate pair) is one ?', 'hi 😀!', 10, undefined, 'hi ?!'],
  ['emoji with variation selector', '☎\uFE0F call', 10, undefined, '? call'],
  ['lone surrogate is one ?', 'a\ud800b', 10, undefined, 'a?b'],
  ['tab and newline become spaces', 'a\tb\nc', 10, undefined, 'a b c'],
  ['typographic quotes', '“Back” at 3', 20, undefined, '"Back" at 3'],
  ['an ellipsis in the input is one cell', 'Wait…', 10, undefined, 'Wait…'],
  ['blanks past the edge are padding, not a cut', 'Straße' + ' '.repeat(14), 20, undefined, 'Strasse'],
  ['text after overflowing blanks is a cut', 'abcdefgh  x', 9, undefined, 'abcdefgh…'],
  ['empty', '', 10, undefined, ''],
  ['zero width', 'abc', 0, undefined, ''],
];

for (const [name, text, cols, options, expected] of cases) {
  test(`fitLine: ${name}`, () => {
    assert.is(fitLine(text, cols, options), expected);
  });
}

test('LineFitter pads the row with blanks and returns the visible length', () => {
  const fitter = new LineFitter();
  const row = new Uint8Array(8).fill(0xaa);
  assert.is(fitter.fitString('ab', row, 0, 8), 2);
  assert.equal(Array.from(row), [0x61, 0x62, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
  assert.is(fitter.fitString('abcdefghij', row, 0, 8), 8);
  assert.is(row[7], ELLIPSIS_CODE);
});

test('LineFitter writes only inside its row (offset into a shared buffer)', () => {
  const fitter = new LineFitter();
  const buf = new Uint8Array(12).fill(0xee);
  fitter.fitString('a very long line indeed', buf, 2, 8);
  assert.is(buf[0], 0xee);
  assert.is(buf[1], 0xee);
  assert.is(buf[10], 0xee);
  assert.is(buf[11], 0xee);
  assert.is(displayCodesToString(buf, 2, 8), 'a very… ');
});

const utf8Cases: ReadonlyArray<readonly [string, readonly number[], number, string]> = [
  ['ASCII', [0x48, 0x69], 8, 'Hi'],
  ['2-byte ë', [0x5a, 0x6f, 0xc3, 0xab], 8, 'Zoe'],
  ['3-byte €', [0xe2, 0x82, 0xac, 0x31], 8, 'EUR1'],
  ['4-byte emoji', [0xf0, 0x9f, 0x98, 0x80, 0x21], 8, '?!'],
  ['truncated sequence at the end', [0x61, 0xe2, 0x82], 8, 'a?'],
  ['bad continuation: one ? then the byte itself', [0xc3, 0x28], 8, '?('],
  ['overlong / (C0 AF): two ?', [0xc0, 0xaf], 8, '??'],
  ['encoded surrogate (ED A0 80): three ?', [0xed, 0xa0, 0x80], 8, '???'],
  ['beyond U+10FFFF (F4 90 80 80): four ?', [0xf4, 0x90, 0x80, 0x80], 8, '????'],
  ['stray continuation bytes', [0x80, 0xbf, 0x41], 8, '??A'],
  ['multi-byte never split by truncation', [0x61, 0x62, 0x63, 0x64, 0xc3, 0xa9, 0x66], 5, 'abcd…'],
];

for (const [name, bytes, cols, expected] of utf8Cases) {
  test(`fitUtf8: ${name}`, () => {
    const fitter = new LineFitter();
    const row = new Uint8Array(cols);
    // Embed the bytes between guards to check the decoder stays inside [start, start+length).
    const buf = new Uint8Array([0xc3, ...bytes, 0xa9]);
    const len = fitter.fitUtf8(buf, 1, bytes.length, row, 0, cols);
    assert.is(displayCodesToString(row, 0, len), expected);
  });
}

test('property: fitted lines fit, are printable, and are a fixed point', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 0, max: 40 }),
      fc.constantFrom<FitOptions['ellipsis']>('glyph', 'dots', 'none'), (text, cols, ellipsis) => {
        const fitted = fitLine(text, cols, { ellipsis });
        assert.ok(fitted.length <= cols);
        assert.ok(/^[\x20-\x7e\u2026]*$/.test(fitted), JSON.stringify(fitted));
        assert.is(fitLine(fitted, cols, { ellipsis }), fitted);
      }),
    { numRuns: 300, seed: 6 },
  );
});

test('property: the UTF-8 path agrees with the string path on well-formed text', () => {
  const fitter = new LineFitter();
  const a = new Uint8Array(24);
  const b = new Uint8Array(24);
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
      const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
      const n1 = fitter.fitString(text, a, 0, 24);
      const n2 = fitter.fitUtf8(bytes, 0, bytes.length, b, 0, 24);
      assert.is(n2, n1);
      assert.equal(Array.from(b), Array.from(a));
    }),
    { numRuns: 300, seed: 7 },
  );
});

test.run();
