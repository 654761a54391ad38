// SerialPanelDriver over serialport's mock binding, with the test playing the panel through its
// own PanelLink so it can lose Acks, stay silent, repeat frames and inject garbage.
// Dual-package trap (device notes §3.3): `import { MockBinding } from '@serialport/binding-mock'`
// from ESM gets a second copy of the binding; the one serialport uses is SerialPortMock.binding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialPortMock } from 'serialport';
import type { LampState } from '../../core/indicators/frame.js';
import { SerialPanelDriver, type PanelKeyEvent } from '../../platform/serial/panel/driver.js';
import { AckStatus, FrameType, KeyAction, decodeLamps, encodeFrame } from '../../platform/serial/panel/frame.js';
import { PanelLink } from '../../platform/serial/panel/link.js';
import { bounded } from './socat.js';

const MockBinding = SerialPortMock.binding;

const RED_FAST: LampState = { pattern: 'fast-blink', color: 'red', onMs: 100, offMs: 100 };
const GREEN: LampState = { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 };
const AMBER_SLOW: LampState = { pattern: 'slow-blink', color: 'amber', onMs: 1000, offMs: 1000 };

interface ScriptedPanel {
  readonly port: SerialPortMock;
  readonly link: PanelLink;
  readonly lamps: Map<number, LampState>;
  /** Frames of each type the panel accepted (duplicates excluded). */
  readonly accepted: number[];
  /** Return false to lose this transmission of the panel's (e.g. an Ack). */
  deliver: (bytes: Uint8Array) => boolean;
  /** Raw bytes to the host, outside the protocol. */
  inject(bytes: Uint8Array | string): void;
  sendFrame(type: number, payload: Uint8Array): void;
}

let portCounter = 0;

async function openMockPanel(): Promise<ScriptedPanel> {
  const path = `/dev/PANEL${portCounter++}`;
  MockBinding.createPort(path, { echo: false, record: true });
  const port = new SerialPortMock({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const link = new PanelLink({
    ackTimeoutMs: 20,
    validate: (type, payload) => (type === FrameType.Lamps && typeof decodeLamps(payload) === 'number' ? AckStatus.BadPayload : AckStatus.Ok),
  });
  const panel: ScriptedPanel = {
    port,
    link,
    lamps: new Map(),
    accepted: [],
    deliver: () => true,
    inject: (bytes) => port.port!.emitData(Buffer.from(bytes as Uint8Array)),
    sendFrame: (type, payload) => { link.send(type, payload, performance.now()); pump(); },
  };
  const pump = (): void => {
    for (let out = link.pollTransmit(); out !== null; out = link.pollTransmit()) {
      if (panel.deliver(out)) port.port!.emitData(Buffer.from(out));
    }
    for (let e = link.pollEvent(); e !== null; e = link.pollEvent()) {
      if (e.kind !== 'frame') continue;
      panel.accepted.push(e.type);
      if (e.type === FrameType.Lamps) {
        const entries = decodeLamps(e.payload);
        if (typeof entries !== 'number') for (const { key, state } of entries) panel.lamps.set(key, state);
      }
    }
  };
  // What the host writes reaches the scripted panel (the mock binding has no event for it).
  const binding = port.port!;
  const write = binding.write.bind(binding);
  binding.write = async (buffer: Buffer) => {
    await write(buffer);
    link.handleBytes(buffer, 0, buffer.length, performance.now());
    setImmediate(pump);
  };
  const timer = setInterval(() => { link.handleTimeout(performance.now()); pump(); }, 5);
  port.on('close', () => clearInterval(timer));
  return panel;
}

async function closePanel(panel: ScriptedPanel, driver: SerialPanelDriver): Promise<void> {
  driver.close();
  await new Promise<void>((resolve) => panel.port.close(() => resolve()));
  MockBinding.reset();
}

function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  return bounded(new Promise<void>((resolve) => {
    const poll = (): void => { if (check()) resolve(); else setTimeout(poll, 5); };
    poll();
  }), ms, what);
}

test('the mock binding is the one serialport uses (no dual-package copy)', async () => {
  const panel = await openMockPanel();
  assert.ok(panel.port.isOpen);
  await new Promise<void>((resolve) => panel.port.close(() => resolve()));
  MockBinding.reset();
});

test('lamp states reach the panel; roles not on the panel are ignored; repeats cost nothing', async () => {
  const panel = await openMockPanel();
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30 });
  driver.setLamp('led.blf.0', RED_FAST);
  driver.setLamp('led.blf.7', GREEN);
  driver.setLamp('led.blf.19', AMBER_SLOW);
  driver.setLamp('led.mwi', RED_FAST);
  await bounded(driver.whenSettled(), 2000, 'lamps acknowledged');
  assert.equal(panel.lamps.get(0), RED_FAST);
  assert.equal(panel.lamps.get(7), GREEN);
  assert.equal(panel.lamps.get(19), AMBER_SLOW);
  assert.is(panel.lamps.size, 3);
  const frames = panel.accepted.length;
  driver.setLamp('led.blf.7', { ...GREEN }); // same state: no frame
  await bounded(driver.whenSettled(), 2000, 'settled');
  assert.is(panel.accepted.length, frames);
  await closePanel(panel, driver);
});

