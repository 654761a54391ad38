// A character LCD drawn in a terminal: the simulator's and the TUI's stand-in for a 20×4 or 16×2
// module. It is a DisplayDriver, so the indicator engine drives it exactly like real hardware,
// and it goes through the same CharDisplay model and fitting rule as an HD44780 adapter would.
//
// Output modes:
//   - plain (ansi: false): every change prints the whole boxed panel, newline-terminated —
//     readable in logs and in CI;
//   - ansi with an origin: the first frame draws the panel in place, later frames rewrite only
//     the changed span of each changed row (cursor moves), like an adapter updating DDRAM;
//   - ansi without an origin: whole coloured panels, one after the other.

import type { DisplayDriver } from '../../core/indicators/frame.js';
import { CharDisplay } from '../../core/display/char-display.js';
import { displayCodesToString } from '../../core/display/charset.js';
import { StatusScreen, type StatusScreenOptions } from '../../core/display/status-screen.js';
import { BOX, RESET, bottomBorder, moveTo, sgr, topBorder, type TerminalOrigin } from './ansi.js';

export interface TerminalCharDisplayOptions {
  readonly rows: number;
  readonly cols: number;
  /** Where the text goes (process.stdout.write, a test's collector, a TUI's screen). */
  readonly write: (text: string) => void;
  readonly ansi?: boolean;
  readonly origin?: TerminalOrigin;
  /** Shown in the top border, e.g. the board or account name. */
  readonly title?: string;
  /** SGR colours of the cells (default "30;42": black on green, like a backlit LCD). */
  readonly colors?: string;
  readonly screen?: StatusScreenOptions;
}

export class TerminalCharDisplay implements DisplayDriver {
  readonly model: CharDisplay;
  private readonly screen: StatusScreen;
  private readonly options: TerminalCharDisplayOptions;
  private readonly cellStyle: string;
  private drawn = false;

  constructor(options: TerminalCharDisplayOptions) {
    this.options = options;
    this.model = new CharDisplay(options.rows, options.cols);
    this.screen = new StatusScreen(this.model, options.screen);
    this.cellStyle = sgr(options.colors ?? '30;42');
  }

  showLines(lines: readonly string[]): void {
    this.screen.show(lines);
    if (this.model.nextDirtyRow(0) < 0) return;
    const incremental = this.drawn && this.options.ansi === true && this.options.origin !== undefined;
    this.options.write(incremental ? this.renderChanges() : this.render());
    this.model.clearDirty();
    this.drawn = true;
  }

  /** The whole boxed panel as it shows now. */
  render(): string {
    const { rows, cols } = this.model;
    const ansi = this.options.ansi === true;
    const origin = this.options.origin;
    const lines: string[] = [topBorder(cols, this.options.title)];
    for (let r = 0; r < rows; r++) {
      const text = this.model.rowText(r);
      lines.push(ansi ? BOX.vertical + this.cellStyle + text + RESET + BOX.vertical : BOX.vertical + text + BOX.vertical);
    }
    lines.push(bottomBorder(cols));
    if (ansi && origin !== undefined) {
      return lines.map((line, i) => moveTo(origin.row + i, origin.col) + line).join('');
    }
    return lines.join('\n') + '\n';
  }

  /** Cursor moves and text rewriting only the changed span of each changed row. */
  renderChanges(): string {
    const origin = this.options.origin ?? { row: 1, col: 1 };
    const model = this.model;
    let out = '';
    for (let r = model.nextDirtyRow(0); r >= 0; r = model.nextDirtyRow(r + 1)) {
      const first = model.dirtyFirstCol(r);
      const last = model.dirtyLastCol(r);
      const text = displayCodesToString(model.cells, r * model.cols + first, last - first + 1);
      out += moveTo(origin.row + 1 + r, origin.col + 1 + first) + this.cellStyle + text + RESET;
    }
    return out;
  }
}
