// What a character display can show, and how any text becomes it.
//
// The display models in this folder store *display codes*, one byte per cell: printable ASCII
// 0x20–0x7E, plus ELLIPSIS_CODE (0x7F) for the one-cell "…" the fitting rule appends. That is the
// common subset of an HD44780 A00 ROM (Western code pages differ above 0x7F, and A00 draws 0x5C
// as "¥" and 0x7E as "→" — an HD44780 adapter substitutes those two, see HD44780_A00_SUBSTITUTES),
// of the 5×7 font in font5x7.ts and of every terminal. Everything else is mapped here, by code
// point, so a UTF-16 surrogate pair or a multi-byte UTF-8 sequence is never split in half:
//   - Latin letters with diacritics → the base letter ("é" → "e", "Ø" → "O"), ligatures → two
//     letters ("ß" → "ss", "æ" → "ae"), typographic punctuation → its ASCII look-alike;
//   - combining marks (U+0300–U+036F) → nothing (so "e" + U+0301 shows as "e");
//   - control characters and line breaks → a space (a display line has no line breaks);
//   - anything else (CJK, emoji, …) → "?", one cell per code point.

export const SPACE_CODE = 0x20;
export const UNKNOWN_CODE = 0x3f; // '?'
/** One cell showing "…": a glyph in font5x7.ts, CGRAM slot 0 on an HD44780 (ELLIPSIS_CGRAM). */
export const ELLIPSIS_CODE = 0x7f;
export const ELLIPSIS_CHAR = '\u2026';

/** 5×8 CGRAM rows (top first, 5 low bits) drawing "…", for HD44780 adapters. */
export const ELLIPSIS_CGRAM: readonly number[] = [0, 0, 0, 0, 0, 0, 0x15, 0];

/** A00 ROM draws these ASCII codes differently; an HD44780 adapter sends the replacement. */
export const HD44780_A00_SUBSTITUTES: ReadonlyMap<number, number> = new Map([
  [0x5c, 0x2f], // '\' is "¥" on A00: show '/'
  [0x7e, 0x2d], // '~' is "→" on A00: show '-'
]);

// Replacements for code points U+00A0–U+024F and common punctuation. Each value is 1–3 ASCII
// characters. Kept as one string table (cheap to build once, no per-call allocation).
const LATIN_REPLACEMENTS: ReadonlyArray<readonly [number, string]> = [
  [0xa0, ' '], [0xa1, '!'], [0xa2, 'c'], [0xa3, 'L'], [0xa5, 'Y'], [0xa6, '|'], [0xa9, '(C)'],
  [0xab, '<<'], [0xad, '-'], [0xae, '(R)'], [0xb0, 'o'], [0xb1, '+-'], [0xb2, '2'], [0xb3, '3'],
  [0xb4, "'"], [0xb5, 'u'], [0xb7, '.'], [0xb9, '1'], [0xbb, '>>'], [0xbf, '?'], [0xd7, 'x'],
  [0xf7, '/'],
  ...spread(0xc0, 'AAAAAA'), [0xc6, 'AE'], [0xc7, 'C'], ...spread(0xc8, 'EEEEIIII'),
  [0xd0, 'D'], [0xd1, 'N'], ...spread(0xd2, 'OOOOO'), [0xd8, 'O'], ...spread(0xd9, 'UUUUY'),
  [0xde, 'Th'], [0xdf, 'ss'],
  ...spread(0xe0, 'aaaaaa'), [0xe6, 'ae'], [0xe7, 'c'], ...spread(0xe8, 'eeeeiiii'),
  [0xf0, 'd'], [0xf1, 'n'], ...spread(0xf2, 'ooooo'), [0xf8, 'o'], ...spread(0xf9, 'uuuuy'),
  [0xfe, 'th'], [0xff, 'y'],
  // Latin Extended-A, pairs upper/lower in code point order.
  ...spread(0x100, 'AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi'),
  [0x132, 'IJ'], [0x133, 'ij'], ...spread(0x134, 'JjKkkLlLlLlLlLlNnNnNnn'),
  [0x14a, 'N'], [0x14b, 'n'], ...spread(0x14c, 'OoOoOo'), [0x152, 'OE'], [0x153, 'oe'],
  ...spread(0x154, 'RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs'),
  [0x2018, "'"], [0x2019, "'"], [0x201a, ','], [0x201b, "'"], [0x201c, '"'], [0x201d, '"'],
  [0x201e, '"'], [0x2010, '-'], [0x2011, '-'], [0x2012, '-'], [0x2013, '-'], [0x2014, '-'],
  [0x2015, '-'], [0x2022, '*'], [0x2032, "'"], [0x2033, '"'], [0x2039, '<'], [0x203a, '>'],
  [0x20ac, 'EUR'], [0x2122, 'TM'], [0x2190, '<-'], [0x2192, '->'], [0x2212, '-'],
  [0x2007, ' '], [0x2009, ' '], [0x200a, ' '], [0x202f, ' '], [0x3000, ' '],
];

function spread(first: number, letters: string): Array<readonly [number, string]> {
  const out: Array<readonly [number, string]> = [];
  for (let i = 0; i < letters.length; i++) out.push([first + i, letters[i]!]);
  return out;
}

const replacementByCodePoint: ReadonlyMap<number, string> = new Map(LATIN_REPLACEMENTS);

/** Longest replacement, so callers can size scratch space: one code point → at most this many cells. */
export const MAX_CELLS_PER_CODE_POINT = 3;

/**
 * Writes the display codes for one code point into `out` at `off` (at most
 * MAX_CELLS_PER_CODE_POINT of them, fewer if `limit` is reached) and returns how many cells the
 * code point takes (which may exceed what was written). Zero for combining marks.
 */
export function displayCodesFor(codePoint: number, out: Uint8Array, off: number, limit: number): number {
  if (codePoint >= 0x20 && codePoint <= 0x7e) {
    if (off < limit) out[off] = codePoint;
    return 1;
  }
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || codePoint === 0x2028 || codePoint === 0x2029) {
    if (off < limit) out[off] = SPACE_CODE;
    return 1;
  }
  if (codePoint === 0x2026) {
    if (off < limit) out[off] = ELLIPSIS_CODE;
    return 1;
  }
  if ((codePoint >= 0x300 && codePoint <= 0x36f) || codePoint === 0x200b || codePoint === 0x200d
    || codePoint === 0xfe0f || codePoint === 0xfeff) {
    return 0; // combining marks, zero-width space/joiner, emoji variation selector, BOM
  }
  const replacement = replacementByCodePoint.get(codePoint);
  if (replacement === undefined) {
    if (off < limit) out[off] = UNKNOWN_CODE;
    return 1;
  }
  const n = replacement.length;
  for (let i = 0; i < n; i++) if (off + i < limit) out[off + i] = replacement.charCodeAt(i);
  return n;
}

/** The character a display code stands for (for terminals and tests). */
export function charForDisplayCode(code: number): string {
  if (code === ELLIPSIS_CODE) return ELLIPSIS_CHAR;
  if (code >= 0x20 && code <= 0x7e) return String.fromCharCode(code);
  return '?';
}

/** A row of display codes back to text (allocates: for terminals and tests, not hot paths). */
export function displayCodesToString(codes: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += charForDisplayCode(codes[off + i]!);
  return s;
}
