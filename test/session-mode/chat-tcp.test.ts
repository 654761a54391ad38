// Session-mode IM between two of our UAs on loopback (issue #5 part 4 and 6): INVITE with an
// m=message offer, 200 with the answer, ACK, MSRP over real TCP (connection role per a=setup),
// short texts both ways, 1 MB in chunks with a success report, BYE closing the connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phone, closePhone, waitFor, ofKind, until, text, type Phone, type AnyEvent } from './support.js';

type Ev<K extends AnyEvent['kind']> = Extract<AnyEvent, { kind: K }>;
const is = <K extends AnyEvent['kind']>(kind: K, f: (e: Ev<K>) => boolean = () => true) => (e: AnyEvent): e is Ev<K> => e.kind === kind && f(e as Ev<K>);

function content(n: number): Uint8Array {
  let s = 4975;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) { s = (s * 48271) % 2147483647; b[i] = s & 0xff; }
  return b;
}

/** A starts a chat, B accepts (with `setup`), both ends connected and bound. */
async function connect(a: Phone, b: Phone, setup?: 'active' | 'passive'): Promise<{ aId: number; bId: number }> {
  const aId = a.sip.run((ua, now) => ua.startChat(b.uri, now)).unwrap();
  const offer = await waitFor(b, 'chat-offer', is('chat-offer'));
  assert.is(offer.from, a.uri);
  assert.match(offer.remotePath, /^msrp:\/\/127\.0\.0\.1:\d+\/[0-9a-f]+;tcp$/);
  assert.ok(offer.acceptTypes.includes('text/plain'));
  await waitFor(a, 'ringing', is('chat-state', (e) => e.sessionId === aId && e.state === 'ringing'));
  b.sip.run((ua, now) => ua.acceptChat(offer.sessionId, now, setup)).unwrap();
  await waitFor(a, 'connected', is('chat-state', (e) => e.sessionId === aId && e.state === 'connected'));
  await waitFor(b, 'connected (ACK received)', is('chat-state', (e) => e.sessionId === offer.sessionId && e.state === 'connected'));
  await waitFor(a, 'MSRP bound', is('msrp-connected', (e) => e.sessionId === aId));
  await waitFor(b, 'MSRP bound', is('msrp-connected', (e) => e.sessionId === offer.sessionId));
  return { aId, bId: offer.sessionId };
}

test('chat: INVITE/200/ACK, texts both ways, 1 MB with a success report, BYE closes the TCP connection', async () => {
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice');
    b = await phone('bob');
    const { aId, bId } = await connect(a, b);
    const aConnect = ofKind(a, 'msrp-connect')[0]!;
    const bConnect = ofKind(b, 'msrp-connect')[0]!;
    // B has a listener and answers passive by default: A (actpass offerer) connects (RFC 6135 §4.1).
    assert.is(aConnect.setup, 'active');
    assert.is(bConnect.setup, 'passive');
    assert.is(aConnect.remotePath, bConnect.localPath);
    assert.is(bConnect.remotePath, aConnect.localPath);
    assert.is(aConnect.remotePort, b.msrp.port);

    const hello = a.msrp.sendChatMessage(aId, 'text/plain', text('hello bob'));
    assert.ok(hello.ok);
    const got = await waitFor(b, 'hello', is('chat-message', (e) => e.sessionId === bId));
    assert.is(got.contentType, 'text/plain');
    assert.is(new TextDecoder().decode(got.bytes), 'hello bob');
    assert.ok(b.msrp.sendChatMessage(bId, 'text/plain', text('hi alice')).ok);
    const back = await waitFor(a, 'reply', is('chat-message', (e) => e.sessionId === aId));
    assert.is(new TextDecoder().decode(back.bytes), 'hi alice');

    const big = content(1 << 20);
    const started = performance.now();
    const sent = a.msrp.sendChatMessage(aId, 'application/octet-stream', big, { successReport: true });
    assert.ok(sent.ok);
    const messageId = sent.ok ? sent.messageId : '';
    const delivered = await waitFor(a, 'success report', is('chat-delivered', (e) => e.messageId === messageId), 20000);
    const ms = performance.now() - started;
    assert.is(delivered.status, 200);
    assert.is(delivered.reason, 'success report');
    const received = ofKind(b, 'chat-message').filter((e) => e.contentType === 'application/octet-stream');
    assert.is(received.length, 1);
    assert.is(received[0]!.bytes.length, big.length);
    assert.ok(Buffer.compare(Buffer.from(received[0]!.bytes), Buffer.from(big)) === 0, '1 MB byte-identical');
    assert.is(ofKind(a, 'chat-failed').length, 0);
    assert.is(ofKind(b, 'msrp-error').length + ofKind(a, 'msrp-error').length, 0);
    console.log(`  1 MB over MSRP/TCP on loopback: ${ms.toFixed(0)} ms (${(8 * big.length / ms / 1000).toFixed(0)} Mbit/s)`);

    a.sip.run((ua, now) => ua.endChat(aId, now)).unwrap();
    const endedB = await waitFor(b, 'ended by BYE', is('chat-state', (e) => e.sessionId === bId && e.state === 'ended'));
    assert.is(endedB.reason, 'remote bye');
    assert.ok(ofKind(a, 'chat-state').some((e) => e.sessionId === aId && e.state === 'ended'));
    await waitFor(a, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === aId));
    await waitFor(b, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === bId));
    await until('both TCP connections closed', () => a!.msrp.openSockets === 0 && b!.msrp.openSockets === 0, 3000);
    // The BYE got its 200: no warning about it, no second ended state.
    assert.is(ofKind(a, 'chat-state').filter((e) => e.state === 'ended').length, 1);
    assert.is(ofKind(b, 'chat-state').filter((e) => e.state === 'ended').length, 1);
    assert.equal(ofKind(a, 'chat-state').map((e) => e.state), ['offering', 'ringing', 'connected', 'ended']);
    assert.equal(ofKind(b, 'chat-state').map((e) => e.state), ['ringing', 'connected', 'ended']);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('chat: the answerer may take the active role; B connects to A and the callee ends it with BYE', async () => {
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice');
    b = await phone('bob');
    const { aId, bId } = await connect(a, b, 'active');
    assert.is(ofKind(a, 'msrp-connect')[0]!.setup, 'passive');
    assert.is(ofKind(b, 'msrp-connect')[0]!.setup, 'active');
    assert.is(ofKind(b, 'msrp-connect')[0]!.remotePort, a.msrp.port);
    assert.ok(b.msrp.sendChatMessage(bId, 'text/plain', text('from the active side')).ok);
    const got = await waitFor(a, 'text', is('chat-message', (e) => e.sessionId === aId));
    assert.is(new TextDecoder().decode(got.bytes), 'from the active side');
    b.sip.run((ua, now) => ua.endChat(bId, now)).unwrap();
    await waitFor(a, 'ended by BYE', is('chat-state', (e) => e.sessionId === aId && e.state === 'ended'));
    await until('both TCP connections closed', () => a!.msrp.openSockets === 0 && b!.msrp.openSockets === 0, 3000);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test.run();
