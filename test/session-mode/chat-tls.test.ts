// Session-mode IM over TLS (msrps, RFC 4975 §6/§14.2/§15) between two of our UAs on loopback:
// INVITE with m=message TCP/TLS/MSRP and msrps a=path, TLS connections in both RFC 6135 setup
// directions, 1 MB in chunks with a success report, texts, a=fingerprint (RFC 8122) checked; a
// wrong CA or a wrong fingerprint fails the session with a clear event within bounded time; a
// TLS offer to a phone without TLS gets 488 + Warning 302, never a TCP/MSRP answer.
// Certificates are made by the openssl CLI at test time (certificates.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phone, closePhone, waitFor, ofKind, until, text, type Phone, type AnyEvent } from './support.js';
import { haveOpenssl, makePki, type TestPki } from './certificates.js';
import type { NodeMsrpTlsOptions } from '../../platform/node/msrp-host.js';
import { chatModule } from '../../core/ua/invite-sessions.js';
import type { Socket as UdpSocket } from 'node:dgram';
import { X509Certificate } from 'node:crypto';

type Ev<K extends AnyEvent['kind']> = Extract<AnyEvent, { kind: K }>;
const is = <K extends AnyEvent['kind']>(kind: K, f: (e: Ev<K>) => boolean = () => true) => (e: AnyEvent): e is Ev<K> => e.kind === kind && f(e as Ev<K>);

const OPENSSL = haveOpenssl();
let pki: TestPki | undefined;

test.before(() => { if (OPENSSL) pki = makePki(['alice', 'bob']); });
test.after(() => pki?.remove());

function skip(): boolean {
  if (OPENSSL) return false;
  console.warn('\n  !! SKIPPED msrps tests: the openssl CLI is not installed (apt-get install openssl)\n');
  return true;
}

function tlsFor(name: string, extra: Partial<NodeMsrpTlsOptions> = {}): NodeMsrpTlsOptions {
  return { ca: pki!.ca, ...pki!.identity(name), ...extra };
}

function content(n: number): Uint8Array {
  let s = 4975;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) { s = (s * 48271) % 2147483647; b[i] = s & 0xff; }
  return b;
}

/** A offers, B accepts with `setup`; resolves once both UAs say connected (the MSRP side is the caller's to check). */
async function offerAndAccept(a: Phone, b: Phone, setup?: 'active' | 'passive'): Promise<{ aId: number; bId: number }> {
  const aId = a.sip.run((ua, now) => ua.startChat(b.uri, now)).unwrap();
  const offer = await waitFor(b, 'chat-offer', is('chat-offer'));
  assert.ok(offer.secure, 'the offer is TCP/TLS/MSRP');
  assert.match(offer.remotePath, /^msrps:\/\/127\.0\.0\.1:\d+\/[0-9a-f]+;tcp$/);
  b.sip.run((ua, now) => ua.acceptChat(offer.sessionId, now, setup)).unwrap();
  await waitFor(a, 'connected', is('chat-state', (e) => e.sessionId === aId && e.state === 'connected'));
  await waitFor(b, 'connected (ACK received)', is('chat-state', (e) => e.sessionId === offer.sessionId && e.state === 'connected'));
  return { aId, bId: offer.sessionId };
}

async function bound(a: Phone, b: Phone, aId: number, bId: number): Promise<void> {
  await waitFor(a, 'MSRP bound over TLS', is('msrp-connected', (e) => e.sessionId === aId));
  await waitFor(b, 'MSRP bound over TLS', is('msrp-connected', (e) => e.sessionId === bId));
  assert.ok(a.msrp.isSecure(aId) && b.msrp.isSecure(bId));
}

