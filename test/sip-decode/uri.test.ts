import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DECODE_OK, E_DEC_BAD_ESCAPE, E_DEC_BAD_OPAQUE_URI, E_DEC_BAD_HOST, E_DEC_BAD_IPV6, E_DEC_BAD_PARAM, E_DEC_BAD_PORT, E_DEC_BAD_SCHEME,
  E_DEC_BAD_TEL, E_DEC_BAD_URI_HEADER, E_DEC_BAD_USER, E_DEC_EMPTY, E_DEC_TRAILING_BYTES, HOST_IPV4, HOST_IPV6,
  HOST_NAME, PARAMS_URI, PARAMS_URI_HEADERS, ParamCursor, SCHEME_OTHER, SCHEME_SIP, SCHEME_SIPS, SCHEME_TEL,
  UriValue, decodeUri,
} from '../../core/sip/decode/index.js';
import { at, field, text } from './helpers.js';

const uri = new UriValue();

function ok(value: string): { t: (off: number, len: number) => string | null; f: ReturnType<typeof field> } {
  const f = field(value);
  const r = decodeUri(f.buf, f.off, f.end, uri);
  assert.is(r, DECODE_OK, `${value}: code ${r} at ${uri.errorOffset}`);
  return { t: (off, len) => text(f.buf, off, len), f };
}

function bad(value: string, code: number, where: string | number, nth = 0): void {
  const f = field(value);
  const r = decodeUri(f.buf, f.off, f.end, uri);
  assert.is(r, code, `${value}: expected ${code}, got ${r}`);
  const expected = typeof where === 'number' ? f.off + where : at(f, where, nth);
  assert.is(uri.errorOffset, expected, `${value}: error offset`);
}

test('RFC 4475 wsinv Request-URI: user, host, unknown parameter without value', () => {
  const { t } = ok('sip:vivekg@chair-dnrc.example.com;unknownparam');
  assert.is(uri.schemeId, SCHEME_SIP);
  assert.is(t(uri.userOff, uri.userLen), 'vivekg');
  assert.is(t(uri.hostOff, uri.hostLen), 'chair-dnrc.example.com');
  assert.is(uri.hostKind, HOST_NAME);
  assert.is(uri.port, -1);
  assert.is(t(uri.paramsOff, uri.paramsLen), ';unknownparam');
  assert.is(uri.transportOff, -1);
  assert.is(uri.lr, false);
});

