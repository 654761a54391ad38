// The shared parameter cursor (header params, URI params, URI headers) and the %-escape helpers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  E_DEC_BAD_ESCAPE, E_DEC_BAD_PARAM, E_DEC_NO_ROOM, E_DEC_UNTERMINATED_QUOTE, PARAMS_HEADER, PARAMS_URI, ParamCursor,
  E_DEC_BAD_DISPLAY_NAME, NameAddrValue, decodeNameAddr, escapedEquals, escapedSpansEqual, findBadEscape, skipLws,
  unescapeInto, unquoteInto,
} from '../../core/sip/decode/index.js';
import { bytes, field, text } from './helpers.js';

function collect(value: string, mode: number): { list: (string | boolean | null)[]; code: number; errorOffset: number } {
  const f = field(value);
  const c = new ParamCursor().reset(f.buf, f.off, f.end, mode);
  const list: (string | boolean | null)[] = [];
  let r: number;
  while ((r = c.next()) === 1) list.push(text(f.buf, c.nameOff, c.nameLen), text(f.buf, c.valueOff, c.valueLen), c.quoted);
  return { list, code: r, errorOffset: c.errorOffset < 0 ? -1 : c.errorOffset - f.off };
}

test('header params: SWS around ";" and "=", folds, quoted values with ";" "," and escapes', () => {
  const r = collect(' ;a ;\r\n b = 1;c="x;y,\\"z";d=[2001:db8::1];e=::1', PARAMS_HEADER);
  assert.is(r.code, 0);
  assert.equal(r.list, ['a', null, false, 'b', '1', false, 'c', 'x;y,\\"z', true, 'd', '[2001:db8::1]', false, 'e', '::1', false]);
  assert.equal(collect('', PARAMS_HEADER).list, []);
  assert.equal(collect(';q=""', PARAMS_HEADER).list, ['q', '', true]);
});

test('header params: errors and their positions', () => {
  assert.equal(collect(';', PARAMS_HEADER), { list: [], code: E_DEC_BAD_PARAM, errorOffset: 1 });
  assert.equal(collect('x', PARAMS_HEADER), { list: [], code: E_DEC_BAD_PARAM, errorOffset: 0 });
  assert.equal(collect(';a=', PARAMS_HEADER), { list: [], code: E_DEC_BAD_PARAM, errorOffset: 3 });
  assert.equal(collect(';a="x', PARAMS_HEADER), { list: [], code: E_DEC_UNTERMINATED_QUOTE, errorOffset: 5 });
  assert.equal(collect(';a=b c', PARAMS_HEADER), { list: ['a', 'b', false], code: E_DEC_BAD_PARAM, errorOffset: 5 });
  // A CRLF not followed by whitespace is not LWS: it ends the value, so it is an error here.
  assert.equal(collect(';a=b\r\n;c', PARAMS_HEADER).code, E_DEC_BAD_PARAM);
  // Bare CR inside a quoted string is not qdtext.
  assert.equal(collect(';a="x\ry"', PARAMS_HEADER).code, E_DEC_UNTERMINATED_QUOTE);
});

test('URI params: no LWS, escapes validated, empty pvalue rejected', () => {
  assert.equal(collect(';lr;transport=tcp;n%61me=v%25', PARAMS_URI).list, ['lr', null, false, 'transport', 'tcp', false, 'n%61me', 'v%25', false]);
  assert.is(collect('; lr', PARAMS_URI).code, E_DEC_BAD_PARAM);
  assert.is(collect(';a=%G0', PARAMS_URI).code, E_DEC_BAD_ESCAPE);
  assert.is(collect(';a=', PARAMS_URI).code, E_DEC_BAD_PARAM);
  assert.is(collect(';a="b"', PARAMS_URI).code, E_DEC_BAD_PARAM);
});

