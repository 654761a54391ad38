// The Linux LED lamps of a board, ready for LinuxLedLamps.

import type { Board } from '../../boards/normalize.js';
import type { SysfsLamp } from './linux-led-lamps.js';

export function sysfsLampsOf(board: Board): SysfsLamp[] {
  const out: SysfsLamp[] = [];
  for (const lamp of board.leds) {
    const w = lamp.wiring;
    if (w.kind === 'mono' || w.kind === 'bicolor' || w.kind === 'multicolor') out.push({ role: lamp.role, wiring: w });
  }
  return out;
}
