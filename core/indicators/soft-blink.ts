// Blinking in software, for lamps that can only be switched on and off (a simulator drawing, a
// GPIO, a panel without its own blink). It sits behind the scheduler as a LampDriver, keeps each
// lamp's LampState, and turns it into on/off switches at the edges lampLitAt defines, so the
// blink phase is still derived from the host clock alone. Sans-I/O: the host asks pollTimeout()
// and calls poll(now) then.

import type { LampColor, LampDriver, LampState } from './frame.js';
import { lampLitAt, nextLampEdge } from './frame.js';

/** What a lamp that cannot blink implements: show `color`, or nothing when null. */
export interface SwitchedLampDriver {
  setLit(role: string, color: LampColor | null): void;
}

export class SoftBlinkLamps implements LampDriver {
  private readonly states = new Map<string, LampState>();
  /** Last colour sent per role (null = dark); absent = never sent. */
  private readonly shown = new Map<string, LampColor | null>();
  private pending = false;

  constructor(private readonly inner: SwitchedLampDriver) {}

  setLamp(role: string, state: LampState): void {
    this.states.set(role, state);
    this.pending = true;
  }

  /** When poll should next run: now-ish after a change, else the next blink edge; -1 if never. */
  pollTimeout(now: number): number {
    if (this.pending) return now;
    let next = Infinity;
    for (const state of this.states.values()) {
      const edge = nextLampEdge(state, now);
      if (edge < next) next = edge;
    }
    return next === Infinity ? -1 : next;
  }

  /** Switch every lamp whose lit state differs at `now`; returns the number of switches. */
  poll(now: number): number {
    this.pending = false;
    let calls = 0;
    for (const [role, state] of this.states) {
      const color = lampLitAt(state, now) ? state.color : null;
      if (this.shown.has(role) && this.shown.get(role) === color) continue;
      this.shown.set(role, color);
      this.inner.setLit(role, color);
      calls++;
    }
    return calls;
  }
}
