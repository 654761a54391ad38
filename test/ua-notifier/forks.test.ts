// Forked subscriptions on the subscriber side (RFC 6665 §4.1.2.4): NOTIFYs from several dialogs
// of one SUBSCRIBE (same Call-ID and our tag, different From tags) each get their own dialog, up
// to 1 + MAX_EXTRA_FORKS per subscription, and reach the application with a fork index; refreshes
// and the unsubscribe go into every live fork; a refused refresh or a terminated NOTIFY ends one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, dec, type FakePeer } from '../ua/memory-net.js';
import { H } from '../../core/sip/header-ids.js';
import { MAX_EXTRA_FORKS, type Endpoint } from '../../core/ua/index.js';

const FORKER: Endpoint = { transport: 'udp', address: '10.0.0.5', port: 5060 };
const ALICE: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };

interface Sub { callId: string; aliceTag: string }

function notifyFrom(p: FakePeer, sub: Sub, forkTag: string, cseq: number, state: string, body: string, etag = ''): void {
  p.request(ALICE, [
    'NOTIFY sip:alice@10.0.0.1:5060;transport=udp SIP/2.0', `Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKf${forkTag}c${cseq}`, 'Max-Forwards: 70',
    `From: <sip:target@10.0.0.5>;tag=${forkTag}`, `To: <sip:alice@10.0.0.1>;tag=${sub.aliceTag}`, `Call-ID: ${sub.callId}`,
    `CSeq: ${cseq} NOTIFY`, `Contact: <sip:${forkTag}@10.0.0.5:5060>`, 'Event: dialog', `Subscription-State: ${state}`,
    ...(etag !== '' ? [`SIP-ETag: ${etag}`] : []), 'Content-Type: application/dialog-info+xml',
  ], body);
}

