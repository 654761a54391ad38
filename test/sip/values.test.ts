import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { H } from '../../core/sip/header-ids.js';
import { HeaderValueCursor, countValues } from '../../core/sip/values.js';

const view = new SipMessageView();
const cursor = new HeaderValueCursor();

function load(headers: string): void {
  const b = new TextEncoder().encode(`OPTIONS sip:a@b SIP/2.0\r\n${headers}l: 0\r\n\r\n`);
  const r = parse(b, 0, b.length, view, createParseOptions());
  assert.ok(r > 0, `parsed: ${r}`);
}

function values(id: number): string[] {
  const out: string[] = [];
  cursor.reset(view, id);
  while (cursor.next()) out.push(view.text(cursor.off, cursor.len));
  return out;
}

test('values across header instances, in order, trimmed', () => {
  load('Via: SIP/2.0/UDP a;branch=1 , SIP/2.0/UDP b\r\nTo: <sip:x@y>\r\nv:SIP/2.0/TCP c\r\n');
  assert.equal(values(H.VIA), ['SIP/2.0/UDP a;branch=1', 'SIP/2.0/UDP b', 'SIP/2.0/TCP c']);
  cursor.reset(view, H.VIA);
  cursor.next(); assert.is(cursor.headerIndex, 0);
  cursor.next(); assert.is(cursor.headerIndex, 0);
  cursor.next(); assert.is(cursor.headerIndex, 2);
  assert.not.ok(cursor.next());
  assert.not.ok(cursor.next(), 'stays exhausted');
  assert.is(countValues(view, H.VIA, cursor), 3);
  assert.equal(values(H.ROUTE), []);
});

test('commas inside quotes, <...> and escaped quotes do not split', () => {
  load('Contact: "Doe, John \\"JD\\", Jr" <sip:j@x;a=1,2>;q=0.5, <sip:k@y>\r\nm: *\r\n');
  assert.equal(values(H.CONTACT), ['"Doe, John \\"JD\\", Jr" <sip:j@x;a=1,2>;q=0.5', '<sip:k@y>', '*']);
  assert.not.ok(cursor.unbalanced);
});

test('folds inside a value stay in the span; empty elements are skipped', () => {
  load('Supported: a,\r\n b ,, ,\r\n c\r\nRequire:\r\nAllow: ,\r\n');
  assert.equal(values(H.SUPPORTED), ['a', 'b', 'c']);
  assert.equal(values(H.REQUIRE), []);
  assert.equal(values(H.ALLOW), []);
  load('Via: SIP/2.0/UDP a\r\n  ;branch=1,\r\n SIP/2.0/UDP b\r\n');
  assert.equal(values(H.VIA), ['SIP/2.0/UDP a\r\n  ;branch=1', 'SIP/2.0/UDP b']);
});

test('unbalanced quotes or brackets are flagged, not split past the header', () => {
  load('To: "Mr. J. User <sip:j@x>\r\nFrom: <sip:a@b, c\r\nCall-ID: 1\r\n');
  cursor.reset(view, H.TO);
  assert.ok(cursor.next());
  assert.ok(cursor.unbalanced);
  assert.is(view.text(cursor.off, cursor.len), '"Mr. J. User <sip:j@x>');
  cursor.reset(view, H.FROM);
  assert.ok(cursor.next());
  assert.ok(cursor.unbalanced);
  assert.not.ok(cursor.next());
});

test('resetAt iterates one header instance only', () => {
  load('Via: a, b\r\nVia: c\r\n');
  cursor.resetAt(view, 1);
  assert.ok(cursor.next());
  assert.is(view.text(cursor.off, cursor.len), 'c');
  assert.not.ok(cursor.next());
  cursor.resetAt(view, 0);
  let n = 0;
  while (cursor.next()) n++;
  assert.is(n, 2);
  cursor.resetAt(view, 99);
  assert.not.ok(cursor.next());
  assert.not.ok(new HeaderValueCursor().next(), 'an unset cursor yields nothing');
});

test.run();
