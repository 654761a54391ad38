// The adapter through node:fs on a real temporary directory laid out like /sys/class/leds.
// Plain files have none of sysfs' side effects, so this checks the path layout, the one-write
// values and the final contents a kernel would be left with; fake-sysfs covers the semantics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxLedLamps, nodeLedFiles, type LedWriteError } from '../../platform/leds/index.js';
import { fastBlink, solid, off } from '../../core/indicators/index.js';

let root = '';

function led(name: string, max: number, multiIndex?: string) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'brightness'), '0\n');
  writeFileSync(join(dir, 'max_brightness'), `${max}\n`);
  writeFileSync(join(dir, 'trigger'), '[none] timer heartbeat\n');
  if (multiIndex) {
    writeFileSync(join(dir, 'multi_index'), `${multiIndex}\n`);
    writeFileSync(join(dir, 'multi_intensity'), multiIndex.split(' ').map(() => '0').join(' ') + '\n');
  }
}
const read = (name: string, file: string) => readFileSync(join(root, name, file), 'utf8');

test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'hardphone-leds-'));
  led('desk:red:blf1', 1);
  led('desk:green:blf1', 1);
  led('desk:multicolor:blf2', 255, 'green red');
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

test('writes land in <root>/<led>/<attribute> with the values the kernel expects', () => {
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({
    files: nodeLedFiles, root, onError: (e) => errors.push(e),
    lamps: [
      { role: 'led.blf.0', wiring: { kind: 'bicolor', red: 'desk:red:blf1', green: 'desk:green:blf1' } },
      { role: 'led.blf.1', wiring: { kind: 'multicolor', led: 'desk:multicolor:blf2', channels: ['green', 'red'] } },
    ],
  });
  lamps.setLamp('led.blf.0', fastBlink('red', 200));
  assert.is(read('desk:red:blf1', 'trigger'), 'timer');
  assert.is(read('desk:red:blf1', 'delay_on'), '200');
  assert.is(read('desk:red:blf1', 'delay_off'), '200');
  assert.is(read('desk:red:blf1', 'brightness'), '1');
  assert.is(read('desk:green:blf1', 'trigger'), 'none');
  assert.is(read('desk:green:blf1', 'brightness'), '0');

  lamps.setLamp('led.blf.1', solid('amber'));
  assert.is(read('desk:multicolor:blf2', 'multi_intensity'), '255 255');
  assert.is(read('desk:multicolor:blf2', 'brightness'), '255');
  assert.is(read('desk:multicolor:blf2', 'trigger'), 'none');

  lamps.setLamp('led.blf.0', off);
  assert.is(read('desk:red:blf1', 'trigger'), 'none');
  assert.is(read('desk:red:blf1', 'brightness'), '0');
  assert.equal(errors, []);
});

test('a missing LED directory is reported as ENOENT, not thrown', () => {
  const errors: LedWriteError[] = [];
  const lamps = new LinuxLedLamps({
    files: nodeLedFiles, root, onError: (e) => errors.push(e),
    lamps: [{ role: 'led.mwi', wiring: { kind: 'mono', led: 'desk:red:mwi' } }],
  });
  lamps.setLamp('led.mwi', solid('red'));
  assert.equal(errors, [{ role: 'led.mwi', path: join(root, 'desk:red:mwi', 'trigger'), code: 'ENOENT' }]);
  assert.not.ok(existsSync(join(root, 'desk:red:mwi')));
});

test.run();
