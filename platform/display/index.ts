// Terminal renderers for the simulator and TUI: a character LCD as a boxed panel, a pixel panel
// as Unicode half blocks. Both implement the indicator engine's DisplayDriver.
export { TerminalCharDisplay, type TerminalCharDisplayOptions } from './terminal-char-display.js';
export { TerminalPixelDisplay, type TerminalPixelDisplayOptions } from './terminal-pixel-display.js';
export { halfBlockLine, halfBlockLines } from './half-blocks.js';
export { moveTo, sgr, topBorder, bottomBorder, BOX, RESET, type TerminalOrigin } from './ansi.js';