test(`forked SUBSCRIBE: ${1 + MAX_EXTRA_FORKS} dialogs with fork indexes, one more refused 481; refresh and unsubscribe reach each live fork`, () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: ALICE.address, localPort: ALICE.port }, 3);
  const forker = net.addPeer(FORKER.address, FORKER.port);
  const sub: Sub = { callId: '', aliceTag: '' };
  const subscribes: string[] = [];
  const answers: string[] = [];
  /** Forks whose notifier forgot the subscription: a refresh into them gets 481. */
  const forgotten = new Set<string>();
  forker.handler = (p, text, from) => {
    if (text.startsWith('SIP/2.0 ')) { answers.push(text); return; }
    if (!text.startsWith('SUBSCRIBE ')) return;
    subscribes.push(text);
    const toTag = /;tag=([^;\s>]+)/.exec(p.header(H.TO))?.[1] ?? '';
    if (toTag === '') {
      sub.callId = p.header(H.CALL_ID);
      sub.aliceTag = /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]!;
      p.reply(from, 200, 'OK', [['Expires', '60'], ['Contact', '<sip:n1@10.0.0.5:5060>']], 'n1');
      return;
    }
    if (forgotten.has(toTag)) { p.reply(from, 481, 'Subscription Does Not Exist'); return; }
    p.reply(from, 200, 'OK', [['Expires', p.header(H.EXPIRES)]]);
  };
  const id = alice.ua.subscribe('sip:target@10.0.0.5:5060', 'dialog', net.now, { expires: 60 }).unwrap();
  alice.drain();
  net.run(30);
  const tags = ['n1', 'n2', 'n3', 'n4', 'n5'];
  tags.forEach((t, i) => notifyFrom(forker, sub, t, 1, 'active;expires=60', `<dialog-info version="0" state="full" entity="sip:${t}@x"/>`, `etag-${t}`));
  net.run(50);
  const statuses = answers.map((a) => Number(a.slice(8, 11)));
  assert.equal(statuses, [200, 200, 200, 200, 481], 'four dialogs, the fifth notifier refused');
  assert.ok(alice.of('warning').some((w) => w.code === 'forks-full'));
  const notes = alice.of('notify');
  assert.equal(notes.map((n) => [n.subscriptionId, n.fork]), [[id, 0], [id, 1], [id, 2], [id, 3]]);
  assert.match(dec(notes[2]!.body), /entity="sip:n3@x"/);
  // Each fork is its own dialog: a second NOTIFY from n2 (CSeq 2) is in order and delivered as fork 1.
  notifyFrom(forker, sub, 'n2', 2, 'active;expires=60', '<dialog-info version="1" state="full" entity="sip:n2@x"/>', 'etag-n2b');
  net.run(30);
  assert.equal(alice.of('notify').at(-1)!.fork, 1);

  // The refresh goes into all four dialogs, each with its own To tag, CSeq, Request-URI and entity-tag.
  forgotten.add('n3');
  net.run(40_000);
  const refreshes = subscribes.slice(1);
  const byTag = (t: string) => refreshes.filter((s) => s.includes(`;tag=${t}\r\n`));
  for (const t of ['n1', 'n2', 'n3', 'n4']) assert.ok(byTag(t).length >= 1, `refresh into ${t}`);
  assert.match(byTag('n2')[0]!, /^SUBSCRIBE sip:n2@10\.0\.0\.5:5060 SIP\/2\.0\r\n/, 'to the fork\'s remote target');
  assert.match(byTag('n2')[0]!, /\r\nSuppress-If-Match: etag-n2b\r\n/, 'each fork\'s own last entity-tag (RFC 5839)');
  assert.match(byTag('n1')[0]!, /\r\nSuppress-If-Match: etag-n1\r\n/);
  assert.ok(alice.of('subscription').filter((e) => e.id === id).at(-1)!.state === 'active');

  // n3 answered 481 (gone); n4 ends its fork with a terminated NOTIFY.
  notifyFrom(forker, sub, 'n4', 2, 'terminated;reason=noresource', '');
  net.run(30);
  assert.is(alice.of('notify').at(-1)!.state, 'terminated');
  assert.is(alice.of('notify').at(-1)!.fork, 3);
  const before = subscribes.length;
  alice.ua.unsubscribe(id, net.now); alice.drain();
  net.run(50);
  const unsubs = subscribes.slice(before);
  assert.equal(unsubs.map((s) => /;tag=(n\d)\r\n/.exec(s)![1]).sort(), ['n1', 'n2'], 'Expires 0 into the first dialog and the one live fork');
  assert.ok(unsubs.every((s) => /\r\nExpires: 0\r\n/.test(s)));
  // A NOTIFY from an ended fork is refused.
  notifyFrom(forker, sub, 'n3', 3, 'active;expires=60', '');
  net.run(30);
  assert.match(answers.at(-1)!, /^SIP\/2\.0 481 /);
});

test('no forks kept past the subscription: a fresh subscription starts without them', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: ALICE.address, localPort: ALICE.port }, 5);
  const forker = net.addPeer(FORKER.address, FORKER.port);
  const sub: Sub = { callId: '', aliceTag: '' };
  const answers: string[] = [];
  forker.handler = (p, text, from) => {
    if (text.startsWith('SIP/2.0 ')) { answers.push(text); return; }
    if (!text.startsWith('SUBSCRIBE ')) return;
    sub.callId = p.header(H.CALL_ID);
    sub.aliceTag = /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]!;
    p.reply(from, 200, 'OK', [['Expires', '60']], 'n1');
  };
  alice.ua.subscribe('sip:target@10.0.0.5:5060', 'dialog', net.now, { expires: 60 });
  alice.drain();
  net.run(30);
  notifyFrom(forker, sub, 'n1', 1, 'active;expires=60', '');
  notifyFrom(forker, sub, 'n2', 1, 'active;expires=60', '');
  net.run(30);
  const old = { ...sub };
  // The first notifier ends the subscription with "deactivated": alice subscribes afresh (§4.1.3).
  notifyFrom(forker, sub, 'n1', 2, 'terminated;reason=deactivated', '');
  net.run(30);
  assert.is.not(sub.callId, old.callId, 'a new SUBSCRIBE, new Call-ID');
  // The old fork n2 is gone with the old subscription.
  notifyFrom(forker, old, 'n2', 2, 'active;expires=60', '');
  net.run(30);
  assert.match(answers.at(-1)!, /^SIP\/2\.0 481 /);
});

test.run();
