// docs/porting.md §2 shows the host loop a port writes. Its code is docs/samples/run-phone.ts
// (type-checked with the project); here the guide is checked to show exactly that file, and the
// file is run as a port would run it: Node's host bindings, a UserAgentBase, an indicator
// scheduler — against a registrar on loopback UDP, until the phone is registered and its display
// says so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { runPhone, type PhoneApplication } from '../../docs/samples/run-phone.js';
import { nodeHost } from '../../platform/node/index.js';
import { UserAgentBase, type UaEvent } from '../../core/ua/index.js';
import { IndicatorEngine, IndicatorScheduler, type LampState } from '../../core/indicators/index.js';
import { PhoneState } from '../../core/app/phone-state.js';
import { builtinBoard, indicatorLayout } from '../../boards/index.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

test('the guide shows docs/samples/run-phone.ts, line for line', () => {
  const guide = read('../../docs/porting.md');
  const sample = read('../../docs/samples/run-phone.ts');
  const start = guide.indexOf('```ts\n', guide.indexOf('## 2. How the host loop drives the core'));
  assert.ok(start > 0, '§2 has a ts block');
  const shown = guide.slice(start + 6, guide.indexOf('\n```\n', start) + 1);
  // The file's own first lines say where it comes from; the rest is what the guide shows.
  const body = sample.split('\n').filter((line, i) => !(i < 2 && line.startsWith('//'))).join('\n');
  assert.fixture(shown, body);
});

/** A registrar on loopback UDP answering every REGISTER 200 with the binding. */
async function registrar(): Promise<{ socket: Socket; port: number; registers: number }> {
  const socket = createSocket('udp4');
  const state = { socket, port: 0, registers: 0 };
  socket.on('message', (msg, from) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('REGISTER ')) return;
    state.registers++;
    const h = (name: string) => new RegExp(`\\r\\n(${name}:[^\\r]*)`, 'i').exec(text)?.[1] ?? '';
    const ok = `SIP/2.0 200 OK\r\n${h('Via')}\r\n${h('From')}\r\n${h('To')};tag=r1\r\n${h('Call-ID')}\r\n${h('CSeq')}\r\n${h('Contact')};expires=600\r\nContent-Length: 0\r\n\r\n`;
    socket.send(Buffer.from(ok, 'latin1'), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  return state;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('the sample host loop registers a phone against a registrar on loopback and draws it', async () => {
  const server = await registrar();
  const host = nodeHost();
  const ua = new UserAgentBase({
    aor: 'sip:alice@127.0.0.1', registrar: `sip:127.0.0.1:${server.port}`, localAddress: '127.0.0.1', localPort: await freeUdpPort(),
    random: Math.random, expires: 600,
  });
  const board = builtinBoard('sim-desk');
  assert.ok(board.ok);
  if (!board.ok) return;
  const lamps = new Map<string, LampState>();
  const screens: string[][] = [];
  const indicators = new IndicatorScheduler(
    new IndicatorEngine(indicatorLayout(board.val)),
    { setLamp: (role, state) => { lamps.set(role, state); } },
    { showLines: (lines) => { screens.push([...lines]); } },
  );
  const state = new PhoneState({ identity: 'alice', blfKeys: 0, maxBuddies: 1 });
  const events: UaEvent[] = [];
  const app: PhoneApplication = {
    onEvent: (e) => { events.push(e); state.onUaEvent(e, host.clock.now()); },
    onCommand: () => {},
    indicatorInput: () => state.input,
  };
  assert.ok(ua.register(host.clock.now()).ok);
  const stop = runPhone(host, ua, indicators, app, []);
  try {
    const start = Date.now();
    while (!(ua.registrationState === 'registered' && screens.length > 0 && state.input.registration === 'registered')) {
      if (Date.now() - start > 5000) throw new Error(`not registered within 5 s: ${events.map((e) => e.kind + ('state' in e ? `:${e.state}` : '')).join(' ')}; ${server.registers} REGISTERs seen`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The scheduler draws at most maxRateHz frames: wait for the one after the registration.
    while (!screens.some((lines) => lines.join('\n').includes('OK')) && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.is(server.registers, 1);
    assert.ok(events.some((e) => e.kind === 'registration' && e.state === 'registered'));
    assert.ok(screens.some((lines) => lines.join('\n').includes('OK')), `the display shows the registration: ${JSON.stringify(screens.at(-1))}`);
    assert.ok(lamps.size > 0, 'the lamps were set');
  } finally {
    stop();
    server.socket.close();
  }
});

test.run();
