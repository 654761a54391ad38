// RFC 3263 §4.3 failover, the UA's half (core/ua/failover.ts), in virtual time: a test host maps
// the name "registrar.test" to two (or three) fake servers the way platform/node/ua-host.ts does
// (each transaction bound to one target; a send marked `failoverOf` goes to the next target its
// request has not tried; none left → handleNoNextTarget; a digest answer goes where the challenge
// came from). Also RFC 3261 §18.2.2 / RFC 3581 §4: where the UA sends its responses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type Endpoint, type UaConfig } from '../../core/ua/index.js';
import { MAX_FAILOVER_ATTEMPTS } from '../../core/ua/failover.js';
import { H } from '../../core/sip/header-ids.js';
import { MemoryNet, UaNode, dec, enc, seededRandom, type FakePeer } from './memory-net.js';
import { streamModule } from '../../core/ua/stream-flows.js';

const NAME = 'registrar.test';

/** The UA's host for these tests: resolves NAME to `targets` and implements the failover marker. */
class FailoverHost extends UaNode {
  /** Tokens handed to handleNoNextTarget. */
  readonly exhausted: number[] = [];
  /** Which target each token went to, and the targets its request tried before. */
  private readonly bound = new Map<number, { target: number; tried: number[] }>();
  private readonly o = new Outgoing();
  /** A host that knows nothing of failover: every send to NAME goes to the first target. */
  ignoreMarker = false;
  constructor(net: MemoryNet, ua: UserAgent, endpoint: Endpoint, readonly targets: readonly Endpoint[]) {
    super(net, ua, endpoint);
  }

  override drain(): void {
    const none: number[] = [];
    while (this.ua.pollTransmit(this.o)) {
      const o = this.o;
      const bytes = o.bytes.slice(o.off, o.off + o.len);
      this.sent.push(dec(bytes));
      let to = o.endpoint;
      if (o.endpoint.address === NAME) {
        let b = this.bound.get(o.token);
        const challenged = o.sameTargetAs >= 0 ? this.bound.get(o.sameTargetAs) : undefined;
        if (b === undefined && challenged !== undefined) this.bound.set(o.token, b = challenged);
        if (b === undefined) {
          let tried: number[] = [];
          const failed = o.failoverOf >= 0 && !this.ignoreMarker ? this.bound.get(o.failoverOf) : undefined;
          if (failed !== undefined) tried = [...failed.tried, failed.target];
          const next = this.ignoreMarker ? 0 : this.targets.findIndex((_, i) => !tried.includes(i));
          if (next < 0) { none.push(o.token); continue; }
          b = { target: next, tried };
          this.bound.set(o.token, b);
        }
        to = this.targets[b.target]!;
      }
      this.net.send(bytes, this.endpoint, to);
    }
    for (const token of none) { this.exhausted.push(token); this.ua.handleNoNextTarget(token, this.net.now); }
    if (none.length > 0) { this.drain(); return; }
    this.deadline = this.ua.pollTimeout();
    for (let e = this.ua.pollEvent(); e !== undefined; e = this.ua.pollEvent()) this.events.push(e);
  }
}

type Behaviour = 'ok' | '503' | '408' | 'silent' | { retryAfter: number };

/** A registrar / proxy that answers every request the same way. */
function server(net: MemoryNet, address: string, behaviour: Behaviour): { peer: FakePeer; got: string[] } {
  const peer = net.addPeer(address, 5060);
  const got: string[] = [];
  peer.handler = (p, text, from) => {
    if (text.startsWith('SIP/2.0')) return;
    got.push(text);
    if (behaviour === 'silent') return;
    if (behaviour === '503') { p.reply(from, 503, 'Service Unavailable'); return; }
    if (behaviour === '408') { p.reply(from, 408, 'Request Timeout'); return; }
    if (typeof behaviour === 'object') { p.reply(from, 503, 'Service Unavailable', [['Retry-After', String(behaviour.retryAfter)]]); return; }
    const contact = p.header(H.CONTACT);
    p.reply(from, 200, 'OK', text.startsWith('REGISTER') && contact !== '' ? [['Contact', `${contact};expires=120`]] : []);
  };
  return { peer, got };
}

