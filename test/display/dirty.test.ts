// Change tracking: a character display reports changed row spans, a pixel display changed page
// spans; unchanged redraws send nothing; a reset sends everything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CharDisplay, hd44780Address } from '../../core/display/char-display.js';
import { MonoFramebuffer } from '../../core/display/mono-framebuffer.js';
import { PageDirtyTracker, ssd1306Window, type PageSink } from '../../core/display/page-dirty.js';
import { PixelTextGrid } from '../../core/display/pixel-text-grid.js';
import { StatusScreen } from '../../core/display/status-screen.js';

function dirtySpans(d: CharDisplay): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let r = d.nextDirtyRow(0); r >= 0; r = d.nextDirtyRow(r + 1)) out.push([r, d.dirtyFirstCol(r), d.dirtyLastCol(r)]);
  return out;
}

test('char display: a new display is all dirty, then only changed spans', () => {
  const lcd = new CharDisplay(4, 20);
  const screen = new StatusScreen(lcd);
  assert.equal(dirtySpans(lcd), [[0, 0, 19], [1, 0, 19], [2, 0, 19], [3, 0, 19]]);
  screen.show(['alice  Registered', 'Available', '', 'IM 0  VM 0']);
  lcd.clearDirty();
  assert.equal(dirtySpans(lcd), []);

  screen.show(['alice  Registered', 'Available', '', 'IM 0  VM 0']);
  assert.equal(dirtySpans(lcd), [], 'the same lines again change nothing');

  screen.show(['alice  Registered', 'Busy', '', 'IM 2  VM 0']);
  // "Available" → "Busy": columns 0..8 differ ("Busy" + blanks over "Available").
  // "IM 0" → "IM 2": only column 3.
  assert.equal(dirtySpans(lcd), [[1, 0, 8], [3, 3, 3]]);
  assert.is(lcd.rowText(1), 'Busy                ');
  assert.is(lcd.rowText(3), 'IM 2  VM 0          ');
});

test('char display: dirty spans accumulate until cleared, and markAllDirty resends', () => {
  const lcd = new CharDisplay(2, 16);
  const screen = new StatusScreen(lcd);
  screen.show(['abc', '']);
  lcd.clearDirty();
  screen.show(['abX', '']);
  screen.show(['XbX', '']);
  assert.equal(dirtySpans(lcd), [[0, 0, 2]]);
  lcd.clearDirty();
  lcd.markAllDirty();
  assert.equal(dirtySpans(lcd), [[0, 0, 15], [1, 0, 15]]);
});

test('char display: rows outside the grid are ignored, extra lines are not shown', () => {
  const lcd = new CharDisplay(2, 8);
  new StatusScreen(lcd).show(['one', 'two', 'three']);
  assert.is(lcd.rowText(0), 'one     ');
  assert.is(lcd.rowText(1), 'two     ');
  lcd.writeRow(5, new Uint8Array(8), 0, false); // no throw, no effect
});

test('HD44780 DDRAM addresses for 16x2, 20x4 and 16x4', () => {
  assert.equal([0, 1].map((r) => hd44780Address(16, r, 0)), [0x00, 0x40]);
  assert.equal([0, 1, 2, 3].map((r) => hd44780Address(20, r, 0)), [0x00, 0x40, 0x14, 0x54]);
  assert.equal([0, 1, 2, 3].map((r) => hd44780Address(16, r, 0)), [0x00, 0x40, 0x10, 0x50]);
  assert.is(hd44780Address(20, 3, 19), 0x67);
});

class RecordingSink implements PageSink {
  writes: Array<{ page: number; firstCol: number; bytes: number[] }> = [];
  writePage(page: number, firstCol: number, bytes: Uint8Array, off: number, len: number): void {
    this.writes.push({ page, firstCol, bytes: Array.from(bytes.subarray(off, off + len)) });
  }
}

test('pixel display: first flush sends every page whole, then nothing until something changes', () => {
  const fb = new MonoFramebuffer(128, 64);
  const tracker = new PageDirtyTracker(fb);
  const sink = new RecordingSink();
  assert.is(tracker.flush(sink), 1024);
  assert.equal(sink.writes.map((w) => [w.page, w.firstCol, w.bytes.length]), [0, 1, 2, 3, 4, 5, 6, 7].map((p) => [p, 0, 128]));
  sink.writes = [];
  assert.is(tracker.flush(sink), 0);
  assert.equal(sink.writes, []);
});

