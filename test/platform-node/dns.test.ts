// resolveTargets (the driver of core/transport/targets.ts) over fake DnsResolvers, and
// NodeDnsResolver over a fake node:dns backend. No real DNS: the test machine has no network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeDnsResolver, resolveTargets, type DnsBackend } from '../../platform/node/index.js';
import type { DnsRecord, DnsResolver } from '../../platform/host/index.js';
import { TargetResolver, type TargetResolverOptions } from '../../core/transport/targets.js';
import { signal } from './helpers.js';

type Rr = 'A' | 'AAAA' | 'SRV' | 'NAPTR';

/** A DnsResolver answering from a zone table, asynchronously, and logging every question. */
class ZoneResolver implements DnsResolver {
  readonly asked: string[] = [];
  constructor(private readonly zone: Record<string, readonly DnsRecord[] | Error | 'silence'>) {}
  resolve(options: { host: string; rrtype?: Rr }, done: (e: Error | null, r?: readonly DnsRecord[]) => void): void {
    const key = `${options.rrtype ?? 'A'} ${options.host}`;
    this.asked.push(key);
    const answer = this.zone[key];
    if (answer === 'silence') return; // a resolver that never calls back
    setImmediate(() => (answer instanceof Error ? done(answer) : done(null, answer ?? [])));
  }
}

const NEVER: DnsResolver = {
  resolve() { throw new Error('numeric hosts must not reach the resolver'); },
};

function machine(overrides: Partial<TargetResolverOptions> = {}): TargetResolver {
  return new TargetResolver({ supported: ['udp', 'tcp', 'tls'], random: () => 0, ipv6: false, preferIpv6: false, ...overrides });
}

const brief = (ts: readonly { kind: string; address: string; port: number; host: string }[]) =>
  ts.map((t) => `${t.kind} ${t.address}:${t.port} ${t.host}`);

