// A character LCD (HD44780 and friends: 16×2, 20×4, 40×2 …) as memory: rows × cols display
// codes, plus which cells changed since the adapter last sent them. An adapter writes only the
// changed span of each dirty row (set the DDRAM address once, then the bytes), which on a 4-bit
// I²C backpack is the difference between a few and a few hundred bus transactions per update.

import { SPACE_CODE, displayCodesToString } from './charset.js';
import type { TextGrid } from './text-grid.js';

export class CharDisplay implements TextGrid {
  readonly rows: number;
  readonly cols: number;
  /** Display codes, row-major: cell (r, c) is cells[r * cols + c]. */
  readonly cells: Uint8Array;
  /** Per row, the first and last changed column; -1 when the row is clean. */
  private readonly dirtyFirst: Int16Array;
  private readonly dirtyLast: Int16Array;

  constructor(rows: number, cols: number) {
    if (!(rows >= 1 && rows <= 16 && cols >= 1 && cols <= 80)) {
      throw new RangeError(`character display geometry ${rows}x${cols} is outside 1..16 x 1..80`);
    }
    this.rows = rows;
    this.cols = cols;
    this.cells = new Uint8Array(rows * cols).fill(SPACE_CODE);
    this.dirtyFirst = new Int16Array(rows);
    this.dirtyLast = new Int16Array(rows);
    // A freshly powered display holds garbage (or the init pattern): everything must be sent once.
    this.markAllDirty();
  }

  writeRow(row: number, codes: Uint8Array, off: number, _emphasis: boolean): void {
    if (row < 0 || row >= this.rows) return;
    const cols = this.cols;
    const base = row * cols;
    const cells = this.cells;
    let first = this.dirtyFirst[row]!;
    let last = this.dirtyLast[row]!;
    for (let c = 0; c < cols; c++) {
      const code = codes[off + c]!;
      if (cells[base + c] !== code) {
        cells[base + c] = code;
        if (first < 0 || c < first) first = c;
        if (c > last) last = c;
      }
    }
    this.dirtyFirst[row] = first;
    this.dirtyLast[row] = last;
  }

  cell(row: number, col: number): number {
    return this.cells[row * this.cols + col]!;
  }

  /** The row as text ("…" for the ellipsis cell); allocates. */
  rowText(row: number): string {
    return displayCodesToString(this.cells, row * this.cols, this.cols);
  }

  isRowDirty(row: number): boolean {
    return this.dirtyFirst[row]! >= 0;
  }

  /** First changed column of a dirty row, -1 when clean. */
  dirtyFirstCol(row: number): number {
    return this.dirtyFirst[row]!;
  }

  /** Last changed column of a dirty row, -1 when clean. */
  dirtyLastCol(row: number): number {
    return this.dirtyLast[row]!;
  }

  /** The next dirty row at or after `from`, or -1. */
  nextDirtyRow(from: number): number {
    for (let r = from; r < this.rows; r++) if (this.dirtyFirst[r]! >= 0) return r;
    return -1;
  }

  /** Call once the adapter has sent every dirty span. */
  clearDirty(): void {
    this.dirtyFirst.fill(-1);
    this.dirtyLast.fill(-1);
  }

  /** After the display was reset or re-initialised: everything must be sent again. */
  markAllDirty(): void {
    this.dirtyFirst.fill(0);
    this.dirtyLast.fill(this.cols - 1);
  }
}

/**
 * HD44780 DDRAM address of a cell. Rows 0 and 1 start at 0x00 and 0x40; on four-row modules
 * rows 2 and 3 continue rows 0 and 1 after `cols` cells (0x14/0x54 on a 20×4, 0x10/0x50 on a
 * 16×4). Send it as the "set DDRAM address" command 0x80 | address.
 */
export function hd44780Address(cols: number, row: number, col: number): number {
  const rowStart = (row & 1) * 0x40 + (row >> 1) * cols;
  return rowStart + col;
}
