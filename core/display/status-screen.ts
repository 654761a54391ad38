// The status screen: the indicator engine's lines (identity and registration, presence note,
// BLF caller, unread counts, soft-key labels) drawn onto any TextGrid — a character LCD or a
// pixel panel — with the same fitting rule, so both show the same text. It is the engine-neutral
// half of a DisplayDriver: an adapter calls show(), then sends what the grid marks as changed.

import { LineFitter, type Alignment, type EllipsisStyle } from './fit.js';
import type { TextGrid } from './text-grid.js';

export interface StatusScreenOptions {
  readonly ellipsis?: EllipsisStyle;
  /** Alignment per row; rows not listed are left-aligned. */
  readonly align?: readonly Alignment[];
  /** Rows drawn highlighted where the display can (e.g. [0] for a title bar). */
  readonly emphasis?: readonly number[];
}

export class StatusScreen {
  readonly grid: TextGrid;
  private readonly fitter = new LineFitter();
  private readonly row: Uint8Array;
  private readonly ellipsis: EllipsisStyle;
  private readonly align: Alignment[];
  private readonly emphasis: boolean[];
  private readonly fitOptions: { ellipsis: EllipsisStyle; align: Alignment } = { ellipsis: 'glyph', align: 'left' };

  constructor(grid: TextGrid, options: StatusScreenOptions = {}) {
    this.grid = grid;
    this.row = new Uint8Array(grid.cols);
    this.ellipsis = options.ellipsis ?? 'glyph';
    this.align = [];
    this.emphasis = [];
    for (let r = 0; r < grid.rows; r++) {
      this.align.push(options.align?.[r] ?? 'left');
      this.emphasis.push(options.emphasis?.includes(r) ?? false);
    }
  }

  /**
   * Draws `lines` from the top; missing lines are blank, lines beyond the grid's rows are not
   * shown (the indicator engine sizes its output from the board's display geometry).
   */
  show(lines: readonly string[]): void {
    const rows = this.grid.rows;
    const cols = this.grid.cols;
    const n = lines.length;
    const options = this.fitOptions;
    options.ellipsis = this.ellipsis;
    for (let r = 0; r < rows; r++) {
      options.align = this.align[r]!;
      this.fitter.fitString(r < n ? lines[r]! : '', this.row, 0, cols, options);
      this.grid.writeRow(r, this.row, 0, this.emphasis[r]!);
    }
  }
}
