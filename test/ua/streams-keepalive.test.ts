// Stream transports and keep-alives, driven by hand (no network): a REGISTER over TCP whose
// responses arrive split at arbitrary bytes through handleStream; the flow closing → re-register
// at once (RFC 5626 §4.4.1); double-CRLF pings answered by a lone CRLF pong, and a missing pong
// → flow failed; on UDP, a STUN keep-alive whose answer reports our public address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type Endpoint, type UaEvent, type UaConfig } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { STUN_MAGIC_COOKIE } from '../../core/stun/binding.js';
import { enc, dec, seededRandom } from './memory-net.js';
import { streamModule } from '../../core/ua/stream-flows.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';

const REGISTRAR_TCP: Endpoint = { transport: 'tcp', address: '10.0.0.100', port: 5060 };

class Driver {
  readonly ua: UserAgent;
  readonly out = new Outgoing();
  readonly events: UaEvent[] = [];
  now = 0;
  constructor(config: Omit<UaConfig, 'random'>) {
    // A host with TCP sockets and NAT keep-alives: both optional modules, as NodeUaHost passes them.
    this.ua = new UserAgent({ random: seededRandom(9), ...config }, { streams: streamModule, keepalive: keepaliveModule });
  }
  drain(): { text: string; bytes: Uint8Array; endpoint: Endpoint; token: number }[] {
    const sent = [];
    while (this.ua.pollTransmit(this.out)) {
      const bytes = this.out.bytes.slice(this.out.off, this.out.off + this.out.len);
      sent.push({ text: dec(bytes), bytes, endpoint: this.out.endpoint, token: this.out.token });
    }
    let e;
    while ((e = this.ua.pollEvent()) !== undefined) this.events.push(e);
    return sent;
  }
  advance(to: number): { text: string; bytes: Uint8Array; endpoint: Endpoint; token: number }[] {
    const all = [];
    for (let guard = 0; guard < 10_000; guard++) {
      const t = this.ua.pollTimeout();
      if (t > to) break;
      this.now = Math.max(this.now, t);
      this.ua.handleTimeout(this.now);
      all.push(...this.drain());
    }
    this.now = to;
    return all;
  }
  states(): string[] {
    return this.events.filter((e) => e.kind === 'registration').map((e) => (e as { state: string }).state);
  }
}

