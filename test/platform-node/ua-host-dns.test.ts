// NodeUaHost with a registrar named by a host name (RFC 3263 through platform/node/dns.ts): a fake
// zone whose SRV records point at two loopback servers, the first of them dead, so the REGISTER
// must fail over to the second (UDP: ICMP port unreachable; TCP: connection refused); and a name
// that resolves to nothing, which the UA must see as a transport error and back off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { DnsResolver } from '../../platform/host/index.js';
import type { UaEvent } from '../../core/ua/index.js';
import { signal, until } from './helpers.js';
import { ZoneResolver, deadTcpPort, deadUdpPort, okFor } from './sip-fakes.js';


const isRegister = (text: string) => text.startsWith('REGISTER ');

function startUa(dns: DnsResolver | undefined, registrar: string, transport: 'udp' | 'tcp', events: UaEvent[], onRegistration: (e: Extract<UaEvent, { kind: 'registration' }>) => void, maxPendingSends?: number): Promise<NodeUaHost> {
  return NodeUaHost.start({
    dns,
    maxPendingSends,
    dnsQueryTimeoutMs: 500,
    onEvent: (e) => { events.push(e); if (e.kind === 'registration') onRegistration(e); },
  }, (local) => ({
    aor: 'sip:alice@pbx.test', username: 'alice', password: 'alicepw', registrar, transport,
    localAddress: local.address, localPort: local.port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
  }));
}

test('UDP: SRV → two targets, the first unreachable (ICMP) → REGISTER fails over and is answered by the second', async () => {
  let server: UdpSocket | null = null;
  let host: NodeUaHost | null = null;
  try {
    server = createSocket('udp4');
    const srv = server;
    await new Promise<void>((r) => srv.bind(0, '127.0.0.1', () => r()));
    const livePort = srv.address().port;
    const deadPort = await deadUdpPort();
    const registers: string[] = [];
    srv.on('message', (msg, rinfo) => {
      const text = msg.toString('latin1');
      if (!isRegister(text)) return;
      registers.push(text);
      srv.send(okFor(text), rinfo.port, rinfo.address);
    });
    const dns = new ZoneResolver({
      'SRV _sip._udp.pbx.test': [
        { priority: 10, weight: 0, port: deadPort, target: 'first.pbx.test' },
        { priority: 20, weight: 0, port: livePort, target: 'second.pbx.test' },
      ],
      'A first.pbx.test': [{ address: '127.0.0.1' }],
      'A second.pbx.test': [{ address: '127.0.0.1' }],
    });
    const events: UaEvent[] = [];
    const done = signal<string>();
    host = await startUa(dns, 'sip:pbx.test', 'udp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') done.resolve(e.state);
    });
    const h = host;
    const started = h.run((ua, now) => ua.register(now));
    assert.ok(started.ok);
    assert.is(await done.wait(5000, 'a registration outcome'), 'registered', 'failover reached the live server');
    assert.is(registers.length, 1, 'the live server got the REGISTER once');
    assert.equal(dns.asked.slice(0, 2), ['NAPTR pbx.test', 'SRV _sip._udp.pbx.test'], 'RFC 3263 order: NAPTR, then SRV');
    assert.ok(dns.asked.includes('A first.pbx.test') && dns.asked.includes('A second.pbx.test'));
    // The list is cached and failover state kept: the unregister goes straight to the live
    // target, without a DNS query and without trying the dead one again.
    const asked = dns.asked.length;
    assert.ok(h.run((ua, now) => ua.unregister(now)).ok);
    await until(() => registers.length === 2, 3000, 'the unregister at the live server');
    assert.is(dns.asked.length, asked, 'no new DNS query within the cache time');
  } finally {
    host?.close();
    server?.close();
  }
});

test('TCP: the first SRV target refuses the connection → the REGISTER goes to the second', async () => {
  let server: Server | null = null;
  let host: NodeUaHost | null = null;
  const accepted: Socket[] = [];
  try {
    const registers: string[] = [];
    server = createServer((socket) => {
      accepted.push(socket);
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        // One REGISTER without a body per read is all this test sends.
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = buffered.slice(0, end + 4);
        buffered = buffered.slice(end + 4);
        if (!isRegister(text)) return;
        registers.push(text);
        socket.write(okFor(text));
      });
      socket.on('error', () => {});
    });
    const srv = server;
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const livePort = (srv.address() as { port: number }).port;
    const deadPort = await deadTcpPort();
    const dns = new ZoneResolver({
      'SRV _sip._tcp.pbx.test': [
        { priority: 10, weight: 0, port: deadPort, target: 'first.pbx.test' },
        { priority: 20, weight: 0, port: livePort, target: 'second.pbx.test' },
      ],
      'A first.pbx.test': [{ address: '127.0.0.1' }],
      'A second.pbx.test': [{ address: '127.0.0.1' }],
    });
    const events: UaEvent[] = [];
    const done = signal<string>();
    host = await startUa(dns, 'sip:pbx.test;transport=tcp', 'tcp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') done.resolve(e.state);
    });
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    assert.is(await done.wait(5000, 'a registration outcome'), 'registered');
    assert.is(registers.length, 1);
    assert.is(dns.asked[0], 'SRV _sip._tcp.pbx.test', 'transport=tcp: straight to its SRV name (§4.1)');
  } finally {
    host?.close();
    for (const s of accepted) s.destroy();
    server?.close();
  }
});

