import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SipWriter, E_W_NO_SPACE, E_W_BAD_METHOD, E_W_BAD_URI, E_W_BAD_STATUS, E_W_BAD_REASON, E_W_BAD_HEADER_NAME,
  E_W_BAD_VALUE, E_W_CONTENT_LENGTH, E_W_STATE, E_W_BAD_ARGUMENT, writerErrorName, writerErrorMessage,
} from '../../core/sip/writer.js';
import { H, M } from '../../core/sip/header-ids.js';

const text = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n)).toString('utf8');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

// A REGISTER refresh as the registration machine writes it: values from preallocated spans and
// numbers, nothing built with string concatenation.
const VIA = bytes('SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport');
const CALL_ID = bytes('a84b4c76e66710@192.0.2.10');
function writeRegister(w: SipWriter, buf: Uint8Array, off: number, len: number, seq: number): number {
  return w.requestId(buf, off, len, M.REGISTER, 'sip:127.0.0.1')
    .headerIdBytes(H.VIA, VIA, 0, VIA.length)
    .headerIdUint(H.MAX_FORWARDS, 70)
    .headerId(H.FROM, '<sip:alice@127.0.0.1>;tag=1928301774')
    .headerId(H.TO, '<sip:alice@127.0.0.1>')
    .headerIdBytes(H.CALL_ID, CALL_ID, 0, CALL_ID.length)
    .beginId(H.CSEQ).uint(seq).text(' REGISTER').end()
    .beginId(H.CONTACT).text('<sip:alice@192.0.2.10:5060>;expires=').uint(60).end()
    .headerIdUint(H.EXPIRES, 60)
    .finish();
}
const REGISTER = 'REGISTER sip:127.0.0.1 SIP/2.0\r\n'
  + 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n'
  + 'Max-Forwards: 70\r\n'
  + 'From: <sip:alice@127.0.0.1>;tag=1928301774\r\n'
  + 'To: <sip:alice@127.0.0.1>\r\n'
  + 'Call-ID: a84b4c76e66710@192.0.2.10\r\n'
  + 'CSeq: 2 REGISTER\r\n'
  + 'Contact: <sip:alice@192.0.2.10:5060>;expires=60\r\n'
  + 'Expires: 60\r\n'
  + 'Content-Length: 0\r\n\r\n';

test('REGISTER: exact bytes', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(1024);
  const n = writeRegister(w, buf, 0, buf.length, 2);
  assert.is(n, REGISTER.length);
  assert.is(text(buf, n), REGISTER);
  assert.is(w.headers, 8);
});

test('REGISTER: every buffer size below the message length fails with E_W_NO_SPACE, exact size works', () => {
  const w = new SipWriter();
  for (let cap = 0; cap < REGISTER.length; cap++) {
    const buf = new Uint8Array(cap + 8);
    assert.is(writeRegister(w, buf, 4, cap, 2), E_W_NO_SPACE, `capacity ${cap}`);
    assert.is(buf[cap + 4], 0, 'nothing written past the window');
    assert.is(buf[3], 0, 'nothing written before the window');
  }
  const buf = new Uint8Array(REGISTER.length + 8);
  assert.is(writeRegister(w, buf, 4, REGISTER.length, 2), REGISTER.length);
  assert.is(text(buf.subarray(4), REGISTER.length), REGISTER);
});

test('REGISTER: the same writer is reused; CSeq numbers of any size without toString', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(1024);
  for (const seq of [1, 9, 10, 4294967295]) {
    const n = writeRegister(w, buf, 0, buf.length, seq);
    assert.ok(text(buf, n).includes(`\r\nCSeq: ${seq} REGISTER\r\n`));
    assert.is(n, REGISTER.length - 1 + String(seq).length);
  }
});

const OK200 = 'SIP/2.0 200 OK\r\n'
  + 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r\n'
  + 'From: <sip:alice@127.0.0.1>;tag=1928301774\r\n'
  + 'To: <sip:alice@127.0.0.1>;tag=37GkEhwl6\r\n'
  + 'Call-ID: a84b4c76e66710@192.0.2.10\r\n'
  + 'CSeq: 2 REGISTER\r\n'
  + 'Contact: <sip:alice@192.0.2.10:5060>;expires=60\r\n'
  + 'Server: kamailio (5.7.4 (x86_64/linux))\r\n'
  + 'Content-Length: 0\r\n\r\n';

