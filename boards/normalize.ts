// A checked board definition with its defaults filled in: the Board every consumer sees, so no
// consumer repeats a default.

import type * as t from 'io-ts';
import type { BoardDefinition, LampStateInput, LampDefinition, PanelDefinition } from './codec.js';
import type { LampPattern, LampState } from '../core/indicators/frame.js';
import type { PolicyKey, PolicyOverrides } from '../core/indicators/policy.js';
import type { PresetName } from '../core/indicators/presets.js';
import { DEFAULT_MAX_RATE_HZ } from '../core/indicators/scheduler.js';

export const DEFAULT_SYSFS_ROOT = '/sys/class/leds';
export const ALL_PATTERNS: readonly LampPattern[] = ['off', 'solid', 'slow-blink', 'fast-blink'];

export type LampDefinition = t.TypeOf<typeof LampDefinition>;
export type BoardLamp = Omit<LampDefinition, 'patterns'> & { readonly patterns: readonly LampPattern[] };
export type BoardPanel = t.TypeOf<typeof PanelDefinition>;

export interface BoardIndicators {
  readonly preset: PresetName;
  readonly overrides: PolicyOverrides;
  readonly maxRateHz: number;
}

export type Board = Readonly<
  Omit<BoardDefinition, 'leds' | 'panels' | 'sysfsRoot' | 'indicators'> & {
    leds: readonly BoardLamp[];
    panels: readonly BoardPanel[];
    sysfsRoot: string;
    indicators: BoardIndicators;
  }
>;

export function normalizeLampState(input: t.TypeOf<typeof LampStateInput>): LampState {
  return { pattern: input.pattern, color: input.color ?? null, onMs: input.onMs ?? 0, offMs: input.offMs ?? 0 };
}

export function normalizeBoard(def: BoardDefinition): Board {
  const overrides: Partial<Record<PolicyKey, LampState>> = {};
  const given = def.indicators?.overrides ?? {};
  for (const key of Object.keys(given) as PolicyKey[]) overrides[key] = normalizeLampState(given[key]!);
  return {
    ...def,
    leds: def.leds.map((l) => ({ ...l, patterns: l.patterns ?? ALL_PATTERNS })),
    panels: def.panels ?? [],
    sysfsRoot: def.sysfsRoot ?? DEFAULT_SYSFS_ROOT,
    indicators: {
      preset: def.indicators?.preset ?? 'default',
      overrides,
      maxRateHz: def.indicators?.maxRateHz ?? DEFAULT_MAX_RATE_HZ,
    },
  };
}
