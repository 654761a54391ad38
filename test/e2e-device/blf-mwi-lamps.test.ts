// The device layer end to end (issue 6 part 5): a state change at a real Kamailio reaches alice's
// UA as a NOTIFY, core/app/PhoneState turns the UA events into IndicatorInput, and the indicator
// engine + scheduler of two boards light their lamps:
//   linux-desk  — Linux LED class lamps, as files in a temp dir that behave like sysfs
//                 (yealink-like preset: ringing = red timer 200/200, MWI = red timer 1000/1000)
//   desk-exp20  — BLF lamps on a serial expansion panel: SerialPanelDriver over a socat pty pair
//                 with the PanelEmulator on the other end; its MWI lamp on the LED class
//                 (cisco-like preset: ringing = red fast blink 100/100, MWI = solid red)
// bob's side: his dialog state is PUBLISHed (Event: dialog, as a call server or his phone would;
// our UA has no notifier side yet), his presence by a second UA of ours, and MWI for alice by the
// voicemail account (Event: message-summary). Every wait is bounded; everything is stopped in
// finally.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { builtinBoard, indicatorLayout, type Board } from '../../boards/index.js';
import { IndicatorEngine, IndicatorScheduler, LampRouter, type DisplayDriver, type IndicatorInput, type LampState } from '../../core/indicators/index.js';
import { PhoneState } from '../../core/app/phone-state.js';
import { PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import { LinuxLedLamps, sysfsLampsOf } from '../../platform/leds/index.js';
import { SerialPanelDriver } from '../../platform/serial/panel/driver.js';
import { panelMappingOf } from '../../platform/serial/panel/from-board.js';
import { PanelEmulator } from '../../platform/serial/panel/emulator.js';
import { openSerialPort, closeSerialPort } from '../../platform/serial/open-port.js';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { RawSipClient, buildRequest, digestAuthorization, header, token, type RequestSpec, type SipResponse } from '../support/kamailio/raw-sip.js';
import { RecordedUa } from '../support/ua/node-ua.js';
import { bounded, missingPrograms, startPtyPair, tempDir, warnSkipped, type Socat } from '../serial/socat.js';
import { SysfsDir } from './sysfs-dir.js';

const missing = missingPrograms(['socat']);
if (missing.length > 0) warnSkipped('device end-to-end test (serial panel over a socat pty pair)', missing);
const skip = skipWithoutKamailio('test/e2e-device/blf-mwi-lamps.test.ts') || missing.length > 0;
const te = new TextEncoder();

const RED_FAST_CISCO: LampState = { pattern: 'fast-blink', color: 'red', onMs: 100, offMs: 100 };
const RED: LampState = { pattern: 'solid', color: 'red', onMs: 0, offMs: 0 };
const GREEN: LampState = { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 };
const OFF: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };

/** One board's indicator pipeline on a host timer: scheduler.update on every change, poll at pollTimeout. */
class DeviceLoop {
  readonly lines: (readonly string[])[] = [];
  private timer: NodeJS.Timeout | undefined;
  readonly scheduler: IndicatorScheduler;
  constructor(board: Board, lamps: LampRouter, private readonly clock: () => number) {
    const display: DisplayDriver = { showLines: (l) => { this.lines.push(l); } };
    this.scheduler = new IndicatorScheduler(new IndicatorEngine(indicatorLayout(board)), lamps, display, { maxRateHz: board.indicators.maxRateHz });
  }
  update(input: IndicatorInput): void {
    this.scheduler.update(input, this.clock());
    this.arm();
  }
  /** The display text last shown, one string. */
  screen(): string {
    return (this.lines[this.lines.length - 1] ?? []).join('\n');
  }
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const at = this.scheduler.pollTimeout();
    if (at < 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.scheduler.poll(this.clock());
      this.arm();
    }, Math.max(0, Math.ceil(at - this.clock())));
  }
}

