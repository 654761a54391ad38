// Fitting a policy's LampState to what one lamp can show. Boards declare each lamp's colours and
// patterns (a red-only MWI lamp; a Cisco-KEM-like module that blinks only slowly); the engine then
// shows the nearest thing the hardware has instead of nothing (device notes §1.2, §5).

import type { LampColor, LampPattern, LampState } from './frame.js';

/** Replacement colours in order of preference. */
const COLOR_FALLBACK: Readonly<Record<LampColor, readonly LampColor[]>> = {
  amber: ['red', 'green'],
  red: ['amber', 'green'],
  green: ['amber', 'red'],
};

/** Replacement patterns in order of preference; every lamp can do 'solid' and 'off'. */
const PATTERN_FALLBACK: Readonly<Record<LampPattern, readonly LampPattern[]>> = {
  'fast-blink': ['slow-blink', 'solid'],
  'slow-blink': ['fast-blink', 'solid'],
  solid: [],
  off: [],
};

/** Periods used when a blink is replaced by the other kind (Cisco SPA script timings). */
const SUBSTITUTE_PERIOD: Readonly<Record<'slow-blink' | 'fast-blink', number>> = {
  'slow-blink': 1000,
  'fast-blink': 100,
};

export interface LampAbilities {
  readonly colors: readonly LampColor[];
  readonly patterns: readonly LampPattern[];
}

export function fitLampState(state: LampState, lamp: LampAbilities): LampState {
  if (state.pattern === 'off' || state.color === null) return state;
  const color = pick(state.color, COLOR_FALLBACK[state.color], lamp.colors);
  // A lamp with no usable colour at all can only be dark.
  if (color === null) return { pattern: 'off', color: null, onMs: 0, offMs: 0 };
  const pattern = pick(state.pattern, PATTERN_FALLBACK[state.pattern], lamp.patterns) ?? 'solid';
  if (color === state.color && pattern === state.pattern) return state;
  if (pattern === 'solid') return { pattern, color, onMs: 0, offMs: 0 };
  if (pattern === state.pattern) return { pattern, color, onMs: state.onMs, offMs: state.offMs };
  const period = SUBSTITUTE_PERIOD[pattern as 'slow-blink' | 'fast-blink'];
  return { pattern, color, onMs: period, offMs: period };
}

function pick<T>(wanted: T, fallbacks: readonly T[], available: readonly T[]): T | null {
  if (available.indexOf(wanted) >= 0) return wanted;
  for (let i = 0; i < fallbacks.length; i++) if (available.indexOf(fallbacks[i]!) >= 0) return fallbacks[i]!;
  return null;
}
