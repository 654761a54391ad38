// A 1-bpp framebuffer as text: each character cell shows two pixel rows with the Unicode
// half blocks, so a 128×64 panel takes 128 columns × 32 lines of a terminal.

import type { MonoFramebuffer } from '../../core/display/mono-framebuffer.js';

/** Index = top pixel + 2 × bottom pixel. */
const HALF_BLOCKS = [' ', '\u2580', '\u2584', '\u2588'] as const; // ' ', ▀, ▄, █

/** Terminal line `line` (pixel rows 2·line and 2·line+1), columns x0 … x1-1. */
export function halfBlockLine(fb: MonoFramebuffer, line: number, x0 = 0, x1 = fb.width): string {
  const width = fb.width;
  const bytes = fb.bytes;
  const y = line * 2;
  // Both rows of a terminal line lie in the same page: pages are 8 rows, lines start at even rows.
  const base = (y >> 3) * width;
  const shift = y & 7;
  let s = '';
  for (let x = x0; x < x1; x++) {
    const pair = (bytes[base + x]! >> shift) & 3;
    s += HALF_BLOCKS[pair]!;
  }
  return s;
}

/** Every terminal line of the framebuffer (height / 2 of them). */
export function halfBlockLines(fb: MonoFramebuffer): string[] {
  const out: string[] = [];
  const n = fb.height >> 1;
  for (let line = 0; line < n; line++) out.push(halfBlockLine(fb, line));
  return out;
}
