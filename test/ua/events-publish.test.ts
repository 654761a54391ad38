// SUBSCRIBE/NOTIFY and PUBLISH through the UA against a fake notifier/presence server written
// here: NOTIFY before the 2xx creates the dialog (RFC 6665 §4.1.2.4) and later requests use its
// route set; unsolicited message-summary NOTIFY → 200 + event; terminated NOTIFY; unsubscribe;
// PUBLISH → 200 with SIP-ETag → modify with SIP-If-Match → 412 → fresh PUBLISH; a burst of
// SUBSCRIBEs larger than the request pool is queued and sent as buffers free up, none lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H } from '../../core/sip/header-ids.js';
import { MemoryNet, enc, dec, type FakePeer, type UaNode } from './memory-net.js';
import type { Endpoint } from '../../core/ua/index.js';

const SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };

function bobWithServer(extra: Record<string, unknown> = {}): { net: MemoryNet; bob: UaNode; server: FakePeer } {
  const net = new MemoryNet();
  const server = net.addPeer(SERVER.address, SERVER.port);
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
    backoff: { baseS: 1, maxS: 4 }, ...extra,
  }, 7);
  return { net, bob, server };
}

function notifyLines(sub: { callId: string; fromTag: string; toTag: string; cseq: number; state: string; contentType?: string }, event = 'presence'): string[] {
  return [
    `NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKn${sub.cseq}x${sub.callId.replace(/[^0-9a-z]/gi, '')}`, 'Max-Forwards: 70',
    `From: <sip:alice@10.0.0.100>;tag=${sub.toTag}`, `To: <sip:bob@10.0.0.100>;tag=${sub.fromTag}`, `Call-ID: ${sub.callId}`,
    `CSeq: ${sub.cseq} NOTIFY`, 'Contact: <sip:10.0.0.100:5060>', 'Record-Route: <sip:10.0.0.100:5060;lr;r=1>',
    `Event: ${event}`, `Subscription-State: ${sub.state}`, ...(sub.contentType ? [`Content-Type: ${sub.contentType}`] : []),
  ];
}

test('SUBSCRIBE → NOTIFY before the 200: dialog from the NOTIFY, body delivered, refresh and unsubscribe in the dialog', () => {
  const { net, bob, server } = bobWithServer();
  const subscribes: string[] = [];
  let sub = { callId: '', fromTag: '', toTag: 'ntag1', cseq: 1, state: 'active;expires=60', contentType: 'application/pidf+xml' };
  server.handler = (p, text, from) => {
    if (text.startsWith('SIP/2.0')) return;
    if (!text.startsWith('SUBSCRIBE ')) return;
    subscribes.push(text);
    sub = { ...sub, callId: p.header(H.CALL_ID), fromTag: /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]! };
    const expires = p.header(H.EXPIRES);
    if (subscribes.length === 1) {
      // NOTIFY first, the 200 10 ms later (RFC 6665 §4.1.2.4).
      p.request(bob.endpoint, notifyLines(sub), '<presence>open</presence>');
      const v = { via: p.allHeaders(H.VIA), from: p.header(H.FROM), to: p.header(H.TO), callId: p.header(H.CALL_ID), cseq: p.header(H.CSEQ) };
      net.latencyMs = 15;
      p.request(from, ['SIP/2.0 200 OK', ...v.via.map((x) => `Via: ${x}`), `From: ${v.from}`, `To: ${v.to};tag=ntag1`, `Call-ID: ${v.callId}`, `CSeq: ${v.cseq}`, `Expires: ${expires}`, 'Contact: <sip:10.0.0.100:5060>', 'Record-Route: <sip:10.0.0.100:5060;lr;r=1>']);
      net.latencyMs = 5;
      return;
    }
    p.reply(from, 200, 'OK', [['Expires', expires]], 'ntag1');
    sub.cseq++;
    sub.state = expires === '0' ? 'terminated;reason=timeout' : 'active;expires=60';
    p.request(bob.endpoint, notifyLines(sub), expires === '0' ? '' : '<presence>still open</presence>');
  };
  const id = bob.ua.subscribe('sip:alice@10.0.0.100', 'presence', net.now, { expires: 60 }).unwrap();
  bob.drain();
  net.run(100);
  assert.match(subscribes[0]!, /^SUBSCRIBE sip:alice@10\.0\.0\.100 SIP\/2\.0\r\n/);
  assert.match(subscribes[0]!, /\r\nEvent: presence\r\n/);
  assert.match(subscribes[0]!, /\r\nAccept: application\/pidf\+xml/);
  assert.match(subscribes[0]!, /\r\nExpires: 60\r\n/);
  const notes = bob.of('notify');
  assert.is(notes.length, 1);
  assert.is(notes[0]!.subscriptionId, id);
  assert.is(dec(notes[0]!.body), '<presence>open</presence>');
  assert.is(notes[0]!.contentType, 'application/pidf+xml');
  assert.is(bob.of('subscription').at(-1)!.state, 'active');
  assert.ok(bob.sent.some((s) => s.startsWith('SIP/2.0 200') && s.includes('NOTIFY')), 'NOTIFY answered 200');
  // Refresh halfway through 60 s goes inside the dialog: route set from the NOTIFY's Record-Route, To tag, CSeq 2.
  net.run(35_000);
  assert.is(subscribes.length, 2);
  const refresh = subscribes[1]!;
  assert.match(refresh, /^SUBSCRIBE sip:10\.0\.0\.100:5060 SIP\/2\.0\r\n/, 'Request-URI = remote target (Contact of the NOTIFY)');
  assert.match(refresh, /\r\nRoute: <sip:10\.0\.0\.100:5060;lr;r=1>\r\n/);
  assert.match(refresh, /\r\nTo: <sip:alice@10\.0\.0\.100>;tag=ntag1\r\n/);
  assert.match(refresh, /\r\nCSeq: 2 SUBSCRIBE\r\n/);
  assert.is(dec(bob.of('notify').at(-1)!.body), '<presence>still open</presence>');
  // Unsubscribe: Expires 0 in the dialog, terminated NOTIFY ends it.
  bob.ua.unsubscribe(id, net.now);
  bob.drain();
  net.run(100);
  assert.match(subscribes[2]!, /\r\nExpires: 0\r\n/);
  assert.match(subscribes[2]!, /\r\nCSeq: 3 SUBSCRIBE\r\n/);
  assert.is(bob.of('subscription').at(-1)!.state, 'terminated');
  assert.ok(bob.ua.unsubscribe(id, net.now).err, 'the record is gone');
});

