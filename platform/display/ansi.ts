// The few ANSI/VT100 sequences the terminal renderers use. Kept in one place so a renderer's
// output can be read (and tested) as text.

export const ESC = '\x1b';
export const RESET = `${ESC}[0m`;
/** Cursor to a 1-based screen position (CUP). */
export function moveTo(row: number, col: number): string {
  return `${ESC}[${row};${col}H`;
}

/** Colours for a panel: an SGR parameter list such as "30;42" (black on green). */
export function sgr(params: string): string {
  return `${ESC}[${params}m`;
}

export interface TerminalOrigin {
  /** 1-based screen row and column of the panel's top-left border corner. */
  readonly row: number;
  readonly col: number;
}

/** Box-drawing characters for the panel border. */
export const BOX = {
  topLeft: '┌', topRight: '┐', bottomLeft: '└', bottomRight: '┘', horizontal: '─', vertical: '│',
} as const;

/** Top border, optionally with a title after the corner: "┌─ sim-desk ───┐". */
export function topBorder(innerWidth: number, title: string | undefined): string {
  if (title === undefined || title === '' || title.length + 3 > innerWidth) {
    return BOX.topLeft + BOX.horizontal.repeat(innerWidth) + BOX.topRight;
  }
  const label = `${BOX.horizontal} ${title} `;
  return BOX.topLeft + label + BOX.horizontal.repeat(innerWidth - label.length) + BOX.topRight;
}

export function bottomBorder(innerWidth: number): string {
  return BOX.bottomLeft + BOX.horizontal.repeat(innerWidth) + BOX.bottomRight;
}
