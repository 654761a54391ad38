// Content-Type, Event, Subscription-State, token lists (Allow/Require/Supported/Allow-Events…)
// and SIP-ETag/SIP-If-Match, with values from RFC 4662, RFC 3856, RFC 3903, RFC 4475 messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ContentTypeValue, DECODE_OK, E_DEC_BAD_LIST, E_DEC_BAD_MEDIA_TYPE, E_DEC_BAD_NUMBER, E_DEC_BAD_PARAM,
  E_DEC_BAD_TOKEN, E_DEC_EMPTY, E_DEC_OUT_OF_RANGE, EventValue, PARAMS_HEADER, ParamCursor, REASON_OTHER,
  REASON_TIMEOUT, SUBSTATE_ACTIVE, SUBSTATE_OTHER, SUBSTATE_PENDING, SUBSTATE_TERMINATED, SubscriptionStateValue,
  TokenListCursor, TokenValue, decodeContentType, decodeEvent, decodeSipETag, decodeSipIfMatch,
  decodeSubscriptionState,
} from '../../core/sip/decode/index.js';
import { at, field, text } from './helpers.js';

const ct = new ContentTypeValue();
const ev = new EventValue();
const ss = new SubscriptionStateValue();
const tok = new TokenValue();

test('Content-Type: RFC 4662 folded multipart/related with quoted start and boundary', () => {
  const f = field('multipart/related;type="application/rlmi+xml";\r\n    start="<Cvjpeo@stockholm.example.org>";\r\n    boundary="tuLLl3lDyPZX0GMr2YOo"');
  assert.is(decodeContentType(f.buf, f.off, f.end, ct), DECODE_OK);
  assert.ok(ct.is(f.buf, 'multipart', 'related'));
  assert.is(text(f.buf, ct.boundaryOff, ct.boundaryLen), 'tuLLl3lDyPZX0GMr2YOo');
  assert.is(ct.charsetOff, -1);
  const c = new ParamCursor().reset(f.buf, ct.paramsOff, ct.paramsOff + ct.paramsLen, PARAMS_HEADER);
  const seen: (string | null)[] = [];
  while (c.next() === 1) seen.push(text(f.buf, c.nameOff, c.nameLen), text(f.buf, c.valueOff, c.valueLen));
  assert.equal(seen, ['type', 'application/rlmi+xml', 'start', '<Cvjpeo@stockholm.example.org>', 'boundary', 'tuLLl3lDyPZX0GMr2YOo']);
});

test('Content-Type: multipart/signed with an unquoted parameter before the boundary', () => {
  const f = field('multipart/signed;\r\n    protocol="application/pkcs7-signature";\r\n    micalg=sha1;boundary="l3WMZaaL8NpQWGnQ4mlU"');
  assert.is(decodeContentType(f.buf, f.off, f.end, ct), DECODE_OK);
  assert.is(text(f.buf, ct.subtypeOff, ct.subtypeLen), 'signed');
  assert.is(text(f.buf, ct.boundaryOff, ct.boundaryLen), 'l3WMZaaL8NpQWGnQ4mlU');
});

test('Content-Type: charset (quoted and not), case-insensitive match, LWS around "/"', () => {
  let f = field('application/pidf+xml;charset="UTF-8"');
  assert.is(decodeContentType(f.buf, f.off, f.end, ct), DECODE_OK);
  assert.ok(ct.is(f.buf, 'application', 'pidf+xml'));
  assert.is(text(f.buf, ct.charsetOff, ct.charsetLen), 'UTF-8');
  f = field('Text / Plain ; Charset = utf-8');
  assert.is(decodeContentType(f.buf, f.off, f.end, ct), DECODE_OK);
  assert.ok(ct.is(f.buf, 'text', 'plain'));
  assert.is(text(f.buf, ct.charsetOff, ct.charsetLen), 'utf-8');
  f = field('application/sdp');
  assert.is(decodeContentType(f.buf, f.off, f.end, ct), DECODE_OK);
  assert.is(ct.paramsOff, -1);
});

test('Content-Type: malformed', () => {
  const cases: [string, number, string | number][] = [
    ['', E_DEC_EMPTY, 0],
    ['text', E_DEC_BAD_MEDIA_TYPE, 4],
    ['text/', E_DEC_BAD_MEDIA_TYPE, 5],
    ['/plain', E_DEC_BAD_MEDIA_TYPE, 0],
    ['text/plain;charset', E_DEC_BAD_PARAM, 'charset'],
    ['text/plain;charset=[x]', E_DEC_BAD_PARAM, '[x]'],
    ['text/plain junk', E_DEC_BAD_PARAM, 'junk'],
  ];
  for (const [v, code, where] of cases) {
    const f = field(v);
    assert.is(decodeContentType(f.buf, f.off, f.end, ct), code, v);
    assert.is(ct.errorOffset, typeof where === 'number' ? f.off + where : at(f, where), `${v} offset`);
  }
});