/** Polls `check` every 10 ms until it holds; rejects with `what()` after timeoutMs. */
async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sends a request from a raw client; answers one 401/407 with credentials. */
async function sendRaw(c: RawSipClient, spec: Omit<RequestSpec, 'transport' | 'localPort' | 'cseq'>, user: string, password: string): Promise<SipResponse> {
  const full = { ...spec, transport: c.transport, localPort: c.localPort };
  c.send(buildRequest({ ...full, cseq: 1 }));
  const first = await c.response(3000);
  if (first.status !== 401 && first.status !== 407) return first;
  const www = first.status === 401;
  const auth = digestAuthorization({ challenge: header(first, www ? 'www-authenticate' : 'proxy-authenticate')!, method: spec.method, uri: spec.uri, user, password });
  c.send(buildRequest({ ...full, cseq: 2, extraHeaders: [...(spec.extraHeaders ?? []), `${www ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`] }));
  return c.response(3000);
}

/** One publication (RFC 3903): the first PUBLISH creates it, later ones modify it with SIP-If-Match. */
function publisher(c: RawSipClient, k: Kamailio, user: string, password: string, resource: string, event: string, contentType: string) {
  let etag: string | undefined;
  return async (body: string): Promise<void> => {
    const res = await sendRaw(c, {
      method: 'PUBLISH', uri: resource, from: `sip:${user}@${k.domain}`, to: resource, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Event: ${event}`, 'Expires: 60', `Content-Type: ${contentType}`, ...(etag ? [`SIP-If-Match: ${etag}`] : [])],
      body,
    }, user, password);
    assert.is(res.status, 200, res.raw);
    etag = header(res, 'sip-etag') ?? etag;
  };
}

function dialogInfo(entity: string, state: 'early' | 'confirmed' | 'terminated'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="${entity}">`,
    `<dialog id="call-1" call-id="c1@pbx" local-tag="l1" remote-tag="r1" direction="recipient"><state>${state}</state>`,
    '<remote><identity display="Carol">sip:carol@127.0.0.1</identity></remote></dialog>',
    '</dialog-info>',
  ].join('\n');
}

const pidf = (entity: string, basic: 'open' | 'closed', note: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">` +
  `<tuple id="t-bob"><status><basic>${basic}</basic></status><note>${note}</note></tuple></presence>\n`;

const messageSummary = (waiting: 'yes' | 'no', account: string, voice: string): string =>
  `Messages-Waiting: ${waiting}\r\nMessage-Account: ${account}\r\nVoice-Message: ${voice}\r\n`;

if (skip) {
  test.skip('device end to end: BLF/MWI/presence → LED files and panel lamps (kamailio or socat missing)', () => {});
} else {
  test('bob rings, talks, hangs up; voicemail for alice: LED files of linux-desk and panel lamps of desk-exp20 follow', async () => {
    const linuxDesk = builtinBoard('linux-desk').unwrap();
    const exp20 = builtinBoard('desk-exp20').unwrap();
    const dir = tempDir('hardphone-e2e-device-');
    const loops: DeviceLoop[] = [];
    const uas: RecordedUa[] = [];
    const raws: RawSipClient[] = [];
    let kam: Kamailio | undefined;
    let socat: Socat | undefined;
    let hostPort: Awaited<ReturnType<typeof openSerialPort>> | undefined;
    let panelPort: Awaited<ReturnType<typeof openSerialPort>> | undefined;
    let driver: SerialPanelDriver | undefined;
    let emulator: PanelEmulator | undefined;
    try {
      // ---- hardware: LED class trees, the panel on a pty pair ----
      const linuxLeds = new SysfsDir(join(dir.path, 'linux-desk', 'sys', 'class', 'leds'), sysfsLampsOf(linuxDesk));
      const expLeds = new SysfsDir(join(dir.path, 'desk-exp20', 'sys', 'class', 'leds'), sysfsLampsOf(exp20));
      const ledErrors: string[] = [];
      const linuxLamps = new LinuxLedLamps({ files: linuxLeds, root: linuxLeds.root, lamps: sysfsLampsOf(linuxDesk), onError: (e) => ledErrors.push(`${e.path}: ${e.code}`) });
      const expLamps = new LinuxLedLamps({ files: expLeds, root: expLeds.root, lamps: sysfsLampsOf(exp20), onError: (e) => ledErrors.push(`${e.path}: ${e.code}`) });
      const pair = await startPtyPair(dir.path);
      socat = pair.socat;
      hostPort = await openSerialPort({ path: pair.a, baudRate: 115200 });
      panelPort = await openSerialPort({ path: pair.b, baudRate: 115200 });
      if (hostPort.err || panelPort.err) throw new Error('cannot open the pty pair');
      const panelErrors: string[] = [];
      driver = new SerialPanelDriver(hostPort.val, { ...panelMappingOf(exp20, 'exp1'), ackTimeoutMs: 100, onError: (m) => panelErrors.push(m) });
      emulator = new PanelEmulator(panelPort.val, { keyCount: 20, ackTimeoutMs: 100 });
      emulator.start();
      driver.start();
      const panelRoles = exp20.leds.filter((l) => l.wiring.kind === 'panel').map((l) => l.role);
      const exp20Router = new LampRouter().route(expLamps.roles(), expLamps).route(panelRoles, driver);
      const linuxRouter = new LampRouter().route(linuxLamps.roles(), linuxLamps);

      // ---- the phone: alice's UA → PhoneState → both boards' indicator loops ----
      kam = await startKamailio();
      const k = kam;
      const aliceAor = `sip:alice@${k.domain}`;
      const bobAor = `sip:bob@${k.domain}`;
      const phone = new PhoneState({ identity: 'Alice', blfKeys: exp20.capabilities.blfKeys });
      phone.configureBlfKey(0, bobAor, 'Bob');
      phone.configureMwi(aliceAor);
      const bobSlot = phone.addBuddy(bobAor, 'Bob');
      const alice = await RecordedUa.open(k, 'alice', 'alicepw');
      uas.push(alice);
      const clock = () => alice.host.now();
      const linuxLoop = new DeviceLoop(linuxDesk, linuxRouter, clock);
      const expLoop = new DeviceLoop(exp20, exp20Router, clock);
      loops.push(linuxLoop, expLoop);
      const resubscribes: number[] = [];
      alice.onEvent = (e) => {
        const effect = phone.onUaEvent(e, clock());
        if (effect.resubscribe >= 0) resubscribes.push(effect.resubscribe);
        if (effect.changed) for (const l of loops) l.update(phone.input);
      };
      for (const l of loops) l.update(phone.input); // first frame: every lamp, BLF keys unknown

      const redBlf1 = 'phone:red:blf1';
      const greenBlf1 = 'phone:green:blf1';
      await until(() => emulator!.lamp(0).pattern === 'off' && linuxLeds.file(redBlf1, 'brightness') === '0', 3000, () => 'initial frame');
      assert.is(linuxLeds.file(greenBlf1, 'brightness'), '0', 'unknown key: not lit (unknown is not idle)');

      await alice.register();
      await until(() => /OK|Reg/i.test(linuxLoop.screen()), 3000, () => `linux-desk screen: ${linuxLoop.screen()}`);

      // ---- alice subscribes: bob's dialog (BLF key 0), bob's presence, her own message-summary ----
      const blfId = alice.host.run((ua, now) => ua.subscribe(bobAor, 'dialog', now)).unwrap();
      phone.watch(blfId, 'blf', 0);
      const presenceId = alice.host.run((ua, now) => ua.subscribe(bobAor, 'presence', now)).unwrap();
      phone.watch(presenceId, 'buddy', bobSlot);
      const mwiId = alice.host.run((ua, now) => ua.subscribe(aliceAor, 'message-summary', now)).unwrap();
      phone.watch(mwiId, 'mwi');
      await alice.waitFor('subscription', (e) => e.id === blfId && e.state === 'active', 5000);
      await alice.waitFor('subscription', (e) => e.id === mwiId && e.state === 'active', 5000);

      // Nobody published for bob: force_dummy_dialog's empty document → idle → solid green.
      await until(() => linuxLeds.file(greenBlf1, 'brightness') === '1' && emulator!.lamp(0).color === 'green', 5000,
        () => `idle: green=${linuxLeds.file(greenBlf1, 'brightness')} panel=${JSON.stringify(emulator!.lamp(0))} input=${JSON.stringify(phone.input.blf[0])}`);
      assert.is(linuxLeds.trigger(greenBlf1), 'none');
      assert.is(linuxLeds.file(redBlf1, 'brightness'), '0');
      assert.equal(emulator.lamp(0), GREEN);

      // ---- bob's phone rings (Carol calls him) ----
      const bobRaw = await RawSipClient.open('UDP', k.port);
      raws.push(bobRaw);
      const publishDialog = publisher(bobRaw, k, 'bob', 'bobpw', bobAor, 'dialog', 'application/dialog-info+xml');
      await publishDialog(dialogInfo(bobAor, 'early'));
      await until(() => linuxLeds.trigger(redBlf1) === 'timer' && emulator!.lamp(0).pattern === 'fast-blink', 5000,
        () => `ringing: red trigger=${linuxLeds.trigger(redBlf1)} panel=${JSON.stringify(emulator!.lamp(0))} input=${JSON.stringify(phone.input.blf[0])}`);
      // linux-desk (yealink-like): blf.ringing = fast red 200/200 → timer trigger on the red LED.
      assert.is(linuxLeds.file(redBlf1, 'delay_on'), '200');
      assert.is(linuxLeds.file(redBlf1, 'delay_off'), '200');
      assert.is(linuxLeds.file(redBlf1, 'brightness'), '1');
      assert.is(linuxLeds.file(greenBlf1, 'brightness'), '0', 'green half off while ringing red');
      assert.is(linuxLeds.trigger(greenBlf1), 'none');
      assert.is(linuxLeds.file(greenBlf1, 'delay_on'), null, 'no delay files without the timer trigger');
      // desk-exp20 (cisco-like): fast red 100/100 on panel key 0.
      assert.equal(emulator.lamp(0), RED_FAST_CISCO);
      assert.equal(emulator.lamp(1), OFF, 'key 1 monitors nobody');
      assert.is(phone.input.blf[0]!.caller, 'Carol');
      await until(() => linuxLoop.screen().includes('Carol > Bob') && expLoop.screen().includes('Carol > Bob'), 3000,
        () => `screens:\n${linuxLoop.screen()}\n--\n${expLoop.screen()}`);

      // ---- bob answers: talking → solid red ----
      await publishDialog(dialogInfo(bobAor, 'confirmed'));
      await until(() => linuxLeds.trigger(redBlf1) === 'none' && linuxLeds.file(redBlf1, 'brightness') === '1' && emulator!.lamp(0).pattern === 'solid', 5000,
        () => `talking: red trigger=${linuxLeds.trigger(redBlf1)} brightness=${linuxLeds.file(redBlf1, 'brightness')} panel=${JSON.stringify(emulator!.lamp(0))}`);
      assert.is(linuxLeds.file(redBlf1, 'delay_on'), null);
      assert.is(linuxLeds.file(greenBlf1, 'brightness'), '0');
      assert.equal(emulator.lamp(0), RED);

      // ---- bob's presence (his own UA PUBLISHes PIDF): alice's buddy table shows it ----
      const bob = await RecordedUa.open(k, 'bob', 'bobpw');
      uas.push(bob);
      await bob.register();
      bob.host.run((ua, now) => ua.publish(te.encode(pidf(bobAor, 'open', 'on a call with Carol')), 'application/pidf+xml', now));
      await bob.waitFor('publish-outcome', (e) => e.ok, 5000);
      await until(() => phone.buddies.buddies[bobSlot]!.note.text() === 'on a call with Carol', 5000,
        () => `buddy: display=${phone.buddies.buddies[bobSlot]!.display} note=${phone.buddies.buddies[bobSlot]!.note.text()}`);
      assert.is(phone.buddies.buddies[bobSlot]!.display, PresenceDisplay.Available);

      // ---- voicemail for alice (message-summary PUBLISHed by the voicemail account) ----
      const vmRaw = await RawSipClient.open('UDP', k.port);
      raws.push(vmRaw);
      const publishMwi = publisher(vmRaw, k, 'voicemail', 'voicemailpw', aliceAor, 'message-summary', 'application/simple-message-summary');
      const redMwi = 'phone:red:mwi';
      assert.is(linuxLeds.file(redMwi, 'brightness'), '0');
      await publishMwi(messageSummary('yes', aliceAor, '2/1 (0/0)'));
      await until(() => linuxLeds.trigger(redMwi) === 'timer' && expLeds.file('desk:red:mwi', 'brightness') === '1', 5000,
        () => `mwi: linux trigger=${linuxLeds.trigger(redMwi)} exp brightness=${expLeds.file('desk:red:mwi', 'brightness')} input=${JSON.stringify(phone.input.messages)}`);
      // linux-desk: mwi.voicemail = slow red 1000/1000; desk-exp20 (cisco-like): solid red.
      assert.is(linuxLeds.file(redMwi, 'delay_on'), '1000');
      assert.is(linuxLeds.file(redMwi, 'delay_off'), '1000');
      assert.is(expLeds.trigger('desk:red:mwi'), 'none');
      assert.equal(phone.input.messages, { waiting: true, newCount: 2, oldCount: 1, urgentNew: 0 });
      // The MWI lamp is not on the panel: the panel's keys are untouched by it.
      assert.equal(emulator.lamp(0), RED);

      // ---- messages heard, call over: MWI off, key back to idle green ----
      await publishMwi(messageSummary('no', aliceAor, '0/3 (0/0)'));
      await publishDialog(dialogInfo(bobAor, 'terminated'));
      await until(() => linuxLeds.file(redMwi, 'brightness') === '0' && expLeds.file('desk:red:mwi', 'brightness') === '0'
        && linuxLeds.file(greenBlf1, 'brightness') === '1' && emulator!.lamp(0).color === 'green', 5000,
        () => `after: mwi=${linuxLeds.file(redMwi, 'brightness')} green=${linuxLeds.file(greenBlf1, 'brightness')} panel=${JSON.stringify(emulator!.lamp(0))} input=${JSON.stringify(phone.input)}`);
      assert.is(linuxLeds.trigger(redMwi), 'none');
      assert.is(linuxLeds.file(redBlf1, 'brightness'), '0');
      assert.equal(emulator.lamp(0), GREEN);

      await bounded(driver.whenSettled(), 3000, 'panel settled');
      assert.equal(ledErrors, []);
      assert.equal(panelErrors, []);
      assert.equal(resubscribes, [], 'every dialog-info NOTIFY was full state');
      assert.is(driver.link.stats.badFrames, 0);
    } finally {
      for (const l of loops) l.close();
      for (const ua of uas) await ua.close().catch(() => undefined);
      for (const c of raws) c.close();
      driver?.close();
      emulator?.close();
      if (hostPort?.ok) await closeSerialPort(hostPort.val);
      if (panelPort?.ok) await closeSerialPort(panelPort.val);
      await socat?.stop();
      await kam?.stop();
      dir.remove();
    }
  });
}

test.run();