test('msrps, answerer passive: A connects to B\'s TLS listener; texts both ways, 1 MB with a success report, BYE closes', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice', { msrp: { tls: tlsFor('alice') } });
    b = await phone('bob', { msrp: { tls: tlsFor('bob') } });
    const { aId, bId } = await offerAndAccept(a, b);
    await bound(a, b, aId, bId);
    const aConnect = ofKind(a, 'msrp-connect')[0]!;
    const bConnect = ofKind(b, 'msrp-connect')[0]!;
    assert.is(aConnect.setup, 'active');
    assert.is(bConnect.setup, 'passive');
    assert.ok(aConnect.secure && bConnect.secure);
    // §8.1: A connects to the first URI of B's msrps path: B's TLS listener, not its TCP one.
    assert.is(aConnect.remotePort, b.msrp.securePort);
    assert.is.not(b.msrp.securePort, b.msrp.port);
    assert.match(aConnect.remotePath, new RegExp(`^msrps://127\\.0\\.0\\.1:${b.msrp.securePort}/`));
    assert.match(aConnect.localPath, new RegExp(`^msrps://127\\.0\\.0\\.1:${a.msrp.securePort}/`));
    // RFC 8122: each side got the other's certificate fingerprint and checked it (else no msrp-connected).
    assert.equal(aConnect.remoteFingerprints, [b.msrp.fingerprint]);
    assert.equal(bConnect.remoteFingerprints, [a.msrp.fingerprint]);
    assert.match(a.msrp.fingerprint, /^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.is(a.msrp.fingerprint, `sha-256 ${new X509Certificate(pki!.identity('alice').cert).fingerprint256}`, 'core SHA-256 agrees with OpenSSL');

    assert.ok(a.msrp.sendChatMessage(aId, 'text/plain', text('hello bob, over TLS')).ok);
    const got = await waitFor(b, 'hello', is('chat-message', (e) => e.sessionId === bId));
    assert.is(new TextDecoder().decode(got.bytes), 'hello bob, over TLS');
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
    assert.ok(Buffer.compare(Buffer.from(received[0]!.bytes), Buffer.from(big)) === 0, '1 MB byte-identical');
    assert.is(ofKind(a, 'msrp-error').length + ofKind(b, 'msrp-error').length, 0);
    console.log(`  1 MB over MSRP/TLS on loopback: ${ms.toFixed(0)} ms (${(8 * big.length / ms / 1000).toFixed(0)} Mbit/s)`);

    a.sip.run((ua, now) => ua.endChat(aId, now)).unwrap();
    await waitFor(b, 'ended by BYE', is('chat-state', (e) => e.sessionId === bId && e.state === 'ended'));
    await waitFor(a, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === aId));
    await waitFor(b, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === bId));
    await until('both TLS connections closed', () => a!.msrp.openSockets === 0 && b!.msrp.openSockets === 0, 3000);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('msrps, answerer active: B connects to A\'s TLS listener (RFC 6135 a=setup), texts both ways', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice', { msrp: { tls: tlsFor('alice') } });
    b = await phone('bob', { msrp: { tls: tlsFor('bob') } });
    const { aId, bId } = await offerAndAccept(a, b, 'active');
    await bound(a, b, aId, bId);
    assert.is(ofKind(a, 'msrp-connect')[0]!.setup, 'passive');
    const bConnect = ofKind(b, 'msrp-connect')[0]!;
    assert.is(bConnect.setup, 'active');
    assert.is(bConnect.remotePort, a.msrp.securePort);
    assert.ok(b.msrp.sendChatMessage(bId, 'text/plain', text('from the active side')).ok);
    const got = await waitFor(a, 'text', is('chat-message', (e) => e.sessionId === aId));
    assert.is(new TextDecoder().decode(got.bytes), 'from the active side');
    assert.ok(a.msrp.sendChatMessage(aId, 'text/plain', text('and back')).ok);
    const back = await waitFor(b, 'text', is('chat-message', (e) => e.sessionId === bId));
    assert.is(new TextDecoder().decode(back.bytes), 'and back');
    b.sip.run((ua, now) => ua.endChat(bId, now)).unwrap();
    await waitFor(a, 'ended by BYE', is('chat-state', (e) => e.sessionId === aId && e.state === 'ended'));
    await until('both TLS connections closed', () => a!.msrp.openSockets === 0 && b!.msrp.openSockets === 0, 3000);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('self-signed certificates, trusted through a=fingerprint alone (verify off): the session runs', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice', { msrp: { tls: { ...pki!.selfSigned('alice'), verify: false } } });
    b = await phone('bob', { msrp: { tls: { ...pki!.selfSigned('bob'), verify: false } } });
    const { aId, bId } = await offerAndAccept(a, b);
    await bound(a, b, aId, bId);
    assert.ok(a.msrp.sendChatMessage(aId, 'text/plain', text('pinned')).ok);
    const got = await waitFor(b, 'text', is('chat-message', (e) => e.sessionId === bId));
    assert.is(new TextDecoder().decode(got.bytes), 'pinned');
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('wrong CA: the connecting side reports the refused certificate, the waiting side gives up in bounded time', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    const started = Date.now();
    a = await phone('alice', { msrp: { tls: tlsFor('alice', { ca: pki!.otherCa }), connectTimeoutMs: 3000 } });
    b = await phone('bob', { msrp: { tls: tlsFor('bob'), awaitConnectionMs: 1500 } });
    const { aId, bId } = await offerAndAccept(a, b);
    const err = await waitFor(a, 'certificate error', is('msrp-error', (e) => e.sessionId === aId), 4000);
    assert.ok(err.certificate, err.message);
    assert.match(err.message, /^TLS: certificate of the peer refused: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/);
    await waitFor(a, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === aId), 2000);
    assert.is(ofKind(a, 'msrp-connected').length, 0);
    // B never gets a usable connection: its wait ends at awaitConnectionMs, naming the failed handshake.
    const bErr = await waitFor(b, 'no connection', is('msrp-error', (e) => e.sessionId === bId), 4000);
    assert.match(bErr.message, /^no MSRP TLS connection from the peer within 1500 ms \(last: TLS (handshake|connection) from .*(refuse our certificate\?\)|failed: .*)\)$/);
    await waitFor(b, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === bId), 2000);
    assert.is(ofKind(b, 'chat-message').length, 0);
    assert.is(a.msrp.sendChatMessage(aId, 'text/plain', text('x')).ok, false);
    assert.ok(Date.now() - started < 8000, 'bounded');
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('a certificate that does not match the SDP a=fingerprint is refused on either end', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    // B announces A's fingerprint as its own: A (connecting) must refuse B's real certificate.
    a = await phone('alice', { msrp: { tls: tlsFor('alice') } });
    b = await phone('bob', { msrp: { tls: tlsFor('bob'), awaitConnectionMs: 1500 } });
    b.sip.ua.enableChat(chatModule, { ...b.msrp.chatOptions(), fingerprint: a.msrp.fingerprint });
    const first = await offerAndAccept(a, b);
    const err = await waitFor(a, 'fingerprint mismatch', is('msrp-error', (e) => e.sessionId === first.aId), 4000);
    assert.ok(err.certificate);
    assert.match(err.message, /certificate sha-256 [0-9A-F:]+ does not match its a=fingerprint sha-256 /);
    await waitFor(a, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === first.aId), 2000);
    assert.is(ofKind(b, 'msrp-connected').length, 0);
  } finally {
    closePhone(a);
    closePhone(b);
  }
  try {
    // A announces B's fingerprint: B (waiting, passive) must refuse the client certificate A presents.
    a = await phone('alice', { msrp: { tls: tlsFor('alice') } });
    b = await phone('bob', { msrp: { tls: tlsFor('bob') } });
    a.sip.ua.enableChat(chatModule, { ...a.msrp.chatOptions(), fingerprint: b.msrp.fingerprint });
    const second = await offerAndAccept(a, b);
    const err = await waitFor(b, 'client fingerprint mismatch', is('msrp-error', (e) => e.sessionId === second.bId), 4000);
    assert.ok(err.certificate);
    assert.match(err.message, /does not match its a=fingerprint/);
    await waitFor(b, 'MSRP closed', is('msrp-closed', (e) => e.sessionId === second.bId), 2000);
    assert.is(ofKind(b, 'chat-message').length, 0);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test('a TLS offer to a phone without TLS: 488 with Warning 302, no chat-offer, never a TCP/MSRP answer', async () => {
  if (skip()) return;
  let a: Phone | undefined, b: Phone | undefined;
  try {
    a = await phone('alice', { msrp: { tls: tlsFor('alice') } });
    b = await phone('bob');
    const toA: string[] = [];
    (a.sip as unknown as { udp: UdpSocket }).udp.on('message', (m) => toA.push(m.toString('latin1')));
    const aId = a.sip.run((ua, now) => ua.startChat(b!.uri, now)).unwrap();
    const ended = await waitFor(a, 'ended', is('chat-state', (e) => e.sessionId === aId && e.state === 'ended'), 3000);
    assert.is(ended.status, 488);
    const final = await until('the 488', () => toA.find((m) => m.startsWith('SIP/2.0 488 ')), 2000);
    assert.match(final, /\r\nWarning: 302 127\.0\.0\.1:\d+ "Incompatible transport protocol"\r\n/);
    assert.match(final, /\r\nTo: <sip:bob@127\.0\.0\.1:\d+>;tag=/);
    assert.ok(!toA.some((m) => m.includes('TCP/MSRP')), 'no TCP/MSRP answer');
    assert.is(ofKind(b, 'chat-offer').length, 0);
    assert.is(ofKind(a, 'msrp-connect').length, 0);
    // With msrpTransport 'tcp' the same TLS-capable phone offers plain TCP, which B takes.
    a.sip.ua.enableChat(chatModule, { ...a.msrp.chatOptions('tcp') });
    const again = a.sip.run((ua, now) => ua.startChat(b!.uri, now)).unwrap();
    const offer = await waitFor(b, 'chat-offer', is('chat-offer'));
    assert.is(offer.secure, false);
    assert.match(offer.remotePath, /^msrp:\/\//);
    b.sip.run((ua, now) => ua.acceptChat(offer.sessionId, now)).unwrap();
    await waitFor(a, 'MSRP bound over TCP', is('msrp-connected', (e) => e.sessionId === again));
    assert.is(a.msrp.isSecure(again), false);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test.run();
