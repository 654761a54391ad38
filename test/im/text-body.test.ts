import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyBody, parseMediaType, ACCEPTED_CONTENT_TYPES } from '../../core/im/body-kind.js';
import {
  decodeTextBody, encodeTextBody, textCharsetOf, TEXT_PLAIN_UTF8, E_TEXT_NOT_TEXT_PLAIN, E_TEXT_UNSUPPORTED_CHARSET,
  E_TEXT_TOO_LARGE, E_TEXT_NO_SPACE, type DecodedText, type TextBodyRefusal,
} from '../../core/im/text-body.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const ok = (r: { ok: boolean; val: unknown }) => { assert.ok(r.ok, JSON.stringify(r.val)); return r.val as DecodedText; };
const refused = (r: { ok: boolean; val: unknown }) => { assert.ok(!r.ok); return r.val as TextBodyRefusal; };

test('classifyBody: the four kinds, case and parameters, and everything else unsupported', () => {
  const cases: [string | null, string][] = [
    ['text/plain', 'text'], ['TEXT/Plain; charset=UTF-8', 'text'], [' text / plain ;charset="iso-8859-1"', 'text'],
    ['application/im-iscomposing+xml', 'iscomposing'], ['Application/IM-isComposing+XML', 'iscomposing'],
    ['message/imdn+xml', 'imdn'], ['message/cpim', 'cpim'], ['Message/CPIM', 'cpim'],
    ['text/html', 'unsupported'], ['application/xml', 'unsupported'], ['text', 'unsupported'], ['', 'unsupported'],
    [null, 'unsupported'], ['text/plain; charset', 'unsupported'], ['text/plain; charset="unterminated', 'unsupported'],
    ['text/plain;', 'text'], ['__proto__/x', 'unsupported'], ['constructor/prototype', 'unsupported'],
  ];
  for (const [ct, kind] of cases) assert.is(classifyBody(ct), kind, String(ct));
  // The isComposing XML is never 'text', whatever parameters it carries.
  assert.is(classifyBody('application/im-iscomposing+xml; charset=UTF-8'), 'iscomposing');
  assert.equal(parseMediaType('text/plain; Charset="a\\"b"; charset=second'), { essence: 'text/plain', params: { charset: 'a"b' } });
});

test('UTF-8 by default, with a BOM removed; ill-formed bytes become U+FFFD and are flagged, not refused', () => {
  assert.equal(ok(decodeTextBody(enc('Grüße'), 0, 7, 'text/plain')), { text: 'Grüße', charset: 'utf-8', malformed: false });
  assert.equal(ok(decodeTextBody(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69), 0, 5, 'text/plain;charset=utf-8')).text, 'hi');
  assert.equal(ok(decodeTextBody(bytes(0x61, 0xff, 0x62), 0, 3, 'text/plain; charset=UTF-8')), { text: 'a\ufffdb', charset: 'utf-8', malformed: true });
  assert.equal(ok(decodeTextBody(enc('xxWatson, come here.yy'), 2, 18, 'text/plain')).text, 'Watson, come here.', 'RFC 3428 F1 body, by span');
});

test('ISO-8859-1 (and its IANA aliases) decoded byte for byte; US-ASCII read as UTF-8 but flagged when not ASCII', () => {
  const latin = bytes(0x47, 0x72, 0xfc, 0xdf, 0x65);
  for (const label of ['ISO-8859-1', 'iso_8859-1', 'latin1', 'l1', 'CP819', '"iso-8859-1"']) {
    assert.equal(ok(decodeTextBody(latin, 0, 5, `text/plain; charset=${label}`)), { text: 'Grüße', charset: 'iso-8859-1', malformed: false }, label);
  }
  assert.equal(ok(decodeTextBody(enc('plain'), 0, 5, 'text/plain;charset=us-ascii')), { text: 'plain', charset: 'us-ascii', malformed: false });
  assert.equal(ok(decodeTextBody(enc('é'), 0, 2, 'text/plain;charset=US-ASCII')), { text: 'é', charset: 'us-ascii', malformed: true });
  const big = new Uint8Array(3000).fill(0xe9);
  assert.is(ok(decodeTextBody(big, 0, 3000, 'text/plain;charset=latin1')).text, 'é'.repeat(3000), 'longer than one decoding chunk');
});

test('other charsets → 415 advice with Accept; too large → 413; not text/plain → 415', () => {
  for (const label of ['windows-1252', 'Shift_JIS', 'utf-16', 'koi8-r', 'toString', '__proto__']) {
    const r = refused(decodeTextBody(enc('x'), 0, 1, `text/plain; charset=${label}`));
    assert.equal([r.code, r.status, r.reason, r.accept], [E_TEXT_UNSUPPORTED_CHARSET, 415, 'Unsupported Media Type', ACCEPTED_CONTENT_TYPES], label);
  }
  const big = refused(decodeTextBody(new Uint8Array(5000), 0, 5000, 'text/plain'));
  assert.equal([big.code, big.status], [E_TEXT_TOO_LARGE, 413]);
  assert.ok(decodeTextBody(new Uint8Array(100), 0, 100, 'text/plain', { maxBytes: 100 }).ok);
  assert.is(refused(decodeTextBody(new Uint8Array(101), 0, 101, 'text/plain', { maxBytes: 100 })).status, 413);
  assert.is(refused(decodeTextBody(enc('<x/>'), 0, 4, 'application/im-iscomposing+xml')).code, E_TEXT_NOT_TEXT_PLAIN, 'never decoded as text');
  assert.is(refused(decodeTextBody(enc('x'), 0, 1, null)).status, 415);
  assert.is(textCharsetOf(' UTF8 '), 'utf-8');
  assert.is(textCharsetOf('ebcdic'), null);
});

test('encoding: UTF-8 always, all or nothing, limit in bytes', () => {
  const out = new Uint8Array(16);
  const r = encodeTextBody('Grüße', out, 2);
  assert.ok(r.ok);
  assert.is(r.val, 7);
  assert.is(Buffer.from(out.subarray(2, 9)).toString('utf8'), 'Grüße');
  assert.is(TEXT_PLAIN_UTF8, 'text/plain;charset=UTF-8');
  assert.is(encodeTextBody('ü'.repeat(10), new Uint8Array(100), 0, { maxBytes: 19 }).val, E_TEXT_TOO_LARGE, '20 bytes > 19 although 10 characters');
  const small = new Uint8Array(4).fill(7);
  assert.is(encodeTextBody('hello', small, 0).val, E_TEXT_NO_SPACE);
  assert.equal([...small], [7, 7, 7, 7], 'nothing written');
});

test.run();