test('200 OK: exact bytes', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(1024);
  const n = w.response(buf, 0, buf.length, 200, 'OK')
    .header('Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10')
    .header('From', '<sip:alice@127.0.0.1>;tag=1928301774')
    .header('To', '<sip:alice@127.0.0.1>;tag=37GkEhwl6')
    .header('Call-ID', 'a84b4c76e66710@192.0.2.10')
    .header('CSeq', '2 REGISTER')
    .header('Contact', '<sip:alice@192.0.2.10:5060>;expires=60')
    .header('Server', 'kamailio (5.7.4 (x86_64/linux))')
    .finish();
  assert.is(text(buf, n), OK200);
});

const PIDF = '<?xml version="1.0" encoding="UTF-8"?>\r\n'
  + '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@127.0.0.1">\r\n'
  + '<tuple id="t1"><status><basic>open</basic></status><note>Caf\u00e9 \u2615</note></tuple>\r\n'
  + '</presence>\r\n';
const NOTIFY_COMPACT = 'NOTIFY sip:alice@192.0.2.10:5060 SIP/2.0\r\n'
  + 'v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK.n1\r\n'
  + 'Max-Forwards: 70\r\n'
  + 'f: <sip:bob@127.0.0.1>;tag=pres1\r\n'
  + 't: <sip:alice@127.0.0.1>;tag=sub1\r\n'
  + 'i: 8271@127.0.0.1\r\n'
  + 'CSeq: 3 NOTIFY\r\n'
  + 'm: <sip:127.0.0.1:5060>\r\n'
  + 'o: presence\r\n'
  + 'Subscription-State: active;expires=3599\r\n'
  + 'c: application/pidf+xml\r\n'
  + 'X-Custom: keep me\r\n'
  + `l: ${Buffer.byteLength(PIDF)}\r\n\r\n` + PIDF;

test('NOTIFY in compact form with a UTF-8 PIDF body: exact bytes, by name and by id', () => {
  const w = new SipWriter({ compact: true });
  const buf = new Uint8Array(2048);
  const n = w.request(buf, 0, buf.length, 'NOTIFY', 'sip:alice@192.0.2.10:5060')
    .header('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK.n1')
    .headerUint('Max-Forwards', 70)
    .headerId(H.FROM, '<sip:bob@127.0.0.1>;tag=pres1')
    .header('TO', '<sip:alice@127.0.0.1>;tag=sub1')
    .headerId(H.CALL_ID, '8271@127.0.0.1')
    .header('CSeq', '3 NOTIFY')
    .header('contact', '<sip:127.0.0.1:5060>')
    .headerId(H.EVENT, 'presence')
    .beginId(H.SUBSCRIPTION_STATE).text('active;expires=').uint(3599).end()
    .header('Content-Type', 'application/pidf+xml')
    .header('X-Custom', 'keep me')
    .finishText(PIDF);
  assert.is(text(buf, n), NOTIFY_COMPACT);
  // The same through finish(bytes) gives the same message.
  const body = bytes(PIDF);
  const buf2 = new Uint8Array(2048);
  const n2 = w.request(buf2, 0, buf2.length, 'NOTIFY', 'sip:alice@192.0.2.10:5060')
    .header('v', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK.n1')
    .headerUint('Max-Forwards', 70)
    .header('f', '<sip:bob@127.0.0.1>;tag=pres1')
    .header('t', '<sip:alice@127.0.0.1>;tag=sub1')
    .header('i', '8271@127.0.0.1')
    .header('CSeq', '3 NOTIFY')
    .header('m', '<sip:127.0.0.1:5060>')
    .header('Event', 'presence')
    .header('Subscription-State', 'active;expires=3599')
    .header('c', 'application/pidf+xml')
    .header('X-Custom', 'keep me')
    .finish(body, 0, body.length);
  assert.is(n2, n);
  assert.equal(buf2.subarray(0, n2), buf.subarray(0, n));
});

test('NOTIFY with a body: every too-small buffer fails, never a partial length', () => {
  const w = new SipWriter({ compact: true });
  const full = Buffer.byteLength(NOTIFY_COMPACT);
  for (let cap = 0; cap <= full; cap++) {
    const buf = new Uint8Array(cap);
    const n = w.request(buf, 0, cap, 'NOTIFY', 'sip:alice@192.0.2.10:5060')
      .header('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK.n1')
      .headerUint('Max-Forwards', 70)
      .headerId(H.FROM, '<sip:bob@127.0.0.1>;tag=pres1')
      .header('TO', '<sip:alice@127.0.0.1>;tag=sub1')
      .headerId(H.CALL_ID, '8271@127.0.0.1')
      .header('CSeq', '3 NOTIFY')
      .header('contact', '<sip:127.0.0.1:5060>')
      .headerId(H.EVENT, 'presence')
      .beginId(H.SUBSCRIPTION_STATE).text('active;expires=').uint(3599).end()
      .header('Content-Type', 'application/pidf+xml')
      .header('X-Custom', 'keep me')
      .finishText(PIDF);
    if (cap < full) assert.is(n, E_W_NO_SPACE, `capacity ${cap}`);
    else assert.is(n, full);
  }
});

test('UTF-8 in values and reason phrases; lone surrogates become U+FFFD', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(256);
  const n = w.response(buf, 0, buf.length, 480, 'Temporarily Unavailable \u2013 zz\u00e9')
    .header('From', '"J\u00fcrgen \u{1F600} \uD800" <sip:j@example.com>;tag=1')
    .finish();
  assert.is(text(buf, n), 'SIP/2.0 480 Temporarily Unavailable \u2013 zz\u00e9\r\nFrom: "J\u00fcrgen \u{1F600} \uFFFD" <sip:j@example.com>;tag=1\r\nContent-Length: 0\r\n\r\n');
  // HTAB is allowed inside values; an empty reason phrase is allowed (§25.1 *(...)).
  const m = w.response(buf, 0, buf.length, 599, '').header('Subject', 'a\tb').finish();
  assert.is(text(buf, m), 'SIP/2.0 599 \r\nSubject: a\tb\r\nContent-Length: 0\r\n\r\n');
});