/** A 200 for the REGISTER in `text` that lists its Contact. */
function okFor(text: string): string {
  const view = new SipMessageView();
  const b = enc(text);
  assert.ok(parse(b, 0, b.length, view, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => view.headerText(id)!;
  return [
    'SIP/2.0 200 OK', `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=reg1`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    `Contact: ${h(H.CONTACT)};expires=600`, 'Content-Length: 0', '', '',
  ].join('\r\n');
}

function tcpAlice(keepalive?: UaConfig['keepalive']): Driver {
  return new Driver({
    aor: 'sip:alice@10.0.0.100', registrar: 'sip:10.0.0.100:5060;transport=tcp', transport: 'tcp',
    localAddress: '10.0.0.1', localPort: 40000, expires: 600, backoff: { baseS: 1, maxS: 4 }, ...(keepalive ? { keepalive } : {}),
  });
}

test('REGISTER over TCP: Via says TCP, no retransmissions, the 200 arrives in three stream chunks', () => {
  const d = tcpAlice();
  d.ua.register(0);
  const sent = d.drain();
  assert.is(sent.length, 1);
  assert.equal(sent[0]!.endpoint, REGISTRAR_TCP);
  assert.match(sent[0]!.text, /\r\nVia: SIP\/2\.0\/TCP 10\.0\.0\.1:40000;branch=/);
  assert.match(sent[0]!.text, /\r\nContact: <sip:alice@10\.0\.0\.1:40000;transport=tcp>\r\n/);
  assert.is(d.advance(5000).filter((s) => s.text.startsWith('REGISTER')).length, 0, 'reliable transport: no Timer E');
  const ok = enc(okFor(sent[0]!.text));
  for (const [a, b] of [[0, 17], [17, 90], [90, ok.length]] as const) {
    d.ua.handleStream(REGISTRAR_TCP, ok, a, b - a, d.now);
    d.drain();
  }
  assert.equal(d.states(), ['registering', 'registered']);
});

test('the registrar flow closes → registration lost → REGISTER again at once → restored', () => {
  const d = tcpAlice();
  d.ua.register(0);
  let reg = d.drain()[0]!;
  d.ua.handleStream(REGISTRAR_TCP, enc(okFor(reg.text)), 0, enc(okFor(reg.text)).length, 10);
  d.drain();
  d.ua.handleFlowClosed(REGISTRAR_TCP, 1000);
  assert.is(d.drain().length, 0, 'the host hears of the loss before the REGISTER (it may drop the connection)');
  assert.is(d.ua.pollTimeout(), 1000, 'the REGISTER is due at once');
  const again = d.advance(1000);
  assert.is(again.length, 1, 're-REGISTER sent at once (the next tick)');
  assert.ok(d.events.some((e) => e.kind === 'registration-lost' && e.cause === 'flow-failed'));
  reg = again[0]!;
  const ok = enc(okFor(reg.text));
  d.ua.handleStream(REGISTRAR_TCP, ok, 0, ok.length, 1010);
  d.drain();
  assert.ok(d.events.some((e) => e.kind === 'registration-restored'));
  assert.is(d.ua.registrationState, 'registered');
});

test('stream keep-alive: CRLFCRLF ping, CRLF pong keeps the flow; no pong → flow failed → re-register', () => {
  const d = tcpAlice({ mode: 'stream-ping', intervalMs: 30_000, answerTimeoutMs: 10_000 });
  d.ua.register(0);
  const reg = d.drain()[0]!;
  const ok = enc(okFor(reg.text));
  d.ua.handleStream(REGISTRAR_TCP, ok, 0, ok.length, 10);
  d.drain();
  const first = d.advance(31_000);
  const pings = first.filter((s) => s.text === '\r\n\r\n');
  assert.is(pings.length, 1, 'one ping within the interval');
  assert.equal(pings[0]!.endpoint, REGISTRAR_TCP);
  assert.is(pings[0]!.token, -1);
  d.ua.handleStream(REGISTRAR_TCP, enc('\r\n'), 0, 2, d.now);
  d.drain();
  const quiet = d.advance(45_000);
  assert.is(quiet.filter((s) => s.text.startsWith('REGISTER')).length, 0, 'pong arrived: nothing happens');
  const later = d.advance(90_000);
  assert.ok(later.some((s) => s.text === '\r\n\r\n'), 'next ping');
  assert.ok(later.some((s) => s.text.startsWith('REGISTER')), 'no pong within 10 s → flow failed → REGISTER');
  assert.ok(d.events.some((e) => e.kind === 'registration-lost' && e.cause === 'flow-failed'));
});

test('UDP STUN keep-alive: a binding request to the registrar, the answer gives public-address', () => {
  const d = new Driver({
    aor: 'sip:alice@10.0.0.100', registrar: 'sip:10.0.0.100:5060', localAddress: '10.0.0.1', localPort: 5060, expires: 600,
    keepalive: { mode: 'stun', intervalMs: 20_000 },
  });
  d.ua.register(0);
  const reg = d.drain()[0]!;
  const ok = enc(okFor(reg.text));
  d.ua.handleDatagram(ok, 0, ok.length, { transport: 'udp', address: '10.0.0.100', port: 5060 }, 10);
  d.drain();
  const sent = d.advance(21_000).filter((s) => s.bytes.length === 20);
  assert.is(sent.length, 1, 'one STUN binding request');
  const req = sent[0]!.bytes;
  // Binding success response with XOR-MAPPED-ADDRESS 203.0.113.7:40001.
  const res = new Uint8Array(32);
  const dv = new DataView(res.buffer);
  dv.setUint16(0, 0x0101); dv.setUint16(2, 12); dv.setUint32(4, STUN_MAGIC_COOKIE);
  res.set(req.subarray(8, 20), 8);
  dv.setUint16(20, 0x0020); dv.setUint16(22, 8); dv.setUint8(25, 1);
  dv.setUint16(26, 40001 ^ (STUN_MAGIC_COOKIE >>> 16));
  dv.setUint32(28, ((203 << 24) | (0 << 16) | (113 << 8) | 7) ^ STUN_MAGIC_COOKIE);
  d.ua.handleDatagram(res, 0, res.length, { transport: 'udp', address: '10.0.0.100', port: 5060 }, d.now);
  d.drain();
  const pa = d.events.filter((e) => e.kind === 'public-address');
  assert.is(pa.length, 1);
  assert.match((pa[0] as { address: string }).address, /203\.0\.113\.7/);
});

test('size rule: a 3000-byte MESSAGE is refused on a UDP account without TCP fallback but goes out on a TCP one', () => {
  const udp = new Driver({ aor: 'sip:alice@10.0.0.100', registrar: 'sip:10.0.0.100:5060', localAddress: '10.0.0.1', localPort: 5060, largeRequestsOverTcp: false });
  const big = new Uint8Array(3000).fill(0x61);
  const refused = udp.ua.sendMessage('sip:bob@10.0.0.100', 'text/plain', big, 0);
  assert.ok(refused.err && refused.val.code === 'too-big');
  const tcp = tcpAlice();
  assert.ok(tcp.ua.sendMessage('sip:bob@10.0.0.100', 'text/plain', big, 0).ok);
  const sent = tcp.drain();
  assert.is(sent.length, 1);
  assert.equal(sent[0]!.endpoint, REGISTRAR_TCP);
  assert.ok(sent[0]!.bytes.length > 3000);
  assert.match(sent[0]!.text, /\r\nContent-Length: 3000\r\n/);
});

test.run();
