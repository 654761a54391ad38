// A 1-bpp pixel panel (SSD1306-style, e.g. 128×64) drawn in a terminal with half blocks. Like the
// character version it is a DisplayDriver over the engine-neutral models: the status lines go
// through StatusScreen onto a PixelTextGrid, and PageDirtyTracker decides what to redraw — the
// terminal gets exactly the pages an SSD1306 adapter would send.

import type { DisplayDriver } from '../../core/indicators/frame.js';
import { MonoFramebuffer } from '../../core/display/mono-framebuffer.js';
import { PageDirtyTracker, type PageSink } from '../../core/display/page-dirty.js';
import { PixelTextGrid } from '../../core/display/pixel-text-grid.js';
import { StatusScreen, type StatusScreenOptions } from '../../core/display/status-screen.js';
import { BOX, RESET, bottomBorder, moveTo, sgr, topBorder, type TerminalOrigin } from './ansi.js';
import { halfBlockLine } from './half-blocks.js';

export interface TerminalPixelDisplayOptions {
  readonly width: number;
  readonly height: number;
  readonly write: (text: string) => void;
  readonly ansi?: boolean;
  readonly origin?: TerminalOrigin;
  readonly title?: string;
  /** SGR colours of the panel (default "96;40": bright cyan on black, like an OLED). */
  readonly colors?: string;
  readonly screen?: StatusScreenOptions;
}

export class TerminalPixelDisplay implements DisplayDriver {
  readonly fb: MonoFramebuffer;
  readonly grid: PixelTextGrid;
  private readonly screen: StatusScreen;
  private readonly tracker: PageDirtyTracker;
  private readonly options: TerminalPixelDisplayOptions;
  private readonly panelStyle: string;
  private readonly dirtyPages: Uint8Array;
  private readonly sink: PageSink;
  private drawn = false;

  constructor(options: TerminalPixelDisplayOptions) {
    this.options = options;
    this.fb = new MonoFramebuffer(options.width, options.height);
    this.grid = new PixelTextGrid(this.fb);
    this.screen = new StatusScreen(this.grid, options.screen);
    this.tracker = new PageDirtyTracker(this.fb);
    this.panelStyle = sgr(options.colors ?? '96;40');
    this.dirtyPages = new Uint8Array(this.fb.pages);
    const dirtyPages = this.dirtyPages;
    this.sink = { writePage(page: number): void { dirtyPages[page] = 1; } };
  }

  showLines(lines: readonly string[]): void {
    this.screen.show(lines);
    this.dirtyPages.fill(0);
    if (this.tracker.flush(this.sink) === 0) return;
    const incremental = this.drawn && this.options.ansi === true && this.options.origin !== undefined;
    this.options.write(incremental ? this.renderPages(this.dirtyPages) : this.render());
    this.drawn = true;
  }

  /** The whole boxed panel. */
  render(): string {
    const width = this.fb.width;
    const ansi = this.options.ansi === true;
    const origin = this.options.origin;
    const lines: string[] = [topBorder(width, this.options.title)];
    const n = this.fb.height >> 1;
    for (let line = 0; line < n; line++) {
      const text = halfBlockLine(this.fb, line);
      lines.push(ansi ? BOX.vertical + this.panelStyle + text + RESET + BOX.vertical : BOX.vertical + text + BOX.vertical);
    }
    lines.push(bottomBorder(width));
    if (ansi && origin !== undefined) return lines.map((line, i) => moveTo(origin.row + i, origin.col) + line).join('');
    return lines.join('\n') + '\n';
  }

  /** Redraws the four terminal lines of each flagged page in place. */
  renderPages(pages: Uint8Array): string {
    const origin = this.options.origin ?? { row: 1, col: 1 };
    let out = '';
    for (let p = 0; p < pages.length; p++) {
      if (pages[p] === 0) continue;
      for (let k = 0; k < 4; k++) {
        const line = p * 4 + k;
        out += moveTo(origin.row + 1 + line, origin.col + 1) + this.panelStyle + halfBlockLine(this.fb, line) + RESET;
      }
    }
    return out;
  }
}
