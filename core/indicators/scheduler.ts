// Update coalescing between the indicator input and the drivers. State changes arrive in bursts
// (a NOTIFY for an RLMI list can change twenty keys at once); lamps and displays behind a serial
// line or I2C should see one update for the burst, and never more than `maxRateHz` updates a
// second (device notes §6: ≤ 20 Hz). Sans-I/O like the rest of core: the host asks
// `pollTimeout()` when to call back and calls `poll(now)` then; nothing here reads a clock.
//
// Only what changed reaches the drivers: setLamp for lamps whose LampState differs from what the
// driver last got, showLines when some line differs. The first poll sends every lamp, because
// the driver's state is unknown at start.

import type { DisplayDriver, IndicatorFrame, LampDriver, LampState } from './frame.js';
import { sameLamp } from './frame.js';
import type { IndicatorEngine } from './engine.js';
import type { IndicatorInput } from './input.js';

export interface SchedulerOptions {
  /** Upper bound on frames per second sent to the drivers (default 20). */
  readonly maxRateHz?: number;
}

export const DEFAULT_MAX_RATE_HZ = 20;

export class IndicatorScheduler {
  private readonly minIntervalMs: number;
  private input: IndicatorInput | null = null;
  /** When the input first changed since the last frame; -1 when nothing is pending. */
  private dirtySince = -1;
  private lastEmitAt = -Infinity;
  private readonly sentLamps = new Map<string, LampState>();
  private sentLines: readonly string[] | null = null;
  private last: IndicatorFrame | null = null;

  constructor(
    private readonly engine: IndicatorEngine,
    private readonly lamps: LampDriver,
    private readonly display: DisplayDriver | null,
    options: SchedulerOptions = {},
  ) {
    const rate = options.maxRateHz ?? DEFAULT_MAX_RATE_HZ;
    this.minIntervalMs = rate > 0 ? 1000 / rate : 0;
  }

  /**
   * Hand in the current state (the same object may be mutated and handed in again). Nothing is
   * computed until poll; several updates before then become one frame.
   */
  update(input: IndicatorInput, now: number): void {
    this.input = input;
    if (this.dirtySince < 0) this.dirtySince = now;
  }

  /** When poll should next be called (host clock, ms), or -1 when nothing is pending. */
  pollTimeout(): number {
    if (this.dirtySince < 0) return -1;
    return Math.max(this.dirtySince, this.lastEmitAt + this.minIntervalMs);
  }

  /**
   * Compute and send a frame if one is due at `now`. Returns the number of driver calls made
   * (0 when nothing was due or nothing changed).
   */
  poll(now: number): number {
    const due = this.pollTimeout();
    if (due < 0 || now < due || this.input === null) return 0;
    const frame = this.engine.compute(this.input, now);
    this.dirtySince = -1;
    this.lastEmitAt = now;
    this.last = frame;
    let calls = 0;
    for (const [role, state] of frame.lamps) {
      const sent = this.sentLamps.get(role);
      if (sent !== undefined && sameLamp(sent, state)) continue;
      this.sentLamps.set(role, state);
      this.lamps.setLamp(role, state);
      calls++;
    }
    if (this.display !== null && !sameLines(this.sentLines, frame.lines)) {
      this.sentLines = frame.lines;
      this.display.showLines(frame.lines);
      calls++;
    }
    return calls;
  }

  /** The last frame computed, for hosts that also render blink phases themselves. */
  lastFrame(): IndicatorFrame | null {
    return this.last;
  }

  /** Forget what the drivers were sent (e.g. after a panel reconnects): the next poll sends all. */
  resend(now: number): void {
    this.sentLamps.clear();
    this.sentLines = null;
    if (this.input !== null && this.dirtySince < 0) this.dirtySince = now;
  }
}

function sameLines(a: readonly string[] | null, b: readonly string[]): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0, n = b.length; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
