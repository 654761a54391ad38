// The built-in boards load, mean what their READMEs say, and survive a trip through JSON text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  builtinBoard, builtinBoardIds, BUILTIN_DEFINITIONS, loadBoard, loadBoardText, indicatorLayout,
  statusTextGrid, lampsWired, type Board,
} from '../../boards/index.js';
import { IndicatorEngine } from '../../core/indicators/index.js';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function board(id: string): Board {
  const r = builtinBoard(id);
  if (!r.ok) throw new Error(r.val.join('\n'));
  return r.val;
}

test('the three built-in boards exist and load', () => {
  assert.equal(builtinBoardIds().sort(), ['desk-exp20', 'linux-desk', 'sim-desk']);
  for (const id of builtinBoardIds()) {
    const r = builtinBoard(id);
    assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  }
  const missing = builtinBoard('nope');
  assert.ok(!missing.ok);
  assert.equal(missing.val, ['no built-in board "nope" (have: sim-desk, linux-desk, desk-exp20)']);
});

test('each board folder has a README with a layout picture', () => {
  for (const id of builtinBoardIds()) {
    const path = fileURLToPath(new URL(`../../boards/${id}/README.md`, import.meta.url));
    assert.ok(existsSync(path), `${id}/README.md`);
    const text = readFileSync(path, 'utf8');
    assert.ok(/```text\n[\s\S]*[+|][\s\S]*```/.test(text), `${id}/README.md has a text picture`);
  }
});

test('sim-desk: 16 red/green BLF lamps, MWI lamp, 4x20 text display', () => {
  const b = board('sim-desk');
  assert.is(b.engine, 'node');
  assert.is(b.capabilities.blfKeys, 16);
  const blf = b.leds.filter((l) => l.role.startsWith('led.blf.'));
  assert.is(blf.length, 16);
  for (const l of blf) assert.equal(l.colors, ['red', 'green', 'amber']);
  assert.ok(b.leds.some((l) => l.role === 'led.mwi'));
  assert.equal(statusTextGrid(b), { cols: 20, rows: 4 });
  assert.equal(b.leds[0]!.patterns, ['off', 'solid', 'slow-blink', 'fast-blink'], 'default patterns filled in');
  assert.is(b.sysfsRoot, '/sys/class/leds');
});

test('linux-desk: bicolour lamps as two mono LEDs, one multicolour LED, OLED text grid 21x8', () => {
  const b = board('linux-desk');
  const bicolor = lampsWired(b, ['bicolor']);
  assert.is(bicolor.length, 5);
  assert.equal(bicolor[0]!.wiring, { kind: 'bicolor', red: 'phone:red:blf1', green: 'phone:green:blf1' });
  const multi = lampsWired(b, ['multicolor']);
  assert.equal(multi.map((l) => [l.role, l.wiring.led, l.wiring.channels]), [['led.blf.5', 'phone:multicolor:blf6', ['green', 'red']]]);
  assert.equal(lampsWired(b, ['mono']).map((l) => l.wiring.led), ['phone:red:mwi', 'phone:red:dnd']);
  assert.equal(statusTextGrid(b), { cols: 21, rows: 8 });
  assert.is(b.indicators.preset, 'yealink-like');
});

test('desk-exp20: 20 BLF lamps and keys on serial panel exp1', () => {
  const b = board('desk-exp20');
  assert.equal(b.panels.map((p) => [p.id, p.lamps, p.keys, p.serial.path]), [['exp1', 20, 20, '/dev/ttyS1']]);
  const onPanel = lampsWired(b, ['panel']);
  assert.equal(onPanel.map((l) => l.wiring.index), Array.from({ length: 20 }, (_, i) => i));
  assert.equal(onPanel.map((l) => l.role), Array.from({ length: 20 }, (_, i) => `led.blf.${i}`));
  assert.is(b.keys.filter((k) => k.wiring.kind === 'panel').length, 20);
  assert.equal(statusTextGrid(b), { cols: 24, rows: 2 });
});

test('a board written out as JSON text loads to the same board', () => {
  for (const id of builtinBoardIds()) {
    const text = JSON.stringify(BUILTIN_DEFINITIONS[id], null, 2);
    const r = loadBoardText(text);
    assert.ok(r.ok);
    assert.equal(r.val, board(id));
  }
});

test('loadBoardText reports text that is not JSON', () => {
  const r = loadBoardText('{ "id": ');
  assert.ok(!r.ok);
  assert.is(r.val.length, 1);
  assert.ok(r.val[0]!.startsWith('(root): not JSON: '), r.val[0]);
});

test('decoding drops nothing and adds only defaults', () => {
  const def = JSON.parse(JSON.stringify(BUILTIN_DEFINITIONS['linux-desk']));
  const r = loadBoard(def);
  assert.ok(r.ok);
  assert.equal(r.val.capacities, def.capacities);
  assert.equal(r.val.keys, def.keys);
  assert.equal(r.val.displays, def.displays);
});

test('indicator layouts: one lamp spec per board lamp; the engine accepts each', () => {
  for (const id of builtinBoardIds()) {
    const b = board(id);
    const layout = indicatorLayout(b);
    assert.equal(layout.lamps.map((l) => l.role), b.leds.map((l) => l.role));
    const engine = new IndicatorEngine(layout);
    assert.is(engine.lampRoles().length, b.leds.length);
  }
});

test('board overrides change the policy of that board only', () => {
  const def = JSON.parse(JSON.stringify(BUILTIN_DEFINITIONS['sim-desk']));
  def.indicators = { preset: 'snom-like', overrides: { 'blf.held': { pattern: 'slow-blink', color: 'amber', onMs: 300, offMs: 700 } } };
  const r = loadBoard(def);
  assert.ok(r.ok);
  const policy = indicatorLayout(r.val).policy;
  assert.equal(policy['blf.held'], { pattern: 'slow-blink', color: 'amber', onMs: 300, offMs: 700 });
  assert.equal(policy['blf.idle'], { pattern: 'off', color: null, onMs: 0, offMs: 0 });
  assert.equal(indicatorLayout(board('sim-desk')).policy['blf.held'], { pattern: 'slow-blink', color: 'red', onMs: 500, offMs: 500 });
});

test.run();
