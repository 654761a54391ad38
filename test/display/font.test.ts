// Font rendering into SSD1306 page bytes: known glyphs give exact bytes, in and out of page
// alignment, inverse, clipped at the edges.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FONT_5X7, glyphOffset, CELL_WIDTH } from '../../core/display/font5x7.js';
import { MonoFramebuffer, textGeometry } from '../../core/display/mono-framebuffer.js';
import { ELLIPSIS_CODE } from '../../core/display/charset.js';

const code = (ch: string): number => ch.charCodeAt(0);
const page = (fb: MonoFramebuffer, p: number, from: number, to: number): number[] =>
  Array.from(fb.bytes.subarray(p * fb.width + from, p * fb.width + to));

test('the table covers 0x20..0x7F, 5 bytes each, bit 7 unused (the cell\'s blank bottom row)', () => {
  assert.is(FONT_5X7.length, 96 * 5);
  for (let i = 0; i < FONT_5X7.length; i++) assert.is(FONT_5X7[i]! & 0x80, 0, `byte ${i}`);
  assert.equal(Array.from(FONT_5X7.subarray(0, 5)), [0, 0, 0, 0, 0]); // space is blank
});

test('codes outside the font draw as "?"', () => {
  assert.is(glyphOffset(0x10), glyphOffset(code('?')));
  assert.is(glyphOffset(0xe9), glyphOffset(code('?')));
});

test('"A" on page 0: columns 7E 11 11 11 7E then the blank column', () => {
  const fb = new MonoFramebuffer(128, 64);
  fb.drawCell(code('A'), 0, 0, false);
  assert.equal(page(fb, 0, 0, 6), [0x7e, 0x11, 0x11, 0x11, 0x7e, 0x00]);
  // Bit 0 is the top row: 0x11 lights rows 0 and 4 of columns 1–3 (the top and the bar),
  // 0x7E lights rows 1–6 of columns 0 and 4 (the legs).
  assert.is(fb.getPixel(0, 0), false);
  assert.is(fb.getPixel(1, 0), true);
  assert.is(fb.getPixel(0, 1), true);
  assert.is(fb.getPixel(2, 4), true);
  assert.is(fb.getPixel(2, 2), false);
});

test('"Hi!" on page 2 at x=10 is a plain byte copy', () => {
  const fb = new MonoFramebuffer(128, 64);
  fb.drawCodes(new Uint8Array([code('H'), code('i'), code('!')]), 0, 3, 10, 16, false);
  assert.equal(page(fb, 2, 10, 28), [
    0x7f, 0x08, 0x08, 0x08, 0x7f, 0x00, // H
    0x00, 0x44, 0x7d, 0x40, 0x00, 0x00, // i
    0x00, 0x00, 0x5f, 0x00, 0x00, 0x00, // !
  ]);
  assert.equal(page(fb, 1, 0, 128), new Array(128).fill(0));
  assert.equal(page(fb, 3, 0, 128), new Array(128).fill(0));
});

test('the ellipsis glyph is three dots on the bottom glyph row', () => {
  const fb = new MonoFramebuffer(8, 8);
  fb.drawCell(ELLIPSIS_CODE, 0, 0, false);
  assert.equal(page(fb, 0, 0, 6), [0x40, 0x00, 0x40, 0x00, 0x40, 0x00]);
});

test('inverse video inverts the whole 6x8 cell', () => {
  const fb = new MonoFramebuffer(12, 8);
  fb.drawCell(code('1'), 0, 0, true);
  assert.equal(page(fb, 0, 0, 6), [0xff, 0xbd, 0x80, 0xbf, 0xff, 0xff]);
});

test('a cell at y=3 straddles pages 0 and 1 and keeps the other pixels of both', () => {
  const fb = new MonoFramebuffer(8, 16);
  fb.clear(true); // all lit: the pixels outside the cell must stay lit
  fb.drawCell(code('H'), 0, 3, false);
  // Column 0 of "H" is 0x7F: rows 3..9 lit, row 10 (the cell's blank row) dark.
  // Page 0 keeps rows 0–2 (0b111) and gets glyph rows 0–4 at bits 3–7: 0x7F << 3 = 0x3F8 → 0xF8.
  assert.is(fb.bytes[0], 0xff);
  // Page 1 gets glyph rows 5–7 (0x7F >> 5 = 0b011) at bits 0–2 and keeps rows 11–15 (bits 3–7).
  assert.is(fb.bytes[8], 0xfb);
  // Column 1 (0x08: only glyph row 3 lit): page 0 = 0b111 | 0x08 << 3 = 0x47; page 1 = 0xF8.
  assert.is(fb.bytes[1], 0x47);
  assert.is(fb.bytes[9], 0xf8);
  // The blank sixth column: page 0 keeps bits 0–2 only, page 1 keeps bits 3–7 only.
  assert.is(fb.bytes[5], 0x07);
  assert.is(fb.bytes[13], 0xf8);
  // Outside the cell nothing changed.
  assert.is(fb.bytes[6], 0xff);
  assert.is(fb.bytes[14], 0xff);
});

test('cells are clipped at the right edge and below the last page', () => {
  const fb = new MonoFramebuffer(8, 8);
  fb.drawCell(code('H'), 4, 0, false); // columns 4..9: only 4..7 exist
  assert.equal(page(fb, 0, 0, 8), [0, 0, 0, 0, 0x7f, 0x08, 0x08, 0x08]);
  fb.drawCell(code('H'), 0, 6, false); // rows 6..13: only rows 6, 7 exist
  assert.is(fb.bytes[0], (0x7f << 6) & 0xff);
});

test('setPixel/getPixel use bit (y & 7) of byte (y >> 3) * width + x', () => {
  const fb = new MonoFramebuffer(128, 64);
  fb.setPixel(5, 13, true);
  assert.is(fb.bytes[128 + 5], 1 << 5);
  assert.ok(fb.getPixel(5, 13));
  fb.setPixel(5, 13, false);
  assert.is(fb.bytes[128 + 5], 0);
  fb.setPixel(-1, 0, true); // outside: ignored
  fb.setPixel(128, 64, true);
  assert.is(fb.bytes.reduce((a, b) => a + b, 0), 0);
});

test('text geometry of common panels', () => {
  assert.equal(textGeometry(128, 64), { rows: 8, cols: 21 });
  assert.equal(textGeometry(128, 32), { rows: 4, cols: 21 });
  assert.is(CELL_WIDTH * 21, 126);
});

test.run();
