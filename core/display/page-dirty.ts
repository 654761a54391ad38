// Which parts of a MonoFramebuffer changed since they were last sent, per page and as a column
// span, found by comparing with a shadow copy of what the panel shows. Comparing 1 KB is cheaper
// than any bookkeeping in the drawing code, and it is exact: drawing the same text again sends
// nothing. An SSD1306 adapter then sets the column window (0x21) and page (0x22) and sends only
// firstCol..lastCol of each dirty page.

import type { MonoFramebuffer } from './mono-framebuffer.js';

/** Receives the changed span of one page: bytes[off … off + len) for columns firstCol … */
export interface PageSink {
  writePage(page: number, firstCol: number, bytes: Uint8Array, off: number, len: number): void;
}

export class PageDirtyTracker {
  private readonly fb: MonoFramebuffer;
  private readonly shown: Uint8Array;
  /** Per page after collect(): first and last changed column, -1 when clean. */
  readonly firstCol: Int16Array;
  readonly lastCol: Int16Array;
  private everythingDirty = true;

  constructor(fb: MonoFramebuffer) {
    this.fb = fb;
    this.shown = new Uint8Array(fb.bytes.length);
    this.firstCol = new Int16Array(fb.pages).fill(-1);
    this.lastCol = new Int16Array(fb.pages).fill(-1);
  }

  /** Compares the framebuffer with what was sent; returns how many pages changed. */
  collect(): number {
    const width = this.fb.width;
    const pages = this.fb.pages;
    const now = this.fb.bytes;
    const shown = this.shown;
    let dirtyPages = 0;
    for (let p = 0; p < pages; p++) {
      const base = p * width;
      let first = -1;
      let last = -1;
      if (this.everythingDirty) {
        first = 0;
        last = width - 1;
      } else {
        for (let x = 0; x < width; x++) {
          if (now[base + x] !== shown[base + x]) {
            if (first < 0) first = x;
            last = x;
          }
        }
      }
      this.firstCol[p] = first;
      this.lastCol[p] = last;
      if (first >= 0) dirtyPages++;
    }
    return dirtyPages;
  }

  /**
   * Collects, hands each dirty span to the sink, and records it as shown. Returns the number of
   * bytes sent. If the sink throws, nothing is recorded as shown, so the next flush retries.
   */
  flush(sink: PageSink): number {
    this.collect();
    const width = this.fb.width;
    const pages = this.fb.pages;
    const now = this.fb.bytes;
    let sent = 0;
    for (let p = 0; p < pages; p++) {
      const first = this.firstCol[p]!;
      if (first < 0) continue;
      const len = this.lastCol[p]! - first + 1;
      sink.writePage(p, first, now, p * width + first, len);
      sent += len;
    }
    this.shown.set(now);
    this.everythingDirty = false;
    return sent;
  }

  /** After the panel was reset: send everything on the next flush. */
  markAllDirty(): void {
    this.everythingDirty = true;
  }
}

/**
 * SSD1306 commands selecting the window a following data stream fills (horizontal addressing
 * mode, command 0x20 0x00, must be set once at init): 0x21 column start/end, 0x22 page
 * start/end. Writes 6 bytes into out at off and returns 6. Over I²C prefix a 0x00 control byte.
 */
export function ssd1306Window(page: number, firstCol: number, lastCol: number, out: Uint8Array, off: number): number {
  out[off] = 0x21;
  out[off + 1] = firstCol & 0x7f;
  out[off + 2] = lastCol & 0x7f;
  out[off + 3] = 0x22;
  out[off + 4] = page & 0x07;
  out[off + 5] = page & 0x07;
  return 6;
}
