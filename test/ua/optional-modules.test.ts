// The UA's optional modules (UaModules: TCP/TLS flows, NAT keep-alives, SHA-256 digest): a UA
// built without one refuses at construction any config that needs it, with a message naming the
// module, never drops stream traffic silently, and says why a SHA-256-only challenge goes
// unanswered; with the module it behaves as before (streams-keepalive.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { streamModule } from '../../core/ua/stream-flows.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';
import { sha256Module } from '../../core/bytes/sha256.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { enc, dec, seededRandom } from './memory-net.js';

const P2P: UaConfig = { aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, random: seededRandom(5), inboundMessagePolicy: 'open' };

function events(ua: UserAgent): UaEvent[] {
  const out = new Outgoing();
  while (ua.pollTransmit(out)) { /* drained */ }
  const all: UaEvent[] = [];
  let e;
  while ((e = ua.pollEvent()) !== undefined) all.push(e);
  return all;
}

test('a tcp or tls account without the stream module is refused at construction, naming the module', () => {
  for (const transport of ['tcp', 'tls'] as const) {
    assert.throws(() => new UserAgent({ ...P2P, transport }), (e: Error) => e instanceof RangeError && e.message.includes(`transport '${transport}'`) && e.message.includes('streamModule') && e.message.includes('core/ua/stream-flows.js'));
    assert.not.throws(() => new UserAgent({ ...P2P, transport }, { streams: streamModule }));
  }
  assert.throws(() => new UserAgent({ ...P2P, registrar: 'sip:10.0.0.100:5060;transport=tcp' }), /a tcp registrar\/outbound proxy needs the stream module.*streamModule/);
  assert.throws(() => new UserAgent({ ...P2P, outboundProxy: 'sip:10.0.0.100:5061;transport=tls' }), /a tls registrar\/outbound proxy needs the stream module/);
  assert.throws(() => new UserAgent({ ...P2P, largeRequestsOverTcp: true }), /largeRequestsOverTcp needs the stream module.*streamModule/);
});

test('UDP and WebSocket accounts need no stream module; largeRequestsOverTcp then defaults to off', () => {
  const udp = new UserAgent(P2P);
  assert.is(udp.config.largeRequestsOverTcp, false);
  assert.is(new UserAgent(P2P, { streams: streamModule }).config.largeRequestsOverTcp, true, 'with the module the default is as before');
  assert.not.throws(() => new UserAgent({ ...P2P, registrar: 'sip:10.0.0.100:8080;transport=ws' }));
  const r = udp.sendMessage('sip:bob@10.0.0.2:5070', 'text/plain', new Uint8Array(1400).fill(65), 0);
  assert.ok(r.err);
  if (r.ok) return;
  assert.is(r.val.code, 'too-big');
  assert.match(r.val.message, /stream module/);
});

test('without the stream module a request to a transport=tcp target is a local error, not a silent loss', () => {
  const ua = new UserAgent(P2P);
  const r = ua.sendMessage('sip:bob@10.0.0.2:5070;transport=tcp', 'text/plain', enc('hi'), 0);
  assert.ok(r.err);
  if (r.ok) return;
  assert.is(r.val.kind, 'local');
  assert.is(r.val.code, 'no-stream-module');
  assert.match(r.val.message, /MESSAGE to tcp:10\.0\.0\.2:5070 needs the stream module \(UaModules\.streams\)/);
  const withStreams = new UserAgent(P2P, { streams: streamModule });
  assert.ok(withStreams.sendMessage('sip:bob@10.0.0.2:5070;transport=tcp', 'text/plain', enc('hi'), 0).ok);
});

