// Offline storage of page-mode messages with our UA on both ends (issue 5 part 6): Kamailio with
// msilo; alice MESSAGEs bob, who is not registered → her one delivery event says accepted with
// 202 (RFC 3428 §7: 202 means accepted for later delivery, not delivered); bob registers → msilo
// dumps the stored MESSAGE to him (body prefixed with msilo's date), he receives it as a `message` event and answers 200. Then a
// MESSAGE to a registered bob is delivered directly with 200 (msilo does not get in the way).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { RecordedUa } from '../support/ua/node-ua.js';

const skip = skipWithoutKamailio('test/ua-kamailio/msilo.test.ts');
const te = new TextEncoder();
const td = new TextDecoder();

if (skip) {
  test.skip('msilo with our UA (kamailio not installed)', () => {});
} else {
  test('MESSAGE to an unregistered user → accepted 202; delivered to our UA when it registers', async () => {
    let kam: Kamailio | undefined;
    const uas: RecordedUa[] = [];
    try {
      kam = await startKamailio({ msilo: true });
      const k = kam;
      const alice = await RecordedUa.open(k, 'alice', 'alicepw');
      uas.push(alice);
      await alice.register();

      const text = 'see you at 3 — stored by msilo';
      const id = alice.host.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain;charset=utf-8', te.encode(text), now)).unwrap();
      const stored = await alice.waitFor('message-status', (e) => e.id === id, 5000);
      assert.is(stored.outcome, 'accepted');
      assert.is(stored.status, 202, 'msilo stored it: 202 Accepted');
      assert.is(alice.events.filter((e) => e.kind === 'message-status' && e.id === id).length, 1, 'exactly one delivery event');

      // bob comes online: msilo dumps after the REGISTER's 200. It arrives from Kamailio's own
      // socket, so bob's default inbound policy ('known-peers': the registrar) accepts it.
      const bob = await RecordedUa.open(k, 'bob', 'bobpw');
      uas.push(bob);
      await bob.register();
      // msilo 5.6 prefixes the stored body with "[Offline message - <date>] " (its add_date).
      const delivered = await bob.waitFor('message', (e) => td.decode(e.body).endsWith(text), 5000);
      assert.match(td.decode(delivered.body), /^\[Offline message - [^\]]+\] see you at 3/);
      assert.is(delivered.from, `sip:alice@${k.domain}`, 'the stored message keeps its sender');
      assert.match(delivered.contentType, /^text\/plain/);
      assert.is(delivered.to, `sip:bob@${k.domain}`);
      assert.ok(bob.host.run((ua, now) => ua.respondToMessage(delivered.id, 200, now)).ok, 'answered within the deadline');
      assert.is(bob.events.filter((e) => e.kind === 'message').length, 1, 'delivered once');

      // Now that bob is registered, the next MESSAGE goes straight to him (200, not 202).
      const id2 = alice.host.run((ua, now) => ua.sendMessage(`sip:bob@${k.domain}`, 'text/plain', te.encode('live now'), now)).unwrap();
      const live = await bob.waitFor('message', (e) => td.decode(e.body) === 'live now', 5000);
      assert.is(live.from, `sip:alice@${k.domain}`);
      bob.host.run((ua, now) => ua.respondToMessage(live.id, 200, now));
      const direct = await alice.waitFor('message-status', (e) => e.id === id2, 5000);
      assert.is(direct.outcome, 'accepted');
      assert.is(direct.status, 200);
    } finally {
      for (const ua of uas) await ua.close();
      await kam?.stop();
    }
  });
}

test.run();
