// PUBLISH of any event package (RFC 3903): one publication per package, each with its own
// entity-tag, against a fake presence server that keeps a SIP-ETag per Event; unpublish of one
// package leaves the others; events say which package. Also: SUBSCRIBE with eventlist (RFC 4662
// §4) and respondToMessage with Accept (415, RFC 3261 §21.4.13) and Retry-After (480/503, §20.33).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H } from '../../core/sip/header-ids.js';
import { MAX_PUBLICATIONS } from '../../core/ua/user-agent.js';
import { MemoryNet, enc, type FakePeer, type UaNode } from './memory-net.js';
import type { Endpoint } from '../../core/ua/index.js';

const SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };

function bobWithServer(): { net: MemoryNet; bob: UaNode; server: FakePeer } {
  const net = new MemoryNet();
  const server = net.addPeer(SERVER.address, SERVER.port);
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
    backoff: { baseS: 1, maxS: 4 },
  }, 7);
  return { net, bob, server };
}

/** A compositor that keeps one entity-tag per (Event) and answers 412 to an unknown SIP-If-Match (RFC 3903 §6). */
function etagServer(server: FakePeer, publishes: string[]): Map<string, string> {
  const live = new Map<string, string>();
  let n = 0;
  server.handler = (p, text, from) => {
    if (!text.startsWith('PUBLISH ')) return;
    publishes.push(text);
    const event = p.header(H.EVENT);
    const ifMatch = p.header(H.SIP_IF_MATCH);
    if (ifMatch !== '' && live.get(event) !== ifMatch) {
      p.reply(from, 412, 'Conditional Request Failed');
      return;
    }
    if (p.header(H.EXPIRES) === '0') {
      live.delete(event);
      p.reply(from, 200, 'OK', [['SIP-ETag', ifMatch], ['Expires', '0']]);
      return;
    }
    const tag = `${event}-${++n}`;
    live.set(event, tag);
    p.reply(from, 200, 'OK', [['SIP-ETag', tag], ['Expires', p.header(H.EXPIRES)]]);
  };
  return live;
}

const DIALOG_INFO = '<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:bob@10.0.0.100"/>';

test('presence and dialog published side by side: own Event, own entity-tag, own SIP-If-Match', () => {
  const { net, bob, server } = bobWithServer();
  const publishes: string[] = [];
  const live = etagServer(server, publishes);
  assert.ok(bob.ua.publish(enc('<presence>one</presence>'), 'application/pidf+xml', net.now).ok, 'old signature: presence');
  assert.ok(bob.ua.publish(enc(DIALOG_INFO), 'application/dialog-info+xml', net.now, { event: 'dialog' }).ok);
  bob.drain();
  net.run(50);
  assert.is(publishes.length, 2, 'both packages go out at once: independent publications');
  assert.match(publishes[0]!, /\r\nEvent: presence\r\n/);
  assert.match(publishes[0]!, /\r\nContent-Type: application\/pidf\+xml\r\n/);
  assert.match(publishes[1]!, /\r\nEvent: dialog\r\n/);
  assert.match(publishes[1]!, /\r\nContent-Type: application\/dialog-info\+xml\r\n/);
  assert.ok(publishes[1]!.endsWith(DIALOG_INFO));
  assert.not.match(publishes[1]!, /SIP-If-Match/);
  assert.equal(bob.of('publish-outcome').map((o) => [o.event, o.ok, o.etag]).sort(), [['dialog', true, 'dialog-2'], ['presence', true, 'presence-1']]);
  assert.equal([...live.entries()].sort(), [['dialog', 'dialog-2'], ['presence', 'presence-1']]);
  assert.ok(bob.of('publication').some((e) => e.event === 'dialog' && e.state === 'published'));
  // Modify each: the If-Match is that package's tag, never the other's.
  bob.ua.publish(enc(DIALOG_INFO.replace('version="0"', 'version="1"')), 'application/dialog-info+xml', net.now, { event: 'Dialog' });
  bob.ua.publish(enc('<presence>two</presence>'), 'application/pidf+xml', net.now, { event: 'presence' });
  bob.drain();
  net.run(50);
  const dialogModify = publishes.slice(2).find((t) => /\r\nEvent: dialog\r\n/.test(t))!;
  const presenceModify = publishes.slice(2).find((t) => /\r\nEvent: presence\r\n/.test(t))!;
  assert.match(dialogModify, /\r\nSIP-If-Match: dialog-2\r\n/, 'event names compare caselessly: same publication');
  assert.match(presenceModify, /\r\nSIP-If-Match: presence-1\r\n/);
  assert.is(publishes.length, 4, 'no 412 round: each If-Match matched');
  // Refresh at about half of Expires: one body-less PUBLISH per package, each with its own tag.
  const before = publishes.length;
  net.run(3_600_000);
  const refreshes = publishes.slice(before, before + 2);
  assert.is(refreshes.length, 2);
  for (const r of refreshes) {
    const ev = /\r\nEvent: (\w+)\r\n/.exec(r)![1]!;
    assert.match(r, new RegExp(`\\r\\nSIP-If-Match: ${ev}-\\d+\\r\\n`));
    assert.match(r, /\r\nContent-Length: 0\r\n/);
  }
  assert.ok(bob.of('publish-outcome').every((o) => o.ok));
});

