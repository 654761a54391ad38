// The UserAgent against a real Kamailio 5.6 over TCP: REGISTER with digest over a connection
// the UA's host opens; Kamailio connects back to our listening port for the MESSAGE and NOTIFY it
// relays; a Kamailio restart closes the flow → handleFlowClosed → re-register at once (RFC 5626
// §4.4.1) → registration-restored → the subscription is restored; unregister. Bounded waits;
// Kamailio stopped in test.after.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { UaTestHost } from './ua-test-host.js';

const skip = skipWithoutKamailio('test/ua-kamailio/ua-kamailio-tcp.test.ts');
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];
const te = new TextEncoder();
const td = new TextDecoder();

async function openUa(user: string, password: string, k: Kamailio): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'tcp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password, registrar: `sip:${k.host}:${k.port};transport=tcp`,
    localAddress: '127.0.0.1', localPort: port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 }, subscribeExpires: 60,
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

test('over TCP: register, MESSAGE both ways through Kamailio, restart → flow closed → re-register → subscription restored, unregister', async () => {
  if (skip) return;
  assert.ok(kam, 'Kamailio started');
  const k = kam!;
  const alice = await openUa('alice', 'alicepw', k);
  const bob = await openUa('bob', 'bobpw', k);
  alice.run((ua, now) => ua.register(now));
  bob.run((ua, now) => ua.register(now));
  await alice.waitFor('registration', (e) => e.state === 'registered', 5000);
  await bob.waitFor('registration', (e) => e.state === 'registered', 5000);

  const id = alice.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain', te.encode('over tcp'), now)).unwrap();
  const m = await bob.waitFor('message', (e) => td.decode(e.body) === 'over tcp', 5000);
  bob.run((ua, now) => ua.respondToMessage(m.id, 200, now));
  assert.is((await alice.waitFor('message-status', (e) => e.id === id, 5000)).outcome, 'accepted');

  const subId = bob.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000);

  // Restart: Kamailio's connections close → handleFlowClosed → re-register without waiting for a refresh.
  const ma = alice.mark();
  const mb = bob.mark();
  await k.restart();
  const lost = await alice.waitFor('registration-lost', () => true, 5000, ma);
  assert.is(lost.cause, 'flow-failed');
  await alice.waitFor('registration-restored', () => true, 8000, ma);
  await bob.waitFor('registration-restored', () => true, 8000, mb);
  // bob's subscription was restored with a fresh SUBSCRIBE (new dialog) and is active again.
  await bob.waitFor('subscription', (e) => e.id === subId && e.cause === 'restore', 5000, mb);
  await bob.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000, mb);
  // Reachable again through the restarted server.
  const id2 = bob.run((ua, now) => ua.sendMessage(`sip:alice@${k.domain}`, 'text/plain', te.encode('back'), now)).unwrap();
  const m2 = await alice.waitFor('message', (e) => td.decode(e.body) === 'back', 5000);
  alice.run((ua, now) => ua.respondToMessage(m2.id, 200, now));
  assert.is((await bob.waitFor('message-status', (e) => e.id === id2, 5000)).outcome, 'accepted');

  const mu = alice.mark();
  alice.run((ua, now) => ua.unregister(now));
  assert.is((await alice.waitFor('registration', (e) => e.state === 'unregistered', 5000, mu)).status, 200);
});

test.run();
