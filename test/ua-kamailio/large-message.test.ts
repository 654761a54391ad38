// RFC 3261 §18.1.1 against Kamailio: alice and bob have UDP accounts; a 3000-byte MESSAGE is too
// big for a UDP datagram under a 1500-byte MTU, so alice's UA sends it over TCP to Kamailio's
// same address and port, and it still reaches bob; alice hears 200 on the TCP flow.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { UaTestHost } from './ua-test-host.js';

const skip = skipWithoutKamailio('test/ua-kamailio/large-message.test.ts');
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];

async function openUa(user: string, password: string, k: Kamailio): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'udp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password, registrar: `sip:${k.host}:${k.port};transport=udp`,
    localAddress: '127.0.0.1', localPort: port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
  }));
  hosts.push(h);
  return h;
}

test.after(async () => {
  for (const h of hosts) h.close();
  await kam?.stop();
});

test('a MESSAGE over the UDP size limit goes over TCP and is delivered', async () => {
  if (skip) return;
  kam = await startKamailio();
  const alice = await openUa('alice', 'alicepw', kam);
  const bob = await openUa('bob', 'bobpw', kam);
  for (const h of [alice, bob]) {
    const m = h.mark();
    h.run((ua, now) => ua.register(now));
    await h.waitFor('registration', (e) => e.state === 'registered', 5000, m);
  }
  const text = 'x'.repeat(2990) + ' end';
  const mb = bob.mark();
  const ma = alice.mark();
  const id = alice.run((ua, now) => ua.sendMessage(`sip:bob@${kam!.domain}`, 'text/plain', new TextEncoder().encode(text), now)).unwrap();
  const got = await bob.waitFor('message', () => true, 5000, mb);
  assert.is(new TextDecoder().decode(got.body), text);
  const status = await alice.waitFor('message-status', (e) => e.id === id, 5000, ma);
  assert.is(status.outcome, 'accepted');
  assert.ok(alice.wire.some((l) => l.startsWith('>> MESSAGE')), 'alice sent it');
});

test.run();