test('unsolicited message-summary NOTIFY (no To tag): 200 and a notify event with subscriptionId null', () => {
  const { net, bob, server } = bobWithServer();
  const answers: string[] = [];
  server.handler = (_p, text) => answers.push(text.split('\r\n')[0]!);
  server.request(bob.endpoint, [
    'NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKmwi1', 'Max-Forwards: 70',
    'From: <sip:voicemail@10.0.0.100>;tag=vm1', 'To: <sip:bob@10.0.0.100>', 'Call-ID: mwi-1@10.0.0.100', 'CSeq: 1 NOTIFY',
    'Event: message-summary', 'Subscription-State: active', 'Content-Type: application/simple-message-summary',
  ], 'Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/2)\r\n');
  net.run(50);
  assert.equal(answers, ['SIP/2.0 200 OK']);
  const n = bob.of('notify');
  assert.is(n.length, 1);
  assert.is(n[0]!.subscriptionId, null);
  assert.is(n[0]!.event, 'message-summary');
  assert.match(dec(n[0]!.body), /Voice-Message: 2\/8/);
});

test('PUBLISH: 200 + SIP-ETag → modify with SIP-If-Match → 412 → fresh PUBLISH without SIP-If-Match', () => {
  const { net, bob, server } = bobWithServer();
  const publishes: string[] = [];
  let etag = 0;
  server.handler = (p, text, from) => {
    if (!text.startsWith('PUBLISH ')) return;
    publishes.push(text);
    const ifMatch = p.header(H.SIP_IF_MATCH);
    if (ifMatch !== '' && ifMatch === 'e1') {
      p.reply(from, 412, 'Conditional Request Failed');
      return;
    }
    etag++;
    p.reply(from, 200, 'OK', [['SIP-ETag', `e${etag}`], ['Expires', p.header(H.EXPIRES)]]);
  };
  bob.ua.publish(enc('<presence>one</presence>'), 'application/pidf+xml', net.now);
  bob.drain();
  net.run(50);
  assert.match(publishes[0]!, /^PUBLISH sip:bob@10\.0\.0\.100 SIP\/2\.0\r\n/);
  assert.match(publishes[0]!, /\r\nTo: <sip:bob@10\.0\.0\.100>\r\n/);
  assert.match(publishes[0]!, /\r\nEvent: presence\r\n/);
  assert.not.match(publishes[0]!, /SIP-If-Match/);
  assert.equal(bob.of('publish-outcome').map((o) => [o.ok, o.etag]), [[true, 'e1']]);
  bob.ua.publish(enc('<presence>two</presence>'), 'application/pidf+xml', net.now);
  bob.drain();
  net.run(50);
  assert.match(publishes[1]!, /\r\nSIP-If-Match: e1\r\n/);
  assert.match(publishes[2]!, /<presence>two<\/presence>$/);
  assert.not.match(publishes[2]!, /SIP-If-Match/, '412 → initial PUBLISH again');
  assert.equal(bob.of('publish-outcome').map((o) => [o.ok, o.etag]), [[true, 'e1'], [true, 'e2']]);
  assert.is(bob.of('publication').at(-1)!.state, 'published');
});

test('50 SUBSCRIBEs with 4 request buffers: queued, staggered by buffer availability, all sent, none lost', () => {
  const { net, bob, server } = bobWithServer({ capacities: { requestBuffers: 4, maxSubscriptions: 60, maxDialogs: 60, maxTransactions: 128 } });
  let seen = 0;
  const inFlightAt: number[] = [];
  server.handler = (p, text, from) => {
    if (!text.startsWith('SUBSCRIBE ')) return;
    seen++;
    inFlightAt.push(net.now);
    p.reply(from, 200, 'OK', [['Expires', '3600'], ['Contact', '<sip:10.0.0.100:5060>']], `t${seen}`);
    const callId = p.header(H.CALL_ID);
    const fromTag = /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]!;
    p.request(bob.endpoint, notifyLines({ callId, fromTag, toTag: `t${seen}`, cseq: 1, state: 'active;expires=3600' }, 'dialog'), '');
  };
  const ids: number[] = [];
  for (let i = 0; i < 50; i++) ids.push(bob.ua.subscribe(`sip:key${i}@10.0.0.100`, 'dialog', net.now).unwrap());
  bob.drain();
  assert.is(bob.ua.queuedRequests, 46);
  assert.is(bob.ua.freeRequestBuffers, 0);
  net.run(120_000);
  assert.is(seen, 50);
  assert.is(bob.ua.queuedRequests, 0);
  const active = new Set(bob.of('subscription').filter((e) => e.state === 'active').map((e) => e.id));
  assert.is(active.size, 50, 'every subscription became active');
  assert.is(inFlightAt.filter((t) => t === inFlightAt[0]).length, 4, 'four at once (one per buffer), the rest as answers freed buffers');
  assert.ok(inFlightAt.at(-1)! > inFlightAt[0]!, 'staggered');
});

test.run();
