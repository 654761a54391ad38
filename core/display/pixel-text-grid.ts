// A pixel display seen as a text grid: rows are pages (8 px), columns are 6 px font cells, and the
// grid is centred horizontally (a 128-px panel holds 21 cells = 126 px, leaving 1 px each side).
// An emphasised row is drawn inverse across the full width, like the header or soft-key bar of a
// desk-phone screen.

import { CELL_HEIGHT, CELL_WIDTH } from './font5x7.js';
import type { MonoFramebuffer } from './mono-framebuffer.js';
import type { TextGrid } from './text-grid.js';

export class PixelTextGrid implements TextGrid {
  readonly rows: number;
  readonly cols: number;
  readonly fb: MonoFramebuffer;
  private readonly marginX: number;
  /**
   * The codes (plus an emphasis flag at the end) each row was last drawn with, so an unchanged
   * row costs a 22-byte compare instead of 128 column writes; most updates change one line.
   */
  private readonly drawn: Uint8Array;
  private readonly stride: number;

  constructor(fb: MonoFramebuffer) {
    this.fb = fb;
    this.rows = Math.floor(fb.height / CELL_HEIGHT);
    this.cols = Math.floor(fb.width / CELL_WIDTH);
    this.marginX = (fb.width - this.cols * CELL_WIDTH) >> 1;
    this.stride = this.cols + 1;
    this.drawn = new Uint8Array(this.rows * this.stride);
    this.invalidate();
  }

  /** Forget what was drawn (after drawing on the framebuffer directly, or clearing it). */
  invalidate(): void {
    // 0xFF is never a display code nor an emphasis flag, so every row compares as changed.
    this.drawn.fill(0xff);
  }

  writeRow(row: number, codes: Uint8Array, off: number, emphasis: boolean): void {
    if (row < 0 || row >= this.rows) return;
    const cols = this.cols;
    const drawn = this.drawn;
    const base = row * this.stride;
    const flag = emphasis ? 1 : 0;
    let same = drawn[base + cols] === flag;
    for (let c = 0; same && c < cols; c++) same = drawn[base + c] === codes[off + c];
    if (same) return;
    for (let c = 0; c < cols; c++) drawn[base + c] = codes[off + c]!;
    drawn[base + cols] = flag;
    this.draw(row, codes, off, emphasis);
  }

  private draw(row: number, codes: Uint8Array, off: number, emphasis: boolean): void {
    const y = row * CELL_HEIGHT;
    const fb = this.fb;
    // Margins take the row's background so an inverse bar spans the whole panel.
    const background = emphasis ? 0xff : 0;
    const base = (y >> 3) * fb.width;
    for (let x = 0; x < this.marginX; x++) fb.bytes[base + x] = background;
    const end = fb.drawCodes(codes, off, this.cols, this.marginX, y, emphasis);
    for (let x = end; x < fb.width; x++) fb.bytes[base + x] = background;
  }
}