test('NAPTR → SRV → A/AAAA: the driver answers every query and returns the ordered targets', async () => {
  const dns = new ZoneResolver({
    'NAPTR example.com': [
      { order: 20, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.com' },
      { order: 10, preference: 10, flags: 's', service: 'SIPS+D2T', replacement: '_sips._tcp.example.com' },
      { order: 5, preference: 10, flags: 's', service: 'SIP+D2W', replacement: '_sip._ws.example.com' }, // ws unsupported
    ],
    'SRV _sips._tcp.example.com': [{ priority: 10, weight: 0, port: 5061, target: 'tls1.example.com' }],
    'SRV _sip._udp.example.com': [
      { priority: 20, weight: 0, port: 5060, target: 'b.example.com' },
      { priority: 10, weight: 0, port: 5060, target: 'a.example.com' },
    ],
    'A tls1.example.com': [{ address: '192.0.2.10' }],
    'AAAA tls1.example.com': [{ address: '2001:db8::10' }],
    'A a.example.com': [{ address: '192.0.2.1' }],
    'A b.example.com': [{ address: '192.0.2.2' }],
  });
  const targets = machine({ ipv6: true });
  const list = await resolveTargets(dns, targets, { host: 'example.com', port: -1, transport: null, secure: false });
  assert.equal(brief(list), [
    'tls 192.0.2.10:5061 tls1.example.com',
    'tls 2001:db8::10:5061 tls1.example.com',
    'udp 192.0.2.1:5060 a.example.com',
    'udp 192.0.2.2:5060 b.example.com',
  ]);
  assert.ok(targets.done);
  assert.is(dns.asked[0], 'NAPTR example.com');
  // Failover walks the same list the driver filled (RFC 3263 §4.3).
  assert.is(targets.current()?.address, '192.0.2.10');
  assert.is(targets.failover()?.address, '2001:db8::10');
});

test('no NAPTR: SRV per supported transport; no SRV either: A of the host at the default port', async () => {
  const srvOnly = new ZoneResolver({
    'SRV _sip._tcp.example.org': [{ priority: 1, weight: 0, port: 5070, target: 'sip.example.org' }],
    'A sip.example.org': [{ address: '198.51.100.7' }],
  });
  assert.equal(brief(await resolveTargets(srvOnly, machine(), { host: 'example.org', port: -1, transport: null, secure: false })),
    ['tcp 198.51.100.7:5070 sip.example.org']);
  assert.equal(srvOnly.asked, ['NAPTR example.org', 'SRV _sip._udp.example.org', 'SRV _sip._tcp.example.org',
    'SRV _sips._tcp.example.org', 'A sip.example.org']);

  const bare = new ZoneResolver({ 'A example.net': [{ address: '203.0.113.5' }] });
  assert.equal(brief(await resolveTargets(bare, machine(), { host: 'example.net', port: -1, transport: null, secure: false })),
    ['udp 203.0.113.5:5060 example.net']);
});

test('an explicit port means A/AAAA only (RFC 3263 §4.2)', async () => {
  const dns = new ZoneResolver({ 'A pbx.example.com': [{ address: '192.0.2.9' }] });
  const list = await resolveTargets(dns, machine(), { host: 'pbx.example.com', port: 5080, transport: 'tcp', secure: false });
  assert.equal(brief(list), ['tcp 192.0.2.9:5080 pbx.example.com']);
  assert.equal(dns.asked, ['A pbx.example.com']);
});

test('resolver errors, malformed records and silence count as "nothing found"; resolution still ends', async () => {
  const dns = new ZoneResolver({
    'NAPTR example.com': new Error('SERVFAIL'),
    'SRV _sip._udp.example.com': [{ priority: 1, port: 5060, target: 'x.example.com' } as DnsRecord], // no weight: dropped
    'SRV _sip._tcp.example.com': 'silence',
    'SRV _sips._tcp.example.com': [],
    'A example.com': [{ address: 'not-an-address' }, { address: '192.0.2.77' }],
  });
  const started = Date.now();
  const list = await resolveTargets(dns, machine(), { host: 'example.com', port: -1, transport: null, secure: false }, { queryTimeoutMs: 50 });
  assert.ok(Date.now() - started < 1000, 'the silent query was bounded by queryTimeoutMs');
  assert.equal(brief(list), ['udp 192.0.2.77:5060 example.com']);
});

test('a resolver that throws or never answers yields an empty list, not a hang', async () => {
  const throwing: DnsResolver = { resolve() { throw new Error('no resolver'); } };
  assert.equal(await resolveTargets(throwing, machine(), { host: 'example.com', port: -1, transport: null, secure: false }), []);
  const silent = new ZoneResolver({});
  silent.resolve = function (o) { this.asked.push(`${o.rrtype} ${o.host}`); };
  const list = await resolveTargets(silent, machine(), { host: 'example.com', port: 5060, transport: 'udp', secure: false }, { queryTimeoutMs: 30 });
  assert.equal(list, []);
  assert.equal(silent.asked, ['A example.com']);
});

test('numeric hosts need no DNS at all (IPv4, bracketed IPv6, sips)', async () => {
  assert.equal(brief(await resolveTargets(NEVER, machine(), { host: '127.0.0.1', port: -1, transport: null, secure: false })),
    ['udp 127.0.0.1:5060 127.0.0.1']);
  assert.equal(brief(await resolveTargets(NEVER, machine(), { host: '[::1]', port: 5070, transport: 'tcp', secure: false })),
    ['tcp ::1:5070 [::1]']);
  assert.equal(brief(await resolveTargets(NEVER, machine(), { host: '127.0.0.1', port: -1, transport: null, secure: true })),
    ['tls 127.0.0.1:5061 127.0.0.1']);
});

// ---- NodeDnsResolver over a fake node:dns/promises backend ----

function fakeBackend(overrides: Partial<DnsBackend>): DnsBackend {
  const nodata = () => Promise.reject(Object.assign(new Error('queryX ENODATA'), { code: 'ENODATA' }));
  return { resolveNaptr: nodata, resolveSrv: nodata, resolve4: nodata, resolve6: nodata, ...overrides };
}

function ask(resolver: NodeDnsResolver, host: string, rrtype: Rr): Promise<{ error: Error | null; records?: readonly DnsRecord[] }> {
  const out = signal<{ error: Error | null; records?: readonly DnsRecord[] }>();
  let inside = true;
  resolver.resolve({ host, rrtype }, (error, records) => {
    assert.is(inside, false, 'callback never runs inside resolve()');
    out.resolve({ error, records });
  });
  inside = false;
  return out.wait(2000, `${rrtype} ${host}`);
}

test('NodeDnsResolver maps node:dns records to DnsRecord fields', async () => {
  const resolver = new NodeDnsResolver({
    backend: fakeBackend({
      resolveNaptr: async () => [{ flags: 'S', service: 'SIP+D2T', regexp: '', replacement: '_sip._tcp.example.com', order: 10, preference: 5 }],
      resolveSrv: async () => [{ priority: 1, weight: 2, port: 5060, name: 'sip.example.com' }],
      resolve4: async () => [{ address: '192.0.2.1', ttl: 300 }],
      resolve6: async () => [{ address: '2001:db8::1', ttl: 60 }],
    }),
  });
  assert.equal((await ask(resolver, 'example.com', 'NAPTR')).records,
    [{ order: 10, preference: 5, flags: 'S', service: 'SIP+D2T', replacement: '_sip._tcp.example.com' }]);
  assert.equal((await ask(resolver, '_sip._tcp.example.com', 'SRV')).records, [{ priority: 1, weight: 2, port: 5060, target: 'sip.example.com' }]);
  assert.equal((await ask(resolver, 'sip.example.com', 'A')).records, [{ address: '192.0.2.1', ttl: 300 }]);
  assert.equal((await ask(resolver, 'sip.example.com.', 'AAAA')).records, [{ address: '2001:db8::1', ttl: 60 }]);
});

test('NodeDnsResolver: ENODATA/ENOTFOUND are empty answers, other failures and timeouts are Errors', async () => {
  const resolver = new NodeDnsResolver({
    timeoutMs: 50,
    backend: fakeBackend({
      resolve4: () => Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })),
      resolve6: () => Promise.reject(Object.assign(new Error('queryAaaa ESERVFAIL'), { code: 'ESERVFAIL' })),
      resolveSrv: () => new Promise(() => {}), // never answers
    }),
  });
  assert.equal(await ask(resolver, 'gone.example.com', 'A'), { error: null, records: [] });
  assert.equal(await ask(resolver, 'example.com', 'NAPTR'), { error: null, records: [] });
  const failed = await ask(resolver, 'example.com', 'AAAA');
  assert.match(failed.error!.message, /ESERVFAIL/);
  const started = Date.now();
  const timedOut = await ask(resolver, '_sip._udp.example.com', 'SRV');
  assert.is((timedOut.error as Error & { code?: string }).code, 'ETIMEOUT');
  assert.ok(Date.now() - started < 1000);
});