test('unpublish(now, "dialog") removes only the dialog publication; unpublish(now) still means presence', () => {
  const { net, bob, server } = bobWithServer();
  const publishes: string[] = [];
  const live = etagServer(server, publishes);
  bob.ua.publish(enc('<presence/>'), 'application/pidf+xml', net.now);
  bob.ua.publish(enc(DIALOG_INFO), 'application/dialog-info+xml', net.now, { event: 'dialog' });
  bob.drain();
  net.run(50);
  assert.is(live.size, 2);
  assert.ok(bob.ua.unpublish(net.now, 'dialog').ok);
  bob.drain();
  net.run(50);
  const removal = publishes[2]!;
  assert.match(removal, /\r\nEvent: dialog\r\n/);
  assert.match(removal, /\r\nExpires: 0\r\n/);
  assert.match(removal, /\r\nSIP-If-Match: dialog-\d+\r\n/);
  assert.equal([...live.keys()], ['presence']);
  assert.is(bob.of('publication').filter((e) => e.event === 'dialog').at(-1)!.state, 'idle');
  assert.is(bob.of('publication').filter((e) => e.event === 'presence').at(-1)!.state, 'published');
  assert.ok(bob.ua.unpublish(net.now).ok);
  bob.drain();
  net.run(50);
  assert.is(live.size, 0);
  const unknown = bob.ua.unpublish(net.now, 'message-summary');
  assert.ok(!unknown.ok);
  if (!unknown.ok) assert.is(unknown.val.code, 'not-published');
});

test('publish: unknown package refused; the table of publications is bounded', () => {
  const { net, bob, server } = bobWithServer();
  etagServer(server, []);
  const bad = bob.ua.publish(enc('x'), 'text/plain', net.now, { event: 'no-such-package' });
  assert.ok(!bad.ok);
  if (!bad.ok) assert.is(bad.val.code, 'unknown-event');
  for (const name of ['presence', 'dialog', 'message-summary']) {
    assert.ok(bob.ua.publish(enc('x'), 'text/plain', net.now, { event: name }).ok, name);
  }
  assert.is(MAX_PUBLICATIONS, 3);
  const full = bob.ua.publish(enc('x'), 'application/watcherinfo+xml', net.now, { event: 'presence.winfo' });
  assert.ok(!full.ok, 'a fourth package finds no slot');
  if (!full.ok) { assert.is(full.val.kind, 'capacity'); assert.is(full.val.code, 'publications-full'); }
  // An existing package still takes a new state.
  assert.ok(bob.ua.publish(enc('y'), 'text/plain', net.now, { event: 'dialog' }).ok);
});