function phone(net: MemoryNet, targets: Endpoint[], extra: Partial<UaConfig> = {}): FailoverHost {
  const config: UaConfig = {
    aor: 'sip:alice@registrar.test', registrar: `sip:${NAME}`, localAddress: '10.0.0.1', localPort: 5060,
    expires: 120, t1: 50, backoff: { baseS: 2, maxS: 8 }, random: seededRandom(7), ...extra,
  };
  const ua = new UserAgent(config);
  const endpoint: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };
  const node = new FailoverHost(net, ua, endpoint, targets);
  net.nodes.set('10.0.0.1:5060', node);
  return node;
}

const target = (address: string): Endpoint => ({ transport: 'udp', address, port: 5060 });
const header = (text: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(text)?.[1] ?? '';
const branch = (text: string) => /branch=([^;\s]+)/.exec(text)?.[1] ?? '';

test('REGISTER: 503 from the first target → new transaction at the second → registered, one machine outcome', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', '503');
  const b = server(net, '10.0.0.12', 'ok');
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')]);
  assert.ok(ua.ua.register(net.now).ok);
  ua.drain();
  net.run(2000);
  assert.is(a.got.length, 1);
  assert.is(b.got.length, 1);
  const [first, second] = [a.got[0]!, b.got[0]!];
  assert.is(header(second, 'Call-ID'), header(first, 'Call-ID'), 'same Call-ID');
  assert.is(parseInt(header(second, 'CSeq'), 10), parseInt(header(first, 'CSeq'), 10) + 1, 'CSeq + 1 (§10.2)');
  assert.is.not(branch(second), branch(first), 'a new transaction (§4.3: new branch)');
  const failovers = ua.of('failover');
  assert.equal(failovers.map((f) => [f.method, f.status, f.retryAfter, f.attempt]), [['REGISTER', 503, -1, 1]]);
  const states = ua.of('registration').map((e) => e.state);
  assert.equal(states, ['registering', 'registered'], 'the machine saw the 200 only');
  assert.is(ua.exhausted.length, 0);
  // The next REGISTER (a refresh) is a fresh request: the test host starts at the first target again,
  // and the UA keeps its CSeq sequence.
  assert.ok(ua.ua.unregister(net.now).ok);
  ua.drain();
  net.run(2000);
  assert.is(a.got.length, 2, 'unregister tried the first target');
  assert.is(b.got.length, 2, 'and failed over again');
  assert.is(parseInt(header(b.got[1]!, 'CSeq'), 10), parseInt(header(a.got[1]!, 'CSeq'), 10) + 1);
  assert.is(ua.of('registration').at(-1)!.state, 'unregistered');
});

test('MESSAGE: a 408 response from the first target → the second target delivers it (the issue: "503/408/transport error")', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', '408');
  const b = server(net, '10.0.0.12', 'ok');
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')]);
  const id = ua.ua.sendMessage('sip:bob@registrar.test', 'text/plain', enc('hi'), net.now).unwrap();
  ua.drain();
  net.run(2000);
  assert.is(a.got.length, 1);
  assert.is(b.got.length, 1);
  assert.is.not(branch(b.got[0]!), branch(a.got[0]!));
  assert.equal(ua.of('failover').map((f) => [f.method, f.status, f.attempt]), [['MESSAGE', 408, 1]]);
  const outcome = ua.of('message-status').filter((e) => e.id === id);
  assert.equal(outcome.map((e) => [e.outcome, e.status]), [['accepted', 200]], 'one delivery event: the 200');
});

test('REGISTER: the first target never answers → Timer F (64·T1) → the second target → registered', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', 'silent');
  const b = server(net, '10.0.0.12', 'ok');
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')]);
  ua.ua.register(net.now);
  ua.drain();
  net.run(64 * 50 - 100);
  assert.is(b.got.length, 0, 'nothing at the second target before Timer F');
  assert.ok(a.got.length > 3, 'the first target got retransmissions');
  assert.ok(a.got.every((t) => branch(t) === branch(a.got[0]!)), 'all of one transaction');
  net.run(1000);
  assert.is(b.got.length, 1);
  assert.equal(ua.of('failover').map((f) => [f.status, f.attempt]), [[408, 1]]);
  assert.equal(ua.of('registration').map((e) => e.state), ['registering', 'registered']);
});

