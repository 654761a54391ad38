// Fitting one line of text into a row of `cols` display cells.
//
// The rule, in order:
//   1. Text becomes display codes code point by code point (charset.ts), so a surrogate pair or a
//      multi-byte UTF-8 sequence is one unit: it is never split, and a replacement that takes
//      several cells ("ß" → "ss") is kept whole or dropped whole.
//   2. If every cell fits, the text is shown as is, aligned in the row, the rest blank.
//   3. Blanks that do not fit are padding and dropped (the indicator engine pads lines to the
//      width in code points; a replacement such as "ß" → "ss" must not make that a cut).
//   4. Otherwise the text is cut at the last code point that leaves room for the ellipsis,
//      trailing spaces before the cut are dropped ("Alice Smith is…", not "Alice Smith …"), and
//      the ellipsis follows: one "…" cell by default, "..." or nothing by option. A row too narrow
//      for one character plus the ellipsis is cut hard.
// Fitting a fitted line again gives the same line (the fitted text is its own fixed point).

import {
  displayCodesFor, displayCodesToString, ELLIPSIS_CODE, MAX_CELLS_PER_CODE_POINT, SPACE_CODE,
} from './charset.js';

export type EllipsisStyle = 'glyph' | 'dots' | 'none';
export type Alignment = 'left' | 'center' | 'right';

export interface FitOptions {
  /** 'glyph' = one "…" cell (default), 'dots' = "...", 'none' = hard cut. */
  readonly ellipsis?: EllipsisStyle;
  readonly align?: Alignment;
}

const DOT = 0x2e;
const REPLACEMENT_CHARACTER = 0xfffd;

/**
 * Fits code points into a row, one at a time, without allocating. Reuse one instance:
 * `begin`, then `push` each code point until it returns false, then `end`.
 */
export class LineFitter {
  private out: Uint8Array = new Uint8Array(0);
  private off = 0;
  private cols = 0;
  private ellipsis: EllipsisStyle = 'glyph';
  private align: Alignment = 'left';
  /** Cells of the text so far (may run past cols by less than one code point). */
  private used = 0;
  /** Cells of whole code points that fit before the ellipsis, if one is needed. */
  private keep = 0;
  private ellipsisCells = 1;
  private truncated = false;
  private readonly scratch = new Uint8Array(MAX_CELLS_PER_CODE_POINT);

  begin(out: Uint8Array, off: number, cols: number, options?: FitOptions): void {
    this.out = out;
    this.off = off;
    this.cols = cols;
    this.ellipsis = options?.ellipsis ?? 'glyph';
    this.align = options?.align ?? 'left';
    this.ellipsisCells = this.ellipsis === 'glyph' ? 1 : this.ellipsis === 'dots' ? 3 : 0;
    if (cols <= this.ellipsisCells) this.ellipsisCells = 0; // too narrow: hard cut
    this.used = 0;
    this.keep = 0;
    this.truncated = false;
  }

  /** Adds one code point; false once the row is full and more text means truncation. */
  push(codePoint: number): boolean {
    if (this.truncated) return false;
    const cells = displayCodesFor(codePoint, this.scratch, 0, MAX_CELLS_PER_CODE_POINT);
    if (cells === 0) return true;
    const end = this.used + cells;
    if (end > this.cols) {
      // Blanks past the edge are padding, not a cut: lines arrive already padded to the width in
      // code points, and one "ß" → "ss" must not turn that padding into an ellipsis.
      if (cells === 1 && this.scratch[0] === SPACE_CODE) return true;
      this.truncated = true;
      return false;
    }
    const base = this.off + this.used;
    for (let i = 0; i < cells; i++) this.out[base + i] = this.scratch[i]!;
    this.used = end;
    if (end <= this.cols - this.ellipsisCells) this.keep = end;
    return true;
  }

