// The Linux LED class adapter against the fake sysfs: which files it writes, in which order,
// and what the LEDs then show, for each wiring.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeSysfs, LinuxLedLamps, type LedWriteError, type SysfsLamp } from '../../platform/leds/index.js';
import { fastBlink, slowBlink, solid, off } from '../../core/indicators/index.js';

const ROOT = '/sys/class/leds';

const LAMPS: SysfsLamp[] = [
  { role: 'led.mwi', wiring: { kind: 'mono', led: 'ph:red:mwi' } },
  { role: 'led.blf.0', wiring: { kind: 'bicolor', red: 'ph:red:k1', green: 'ph:green:k1' } },
  { role: 'led.blf.1', wiring: { kind: 'multicolor', led: 'ph:multi:k2', channels: ['green', 'red'] } },
];

function setup(root = ROOT) {
  const fs = new FakeSysfs(root)
    .addLed('ph:red:mwi')
    .addLed('ph:red:k1')
    .addLed('ph:green:k1')
    .addLed('ph:multi:k2', { maxBrightness: 255, multiIndex: ['green', 'red'] });
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({ files: fs, root, lamps: LAMPS, onError: (e) => errors.push(e) });
  const log = () => fs.writes.splice(0).map((w) => `${w.path.slice(root.length + 1)} <- ${w.data}${w.error ? ` (${w.error})` : ''}`);
  return { fs, lamps, errors, log };
}

test('mono: solid, fast blink, slower blink, solid, off', () => {
  const { fs, lamps, errors, log } = setup();
  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(log(), ['ph:red:mwi/trigger <- none', 'ph:red:mwi/brightness <- 1']);
  assert.is(fs.appearance('ph:red:mwi').mode, 'on');

  lamps.setLamp('led.mwi', fastBlink('red', 200));
  assert.equal(log(), ['ph:red:mwi/trigger <- timer', 'ph:red:mwi/delay_on <- 200', 'ph:red:mwi/delay_off <- 200']);
  assert.equal(fs.appearance('ph:red:mwi'), { mode: 'blink', level: 1, onMs: 200, offMs: 200, intensity: null });

  lamps.setLamp('led.mwi', slowBlink('red', 1000, 500));
  assert.equal(log(), ['ph:red:mwi/delay_on <- 1000', 'ph:red:mwi/delay_off <- 500'], 'only the periods change');

  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(log(), ['ph:red:mwi/trigger <- none', 'ph:red:mwi/brightness <- 1']);
  assert.equal(fs.appearance('ph:red:mwi').mode, 'on');

  lamps.setLamp('led.mwi', off);
  assert.equal(log(), ['ph:red:mwi/trigger <- none', 'ph:red:mwi/brightness <- 0']);
  assert.is(fs.appearance('ph:red:mwi').mode, 'off');
  assert.equal(errors, []);
});

test('mono: blinking from off sets the level first, and the same state twice writes nothing', () => {
  const { fs, lamps, log } = setup();
  lamps.setLamp('led.mwi', slowBlink('red', 1000));
  assert.equal(log(), [
    'ph:red:mwi/brightness <- 1', 'ph:red:mwi/trigger <- timer', 'ph:red:mwi/delay_on <- 1000', 'ph:red:mwi/delay_off <- 1000',
  ]);
  lamps.setLamp('led.mwi', slowBlink('red', 1000));
  assert.equal(log(), []);
  assert.equal(fs.read(`${ROOT}/ph:red:mwi/trigger`), 'none [timer] oneshot heartbeat pattern default-on\n');
});

test('bicolour as two mono LEDs: red, green, amber = both with the same pattern', () => {
  const { fs, lamps, log } = setup();
  lamps.setLamp('led.blf.0', solid('green'));
  assert.equal([fs.appearance('ph:red:k1').mode, fs.appearance('ph:green:k1').mode], ['off', 'on']);
  lamps.setLamp('led.blf.0', fastBlink('red', 200));
  assert.equal(fs.appearance('ph:red:k1'), { mode: 'blink', level: 1, onMs: 200, offMs: 200, intensity: null });
  assert.is(fs.appearance('ph:green:k1').mode, 'off');
  lamps.setLamp('led.blf.0', slowBlink('amber', 500));
  assert.equal(fs.appearance('ph:red:k1'), { mode: 'blink', level: 1, onMs: 500, offMs: 500, intensity: null });
  assert.equal(fs.appearance('ph:green:k1'), { mode: 'blink', level: 1, onMs: 500, offMs: 500, intensity: null });
  log();
  lamps.setLamp('led.blf.0', off);
  assert.equal(log(), [
    'ph:red:k1/trigger <- none', 'ph:red:k1/brightness <- 0', 'ph:green:k1/trigger <- none', 'ph:green:k1/brightness <- 0',
  ]);
});