test('pixel display: changing one character sends only its columns of its page', () => {
  const fb = new MonoFramebuffer(128, 64);
  const screen = new StatusScreen(new PixelTextGrid(fb));
  const tracker = new PageDirtyTracker(fb);
  screen.show(['alice', 'IM 0']);
  tracker.flush(new RecordingSink());

  const sink = new RecordingSink();
  screen.show(['alice', 'IM 2']);
  // "0" → "2" is cell 3 of row 1: x = 1 (margin) + 3 × 6 = 19 … 24; the glyphs differ in
  // columns 19..23 (the blank sixth column is equal).
  const sent = tracker.flush(sink);
  assert.equal(sink.writes, [{ page: 1, firstCol: 19, bytes: [0x42, 0x61, 0x51, 0x49, 0x46] }]);
  assert.is(sent, 5);
  assert.equal(Array.from(fb.bytes.subarray(128 + 19, 128 + 24)), [0x42, 0x61, 0x51, 0x49, 0x46]);
});

test('pixel display: an emphasised row is an inverse bar across the full width', () => {
  const fb = new MonoFramebuffer(128, 16);
  new StatusScreen(new PixelTextGrid(fb), { emphasis: [0] }).show(['A', 'A']);
  assert.is(fb.bytes[0], 0xff, 'left margin inverted');
  assert.equal(Array.from(fb.bytes.subarray(1, 7)), [0x81, 0xee, 0xee, 0xee, 0x81, 0xff]);
  assert.is(fb.bytes[127], 0xff, 'right margin inverted');
  assert.equal(Array.from(fb.bytes.subarray(128 + 1, 128 + 7)), [0x7e, 0x11, 0x11, 0x11, 0x7e, 0x00]);
  assert.is(fb.bytes[128 + 127], 0x00);
});

test('pixel text grid: unchanged rows are not redrawn; invalidate() forces a redraw', () => {
  const fb = new MonoFramebuffer(128, 16);
  const grid = new PixelTextGrid(fb);
  const screen = new StatusScreen(grid);
  screen.show(['A', 'B']);
  const drawn = Array.from(fb.bytes);
  fb.clear(); // someone drew over the panel behind the grid's back
  screen.show(['A', 'B']);
  assert.ok(fb.bytes.every((b) => b === 0), 'same codes: the rows were not redrawn');
  screen.show(['A', 'C']);
  assert.ok(fb.bytes.subarray(0, 128).every((b) => b === 0), 'row 0 unchanged, still not redrawn');
  assert.is(fb.bytes[128 + 1], 0x3e, 'row 1 changed: "C" drawn');
  grid.invalidate();
  screen.show(['A', 'B']);
  assert.equal(Array.from(fb.bytes), drawn);
});

test('pixel display: markAllDirty resends everything', () => {
  const fb = new MonoFramebuffer(16, 8);
  const tracker = new PageDirtyTracker(fb);
  tracker.flush(new RecordingSink());
  tracker.markAllDirty();
  const sink = new RecordingSink();
  assert.is(tracker.flush(sink), 16);
});

test('pixel display: a throwing sink leaves the change pending for the next flush', () => {
  const fb = new MonoFramebuffer(16, 8);
  const tracker = new PageDirtyTracker(fb);
  tracker.flush(new RecordingSink());
  fb.setPixel(3, 2, true);
  assert.throws(() => tracker.flush({ writePage() { throw new Error('bus error'); } }));
  const sink = new RecordingSink();
  tracker.flush(sink);
  assert.equal(sink.writes, [{ page: 0, firstCol: 3, bytes: [0x04] }]);
});

test('SSD1306 window commands for a dirty span', () => {
  const out = new Uint8Array(6);
  assert.is(ssd1306Window(1, 19, 23, out, 0), 6);
  assert.equal(Array.from(out), [0x21, 19, 23, 0x22, 1, 1]);
});

test.run();
