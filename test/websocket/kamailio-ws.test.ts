// SIP over WebSocket (RFC 7118) end to end against a real Kamailio 5.6 (websocket + xhttp +
// nathelper, harness option `websocket: true`): bob registers with digest over a WS flow his
// host opens and answers Kamailio's WebSocket pings on; alice (plain UDP) sends him a MESSAGE, which Kamailio can only deliver over bob's
// WS connection (bob listens on no WS port: the binding's `received` is the connection); bob
// answers it over the same flow; a Kamailio restart ends the flow → reported like a TCP flow
// failing → bob re-registers over a new WS flow; unregister. The same over WSS (Kamailio's tls
// module, the certificate verified; an untrusted one fails), and `hardphone register` with a
// transport=ws account. Every wait is bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { RecordedUa } from '../support/ua/node-ua.js';
import type { Endpoint, UaEvent } from '../../core/ua/index.js';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { WebSocketCloseInfo } from '../../platform/node/websocket.js';
import { registerCommand } from '../../tools/register.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = skipWithoutKamailio('test/websocket/kamailio-ws.test.ts', undefined, { websocket: true, websocketTls: true });
let kam: Kamailio | undefined;
const uas: RecordedUa[] = [];
const te = new TextEncoder();
const td = new TextDecoder();

test.before(async () => {
  if (skip) return;
  kam = await startKamailio({ websocket: true, websocketTls: true });
});

test.after(async () => {
  for (const ua of uas) await ua.close(1000).catch(() => undefined);
  await kam?.stop();
});

test('over WS: REGISTER with digest, MESSAGE from a UDP UA delivered on the WS flow and answered, restart → re-register, unregister', async () => {
  if (skip) return;
  assert.ok(kam?.wsPort, 'Kamailio started with a WebSocket port');
  const k = kam!;
  const wsEndpoint: Endpoint = { transport: 'ws', address: k.host, port: k.wsPort! };
  const bob = await RecordedUa.open(k, 'bob', 'bobpw', { registrar: `sip:${k.host}:${k.wsPort};transport=ws`, transport: 'ws' });
  uas.push(bob);
  const alice = await RecordedUa.open(k, 'alice', 'alicepw');
  uas.push(alice);

  const mr = bob.mark();
  await bob.register();
  // Digest over WS: the first REGISTER was challenged (401), the second accepted.
  const flow = bob.host.webSocketFlow(wsEndpoint);
  assert.ok(flow, 'a WS flow to the registrar is open');
  assert.ok(flow!.isOpen);
  assert.ok(flow!.messagesOut >= 2 && flow!.messagesIn >= 2, `challenge and retry went over WS (out ${flow!.messagesOut}, in ${flow!.messagesIn})`);
  assert.ok(bob.events.slice(mr).some((e) => e.kind === 'registration' && e.state === 'registered'));
  await alice.register();

  // Kamailio pings idle WS connections (keepalive_timeout 2 s in the test config); the flow
  // answers each with a pong (RFC 6455 §5.5.2) and stays up.
  const pingBound = Date.now() + 8000;
  while (flow!.pingsAnswered === 0 && Date.now() < pingBound) await new Promise((r) => setTimeout(r, 50));
  assert.ok(flow!.pingsAnswered >= 1, `Kamailio's ping was answered (pings answered: ${flow!.pingsAnswered})`);
  assert.ok(flow!.isOpen);

  const inBefore = flow!.messagesIn;
  const outBefore = flow!.messagesOut;
  const id = alice.host.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain', te.encode('hello over websocket ✓'), now)).unwrap();
  const m = await bob.waitFor('message', (e) => td.decode(e.body) === 'hello over websocket ✓', 5000);
  assert.is(m.from.includes('alice'), true);
  assert.ok(flow!.messagesIn > inBefore, 'the MESSAGE came in over the WS flow');
  bob.host.run((ua, now) => ua.respondToMessage(m.id, 200, now));
  const status = await alice.waitFor('message-status', (e) => e.id === id, 5000);
  assert.is(status.outcome, 'accepted');
  assert.is(status.status, 200);
  assert.ok(flow!.messagesOut > outBefore, 'the 200 went back over the WS flow');
  assert.is(bob.host.webSocketFlow(wsEndpoint), flow, 'the flow was reused, not reopened');

  // The other way: bob → alice, out through the WS flow, relayed to alice over UDP.
  const id2 = bob.host.run((ua, now) => ua.sendMessage(`sip:alice@${k.domain}`, 'text/plain', te.encode('reply via ws'), now)).unwrap();
  const m2 = await alice.waitFor('message', (e) => td.decode(e.body) === 'reply via ws', 5000);
  alice.host.run((ua, now) => ua.respondToMessage(m2.id, 200, now));
  assert.is((await bob.waitFor('message-status', (e) => e.id === id2, 5000)).outcome, 'accepted');

  // Kamailio goes away: the WS flow ends → handleFlowClosed → re-register at once on a new flow.
  const ml = bob.mark();
  await k.restart();
  const lost = await bob.waitFor('registration-lost', () => true, 5000, ml);
  assert.is(lost.cause, 'flow-failed');
  await bob.waitFor('registration-restored', () => true, 8000, ml);
  const flow2 = bob.host.webSocketFlow(wsEndpoint);
  assert.ok(flow2 && flow2 !== flow && flow2.isOpen, 'a new WS flow carries the new registration');
  // (alice needs no binding to send: her MESSAGE is authenticated by digest, not by registration.)
  const id3 = alice.host.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain', te.encode('after restart'), now)).unwrap();
  const m3 = await bob.waitFor('message', (e) => td.decode(e.body) === 'after restart', 5000);
  bob.host.run((ua, now) => ua.respondToMessage(m3.id, 200, now));
  assert.is((await alice.waitFor('message-status', (e) => e.id === id3, 5000)).outcome, 'accepted');

  const mu = bob.mark();
  bob.host.run((ua, now) => ua.unregister(now));
  assert.is((await bob.waitFor('registration', (e) => e.state === 'unregistered', 5000, mu)).status, 200);
  // Once unregistered, Kamailio has no binding for bob.
  const id4 = alice.host.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain', te.encode('nobody home'), now)).unwrap();
  const gone = await alice.waitFor('message-status', (e) => e.id === id4, 5000);
  assert.is(gone.outcome, 'refused');
  assert.is(gone.status, 404);
});

