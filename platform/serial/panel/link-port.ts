// Binds a sans-I/O PanelLink to a Node byte stream (a serialport SerialPort, or any Duplex):
// received bytes and the clock go in, frames go out, one timer follows the link's deadline.
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { PanelLink, type PanelLinkEvent } from './link.js';

export class PanelLinkPort {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The last error the stream reported (an unplugged adapter answers EIO), for diagnostics. */
  lastError: Error | null = null;
  // The stream's errors must never go unhandled (that would kill the phone's process); the link
  // itself notices a dead panel — its frames stop being acknowledged — and reports it.
  private readonly onError = (error: Error): void => {
    this.lastError = error;
  };
  private readonly onData = (chunk: Buffer): void => {
    this.link.handleBytes(chunk, 0, chunk.length, performance.now());
    this.pump();
  };

  constructor(
    private readonly stream: Duplex,
    readonly link: PanelLink,
    private readonly onEvent: (event: PanelLinkEvent) => void,
  ) {
    stream.on('data', this.onData);
    stream.on('error', this.onError);
  }

  send(type: number, payload: Uint8Array, tag = 0): boolean {
    if (this.closed) return false;
    const queued = this.link.send(type, payload, performance.now(), tag);
    this.pump();
    return queued;
  }

  /** Writes raw bytes, bypassing the protocol (tests use it to put garbage on the line). */
  writeRaw(bytes: Uint8Array): void {
    if (!this.closed) this.stream.write(Buffer.from(bytes));
  }

  /** Stops listening and clears the timer; the stream itself stays the caller's. */
  detach(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stream.off('data', this.onData);
    this.stream.off('error', this.onError);
  }

  private pump(): void {
    if (this.closed) return;
    for (let out = this.link.pollTransmit(); out !== null; out = this.link.pollTransmit()) {
      this.stream.write(Buffer.from(out));
    }
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const deadline = this.link.pollTimeout();
    if (deadline >= 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.link.handleTimeout(performance.now());
        this.pump();
      }, Math.max(0, deadline - performance.now()) + 1);
    }
    // Events last: a handler may call send(), which pumps again with a consistent link.
    for (let event = this.link.pollEvent(); event !== null; event = this.link.pollEvent()) {
      this.onEvent(event);
      if (this.closed) return;
    }
  }
}