test('a lost Ack: the driver sends the same frame again and the panel applies it once', async () => {
  const panel = await openMockPanel();
  let lost = 0;
  panel.deliver = (bytes) => !(lost++ === 0 && bytes.length < 12); // the panel's first Ack vanishes
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30 });
  driver.setLamp('led.blf.3', RED_FAST);
  await bounded(driver.whenSettled(), 2000, 'lamp acknowledged after a retry');
  assert.equal(panel.lamps.get(3), RED_FAST);
  assert.is(driver.link.stats.retransmissions, 1);
  assert.is(panel.link.stats.duplicates, 1);
  assert.equal(panel.accepted, [FrameType.Lamps]);
  await closePanel(panel, driver);
});

test('garbage on the line (with and without 0x00) is skipped; the key press behind it arrives once', async () => {
  const panel = await openMockPanel();
  const keys: PanelKeyEvent[] = [];
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30, onKey: (e) => keys.push(e) });
  panel.inject('AT+RESET\r\n');
  panel.inject(Uint8Array.of(0x00, 0x13, 0x00, 0xff, 0xfe, 0x00, 0x05, 0x7f, 0x01));
  const good = encodeFrame(FrameType.Key, 9, Uint8Array.of(4, KeyAction.Press));
  panel.inject(good.subarray(0, 5)); // a frame cut short, then a whole one
  panel.inject(Uint8Array.from({ length: 500 }, (_, i) => (i * 13 + 1) | 1)); // long run, no delimiter
  panel.sendFrame(FrameType.Key, Uint8Array.of(4, KeyAction.Press));
  await waitFor(() => keys.length > 0 && panel.link.idle, 2000, 'key press delivered');
  assert.equal(keys, [{ key: 4, role: 'key.blf.4', pressed: true }]);
  assert.ok(driver.link.stats.badFrames >= 3, `badFrames ${driver.link.stats.badFrames}`);
  assert.is(panel.link.stats.retransmissions, 0);
  // The host still works both ways.
  driver.setLamp('led.blf.4', GREEN);
  await bounded(driver.whenSettled(), 2000, 'lamp after garbage');
  assert.equal(panel.lamps.get(4), GREEN);
  await closePanel(panel, driver);
});

test('a key frame repeated because its Ack was lost is reported once', async () => {
  const panel = await openMockPanel();
  const keys: PanelKeyEvent[] = [];
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30, onKey: (e) => keys.push(e) });
  const frame = encodeFrame(FrameType.Key, 33, Uint8Array.of(2, KeyAction.Press));
  panel.inject(frame);
  panel.inject(frame);
  await waitFor(() => driver.link.stats.duplicates === 1, 2000, 'duplicate seen');
  assert.equal(keys, [{ key: 2, role: 'key.blf.2', pressed: true }]);
  await closePanel(panel, driver);
});

test('a silent panel: one error, lamps kept and resent when it answers again', async () => {
  const panel = await openMockPanel();
  const errors: string[] = [];
  let silent = true;
  panel.deliver = () => !silent;
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 10, maxRetries: 2, offlineRetryMs: 60, onError: (m) => errors.push(m) });
  driver.setLamp('led.blf.1', GREEN);
  await waitFor(() => errors.length > 0, 2000, 'error reported');
  assert.match(errors[0]!, /stopped answering/);
  driver.setLamp('led.blf.2', RED_FAST); // changes while offline are kept
  silent = false;
  await bounded(driver.whenSettled(), 3000, 'lamps delivered after the panel came back');
  assert.equal(panel.lamps.get(1), GREEN);
  assert.equal(panel.lamps.get(2), RED_FAST);
  assert.is(errors.length, 1, errors.join('; '));
  await closePanel(panel, driver);
});

test('a panel Hello (it rebooted) makes the driver send every lamp again', async () => {
  const panel = await openMockPanel();
  let hello = -1;
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30, onHello: (n) => { hello = n; } });
  driver.setLamp('led.blf.0', GREEN);
  driver.setLamp('led.blf.5', AMBER_SLOW);
  await bounded(driver.whenSettled(), 2000, 'first lamps');
  panel.lamps.clear();
  panel.sendFrame(FrameType.Hello, Uint8Array.of(1, 20));
  await waitFor(() => panel.lamps.size === 2, 2000, 'lamps after Hello');
  assert.is(hello, 20);
  assert.is(driver.panelKeyCount, 20);
  assert.equal(panel.lamps.get(5), AMBER_SLOW);
  await closePanel(panel, driver);
});

test('a burst of changes to one key coalesces; the last state wins', async () => {
  const panel = await openMockPanel();
  const driver = new SerialPanelDriver(panel.port, { ackTimeoutMs: 30 });
  const states: LampState[] = [GREEN, RED_FAST, AMBER_SLOW, GREEN, RED_FAST];
  for (const s of states) driver.setLamp('led.blf.9', s);
  await bounded(driver.whenSettled(), 2000, 'burst settled');
  assert.equal(panel.lamps.get(9), RED_FAST);
  assert.ok(panel.accepted.length <= 2, `${panel.accepted.length} frames for one key`);
  await closePanel(panel, driver);
});

test.run();
