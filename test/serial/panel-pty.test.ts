// The serial panel end to end over a real pseudo-terminal pair (socat): SerialPanelDriver on one
// end and PanelEmulator on the other, both opened through serialport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialPort } from 'serialport';
import type { LampState } from '../../core/indicators/frame.js';
import { SerialPanelDriver, type PanelKeyEvent } from '../../platform/serial/panel/driver.js';
import { PanelEmulator } from '../../platform/serial/panel/emulator.js';
import { openSerialPort, closeSerialPort } from '../../platform/serial/open-port.js';
import { bounded, missingPrograms, startPtyPair, tempDir, warnSkipped } from './socat.js';

const missing = missingPrograms(['socat']);
if (missing.length > 0) warnSkipped('serial panel end-to-end tests over a socat pty pair', missing);
const ptyTest = missing.length === 0 ? test : test.skip;

const RED_FAST: LampState = { pattern: 'fast-blink', color: 'red', onMs: 100, offMs: 100 };
const RED: LampState = { pattern: 'solid', color: 'red', onMs: 0, offMs: 0 };
const GREEN: LampState = { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 };
const AMBER_SLOW: LampState = { pattern: 'slow-blink', color: 'amber', onMs: 1000, offMs: 1000 };
const OFF: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };

interface Rig {
  host: SerialPort;
  panelPort: SerialPort;
  driver: SerialPanelDriver;
  emulator: PanelEmulator;
  keys: PanelKeyEvent[];
  done(): Promise<void>;
}

async function rig(): Promise<Rig> {
  const dir = tempDir('hardphone-panel-');
  const pair = await startPtyPair(dir.path);
  const host = await openSerialPort({ path: pair.a, baudRate: 115200 });
  const panelPort = await openSerialPort({ path: pair.b, baudRate: 115200 });
  if (host.err || panelPort.err) {
    await pair.socat.stop();
    dir.remove();
    throw new Error(`cannot open the pty pair: ${host.err ? host.val.message : ''} ${panelPort.err ? panelPort.val.message : ''}`);
  }
  const keys: PanelKeyEvent[] = [];
  const driver = new SerialPanelDriver(host.val, { ackTimeoutMs: 100, onKey: (e) => keys.push(e) });
  const emulator = new PanelEmulator(panelPort.val, { keyCount: 20, ackTimeoutMs: 100 });
  const r: Rig = {
    host: host.val,
    panelPort: panelPort.val,
    driver,
    emulator,
    keys,
    async done() {
      // The test may have swapped in another driver or emulator: close whatever is current.
      r.driver.close();
      r.emulator.close();
      await closeSerialPort(host.val);
      await closeSerialPort(panelPort.val);
      await pair.socat.stop();
      dir.remove();
    },
  };
  return r;
}

ptyTest('20 lamps set by the host show on the emulated panel, blink periods included', async () => {
  const r = await rig();
  try {
    r.emulator.start();
    r.driver.start();
    const wanted: LampState[] = [];
    for (let key = 0; key < 20; key++) {
      const state = [RED_FAST, RED, GREEN, AMBER_SLOW, OFF][key % 5]!;
      wanted.push(state);
      r.driver.setLamp(`led.blf.${key}`, state);
    }
    r.driver.setLamp('led.mwi', RED); // not on the panel
    await bounded(r.driver.whenSettled(), 5000, 'lamps acknowledged');
    assert.equal(r.emulator.lamps(), wanted);
    // A change of a single lamp follows.
    r.driver.setLamp('led.blf.3', GREEN);
    await r.emulator.waitForLamps(() => r.emulator.lamp(3).color === 'green', 3000);
    assert.is(r.driver.link.stats.badFrames, 0);
    assert.is(r.emulator.stats.badFrames, 0);
  } finally {
    await r.done();
  }
});

ptyTest('lamps beyond the panel\'s keys (known from its Hello) are reported and skipped, the rest still shows', async () => {
  const r = await rig();
  const errors: string[] = [];
  try {
    const driver = new SerialPanelDriver(r.host, { ackTimeoutMs: 100, onError: (m) => errors.push(m) });
    r.driver.close();
    r.driver = driver;
    r.emulator.start();
    await bounded(new Promise<void>((resolve) => {
      const poll = (): void => { if (driver.panelKeyCount === 20) resolve(); else setTimeout(poll, 5); };
      poll();
    }), 3000, 'panel Hello');
    driver.setLamp('led.blf.25', RED);
    driver.setLamp('led.blf.2', GREEN);
    await bounded(driver.whenSettled(), 3000, 'lamp 2');
    assert.equal(r.emulator.lamp(2), GREEN);
    assert.equal(errors, ['lamp led.blf.25 is key 25, but the panel has only 20 keys']);
  } finally {
    await r.done();
  }
});

ptyTest('key presses on the emulated panel reach the host as press and release', async () => {
  const r = await rig();
  try {
    r.emulator.start();
    assert.ok(await bounded(r.emulator.pressKey(7), 3000, 'key 7 acknowledged'));
    assert.ok(await bounded(r.emulator.pressKey(12, false), 3000, 'key 12 acknowledged'));
    assert.equal(r.keys, [
      { key: 7, role: 'key.blf.7', pressed: true },
      { key: 7, role: 'key.blf.7', pressed: false },
      { key: 12, role: 'key.blf.12', pressed: true },
    ]);
    assert.is(r.driver.panelKeyCount, 20);
  } finally {
    await r.done();
  }
});

ptyTest('garbage from the panel side: both ends resynchronise and carry on', async () => {
  const r = await rig();
  try {
    r.emulator.start();
    r.driver.setLamp('led.blf.1', GREEN);
    await bounded(r.driver.whenSettled(), 3000, 'first lamp');
    r.emulator.injectNoise(Uint8Array.from([0x42, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]));
    r.emulator.injectNoise(Buffer.from('boot: panel fw 0.9\r\n'));
    assert.ok(await bounded(r.emulator.pressKey(5, false), 3000, 'key after garbage'));
    r.driver.setLamp('led.blf.1', RED_FAST);
    await bounded(r.driver.whenSettled(), 3000, 'lamp after garbage');
    assert.equal(r.emulator.lamp(1), RED_FAST);
    assert.equal(r.keys, [{ key: 5, role: 'key.blf.5', pressed: true }]);
    assert.ok(r.driver.link.stats.badFrames >= 2, `badFrames ${r.driver.link.stats.badFrames}`);
  } finally {
    await r.done();
  }
});

ptyTest('the panel reboots (a new emulator says Hello): the host restores every lamp', async () => {
  const r = await rig();
  try {
    r.emulator.start();
    r.driver.setLamp('led.blf.0', AMBER_SLOW);
    r.driver.setLamp('led.blf.19', RED);
    await bounded(r.driver.whenSettled(), 3000, 'lamps before the reboot');
    r.emulator.close();
    const rebooted = new PanelEmulator(r.panelPort, { keyCount: 20, ackTimeoutMs: 100 });
    r.emulator = rebooted;
    assert.equal(rebooted.lamp(0), OFF);
    rebooted.start();
    await rebooted.waitForLamps(() => rebooted.lamp(0).color === 'amber' && rebooted.lamp(19).color === 'red', 3000);
    assert.equal(rebooted.lamp(0), AMBER_SLOW);
  } finally {
    await r.done();
  }
});

test.run();
