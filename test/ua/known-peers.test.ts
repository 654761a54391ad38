// The known-peers policy's index (core/ua/known-peers.ts): the subscriptions' targets by address
// of record, kept as subscriptions take and free their slots. It must answer exactly as the scan
// it replaced (sameAddressOfRecord against every subscription's target): the unit part checks the
// key's equivalence classes, the UA part that MESSAGEs are accepted or refused as subscriptions
// come and go, among many unrelated subscriptions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, enc } from './memory-net.js';
import { KnownPeers, addressOfRecordKey } from '../../core/ua/known-peers.js';
import { parseSipUri, sameAddressOfRecord, type SipUriParts } from '../../core/ua/uri-target.js';

const parts = (uri: string): SipUriParts => {
  const p = parseSipUri(uri);
  if (p === null) throw new Error(`not a SIP URI: ${uri}`);
  return p;
};

test('key: equal exactly when sameAddressOfRecord says so', () => {
  const uris = [
    'sip:alice@example.com', 'sip:alice@EXAMPLE.com', 'sip:alice@example.com:5060', 'sips:alice@example.com',
    'sip:alice@example.com;transport=tcp', 'sip:alice@example.com:5070', 'sip:Alice@example.com', 'sip:example.com',
    'sip:alice@[2001:db8::1]', 'sip:alice@[2001:DB8::1]:5060', 'sip:alice@2001.db8', 'sip:bob@example.com?subject=x',
    'sip:alice%40x@example.com', 'sip:alice@example.com:0',
  ];
  for (const a of uris) {
    for (const b of uris) {
      const pa = parts(a);
      const pb = parts(b);
      assert.is(addressOfRecordKey(pa) === addressOfRecordKey(pb), sameAddressOfRecord(pa, pb), `${a} vs ${b}`);
    }
  }
});

test('KnownPeers counts: a peer stays known until its last subscription is removed', () => {
  const k = new KnownPeers();
  assert.ok(k.isEmpty);
  k.add(parts('sip:alice@example.com'));
  k.add(parts('sips:alice@EXAMPLE.com:5060;transport=tls'));
  k.add(parts('sip:bob@example.com'));
  assert.is(k.size, 2);
  assert.ok(k.has(parts('sip:alice@example.com;user=phone')));
  k.remove(parts('sip:alice@example.com'));
  assert.ok(k.has(parts('sip:alice@example.com')), 'the second subscription to alice still counts');
  k.remove(parts('sip:alice@example.com'));
  assert.not.ok(k.has(parts('sip:alice@example.com')));
  k.remove(parts('sip:alice@example.com')); // an unmatched remove changes nothing
  assert.ok(k.has(parts('sip:bob@example.com')));
  k.remove(parts('sip:bob@example.com'));
  assert.ok(k.isEmpty);
});

test('UA known-peers policy: MESSAGEs follow subscriptions coming and going, among many others', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 11);
  net.addUa({ aor: 'sip:carol@10.0.0.3', registrar: null, localAddress: '10.0.0.3', localPort: 5060 }, 33);
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070, inboundMessagePolicy: 'known-peers',
    capacities: { maxSubscriptions: 64 },
  }, 22);
  const send = (text: string): string => {
    const id = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc(text), net.now).unwrap();
    alice.drain();
    net.run(2500);
    const st = alice.of('message-status').filter((s) => s.id === id);
    assert.is(st.length, 1, `one status for "${text}"`);
    return st[0]!.outcome;
  };
  const subscribe = (target: string): number => {
    const r = bob.ua.subscribe(target, 'presence', net.now);
    assert.ok(r.ok, `subscribe ${target}`);
    bob.drain();
    return r.unwrap();
  };
  const unsubscribe = (id: number): void => {
    // Settled (failed on the 489) before: unsubscribe then frees the slot at once. A subscription
    // still in flight would keep its slot (and its peer known) until answered, as before the index.
    assert.equal(bob.of('subscription').filter((e) => e.id === id).map((e) => e.state).pop(), 'failed', `subscription ${id} settled`);
    assert.ok(bob.ua.unsubscribe(id, net.now).ok);
    bob.drain();
  };

  assert.is(send('no subscriptions'), 'refused');
  // Many unrelated peers (alice's host with other users, carol's host with alice's user, another port).
  // Alice and carol answer 489 (no notifier): the subscriptions fail but keep their slots.
  const others: number[] = [];
  for (let i = 0; i < 40; i++) others.push(subscribe(i % 2 === 0 ? `sip:user${i}@10.0.0.1` : `sip:alice${i === 1 ? '' : i}@10.0.0.3`));
  subscribe('sip:Alice@10.0.0.1'); // the user part is case-sensitive (RFC 3261 §19.1.4)
  subscribe('sip:alice@10.0.0.1:5061'); // another port: another address of record
  net.run(5000);
  assert.is(send('only strangers'), 'refused');

  // Two subscriptions to alice's address of record, written differently.
  const a1 = subscribe('sip:alice@10.0.0.1:5060');
  const a2 = subscribe('sip:alice@10.0.0.1;transport=udp');
  net.run(5000);
  assert.is(send('known twice'), 'accepted');
  unsubscribe(a1);
  assert.is(send('known once'), 'accepted');
  unsubscribe(a2);
  assert.is(send('known no more'), 'refused');
  // Slots freed and taken again: the index follows.
  for (const id of others.slice(0, 10)) unsubscribe(id);
  const a3 = subscribe('sip:alice@10.0.0.1');
  net.run(5000);
  assert.is(send('known again'), 'accepted');
  unsubscribe(a3);
  assert.is(send('gone again'), 'refused');
});

test.run();
