// The status screen draws the same fitted text onto a character LCD and a pixel panel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CharDisplay } from '../../core/display/char-display.js';
import { MonoFramebuffer } from '../../core/display/mono-framebuffer.js';
import { PixelTextGrid } from '../../core/display/pixel-text-grid.js';
import { StatusScreen } from '../../core/display/status-screen.js';
import type { TextGrid } from '../../core/display/text-grid.js';

/** A grid that records the codes it is given, to compare what two displays were asked to show. */
class RecordingGrid implements TextGrid {
  readonly rowsSeen: string[] = [];
  constructor(readonly rows: number, readonly cols: number) {}
  writeRow(row: number, codes: Uint8Array, off: number, emphasis: boolean): void {
    this.rowsSeen[row] = (emphasis ? '*' : ' ') + String.fromCharCode(...codes.subarray(off, off + this.cols));
  }
}

const lines = ['alice@example.com Registered', 'Away – lunch', 'Carol ringing', '', 'Avail Away Busy DND'];

test('a 4x20 LCD shows the first four fitted lines', () => {
  const lcd = new CharDisplay(4, 20);
  new StatusScreen(lcd).show(lines);
  assert.equal([0, 1, 2, 3].map((r) => lcd.rowText(r)), [
    'alice@example.com R…',
    'Away - lunch        ',
    'Carol ringing       ',
    '                    ',
  ]);
});

test('per-row alignment and emphasis reach the grid', () => {
  const grid = new RecordingGrid(3, 10);
  new StatusScreen(grid, { align: ['center', 'left', 'right'], emphasis: [0] }).show(['Title', 'left', 'right']);
  assert.equal(grid.rowsSeen, ['*  Title   ', ' left      ', '      right']);
});

test('pixel rows carry exactly the glyphs of the same fitted text', () => {
  const fb = new MonoFramebuffer(128, 64);
  const pixel = new PixelTextGrid(fb);
  new StatusScreen(pixel).show(lines);
  const lcd = new CharDisplay(8, 21); // the same text geometry as the 128x64 panel
  new StatusScreen(lcd).show(lines);
  // Redraw each LCD row on a second framebuffer directly from its codes: must match byte for byte.
  const expected = new MonoFramebuffer(128, 64);
  for (let r = 0; r < 8; r++) expected.drawCodes(lcd.cells, r * 21, 21, 1, r * 8, false);
  assert.equal(Array.from(fb.bytes), Array.from(expected.bytes));
  assert.is(lcd.rowText(4), 'Avail Away Busy DND  ');
});

test('fewer lines than rows blank the rest; a later shorter frame clears old text', () => {
  const lcd = new CharDisplay(2, 8);
  const screen = new StatusScreen(lcd);
  screen.show(['one', 'two']);
  screen.show(['one']);
  assert.is(lcd.rowText(1), '        ');
});

test.run();