test('REGISTER: every target answers 503 with Retry-After → no target left → the machine gets the 503 and waits Retry-After', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', { retryAfter: 20 });
  const b = server(net, '10.0.0.12', { retryAfter: 30 });
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')]);
  ua.ua.register(net.now);
  ua.drain();
  net.run(1000);
  assert.is(a.got.length, 1);
  assert.is(b.got.length, 1);
  assert.is(ua.exhausted.length, 1, 'the host had no third target');
  assert.equal(ua.of('failover').map((f) => [f.status, f.retryAfter]), [[503, 20], [503, 30]]);
  const last = ua.of('registration').at(-1)!;
  assert.is(last.state, 'backing-off');
  assert.is(last.cause, 'retry-after');
  assert.is(last.status, 503);
  assert.is(last.nextAttemptAt - last.at, 30_000, 'the last target\'s Retry-After');
  assert.is(ua.sent.filter((t) => t.startsWith('REGISTER')).length, 3, 'two sent, the third attempt never left');
});

test('REGISTER: both targets silent → the machine sees the timeout and backs off', () => {
  const net = new MemoryNet();
  server(net, '10.0.0.11', 'silent');
  server(net, '10.0.0.12', 'silent');
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')]);
  ua.ua.register(net.now);
  ua.drain();
  net.run(2 * 64 * 50 + 500);
  const last = ua.of('registration').at(-1)!;
  assert.is(last.state, 'backing-off');
  assert.is(last.cause, 'timeout');
  assert.is(last.status, 408);
  assert.is(ua.exhausted.length, 1);
});

test('digest: the first target challenges, then 503s the answered REGISTER; the second challenges with its own nonce → answered → registered', () => {
  const net = new MemoryNet();
  const challenger = (address: string, afterAuth: 'ok' | '503') => {
    const peer = net.addPeer(address, 5060);
    const got: string[] = [];
    peer.handler = (p, text, from) => {
      if (text.startsWith('SIP/2.0')) return;
      got.push(text);
      // Only its own nonce counts: the retry arrives with the first target's nonce (preemptive).
      if (!p.header(H.AUTHORIZATION).includes(`nonce="${address}"`)) {
        p.reply(from, 401, 'Unauthorized', [['WWW-Authenticate', `Digest realm="registrar.test", nonce="${address}", qop="auth", algorithm=MD5`]]);
      } else if (afterAuth === '503') {
        p.reply(from, 503, 'Service Unavailable');
      } else {
        p.reply(from, 200, 'OK', [['Contact', `${p.header(H.CONTACT)};expires=120`]]);
      }
    };
    return got;
  };
  const a = challenger('10.0.0.11', '503');
  const b = challenger('10.0.0.12', 'ok');
  const ua = phone(net, [target('10.0.0.11'), target('10.0.0.12')], { username: 'alice', password: 'alicepw' });
  ua.ua.register(net.now);
  ua.drain();
  net.run(2000);
  assert.is(a.length, 2, 'challenge, then 503 to the answer');
  assert.ok(/nonce="10\.0\.0\.11"/.test(header(b[0]!, 'Authorization')), 'the retry carried the credentials it had (preemptive)');
  assert.is(b.length, 2, 'a new challenge at the second target is answered, not taken as a wrong password');
  assert.ok(/nonce="10\.0\.0\.12"/.test(header(b[1]!, 'Authorization')), 'answered with the second target\'s nonce');
  assert.equal(ua.of('registration').map((e) => e.state), ['registering', 'registered']);
});

test('an IP-literal registrar is one target: a 503 goes straight to the machine', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', '503');
  const ua = phone(net, [], { registrar: 'sip:10.0.0.11', aor: 'sip:alice@10.0.0.11' });
  ua.ua.register(net.now);
  ua.drain();
  net.run(1000);
  assert.is(a.got.length, 1);
  assert.is(ua.of('failover').length, 0);
  assert.is(ua.of('registration').at(-1)!.state, 'backing-off');
});

