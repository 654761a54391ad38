// Issue #7 part 2, "it really runs on an engine": the sim-desk firmware application, bundled for
// QuickJS like a firmware build, boots inside quickjs-emscripten on the QuickJS host
// (platform/quickjs: real loopback UDP, clock, timer, lamp/display sinks), registers with a real
// Kamailio with digest auth, subscribes to a colleague's presence and dialog (BLF) state, and the
// lamp frames follow what the colleague (and the voicemail account) PUBLISH. Then it subscribes 47
// more targets (50 subscriptions) and the QuickJS heap is reported, category by category: empty
// runtime, bundle loaded, UA created, booted, with 50 subscriptions (issue #7 item 2's figure).
import { test } from 'uvu';
import { runInThisContext } from 'node:vm';
import { nodeHost } from '../../platform/node/index.js';
import type { HostBindings } from '../../platform/host/host.js';
import type { LampState } from '../../core/indicators/frame.js';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { RawSipClient, buildRequest, digestAuthorization, header, token, type RequestSpec, type SipResponse } from '../support/kamailio/raw-sip.js';
import { QuickJsHost, type QuickJsMemoryUsage } from '../../platform/quickjs/index.js';
import type { PhoneAppStatus } from '../../tools/build/app/phone-app.js';
import { DEVICE_CAPACITIES, firmwareBundle, phoneConfig } from './firmware.js';
import { waitUntil } from './wait.js';
import { heapTable, kib } from './heap-report.js';

const skip = skipWithoutKamailio('test/quickjs-host/boot-kamailio.test.ts');
let kam: Kamailio | undefined;
let host: QuickJsHost | undefined;
let bob: RawSipClient | undefined;

test.after(async () => {
  host?.dispose();
  bob?.close();
  await kam?.stop();
});

interface Publisher { readonly user: string; readonly password: string }
const BOB: Publisher = { user: 'bob', password: 'bobpw' };
const VOICEMAIL: Publisher = { user: 'voicemail', password: 'voicemailpw' };

/**
 * PUBLISH `event` for `entity` (default: the publisher's own AOR) as `who`; answers a 401/407
 * once with credentials. `etag` modifies an existing publication (RFC 3903 §4.4).
 */
async function publish(c: RawSipClient, k: Kamailio, who: Publisher, event: string, contentType: string, body: string, options: { entity?: string; etag?: string } = {}): Promise<SipResponse> {
  const from = `sip:${who.user}@${k.domain}`;
  const entity = options.entity ?? from;
  const spec: Omit<RequestSpec, 'cseq'> = {
    method: 'PUBLISH', uri: entity, transport: 'UDP', localPort: c.localPort, from, to: entity, callId: `${token()}@publisher`, fromTag: token(),
    extraHeaders: [`Event: ${event}`, 'Expires: 120', `Content-Type: ${contentType}`, ...(options.etag !== undefined ? [`SIP-If-Match: ${options.etag}`] : [])], body,
  };
  c.send(buildRequest({ ...spec, cseq: 1 }));
  const first = await c.response();
  if (first.status !== 401 && first.status !== 407) return first;
  const auth = digestAuthorization({ challenge: header(first, first.status === 401 ? 'www-authenticate' : 'proxy-authenticate')!, method: 'PUBLISH', uri: entity, user: who.user, password: who.password });
  c.send(buildRequest({ ...spec, cseq: 2, extraHeaders: [...spec.extraHeaders!, `${first.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`] }));
  return c.response();
}

const BUSY_PIDF = (entity: string): string => [
  '<?xml version="1.0" encoding="UTF-8"?>',
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">`,
  `<tuple id="t1"><status><basic>open</basic></status><contact>${entity}</contact></tuple>`,
  '<dm:person id="p1"><rpid:activities><rpid:busy/></rpid:activities><dm:note>In a meeting</dm:note></dm:person>',
  '</presence>',
].join('\n');