test('RFC 4475 esc01: escaped user in Request-URI, To, From and Contact parameters', () => {
  let d = ok('sip:sips%3Auser%40example.com@example.net');
  assert.is(d.t(uri.userOff, uri.userLen), 'sips%3Auser%40example.com');
  assert.is(d.t(uri.hostOff, uri.hostLen), 'example.net');
  d = ok('sip:%75se%72@example.com');
  assert.is(d.t(uri.userOff, uri.userLen), '%75se%72');
  d = ok('sip:I%20have%20spaces@example.net');
  assert.is(d.t(uri.userOff, uri.userLen), 'I%20have%20spaces');
  d = ok('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
  const c = new ParamCursor().reset(d.f.buf, uri.paramsOff, uri.paramsOff + uri.paramsLen, PARAMS_URI);
  assert.is(c.next(), 1);
  assert.is(d.t(c.nameOff, c.nameLen), '%6C%72');
  assert.is(c.valueOff, -1);
  assert.is(c.next(), 1);
  assert.is(d.t(c.nameOff, c.nameLen), 'n%61me');
  assert.is(d.t(c.valueOff, c.valueLen), 'v%61lue%25%34%31');
  assert.is(c.next(), 0);
});

test('RFC 4475 escnull: %00 is a valid escape in the user part', () => {
  const d = ok('sip:null-%00-null@example.com');
  assert.is(d.t(uri.userOff, uri.userLen), 'null-%00-null');
  ok('sip:%00@host5.example.com');
  ok('sip:%00%00@host5.example.com');
});

test('RFC 4475 semiuri: ";" and "=" inside the user part belong to the user', () => {
  const d = ok('sip:user;par=u%40example.net@example.com');
  assert.is(d.t(uri.userOff, uri.userLen), 'user;par=u%40example.net');
  assert.is(d.t(uri.hostOff, uri.hostLen), 'example.com');
  assert.is(uri.paramsOff, -1);
});

test('password, port, IPv4 host', () => {
  const d = ok('sips:alice:secret%21@192.0.2.4:5061');
  assert.is(uri.schemeId, SCHEME_SIPS);
  assert.is(d.t(uri.userOff, uri.userLen), 'alice');
  assert.is(d.t(uri.passwordOff, uri.passwordLen), 'secret%21');
  assert.is(uri.hostKind, HOST_IPV4);
  assert.is(uri.port, 5061);
  assert.is(d.t(uri.portOff, uri.portLen), '5061');
  ok('SIP:Alice@Example.COM');
  assert.is(uri.schemeId, SCHEME_SIP);
  ok('sip:alice:@host'); // password = *( … ) may be empty
});

test('well-known uri-parameters are pre-located; headers after "?" iterate', () => {
  const d = ok('sip:user@[::ffff:192.0.2.1];transport=tcp;user=phone;lr;ttl=5;maddr=239.1.1.1;method=INVITE?subject=x&priority=urgent&empty=');
  assert.is(d.t(uri.transportOff, uri.transportLen), 'tcp');
  assert.is(d.t(uri.userParamOff, uri.userParamLen), 'phone');
  assert.is(uri.lr, true);
  assert.is(uri.ttl, 5);
  assert.is(d.t(uri.maddrOff, uri.maddrLen), '239.1.1.1');
  assert.is(d.t(uri.methodOff, uri.methodLen), 'INVITE');
  assert.is(d.t(uri.headersOff, uri.headersLen), 'subject=x&priority=urgent&empty=');
  const c = new ParamCursor().reset(d.f.buf, uri.headersOff, uri.headersOff + uri.headersLen, PARAMS_URI_HEADERS);
  const seen: string[] = [];
  while (c.next() === 1) seen.push(`${d.t(c.nameOff, c.nameLen)}=${d.t(c.valueOff, c.valueLen)}`);
  assert.equal(seen, ['subject=x', 'priority=urgent', 'empty=']);
});

test('RFC 4475 regescrt: escaped Route header inside a URI', () => {
  const d = ok('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
  assert.is(d.t(uri.headersOff, uri.headersLen), 'Route=%3Csip:sip.example.com%3E');
});

test('RFC 5118 IPv6 references: good, port, mapped IPv4, ambiguous port', () => {
  let d = ok('sip:[2001:db8::10]');
  assert.is(uri.hostKind, HOST_IPV6);
  assert.is(d.t(uri.hostOff, uri.hostLen), '[2001:db8::10]');
  d = ok('sip:[2001:db8::10]:5070'); // port-unambiguous
  assert.is(uri.port, 5070);
  d = ok('sip:[2001:db8::10:5070]'); // port-ambiguous (§4.3): an address with no port
  assert.is(d.t(uri.hostOff, uri.hostLen), '[2001:db8::10:5070]');
  assert.is(uri.port, -1);
  ok('sip:ted@[::ffff:192.0.2.2]'); // ipv4-mapped-ipv6 (§4.9)
  ok('sip:user@[2001:db8::192.0.2.1]'); // ipv6-correct-abnf-2-colons (§4.10)
  // ipv6-bug-abnf-3-colons (§4.10): RFC 3261's ABNF admits it; RFC 5118 asks to be robust.
  ok('sip:user@[2001:db8:::192.0.2.1]');
  ok('sip:[::1]');
  ok('sip:[::]');
  ok('sip:[1:2:3:4:5:6:7:8]');
  ok('sip:[1:2:3:4:5:6:192.0.2.1]');
});

test('RFC 5118 ipv6-bad and other malformed IPv6 references', () => {
  bad('sip:2001:db8::10', E_DEC_BAD_HOST, 4); // ipv6-bad (§4.2): no brackets, "2001" is no host
  bad('sip:[2001:db8::10', E_DEC_BAD_IPV6, 17); // no closing bracket: fault at end
  bad('sip:[1:2:3:4:5:6:7:8:9]', E_DEC_BAD_IPV6, 21);
  bad('sip:[1::2::3]', E_DEC_BAD_IPV6, 9); // second "::"
  bad('sip:[12345::1]', E_DEC_BAD_IPV6, 5);
  bad('sip:[::ffff:192.0.2.256]', E_DEC_BAD_IPV6, '256');
  bad('sip:[1:2:3:4:5:6:7]', E_DEC_BAD_IPV6, 18);
  bad('sip:[:1::2]', E_DEC_BAD_IPV6, 5);
  bad('sip:[2001:db8::1]:', E_DEC_BAD_PORT, 18);
});

test('RFC 6874 zone ids: "%25" + zone accepted and located, a raw "%" rejected', () => {
  const d = ok('sip:ted@[fe80::1%25eth0]:5060');
  assert.is(d.t(uri.zoneOff, uri.zoneLen), 'eth0');
  assert.is(d.t(uri.hostOff, uri.hostLen), '[fe80::1%25eth0]');
  assert.is(uri.port, 5060);
  bad('sip:ted@[fe80::1%eth0]', E_DEC_BAD_IPV6, '%');
  bad('sip:ted@[fe80::1%25]', E_DEC_BAD_IPV6, ']');
});

test('unknown schemes decode as opaque absoluteURI (RFC 4475 unkscm, novelsc, unksm2)', () => {
  let d = ok('nobodyKnowsThisScheme:totallyopaquecontent');
  assert.is(uri.schemeId, SCHEME_OTHER);
  assert.is(d.t(uri.schemeOff, uri.schemeLen), 'nobodyKnowsThisScheme');
  assert.is(d.t(uri.opaqueOff, uri.opaqueLen), 'totallyopaquecontent');
  d = ok('soap.beep://192.0.2.103:3002');
  assert.is(d.t(uri.schemeOff, uri.schemeLen), 'soap.beep');
  assert.is(d.t(uri.opaqueOff, uri.opaqueLen), '//192.0.2.103:3002');
  assert.is(uri.hostOff, -1);
  d = ok('isbn:2983792873');
  assert.is(d.t(uri.opaqueOff, uri.opaqueLen), '2983792873');
  ok('http://www.example.com');
  ok('name:John_Smith');
  bad('isbn:29 83', E_DEC_BAD_OPAQUE_URI, ' ');
  bad('isbn:', E_DEC_BAD_OPAQUE_URI, 5);
  bad('x-y:a%4', E_DEC_BAD_ESCAPE, '%');
});

test('tel URIs (RFC 3966): global, local with phone-context, malformed', () => {
  let d = ok('tel:+1-201-555-0123');
  assert.is(uri.schemeId, SCHEME_TEL);
  assert.is(uri.telGlobal, true);
  assert.is(d.t(uri.userOff, uri.userLen), '+1-201-555-0123');
  d = ok('tel:7042;phone-context=example.com');
  assert.is(uri.telGlobal, false);
  assert.is(d.t(uri.userOff, uri.userLen), '7042');
  assert.is(d.t(uri.phoneContextOff, uri.phoneContextLen), 'example.com');
  ok('tel:+358-555-1234567;postd=pp22');
  ok('tel:*21#;phone-context=+1');
  bad('tel:7042', E_DEC_BAD_TEL, 8);
  bad('tel:+', E_DEC_BAD_TEL, 5);
  bad('tel:+1 555', E_DEC_BAD_TEL, ' ');
  bad('tel:+1555;=x', E_DEC_BAD_TEL, '=');
});

test('malformed SIP URIs report the fault position', () => {
  bad('', E_DEC_EMPTY, 0);
  bad('sip', E_DEC_BAD_SCHEME, 3);
  bad('1sip:a@b', E_DEC_BAD_SCHEME, 0);
  bad('sip:us%zzer@host', E_DEC_BAD_ESCAPE, '%');
  bad('sip:user%4@host', E_DEC_BAD_ESCAPE, '%');
  bad('sip:@host', E_DEC_BAD_USER, '@');
  bad('sip:us"er@host', E_DEC_TRAILING_BYTES, '"'); // no "@" reachable: host "us", then junk
  bad('sip:user@host:99999', E_DEC_BAD_PORT, '9', 4);
  bad('sip:user@host:50x', E_DEC_TRAILING_BYTES, 'x');
  bad('sip:user@exa mple.com', E_DEC_TRAILING_BYTES, ' ');
  bad('sip:user@-bad.com', E_DEC_BAD_HOST, '-');
  bad('sip:user@example.123', E_DEC_BAD_HOST, '123');
  bad('sip:user@192.0.2.256', E_DEC_BAD_HOST, 9);
  bad('sip:user@host;;lr', E_DEC_BAD_PARAM, ';', 1);
  bad('sip:user@host;ttl=300', E_DEC_BAD_PARAM, '300');
  bad('sip:user@host;maddr=[1::2', E_DEC_BAD_IPV6, 'sip:user@host;maddr=[1::2'.length);
  bad('sip:user@host;x=', E_DEC_BAD_PARAM, 'sip:user@host;x='.length);
  bad('sip:user@host?a', E_DEC_BAD_URI_HEADER, 'sip:user@host?a'.length);
  bad('sip:user@host?a=b&&c=d', E_DEC_BAD_URI_HEADER, '&', 1); // empty hname
});

test('decoder stays inside [off, end): bytes after end are not read', () => {
  const f = field('sip:alice@example.com;lr');
  // Decode only "sip:alice@example.com": the ";lr" after end must not be seen.
  const r = decodeUri(f.buf, f.off, f.off + 'sip:alice@example.com'.length, uri);
  assert.is(r, DECODE_OK);
  assert.is(uri.lr, false);
  assert.is(uri.paramsOff, -1);
  assert.is(uri.hostOff + uri.hostLen, f.off + 'sip:alice@example.com'.length);
});

test('reset between decodes: nothing leaks from a previous value', () => {
  ok('sip:a:b@[::1]:5;lr;transport=udp?x=y');
  ok('sip:host');
  assert.is(uri.userOff, -1);
  assert.is(uri.passwordOff, -1);
  assert.is(uri.port, -1);
  assert.is(uri.lr, false);
  assert.is(uri.transportOff, -1);
  assert.is(uri.headersOff, -1);
  assert.is(uri.hostKind, HOST_NAME);
});

test.run();