test('a host that ignores the marker cannot make the UA loop: at most MAX_FAILOVER_ATTEMPTS retries', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', '503');
  const ua = phone(net, [target('10.0.0.11')]);
  ua.ignoreMarker = true;
  ua.ua.register(net.now);
  ua.drain();
  net.run(2000);
  assert.is(a.got.length, 1 + MAX_FAILOVER_ATTEMPTS);
  assert.is(ua.of('registration').at(-1)!.state, 'backing-off');
});

test('MESSAGE through a named proxy: 503 then 200 → accepted; all targets 503 → refused 503; all silent → timeout', () => {
  for (const [behaviours, outcome, status] of [
    [['503', 'ok'], 'accepted', 200],
    [['503', '503', '503'], 'refused', 503],
    [['silent', 'silent'], 'timeout', 408],
  ] as const) {
    const net = new MemoryNet();
    const servers = behaviours.map((b, i) => server(net, `10.0.0.${11 + i}`, b));
    const ua = phone(net, servers.map((s) => s.peer.endpoint), { registrar: null, outboundProxy: `sip:${NAME}` });
    const id = ua.ua.sendMessage('sip:bob@example.test', 'text/plain', enc('hi'), net.now).unwrap();
    ua.drain();
    net.run(behaviours.length * 64 * 50 + 1000);
    const st = ua.of('message-status');
    assert.is(st.length, 1, `exactly one message-status (${behaviours.join(',')})`);
    assert.is(st[0]!.id, id);
    assert.is(st[0]!.outcome, outcome);
    assert.is(st[0]!.status, status);
    for (const s of servers) {
      assert.ok(s.got.length > 0 && s.got.every((t) => t.startsWith('MESSAGE ')), 'every target got the MESSAGE');
      assert.is(new Set(s.got.map(branch)).size, 1, 'one transaction per target');
    }
    assert.is(new Set(servers.map((s) => header(s.got[0]!, 'Call-ID'))).size, 1, 'one Call-ID across the targets');
    assert.is(ua.of('failover').length, behaviours.length - 1 + (outcome === 'accepted' ? 0 : 1));
  }
});

test('SUBSCRIBE (initial), PUBLISH and OPTIONS fail over too', () => {
  const net = new MemoryNet();
  const a = server(net, '10.0.0.11', '503');
  const b = server(net, '10.0.0.12', 'ok');
  const ua = phone(net, [a.peer.endpoint, b.peer.endpoint], { registrar: null, outboundProxy: `sip:${NAME}` });
  ua.ua.subscribe('sip:bob@example.test', 'presence', net.now);
  ua.ua.publish(enc('<presence/>'), 'application/pidf+xml', net.now);
  ua.ua.sendOptions('sip:bob@example.test', net.now);
  ua.drain();
  net.run(2000);
  const methods = (list: string[]) => list.map((t) => t.split(' ')[0]).sort();
  assert.equal(methods(a.got), ['OPTIONS', 'PUBLISH', 'SUBSCRIBE']);
  assert.equal(methods(b.got), ['OPTIONS', 'PUBLISH', 'SUBSCRIBE']);
  assert.equal(ua.of('failover').map((f) => f.method).sort(), ['OPTIONS', 'PUBLISH', 'SUBSCRIBE']);
  assert.is(ua.of('options-status')[0]!.status, 200);
  assert.ok(ua.of('publication').some((e) => e.state === 'published'), 'publication established at the second target');
  const accepted = ua.of('subscription').filter((e) => e.cause === 'accepted');
  assert.equal(accepted.map((e) => [e.state, e.status]), [['notify-wait', 200]], 'the 2xx of the second target, once (the 503 never reached the machine)');
});

// ---- RFC 3261 §18.2.2 / RFC 3581 §4: where responses go ----

function optionsFrom(peer: FakePeer, to: Endpoint, via: string): void {
  peer.request(to, [
    'OPTIONS sip:alice@10.0.0.1 SIP/2.0', `Via: ${via}`, 'Max-Forwards: 70', 'From: <sip:carol@10.0.0.9>;tag=c1',
    'To: <sip:alice@10.0.0.1>', `Call-ID: ${via.length}x@10.0.0.9`, 'CSeq: 1 OPTIONS',
  ]);
}

