// The lamp policy: which LampState each indicator state shows, as one flat table of data.
// Presets (presets.ts) are such tables; a board overrides single entries by key. Keeping it a
// table means a vendor convention is a diff of a few rows, and tests can walk it row by row.

import type { LampColor, LampPattern, LampState } from './frame.js';
import type { BlfState, PresenceStatus } from './input.js';

export const BLF_STATES: readonly BlfState[] =
  ['idle', 'ringing', 'dialling', 'talking', 'held', 'parked', 'unknown'];
export const PRESENCE_STATUSES: readonly PresenceStatus[] =
  ['available', 'away', 'busy', 'dnd', 'on-the-phone', 'offline', 'unknown'];
/** Message lamp states, most urgent first: urgent voicemail, voicemail, unread IM only, nothing. */
export const MWI_STATES = ['urgent', 'voicemail', 'im', 'none'] as const;
export type MwiState = (typeof MWI_STATES)[number];
export const DND_STATES = ['on', 'off'] as const;
export type DndState = (typeof DND_STATES)[number];

export type PolicyKey =
  | `blf.${BlfState}`
  | `mwi.${MwiState}`
  | `dnd.${DndState}`
  | `presence.${PresenceStatus}`;

export const POLICY_KEYS: readonly PolicyKey[] = [
  ...BLF_STATES.map((s) => `blf.${s}` as const),
  ...MWI_STATES.map((s) => `mwi.${s}` as const),
  ...DND_STATES.map((s) => `dnd.${s}` as const),
  ...PRESENCE_STATUSES.map((s) => `presence.${s}` as const),
];

export type LampPolicy = Readonly<Record<PolicyKey, LampState>>;
export type PolicyOverrides = Readonly<Partial<Record<PolicyKey, LampState>>>;

export const LAMP_COLORS: readonly LampColor[] = ['red', 'green', 'amber'];
export const LAMP_PATTERNS: readonly LampPattern[] = ['off', 'solid', 'slow-blink', 'fast-blink'];

export function isPolicyKey(key: string): key is PolicyKey {
  return (POLICY_KEYS as readonly string[]).indexOf(key) >= 0;
}

// Small constructors so the preset tables read like the vendor manuals.
export const off: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };
export function solid(color: LampColor): LampState {
  return { pattern: 'solid', color, onMs: 0, offMs: 0 };
}
export function slowBlink(color: LampColor, onMs: number, offMs: number = onMs): LampState {
  return { pattern: 'slow-blink', color, onMs, offMs };
}
export function fastBlink(color: LampColor, onMs: number, offMs: number = onMs): LampState {
  return { pattern: 'fast-blink', color, onMs, offMs };
}

/**
 * Why a LampState is not well formed, or null when it is: 'off' has no colour, everything else
 * has one; steady patterns have 0/0 periods, blinks have positive whole-millisecond periods.
 */
export function lampStateProblem(state: LampState): string | null {
  if (LAMP_PATTERNS.indexOf(state.pattern) < 0) return `unknown pattern "${String(state.pattern)}"`;
  if (state.pattern === 'off') {
    if (state.color !== null) return 'an off lamp has colour null';
  } else if (state.color === null || LAMP_COLORS.indexOf(state.color) < 0) {
    return `a ${state.pattern} lamp needs a colour "red"|"green"|"amber"`;
  }
  const blink = state.pattern === 'slow-blink' || state.pattern === 'fast-blink';
  if (blink) {
    if (!isPeriod(state.onMs) || !isPeriod(state.offMs)) {
      return 'a blink needs onMs and offMs as whole milliseconds from 1 to 60000';
    }
  } else if (state.onMs !== 0 || state.offMs !== 0) {
    return `a ${state.pattern} lamp has onMs 0 and offMs 0`;
  }
  return null;
}

function isPeriod(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 1 && ms <= 60000;
}

/** A preset with some rows replaced. Overrides were validated where they were read (boards/). */
export function withOverrides(base: LampPolicy, overrides: PolicyOverrides | undefined): LampPolicy {
  if (!overrides) return base;
  const out = { ...base } as Record<PolicyKey, LampState>;
  for (const key of POLICY_KEYS) {
    const o = overrides[key];
    if (o) out[key] = o;
  }
  return out;
}
