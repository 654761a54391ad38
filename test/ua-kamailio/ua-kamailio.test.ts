// The UserAgent against a real Kamailio 5.6 (started by test/support/kamailio/harness.ts) over
// UDP on 127.0.0.1, each UA on its own node:dgram socket with the host loop of udp-host.ts:
// REGISTER with digest, refresh with a short Expires, SUBSCRIBE/PUBLISH/NOTIFY presence, MESSAGE
// relayed alice → bob, survive a Kamailio restart and a server that loses its state, unregister.
// Every wait is bounded; Kamailio is stopped in test.after and in finally blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { UaTestHost } from './ua-test-host.js';

const skip = skipWithoutKamailio('test/ua-kamailio/ua-kamailio.test.ts');
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];
const te = new TextEncoder();
const td = new TextDecoder();

function pidf(user: string, basic: 'open' | 'closed', note: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${user}@127.0.0.1">\n` +
    `<tuple id="t-${user}"><status><basic>${basic}</basic></status><note>${note}</note></tuple>\n</presence>\n`;
}

async function openUa(user: string, password: string, k: Kamailio, extra: Record<string, unknown> = {}): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'udp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password, registrar: `sip:${k.host}:${k.port};transport=udp`,
    localAddress: '127.0.0.1', localPort: port, expires: 4, t1: 100, backoff: { baseS: 1, maxS: 2 },
    subscribeExpires: 30, publishExpires: 30, ...extra,
  }));
  hosts.push(h);
  return h;
}

test.before(async () => {
  if (skip) return;
  kam = await startKamailio();
});

test.after(async () => {
  for (const h of hosts) h.close();
  await kam?.stop();
});

test('register alice and bob with digest, refresh with Expires 4, presence, MESSAGE, restart, lost state, unregister', async () => {
  if (skip) return;
  assert.ok(kam, 'Kamailio started');
  const k = kam!;
  const alice = await openUa('alice', 'alicepw', k);
  const bob = await openUa('bob', 'bobpw', k);

  // ---- REGISTER with digest (401 → retry) ----
  assert.ok(alice.run((ua, now) => ua.register(now)).ok);
  assert.ok(bob.run((ua, now) => ua.register(now)).ok);
  const aReg = await alice.waitFor('registration', (e) => e.state === 'registered', 5000);
  await bob.waitFor('registration', (e) => e.state === 'registered', 5000);
  assert.is(aReg.status, 200);
  assert.ok(alice.wire.some((l) => l.startsWith('<< SIP/2.0 401')), 'Kamailio challenged the REGISTER');

  // ---- refresh (Expires 4 → refresh after ~2 s, cached nonce) ----
  const m0 = alice.mark();
  await alice.waitFor('registration', (e) => e.state === 'refreshing', 5000, m0);
  await alice.waitFor('registration', (e) => e.state === 'registered' && e.cause === 'accepted', 5000, m0);

  // ---- watcher info: alice watches who watches her (RFC 3857) ----
  const winfoId = alice.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence.winfo', now)).unwrap();
  await alice.waitFor('subscription', (e) => e.id === winfoId && e.state === 'active', 5000);
  const mw = alice.mark();

  // ---- presence: bob subscribes to alice, alice publishes, bob's NOTIFY carries it ----
  const subId = bob.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000);
  const winfo = await alice.waitFor('notify', (e) => e.subscriptionId === winfoId && td.decode(e.body).includes('sip:bob@'), 5000, mw);
  assert.match(winfo.contentType, /application\/watcherinfo\+xml/);
  const mb = bob.mark();
  alice.run((ua, now) => ua.publish(te.encode(pidf('alice', 'open', 'In a meeting')), 'application/pidf+xml', now));
  const published = await alice.waitFor('publish-outcome', (e) => e.ok, 5000);
  assert.ok(published.etag !== '', 'SIP-ETag received');
  const notify = await bob.waitFor('notify', (e) => e.subscriptionId === subId && td.decode(e.body).includes('In a meeting'), 5000, mb);
  assert.is(notify.event, 'presence');
  assert.match(notify.contentType, /application\/pidf\+xml/);
  assert.match(td.decode(notify.body), /<basic>open<\/basic>/);

  // ---- busy-lamp: a dialog-package subscription gets a dialog-info NOTIFY (force_dummy_dialog) ----
  const blfId = bob.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'dialog', now)).unwrap();
  const blf = await bob.waitFor('notify', (e) => e.subscriptionId === blfId && e.body.length > 0, 5000);
  assert.match(blf.contentType, /application\/dialog-info\+xml/);
  assert.match(td.decode(blf.body), /<dialog-info/);

  // ---- unsubscribe → Expires: 0 in the dialog → terminated NOTIFY → terminated ----
  const mUnsub = bob.mark();
  bob.run((ua, now) => ua.unsubscribe(subId, now));
  bob.run((ua, now) => ua.unsubscribe(blfId, now));
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'terminated', 5000, mUnsub);
  await bob.waitFor('subscription', (e) => e.id === blfId && e.state === 'terminated', 5000, mUnsub);

  // ---- OPTIONS bob → alice through Kamailio (challenged, relayed, answered by alice's UA) ----
  const optId = bob.run((ua, now) => ua.sendOptions(`sip:alice@${k.domain}`, now)).unwrap();
  const opt = await bob.waitFor('options-status', (e) => e.id === optId, 5000);
  assert.is(opt.status, 200);
  assert.match(opt.allow, /MESSAGE/);

  // ---- MESSAGE alice → bob through Kamailio (407 on the way, then relayed) ----
  const msgId = alice.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain;charset=utf-8', te.encode('hello bob, via kamailio'), now)).unwrap();
  const incoming = await bob.waitFor('message', (e) => td.decode(e.body) === 'hello bob, via kamailio', 5000);
  assert.is(incoming.from, `sip:alice@${k.domain}`);
  bob.run((ua, now) => ua.respondToMessage(incoming.id, 200, now));
  const status = await alice.waitFor('message-status', (e) => e.id === msgId, 5000);
  assert.is(status.outcome, 'accepted');
  assert.is(status.status, 200);

  // ---- Kamailio restart: usrloc is in memory, the bindings are gone; the next refresh re-creates them ----
  await k.restart();
  const ma = alice.mark();
  const mbb = bob.mark();
  await alice.waitFor('registration', (e) => e.state === 'registered' && e.cause === 'accepted', 6000, ma);
  await bob.waitFor('registration', (e) => e.state === 'registered' && e.cause === 'accepted', 6000, mbb);
  const msg2 = bob.run((ua, now) => ua.sendMessage(`sip:alice@${k.domain}`, 'text/plain', te.encode('after restart'), now)).unwrap();
  const in2 = await alice.waitFor('message', (e) => td.decode(e.body) === 'after restart', 5000);
  alice.run((ua, now) => ua.respondToMessage(in2.id, 200, now));
  assert.is((await bob.waitFor('message-status', (e) => e.id === msg2, 5000)).outcome, 'accepted', 'alice is reachable again after the restart');

  // ---- unregister ----
  const mu = alice.mark();
  alice.run((ua, now) => ua.unregister(now));
  const un = await alice.waitFor('registration', (e) => e.state === 'unregistered', 5000, mu);
  assert.is(un.status, 200);
  assert.is(un.cause, 'removed');
  bob.run((ua, now) => ua.unregister(now));
  await bob.waitFor('registration', (e) => e.state === 'unregistered', 5000, mbb);
  alice.close();
  bob.close();
});

