// panelMappingOf: the panel wirings of a board as SerialPanelDriver's lamp → index and index →
// key role, so a panel that does not start at the board's first BLF key lights the right lamps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinBoard, type Board } from '../../boards/index.js';
import { panelMappingOf } from '../../platform/serial/index.js';

function exp20(): Board {
  const b = builtinBoard('desk-exp20');
  if (!b.ok) throw new Error(b.val.join('; '));
  return b.val;
}

test('desk-exp20: the panel carries BLF keys 0..19 at indexes 0..19; lamps elsewhere are not its own', () => {
  const m = panelMappingOf(exp20(), 'exp1');
  assert.is(m.keyOfLampRole('led.blf.0'), 0);
  assert.is(m.keyOfLampRole('led.blf.19'), 19);
  assert.is(m.keyOfLampRole('led.mwi'), -1, 'the MWI lamp is an LED class LED');
  assert.is(m.keyOfLampRole('led.blf.20'), -1);
  assert.is(m.roleOfKey(7), 'key.blf.7');
  assert.is(m.roleOfKey(20), '', 'no key wired there');
  assert.is(panelMappingOf(exp20(), 'exp2').keyOfLampRole('led.blf.0'), -1, 'another panel has none of them');
});

test('a panel that starts at BLF key 5: led.blf.5 is its index 0 (the default mapping would say 5)', () => {
  const b = exp20();
  const shifted = (index: number, kind: 'lamp' | 'key') => (index < 5 ? { kind: 'sim' as const, ...(kind === 'key' ? { key: `k${index}` } : {}) } : { kind: 'panel' as const, panel: 'exp1', index: index - 5 });
  const board = {
    ...b,
    leds: b.leds.map((l) => (l.wiring.kind === 'panel' ? { ...l, wiring: shifted(l.wiring.index, 'lamp') } : l)),
    keys: b.keys.map((k) => (k.wiring.kind === 'panel' ? { ...k, wiring: shifted(k.wiring.index, 'key') } : k)),
  } as Board;
  const m = panelMappingOf(board, 'exp1');
  assert.is(m.keyOfLampRole('led.blf.5'), 0);
  assert.is(m.keyOfLampRole('led.blf.19'), 14);
  assert.is(m.keyOfLampRole('led.blf.4'), -1, 'keys 0..4 are not on the panel');
  assert.is(m.roleOfKey(0), 'key.blf.5');
});

test.run();