test('SUBSCRIBE with eventlist: Supported: eventlist, Accept adds rlmi+xml and multipart/related (RFC 4662 §4); without it neither', () => {
  const { net, bob, server } = bobWithServer();
  const subscribes: string[] = [];
  server.handler = (p, text, from) => {
    if (!text.startsWith('SUBSCRIBE ')) return;
    subscribes.push(text);
    p.reply(from, 200, 'OK', [['Expires', p.header(H.EXPIRES)], ['Contact', '<sip:10.0.0.100:5060>'], ['Require', 'eventlist']], 'lst');
  };
  bob.ua.subscribe('sip:buddies@10.0.0.100', 'message-summary', net.now, { eventlist: true, expires: 60 }).unwrap();
  bob.ua.subscribe('sip:alice@10.0.0.100', 'message-summary', net.now, { expires: 60 }).unwrap();
  bob.drain();
  net.run(50);
  const list = subscribes.find((t) => t.startsWith('SUBSCRIBE sip:buddies@'))!;
  const single = subscribes.find((t) => t.startsWith('SUBSCRIBE sip:alice@'))!;
  assert.match(list, /\r\nSupported: eventlist\r\n/);
  assert.match(list, /\r\nAccept: application\/simple-message-summary, application\/rlmi\+xml, multipart\/related\r\n/);
  assert.not.match(single, /eventlist/);
  assert.match(single, /\r\nAccept: application\/simple-message-summary\r\n/);
  // Presence already lists both: no duplicates.
  bob.ua.subscribe('sip:friends@10.0.0.100', 'presence', net.now, { eventlist: true }).unwrap();
  bob.drain();
  net.run(50);
  const presenceList = subscribes.find((t) => t.startsWith('SUBSCRIBE sip:friends@'))!;
  assert.match(presenceList, /\r\nAccept: application\/pidf\+xml, application\/rlmi\+xml, multipart\/related\r\n/);
  assert.match(presenceList, /\r\nSupported: eventlist\r\n/);
});

function pair(): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 11);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 22);
  return { net, alice, bob };
}

function answerWith(status: number, opts?: { accept?: string; retryAfter?: number }): string {
  const { net, alice, bob } = pair();
  alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'application/x-unknown', enc('?'), net.now).unwrap();
  alice.drain();
  net.run(20);
  const id = bob.of('message')[0]!.id;
  const r = bob.ua.respondToMessage(id, status, net.now, opts);
  assert.ok(r.ok, `respondToMessage ${status}`);
  bob.drain();
  net.run(20);
  const st = alice.of('message-status');
  assert.equal(st.map((s) => [s.outcome, s.status]), [['refused', status]]);
  return bob.sent.find((s) => s.startsWith(`SIP/2.0 ${status} `))!;
}

test('respondToMessage 415 carries Accept: the application\'s types, else our default (RFC 3261 §21.4.13)', () => {
  const own = answerWith(415, { accept: 'text/plain, message/cpim' });
  assert.match(own, /^SIP\/2\.0 415 Unsupported Media Type\r\n/);
  assert.match(own, /\r\nAccept: text\/plain, message\/cpim\r\n/);
  assert.is(own.match(/\r\nAccept:/g)!.length, 1);
  const dflt = answerWith(415);
  assert.match(dflt, /\r\nAccept: text\/plain, message\/cpim, application\/pidf\+xml/);
  assert.not.match(answerWith(486), /\r\nAccept:/, 'no Accept on other statuses unless asked');
});

test('respondToMessage 480 / 503 with Retry-After; refused where §20.33 does not allow it', () => {
  assert.match(answerWith(480, { retryAfter: 120 }), /\r\nRetry-After: 120\r\n/);
  assert.match(answerWith(503, { retryAfter: 0 }), /\r\nRetry-After: 0\r\n/);
  assert.not.match(answerWith(503), /Retry-After/);
  const { net, alice, bob } = pair();
  alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc('hi'), net.now).unwrap();
  alice.drain();
  net.run(20);
  const id = bob.of('message')[0]!.id;
  for (const [status, ra] of [[202, 5], [480, -5], [480, 1.5]] as const) {
    const r = bob.ua.respondToMessage(id, status, net.now, { retryAfter: ra });
    assert.ok(!r.ok, `${status} with Retry-After ${ra}`);
    if (!r.ok) assert.is(r.val.code, 'bad-retry-after');
  }
  const crlf = bob.ua.respondToMessage(id, 415, net.now, { accept: 'text/plain\r\nX-Evil: 1' });
  assert.ok(!crlf.ok);
  assert.ok(bob.ua.respondToMessage(id, 200, net.now).ok, 'still waiting: refused options did not answer it');
  bob.drain();
  net.run(20);
  assert.equal(alice.of('message-status').map((s) => s.status), [200]);
});

test.run();