test('every target unreachable: one failover retry, then the UA sees the transport error and backs off', async () => {
  let host: NodeUaHost | null = null;
  try {
    const dns = new ZoneResolver({
      'SRV _sip._udp.pbx.test': [
        { priority: 10, weight: 0, port: await deadUdpPort(), target: 'first.pbx.test' },
        { priority: 20, weight: 0, port: await deadUdpPort(), target: 'second.pbx.test' },
      ],
      'A first.pbx.test': [{ address: '127.0.0.1' }],
      'A second.pbx.test': [{ address: '127.0.0.1' }],
    });
    const events: UaEvent[] = [];
    const outcome = signal<Extract<UaEvent, { kind: 'registration' }>>();
    host = await startUa(dns, 'sip:pbx.test', 'udp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') outcome.resolve(e);
    });
    const h = host;
    const started = Date.now();
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    const e = await outcome.wait(3000, 'the registration to give up');
    assert.is(e.state, 'backing-off');
    assert.ok(Date.now() - started < 2000, 'reported on the ICMP errors, not after Timer F');
  } finally {
    host?.close();
  }
});

test('sends wait while the name resolves, within maxPendingSends; one more fails at once as a transport error', async () => {
  let server: UdpSocket | null = null;
  let host: NodeUaHost | null = null;
  try {
    server = createSocket('udp4');
    const srv = server;
    await new Promise<void>((r) => srv.bind(0, '127.0.0.1', () => r()));
    const registers: string[] = [];
    srv.on('message', (msg, rinfo) => {
      const text = msg.toString('latin1');
      if (!isRegister(text)) return;
      registers.push(text);
      srv.send(okFor(text), rinfo.port, rinfo.address);
    });
    // A slow zone: every answer comes 150 ms late, so the MESSAGE arrives while the REGISTER waits.
    const zone = new ZoneResolver({
      'SRV _sip._udp.pbx.test': [{ priority: 10, weight: 0, port: srv.address().port, target: 'only.pbx.test' }],
      'A only.pbx.test': [{ address: '127.0.0.1' }],
    });
    const slow: DnsResolver = { resolve: (o, done) => { setTimeout(() => zone.resolve(o, done), 150); } };
    const events: UaEvent[] = [];
    const registered = signal<string>();
    host = await startUa(slow, 'sip:pbx.test', 'udp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') registered.resolve(e.state);
    }, 1);
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    const sent = h.run((ua, now) => ua.sendMessage('sip:bob@pbx.test', 'text/plain', new Uint8Array([104, 105]), now));
    assert.ok(sent.ok);
    const id = sent.unwrap();
    await until(() => events.some((e) => e.kind === 'message-status' && e.id === id), 1000, 'the MESSAGE beyond the queue bound to fail');
    const status = events.find((e) => e.kind === 'message-status' && e.id === id);
    assert.is(status?.kind === 'message-status' ? status.outcome : '', 'transport-failed');
    assert.not.ok(registered.settled, 'it failed before the name resolved');
    assert.is(await registered.wait(3000, 'the queued REGISTER to be answered'), 'registered');
    assert.is(registers.length, 1);
  } finally {
    host?.close();
    server?.close();
  }
});

test('no resolver given: "localhost" answers loopback (RFC 6761 §6.3) without a name server', async () => {
  let server: UdpSocket | null = null;
  let host: NodeUaHost | null = null;
  try {
    server = createSocket('udp4');
    const srv = server;
    await new Promise<void>((r) => srv.bind(0, '127.0.0.1', () => r()));
    srv.on('message', (msg, rinfo) => {
      const text = msg.toString('latin1');
      if (isRegister(text)) srv.send(okFor(text), rinfo.port, rinfo.address);
    });
    const events: UaEvent[] = [];
    const done = signal<string>();
    // An explicit port: A/AAAA only (§4.2), which NodeDnsResolver answers itself for localhost.
    host = await startUa(undefined, `sip:localhost:${srv.address().port}`, 'udp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') done.resolve(e.state);
    });
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    assert.is(await done.wait(3000, 'registration at localhost'), 'registered');
  } finally {
    host?.close();
    server?.close();
  }
});

test('a name that resolves to nothing → transport error → the registration backs off', async () => {
  let host: NodeUaHost | null = null;
  try {
    const dns = new ZoneResolver({});
    const events: UaEvent[] = [];
    const outcome = signal<Extract<UaEvent, { kind: 'registration' }>>();
    host = await startUa(dns, 'sip:nowhere.test', 'udp', events, (e) => {
      if (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed') outcome.resolve(e);
    });
    const h = host;
    const started = Date.now();
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    const e = await outcome.wait(3000, 'the registration to give up on nowhere.test');
    assert.is(e.state, 'backing-off');
    assert.ok(Date.now() - started < 2000, 'reported at once, not after Timer F');
    assert.ok(Number.isFinite(e.nextAttemptAt) && e.nextAttemptAt > e.at, 'a next attempt is scheduled');
    // Not cached: the UA's retry after the backoff asks again (that may have begun by now).
    assert.equal(dns.asked.slice(0, 3), ['NAPTR nowhere.test', 'SRV _sip._udp.nowhere.test', 'A nowhere.test']);
  } finally {
    host?.close();
  }
});

test.run();
