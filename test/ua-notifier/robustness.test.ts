// Hostile input to the notifier side: 3000 mutated copies of real SUBSCRIBEs (initial, refresh,
// Suppress-If-Match, unsubscribe) and of the answers to our NOTIFYs, fed to a UA that serves
// dialog and presence. Nothing may throw, no `internal-error` warning (a machine refusing an
// edge), the watcher table stays within its bound, and the UA still serves a clean watcher after.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enc, seededRandom } from '../ua/memory-net.js';
import { FakeWatcher, BOB, header, pair } from './helpers.js';

test('3000 mutated SUBSCRIBEs / NOTIFY answers: no throw, no internal error, bounded table, still serving', () => {
  const { net, bob } = pair({ capacities: { maxSubscriptions: 8 } });
  bob.ua.serve('dialog');
  bob.ua.serve('presence', { policy: 'ask' });
  bob.ua.notify('presence', 'application/pidf+xml', enc('<presence/>'), net.now);
  // Real traffic first: a few watchers subscribe, refresh (with and without tags) and unsubscribe.
  const peer = net.addPeer('10.0.0.7', 5060);
  const seeds: Uint8Array[] = [];
  const w = new FakeWatcher(peer, 'fz1', 'f');
  const handler = peer.handler;
  peer.handler = (p, text, from) => { seeds.push(enc(text)); handler(p, text, from); };
  w.subscribe('dialog', 600);
  net.run(30);
  const tag = header(w.notifies[0]!, 'SIP-ETag');
  w.subscribe('dialog', 600, [`Suppress-If-Match: ${tag}`]);
  w.subscribe('dialog', 0);
  net.run(50);
  const sent = (text: string) => enc(text);
  const corpus: Uint8Array[] = [...bob.sent.map(sent), ...seeds];
  // The SUBSCRIBEs themselves (as the peer wrote them) are in the memory net's log only via bob's
  // answers; rebuild them as text for mutation.
  for (const [event, extra] of [['dialog', ''], ['presence', 'Suppress-If-Match: *\r\n'], ['dialog', 'Expires: 0\r\n'], ['Dialog', 'Record-Route: <sip:10.0.0.9;lr>\r\n']] as const) {
    corpus.push(enc(`SUBSCRIBE sip:bob@10.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKfz\r\nMax-Forwards: 70\r\n` +
      `From: <sip:watcher@10.0.0.7>;tag=fz\r\nTo: <sip:bob@10.0.0.2:5070>\r\nCall-ID: fz@10.0.0.7\r\nCSeq: 3 SUBSCRIBE\r\n` +
      `Contact: <sip:watcher@10.0.0.7:5060>\r\nEvent: ${event}\r\nExpires: 60\r\n${extra}Content-Length: 0\r\n\r\n`));
  }
  const rnd = seededRandom(91);
  const from = { transport: 'udp' as const, address: '10.0.0.7', port: 5060 };
  let branch = 0;
  const mutate = (whole: Uint8Array): Uint8Array => {
    // A fresh branch most of the time: else the transaction layer absorbs the copies as retransmissions.
    const src = rnd() < 0.9 ? enc(new TextDecoder().decode(whole).replace(/branch=[^;\r]*/, `branch=z9hG4bKmut${++branch}`)) : whole;
    const b = src.slice();
    switch (Math.floor(rnd() * 4)) {
      case 0: for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); return b;
      case 1: return b.subarray(0, Math.floor(rnd() * b.length));
      case 2: { // new dialog identifiers, so the table fills
        const t = new TextDecoder().decode(b).replace(/Call-ID: [^\r]*/, `Call-ID: m${Math.floor(rnd() * 40)}`).replace(/tag=[^;\r>]*/, `tag=t${Math.floor(rnd() * 5)}`);
        return enc(t);
      }
      default: { // header values swapped for edge values
        const t = new TextDecoder().decode(b)
          .replace(/Expires: \d+/, `Expires: ${['0', '4294967295', '-1', 'x', '1'][Math.floor(rnd() * 5)]}`)
          .replace(/CSeq: \d+/, `CSeq: ${Math.floor(rnd() * 5)}`)
          .replace(/^SIP\/2\.0 \d+/, `SIP/2.0 ${[200, 481, 408, 500, 204, 100][Math.floor(rnd() * 6)]}`);
        return enc(t);
      }
    }
  };
  for (let i = 0; i < 3000; i++) {
    const m = mutate(corpus[Math.floor(rnd() * corpus.length)]!);
    bob.ua.handleDatagram(m, 0, m.length, from, net.now);
    bob.drain();
    if (i % 100 === 0) net.run(500);
    assert.ok(bob.ua.watcherRecords <= 8, 'the table never grows past its bound');
  }
  net.run(70_000); // past every expiry and Timer F
  assert.not.ok(bob.of('warning').some((e) => e.code === 'internal-error'), bob.of('warning').filter((e) => e.code === 'internal-error').map((e) => e.message).join('\n'));
  for (const e of bob.of('watcher').filter((x) => x.state === 'pending')) bob.ua.authorizeWatcher(e.id, false, net.now);
  bob.drain();
  net.run(3_700_000); // the longest grant is maxExpires (3600 s; "Expires: 4294967295" is capped)
  assert.is(bob.ua.watcherRecords, 0, 'every record ended by expiry, failure or decision');

  const clean = new FakeWatcher(net.addPeer('10.0.0.8', 5060), 'after', 'a');
  clean.subscribe('dialog', 60);
  net.run(50);
  assert.match(clean.lastResponse(), /^SIP\/2\.0 200 /);
  assert.match(clean.notifies[0]!, /<dialog-info /);
  void BOB;
});

test.run();
