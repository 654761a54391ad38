// The UA's choice of MSRP transport in virtual time (test/ua's MemoryNet, no sockets): enableChat's
// msrpTransport 'tls' makes TCP/TLS/MSRP offers with an msrps path on the TLS listener and our
// a=fingerprint; answers follow the offer's transport; without a TLS listener the TLS side can only
// connect out; bad TLS options are refused at enableChat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, type UaNode } from '../ua/memory-net.js';
import { chatModule, type ChatOptions } from '../../core/ua/invite-sessions.js';

const FP_A = 'sha-256 ' + Array.from({ length: 32 }, (_, i) => (i + 0x10).toString(16).toUpperCase()).join(':');
const FP_B = 'sha-256 ' + Array.from({ length: 32 }, (_, i) => (0xef - i).toString(16).toUpperCase()).join(':');

function pair(a: ChatOptions, b: ChatOptions): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 1);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 2);
  alice.ua.enableChat(chatModule, a);
  bob.ua.enableChat(chatModule, b);
  return { net, alice, bob };
}

function offer(net: MemoryNet, alice: UaNode, bob: UaNode): number {
  alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  return bob.of('chat-offer')[0]!.sessionId;
}

test("msrpTransport 'tls': the offer is TCP/TLS/MSRP on the TLS listener with our fingerprint; the answer follows it", () => {
  const { net, alice, bob } = pair(
    { listener: { address: '10.0.0.1', port: 2855 }, secureListener: { address: '10.0.0.1', port: 2865 }, msrpTransport: 'tls', fingerprint: FP_A },
    { listener: { address: '10.0.0.2', port: 2856 }, secureListener: { address: '10.0.0.2', port: 2866 }, fingerprint: FP_B },
  );
  const bId = offer(net, alice, bob);
  const invite = alice.sent.find((s) => s.startsWith('INVITE '))!;
  assert.match(invite, /\r\nm=message 2865 TCP\/TLS\/MSRP \*\r\n/);
  assert.match(invite, /\r\na=path:msrps:\/\/10\.0\.0\.1:2865\/[0-9a-f]+;tcp\r\n/);
  assert.match(invite, new RegExp(`\\r\\na=fingerprint:${FP_A}\\r\\n`));
  assert.match(invite, /\r\na=setup:actpass\r\n/);
  const o = bob.of('chat-offer')[0]!;
  assert.is(o.secure, true);
  bob.ua.acceptChat(bId, net.now).unwrap();
  bob.drain();
  net.run(100);
  const ok = bob.sent.find((s) => s.startsWith('SIP/2.0 200 OK') && s.includes('INVITE'))!;
  assert.match(ok, /\r\nm=message 2866 TCP\/TLS\/MSRP \*\r\n/);
  assert.match(ok, /\r\na=path:msrps:\/\/10\.0\.0\.2:2866\/[0-9a-f]+;tcp\r\n/);
  assert.match(ok, new RegExp(`\\r\\na=fingerprint:${FP_B}\\r\\n`));
  const ca = alice.of('msrp-connect')[0]!;
  const cb = bob.of('msrp-connect')[0]!;
  assert.equal([ca.setup, ca.secure, ca.remoteHost, ca.remotePort, ca.remoteFingerprints], ['active', true, '10.0.0.2', 2866, [FP_B]]);
  assert.equal([cb.setup, cb.secure, cb.remoteFingerprints], ['passive', true, [FP_A]]);
});