test('spans: requestFrom / responseFrom / beginFrom / bytes', () => {
  const src = bytes('xx OPTIONS sip:bob@example.com X-Thing Not Here');
  const w = new SipWriter();
  const buf = new Uint8Array(256);
  const n = w.requestFrom(buf, 0, buf.length, src, 3, 7, 11, 19)
    .beginFrom(src, 31, 7).bytes(src, 39, 3).text('!').end()
    .finish();
  assert.is(text(buf, n), 'OPTIONS sip:bob@example.com SIP/2.0\r\nX-Thing: Not!\r\nContent-Length: 0\r\n\r\n');
  const r = w.responseFrom(buf, 0, buf.length, 404, src, 39, 8).finish();
  assert.is(text(buf, r), 'SIP/2.0 404 Not Here\r\nContent-Length: 0\r\n\r\n');
  // A span holding a compact name is written compact only in compact mode, long names shrink.
  const names = bytes('Call-IDv');
  w.compact = true;
  const c = w.request(buf, 0, buf.length, 'BYE', 'sip:a@b').beginFrom(names, 0, 7).text('x').end()
    .beginFrom(names, 7, 1).text('y').end().finish();
  assert.is(text(buf, c), 'BYE sip:a@b SIP/2.0\r\ni: x\r\nv: y\r\nl: 0\r\n\r\n');
  w.compact = false;
  const d = w.request(buf, 0, buf.length, 'BYE', 'sip:a@b').beginFrom(names, 0, 7).text('x').end().finish();
  assert.is(text(buf, d), 'BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n');
});

// ---- every error path ----

function req(w: SipWriter, buf = new Uint8Array(512)) {
  return w.request(buf, 0, buf.length, 'OPTIONS', 'sip:x@y');
}

test('bad method and Request-URI', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(256);
  for (const m of ['', 'REG ISTER', 'REG\r\nX', 'R\u00c9G', 'A:B', 'A\0']) {
    assert.is(w.request(buf, 0, 256, m, 'sip:a@b').finish(), E_W_BAD_METHOD, JSON.stringify(m));
    assert.is(w.error, E_W_BAD_METHOD);
  }
  for (const u of ['', 'sip:a b', 'sip:a\r\n', '<sip:a>', 'sip:\u00e9', 'sip:"a"', 'sip:a\0']) {
    assert.is(w.request(buf, 0, 256, 'INVITE', u).finish(), E_W_BAD_URI, JSON.stringify(u));
  }
  const src = bytes('INVITE sip:a b');
  assert.is(w.requestFrom(buf, 0, 256, src, 0, 6, 7, 7).finish(), E_W_BAD_URI);
  assert.is(w.requestFrom(buf, 0, 256, src, 0, 7, 7, 5).finish(), E_W_BAD_METHOD);
  assert.is(w.requestFrom(buf, 0, 256, src, 0, 6, 7, 0).finish(), E_W_BAD_URI);
  assert.is(w.requestFrom(buf, 0, 256, src, 0, 0, 7, 5).finish(), E_W_BAD_METHOD);
  assert.is(w.requestFrom(buf, 0, 256, src, 0, 6, 7, 99).finish(), E_W_BAD_ARGUMENT);
  assert.is(w.requestId(buf, 0, 256, M.OTHER, 'sip:a@b').finish(), E_W_BAD_METHOD);
});