const DIALOG = (entity: string, id: string, state: 'early' | 'confirmed'): string => [
  '<?xml version="1.0" encoding="UTF-8"?>',
  `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="${entity}">`,
  `<dialog id="${id}" call-id="c-${id}" local-tag="l1" remote-tag="r1" direction="recipient"><state>${state}</state>`,
  '<remote><identity display="Carol">sip:carol@127.0.0.1</identity></remote></dialog></dialog-info>',
].join('\n');

const MESSAGE_SUMMARY = (account: string): string =>
  `Messages-Waiting: yes\r\nMessage-Account: ${account}\r\nVoice-Message: 2/5 (0/0)\r\n`;

/** Subscriptions added on top of the phone's own three (bob's dialog and presence, MWI): 50 in all. */
const EXTRA = 47;

/** Issue #7 item 2: the heap with 50 subscriptions, above an empty runtime. */
const TARGET_BYTES = 256 * 1024;
/**
 * Regression guard on the same figure: 865 KiB measured on 2026-11-26 (code 559 KiB, data 289 KiB:
 * see README, "Firmware sizes") plus ~4% headroom. Not the target; a rise above it means something
 * made the phone bigger, and the table this test prints says in which category.
 */
const CEILING_BYTES = 900 * 1024;
/** Regression guard per subscription: 1.5 KiB measured (records, dialog, machine, SUBSCRIBE spec). */
const PER_SUBSCRIPTION_CEILING_BYTES = 2048;

