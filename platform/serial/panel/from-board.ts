// One expansion panel of a board as SerialPanelDriver's mapping (boards/codec.ts: lamp and key
// wirings of kind `panel` name a panel and an index on it). Without it the driver assumes
// led.blf.N sits at index N, which holds only when the panel carries the board's first BLF keys:
// a phone whose panel starts at key 5 would light the wrong lamps.
import type { Board } from '../../../boards/normalize.js';
import type { SerialPanelOptions } from './driver.js';

export function panelMappingOf(board: Board, panelId: string): Required<Pick<SerialPanelOptions, 'keyOfLampRole' | 'roleOfKey'>> {
  const indexOfLamp = new Map<string, number>();
  for (const lamp of board.leds) {
    const w = lamp.wiring;
    if (w.kind === 'panel' && w.panel === panelId) indexOfLamp.set(lamp.role, w.index);
  }
  const roleAt = new Map<number, string>();
  for (const key of board.keys) {
    const w = key.wiring;
    if (w.kind === 'panel' && w.panel === panelId) roleAt.set(w.index, key.role);
  }
  return {
    // -1: the role is not on this panel (another panel, the LED class, …): the driver skips it.
    keyOfLampRole: (role) => indexOfLamp.get(role) ?? -1,
    // A key the board does not wire reports no role: the application can ignore it.
    roleOfKey: (key) => roleAt.get(key) ?? '',
  };
}
