// From/To/Contact/Route values taken from the RFC 4475 and RFC 5118 torture messages
// (copied here byte for byte, folds included, so the test runs from a plain clone).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ContactValue, DECODE_OK, E_DEC_BAD_ADDR_SPEC, E_DEC_BAD_DISPLAY_NAME, E_DEC_BAD_NUMBER, E_DEC_BAD_PARAM,
  E_DEC_BAD_QVALUE, E_DEC_BAD_SCHEME, E_DEC_EMPTY, E_DEC_OUT_OF_RANGE, E_DEC_TRAILING_BYTES,
  E_DEC_UNTERMINATED_QUOTE, HOST_IPV6, NameAddrValue, PARAMS_HEADER, ParamCursor, SCHEME_OTHER, SCHEME_SIP,
  decodeContact, decodeNameAddr, decodeRoute, parseQvalue,
} from '../../core/sip/decode/index.js';
import { at, bytes, field, text, type Field } from './helpers.js';

const na = new NameAddrValue();
const contact = new ContactValue();

function from(value: string): { f: Field; t: (o: number, l: number) => string | null } {
  const f = field(value);
  const r = decodeNameAddr(f.buf, f.off, f.end, na);
  assert.is(r, DECODE_OK, `${JSON.stringify(value)}: code ${r} at ${na.errorOffset}`);
  return { f, t: (o, l) => text(f.buf, o, l) };
}

function contactOk(value: string): { f: Field; t: (o: number, l: number) => string | null } {
  const f = field(value);
  const r = decodeContact(f.buf, f.off, f.end, contact);
  assert.is(r, DECODE_OK, `${JSON.stringify(value)}: code ${r} at ${contact.errorOffset}`);
  return { f, t: (o, l) => text(f.buf, o, l) };
}

test('wsinv To: folded value, bare URI, LWS around ";" and "=" of the tag', () => {
  // "TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n" (value span after the fold)
  const { t } = from('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  assert.is(na.angle, false);
  assert.is(na.displayOff, -1);
  assert.is(t(na.uriOff, na.uriLen), 'sip:vivekg@chair-dnrc.example.com');
  assert.is(t(na.tagOff, na.tagLen), '1918181833n');
  assert.is(t(na.uri.hostOff, na.uri.hostLen), 'chair-dnrc.example.com');
});

test('wsinv From: quoted display name with escaped backslash and quote, folded ";" and tag', () => {
  const { t } = from('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8');
  assert.is(na.displayQuoted, true);
  assert.is(t(na.displayOff, na.displayLen), 'J Rosenberg \\\\\\"');
  assert.is(na.angle, true);
  assert.is(t(na.uriOff, na.uriLen), 'sip:jdrosen@example.com');
  assert.is(t(na.tagOff, na.tagLen), '98asjd8');
});

test('wsinv Route: <URI> with lr and unknown URI parameters', () => {
  const { t } = from('<sip:services.example.com;lr;unknownwith=value;unknown-no-value>');
  assert.is(na.uri.lr, true);
  assert.is(t(na.uri.paramsOff, na.uri.paramsLen), ';lr;unknownwith=value;unknown-no-value');
  const f = field('<sip:services.example.com;lr;unknownwith=value;unknown-no-value>');
  assert.is(decodeRoute(f.buf, f.off, f.end, na), DECODE_OK);
  assert.is(na.uri.lr, true);
});

test('Route needs name-addr: a bare URI is rejected', () => {
  const f = field('sip:proxy.example.com;lr');
  assert.is(decodeRoute(f.buf, f.off, f.end, na), E_DEC_BAD_ADDR_SPEC);
  assert.is(na.errorOffset, f.off);
});

test('wsinv Contact (m:): escaped quotes, folded params, q = 0.33', () => {
  const { t } = contactOk('"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33');
  assert.is(t(contact.displayOff, contact.displayLen), 'Quoted string \\"\\"');
  assert.is(contact.q, 330);
  assert.is(t(contact.qOff, contact.qLen), '0.33');
  const c = new ParamCursor();
  const seen: (string | null)[] = [];
  const f = field('"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33');
  decodeContact(f.buf, f.off, f.end, contact);
  c.reset(f.buf, contact.paramsOff, contact.paramsOff + contact.paramsLen, PARAMS_HEADER);
  while (c.next() === 1) seen.push(text(f.buf, c.nameOff, c.nameLen), text(f.buf, c.valueOff, c.valueLen));
  assert.equal(seen, ['newparam', 'newvalue', 'secondparam', null, 'q', '0.33']);
});

test('esc01 From: escaped spaces inside <>', () => {
  const { t } = from('<sip:I%20have%20spaces@example.net>;tag=938');
  assert.is(t(na.uri.userOff, na.uri.userLen), 'I%20have%20spaces');
  assert.is(t(na.tagOff, na.tagLen), '938');
});

test('escnull To/From/Contact: %00 in the user part', () => {
  from('sip:null-%00-null@example.com');
  const { t } = from('sip:null-%00-null@example.com;tag=839923423');
  assert.is(t(na.tagOff, na.tagLen), '839923423');
  contactOk('<sip:%00@host5.example.com>');
  contactOk('<sip:%00%00@host5.example.com>');
});

test('lwsdisp: token display name directly followed by "<"', () => {
  const { t } = from('caller<sip:caller@example.com>;tag=323');
  assert.is(t(na.displayOff, na.displayLen), 'caller');
  assert.is(na.displayQuoted, false);
  assert.is(t(na.uriOff, na.uriLen), 'sip:caller@example.com');
});

test('token-sequence display name keeps inner LWS and drops trailing LWS', () => {
  const { t } = from('Bob  Q.\r\n Public <sip:bob@example.com>');
  assert.is(t(na.displayOff, na.displayLen), 'Bob  Q.\r\n Public');
});

test('badaspec: whitespace inside <> is an error at the space', () => {
  const f = field('"Watson, Thomas" < sip:t.watson@example.org >');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_BAD_ADDR_SPEC);
  assert.is(na.errorOffset, at(f, ' sip:'));
  const g = field('<sip:t.watson@example.org >');
  assert.is(decodeNameAddr(g.buf, g.off, g.end, na), E_DEC_BAD_ADDR_SPEC);
  assert.is(na.errorOffset, at(g, ' >'));
});

