// Two UserAgents joined in memory with virtual time, no server: MESSAGE both ways with the
// application choosing the status, OPTIONS, the incoming-MESSAGE deadline, and the answers to
// requests the UA does not handle (501, 405, 481, 489).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, enc, dec, type UaNode } from './memory-net.js';
import { Outgoing } from '../../core/ua/index.js';

function pair(): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, displayName: 'Alice' }, 11);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 22);
  return { net, alice, bob };
}

test('MESSAGE alice → bob: bob sees it before the response, answers 202, alice gets accepted 202', () => {
  const { net, alice, bob } = pair();
  const sent = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain;charset=utf-8', enc('hello bob ✓'), net.now);
  assert.ok(sent.ok, 'sendMessage accepted');
  const id = sent.unwrap();
  alice.drain();
  net.run(20);
  const msgs = bob.of('message');
  assert.is(msgs.length, 1);
  assert.is(dec(msgs[0]!.body), 'hello bob ✓');
  assert.is(msgs[0]!.from, 'sip:alice@10.0.0.1');
  assert.is(msgs[0]!.to, 'sip:bob@10.0.0.2:5070');
  assert.is(msgs[0]!.contentType, 'text/plain;charset=utf-8');
  assert.is(alice.of('message-status').length, 0, 'no status before bob answers');
  assert.ok(bob.ua.respondToMessage(msgs[0]!.id, 202, net.now).ok);
  bob.drain();
  net.run(20);
  const st = alice.of('message-status');
  assert.equal(st.map((s) => [s.id, s.outcome, s.status]), [[id, 'accepted', 202]]);
  // The request on the wire: Via with rport and a magic-cookie branch, From with display name and tag.
  const wire = alice.sent.find((s) => s.startsWith('MESSAGE '))!;
  assert.match(wire, /^MESSAGE sip:bob@10\.0\.0\.2:5070 SIP\/2\.0\r\n/);
  assert.match(wire, /\r\nVia: SIP\/2\.0\/UDP 10\.0\.0\.1:5060;branch=z9hG4bK[0-9a-f]{16};rport\r\n/);
  assert.match(wire, /\r\nFrom: "Alice" <sip:alice@10\.0\.0\.1>;tag=[0-9a-f]{16}\r\n/);
  assert.match(wire, /\r\nMax-Forwards: 70\r\n/);
  // The response bob wrote echoes Via/From/Call-ID/CSeq and adds a To tag.
  const res = bob.sent.find((s) => s.startsWith('SIP/2.0 202'))!;
  assert.ok(res.includes(wire.match(/Via: [^\r]*/)![0]), 'Via echoed');
  assert.ok(res.includes(wire.match(/Call-ID: [^\r]*/)![0]), 'Call-ID echoed');
  assert.match(res, /\r\nTo: <sip:bob@10\.0\.0\.2:5070>;tag=[0-9a-f]+\r\n/);
});

test('MESSAGE bob → alice refused 486: alice\'s app chose it, bob gets refused with code and reason', () => {
  const { net, alice, bob } = pair();
  const id = bob.ua.sendMessage('sip:alice@10.0.0.1', 'text/plain', enc('busy?'), net.now).unwrap();
  bob.drain();
  net.run(20);
  const m = alice.of('message')[0]!;
  alice.ua.respondToMessage(m.id, 486, net.now);
  alice.drain();
  net.run(20);
  assert.equal(bob.of('message-status').map((s) => [s.id, s.outcome, s.status, s.reason]), [[id, 'refused', 486, 'Busy Here']]);
});

test('incoming MESSAGE not answered by the app: the UA answers 200 at the deadline (2 s default)', () => {
  const { net, alice, bob } = pair();
  const id = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc('anyone?'), net.now).unwrap();
  alice.drain();
  net.run(1900);
  assert.is(bob.of('message').length, 1);
  assert.is(alice.of('message-status').length, 0, 'still waiting at 1.9 s (retransmissions absorbed)');
  assert.is(bob.sent.filter((s) => s.startsWith('SIP/2.0')).length, 0);
  net.run(300);
  assert.equal(alice.of('message-status').map((s) => [s.id, s.outcome, s.status]), [[id, 'accepted', 200]]);
  const late = bob.ua.respondToMessage(bob.of('message')[0]!.id, 486, net.now);
  assert.ok(late.err, 'too late to answer');
  assert.is(late.val.code, 'unknown-message');
});