const pidf = (user: string, note: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${user}@127.0.0.1">` +
  `<tuple id="t-${user}"><status><basic>open</basic></status><note>${note}</note></tuple></presence>\n`;

// A WebSocket client listens on nothing: the NOTIFYs Kamailio's presence module sends must go back
// over the connection the client opened (kamailio.cfg: set_contact_alias() on SUBSCRIBE; before,
// the SUBSCRIBE got its 200 and no NOTIFY ever came: "TCP/TLS connection for WebSocket could not
// be found"). And the client's own requests in the dialog (refresh, unsubscribe) must go over its
// flow, although the presence module's Contact names its UDP address (uri-target.ts dialogHop;
// before, the unsubscribe was sent to a WS connection to the UDP port and never arrived).
test('over WS: presence and dialog subscriptions get their NOTIFYs over the flow; a new PUBLISH reaches it; unsubscribe → terminated', async () => {
  if (skip) return;
  const k = kam!;
  const wsEndpoint: Endpoint = { transport: 'ws', address: k.host, port: k.wsPort! };
  const bob = await RecordedUa.open(k, 'bob', 'bobpw', { registrar: `sip:${k.host}:${k.wsPort};transport=ws`, transport: 'ws' });
  uas.push(bob);
  const alice = await RecordedUa.open(k, 'alice', 'alicepw');
  uas.push(alice);
  await bob.register();
  await alice.register();
  const flow = bob.host.webSocketFlow(wsEndpoint)!;
  assert.ok(flow?.isOpen, 'a WS flow to the registrar is open');

  const subId = bob.host.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000);
  const mb = bob.mark();
  const inBefore = flow.messagesIn;
  alice.host.run((ua, now) => ua.publish(te.encode(pidf('alice', 'In a meeting')), 'application/pidf+xml', now));
  const first = await bob.waitFor('notify', (e) => e.subscriptionId === subId && td.decode(e.body).includes('In a meeting'), 5000, mb);
  assert.match(first.contentType, /application\/pidf\+xml/);
  assert.ok(flow.messagesIn > inBefore, 'the NOTIFY came in over the WS flow');
  assert.is(bob.host.webSocketFlow(wsEndpoint), flow, 'over the same flow, not a new one');

  const m2 = bob.mark();
  alice.host.run((ua, now) => ua.publish(te.encode(pidf('alice', 'Back at 3')), 'application/pidf+xml', now));
  await bob.waitFor('notify', (e) => e.subscriptionId === subId && td.decode(e.body).includes('Back at 3'), 5000, m2);

  // Busy-lamp over WS: a dialog-package subscription gets its dialog-info NOTIFY the same way.
  const blfId = bob.host.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'dialog', now)).unwrap();
  const blf = await bob.waitFor('notify', (e) => e.subscriptionId === blfId && e.body.length > 0, 5000);
  assert.match(td.decode(blf.body), /<dialog-info/);

  const mu = bob.mark();
  bob.host.run((ua, now) => ua.unsubscribe(subId, now));
  bob.host.run((ua, now) => ua.unsubscribe(blfId, now));
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'terminated', 5000, mu);
  await bob.waitFor('subscription', (e) => e.id === blfId && e.state === 'terminated', 5000, mu);
});

