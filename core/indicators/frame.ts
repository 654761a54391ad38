// The contract between the indicator engine (core/indicators) and the things that show its
// output (platform/leds, platform/serial panels, platform/sim, text and pixel displays).
// The engine computes frames; drivers only apply them. Roles are the board's names for its
// hardware ("led.mwi", "led.blf.3", "display.status"); see boards/.

/** Colours a desk-phone lamp can show. Bi-colour red/green LEDs make amber by lighting both. */
export type LampColor = 'red' | 'green' | 'amber';

/**
 * How a lamp is driven. Blinks are periodic; the engine also says whether the lamp is lit at the
 * frame's instant (derived from `now`, so identical inputs give identical frames), so drivers
 * that cannot blink by themselves just follow `lit`, and those that can (Linux LED `timer`
 * trigger, a panel with its own blink) use `pattern` with the periods below.
 */
export type LampPattern = 'off' | 'solid' | 'slow-blink' | 'fast-blink';

export interface LampState {
  readonly pattern: LampPattern;
  /** null exactly when pattern is 'off'. */
  readonly color: LampColor | null;
  /** Milliseconds on and off for a blink (0 and 0 for off/solid). */
  readonly onMs: number;
  readonly offMs: number;
}

export interface IndicatorFrame {
  /** The `now` the frame was computed for (milliseconds, host clock). */
  readonly at: number;
  /** Lamp state per role, e.g. "led.mwi", "led.blf.0". Every lamp of the board is present. */
  readonly lamps: ReadonlyMap<string, LampState>;
  /** Display text, one entry per line, each already fitted to the display's width. */
  readonly lines: readonly string[];
  /**
   * Roles whose lamp is lit at `at` (blink phase applied; see lampLitAt). Optional so that
   * hand-built frames stay valid; frames from core/indicators always carry it.
   */
  readonly lit?: ReadonlySet<string>;
}

/** What a lamp adapter implements. Called only for lamps whose state changed. */
export interface LampDriver {
  setLamp(role: string, state: LampState): void;
}

/** What a text display adapter implements. Called only when some line changed. */
export interface DisplayDriver {
  showLines(lines: readonly string[]): void;
}

export const LAMP_OFF: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };

export function sameLamp(a: LampState, b: LampState): boolean {
  return a.pattern === b.pattern && a.color === b.color && a.onMs === b.onMs && a.offMs === b.offMs;
}

// ---- Additions (compatible): blink phase helpers for drivers that cannot blink by themselves.

/**
 * Whether a lamp in `state` is lit at `now`. The phase is derived from the clock alone: a blink
 * is lit during the first `onMs` of every `onMs + offMs` period counted from time 0, so every lamp
 * with the same period blinks in step and identical inputs give identical output.
 */
export function lampLitAt(state: LampState, now: number): boolean {
  if (state.pattern === 'off') return false;
  if (state.pattern === 'solid') return true;
  const period = state.onMs + state.offMs;
  if (period <= 0) return true;
  const phase = now % period;
  return (phase < 0 ? phase + period : phase) < state.onMs;
}

/**
 * The first instant after `now` at which `lampLitAt` changes, or Infinity for steady lamps.
 * A host without hardware blink schedules its next redraw at the minimum over its lamps.
 */
export function nextLampEdge(state: LampState, now: number): number {
  if (state.pattern === 'off' || state.pattern === 'solid') return Infinity;
  const period = state.onMs + state.offMs;
  if (period <= 0 || state.onMs <= 0 || state.offMs <= 0) return Infinity;
  let phase = now % period;
  if (phase < 0) phase += period;
  return phase < state.onMs ? now - phase + state.onMs : now - phase + period;
}