test('MESSAGE to nobody: timeout after 64·T1, exactly one status', () => {
  const { net, alice } = pair();
  const id = alice.ua.sendMessage('sip:carol@10.0.0.9', 'text/plain', enc('hello?'), net.now).unwrap();
  alice.drain();
  net.run(40_000);
  assert.equal(alice.of('message-status').map((s) => [s.id, s.outcome, s.status]), [[id, 'timeout', 408]]);
  const retransmits = alice.sent.filter((s) => s.startsWith('MESSAGE ')).length;
  assert.ok(retransmits >= 10 && retransmits <= 12, `UDP retransmissions (Timer E): ${retransmits}`);
  net.run(60_000);
  assert.is(alice.of('message-status').length, 1, 'never a second status');
  assert.is(alice.ua.freeRequestBuffers, 16, 'the request buffer came back');
});

test('a MESSAGE too big for UDP is refused with a local too-big error when TCP fallback is off', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, largeRequestsOverTcp: false }, 11);
  const r = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', new Uint8Array(1400).fill(65), net.now);
  assert.ok(r.err);
  assert.is(r.val.kind, 'local');
  assert.is(r.val.code, 'too-big');
  assert.ok(alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', new Uint8Array(800).fill(65), net.now).ok);
});

test('by default a MESSAGE too big for UDP goes over TCP to the same address, with a TCP Via (RFC 3261 §18.1.1)', () => {
  const { net, alice } = pair();
  const r = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', new Uint8Array(1400).fill(65), net.now);
  assert.ok(r.ok);
  const out = new Outgoing();
  assert.ok(alice.ua.pollTransmit(out));
  assert.equal({ ...out.endpoint }, { transport: 'tcp', address: '10.0.0.2', port: 5070 });
  const text = new TextDecoder().decode(out.bytes.subarray(out.off, out.off + out.len));
  assert.match(text, /\r\nVia: SIP\/2\.0\/TCP 10\.0\.0\.1:5060;branch=z9hG4bK/);
  assert.ok(out.len > 1400);
});

test('OPTIONS: 200 with Allow, Accept, Allow-Events', () => {
  const { net, alice, bob } = pair();
  const id = alice.ua.sendOptions('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(20);
  const st = alice.of('options-status');
  assert.is(st.length, 1);
  assert.is(st[0]!.id, id);
  assert.is(st[0]!.status, 200);
  assert.ok(st[0]!.allow.includes('MESSAGE') && !st[0]!.allow.includes('INVITE'));
  const res = bob.sent.find((s) => s.startsWith('SIP/2.0 200'))!;
  assert.match(res, /\r\nAccept: [^\r]*text\/plain/);
  assert.match(res, /\r\nAllow-Events: presence, presence\.winfo, dialog, message-summary\r\n/);
});

test('requests the UA does not handle get the right answer, never silence', () => {
  const net = new MemoryNet();
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 3);
  const peer = net.addPeer('10.0.0.3', 5060);
  const answers: string[] = [];
  peer.handler = (_p, text) => answers.push(text.split('\r\n')[0]!);
  const req = (method: string, n: number, extra: string[] = []) => peer.request(bob.endpoint, [
    `${method} sip:bob@10.0.0.2:5070 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bKt${n}`, 'Max-Forwards: 70',
    'From: <sip:x@10.0.0.3>;tag=x1', 'To: <sip:bob@10.0.0.2>', `Call-ID: c${n}@10.0.0.3`, `CSeq: 1 ${method}`, ...extra,
  ]);
  req('FOO', 1);
  req('INVITE', 2, ['Contact: <sip:x@10.0.0.3>']);
  req('NOTIFY', 3, ['Event: presence', 'Subscription-State: active']);
  req('NOTIFY', 4, ['Event: no-such-package', 'Subscription-State: active']);
  req('BYE', 5);
  req('SUBSCRIBE', 6, ['Event: presence']);
  net.run(50);
  assert.equal(answers.sort(), [
    'SIP/2.0 405 Method Not Allowed', 'SIP/2.0 481 Call/Transaction Does Not Exist', 'SIP/2.0 481 Call/Transaction Does Not Exist',
    'SIP/2.0 489 Bad Event', 'SIP/2.0 489 Bad Event', 'SIP/2.0 501 Not Implemented',
  ].sort());
  const inviteAnswer = bob.sent.find((s) => s.startsWith('SIP/2.0 405'))!;
  assert.match(inviteAnswer, /\r\nAllow: [^\r]*MESSAGE/);
  assert.ok(bob.sent.find((s) => s.startsWith('SIP/2.0 489'))!.includes('Allow-Events: presence'));
});