test('bad status codes and reason phrases', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(256);
  for (const s of [0, 99, 700, 1000, -200, 200.5, NaN, Infinity]) {
    assert.is(w.response(buf, 0, 256, s, 'X').finish(), E_W_BAD_STATUS, String(s));
  }
  assert.ok(w.response(buf, 0, 256, 100, 'Trying').finish() > 0);
  assert.ok(w.response(buf, 0, 256, 699, 'X').finish() > 0);
  for (const r of ['OK\r\nVia: evil', 'OK\n', 'OK\r', 'O\0K', 'O\x01K', 'O\x7fK']) {
    assert.is(w.response(buf, 0, 256, 200, r).finish(), E_W_BAD_REASON, JSON.stringify(r));
  }
  const src = bytes('Bad\r\nReason');
  assert.is(w.responseFrom(buf, 0, 256, 400, src, 0, src.length).finish(), E_W_BAD_REASON);
  assert.is(w.responseFrom(buf, 0, 256, 400, src, 5, 20).finish(), E_W_BAD_ARGUMENT);
  assert.is(w.responseFrom(buf, 0, 256, 99, src, 5, 6).finish(), E_W_BAD_STATUS);
});

test('values with CR, LF, NUL or other controls are refused (header injection)', () => {
  const w = new SipWriter();
  for (const v of ['a\r\nVia: SIP/2.0/UDP evil', 'a\nb', 'a\rb', 'a\0b', 'a\x1bb', 'a\x7f', '\r\n']) {
    assert.is(req(w).header('Subject', v).finish(), E_W_BAD_VALUE, JSON.stringify(v));
    assert.is(req(w).begin('Subject').text('ok ').text(v).end().finish(), E_W_BAD_VALUE);
    const b = bytes(v);
    assert.is(req(w).headerBytes('Subject', b, 0, b.length).finish(), E_W_BAD_VALUE);
    assert.is(req(w).headerIdBytes(H.SUBJECT, b, 0, b.length).finish(), E_W_BAD_VALUE);
  }
});

test('bad header names, ids and spans', () => {
  const w = new SipWriter();
  for (const name of ['', 'X Bad', 'X:Bad', 'X\r\n', 'N\u00e4me', 'a(b)', '@']) {
    assert.is(req(w).header(name, 'v').finish(), E_W_BAD_HEADER_NAME, JSON.stringify(name));
  }
  assert.is(req(w).headerId(0, 'v').finish(), E_W_BAD_HEADER_NAME);
  assert.is(req(w).headerId(9999, 'v').finish(), E_W_BAD_HEADER_NAME);
  const src = bytes('X Bad');
  assert.is(req(w).beginFrom(src, 0, 5).text('v').end().finish(), E_W_BAD_HEADER_NAME);
  assert.is(req(w).beginFrom(src, 0, 0).text('v').end().finish(), E_W_BAD_HEADER_NAME);
  assert.is(req(w).beginFrom(src, 3, 5).text('v').end().finish(), E_W_BAD_ARGUMENT);
  assert.is(req(w).headerBytes('X', src, -1, 2).finish(), E_W_BAD_ARGUMENT);
  assert.is(req(w).headerBytes('X', src, 0, 6).finish(), E_W_BAD_ARGUMENT);
  assert.is(req(w).headerBytes('X', src, 0.5, 1).finish(), E_W_BAD_ARGUMENT);
});

test('Content-Length supplied by the caller is refused in every spelling', () => {
  const w = new SipWriter();
  assert.is(req(w).header('Content-Length', '0').finish(), E_W_CONTENT_LENGTH);
  assert.is(req(w).header('content-length', '0').finish(), E_W_CONTENT_LENGTH);
  assert.is(req(w).header('l', '0').finish(), E_W_CONTENT_LENGTH);
  assert.is(req(w).headerIdUint(H.CONTENT_LENGTH, 0).finish(), E_W_CONTENT_LENGTH);
  const src = bytes('L');
  assert.is(req(w).beginFrom(src, 0, 1).uint(0).end().finish(), E_W_CONTENT_LENGTH);
});

