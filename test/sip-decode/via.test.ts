// Via values from RFC 4475 (wsinv, transports, scalarlg) and RFC 5118 (IPv6) torture messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DECODE_OK, E_DEC_BAD_HOST, E_DEC_BAD_IPV6, E_DEC_BAD_PARAM, E_DEC_BAD_PORT, E_DEC_BAD_SENT_PROTOCOL, E_DEC_EMPTY,
  HOST_IPV4, HOST_IPV6, HOST_NAME, PARAMS_HEADER, ParamCursor, TRANSPORT_OTHER, TRANSPORT_SCTP, TRANSPORT_TCP,
  TRANSPORT_TLS, TRANSPORT_UDP, TRANSPORT_WSS, ViaValue, decodeVia,
} from '../../core/sip/decode/index.js';
import { at, field, text, type Field } from './helpers.js';

const via = new ViaValue();

function ok(value: string): { f: Field; t: (o: number, l: number) => string | null } {
  const f = field(value);
  const r = decodeVia(f.buf, f.off, f.end, via);
  assert.is(r, DECODE_OK, `${JSON.stringify(value)}: code ${r} at ${via.errorOffset}`);
  return { f, t: (o, l) => text(f.buf, o, l) };
}

test('wsinv: sent-protocol folded across lines with LWS around every "/"', () => {
  const { t } = ok('SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw');
  assert.is(t(via.protocolOff, via.protocolLen), 'SIP');
  assert.is(t(via.versionOff, via.versionLen), '2.0');
  assert.is(t(via.transportOff, via.transportLen), 'UDP');
  assert.is(via.transportId, TRANSPORT_UDP);
  assert.is(t(via.hostOff, via.hostLen), '192.0.2.2');
  assert.is(via.hostKind, HOST_IPV4);
  assert.is(via.port, -1);
  assert.is(t(via.branchOff, via.branchLen), '390skdjuw');
});

test('wsinv v: both comma-separated values, LWS around ";" and "=" and a folded branch', () => {
  // The caller splits "v:" on commas; these are the two values as the splitter yields them.
  let d = ok('SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8');
  assert.is(via.transportId, TRANSPORT_TCP);
  assert.is(d.t(via.hostOff, via.hostLen), 'spindle.example.com');
  assert.is(via.hostKind, HOST_NAME);
  assert.is(d.t(via.branchOff, via.branchLen), 'z9hG4bK9ikj8');
  d = ok('SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239');
  assert.is(d.t(via.hostOff, via.hostLen), '192.168.255.111');
  assert.is(d.t(via.branchOff, via.branchLen), 'z9hG4bK30239');
});

test('transports.dat: UDP, SCTP, TLS, UNKNOWN, TCP', () => {
  const cases: [string, number, string][] = [
    ['SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw', TRANSPORT_UDP, 't1.example.com'],
    ['SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf', TRANSPORT_SCTP, 't2.example.com'],
    ['SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj', TRANSPORT_TLS, 't3.example.com'],
    ['SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en', TRANSPORT_OTHER, 't4.example.com'],
    ['SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee', TRANSPORT_TCP, 't5.example.com'],
    ['SIP/2.0/wss df7jal23ls0d.invalid;branch=z9hG4bK56sdasks', TRANSPORT_WSS, 'df7jal23ls0d.invalid'],
  ];
  for (const [v, id, host] of cases) {
    const { t } = ok(v);
    assert.is(via.transportId, id, v);
    assert.is(t(via.hostOff, via.hostLen), host);
  }
  const { t } = ok('SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en');
  assert.is(t(via.transportOff, via.transportLen), 'UNKNOWN');
});

test('RFC 5118: IPv6 sent-by with and without port, IPv4-mapped', () => {
  let d = ok('SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111');
  assert.is(via.hostKind, HOST_IPV6);
  assert.is(d.t(via.hostOff, via.hostLen), '[2001:db8::9:1]');
  assert.is(via.port, 6050);
  d = ok('SIP/2.0/UDP [::ffff:192.0.2.10]:19823;branch=z9hG4bKbh19');
  assert.is(d.t(via.hostOff, via.hostLen), '[::ffff:192.0.2.10]');
  assert.is(via.port, 19823);
  ok('SIP/2.0/UDP [::ffff:192.0.2.2];branch=z9hG4bKas3-111');
  assert.is(via.port, -1);
  d = ok('SIP/2.0/TCP [2001:db8::9:255];branch=z9hG4bK451jj;received=192.0.2.200');
  assert.is(d.t(via.receivedOff, via.receivedLen), '192.0.2.200');
});

