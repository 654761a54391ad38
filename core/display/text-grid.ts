// The one thing the status screen needs from a display: a grid of character cells it can fill a
// row at a time. A character LCD is such a grid by nature; a pixel display becomes one by drawing
// the 6×8 font on page-aligned rows. So the same lines look the same on both.

export interface TextGrid {
  readonly rows: number;
  readonly cols: number;
  /**
   * Replaces row `row` with the `cols` display codes at codes[off…] (see charset.ts).
   * `emphasis` asks for a highlighted row (inverse video on a pixel display); displays that
   * cannot highlight ignore it. Implementations track what changed themselves.
   */
  writeRow(row: number, codes: Uint8Array, off: number, emphasis: boolean): void;
}
