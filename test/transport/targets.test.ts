import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TargetResolver, orderSrv, shouldFailover, sizeRule, type NaptrRecord, type SrvRecord, type TargetRequest } from '../../core/transport/index.js';

// A tiny zone the tests resolve against, answered through the resolver's query/answer loop.
interface Zone { naptr?: Record<string, NaptrRecord[]>; srv?: Record<string, SrvRecord[]>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> }

function resolve(zone: Zone, request: TargetRequest, opts: Partial<ConstructorParameters<typeof TargetResolver>[0]> = {}) {
  const r = new TargetResolver({ supported: ['udp', 'tcp', 'tls'], random: () => 0, ipv6: false, preferIpv6: false, ...opts });
  r.start(request);
  const asked: string[] = [];
  for (let guard = 0; guard < 100 && !r.done; guard++) {
    const q = r.nextQuery();
    if (!q) break;
    asked.push(`${q.type} ${q.name}`);
    const table = q.type === 'NAPTR' ? zone.naptr : q.type === 'SRV' ? zone.srv : q.type === 'A' ? zone.a : zone.aaaa;
    const found = table?.[q.name];
    if (!found) r.answerFailed(q);
    else if (q.type === 'NAPTR') r.answerNaptr(q.name, found as NaptrRecord[]);
    else if (q.type === 'SRV') r.answerSrv(q.name, found as SrvRecord[]);
    else r.answerAddresses(q.name, q.type, found as string[]);
  }
  assert.ok(r.done, 'resolution finishes by itself');
  return { r, asked, targets: r.targets.map((t) => `${t.kind}:${t.address}:${t.port}`) };
}

test('§4.1: a numeric host needs no DNS', () => {
  const { asked, targets } = resolve({}, { host: '127.0.0.1', port: -1, transport: null, secure: false });
  assert.equal(asked, []);
  assert.equal(targets, ['udp:127.0.0.1:5060']);
  assert.equal(resolve({}, { host: '[::1]', port: 5070, transport: 'tcp', secure: false }).targets, ['tcp:::1:5070']);
});

test('§4.2: an explicit port means A records only', () => {
  const { asked, targets } = resolve({ a: { 'pbx.example.com': ['192.0.2.7'] } }, { host: 'pbx.example.com', port: 5080, transport: null, secure: false });
  assert.equal(asked, ['A pbx.example.com']);
  assert.equal(targets, ['udp:192.0.2.7:5080']);
});

test('§4.1: NAPTR order picks the transport, SRV gives hosts and ports, A gives addresses', () => {
  const zone: Zone = {
    naptr: { 'example.com': [
      { order: 90, preference: 50, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.com' },
      { order: 50, preference: 50, flags: 's', service: 'SIP+D2T', replacement: '_sip._tcp.example.com' },
      { order: 10, preference: 50, flags: 's', service: 'SIP+D2X', replacement: '_sip._sctp.example.com' },
    ] },
    srv: {
      '_sip._tcp.example.com': [{ priority: 0, weight: 0, port: 5060, target: 'a.example.com' }],
      '_sip._udp.example.com': [{ priority: 0, weight: 0, port: 5062, target: 'b.example.com' }],
    },
    a: { 'a.example.com': ['192.0.2.1'], 'b.example.com': ['192.0.2.2'] },
  };
  const { asked, targets, r } = resolve(zone, { host: 'example.com', port: -1, transport: null, secure: false });
  assert.equal(asked[0], 'NAPTR example.com');
  assert.equal(targets, ['tcp:192.0.2.1:5060', 'udp:192.0.2.2:5062'], 'SCTP is skipped: not supported');
  assert.is(r.current()?.address, '192.0.2.1');
  assert.ok(shouldFailover(503) && shouldFailover(408) && !shouldFailover(486));
  assert.is(r.failover()?.address, '192.0.2.2');
  assert.is(r.failover(), undefined, 'no more targets after the last');
});

test('§4.1: no NAPTR → SRV per supported transport; no SRV → A at the default port', () => {
  const zone: Zone = { srv: { '_sip._udp.example.net': [{ priority: 1, weight: 0, port: 5060, target: 'sip.example.net' }] }, a: { 'sip.example.net': ['198.51.100.1'], 'example.org': ['203.0.113.9'] } };
  assert.equal(resolve(zone, { host: 'example.net', port: -1, transport: null, secure: false }).asked,
    ['NAPTR example.net', 'SRV _sip._udp.example.net', 'SRV _sip._tcp.example.net', 'SRV _sips._tcp.example.net', 'A sip.example.net']);
  assert.equal(resolve(zone, { host: 'example.org', port: -1, transport: null, secure: false }).targets, ['udp:203.0.113.9:5060']);
});

test('sips: only TLS targets; transport parameter with no port → SRV for it', () => {
  const zone: Zone = {
    srv: { '_sips._tcp.example.com': [{ priority: 0, weight: 1, port: 5061, target: 'tls.example.com' }], '_sip._tcp.example.com': [{ priority: 0, weight: 1, port: 5060, target: 'tcp.example.com' }] },
    a: { 'tls.example.com': ['192.0.2.10'], 'tcp.example.com': ['192.0.2.11'] },
  };
  assert.equal(resolve(zone, { host: 'example.com', port: -1, transport: null, secure: true }).targets, ['tls:192.0.2.10:5061']);
  assert.equal(resolve(zone, { host: 'example.com', port: -1, transport: 'tcp', secure: false }).targets, ['tcp:192.0.2.11:5060']);
});

test('SRV "." means no service; AAAA is asked when IPv6 is on', () => {
  const zone: Zone = { srv: { '_sip._udp.x.test': [{ priority: 0, weight: 0, port: 0, target: '.' }] } };
  assert.equal(resolve(zone, { host: 'x.test', port: -1, transport: 'udp', secure: false }).targets, []);
  const v6 = resolve({ aaaa: { 'h.test': ['2001:db8::1'] }, a: { 'h.test': ['192.0.2.3'] } }, { host: 'h.test', port: 5060, transport: null, secure: false }, { ipv6: true, preferIpv6: true });
  assert.equal(v6.asked, ['AAAA h.test', 'A h.test']);
  assert.equal(v6.targets, ['udp:2001:db8::1:5060', 'udp:192.0.2.3:5060']);
});

test('RFC 2782: priority first, then weight-proportional choice', () => {
  const records: SrvRecord[] = [
    { priority: 20, weight: 0, port: 1, target: 'backup' },
    { priority: 10, weight: 90, port: 1, target: 'big' },
    { priority: 10, weight: 10, port: 1, target: 'small' },
  ];
  let bigFirst = 0;
  let seed = 7;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 2000; i++) {
    const order = orderSrv(records, rnd).map((r) => r.target);
    assert.is(order[2], 'backup');
    if (order[0] === 'big') bigFirst++;
  }
  assert.ok(bigFirst > 1600 && bigFirst < 1950, `big first ${bigFirst}/2000 (≈ 90/101)`);
});

test('§18.1.1 size rule: over MTU-200 on UDP switches to a stream or is refused', () => {
  assert.is(sizeRule(1300, 'udp', true), 'as-is');
  assert.is(sizeRule(1301, 'udp', true), 'switch-to-stream');
  assert.is(sizeRule(1301, 'udp', false), 'too-big');
  assert.is(sizeRule(60000, 'tcp', true), 'as-is');
  assert.is(sizeRule(9000, 'udp', true, 9200), 'as-is', 'a jumbo-frame path MTU raises the limit');
});

test.run();