test('§18.2.2 UDP: no rport → the sent-by port at the source address; rport → the source port; maddr → that address', () => {
  const net = new MemoryNet();
  const ua = phone(net, [], { registrar: null, inboundMessagePolicy: 'open' });
  const source = net.addPeer('10.0.0.9', 6000);
  const sentBy = net.addPeer('10.0.0.9', 5070);
  const multicast = net.addPeer('10.0.0.77', 5070);
  optionsFrom(source, ua.endpoint, 'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKnorport');
  optionsFrom(source, ua.endpoint, 'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKwithrport;rport');
  optionsFrom(source, ua.endpoint, 'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKmaddr;maddr=10.0.0.77;ttl=1');
  net.run(100);
  const status = (list: string[], b: string) => list.filter((t) => t.startsWith('SIP/2.0 200') && t.includes(b)).length;
  assert.is(status(sentBy.received, 'z9hG4bKnorport'), 1, 'to the sent-by port');
  assert.is(status(source.received, 'z9hG4bKnorport'), 0);
  assert.is(status(source.received, 'z9hG4bKwithrport'), 1, 'rport: back to the source port');
  assert.is(status(sentBy.received, 'z9hG4bKwithrport'), 0);
  assert.is(status(multicast.received, 'z9hG4bKmaddr'), 1, 'maddr');
});

test('§18.2.2: a request over a WebSocket flow (handed in as a datagram) is answered on that flow, whatever its Via says', () => {
  const ua = new UserAgent({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, random: seededRandom(4), inboundMessagePolicy: 'open' });
  const flow: Endpoint = { transport: 'ws', address: '10.0.0.9', port: 8080 };
  const req = enc([
    'OPTIONS sip:alice@10.0.0.1 SIP/2.0', 'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws1', 'Max-Forwards: 70',
    'From: <sip:carol@10.0.0.9>;tag=c1', 'To: <sip:alice@10.0.0.1>', 'Call-ID: w1@10.0.0.9', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'));
  ua.handleDatagram(req, 0, req.length, flow, 0);
  const out = new Outgoing();
  assert.ok(ua.pollTransmit(out));
  assert.ok(dec(out.bytes, out.off, out.len).startsWith('SIP/2.0 200'));
  assert.equal(out.endpoint, flow);
});

test('§18.2.2 stream: the connection closed before the answer → a new connection to the source address at the sent-by port', () => {
  const ua = new UserAgent({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, transport: 'tcp', random: seededRandom(3), inboundMessagePolicy: 'open', messageResponseDeadlineMs: 5000 }, { streams: streamModule });
  const flow: Endpoint = { transport: 'tcp', address: '10.0.0.9', port: 40123 };
  const body = 'hello';
  const req = enc([
    'MESSAGE sip:alice@10.0.0.1 SIP/2.0', 'Via: SIP/2.0/TCP 10.0.0.9:5090;branch=z9hG4bKstream1', 'Max-Forwards: 70',
    'From: <sip:carol@10.0.0.9>;tag=c1', 'To: <sip:alice@10.0.0.1>', 'Call-ID: s1@10.0.0.9', 'CSeq: 1 MESSAGE',
    'Content-Type: text/plain', `Content-Length: ${body.length}`, '', body,
  ].join('\r\n'));
  ua.handleStream(flow, req, 0, req.length, 0);
  const out = new Outgoing();
  assert.not.ok(ua.pollTransmit(out), 'nothing sent before the application answers');
  let id = -1;
  for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) if (e.kind === 'message') id = e.id;
  assert.ok(id >= 0);
  ua.handleFlowClosed(flow, 10);
  assert.ok(ua.respondToMessage(id, 202, 20).ok, 'the transaction survived the closed connection');
  assert.ok(ua.pollTransmit(out));
  assert.equal(out.endpoint, { transport: 'tcp', address: '10.0.0.9', port: 5090 });
  assert.ok(dec(out.bytes, out.off, out.len).startsWith('SIP/2.0 202'));
});

test.run();