test('TLS without a TLS listener: our offer says a=setup:active on the discard port; a peer that needs us passive gets 488', () => {
  const { net, alice, bob } = pair(
    { listener: { address: '10.0.0.1', port: 2855 }, msrpTransport: 'tls', tls: true },
    { listener: { address: '10.0.0.2', port: 2856 }, tls: true },
  );
  const bId = offer(net, alice, bob);
  const invite = alice.sent.find((s) => s.startsWith('INVITE '))!;
  assert.match(invite, /\r\nm=message 9 TCP\/TLS\/MSRP \*\r\n/);
  assert.match(invite, /\r\na=setup:active\r\n/);
  assert.not.match(invite, /a=fingerprint/, 'no certificate configured, no fingerprint');
  // Bob has TLS but no TLS listener, and Alice will only connect: nobody can accept the connection.
  const r = bob.ua.acceptChat(bId, net.now);
  assert.ok(!r.ok);
  assert.is((r.val as { code: string }).code, 'no-msrp-listener');
  bob.drain();
  net.run(100);
  assert.ok(bob.sent.some((s) => s.startsWith('SIP/2.0 488 ')));
  assert.is(alice.of('chat-state').at(-1)!.status, 488);
  // Forcing passive without a TLS listener is refused before anything is sent.
  const again = pair({ listener: null, secureListener: { address: '10.0.0.1', port: 2865 }, msrpTransport: 'tls' }, { listener: { address: '10.0.0.2', port: 2856 }, tls: true });
  const id = offer(again.net, again.alice, again.bob);
  const forced = again.bob.ua.acceptChat(id, again.net.now, 'passive');
  assert.ok(!forced.ok);
  assert.match((forced.val as { message: string }).message, /TLS listener/);
  // Answering active is fine: Bob connects out over TLS to Alice's TLS listener.
  again.bob.ua.acceptChat(id, again.net.now, 'active').unwrap();
  again.bob.drain();
  again.net.run(100);
  const cb = again.bob.of('msrp-connect')[0]!;
  assert.equal([cb.setup, cb.secure, cb.remotePort], ['active', true, 2865]);
});

test('a TLS offer to a UA without TLS: 488 + Warning 302 and no chat-offer; a TCP offer to a TLS-capable UA is answered over TCP', () => {
  const { net, alice, bob } = pair(
    { listener: { address: '10.0.0.1', port: 2855 }, secureListener: { address: '10.0.0.1', port: 2865 }, msrpTransport: 'tls' },
    { listener: { address: '10.0.0.2', port: 2856 } },
  );
  alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(100);
  const refusal = bob.sent.find((s) => /^SIP\/2\.0 4\d\d /.test(s))!;
  assert.match(refusal, /^SIP\/2\.0 488 Not Acceptable Here\r\n/);
  assert.match(refusal, /\r\nWarning: 302 10\.0\.0\.2:5070 "Incompatible transport protocol"\r\n/);
  assert.is(bob.of('chat-offer').length, 0);
  assert.is(alice.of('chat-state').at(-1)!.state, 'ended');
  assert.is(alice.of('chat-state').at(-1)!.status, 488);
  assert.ok(alice.sent.some((s) => s.startsWith('ACK ')), 'the INVITE transaction ACKs the 488');

  const swapped = pair({ listener: { address: '10.0.0.1', port: 2855 } }, { listener: { address: '10.0.0.2', port: 2856 }, secureListener: { address: '10.0.0.2', port: 2866 }, msrpTransport: 'tls' });
  const id = offer(swapped.net, swapped.alice, swapped.bob);
  assert.is(swapped.bob.of('chat-offer')[0]!.secure, false);
  swapped.bob.ua.acceptChat(id, swapped.net.now).unwrap();
  swapped.bob.drain();
  swapped.net.run(100);
  const ok = swapped.bob.sent.find((s) => s.startsWith('SIP/2.0 200 OK') && s.includes('INVITE'))!;
  assert.match(ok, /\r\nm=message 2856 TCP\/MSRP \*\r\n/);
  assert.match(ok, /\r\na=path:msrp:\/\/10\.0\.0\.2:2856\//);
});

test('enableChat refuses inconsistent TLS options', () => {
  const net = new MemoryNet();
  const ua = net.addUa({ aor: 'sip:carol@10.0.0.3', registrar: null, localAddress: '10.0.0.3', localPort: 5080 }, 3).ua;
  assert.throws(() => ua.enableChat(chatModule, { listener: null, msrpTransport: 'tls', tls: false }), /needs tls: true/);
  assert.throws(() => ua.enableChat(chatModule, { listener: null, msrpTransport: 'tls', fingerprint: 'sha-256 XY' }), /bad fingerprint/);
});

test.run();