test('quotbal: unterminated quoted display name', () => {
  const f = field('"Mr. J. User <sip:j.user@example.com>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_UNTERMINATED_QUOTE);
  assert.is(na.errorOffset, f.end);
});

test('baddn: non-token characters in an unquoted display name', () => {
  let f = field('Bell, Alexander <sip:a.g.bell@example.com>;tag=43');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_BAD_DISPLAY_NAME);
  assert.is(na.errorOffset, at(f, ','));
  f = field('Watson, Thomas <sip:t.watson@example.org>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_BAD_DISPLAY_NAME);
  f = field('Joe "Q" <sip:joe@example.org>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_BAD_DISPLAY_NAME);
  assert.is(na.errorOffset, at(f, '"'));
  f = field('J\u00e9r\u00f4me <sip:j@example.org>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), E_DEC_BAD_DISPLAY_NAME); // UTF-8 needs quotes
});

test('regbadct: a bare URI with "?" in Contact needed <> (error at "?")', () => {
  const f = field('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
  assert.is(decodeContact(f.buf, f.off, f.end, contact), E_DEC_BAD_ADDR_SPEC);
  assert.is(contact.errorOffset, at(f, '?'));
});

test('regescrt: the same URI inside <> is fine and keeps its escaped header', () => {
  const { t } = contactOk('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>');
  assert.is(t(contact.uri.headersOff, contact.uri.headersLen), 'Route=%3Csip:sip.example.com%3E');
  assert.is(contact.paramsOff, -1);
});

test('cparam01: params after a bare URI belong to the Contact, not the URI', () => {
  const { t } = contactOk('sip:+19725552222@gw1.example.net;unknownparam');
  assert.is(t(contact.uriOff, contact.uriLen), 'sip:+19725552222@gw1.example.net');
  assert.is(contact.uri.paramsOff, -1);
  assert.is(t(contact.paramsOff, contact.paramsLen), ';unknownparam');
});

test('cparam02: params inside <> belong to the URI', () => {
  const { t } = contactOk('<sip:+19725552222@gw1.example.net;unknownparam>');
  assert.is(t(contact.uri.paramsOff, contact.uri.paramsLen), ';unknownparam');
  assert.is(contact.paramsOff, -1);
});

test('unksm2: unknown schemes in To, From and Contact are opaque, not errors', () => {
  let d = from('isbn:2983792873');
  assert.is(na.uri.schemeId, SCHEME_OTHER);
  assert.is(d.t(na.uri.opaqueOff, na.uri.opaqueLen), '2983792873');
  d = from('<http://www.example.com>;tag=3234233');
  assert.is(d.t(na.uri.schemeOff, na.uri.schemeLen), 'http');
  assert.is(d.t(na.tagOff, na.tagLen), '3234233');
  d = contactOk('<name:John_Smith>');
  assert.is(d.t(contact.uri.opaqueOff, contact.uri.opaqueLen), 'John_Smith');
});

test('RFC 5118 Contacts with IPv6 hosts', () => {
  for (const v of [
    '"Caller" <sip:caller@[2001:db8::1]>',
    '"T. desk phone" <sip:ted@[::ffff:192.0.2.2]>',
    '"Caller" <sip:caller@[2001:db8::9:1]>',
  ]) {
    contactOk(v);
    assert.is(contact.uri.hostKind, HOST_IPV6, v);
    assert.is(contact.uri.schemeId, SCHEME_SIP);
  }
  from('sip:user@[2001:db8::192.0.2.1]');
});

test('Contact: *, expires, q, +sip.instance, reg-id (RFC 3261 §10.2.2, RFC 5626 §4.1)', () => {
  contactOk('*');
  assert.is(contact.star, true);
  contactOk('  *  ');
  assert.is(contact.star, true);
  const { t } = contactOk('<sip:alice@192.0.2.1;transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";reg-id=1;expires=3600;q=1.0');
  assert.is(contact.star, false);
  assert.is(contact.expires, 3600);
  assert.is(contact.q, 1000);
  assert.is(contact.regId, 1);
  assert.is(t(contact.instanceOff, contact.instanceLen), '<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>');
  // A bare addr-spec Contact whose quoted parameter contains "<" is still a bare addr-spec.
  const d = contactOk('sip:alice@192.0.2.1;+sip.instance="<urn:uuid:1>"');
  assert.is(d.t(contact.instanceOff, contact.instanceLen), '<urn:uuid:1>');
});

test('scalar02 Contact: expires beyond 2^32-1 is out of range', () => {
  const f = field('<sip:user@host129.example.com>\r\n  ;expires=280297596632815');
  assert.is(decodeContact(f.buf, f.off, f.end, contact), E_DEC_OUT_OF_RANGE);
  assert.is(contact.errorOffset, at(f, '280297596632815'));
  contactOk('<sip:a@b>;expires=4294967295');
  assert.is(contact.expires, 4294967295);
  const g = field('<sip:a@b>;expires=4294967296');
  assert.is(decodeContact(g.buf, g.off, g.end, contact), E_DEC_OUT_OF_RANGE);
});

test('q values (RFC 3261 §25.1 qvalue)', () => {
  const q = (s: string) => parseQvalue(bytes(s), 0, s.length);
  assert.is(q('0'), 0);
  assert.is(q('1'), 1000);
  assert.is(q('0.5'), 500);
  assert.is(q('0.001'), 1);
  assert.is(q('1.000'), 1000);
  assert.is(q('0.'), 0);
  assert.is(q('1.001'), -1);
  assert.is(q('0.0001'), -1);
  assert.is(q('2'), -1);
  assert.is(q('.5'), -1);
  const f = field('<sip:a@b>;q=1.5');
  assert.is(decodeContact(f.buf, f.off, f.end, contact), E_DEC_BAD_QVALUE);
  assert.is(contact.errorOffset, at(f, '1.5'));
  const g = field('<sip:a@b>;reg-id=x');
  assert.is(decodeContact(g.buf, g.off, g.end, contact), E_DEC_BAD_NUMBER);
});

test('malformed addresses', () => {
  const cases: [string, number, string | number][] = [
    ['', E_DEC_EMPTY, 0],
    ['   ', E_DEC_EMPTY, 3],
    ['<sip:a@b', E_DEC_BAD_ADDR_SPEC, 8],
    ['"x" sip:a@b', E_DEC_BAD_ADDR_SPEC, 's'],
    ['<sip:a@b> junk', E_DEC_TRAILING_BYTES, 'junk'],
    ['<sip:a@b>;tag', E_DEC_BAD_PARAM, 'tag'],
    ['<sip:a@b>;tag="x"', E_DEC_BAD_PARAM, 'x'],
    ['<sip:a@b>;;tag=1', E_DEC_BAD_PARAM, 10], // the second ";": a parameter name was expected
    ['<sip:a@b>;x="open', E_DEC_UNTERMINATED_QUOTE, 17],
    ['<bogus>', E_DEC_BAD_SCHEME, 6],
    ['sip:a@b, sip:c@d', E_DEC_BAD_ADDR_SPEC, ','],
  ];
  for (const [value, code, where] of cases) {
    const f = field(value);
    const r = decodeNameAddr(f.buf, f.off, f.end, na);
    assert.is(r, code, `${JSON.stringify(value)} → ${r}`);
    assert.is(na.errorOffset, typeof where === 'number' ? f.off + where : at(f, where), `${JSON.stringify(value)} offset`);
  }
});

test.run();