test('escapedEquals: esc01 user "%75se%72" equals "user"; case folding only when asked', () => {
  const b = bytes('sip:%75se%72@example.com');
  assert.ok(escapedEquals(b, 4, 12, 'user', false));
  assert.not.ok(escapedEquals(b, 4, 12, 'User', false));
  assert.ok(escapedEquals(b, 4, 12, 'USER', true));
  assert.not.ok(escapedEquals(b, 4, 12, 'use', false));
  assert.not.ok(escapedEquals(b, 4, 12, 'users', false));
  const bad = bytes('a%4');
  assert.not.ok(escapedEquals(bad, 0, 3, 'a@', false));
  // An escaped "%" is data, not a new escape: "%2541" decodes to "%41".
  const pct = bytes('%2541');
  assert.ok(escapedEquals(pct, 0, 5, '%41', false));
  // escnull: %00 compares as a NUL byte.
  const nul = bytes('null-%00-null');
  assert.ok(escapedEquals(nul, 0, nul.length, 'null-\u0000-null', false));
});

test('escapedSpansEqual: two spellings of the same user', () => {
  const a = bytes('%75se%72');
  const b = bytes('user');
  assert.ok(escapedSpansEqual(a, 0, a.length, b, 0, b.length, false));
  assert.ok(escapedSpansEqual(b, 0, b.length, a, 0, a.length, false));
  assert.not.ok(escapedSpansEqual(a, 0, a.length, b, 0, 3, false));
  const c = bytes('%55SER');
  assert.ok(escapedSpansEqual(a, 0, a.length, c, 0, c.length, true));
  assert.not.ok(escapedSpansEqual(a, 0, a.length, c, 0, c.length, false));
});

test('unescapeInto: writes decoded bytes, reports bad escapes and lack of room', () => {
  const src = bytes('I%20have%20spaces%00!');
  const dst = new Uint8Array(32);
  const n = unescapeInto(src, 0, src.length, dst, 2);
  assert.is(n, 15);
  assert.is(text(dst, 2, n), 'I have spaces\u0000!');
  assert.is(unescapeInto(src, 0, src.length, new Uint8Array(5), 0), E_DEC_NO_ROOM);
  const bad = bytes('ab%2');
  assert.is(unescapeInto(bad, 0, bad.length, dst, 0), E_DEC_BAD_ESCAPE);
  // The span end is respected: "%20" cut in half at end is a bad escape, not a read past end.
  const cut = bytes('a%20');
  assert.is(unescapeInto(cut, 0, 3, dst, 0), E_DEC_BAD_ESCAPE);
});

test('findBadEscape and skipLws', () => {
  const b = bytes('a%41b%4g');
  assert.is(findBadEscape(b, 0, b.length), 5);
  assert.is(findBadEscape(b, 0, 5), -1);
  assert.is(findBadEscape(b, 0, 3), 1);
  const w = bytes(' \t\r\n \r\n\tx\r\ny');
  assert.is(skipLws(w, 0, w.length), 8);
  assert.is(skipLws(w, 9, w.length), 9);
});

test('unquoteInto: wsinv display names lose their escapes; folds become one SP', () => {
  const na = new NameAddrValue();
  const dst = new Uint8Array(64);
  let f = field('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), 0);
  let n = unquoteInto(f.buf, na.displayOff, na.displayOff + na.displayLen, dst, 0);
  assert.is(text(dst, 0, n), 'J Rosenberg \\"');
  f = field('"Quoted string \\"\\"" <sip:jdrosen@example.com>');
  assert.is(decodeNameAddr(f.buf, f.off, f.end, na), 0);
  n = unquoteInto(f.buf, na.displayOff, na.displayOff + na.displayLen, dst, 0);
  assert.is(text(dst, 0, n), 'Quoted string ""');
  const folded = bytes('a\r\n  b');
  n = unquoteInto(folded, 0, folded.length, dst, 0);
  assert.is(text(dst, 0, n), 'a b');
  assert.is(unquoteInto(bytes('abc'), 0, 3, new Uint8Array(2), 0), E_DEC_NO_ROOM);
  assert.is(unquoteInto(bytes('ab\\'), 0, 3, dst, 0), E_DEC_BAD_DISPLAY_NAME);
});

test.run();
