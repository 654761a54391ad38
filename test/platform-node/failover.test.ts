// RFC 3263 §4.3 failover on 503 and timeouts through NodeUaHost (platform/node/ua-host.ts with
// core/ua/failover.ts): fake SIP servers on 127.0.0.1 named through a test zone
// (_sip._udp.registrar.test SRV → first, second), the first answering 503 (with or without
// Retry-After) or nothing at all, the second 200. The UA must end registered via the second, the
// events must say so, a Retry-After must keep the first out until it passes (RFC 3261 §21.5.4),
// and with no target left the registration backs off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { DnsRecord, DnsResolver } from '../../platform/host/index.js';
import type { UaEvent } from '../../core/ua/index.js';
import { delay, until } from './helpers.js';
import { ZoneResolver } from './sip-fakes.js';


function zone(transport: 'udp' | 'tcp', ports: readonly number[]): ZoneResolver {
  const records: Record<string, DnsRecord[]> = {
    [`SRV _sip._${transport}.registrar.test`]: ports.map((port, i) => ({ priority: 10 * (i + 1), weight: 0, port, target: `s${i}.registrar.test` })),
  };
  ports.forEach((_, i) => { records[`A s${i}.registrar.test`] = [{ address: '127.0.0.1' }]; });
  return new ZoneResolver(records);
}

/** A response to `request` (Via, From, Call-ID, CSeq echoed; To tagged; a REGISTER's Contact granted). */
function answer(request: string, status: number, reason: string, extra: string[] = []): string {
  const lines = request.split('\r\n');
  const echo = lines.filter((l) => /^(via|v|from|f|call-id|i|cseq):/i.test(l));
  const to = lines.find((l) => /^(to|t):/i.test(l)) ?? 'To: <sip:x@registrar.test>';
  const contact = status === 200 ? lines.find((l) => /^(contact|m):/i.test(l)) : undefined;
  return [`SIP/2.0 ${status} ${reason}`, ...echo, `${to};tag=s${status}`, ...(contact ? [`${contact};expires=60`] : []), ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

type Behaviour = 'ok' | '503' | 'silent' | { retryAfter: number };

function reply(text: string, behaviour: Behaviour): string | null {
  if (behaviour === 'silent') return null;
  if (behaviour === 'ok') return answer(text, 200, 'OK');
  if (behaviour === '503') return answer(text, 503, 'Service Unavailable');
  return answer(text, 503, 'Service Unavailable', [`Retry-After: ${behaviour.retryAfter}`]);
}

interface FakeServer { readonly port: number; readonly got: string[]; close(): void }

async function udpServer(behaviour: Behaviour): Promise<FakeServer> {
  const s: UdpSocket = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  s.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (text.startsWith('SIP/2.0')) return;
    got.push(text);
    const r = reply(text, behaviour);
    if (r !== null) s.send(r, rinfo.port, rinfo.address);
  });
  return { port: s.address().port, got, close: () => s.close() };
}

async function tcpServer(behaviour: Behaviour): Promise<FakeServer> {
  const got: string[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // Requests without a body only (REGISTER): a message ends at the blank line.
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const text = buffered.slice(0, end + 4);
        buffered = buffered.slice(end + 4);
        got.push(text);
        const r = reply(text, behaviour);
        if (r !== null) socket.write(r);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, got, close: () => { for (const s of sockets) s.destroy(); server.close(); } };
}

type RegistrationEvent = Extract<UaEvent, { kind: 'registration' }>;

async function startUa(dns: DnsResolver, transport: 'udp' | 'tcp', events: UaEvent[], t1 = 100): Promise<NodeUaHost> {
  return NodeUaHost.start({ dns, dnsQueryTimeoutMs: 500, onEvent: (e) => events.push(e) }, (local) => ({
    aor: 'sip:alice@registrar.test', registrar: transport === 'tcp' ? 'sip:registrar.test;transport=tcp' : 'sip:registrar.test', transport,
    localAddress: local.address, localPort: local.port, expires: 60, t1, backoff: { baseS: 1, maxS: 2 },
  }));
}