test('malformed datagrams are dropped with a warning, never a throw', () => {
  const net = new MemoryNet();
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 3);
  const from = { transport: 'udp' as const, address: '10.0.0.3', port: 5060 };
  for (const junk of ['garbage\r\n\r\n', 'INVITE sip:x SIP/2.0\r\nVia: bad\r\n\r\n', '\r\n\r\n', 'SIP/2.0 200 OK\r\n\r\n']) {
    const b = enc(junk);
    bob.ua.handleDatagram(b, 0, b.length, from, 0);
    bob.drain();
  }
  const warnings = bob.of('warning');
  assert.is(warnings.length, 3, 'CRLF keep-alive is ignored, the rest warned');
  assert.ok(warnings.every((w) => w.code === 'malformed'));
});

test('known-peers policy (RFC 3428 §11): a stranger gets 403 + warning; a URI we subscribe to is accepted', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 11);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070, inboundMessagePolicy: 'known-peers' }, 22);
  const first = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc('spam?'), net.now).unwrap();
  alice.drain();
  net.run(50);
  assert.is(bob.of('message').length, 0);
  assert.equal(alice.of('message-status').map((s) => [s.id, s.outcome, s.status]), [[first, 'refused', 403]]);
  assert.is(bob.of('warning')[0]!.code, 'message-refused');
  // bob subscribes to alice's presence (alice answers 489: no notifier), which makes her a known peer.
  bob.ua.subscribe('sip:alice@10.0.0.1', 'presence', net.now);
  bob.drain();
  net.run(50);
  const second = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc('hi, it is alice'), net.now).unwrap();
  alice.drain();
  net.run(2500);
  assert.is(bob.of('message').length, 1);
  assert.equal(alice.of('message-status').filter((s) => s.id === second).map((s) => s.outcome), ['accepted']);
});

test('handleSendFailed: a MESSAGE whose send fails ends in transport-failed; a failed response send frees its buffer', () => {
  const { net, alice, bob } = pair();
  const id = alice.ua.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', enc('x'), net.now).unwrap();
  const out = new Outgoing();
  assert.ok(alice.ua.pollTransmit(out));
  assert.ok(out.token >= 0, 'client transaction token');
  alice.ua.handleSendFailed(out.token, net.now);
  alice.drain();
  assert.equal(alice.of('message-status').map((s) => [s.id, s.outcome, s.status]), [[id, 'transport-failed', 503]]);
  // bob answers an OPTIONS; the host reports that the response could not be sent.
  const opt = enc(['OPTIONS sip:bob@10.0.0.2:5070 SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKopt1', 'Max-Forwards: 70',
    'From: <sip:alice@10.0.0.1>;tag=a', 'To: <sip:bob@10.0.0.2>', 'Call-ID: o1@x', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n'));
  bob.ua.handleDatagram(opt, 0, opt.length, alice.endpoint, net.now);
  assert.ok(bob.ua.pollTransmit(out));
  assert.ok(out.token <= -2, 'server transaction token');
  bob.ua.handleSendFailed(out.token, net.now);
  bob.drain();
  // The transaction is gone: a retransmission of the OPTIONS is a new transaction, answered again.
  bob.ua.handleDatagram(opt, 0, opt.length, alice.endpoint, net.now + 500);
  assert.ok(bob.ua.pollTransmit(out));
  assert.match(dec(out.bytes, out.off, out.len), /^SIP\/2\.0 200 OK/);
});

test.run();
