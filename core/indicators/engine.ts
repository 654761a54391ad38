// The indicator engine: IndicatorInput + now → IndicatorFrame. Pure and engine-neutral: the same
// input and `now` always give the same frame, and the engine keeps no state between calls except
// tables it builds once from the layout (each lamp's policy rows already fitted to that lamp).

import type { IndicatorFrame, LampColor, LampPattern, LampState } from './frame.js';
import { lampLitAt } from './frame.js';
import type { IndicatorInput } from './input.js';
import { fitLampState } from './degrade.js';
import { POLICY_KEYS, type LampPolicy, type MwiState, type PolicyKey } from './policy.js';
import { lampSourceOf, type LampSource } from './roles.js';
import { statusLines } from './status-lines.js';

export interface LampSpec {
  /** e.g. "led.blf.3"; see roles.ts. Roles the engine does not know stay off. */
  readonly role: string;
  readonly colors: readonly LampColor[];
  readonly patterns: readonly LampPattern[];
}

export interface DisplaySpec {
  /** Characters per line and lines (for a pixel display: its text grid). */
  readonly cols: number;
  readonly rows: number;
}

/** What the engine needs from a board (boards/ derives it from a board definition). */
export interface IndicatorLayout {
  readonly lamps: readonly LampSpec[];
  readonly display: DisplaySpec | null;
  readonly policy: LampPolicy;
}

export class IndicatorEngine {
  private readonly roles: readonly string[];
  private readonly sources: readonly (LampSource | null)[];
  /** Per lamp: policy key → the state that lamp shows for it (already fitted to the lamp). */
  private readonly fitted: readonly ReadonlyMap<PolicyKey, LampState>[];
  private readonly display: DisplaySpec | null;

  constructor(layout: IndicatorLayout) {
    this.roles = layout.lamps.map((l) => l.role);
    this.sources = layout.lamps.map((l) => lampSourceOf(l.role));
    // Lamps with the same colours and patterns (a board's row of BLF keys) share one table:
    // fitting depends on nothing else, and each table is a Map of every policy row.
    const tables = new Map<string, ReadonlyMap<PolicyKey, LampState>>();
    this.fitted = layout.lamps.map((lamp) => {
      const kind = `${lamp.colors.join(',')}|${lamp.patterns.join(',')}`;
      let table = tables.get(kind);
      if (table === undefined) {
        const t = new Map<PolicyKey, LampState>();
        for (const key of POLICY_KEYS) t.set(key, fitLampState(layout.policy[key], lamp));
        tables.set(kind, t);
        table = t;
      }
      return table;
    });
    this.display = layout.display;
  }

  /** The lamp roles this engine drives, in layout order. */
  lampRoles(): readonly string[] {
    return this.roles;
  }

  compute(input: IndicatorInput, now: number): IndicatorFrame {
    const lamps = new Map<string, LampState>();
    const lit = new Set<string>();
    for (let i = 0, n = this.roles.length; i < n; i++) {
      const source = this.sources[i] ?? null;
      const state = source === null ? OFF : this.fitted[i]!.get(policyKeyFor(source, input))!;
      const role = this.roles[i]!;
      lamps.set(role, state);
      if (lampLitAt(state, now)) lit.add(role);
    }
    const lines = this.display === null ? [] : statusLines(input, this.display.cols, this.display.rows);
    return { at: now, lamps, lines, lit };
  }
}

const OFF: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };

/** Which policy row a lamp shows for the current input. */
function policyKeyFor(source: LampSource, input: IndicatorInput): PolicyKey {
  switch (source.kind) {
    case 'blf': {
      const key = input.blf[source.index];
      return key === undefined ? 'blf.unknown' : `blf.${key.state}`;
    }
    case 'mwi':
      return `mwi.${mwiState(input)}`;
    case 'dnd':
      return input.presence === 'dnd' ? 'dnd.on' : 'dnd.off';
    case 'presence':
      return `presence.${input.presence}`;
  }
}

/**
 * One message lamp for voicemail and IM, as Yealink and Grandstream do (device notes §1.4):
 * urgent voicemail, then any waiting voicemail (`Messages-Waiting: yes` or new > 0, RFC 3842
 * §5.2), then unread IMs.
 */
export function mwiState(input: IndicatorInput): MwiState {
  const m = input.messages;
  if (m.urgentNew > 0) return 'urgent';
  if (m.waiting || m.newCount > 0) return 'voicemail';
  if (input.unreadIm > 0) return 'im';
  return 'none';
}