test('numbers: negative, fractional and unsafe integers are refused', () => {
  const w = new SipWriter();
  for (const n of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.is(req(w).headerUint('Expires', n).finish(), E_W_BAD_ARGUMENT, String(n));
  }
  const buf = new Uint8Array(512);
  const n = req(w, buf).headerUint('Expires', Number.MAX_SAFE_INTEGER).finish();
  assert.ok(text(buf, n).includes(`Expires: ${Number.MAX_SAFE_INTEGER}\r\n`));
});

test('call order: headers before a start line, open header at finish, finish twice, bad window', () => {
  const buf = new Uint8Array(256);
  const fresh = new SipWriter();
  assert.is(fresh.header('Via', 'x').finish(), E_W_STATE);
  const w = new SipWriter();
  assert.is(w.finish(), E_W_STATE, 'finish before start');
  assert.is(req(w).begin('Subject').text('x').finish(), E_W_STATE, 'finish inside a header');
  assert.is(req(w).text('x').end().finish(), E_W_STATE, 'text outside a header');
  assert.is(req(w).bytes(buf, 0, 1).finish(), E_W_STATE);
  assert.is(req(w).uint(1).finish(), E_W_STATE);
  assert.is(req(w).end().finish(), E_W_STATE);
  assert.is(req(w).begin('A').begin('B').finish(), E_W_STATE, 'begin inside a header');
  assert.is(req(w).begin('A').beginId(H.VIA).finish(), E_W_STATE);
  assert.is(req(w).begin('A').beginFrom(buf, 0, 1).finish(), E_W_STATE);
  assert.is(req(w).begin('A').finishText('x'), E_W_STATE);
  const ok = req(w);
  assert.ok(ok.finish() > 0);
  assert.is(ok.finish(), E_W_STATE, 'finish twice');
  assert.is(ok.header('Via', 'x').finish(), E_W_STATE, 'header after finish');
  assert.is(w.request(buf, 250, 10, 'A', 'b').finish(), E_W_BAD_ARGUMENT, 'window past the end');
  assert.is(w.request(buf, -1, 10, 'A', 'b').finish(), E_W_BAD_ARGUMENT);
  assert.is(w.response(buf, 0, 300, 200, 'OK').finish(), E_W_BAD_ARGUMENT);
  assert.is(req(w).finish(buf, 200, 100), E_W_BAD_ARGUMENT, 'body span past the end');
  assert.is(req(w).finish(undefined, 0, 5), E_W_BAD_ARGUMENT, 'length without a body');
});

test('the first error sticks and later calls do not change it', () => {
  const w = new SipWriter();
  const buf = new Uint8Array(64);
  const n = w.request(buf, 0, 64, 'OPTIONS', 'sip:x@y').header('A', 'bad\r\n').header('B\r', 'x').finish();
  assert.is(n, E_W_BAD_VALUE);
  assert.is(w.error, E_W_BAD_VALUE);
  // A new message clears it.
  assert.ok(w.request(buf, 0, 64, 'OPTIONS', 'sip:x@y').finish() > 0);
  assert.is(w.error, 0);
});

test('error names and messages', () => {
  for (const c of [E_W_NO_SPACE, E_W_BAD_METHOD, E_W_BAD_URI, E_W_BAD_STATUS, E_W_BAD_REASON, E_W_BAD_HEADER_NAME,
    E_W_BAD_VALUE, E_W_CONTENT_LENGTH, E_W_STATE, E_W_BAD_ARGUMENT]) {
    assert.ok(writerErrorName(c).startsWith('E_W_') && writerErrorName(c) !== 'E_W_UNKNOWN');
    assert.ok(writerErrorMessage(c).length > 10);
  }
  assert.is(writerErrorName(-1), 'E_W_UNKNOWN');
});

test('no-space at every size for a response with a binary body', () => {
  const w = new SipWriter();
  const body = new Uint8Array(300).map((_, i) => i & 255);
  const full = w.response(new Uint8Array(1024), 0, 1024, 200, 'OK').header('Content-Type', 'application/octet-stream').finish(body);
  assert.ok(full > 300);
  for (let cap = 0; cap < full; cap++) {
    const buf = new Uint8Array(cap);
    assert.is(w.response(buf, 0, cap, 200, 'OK').header('Content-Type', 'application/octet-stream').finish(body), E_W_NO_SPACE);
  }
});

test.run();