test('RFC 5118 §4.5: received with an IPv6 address, bare and (robustly) bracketed', () => {
  let d = ok('SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3');
  assert.is(d.t(via.receivedOff, via.receivedLen), '2001:db8::9:255');
  assert.is(d.t(via.branchOff, via.branchLen), 'z9hG4bKas3');
  d = ok('SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111');
  assert.is(d.t(via.receivedOff, via.receivedLen), '[2001:db8::9:255]');
});

test('scalarlg Via: received IPv4', () => {
  const { t } = ok('SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129');
  assert.is(t(via.receivedOff, via.receivedLen), '192.0.2.129');
});

test('RFC 3581 rport: present without value, with value; maddr, ttl, LWS around ":"', () => {
  let d = ok('SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKx;maddr=224.2.0.1;ttl=16');
  assert.is(via.rportPresent, true);
  assert.is(via.rport, -1);
  assert.is(via.port, 5060);
  assert.is(d.t(via.maddrOff, via.maddrLen), '224.2.0.1');
  assert.is(via.ttl, 16);
  d = ok('SIP/2.0/UDP 192.0.2.1 : 5060;received=192.0.2.9;rport=5061');
  assert.is(via.port, 5060);
  assert.is(via.rport, 5061);
  assert.is(d.t(via.rportOff, via.rportLen), '5061');
  ok('SIP/2.0/UDP host.example.com');
  assert.is(via.rportPresent, false);
  assert.is(via.branchOff, -1);
  assert.is(via.paramsOff, -1);
});

test('params region iterates every via-param including extensions', () => {
  const { f } = ok('SIP/2.0/TLS h.example.com;branch=z9hG4bK1;x-ext="q; v";alias');
  const c = new ParamCursor().reset(f.buf, via.paramsOff, via.paramsOff + via.paramsLen, PARAMS_HEADER);
  const names: (string | null)[] = [];
  while (c.next() === 1) names.push(text(f.buf, c.nameOff, c.nameLen), text(f.buf, c.valueOff, c.valueLen));
  assert.equal(names, ['branch', 'z9hG4bK1', 'x-ext', 'q; v', 'alias', null]);
});

test('malformed Vias report the fault position', () => {
  const cases: [string, number, string | number, number?][] = [
    ['', E_DEC_EMPTY, 0],
    ['SIP/2.0 host', E_DEC_BAD_SENT_PROTOCOL, 'host'], // "/" expected there
    ['SIP/2.0/UDP', E_DEC_BAD_HOST, 11],
    ['SIP/2.0/UDPhost', E_DEC_BAD_HOST, 15],
    ['SIP//UDP host', E_DEC_BAD_SENT_PROTOCOL, '/', 1],
    ['SIP/2.0/UDP 2001:db8::1;branch=z9hG4bK1', E_DEC_BAD_HOST, '2001'],
    ['SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1', E_DEC_BAD_IPV6, ';'],
    ['SIP/2.0/UDP host:70000', E_DEC_BAD_PORT, 21], // the digit that passed 65535
    ['SIP/2.0/UDP host:', E_DEC_BAD_PORT, 17],
    ['SIP/2.0/UDP host;branch', E_DEC_BAD_PARAM, 'branch'],
    ['SIP/2.0/UDP host;branch="z9"', E_DEC_BAD_PARAM, 'z9'],
    ['SIP/2.0/UDP host;received=host.example.com', E_DEC_BAD_PARAM, 'host.', 0],
    ['SIP/2.0/UDP host;received=[::1', E_DEC_BAD_PARAM, '[::1'],
    ['SIP/2.0/UDP host;rport=x', E_DEC_BAD_PARAM, 'x'],
    ['SIP/2.0/UDP host;ttl=256', E_DEC_BAD_PARAM, '256'],
    ['SIP/2.0/UDP host;maddr=-x', E_DEC_BAD_PARAM, '-x'],
    ['SIP/2.0/UDP host junk', E_DEC_BAD_PARAM, 'junk'],
  ];
  for (const [value, code, where, nth] of cases) {
    const f = field(value);
    const r = decodeVia(f.buf, f.off, f.end, via);
    assert.is(r, code, `${JSON.stringify(value)} → ${r}`);
    const expected = typeof where === 'number' ? f.off + where : at(f, where, nth ?? 0);
    assert.is(via.errorOffset, expected, `${JSON.stringify(value)} offset`);
  }
});

test.run();