/** Resolves with the first registration event that is an outcome (registered / backing-off / failed / unregistered) after `from`. */
async function outcome(events: UaEvent[], from: number, ms: number, what: string): Promise<RegistrationEvent> {
  let found: RegistrationEvent | undefined;
  await until(() => {
    found = events.slice(from).find((e): e is RegistrationEvent => e.kind === 'registration' && ['registered', 'backing-off', 'failed', 'unregistered'].includes(e.state));
    return found !== undefined;
  }, ms, what);
  return found!;
}

const failovers = (events: UaEvent[]) => events.filter((e): e is Extract<UaEvent, { kind: 'failover' }> => e.kind === 'failover');

test('UDP: the first SRV target answers 503 → the REGISTER goes to the second → registered; later requests skip the first', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await udpServer('503'), await udpServer('ok'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await startUa(zone('udp', [first.port, second.port]), 'udp', events);
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    const e = await outcome(events, 0, 3000, 'registration');
    assert.is(e.state, 'registered');
    assert.is(first.got.length, 1);
    assert.is(second.got.length, 1);
    assert.equal(failovers(events).map((f) => [f.method, f.status, f.attempt]), [['REGISTER', 503, 1]]);
    // The failed target is put last: the unregister goes to the second at once.
    const mark = events.length;
    assert.ok(h.run((ua, now) => ua.unregister(now)).ok);
    assert.is((await outcome(events, mark, 3000, 'unregistration')).state, 'unregistered');
    assert.is(first.got.length, 1, 'not tried again');
    assert.is(second.got.length, 2);
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test('UDP: 503 with Retry-After: 1 → second target; the first is skipped until the second passed, then tried again', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await udpServer({ retryAfter: 1 }), await udpServer('ok'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await startUa(zone('udp', [first.port, second.port]), 'udp', events);
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    assert.is((await outcome(events, 0, 3000, 'registration')).state, 'registered');
    assert.equal(failovers(events).map((f) => [f.status, f.retryAfter]), [[503, 1]]);
    let mark = events.length;
    assert.ok(h.run((ua, now) => ua.unregister(now)).ok);
    assert.is((await outcome(events, mark, 3000, 'unregistration')).state, 'unregistered');
    assert.equal([first.got.length, second.got.length], [1, 2], 'within Retry-After: straight to the second');
    await delay(1100);
    mark = events.length;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    assert.is((await outcome(events, mark, 3000, 'registration again')).state, 'registered');
    assert.equal([first.got.length, second.got.length], [2, 3], 'after Retry-After: the first in order again (503 → second)');
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test('UDP: the first target never answers → Timer F (T1 = 20 ms) → the second → registered', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await udpServer('silent'), await udpServer('ok'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await startUa(zone('udp', [first.port, second.port]), 'udp', events, 20);
    const started = Date.now();
    assert.ok(host.run((ua, now) => ua.register(now)).ok);
    const e = await outcome(events, 0, 5000, 'registration');
    assert.is(e.state, 'registered');
    assert.ok(Date.now() - started >= 64 * 20 - 50, 'only after Timer F');
    assert.ok(first.got.length > 1, 'retransmitted to the first target');
    assert.is(new Set(first.got).size, 1, 'the same request each time (one transaction)');
    assert.is(second.got.length, 1);
    assert.equal(failovers(events).map((f) => [f.status, f.attempt]), [[408, 1]]);
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test('UDP: every target answers 503 → no target left → the registration backs off on the 503', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await udpServer('503'), await udpServer('503'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await startUa(zone('udp', [first.port, second.port]), 'udp', events);
    assert.ok(host.run((ua, now) => ua.register(now)).ok);
    const e = await outcome(events, 0, 3000, 'registration outcome');
    assert.is(e.state, 'backing-off');
    assert.is(e.status, 503);
    assert.is(e.cause, 'server-error');
    assert.ok(Number.isFinite(e.nextAttemptAt) && e.nextAttemptAt > e.at);
    assert.equal([first.got.length, second.got.length], [1, 1]);
    assert.is(failovers(events).length, 2, 'the second 503 asked for a third target too');
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test('TCP: 503 on the first connection → the second target over its own connection → registered', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await tcpServer('503'), await tcpServer('ok'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await startUa(zone('tcp', [first.port, second.port]), 'tcp', events);
    assert.ok(host.run((ua, now) => ua.register(now)).ok);
    assert.is((await outcome(events, 0, 3000, 'registration')).state, 'registered');
    assert.equal([first.got.length, second.got.length], [1, 1]);
    assert.equal(failovers(events).map((f) => f.status), [503]);
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test('digest after failover: the answer to the second target\'s challenge goes to the second, even with the first free again (Retry-After: 0)', async () => {
  const sockets: UdpSocket[] = [];
  let host: NodeUaHost | null = null;
  try {
    // Each server challenges with its own nonce; the first then answers 503 Retry-After: 0 (it is
    // "free again" at once, so only the binding to the challenging target keeps the answer at the second).
    const got: string[][] = [[], []];
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const s = createSocket('udp4');
      sockets.push(s);
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
      ports.push(s.address().port);
      s.on('message', (msg, rinfo) => {
        const text = msg.toString('latin1');
        if (text.startsWith('SIP/2.0')) return;
        got[i]!.push(text);
        const r = !text.includes(`nonce="n${i}"`)
          ? answer(text, 401, 'Unauthorized', [`WWW-Authenticate: Digest realm="registrar.test", nonce="n${i}", qop="auth", algorithm=MD5`])
          : i === 0 ? answer(text, 503, 'Service Unavailable', ['Retry-After: 0']) : answer(text, 200, 'OK');
        s.send(r, rinfo.port, rinfo.address);
      });
    }
    const events: UaEvent[] = [];
    host = await NodeUaHost.start({ dns: zone('udp', ports), onEvent: (e) => events.push(e) }, (local) => ({
      aor: 'sip:alice@registrar.test', username: 'alice', password: 'alicepw', registrar: 'sip:registrar.test',
      localAddress: local.address, localPort: local.port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
    }));
    assert.ok(host.run((ua, now) => ua.register(now)).ok);
    assert.is((await outcome(events, 0, 3000, 'registration')).state, 'registered');
    assert.equal(got.map((g) => g.length), [2, 2], 'challenge + answer at each target');
    assert.ok(got[1]![1]!.includes('nonce="n1"'), 'the second target got the answer to its own challenge');
    assert.equal(failovers(events).map((f) => [f.status, f.retryAfter]), [[503, 0]]);
  } finally {
    host?.close();
    for (const s of sockets) s.close();
  }
});

test('MESSAGE via a named outbound proxy: 503 then 200 → accepted, one status event', async () => {
  const servers: FakeServer[] = [];
  let host: NodeUaHost | null = null;
  try {
    servers.push(await udpServer('503'), await udpServer('ok'));
    const [first, second] = servers as [FakeServer, FakeServer];
    const events: UaEvent[] = [];
    host = await NodeUaHost.start({ dns: zone('udp', [first.port, second.port]), onEvent: (e) => events.push(e) }, (local) => ({
      aor: 'sip:alice@registrar.test', registrar: null, outboundProxy: 'sip:registrar.test', localAddress: local.address, localPort: local.port, t1: 100,
    }));
    const id = host.run((ua, now) => ua.sendMessage('sip:bob@registrar.test', 'text/plain', new Uint8Array([104, 105]), now)).unwrap();
    await until(() => events.some((e) => e.kind === 'message-status'), 3000, 'the message status');
    const st = events.filter((e): e is Extract<UaEvent, { kind: 'message-status' }> => e.kind === 'message-status');
    assert.equal(st.map((s) => [s.id, s.outcome, s.status]), [[id, 'accepted', 200]]);
    assert.equal([first.got.length, second.got.length], [1, 1]);
  } finally {
    host?.close();
    for (const s of servers) s.close();
  }
});

test.run();
