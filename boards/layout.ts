// What the indicator engine and the lamp adapters need from a board.

import type { IndicatorLayout } from '../core/indicators/engine.js';
import type { LampPolicy } from '../core/indicators/policy.js';
import { PRESETS } from '../core/indicators/presets.js';
import { withOverrides } from '../core/indicators/policy.js';
import { DEFAULT_GLYPH } from './checks.js';
import type { Board, BoardLamp } from './normalize.js';

/** The board's preset with its overrides applied. */
export function boardPolicy(board: Board): LampPolicy {
  return withOverrides(PRESETS[board.indicators.preset], board.indicators.overrides);
}

/** Text grid of the status display: a character display's own, or a pixel display's in glyph cells. */
export function statusTextGrid(board: Board): { cols: number; rows: number } | null {
  const d = board.displays.find((x) => x.role === 'display.status');
  if (!d) return null;
  if (d.kind === 'text') return { cols: d.cols, rows: d.rows };
  const glyph = d.glyph ?? DEFAULT_GLYPH;
  return { cols: Math.floor(d.width / glyph.width), rows: Math.floor(d.height / glyph.height) };
}

export function indicatorLayout(board: Board): IndicatorLayout {
  return {
    lamps: board.leds.map((l) => ({ role: l.role, colors: l.colors, patterns: l.patterns })),
    display: statusTextGrid(board),
    policy: boardPolicy(board),
  };
}

/** Lamps wired a given way, e.g. the ones a Linux LED adapter or one serial panel drives. */
export function lampsWired<K extends BoardLamp['wiring']['kind']>(
  board: Board,
  kinds: readonly K[],
): (BoardLamp & { wiring: Extract<BoardLamp['wiring'], { kind: K }> })[] {
  return board.leds.filter((l) => (kinds as readonly string[]).indexOf(l.wiring.kind) >= 0) as
    (BoardLamp & { wiring: Extract<BoardLamp['wiring'], { kind: K }> })[];
}