test('a server that is down for a refresh: timeout → backing-off → re-register within one backoff step → restored, subscription and publication restored', async () => {
  if (skip) return;
  assert.ok(kam, 'Kamailio started');
  let k: Kamailio = kam!;
  const carol = await openUa('carol', 'carolpw', k);
  const bob = await openUa('bob', 'bobpw', k);
  carol.run((ua, now) => ua.register(now));
  bob.run((ua, now) => ua.register(now));
  await carol.waitFor('registration', (e) => e.state === 'registered', 5000);
  await bob.waitFor('registration', (e) => e.state === 'registered', 5000);
  const subId = bob.run((ua, now) => ua.subscribe(`sip:carol@${k.domain}`, 'presence', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000);
  carol.run((ua, now) => ua.publish(te.encode(pidf('carol', 'open', 'before the outage')), 'application/pidf+xml', now));
  await carol.waitFor('publish-outcome', (e) => e.ok, 5000);

  // Take the server away (same port, fresh databases afterwards: it has forgotten everything).
  // test.after stops whichever instance `kam` holds.
  const port = k.port;
  await k.stop();
  kam = undefined;
  const mc = carol.mark();
  const backing = await carol.waitFor('registration', (e) => e.state === 'backing-off', 15_000, mc);
  assert.is(backing.cause, 'timeout');
  await carol.waitFor('registration-lost', () => true, 1000, mc);
  k = await startKamailio({ port });
  kam = k;
  // One backoff step: base 1 s → at most 2 s after the failure, plus the REGISTER itself.
  const restored = await carol.waitFor('registration-restored', () => true, 8000, mc);
  assert.ok(restored.at - backing.at < 3000 + 1000, `re-registered ${Math.round(restored.at - backing.at)} ms after the failure`);
  // The publication was re-sent from scratch (the new server has no etag of ours).
  await carol.waitFor('publish-outcome', (e) => e.ok, 8000, mc);
  // bob's subscription recovers too — through his own registration-restored (fresh SUBSCRIBE) or,
  // when his refreshes happened to miss the outage, through the 481 the new server gives his
  // in-dialog refresh (RFC 6665 §4.1.2.2 → fresh SUBSCRIBE) — and a NOTIFY from the new server
  // carries carol's re-published state.
  const again = await bob.waitFor('notify', (e) => e.subscriptionId === subId && e.at > restored.at && td.decode(e.body).includes('before the outage'), 10_000, 0);
  assert.is(again.state, 'active');
  assert.ok(bob.events.some((e) => e.kind === 'subscription' && e.id === subId && e.state === 'subscribing' && (e.cause === 'restore' || e.cause === 'no-such-subscription') && e.at > backing.at),
    'a fresh SUBSCRIBE after the outage');
});

test.run();