/** Where the heap grew between two computeMemoryUsage() readings (the larger items first). */
function growth(from: QuickJsMemoryUsage, to: QuickJsMemoryUsage): string {
  const sizes = ['obj_size', 'prop_size', 'shape_size', 'str_size', 'atom_size', 'js_func_size', 'js_func_code_size', 'js_func_pc2line_size', 'fast_array_elements'];
  return sizes.map((k) => [k, (to[k] ?? 0) - (from[k] ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([k, d]) => `${k} ${d >= 0 ? '+' : ''}${k === 'fast_array_elements' ? d : kib(d)}`).join(', ') +
    // Typed-array storage (the UA's buffer pools, readers' pools) is in none of the categories.
    `, uncategorised (typed arrays, malloc overhead) +${kib((to.memory_used_size! - from.memory_used_size!) - sizes.filter((k) => k !== 'fast_array_elements').reduce((a, k) => a + (to[k] ?? 0) - (from[k] ?? 0), 0))}` +
    `; objects ${(to.obj_count ?? 0) - (from.obj_count ?? 0)}, ArrayBuffers ${(to.binary_object_count ?? 0) - (from.binary_object_count ?? 0)}`;
}

test('sim-desk firmware in QuickJS: register, BLF/presence/MWI NOTIFYs drive the lamps, heap with 50 subscriptions', async () => {
  if (skip) return;
  kam = await startKamailio();
  const k = kam;
  const bundle = await firmwareBundle('quickjs');
  host = await QuickJsHost.create({ display: { rows: 4, cols: 20 } });
  const h = host;
  const empty = h.memoryUsage();
  h.evalScript(bundle, 'hardphone-sim-desk-quickjs.js');
  const loaded = h.memoryUsage();
  // HARDPHONE_QUICKJS_DEBUG_INFO=full|lines keeps line numbers for debugging a failing boot; the
  // figures are then not the device's and the ceiling is not checked.
  const debugging = process.env.HARDPHONE_QUICKJS_DEBUG_INFO === 'full' || process.env.HARDPHONE_QUICKJS_DEBUG_INFO === 'lines';
  if (!debugging) assert.is(h.debugInfo, 'none', 'the host compiles without debug info, like a device build (qjsc -s)');
  const status = (): PhoneAppStatus => h.evalJson<PhoneAppStatus>('hardphoneApp.status()');
  const describeState = (): string => `${JSON.stringify(status())}\nerrors: ${h.errors.join('\n')}\nlogs: ${h.logs.slice(-10).map((l) => l.message).join('\n')}`;

  const config = phoneConfig({ user: 'alice', password: 'alicepw', serverPort: k.port, blf: [{ uri: `sip:bob@${k.domain}`, label: 'Bob' }], mwi: true, capacities: DEVICE_CAPACITIES });
  assert.ok(h.evalJson<boolean>(`hardphoneApp.start(${JSON.stringify(JSON.stringify(config))})`));
  // The app creates its UA once its socket is bound (the next event-loop turn): read the heap at
  // the first turn the UA exists (its REGISTER is out; an answer may already be in).
  const uaBy = Date.now() + 2000;
  while (status().registration === 'unregistered') {
    if (Date.now() > uaBy) throw new Error(`no UA after 2 s: ${describeState()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const started = h.memoryUsage();

  // ---- REGISTER (digest), then bob's dialog and presence (BLF key 0) and alice's own MWI ----
  await waitUntil(() => status().registration === 'registered', 5000, () => `registration: ${describeState()}`);
  await waitUntil(() => { const s = status(); return s.activeSubscriptions === 3 && (s.notifiesByEvent.dialog ?? 0) >= 1 && (s.notifiesByEvent.presence ?? 0) >= 1; }, 5000, () => `three active subscriptions with NOTIFYs: ${describeState()}`);
  // Kamailio's dummy dialog document says bob is free: the key is idle (green), not unknown (off).
  await waitUntil(() => h.lamps.get('led.blf.0')?.color === 'green', 2000, () => `key 0 green: ${JSON.stringify(h.lamps.get('led.blf.0'))}`);
  assert.equal(h.lamps.get('led.blf.0'), { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 });
  assert.equal(h.lamps.get('led.blf.1'), { pattern: 'off', color: null, onMs: 0, offMs: 0 }, 'a key watching nobody is off');
  assert.equal(h.lamps.get('led.mwi'), { pattern: 'off', color: null, onMs: 0, offMs: 0 }, 'no voicemail yet');
  assert.match(h.displayLines[0]!, /alice/);
  const booted = h.memoryUsage();

  // ---- bob PUBLISHes presence busy → alice's presence NOTIFY is read (the buddy shows busy) ----
  bob = await RawSipClient.open('UDP', k.port);
  const b = bob;
  const pub1 = await publish(b, k, BOB, 'presence', 'application/pidf+xml', BUSY_PIDF(`sip:bob@${k.domain}`));
  assert.is(pub1.status, 200, pub1.raw);
  await waitUntil(() => status().keys[0]!.presence === 'busy', 5000, () => `bob busy: ${describeState()}`);

  // ---- bob's phone rings (dialog early, recipient) → key 0 fast red blink, caller on the display ----
  const pub2 = await publish(b, k, BOB, 'dialog', 'application/dialog-info+xml', DIALOG(`sip:bob@${k.domain}`, 'd1', 'early'));
  assert.is(pub2.status, 200, pub2.raw);
  await waitUntil(() => h.lamps.get('led.blf.0')?.pattern === 'fast-blink', 5000, () => `key 0 blinking: ${describeState()}`);
  assert.equal(h.lamps.get('led.blf.0'), { pattern: 'fast-blink', color: 'red', onMs: 200, offMs: 200 });
  assert.is(status().keys[0]!.state, 'ringing');
  await waitUntil(() => h.displayLines.join('\n').includes('Carol'), 2000, () => `the caller on the display: ${JSON.stringify(h.displayLines)}`);

  // ---- bob answers (the same publication modified: confirmed) → key 0 solid red ----
  const etag = header(pub2, 'sip-etag');
  assert.ok(etag !== undefined, 'SIP-ETag on the dialog publication');
  const pub3 = await publish(b, k, BOB, 'dialog', 'application/dialog-info+xml', DIALOG(`sip:bob@${k.domain}`, 'd1', 'confirmed'), { etag: etag! });
  assert.is(pub3.status, 200, pub3.raw);
  await waitUntil(() => h.lamps.get('led.blf.0')?.pattern === 'solid' && h.lamps.get('led.blf.0')?.color === 'red', 5000, () => `key 0 solid red: ${describeState()}`);
  assert.is(status().keys[0]!.state, 'talking');
  const key0 = h.lampChanges.filter((c) => c.role === 'led.blf.0').map((c) => `${c.state.pattern}/${c.state.color}`);
  assert.equal(key0, ['off/null', 'solid/green', 'fast-blink/red', 'solid/red'], 'the frames key 0 went through');

  // ---- voicemail PUBLISHes alice's message-summary → the message lamp blinks ----
  const pub4 = await publish(b, k, VOICEMAIL, 'message-summary', 'application/simple-message-summary', MESSAGE_SUMMARY(`sip:alice@${k.domain}`), { entity: `sip:alice@${k.domain}` });
  assert.is(pub4.status, 200, pub4.raw);
  await waitUntil(() => h.lamps.get('led.mwi')?.pattern === 'slow-blink', 5000, () => `MWI lamp: ${describeState()} ${JSON.stringify(h.lamps.get('led.mwi'))}`);
  assert.equal(h.lamps.get('led.mwi'), { pattern: 'slow-blink', color: 'red', onMs: 1000, offMs: 1000 });
  assert.ok(status().messagesWaiting);

  // ---- 47 more subscriptions, 50 in all (dialog state of users nobody provisioned: Kamailio's
  //      presence module accepts them and force_dummy_dialog answers each with an idle document) ----
  const beforeExtra = h.memoryUsage();
  const targets = Array.from({ length: EXTRA }, (_, i) => `sip:user${String(i + 1).padStart(2, '0')}@${k.domain}`);
  assert.is(h.evalJson<number>(`hardphoneApp.watch(${JSON.stringify(targets)}, 'dialog')`), EXTRA);
  await waitUntil(() => { const s = status(); return s.activeSubscriptions === 50 && (s.notifiesByEvent.dialog ?? 0) >= 1 + EXTRA; }, 20_000, () => `50 active subscriptions: ${describeState()}`);
  const fifty = h.memoryUsage();
  assert.equal(status().failures, []);
  assert.equal(h.errors, [], 'no exception inside the engine');

  // The same bundle loaded with QuickJS's default debug info (source text + line tables), for
  // comparison: what the code costs when a host does not strip (no network needed for that).
  const debugHost = await QuickJsHost.create({ debugInfo: 'full' });
  let loadedFull = 0;
  try {
    const before = debugHost.memoryUsed();
    debugHost.evalScript(bundle, 'hardphone-sim-desk-quickjs.js');
    loadedFull = debugHost.memoryUsed() - before;
  } finally {
    debugHost.dispose();
  }

  const used = (m: QuickJsMemoryUsage): number => m.memory_used_size!;
  const total = used(fifty) - h.heapEmpty;
  console.log([
    `    QuickJS heap (computeMemoryUsage), sim-desk firmware application bundle ${kib(bundle.length)}, debug info: ${h.debugInfo}:`,
    ...heapTable([
      { name: 'empty', usage: h.emptyUsage },
      { name: '+shim', usage: empty },
      { name: 'bundle', usage: loaded },
      { name: 'UA created', usage: started },
      { name: 'booted', usage: booted },
      { name: '50 subs', usage: fifty },
    ]),
    `      code (bundle loaded) ${kib(used(loaded) - used(empty))}; with full debug info (QuickJS default, no strip) it is ${kib(loadedFull)}`,
    `      data: app + UA created ${kib(used(started) - used(loaded))}, boot (register, 3 subscriptions) ${kib(used(booted) - used(started))}, ` +
      `47 more subscriptions ${kib(used(fifty) - used(beforeExtra))} (${kib((used(fifty) - used(beforeExtra)) / EXTRA)} each)`,
    `      with 50 subscriptions: ${kib(total)} above an empty runtime (${total} B); ceiling ${kib(CEILING_BYTES)}; ` +
      `issue #7 target ≤ ${kib(TARGET_BYTES)}: ${total <= TARGET_BYTES ? 'MET' : `MISSED by ${kib(total - TARGET_BYTES)}`}`,
    `      load: ${growth(empty, loaded)}`,
    `      47 more subscriptions: ${growth(beforeExtra, fifty)}`,
  ].join('\n'));
  if (!debugging) assert.ok(total <= CEILING_BYTES, `QuickJS heap with 50 subscriptions ${kib(total)} exceeds the regression ceiling ${kib(CEILING_BYTES)}`);

  // A regression guard, not the budget: a subscription costs ~1.5 KiB today (its SUBSCRIBE's
  // transaction, still completing when this is measured, included).
  const perSubscription = (used(fifty) - used(beforeExtra)) / EXTRA;
  assert.ok(perSubscription < PER_SUBSCRIPTION_CEILING_BYTES, `${kib(perSubscription)} per subscription exceeds the regression ceiling ${kib(PER_SUBSCRIPTION_CEILING_BYTES)}`);

  // ---- shutdown: unsubscribe all and unregister, answered by Kamailio ----
  h.evalJson('hardphoneApp.shutdown()');
  await waitUntil(() => status().registration === 'unregistered', 8000, () => `unregistered: ${describeState()}`);
});

test('the same QuickJS bundle under Node (platform/node host): registers, and bob ringing blinks its key', async () => {
  if (skip) return;
  assert.ok(kam, 'Kamailio started by the first test');
  const k = kam!;
  const bundle = await firmwareBundle('quickjs');
  const lamps = new Map<string, LampState>();
  let lines: readonly string[] = [];
  const bindings: HostBindings = {
    ...nodeHost({ dns: false, log: () => {} }),
    lamps: { setLamp: (role, state) => { lamps.set(role, state); } },
    display: { showLines: (l) => { lines = l; } },
    displayGeometry: { rows: 4, cols: 20 },
  };
  const g = globalThis as unknown as { host?: HostBindings; hardphoneApp?: { start(json: string): boolean; status(): PhoneAppStatus; shutdown(): void; close(): void } };
  g.host = bindings;
  try {
    runInThisContext(bundle, { filename: 'hardphone-sim-desk-quickjs.js' });
    const app = g.hardphoneApp!;
    assert.ok(app.start(JSON.stringify(phoneConfig({ user: 'carol', password: 'carolpw', serverPort: k.port, blf: [{ uri: `sip:bob@${k.domain}`, label: 'Bob' }], capacities: DEVICE_CAPACITIES }))));
    await waitUntil(() => app.status().registration === 'registered', 5000, () => `registration: ${JSON.stringify(app.status())}`);
    bob ??= await RawSipClient.open('UDP', k.port);
    // A second call ringing at bob's (a new publication; Kamailio merges it with any other): the
    // most urgent dialog wins, so the key blinks whatever the first test left.
    const pub = await publish(bob, k, BOB, 'dialog', 'application/dialog-info+xml', DIALOG(`sip:bob@${k.domain}`, 'd2', 'early'));
    assert.is(pub.status, 200, pub.raw);
    await waitUntil(() => lamps.get('led.blf.0')?.pattern === 'fast-blink', 5000, () => `key 0 blinking: ${JSON.stringify(app.status())} ${JSON.stringify(lamps.get('led.blf.0'))}`);
    assert.equal(lamps.get('led.blf.0'), { pattern: 'fast-blink', color: 'red', onMs: 200, offMs: 200 });
    assert.ok(lines.join('\n').includes('Carol'), `display: ${JSON.stringify(lines)}`);
    app.shutdown();
    await waitUntil(() => app.status().registration === 'unregistered', 8000, () => `unregistered: ${JSON.stringify(app.status())}`);
    app.close();
  } finally {
    g.hardphoneApp?.close();
    delete g.host;
    delete g.hardphoneApp;
  }
});

test.run();