test('NodeDnsResolver answers IP literals and localhost (RFC 6761 §6.3) without a name server', async () => {
  const resolver = new NodeDnsResolver({ backend: fakeBackend({ resolve4: () => Promise.reject(new Error('must not be asked')) }) });
  assert.equal((await ask(resolver, '127.0.0.1', 'A')).records, [{ address: '127.0.0.1' }]);
  assert.equal((await ask(resolver, '127.0.0.1', 'AAAA')).records, []);
  assert.equal((await ask(resolver, '::1', 'AAAA')).records, [{ address: '::1' }]);
  assert.equal((await ask(resolver, 'localhost', 'A')).records, [{ address: '127.0.0.1' }]);
  assert.equal((await ask(resolver, 'localhost', 'AAAA')).records, [{ address: '::1' }]);
  // End to end: a localhost registrar resolves through the driver and this resolver.
  const list = await resolveTargets(resolver, machine(), { host: 'localhost', port: 5060, transport: 'udp', secure: false });
  assert.equal(brief(list), ['udp 127.0.0.1:5060 localhost']);
});

test('the real c-ares resolver is built and bounded (asks a closed local port, never the network)', async () => {
  // 127.0.0.1:9 (discard) has no DNS server: the query fails or times out within the bound.
  const resolver = new NodeDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 300, tries: 1 });
  const started = Date.now();
  const out = await ask(resolver, 'example.invalid', 'SRV');
  assert.ok(out.error !== null || (out.records ?? []).length === 0);
  assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
});

test.run();
