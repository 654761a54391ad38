// Clock and the one-shot Timer (platform/host/clock.ts) on Node.
// performance.now() is monotonic (CLOCK_MONOTONIC through libuv's hrtime) and does not move
// when the wall clock is set, which RFC 3261 §17 timers need; Date.now() is only the wall time.
import { performance } from 'node:perf_hooks';
import type { Clock, Timer, TimerOptions } from '../host/clock.js';

export const nodeClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
};

export interface NodeTimerConfig {
  readonly clock?: Clock;
  /** Do not keep the process alive just for this timer (e.g. a CLI that exits on SIGINT). */
  readonly unref?: boolean;
}

// setTimeout's largest delay (2^31 − 1 ms); later instants are reached in steps.
const MAX_DELAY_MS = 0x7fffffff;

export class NodeTimer implements Timer {
  private readonly onExpired: TimerOptions['onExpired'];
  private readonly clock: Clock;
  private readonly unref: boolean;
  private handle: NodeJS.Timeout | undefined = undefined;
  private at = 0;
  private closed = false;
  private readonly fire = (): void => this.expire();

  constructor(options: TimerOptions, config: NodeTimerConfig = {}) {
    if (options === null || typeof options !== 'object' || typeof options.onExpired !== 'function') {
      throw new TypeError('Timer: options.onExpired must be a function');
    }
    this.onExpired = options.onExpired;
    this.clock = config.clock ?? nodeClock;
    this.unref = config.unref === true;
  }

  schedule(at: number): void {
    if (this.closed) throw new Error('Timer: schedule after close');
    if (typeof at !== 'number' || Number.isNaN(at)) throw new TypeError('Timer: at must be a number');
    this.clear();
    this.at = at;
    this.arm();
  }

  cancel(): void {
    if (this.closed) throw new Error('Timer: cancel after close');
    this.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clear();
  }

  private arm(): void {
    const remaining = this.at - this.clock.now();
    // A past instant still goes through setTimeout: it fires from the event loop, never inside
    // schedule(). ceil: libuv rounds to whole ms and may otherwise fire a fraction early.
    const delay = remaining <= 0 ? 0 : Math.min(Math.ceil(remaining), MAX_DELAY_MS);
    this.handle = setTimeout(this.fire, delay);
    if (this.unref) this.handle.unref();
  }

  private clear(): void {
    if (this.handle !== undefined) {
      clearTimeout(this.handle);
      this.handle = undefined;
    }
  }

  private expire(): void {
    this.handle = undefined;
    if (this.closed) return;
    const now = this.clock.now();
    // Never report an instant before the one asked for: the core would find nothing due.
    if (now < this.at) {
      this.arm();
      return;
    }
    this.onExpired.call(this, now);
  }
}
