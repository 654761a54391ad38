// Session-mode IM refusals on loopback (issue #5 part 4): an INVITE without an m=message stream
// gets 488 (RFC 3261 §13.3.1.1, RFC 3264 §6) and never reaches the application; a rejected chat
// ends with 486 at the caller and its INVITE client transaction ACKs the 486 (§17.1.1.3); a UA
// that has not enabled chat still answers INVITE with 405.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import { phone, closePhone, waitFor, ofKind, until, type Phone, type AnyEvent } from './support.js';

type Ev<K extends AnyEvent['kind']> = Extract<AnyEvent, { kind: K }>;
const is = <K extends AnyEvent['kind']>(kind: K, f: (e: Ev<K>) => boolean = () => true) => (e: AnyEvent): e is Ev<K> => e.kind === kind && f(e as Ev<K>);

function audioInvite(port: number, peerPort: number, branch: string): string {
  const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
  return [
    `INVITE sip:bob@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=${branch}`, 'Max-Forwards: 70',
    `From: <sip:carol@127.0.0.1:${peerPort}>;tag=c1`, `To: <sip:bob@127.0.0.1:${port}>`, `Call-ID: audio-${branch}@127.0.0.1`, 'CSeq: 1 INVITE',
    `Contact: <sip:carol@127.0.0.1:${peerPort}>`, 'Content-Type: application/sdp', `Content-Length: ${sdp.length}`, '', sdp,
  ].join('\r\n');
}

async function rawPeer(): Promise<{ sock: Socket; port: number; got: string[] }> {
  const sock = createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return { sock, port: sock.address().port, got };
}

test('an INVITE with audio-only SDP is answered 488 and raises no chat-offer', async () => {
  let b: Phone | undefined;
  let peer: Awaited<ReturnType<typeof rawPeer>> | undefined;
  try {
    b = await phone('bob');
    peer = await rawPeer();
    peer.sock.send(audioInvite(b.sip.port, peer.port, 'z9hG4bKaudio1'), b.sip.port, '127.0.0.1');
    const final = await until('a final response', () => peer!.got.find((m) => /^SIP\/2\.0 [2-6]\d\d /.test(m)), 3000);
    assert.match(final, /^SIP\/2\.0 488 Not Acceptable Here\r\n/);
    assert.match(final, /\r\nTo: <sip:bob@127\.0\.0\.1:\d+>;tag=/);
    assert.is(ofKind(b, 'chat-offer').length, 0);
    assert.is(ofKind(b, 'chat-state').length, 0);
  } finally {
    peer?.sock.close();
    closePhone(b);
  }
});

test('rejectChat: the caller ends with 486 and its transaction ACKs it', async () => {
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice');
    b = await phone('bob');
    const toB: string[] = [];
    (b.sip as unknown as { udp: Socket }).udp.on('message', (m) => toB.push(m.toString('latin1')));
    const aId = a.sip.run((ua, now) => ua.startChat(b!.uri, now)).unwrap();
    const offer = await waitFor(b, 'chat-offer', is('chat-offer'));
    b.sip.run((ua, now) => ua.rejectChat(offer.sessionId, 486, now)).unwrap();
    const ended = await waitFor(a, 'ended', is('chat-state', (e) => e.sessionId === aId && e.state === 'ended'));
    assert.is(ended.status, 486);
    const ack = await until('the ACK for the 486', () => toB.find((m) => m.startsWith('ACK ')), 3000);
    assert.match(ack, /\r\nCSeq: 1 ACK\r\n/);
    const invite = toB.find((m) => m.startsWith('INVITE '))!;
    // §17.1.1.3: the ACK for a non-2xx carries the INVITE's top Via (same branch).
    const via = (m: string) => /\r\nVia: ([^\r]*)\r\n/.exec(m)![1];
    assert.is(via(ack), via(invite));
    assert.equal(ofKind(b, 'chat-state').map((e) => [e.state, e.status]), [['ringing', 180], ['ended', 486]]);
    assert.is(ofKind(a, 'msrp-connect').length + ofKind(b, 'msrp-connect').length, 0);
    // A rejected chat cannot be accepted afterwards.
    assert.is(b.sip.run((ua, now) => ua.acceptChat(offer.sessionId, now)).ok, false);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('a UA that has not enabled chat answers INVITE with 405, as before', async () => {
  let host: NodeUaHost | undefined;
  let peer: Awaited<ReturnType<typeof rawPeer>> | undefined;
  try {
    host = await NodeUaHost.start({}, ({ address, port }) => ({ aor: `sip:dave@${address}:${port}`, registrar: null, localAddress: address, localPort: port }));
    peer = await rawPeer();
    peer.sock.send(audioInvite(host.port, peer.port, 'z9hG4bKaudio2'), host.port, '127.0.0.1');
    const final = await until('a final response', () => peer!.got.find((m) => /^SIP\/2\.0 [2-6]\d\d /.test(m)), 3000);
    assert.match(final, /^SIP\/2\.0 405 /);
  } finally {
    peer?.sock.close();
    host?.close();
  }
});

test.run();