test('Event: package, template, id (RFC 6665 §8.4)', () => {
  let f = field('presence');
  assert.is(decodeEvent(f.buf, f.off, f.end, ev), DECODE_OK);
  assert.ok(ev.packageIs(f.buf, 'presence'));
  assert.is(ev.templateOff, -1);
  assert.is(ev.idOff, -1);
  f = field('presence.winfo ; id = 1234;other');
  assert.is(decodeEvent(f.buf, f.off, f.end, ev), DECODE_OK);
  assert.is(text(f.buf, ev.packageOff, ev.packageLen), 'presence');
  assert.is(text(f.buf, ev.templateOff, ev.templateLen), 'winfo');
  assert.is(text(f.buf, ev.typeOff, ev.typeLen), 'presence.winfo');
  assert.is(text(f.buf, ev.idOff, ev.idLen), '1234');
  f = field('message-summary');
  assert.is(decodeEvent(f.buf, f.off, f.end, ev), DECODE_OK);
  assert.ok(ev.packageIs(f.buf, 'message-summary'));
  for (const [v, code, where] of [
    ['', E_DEC_EMPTY, 0], ['presence.', E_DEC_BAD_TOKEN, 9], ['.winfo', E_DEC_BAD_TOKEN, 0],
    ['a..b', E_DEC_BAD_TOKEN, 2], ['presence;id', E_DEC_BAD_PARAM, 9], ['presence;id="x"', E_DEC_BAD_PARAM, 13],
  ] as [string, number, number][]) {
    const g = field(v);
    assert.is(decodeEvent(g.buf, g.off, g.end, ev), code, v);
    assert.is(ev.errorOffset, g.off + where, `${v} offset`);
  }
});

test('Subscription-State: values from RFC 3856 / RFC 3903 flows and extensions', () => {
  let f = field('active; expires=3400');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), DECODE_OK);
  assert.is(ss.stateId, SUBSTATE_ACTIVE);
  assert.is(ss.expires, 3400);
  assert.is(ss.reasonId, -1);
  f = field('pending;expires=3600');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), DECODE_OK);
  assert.is(ss.stateId, SUBSTATE_PENDING);
  f = field('terminated;reason=timeout');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), DECODE_OK);
  assert.is(ss.stateId, SUBSTATE_TERMINATED);
  assert.is(ss.reasonId, REASON_TIMEOUT);
  assert.is(text(f.buf, ss.reasonOff, ss.reasonLen), 'timeout');
  assert.is(ss.expires, -1);
  f = field('Terminated;reason=probation;retry-after=30');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), DECODE_OK);
  assert.is(ss.stateId, SUBSTATE_TERMINATED);
  assert.is(ss.retryAfter, 30);
  f = field('waiting;reason=strange');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), DECODE_OK);
  assert.is(ss.stateId, SUBSTATE_OTHER);
  assert.is(ss.reasonId, REASON_OTHER);
  f = field('active;expires=99999999999');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), E_DEC_OUT_OF_RANGE);
  f = field('active;expires=soon');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), E_DEC_BAD_NUMBER);
  assert.is(ss.errorOffset, at(f, 'soon'));
  f = field(';expires=1');
  assert.is(decodeSubscriptionState(f.buf, f.off, f.end, ss), E_DEC_BAD_TOKEN);
});

test('token lists: Require (RFC 4475), Allow with folds, empty Supported, errors', () => {
  const c = new TokenListCursor();
  const all = (v: string): (string | null)[] | number => {
    const f = field(v);
    c.reset(f.buf, f.off, f.end);
    const out: (string | null)[] = [];
    let r: number;
    while ((r = c.next()) === 1) out.push(text(f.buf, c.tokenOff, c.tokenLen));
    return r === 0 ? out : r;
  };
  assert.equal(all('nothingSupportsThis, nothingSupportsThisEither'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
  assert.equal(all('INVITE, ACK, OPTIONS,\r\n CANCEL ,BYE'), ['INVITE', 'ACK', 'OPTIONS', 'CANCEL', 'BYE']);
  assert.equal(all('presence, presence.winfo, message-summary'), ['presence', 'presence.winfo', 'message-summary']);
  assert.equal(all(''), []);
  assert.equal(all('eventlist'), ['eventlist']);
  assert.is(all('a,,b'), E_DEC_BAD_LIST);
  assert.is(c.errorOffset, 9 + 2);
  assert.is(all('a b'), E_DEC_BAD_LIST);
  assert.is(all('a,'), E_DEC_BAD_LIST);
  assert.is(all(',a'), E_DEC_BAD_LIST);
  const f = field('100rel, Timer');
  c.reset(f.buf, f.off, f.end);
  c.next();
  c.next();
  assert.ok(c.tokenIs('timer'));
});

test('SIP-ETag / SIP-If-Match (RFC 3903 flow values)', () => {
  let f = field('dx200xyz');
  assert.is(decodeSipETag(f.buf, f.off, f.end, tok), DECODE_OK);
  assert.is(text(f.buf, tok.off, tok.len), 'dx200xyz');
  f = field(' kwj449x ');
  assert.is(decodeSipIfMatch(f.buf, f.off, f.end, tok), DECODE_OK);
  assert.is(text(f.buf, tok.off, tok.len), 'kwj449x');
  f = field('a b');
  assert.is(decodeSipETag(f.buf, f.off, f.end, tok), E_DEC_BAD_TOKEN);
  assert.is(tok.errorOffset, f.off + 1);
  f = field('');
  assert.is(decodeSipETag(f.buf, f.off, f.end, tok), E_DEC_EMPTY);
});

test.run();
