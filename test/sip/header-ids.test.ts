import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H, HEADER_ID_COUNT, headerName, lookupHeaderId, lookupTokenHeaderId, compactForm, M, methodName, lookupMethodId } from '../../core/sip/header-ids.js';
import { errorName, errorMessage, E_BAD_VERSION, E_FRAMER_OVERFLOW, NEED_MORE } from '../../core/sip/errors.js';
import * as errors from '../../core/sip/errors.js';

const enc = new TextEncoder();
const id = (name: string): number => {
  // place the name inside a larger buffer so off/len are honoured
  const b = enc.encode(`##${name}##`);
  return lookupHeaderId(b, 2, b.length - 4);
};

test('every id has a unique canonical name that looks itself up, in any case', () => {
  const seen = new Set<string>();
  const ids = Object.values(H).filter((v) => v !== 0);
  assert.is(ids.length, HEADER_ID_COUNT - 1);
  for (const v of ids) {
    const name = headerName(v);
    assert.ok(name.length > 0, `id ${v} has a name`);
    assert.not.ok(seen.has(name.toLowerCase()), `${name} unique`);
    seen.add(name.toLowerCase());
    assert.is(id(name), v, name);
    assert.is(id(name.toLowerCase()), v, name.toLowerCase());
    assert.is(id(name.toUpperCase()), v, name.toUpperCase());
  }
  assert.is(headerName(H.CALL_ID), 'Call-ID');
  assert.is(headerName(H.CSEQ), 'CSeq');
  assert.is(headerName(H.WWW_AUTHENTICATE), 'WWW-Authenticate');
  assert.is(headerName(H.SIP_ETAG), 'SIP-ETag');
  assert.is(headerName(0), '');
  assert.is(headerName(9999), '');
});

test('compact forms (RFC 3261 §7.3.3 and extensions) map to the long form id, either case', () => {
  const compact: Record<string, number> = {
    i: H.CALL_ID, m: H.CONTACT, e: H.CONTENT_ENCODING, l: H.CONTENT_LENGTH, c: H.CONTENT_TYPE, f: H.FROM,
    s: H.SUBJECT, k: H.SUPPORTED, t: H.TO, v: H.VIA, o: H.EVENT, u: H.ALLOW_EVENTS, r: H.REFER_TO,
    b: H.REFERRED_BY, x: H.SESSION_EXPIRES, y: H.IDENTITY, a: H.ACCEPT_CONTACT, j: H.REJECT_CONTACT,
    d: H.REQUEST_DISPOSITION, n: H.IDENTITY_INFO,
  };
  for (const [letter, v] of Object.entries(compact)) {
    assert.is(id(letter), v, letter);
    assert.is(id(letter.toUpperCase()), v, letter.toUpperCase());
    assert.is(compactForm(v), letter);
  }
  for (const letter of 'ghpqwz') assert.is(id(letter), H.UNKNOWN, `${letter} is not a compact form`);
  assert.is(compactForm(H.CSEQ), '');
});

test('unknown and near-miss names are UNKNOWN', () => {
  for (const name of ['', 'X-Custom', 'Vias', 'Vi', 'Call-IDs', 'Call_ID', 'Content-Lengthx', 'NewFangledHeader', 'a'.repeat(100), 'Toe']) {
    assert.is(id(name), name === '' ? 0 : H.UNKNOWN, name);
  }
  // bytes >= 0x80 must not alias ASCII letters through the bucket key
  assert.is(lookupHeaderId(new Uint8Array([0xd6, 0x6f]), 0, 2), 0);
  assert.is(lookupHeaderId(new Uint8Array([0x54, 0xcf]), 0, 2), 0);
});

test('the parser\'s token-only lookup agrees with lookupHeaderId on every token string tried', () => {
  const tokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
  const names = Object.values(H).filter((v) => v !== 0).map(headerName);
  let seed = 7;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let i = 0; i < 20000; i++) {
    let name: string;
    if (i % 2 === 0) {
      // a known name with random case and sometimes one character replaced by another token char
      const base = names[rand(names.length)];
      name = Array.from(base, (ch) => (rand(2) ? ch.toUpperCase() : ch.toLowerCase())).join('');
      if (rand(3) === 0) { const at = rand(name.length); name = name.slice(0, at) + tokenChars[rand(tokenChars.length)] + name.slice(at + 1); }
    } else {
      name = Array.from({ length: 1 + rand(20) }, () => tokenChars[rand(tokenChars.length)]).join('');
    }
    const b = enc.encode(name);
    assert.is(lookupTokenHeaderId(b, 0, b.length), lookupHeaderId(b, 0, b.length), name);
  }
});

test('methods: ids, names, case-sensitive lookup (RFC 3261 §7.1)', () => {
  for (const [name, v] of Object.entries(M)) {
    if (v === 0) continue;
    const b = enc.encode(` ${name} `);
    assert.is(lookupMethodId(b, 1, name.length), v, name);
    assert.is(methodName(v), name);
    assert.is(lookupMethodId(enc.encode(name.toLowerCase()), 0, name.length), M.OTHER, `${name.toLowerCase()} is another method`);
  }
  assert.is(lookupMethodId(enc.encode('RE%47IST%45R'), 0, 12), M.OTHER);
  assert.is(lookupMethodId(enc.encode('INVITES'), 0, 7), M.OTHER);
  assert.is(methodName(M.OTHER), '');
});

test('error codes are distinct negatives with names and messages', () => {
  assert.is(NEED_MORE, 0);
  const codes = Object.entries(errors).filter(([k, v]) => k.startsWith('E_') && typeof v === 'number') as [string, number][];
  const values = new Set<number>();
  for (const [k, v] of codes) {
    assert.ok(v < 0 && v > -100, `${k} in the parser range`);
    assert.not.ok(values.has(v), `${k} unique`);
    values.add(v);
    assert.is(errorName(v), k);
    assert.ok(errorMessage(v).length > 10);
  }
  assert.is(errorName(E_BAD_VERSION), 'E_BAD_VERSION');
  assert.ok(errorMessage(E_FRAMER_OVERFLOW).includes('full'));
  assert.ok(errorName(-77).startsWith('E_UNKNOWN'));
});

test.run();
