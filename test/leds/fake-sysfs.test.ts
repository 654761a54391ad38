// The fake LED class follows the kernel rules the adapter depends on (sysfs-class-led ABI,
// leds-class-multicolor.rst); if the fake were wrong, the adapter tests would prove nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeSysfs } from '../../platform/leds/index.js';

const R = '/sys/class/leds';
const at = (led: string, file: string) => `${R}/${led}/${file}`;

function fresh() {
  return new FakeSysfs(R)
    .addLed('p:red:k1')
    .addLed('p:green:k1', { maxBrightness: 255 })
    .addLed('p:multi:k2', { maxBrightness: 255, multiIndex: ['green', 'red'] });
}

test('trigger lists every trigger with the active one in brackets', () => {
  const fs = fresh();
  assert.is(fs.read(at('p:red:k1', 'trigger')), '[none] timer oneshot heartbeat pattern default-on\n');
  assert.is(fs.write(at('p:red:k1', 'trigger'), 'timer'), null);
  assert.is(fs.read(at('p:red:k1', 'trigger')), 'none [timer] oneshot heartbeat pattern default-on\n');
  assert.is(fs.write(at('p:red:k1', 'trigger'), 'disco'), 'EINVAL');
});

test('delay_on/delay_off exist only while the trigger is timer, starting at 500/500', () => {
  const fs = fresh();
  assert.is(fs.read(at('p:red:k1', 'delay_on')), null);
  assert.is(fs.write(at('p:red:k1', 'delay_on'), '100'), 'ENOENT');
  assert.equal(fs.files('p:red:k1'), ['brightness', 'max_brightness', 'trigger']);
  fs.write(at('p:red:k1', 'trigger'), 'timer\n');
  assert.equal(fs.files('p:red:k1'), ['brightness', 'max_brightness', 'trigger', 'delay_on', 'delay_off']);
  assert.is(fs.read(at('p:red:k1', 'delay_on')), '500\n');
  assert.is(fs.write(at('p:red:k1', 'delay_on'), '100'), null);
  assert.is(fs.read(at('p:red:k1', 'delay_on')), '100\n');
  fs.write(at('p:red:k1', 'trigger'), 'none');
  assert.equal(fs.files('p:red:k1'), ['brightness', 'max_brightness', 'trigger']);
});

test('writing 0 to brightness resets the trigger to none', () => {
  const fs = fresh();
  fs.write(at('p:red:k1', 'trigger'), 'timer');
  assert.is(fs.appearance('p:red:k1').mode, 'blink');
  assert.is(fs.write(at('p:red:k1', 'brightness'), '0'), null);
  assert.is(fs.state('p:red:k1').trigger, 'none');
  assert.is(fs.read(at('p:red:k1', 'delay_on')), null);
  assert.is(fs.appearance('p:red:k1').mode, 'off');
});

test('non-zero brightness while blinking changes the blink level and keeps blinking', () => {
  const fs = fresh();
  fs.write(at('p:green:k1', 'trigger'), 'timer');
  assert.equal(fs.appearance('p:green:k1'), { mode: 'blink', level: 255, onMs: 500, offMs: 500, intensity: null });
  fs.write(at('p:green:k1', 'brightness'), '40');
  assert.equal(fs.appearance('p:green:k1'), { mode: 'blink', level: 40, onMs: 500, offMs: 500, intensity: null });
});

test('removing or replacing an active trigger turns the LED off', () => {
  const fs = fresh();
  fs.write(at('p:red:k1', 'brightness'), '1');
  fs.write(at('p:red:k1', 'trigger'), 'heartbeat');
  fs.write(at('p:red:k1', 'trigger'), 'none');
  assert.is(fs.appearance('p:red:k1').mode, 'off');
  // With no trigger active, selecting "none" leaves a lit LED lit.
  fs.write(at('p:red:k1', 'brightness'), '1');
  fs.write(at('p:red:k1', 'trigger'), 'none');
  assert.is(fs.appearance('p:red:k1').mode, 'on');
});

test('brightness is clamped to max_brightness; junk is EINVAL', () => {
  const fs = fresh();
  assert.is(fs.write(at('p:red:k1', 'brightness'), '255\n'), null);
  assert.is(fs.read(at('p:red:k1', 'brightness')), '1\n');
  assert.is(fs.write(at('p:red:k1', 'brightness'), 'on'), 'EINVAL');
  assert.is(fs.write(at('p:red:k1', 'brightness'), '-1'), 'EINVAL');
});

test('multi_intensity takes all channels in one write, in multi_index order', () => {
  const fs = fresh();
  assert.is(fs.read(at('p:multi:k2', 'multi_index')), 'green red\n');
  assert.is(fs.write(at('p:multi:k2', 'multi_intensity'), '255'), 'EINVAL', 'one value for two channels');
  assert.is(fs.write(at('p:multi:k2', 'multi_intensity'), '1 2 3'), 'EINVAL');
  assert.is(fs.write(at('p:multi:k2', 'multi_intensity'), '0 255\n'), null);
  assert.is(fs.read(at('p:multi:k2', 'multi_intensity')), '0 255\n');
  fs.write(at('p:multi:k2', 'brightness'), '255');
  assert.equal(fs.appearance('p:multi:k2').intensity, [0, 255]);
});

test('read-only and missing files', () => {
  const fs = fresh();
  assert.is(fs.write(at('p:red:k1', 'max_brightness'), '5'), 'EACCES');
  assert.is(fs.write(at('p:multi:k2', 'multi_index'), 'red green'), 'EACCES');
  assert.is(fs.write(at('p:red:k1', 'multi_intensity'), '1'), 'ENOENT');
  assert.is(fs.write(at('p:nope', 'brightness'), '1'), 'ENOENT');
  assert.is(fs.write('/elsewhere/p:red:k1/brightness', '1'), 'ENOENT');
  assert.is(fs.read(at('p:red:k1', 'uevent')), null);
  assert.equal(fs.writes.map((w) => w.error), ['EACCES', 'EACCES', 'ENOENT', 'ENOENT', 'ENOENT'], 'refused writes are logged too');
});

test.run();
