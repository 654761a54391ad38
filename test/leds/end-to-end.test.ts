// From indicator state to LED files: the linux-desk board, its policy, the scheduler and the
// Linux LED adapter over the fake sysfs. A state change must light exactly the right files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinBoard, indicatorLayout } from '../../boards/index.js';
import {
  IndicatorEngine, IndicatorScheduler, initialIndicatorInput, blfStateOfDialog, type IndicatorInput,
} from '../../core/indicators/index.js';
import { LinuxLedLamps, fakeSysfsFor, sysfsLampsOf, type LedWriteError } from '../../platform/leds/index.js';

const R = '/sys/class/leds';

function phone() {
  const board = builtinBoard('linux-desk');
  if (!board.ok) throw new Error(board.val.join('\n'));
  const lampsOfBoard = sysfsLampsOf(board.val);
  const fs = fakeSysfsFor(lampsOfBoard, R);
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({ files: fs, root: board.val.sysfsRoot, lamps: lampsOfBoard, onError: (e) => errors.push(e) });
  const screens: string[][] = [];
  const scheduler = new IndicatorScheduler(
    new IndicatorEngine(indicatorLayout(board.val)), lamps, { showLines: (l) => screens.push([...l]) },
    { maxRateHz: board.val.indicators.maxRateHz },
  );
  const input = initialIndicatorInput('Alice 201', 6);
  let now = 10_000;
  /** Change the state, then run the host loop until the scheduler has nothing pending. */
  const change = (edit: (i: IndicatorInput) => void) => {
    edit(input);
    scheduler.update(input, now);
    for (let guard = 0; guard < 10 && scheduler.pollTimeout() >= 0; guard++) {
      now = Math.max(now, scheduler.pollTimeout());
      scheduler.poll(now);
    }
    now += 1;
  };
  const looks = (name: string) => {
    const a = fs.appearance(name);
    if (a.mode === 'off') return 'off';
    const colour = a.intensity ? ` [${a.intensity.join(' ')}]` : '';
    return a.mode === 'on' ? `on${colour}` : `blink ${a.onMs}/${a.offMs}${colour}`;
  };
  return { fs, lamps, scheduler, input, change, looks, errors, screens };
}

test('unregistered phone with failed subscriptions: every LED dark', () => {
  const p = phone();
  p.lamps.allOff();
  p.change(() => {});
  for (const name of ['phone:red:mwi', 'phone:red:dnd', 'phone:red:blf1', 'phone:green:blf1', 'phone:multicolor:blf6']) {
    assert.is(p.looks(name), 'off', name);
  }
  assert.equal(p.errors, []);
});

test('registered and everyone idle: green key LEDs (yealink-like), multicolour in multi_index order', () => {
  const p = phone();
  p.change((i) => { i.registration = 'registered'; i.presence = 'available'; i.blf.forEach((k) => { k.state = 'idle'; }); });
  for (let k = 1; k <= 5; k++) {
    assert.is(p.looks(`phone:green:blf${k}`), 'on', `green ${k}`);
    assert.is(p.looks(`phone:red:blf${k}`), 'off', `red ${k}`);
  }
  assert.is(p.looks('phone:multicolor:blf6'), 'on [255 0]', 'channels "green red": green full');
  assert.is(p.fs.read(`${R}/phone:multicolor:blf6/multi_intensity`), '255 0\n');
});

test('a colleague\'s phone rings (dialog early, recipient): key 3 blinks red fast, its green LED goes out', () => {
  const p = phone();
  p.change((i) => { i.registration = 'registered'; i.blf.forEach((k) => { k.state = 'idle'; }); });
  p.fs.writes.length = 0;
  p.change((i) => { i.blf[2]!.state = blfStateOfDialog('early', 'recipient', false); i.blf[2]!.caller = 'Bob'; i.blf[2]!.label = 'Carol'; });
  assert.is(p.looks('phone:red:blf3'), 'blink 200/200');
  assert.is(p.looks('phone:green:blf3'), 'off');
  assert.is(p.fs.read(`${R}/phone:red:blf3/trigger`), 'none [timer] oneshot heartbeat pattern default-on\n');
  assert.is(p.fs.read(`${R}/phone:red:blf3/delay_on`), '200\n');
  assert.is(p.fs.read(`${R}/phone:red:blf3/delay_off`), '200\n');
  assert.is(p.fs.read(`${R}/phone:green:blf3/delay_on`), null, 'no timer on the green LED');
  const touched = new Set(p.fs.writes.map((w) => w.path.split('/')[4]));
  assert.equal([...touched].sort(), ['phone:green:blf3', 'phone:red:blf3'], 'no other LED was written');
  assert.ok(p.screens.at(-1)!.some((l) => l.startsWith('Bob > Carol')), 'the caller is on the display');

  p.change((i) => { i.blf[2]!.state = blfStateOfDialog('confirmed', 'recipient', false); });
  assert.is(p.looks('phone:red:blf3'), 'on');
  assert.is(p.fs.read(`${R}/phone:red:blf3/delay_on`), null, 'timer gone');
});

test('voicemail, DND and a held call on the multicolour key', () => {
  const p = phone();
  p.change((i) => { i.registration = 'registered'; i.blf.forEach((k) => { k.state = 'idle'; }); });
  p.change((i) => { i.messages.waiting = true; i.messages.newCount = 1; });
  assert.is(p.looks('phone:red:mwi'), 'blink 1000/1000');
  p.change((i) => { i.presence = 'dnd'; });
  assert.is(p.looks('phone:red:dnd'), 'on');
  p.change((i) => { i.blf[5]!.state = blfStateOfDialog('confirmed', 'initiator', true); });
  assert.is(p.looks('phone:multicolor:blf6'), 'blink 1000/1000 [0 255]');
  p.change((i) => { i.messages.waiting = false; i.messages.newCount = 0; i.presence = 'available'; i.blf[5]!.state = 'idle'; });
  assert.is(p.looks('phone:red:mwi'), 'off');
  assert.is(p.looks('phone:red:dnd'), 'off');
  assert.is(p.looks('phone:multicolor:blf6'), 'on [255 0]');
  assert.equal(p.errors, []);
});

test('a burst of NOTIFYs inside one rate window reaches sysfs once, with the last state', () => {
  const p = phone();
  p.change((i) => { i.registration = 'registered'; i.blf.forEach((k) => { k.state = 'idle'; }); });
  p.fs.writes.length = 0;
  const t0 = 20_000;
  for (const s of ['ringing', 'talking', 'held', 'talking'] as const) { p.input.blf[0]!.state = s; p.scheduler.update(p.input, t0); }
  p.scheduler.poll(p.scheduler.pollTimeout());
  assert.is(p.looks('phone:red:blf1'), 'on');
  assert.is(p.looks('phone:green:blf1'), 'off');
  assert.equal(p.fs.writes.map((w) => `${w.path.split('/')[4]}/${w.path.split('/')[5]} <- ${w.data}`), [
    // The red LED is known to be off with no trigger, so lighting it is one write.
    'phone:red:blf1/brightness <- 1',
    'phone:green:blf1/trigger <- none', 'phone:green:blf1/brightness <- 0',
  ]);
});

test.run();
