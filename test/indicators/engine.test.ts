// Indicator input → frame, as data: each case is a preset, a change to a quiet phone, and the
// lamps expected on a board with an MWI lamp, a DND lamp, a presence lamp and three BLF keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  IndicatorEngine, PRESETS, mwiState, type IndicatorInput, type PresetName,
} from '../../core/indicators/index.js';
import { lamp, layoutOf, quietInput, showLamps } from './helpers.js';

const LAMPS = [
  lamp('led.mwi', ['red']),
  lamp('led.dnd', ['red']),
  lamp('led.presence'),
  lamp('led.blf.0'),
  lamp('led.blf.1'),
  lamp('led.blf.2'),
];

interface Case {
  name: string;
  preset: PresetName;
  change: (input: IndicatorInput) => void;
  lamps: Record<string, string>;
}

const QUIET_DEFAULT = {
  'led.mwi': 'off', 'led.dnd': 'off', 'led.presence': 'solid green',
  'led.blf.0': 'solid green', 'led.blf.1': 'solid green', 'led.blf.2': 'solid green',
};

const CASES: Case[] = [
  { name: 'quiet phone', preset: 'default', change: () => {}, lamps: QUIET_DEFAULT },
  {
    name: 'one key ringing, one talking, one held', preset: 'default',
    change: (i) => { i.blf[0]!.state = 'ringing'; i.blf[1]!.state = 'talking'; i.blf[2]!.state = 'held'; },
    lamps: { ...QUIET_DEFAULT, 'led.blf.0': 'fast red 200/200', 'led.blf.1': 'solid red', 'led.blf.2': 'slow red 500/500' },
  },
  {
    name: 'dialling, parked, unknown', preset: 'default',
    change: (i) => { i.blf[0]!.state = 'dialling'; i.blf[1]!.state = 'parked'; i.blf[2]!.state = 'unknown'; },
    lamps: { ...QUIET_DEFAULT, 'led.blf.0': 'solid red', 'led.blf.1': 'slow red 1000/1000', 'led.blf.2': 'off' },
  },
  {
    name: 'voicemail waiting', preset: 'default',
    change: (i) => { i.messages.waiting = true; i.messages.newCount = 2; },
    lamps: { ...QUIET_DEFAULT, 'led.mwi': 'slow red 1000/1000' },
  },
  {
    name: 'urgent voicemail', preset: 'default',
    change: (i) => { i.messages.waiting = true; i.messages.newCount = 1; i.messages.urgentNew = 1; },
    lamps: { ...QUIET_DEFAULT, 'led.mwi': 'fast red 200/200' },
  },
  {
    name: 'unread IM lights the message lamp', preset: 'default',
    change: (i) => { i.unreadIm = 3; },
    lamps: { ...QUIET_DEFAULT, 'led.mwi': 'slow red 1000/1000' },
  },
  {
    name: 'do not disturb', preset: 'default',
    change: (i) => { i.presence = 'dnd'; },
    lamps: { ...QUIET_DEFAULT, 'led.dnd': 'solid red', 'led.presence': 'slow red 1000/1000' },
  },
  {
    name: 'away shows amber on a lamp that has it', preset: 'default',
    change: (i) => { i.presence = 'away'; },
    lamps: { ...QUIET_DEFAULT, 'led.presence': 'solid amber' },
  },
  {
    name: 'snom-like: idle is dark, unknown flashes green, held is steady', preset: 'snom-like',
    change: (i) => { i.blf[1]!.state = 'unknown'; i.blf[2]!.state = 'held'; },
    lamps: { ...QUIET_DEFAULT, 'led.blf.0': 'off', 'led.blf.1': 'slow green 100/1900', 'led.blf.2': 'solid red' },
  },
  {
    name: 'cisco-like: fast blink is 100 ms, the message lamp is steady', preset: 'cisco-like',
    change: (i) => { i.blf[0]!.state = 'ringing'; i.messages.waiting = true; },
    lamps: { ...QUIET_DEFAULT, 'led.blf.0': 'fast red 100/100', 'led.mwi': 'solid red' },
  },
  {
    name: 'yealink-like: held flashes slowly at 1 s', preset: 'yealink-like',
    change: (i) => { i.blf[2]!.state = 'held'; },
    lamps: { ...QUIET_DEFAULT, 'led.blf.2': 'slow red 1000/1000' },
  },
  {
    name: 'keys missing from the input show as unknown', preset: 'default',
    change: (i) => { i.blf = i.blf.slice(0, 1); },
    lamps: { ...QUIET_DEFAULT, 'led.blf.1': 'off', 'led.blf.2': 'off' },
  },
];

for (const c of CASES) {
  test(`${c.preset}: ${c.name}`, () => {
    const engine = new IndicatorEngine(layoutOf(LAMPS, PRESETS[c.preset]));
    const input = quietInput(3);
    c.change(input);
    const frame = engine.compute(input, 12345);
    assert.equal(showLamps(frame.lamps), c.lamps);
    assert.equal([...frame.lamps.keys()], LAMPS.map((l) => l.role), 'every lamp present, layout order');
    assert.is(frame.at, 12345);
  });
}

test('message lamp precedence: urgent > voicemail > IM > none', () => {
  const i = quietInput(0);
  assert.is(mwiState(i), 'none');
  i.unreadIm = 1;
  assert.is(mwiState(i), 'im');
  i.messages.waiting = true;
  assert.is(mwiState(i), 'voicemail');
  i.messages.waiting = false;
  i.messages.newCount = 4;
  assert.is(mwiState(i), 'voicemail', 'new > 0 counts even without Messages-Waiting: yes');
  i.messages.urgentNew = 1;
  assert.is(mwiState(i), 'urgent');
});

test('lamps degrade to what the hardware can show', () => {
  const engine = new IndicatorEngine(layoutOf([
    lamp('led.blf.0', ['red', 'green', 'amber'], ['off', 'solid', 'slow-blink']), // KEM-like: no fast blink
    lamp('led.blf.1', ['red'], ['off', 'solid']), // red only, cannot blink
    lamp('led.blf.2', ['green']), // green only
    lamp('led.presence', ['red', 'green']), // no amber
  ], PRESETS.default));
  const input = quietInput(3);
  input.blf[0]!.state = 'ringing';
  input.blf[1]!.state = 'ringing';
  input.blf[2]!.state = 'talking';
  input.presence = 'away';
  assert.equal(showLamps(engine.compute(input, 0).lamps), {
    'led.blf.0': 'slow red 1000/1000',
    'led.blf.1': 'solid red',
    'led.blf.2': 'solid green',
    'led.presence': 'solid red',
  });
});

test('a role the engine does not know stays off', () => {
  const engine = new IndicatorEngine(layoutOf([lamp('led.power'), lamp('led.blf.00')], PRESETS.default));
  assert.equal(showLamps(engine.compute(quietInput(1), 0).lamps), { 'led.power': 'off', 'led.blf.00': 'off' });
});

test('no display: no lines; a display: exactly rows × cols', () => {
  const none = new IndicatorEngine(layoutOf([], PRESETS.default));
  assert.equal(none.compute(quietInput(0), 0).lines, []);
  const lcd = new IndicatorEngine(layoutOf([], PRESETS.default, { cols: 16, rows: 2 }));
  const lines = lcd.compute(quietInput(0), 0).lines;
  assert.is(lines.length, 2);
  for (const l of lines) assert.is(l.length, 16);
});

test.run();