  /** Finishes the row (ellipsis, alignment, blank padding); returns the visible text's cells. */
  end(): number {
    const out = this.out;
    const off = this.off;
    const cols = this.cols;
    let len = this.used;
    if (this.truncated) {
      len = this.ellipsisCells === 0 ? this.used : this.keep;
      while (this.ellipsisCells > 0 && len > 0 && out[off + len - 1] === SPACE_CODE) len--;
      if (this.ellipsisCells === 1) out[off + len++] = ELLIPSIS_CODE;
      else if (this.ellipsisCells === 3) { out[off + len++] = DOT; out[off + len++] = DOT; out[off + len++] = DOT; }
    }
    const shift = this.align === 'left' ? 0 : this.align === 'right' ? cols - len : (cols - len) >> 1;
    if (shift > 0) {
      for (let i = len - 1; i >= 0; i--) out[off + shift + i] = out[off + i]!;
      for (let i = 0; i < shift; i++) out[off + i] = SPACE_CODE;
    }
    for (let i = shift + len; i < cols; i++) out[off + i] = SPACE_CODE;
    return len;
  }

  /** Fits a JS string (UTF-16; surrogate pairs are one code point, a lone surrogate is "?"). */
  fitString(text: string, out: Uint8Array, off: number, cols: number, options?: FitOptions): number {
    this.begin(out, off, cols, options);
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = REPLACEMENT_CHARACTER;
      if (!this.push(cp)) break;
    }
    return this.end();
  }

  /**
   * Fits UTF-8 bytes (e.g. a presence note straight from a PIDF body) without a TextDecoder.
   * Malformed input never throws: each maximal invalid subsequence becomes one "?" (the
   * Unicode "substitution of maximal subparts" practice), overlong forms and surrogates included.
   */
  fitUtf8(bytes: Uint8Array, start: number, length: number, out: Uint8Array, off: number, cols: number, options?: FitOptions): number {
    this.begin(out, off, cols, options);
    const end = start + length;
    let i = start;
    while (i < end) {
      const b0 = bytes[i]!;
      let cp: number;
      let need: number;
      let min: number;
      if (b0 < 0x80) { cp = b0; need = 0; min = 0; }
      else if (b0 >= 0xc2 && b0 <= 0xdf) { cp = b0 & 0x1f; need = 1; min = 0x80; }
      else if (b0 >= 0xe0 && b0 <= 0xef) { cp = b0 & 0x0f; need = 2; min = 0x800; }
      else if (b0 >= 0xf0 && b0 <= 0xf4) { cp = b0 & 0x07; need = 3; min = 0x10000; }
      else { i++; if (!this.push(REPLACEMENT_CHARACTER)) break; continue; }
      i++;
      let ok = true;
      for (let k = 0; k < need; k++) {
        const b = i < end ? bytes[i]! : 0;
        // The second byte's range is narrower for E0, ED, F0 and F4 (Unicode Table 3-7).
        let lo = 0x80;
        let hi = 0xbf;
        if (k === 0) {
          if (b0 === 0xe0) lo = 0xa0; else if (b0 === 0xf0) lo = 0x90;
          if (b0 === 0xed) hi = 0x9f; else if (b0 === 0xf4) hi = 0x8f;
        }
        if (i >= end || b < lo || b > hi) { ok = false; break; }
        cp = (cp << 6) | (b & 0x3f);
        i++;
      }
      if (!ok || cp < min) cp = REPLACEMENT_CHARACTER;
      if (!this.push(cp)) break;
    }
    return this.end();
  }
}

const sharedFitter = new LineFitter();
let sharedRow = new Uint8Array(64);

/**
 * The fitted line as a string, trailing blanks dropped: what IndicatorFrame.lines carries.
 * Printable ASCII plus "…" only. Allocates the result (call it when the text changed).
 */
export function fitLine(text: string, cols: number, options?: FitOptions): string {
  if (cols <= 0) return '';
  if (sharedRow.length < cols) sharedRow = new Uint8Array(cols);
  sharedFitter.fitString(text, sharedRow, 0, cols, options);
  let last = cols;
  while (last > 0 && sharedRow[last - 1] === SPACE_CODE) last--;
  return displayCodesToString(sharedRow, 0, last);
}
