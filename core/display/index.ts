// Display models for desk-phone status screens: character LCDs and 1-bpp pixel panels behind one
// text-grid interface, with the fitting rule, a built-in 5×7 font and change tracking.
export {
  SPACE_CODE, UNKNOWN_CODE, ELLIPSIS_CODE, ELLIPSIS_CHAR, ELLIPSIS_CGRAM, HD44780_A00_SUBSTITUTES,
  MAX_CELLS_PER_CODE_POINT, displayCodesFor, charForDisplayCode, displayCodesToString,
} from './charset.js';
export { LineFitter, fitLine, type FitOptions, type EllipsisStyle, type Alignment } from './fit.js';
export {
  FONT_5X7, FONT_FIRST_CODE, FONT_LAST_CODE, GLYPH_WIDTH, CELL_WIDTH, CELL_HEIGHT, glyphOffset,
} from './font5x7.js';
export type { TextGrid } from './text-grid.js';
export { CharDisplay, hd44780Address } from './char-display.js';
export { MonoFramebuffer, textGeometry } from './mono-framebuffer.js';
export { PageDirtyTracker, ssd1306Window, type PageSink } from './page-dirty.js';
export { PixelTextGrid } from './pixel-text-grid.js';
export { StatusScreen, type StatusScreenOptions } from './status-screen.js';