test('multicolour: intensities in multi_index order, all in one write, before brightness', () => {
  const { fs, lamps, log, errors } = setup();
  lamps.setLamp('led.blf.1', solid('red'));
  assert.equal(log(), ['ph:multi:k2/multi_intensity <- 0 255', 'ph:multi:k2/trigger <- none', 'ph:multi:k2/brightness <- 255']);
  assert.equal(fs.appearance('ph:multi:k2').intensity, [0, 255]);
  lamps.setLamp('led.blf.1', solid('amber'));
  assert.equal(log(), ['ph:multi:k2/multi_intensity <- 255 255'], 'colour change on a lit LED: one write');
  lamps.setLamp('led.blf.1', fastBlink('green', 100));
  assert.equal(log(), [
    'ph:multi:k2/multi_intensity <- 255 0', 'ph:multi:k2/trigger <- timer', 'ph:multi:k2/delay_on <- 100', 'ph:multi:k2/delay_off <- 100',
  ]);
  assert.equal(fs.appearance('ph:multi:k2'), { mode: 'blink', level: 255, onMs: 100, offMs: 100, intensity: [255, 0] });
  assert.equal(errors, []);
});

test('multicolour: the LED\'s own multi_index wins over the board and the mismatch is reported', () => {
  const fs = new FakeSysfs(ROOT).addLed('ph:multi:k2', { maxBrightness: 100, multiIndex: ['red', 'green', 'blue'] });
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({
    files: fs, lamps: [{ role: 'led.blf.1', wiring: { kind: 'multicolor', led: 'ph:multi:k2', channels: ['green', 'red'] } }],
    onError: (e) => errors.push(e),
  });
  lamps.setLamp('led.blf.1', solid('red'));
  assert.equal(errors.map((e) => [e.code, e.detail]), [['MULTI_INDEX', 'board says "green red", LED says "red green blue"']]);
  assert.equal(fs.state('ph:multi:k2').multiIntensity, [100, 0, 0]);
  assert.equal(fs.writes.filter((w) => w.error !== null), []);
});

test('failed writes are reported, never thrown, and the LED is rewritten in full next time', () => {
  const fs = new FakeSysfs(ROOT);
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({ files: fs, lamps: LAMPS.slice(0, 1), onError: (e) => errors.push(e) });
  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(errors, [{ role: 'led.mwi', path: `${ROOT}/ph:red:mwi/trigger`, code: 'ENOENT' }]);
  fs.addLed('ph:red:mwi'); // the driver module got loaded
  fs.writes.length = 0;
  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(fs.writes.map((w) => w.path.split('/').pop()), ['trigger', 'brightness']);
  assert.is(fs.appearance('ph:red:mwi').mode, 'on');
});

test('allOff stops whatever an earlier run left blinking', () => {
  const { fs, lamps } = setup();
  fs.preset('ph:red:k1', { trigger: 'timer', delayOn: 100, delayOff: 100, brightness: 1, blinkBrightness: 1 });
  fs.preset('ph:red:mwi', { brightness: 1 });
  lamps.allOff();
  for (const name of ['ph:red:mwi', 'ph:red:k1', 'ph:green:k1', 'ph:multi:k2']) {
    assert.is(fs.appearance(name).mode, 'off', name);
    assert.is(fs.state(name).trigger, 'none', name);
  }
});

test('roles it does not drive are ignored; the sysfs root is configurable', () => {
  const { fs, lamps, log } = setup('/tmp/fake-root/leds');
  lamps.setLamp('led.blf.9', solid('red'));
  assert.equal(log(), []);
  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(fs.writes.map((w) => w.path), ['/tmp/fake-root/leds/ph:red:mwi/trigger', '/tmp/fake-root/leds/ph:red:mwi/brightness']);
  assert.is(fs.appearance('ph:red:mwi').mode, 'on');
  assert.equal(lamps.roles(), ['led.mwi', 'led.blf.0', 'led.blf.1']);
});

test.run();
