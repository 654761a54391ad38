// Shared helpers for the indicator tests (not a test file itself).
import type { LampState, IndicatorInput, IndicatorLayout, LampSpec } from '../../core/indicators/index.js';
import { initialIndicatorInput } from '../../core/indicators/index.js';

/** "off", "solid red", "fast red 200/200", "slow green 100/1900". */
export function show(s: LampState): string {
  if (s.pattern === 'off') return 'off';
  if (s.pattern === 'solid') return `solid ${s.color}`;
  return `${s.pattern === 'fast-blink' ? 'fast' : 'slow'} ${s.color} ${s.onMs}/${s.offMs}`;
}

export function showLamps(lamps: ReadonlyMap<string, LampState>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, state] of lamps) out[role] = show(state);
  return out;
}

export const RGA = ['red', 'green', 'amber'] as const;
export const ALL_PATTERNS = ['off', 'solid', 'slow-blink', 'fast-blink'] as const;

export function lamp(role: string, colors: LampSpec['colors'] = RGA, patterns: LampSpec['patterns'] = ALL_PATTERNS): LampSpec {
  return { role, colors, patterns };
}

/** A registered phone, everyone idle, nothing waiting. */
export function quietInput(blfKeys: number): IndicatorInput {
  const input = initialIndicatorInput('Alice 201', blfKeys);
  input.registration = 'registered';
  input.presence = 'available';
  input.blf.forEach((k, i) => { k.state = 'idle'; k.label = ['Bob', 'Carol', 'Dave', 'Erin'][i] ?? `Key ${i + 1}`; });
  return input;
}

export function layoutOf(lamps: LampSpec[], policy: IndicatorLayout['policy'], display: IndicatorLayout['display'] = null): IndicatorLayout {
  return { lamps, policy, display };
}