test('without the stream module stream bytes are dropped with a warning that says why', () => {
  const ua = new UserAgent(P2P);
  const msg = enc('OPTIONS sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.9:40000;branch=z9hG4bKs1\r\nFrom: <sip:x@10.0.0.9>;tag=1\r\nTo: <sip:alice@10.0.0.1>\r\nCall-ID: s1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
  ua.handleStream({ transport: 'tcp', address: '10.0.0.9', port: 40000 }, msg, 0, msg.length, 0);
  const warnings = events(ua).filter((e) => e.kind === 'warning');
  assert.is(warnings.length, 1);
  assert.is((warnings[0] as { code: string }).code, 'no-stream-module');
  assert.is(ua.dropped, 1);
  // The same bytes with the module: answered on the flow.
  const withStreams = new UserAgent(P2P, { streams: streamModule });
  withStreams.handleStream({ transport: 'tcp', address: '10.0.0.9', port: 40000 }, msg, 0, msg.length, 0);
  const out = new Outgoing();
  assert.ok(withStreams.pollTransmit(out));
  assert.equal({ ...out.endpoint }, { transport: 'tcp', address: '10.0.0.9', port: 40000 });
  assert.match(new TextDecoder().decode(out.bytes.subarray(out.off, out.off + out.len)), /^SIP\/2\.0 200 OK\r\n/);
});

test('a keep-alive mode without the keep-alive module is refused at construction, naming the module', () => {
  const reg: UaConfig = { ...P2P, registrar: 'sip:10.0.0.100:5060' };
  for (const mode of ['stun', 'udp-crlf'] as const) {
    assert.throws(() => new UserAgent({ ...reg, keepalive: { mode, intervalMs: 20_000 } }), (e: Error) => e instanceof RangeError && e.message.includes(`keepalive mode '${mode}'`) && e.message.includes('keepaliveModule') && e.message.includes('core/transport/keepalive.js'));
    assert.not.throws(() => new UserAgent({ ...reg, keepalive: { mode, intervalMs: 20_000 } }, { keepalive: keepaliveModule }));
  }
  assert.throws(() => new UserAgent({ ...reg, registrar: 'sip:10.0.0.100:5060;transport=tcp', keepalive: { mode: 'stream-ping', intervalMs: 20_000 } }, { streams: streamModule }), /keepaliveModule/);
  assert.not.throws(() => new UserAgent({ ...reg, keepalive: { mode: 'off', intervalMs: 20_000 } }));
});

test('without the keep-alive module a STUN datagram is reported, as one that is not our keep-alive', () => {
  const ua = new UserAgent({ ...P2P, registrar: 'sip:10.0.0.100:5060' });
  const stun = new Uint8Array(20);
  stun[0] = 0x01; stun[1] = 0x01; // Binding success response
  stun[4] = 0x21; stun[5] = 0x12; stun[6] = 0xa4; stun[7] = 0x42; // magic cookie
  ua.handleDatagram(stun, 0, stun.length, { transport: 'udp', address: '10.0.0.100', port: 5060 }, 0);
  const warnings = events(ua).filter((e) => e.kind === 'warning').map((e) => (e as { code: string }).code);
  assert.equal(warnings, ['stray-stun']);
});

const REGISTRAR = { transport: 'udp', address: '10.0.0.100', port: 5060 } as const;

/** Registers, answers the REGISTER with a 401 carrying `challenges` (in order), returns what the UA sends next and its warnings. */
function challengeWith(challenges: readonly string[], modules: ConstructorParameters<typeof UserAgent>[1]): { next: string | null; warnings: string[]; states: string[] } {
  const ua = new UserAgent({ ...P2P, registrar: 'sip:10.0.0.100:5060', username: 'alice', password: 'secret' }, modules);
  ua.register(0);
  const out = new Outgoing();
  assert.ok(ua.pollTransmit(out));
  const register = out.bytes.slice(out.off, out.off + out.len);
  const view = new SipMessageView();
  assert.ok(parse(register, 0, register.length, view, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => view.headerText(id)!;
  const challenge = enc([
    'SIP/2.0 401 Unauthorized', `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=r1`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    ...challenges.map((c) => `WWW-Authenticate: ${c}`), 'Content-Length: 0', '', '',
  ].join('\r\n'));
  ua.handleDatagram(challenge, 0, challenge.length, REGISTRAR, 10);
  const next = ua.pollTransmit(out) ? dec(out.bytes.slice(out.off, out.off + out.len)) : null;
  const all = events(ua);
  return {
    next,
    warnings: all.filter((e) => e.kind === 'warning').map((e) => (e as { code: string }).code),
    states: all.filter((e) => e.kind === 'registration').map((e) => (e as { state: string }).state),
  };
}

const SHA256_CHALLENGE = 'Digest realm="test", nonce="n256", algorithm=SHA-256, qop="auth"';
const MD5_CHALLENGE = 'Digest realm="test", nonce="n5", algorithm=MD5, qop="auth"';

test('SHA-256 digest (RFC 8760) is answered with the sha256 module', () => {
  const r = challengeWith([SHA256_CHALLENGE], { sha256: sha256Module });
  assert.ok(r.next !== null, 'the REGISTER is sent again with credentials');
  assert.match(r.next!, /\r\nAuthorization: Digest [^\r]*algorithm=SHA-256/);
  assert.match(r.next!, /response="[0-9a-f]{64}"/);
  assert.equal(r.warnings, []);
});

test('without the sha256 module a SHA-256-only challenge fails the registration with a warning naming the module', () => {
  const r = challengeWith([SHA256_CHALLENGE], {});
  assert.is(r.next, null, 'nothing is sent that the server could not check');
  assert.equal(r.warnings, ['digest-algorithm-unsupported']);
  assert.ok(r.states.includes('failed') || r.states.includes('backing-off'), r.states.join(', '));
});

test('without the sha256 module an MD5 challenge next to a SHA-256 one is answered (RFC 8760 §2.4: the first we support)', () => {
  const r = challengeWith([SHA256_CHALLENGE, MD5_CHALLENGE], {});
  assert.ok(r.next !== null);
  assert.match(r.next!, /\r\nAuthorization: Digest [^\r]*algorithm=MD5/);
  assert.match(r.next!, /response="[0-9a-f]{32}"/);
  assert.equal(r.warnings, []);
  const withSha = challengeWith([SHA256_CHALLENGE, MD5_CHALLENGE], { sha256: sha256Module });
  assert.match(withSha.next!, /algorithm=SHA-256/, 'with the module the first challenge (SHA-256) is the one answered, as before');
});

test.run();
