// A 1-bit-per-pixel framebuffer in the SSD1306 page layout, so an adapter can send it unchanged:
// the screen is cut into pages of 8 pixel rows; each page is `width` bytes, one per column;
// in each byte bit 0 is the page's top row. A 128×64 panel is 8 pages × 128 bytes = 1024 bytes,
// and pixel (x, y) is bit (y & 7) of bytes[(y >> 3) * width + x].

import { CELL_HEIGHT, CELL_WIDTH, FONT_5X7, GLYPH_WIDTH, glyphOffset } from './font5x7.js';

export class MonoFramebuffer {
  readonly width: number;
  readonly height: number;
  readonly pages: number;
  readonly bytes: Uint8Array;

  constructor(width: number, height: number) {
    if (!(width >= 1 && width <= 1024 && height >= 8 && height <= 1024 && (height & 7) === 0)) {
      throw new RangeError(`framebuffer ${width}x${height}: width 1..1024, height a multiple of 8 up to 1024`);
    }
    this.width = width;
    this.height = height;
    this.pages = height >> 3;
    this.bytes = new Uint8Array(width * this.pages);
  }

  clear(on = false): void {
    this.bytes.fill(on ? 0xff : 0);
  }

  getPixel(x: number, y: number): boolean {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return false;
    return ((this.bytes[(y >> 3) * this.width + x]! >> (y & 7)) & 1) === 1;
  }

  setPixel(x: number, y: number, on: boolean): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y >> 3) * this.width + x;
    const bit = 1 << (y & 7);
    this.bytes[i] = on ? this.bytes[i]! | bit : this.bytes[i]! & ~bit;
  }

  /** Fills a rectangle (clipped to the screen). */
  fillRect(x: number, y: number, w: number, h: number, on: boolean): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    const y0 = Math.max(0, y);
    const y1 = Math.min(this.height, y + h);
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.setPixel(xx, yy, on);
  }

  /**
   * Draws one 6×8 text cell (glyph plus its blank column and row) with its top-left corner at
   * (x, y). On a page-aligned y this is a byte copy; otherwise each column is split over two pages.
   * `inverse` draws light-on-dark cells dark-on-light (the whole cell, so rows stay solid bars).
   */
  drawCell(code: number, x: number, y: number, inverse: boolean): void {
    const g = glyphOffset(code);
    const width = this.width;
    const bytes = this.bytes;
    const shift = y & 7;
    const page = y >> 3;
    for (let cx = 0; cx < CELL_WIDTH; cx++) {
      const px = x + cx;
      if (px < 0 || px >= width) continue;
      let column = cx < GLYPH_WIDTH ? FONT_5X7[g + cx]! : 0;
      if (inverse) column = ~column & 0xff;
      if (shift === 0) {
        if (page >= 0 && page < this.pages) bytes[page * width + px] = column;
        continue;
      }
      // The cell straddles two pages: keep the pixels of both pages that lie outside it.
      if (page >= 0 && page < this.pages) {
        const i = page * width + px;
        bytes[i] = (bytes[i]! & (0xff >> (8 - shift))) | ((column << shift) & 0xff);
      }
      if (page + 1 >= 0 && page + 1 < this.pages) {
        const i = (page + 1) * width + px;
        bytes[i] = (bytes[i]! & ((0xff << shift) & 0xff)) | (column >> (8 - shift));
      }
    }
  }

  /** Draws `len` display codes as text cells from (x, y); returns the x after the last cell. */
  drawCodes(codes: Uint8Array, off: number, len: number, x: number, y: number, inverse: boolean): number {
    for (let i = 0; i < len; i++) this.drawCell(codes[off + i]!, x + i * CELL_WIDTH, y, inverse);
    return x + len * CELL_WIDTH;
  }
}

/** Text rows and columns of the 6×8 font on a pixel display (e.g. 128×64 → 8 rows of 21). */
export function textGeometry(width: number, height: number): { rows: number; cols: number } {
  return { rows: Math.floor(height / CELL_HEIGHT), cols: Math.floor(width / CELL_WIDTH) };
}