test('`hardphone register` with an account whose registrar says transport=ws registers over WS and unregisters', async () => {
  if (skip) return;
  const k = kam!;
  const dir = mkdtempSync(join(tmpdir(), 'hardphone-ws-account-'));
  try {
    const file = join(dir, 'carol.json');
    writeFileSync(file, JSON.stringify({
      aor: `sip:carol@${k.domain}`, username: 'carol', password: 'carolpw',
      registrar: `sip:${k.host}:${k.wsPort};transport=ws`, expires: 60, websocket: { path: '/', pingIntervalSeconds: 30 },
    }));
    const lines: string[] = [];
    let stop!: () => void;
    const stopP = new Promise<void>((r) => { stop = r; });
    let registered!: () => void;
    const registeredP = new Promise<void>((r) => { registered = r; });
    const bound = setTimeout(() => stop(), 8000);
    const code = registerCommand(['--account', file], {
      out: (l) => { lines.push(l); if (/→ registered \(accepted 200\)/.test(l)) registered(); },
      stop: stopP,
    });
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([registeredP, new Promise((r) => { giveUp = setTimeout(r, 6000); })]);
    clearTimeout(giveUp);
    assert.ok(lines.some((l) => /\(ws, local 127\.0\.0\.1:\d+\)/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /→ registered \(accepted 200\)/.test(l)), lines.join('\n'));
    stop();
    assert.is(await code, 0, lines.join('\n'));
    clearTimeout(bound);
    assert.ok(lines.some((l) => /→ unregistered/.test(l)), lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A UA on the Node host with TLS options (RecordedUa takes none): events kept, bounded waits. */
async function openWithTls(k: Kamailio, user: string, password: string, ca: string | undefined) {
  const events: UaEvent[] = [];
  const waiters: (() => void)[] = [];
  const closes: WebSocketCloseInfo[] = [];
  const host = await NodeUaHost.start({
    tls: ca === undefined ? {} : { ca },
    onEvent: (e) => { events.push(e); for (const w of waiters.splice(0)) w(); },
    onWebSocketClose: (_flow, info) => { closes.push(info); },
  }, (local) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password, registrar: `sip:${k.host}:${k.wssPort};transport=wss`, transport: 'wss',
    localAddress: local.address, localPort: local.port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
  }));
  const waitFor = <K extends UaEvent['kind']>(kind: K, pred: (e: Extract<UaEvent, { kind: K }>) => boolean, ms: number, since = 0): Promise<Extract<UaEvent, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${user}: no ${kind} within ${ms} ms: ${JSON.stringify(events.slice(-6), (_k, v) => (v instanceof Uint8Array ? td.decode(v) : v))}`)), ms);
      const check = () => {
        const hit = events.slice(since).find((e) => e.kind === kind && pred(e as Extract<UaEvent, { kind: K }>));
        if (hit) { clearTimeout(timer); resolve(hit as Extract<UaEvent, { kind: K }>); } else waiters.push(check);
      };
      check();
    });
  return { host, events, waitFor, closes };
}

test('over WSS (Kamailio tls module, certificate verified): register, MESSAGE from UDP delivered and answered, unregister; an untrusted certificate fails', async () => {
  if (skip) return;
  const k = kam!;
  assert.ok(k.wssPort && k.wssCertificate);
  const carol = await openWithTls(k, 'carol', 'carolpw', k.wssCertificate);
  const alice = await RecordedUa.open(k, 'alice', 'alicepw');
  uas.push(alice);
  try {
    carol.host.run((ua, now) => ua.register(now));
    await carol.waitFor('registration', (e) => e.state === 'registered', 5000);
    const flow = carol.host.webSocketFlow({ transport: 'wss', address: k.host, port: k.wssPort! });
    assert.ok(flow?.isOpen, 'a WSS flow to the registrar is open');
    const id = alice.host.run((ua, now) => ua.sendMessage(`sip:carol@${k.domain}`, 'text/plain', te.encode('over wss'), now)).unwrap();
    const m = await carol.waitFor('message', (e) => td.decode(e.body) === 'over wss', 5000);
    const inBefore = flow!.messagesIn;
    assert.ok(inBefore >= 3, 'challenge, 200 and the MESSAGE came over WSS');
    carol.host.run((ua, now) => ua.respondToMessage(m.id, 200, now));
    assert.is((await alice.waitFor('message-status', (e) => e.id === id, 5000)).outcome, 'accepted');
    const mu = carol.events.length;
    carol.host.run((ua, now) => ua.unregister(now));
    assert.is((await carol.waitFor('registration', (e) => e.state === 'unregistered', 5000, mu)).status, 200);
  } finally {
    carol.host.close();
  }
  // Without the CA the certificate is refused: the flow fails and the registration reports it.
  const dave = await openWithTls(k, 'bob', 'bobpw', undefined);
  try {
    dave.host.run((ua, now) => ua.register(now));
    const e = await dave.waitFor('registration', (x) => x.state === 'backing-off' || x.state === 'failed', 5000);
    assert.ok(e.cause !== 'accepted', `registration did not succeed (${e.state}, ${e.cause})`);
    assert.not.ok(dave.events.some((x) => x.kind === 'registration' && x.state === 'registered'));
    assert.ok(dave.closes.some((c) => c.error?.certificate === true), `the host was told why: ${JSON.stringify(dave.closes)}`);
  } finally {
    dave.host.close();
  }
});

test.run();
