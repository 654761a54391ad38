// The parser's own rules: start lines, header syntax, folding, Content-Length and framing modes,
// limits, and each named lenient option (rejected when off, accepted when on).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { errorName, NEED_MORE } from '../../core/sip/errors.js';
import { H, M } from '../../core/sip/header-ids.js';

const enc = new TextEncoder();
const STREAM = createParseOptions();
const DATAGRAM = createParseOptions({ datagram: true });
const view = new SipMessageView();

function bytes(s: string): Uint8Array {
  // latin1 so that "\xff" in a test string is one octet
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

function run(msg: string, options = STREAM, v = view): string {
  const b = bytes(msg);
  const r = parse(b, 0, b.length, v, options);
  return r > 0 ? `ok ${r}` : errorName(r);
}

const REQ = 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a@b\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';

test('a minimal request: spans of the start line and headers', () => {
  const b = bytes(REQ);
  const r = parse(b, 0, b.length, view, STREAM);
  assert.is(r, b.length);
  assert.ok(view.isRequest);
  assert.is(view.methodId, M.OPTIONS);
  assert.is(view.method(), 'OPTIONS');
  assert.is(view.requestUri(), 'sip:bob@example.com');
  assert.is(view.version(), 'SIP/2.0');
  assert.is(view.headerCount, 4);
  assert.equal([...view.headerId.subarray(0, 4)], [H.VIA, H.CALL_ID, H.CSEQ, H.CONTENT_LENGTH]);
  assert.is(view.headerNameText(1), 'Call-ID');
  assert.is(view.headerValueText(1), 'a@b');
  assert.is(view.contentLength, 0);
  assert.is(view.bodyOff, b.length);
  assert.is(view.bodyLen, 0);
  assert.is(view.messageOff, 0);
  assert.is(view.messageLen, b.length);
  assert.is(view.find(H.CSEQ), 2);
  assert.is(view.find(H.CSEQ, 3), -1);
  assert.is(view.count(H.VIA), 1);
  assert.is(view.headerValueText(99), '');
});

test('a response: status code and reason (empty reason allowed)', () => {
  assert.is(run('SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n'), 'ok 42');
  assert.not.ok(view.isRequest);
  assert.is(view.statusCode, 180);
  assert.is(view.reason(), 'Ringing');
  assert.is(run('SIP/2.0 100 \r\nl: 0\r\n\r\n').slice(0, 2), 'ok');
  assert.is(view.reason(), '');
  assert.is(run('sip/2.0 200 OK\r\nl: 0\r\n\r\n').slice(0, 2), 'ok', 'SIP-Version is case-insensitive (§7.1)');
});

test('start line faults', () => {
  const cases: [string, string][] = [
    ['OPTIONS sip:a@b SIP/7.0\r\n', 'E_BAD_VERSION'],
    ['OPTIONS sip:a@b SIP/2.00\r\n', 'E_BAD_VERSION'],
    ['OPTIONS sip:a@b HTTP/1.1\r\n', 'E_BAD_VERSION'],
    ['OPTIONS sip:a@b\r\n', 'E_BAD_VERSION'],
    ['OPTIONS  sip:a@b SIP/2.0\r\n', 'E_EXTRA_WHITESPACE'],
    ['OPTIONS sip:a@b  SIP/2.0\r\n', 'E_EXTRA_WHITESPACE'],
    ['OPTIONS sip:a@b SIP/2.0 \r\n', 'E_EXTRA_WHITESPACE'],
    ['OPTIONS\tsip:a@b SIP/2.0\r\n', 'E_EXTRA_WHITESPACE'],
    ['OPTIONS <sip:a@b> SIP/2.0\r\n', 'E_BAD_REQUEST_URI'],
    ['OPTIONS sip:a@b; lr SIP/2.0\r\n', 'E_BAD_REQUEST_URI'],
    ['OPTIONS sip:a@b?x=y SIP/2.0\r\n', 'E_BAD_REQUEST_URI'],
    ['OPTIONS a@b SIP/2.0\r\n', 'E_BAD_REQUEST_URI'],
    ['OPTIONS sip:a\xffb SIP/2.0\r\n', 'E_BAD_REQUEST_URI'],
    ['OPT(IONS sip:a@b SIP/2.0\r\n', 'E_BAD_METHOD'],
    [' OPTIONS sip:a@b SIP/2.0\r\n', 'E_BAD_START_LINE'],
    ['OPTIONS\r\n', 'E_BAD_START_LINE'],
    ['SIP/2.0 4294967301 Big\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0 20 OK\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0 099 OK\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0 700 OK\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0 200OK\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0 200\r\n', 'E_BAD_STATUS'],
    ['SIP/2.0  200 OK\r\n', 'E_EXTRA_WHITESPACE'],
    ['SIP/3.0 200 OK\r\n', 'E_BAD_VERSION'],
    ['SIP/2.0 200 O\x01K\r\n', 'E_BAD_REASON'],
    ['SIP/2.0 200 \xc3\x28\r\n', 'E_BAD_REASON'],
    ['OPTIONS sip:a@b SIP/2.0\rX', 'E_BAD_LINE_END'],
  ];
  for (const [line, code] of cases) assert.is(run(line + 'l: 0\r\n\r\n'), code, JSON.stringify(line));
  // URI schemes other than sip/sips may use "?"; "?" inside the user part is fine.
  assert.is(run('OPTIONS tel:+1234?x SIP/2.0\r\nl: 0\r\n\r\n').slice(0, 2), 'ok');
  assert.is(run('OPTIONS sip:us?er@host SIP/2.0\r\nl: 0\r\n\r\n').slice(0, 2), 'ok');
  assert.is(run('SIP/2.0 200 \xc3\xa9t\xc3\xa9\r\nl: 0\r\n\r\n').slice(0, 2), 'ok', 'UTF-8 reason');
});

test('header faults', () => {
  const start = 'OPTIONS sip:a@b SIP/2.0\r\n';
  const cases: [string, string][] = [
    ['Via SIP/2.0/UDP h\r\n', 'E_NO_COLON'],
    ['Via\r\n', 'E_NO_COLON'],
    [': x\r\n', 'E_BAD_HEADER_NAME'],
    [' folded-first: x\r\n', 'E_BAD_HEADER_NAME'],
    ['Vi@a: x\r\n', 'E_BAD_HEADER_NAME'],
    ['Via: a\x00b\r\n', 'E_BAD_HEADER_VALUE'],
    ['Via: a\rb\r\n', 'E_BAD_LINE_END'],
    ['Via: a\n', 'E_BARE_LF'],
    ['Content-Length: -1\r\n', 'E_BAD_CONTENT_LENGTH'],
    ['Content-Length: 1x\r\n', 'E_BAD_CONTENT_LENGTH'],
    ['Content-Length: \r\n', 'E_BAD_CONTENT_LENGTH'],
    ['Content-Length: 1 2\r\n', 'E_BAD_CONTENT_LENGTH'],
    ['Content-Length: 99999999999999999999\r\n', 'E_BODY_TOO_LARGE'],
    ['Content-Length: 2\r\nl: 3\r\n', 'E_MULTIPLE_CONTENT_LENGTH'],
  ];
  for (const [line, code] of cases) assert.is(run(start + line + 'l: 0\r\n\r\n'), code, JSON.stringify(line));
  // equal repeats are harmless; leading zeros are digits
  assert.is(run(start + 'Content-Length: 0\r\nl: 00\r\n\r\n').slice(0, 2), 'ok');
  assert.is(run(start + 'l: 0003\r\n\r\nabc').slice(0, 2), 'ok');
  assert.is(view.bodyText(), 'abc');
  // an escaped control character inside a quoted-string (RFC 4475 intmeth.dat)
  assert.is(run(start + 'To: "a\\\x07b" <sip:x@y>\r\nl: 0\r\n\r\n').slice(0, 2), 'ok');
});

test('whitespace around the colon (HCOLON) and folded values', () => {
  const msg = 'OPTIONS sip:a@b SIP/2.0\r\nTo \t:  \r\n  <sip:x@y>  \r\n  ;tag=1 \r\nSubject:\r\nXy:   \r\nl: 0\r\n\r\n';
  assert.is(run(msg).slice(0, 2), 'ok');
  const to = view.find(H.TO);
  assert.is(view.headerNameText(to), 'To');
  assert.is(view.text(view.valueOff[to], view.valueLen[to]), '<sip:x@y>  \r\n  ;tag=1', 'span keeps the fold, trims the ends');
  assert.is(view.headerValueText(to), '<sip:x@y> ;tag=1');
  assert.is(view.headerValueText(view.find(H.SUBJECT)), '');
  assert.is(view.valueLen[view.find(H.UNKNOWN)], 0);
});

test('allowSpaceBeforeColon: a fold between name and colon', () => {
  const msg = 'OPTIONS sip:a@b SIP/2.0\r\nSubject\r\n : hi\r\nl: 0\r\n\r\n';
  assert.is(run(msg), 'E_NO_COLON');
  assert.is(run(msg, createParseOptions({ allowSpaceBeforeColon: true })).slice(0, 2), 'ok');
  assert.is(view.headerText(H.SUBJECT), 'hi');
  assert.is(view.headerNameText(0), 'Subject');
});

test('allowBareLf: LF line ends, mixed with CRLF', () => {
  const msg = 'OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\n ;branch=z9hG4bK1\r\nl: 2\n\nhi';
  assert.is(run(msg), 'E_BARE_LF');
  assert.is(view.errorOffset, 23);
  assert.is(run(msg, createParseOptions({ allowBareLf: true })), `ok ${msg.length}`);
  assert.is(view.headerValueText(0), 'SIP/2.0/UDP h ;branch=z9hG4bK1');
  assert.is(view.bodyText(), 'hi');
  // a lone CR is never a line end
  assert.is(run('OPTIONS sip:a@b SIP/2.0\rl: 0\r\n\r\n', createParseOptions({ allowBareLf: true })), 'E_BAD_LINE_END');
});

test('allowAnyReasonBytes: control characters, bad UTF-8, missing SP', () => {
  const lenient = createParseOptions({ allowAnyReasonBytes: true });
  for (const line of ['SIP/2.0 200 O\x01K\x7f', 'SIP/2.0 200 \xff\xfe', 'SIP/2.0 200']) {
    const msg = `${line}\r\nl: 0\r\n\r\n`;
    assert.ok(run(msg).startsWith('E_'), `strict rejects ${JSON.stringify(line)}`);
    assert.is(run(msg, lenient).slice(0, 2), 'ok', `lenient accepts ${JSON.stringify(line)}`);
    assert.is(view.statusCode, 200);
  }
});

test('datagram vs stream framing (RFC 3261 §18.3)', () => {
  const noCl = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nbody!';
  assert.is(run(noCl), 'E_MISSING_CONTENT_LENGTH');
  assert.is(run(noCl, DATAGRAM), `ok ${noCl.length}`);
  assert.is(view.bodyText(), 'body!');
  assert.is(view.contentLength, -1);
  const short = 'OPTIONS sip:a@b SIP/2.0\r\nl: 10\r\n\r\nabc';
  assert.is(run(short), 'NEED_MORE');
  assert.is(run(short, DATAGRAM), 'E_TRUNCATED_BODY');
  assert.is(run(short, createParseOptions({ datagram: true, allowShortBody: true })), `ok ${short.length}`);
  assert.is(view.bodyText(), 'abc');
  assert.is(run(short, createParseOptions({ allowShortBody: true })), 'NEED_MORE', 'allowShortBody is datagram-only');
  const extra = 'OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\n\r\nabc';
  assert.is(run(extra, DATAGRAM), `ok ${extra.length - 2}`, 'trailing datagram bytes are not consumed');
  const unterminated = 'OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n';
  assert.is(run(unterminated), 'NEED_MORE');
  assert.is(run(unterminated, DATAGRAM), 'E_TRUNCATED_HEADERS');
  assert.is(run(unterminated, createParseOptions({ datagram: true, allowMissingEmptyLine: true })), `ok ${unterminated.length}`);
  assert.is(view.headerCount, 1);
  assert.is(run(unterminated, createParseOptions({ allowMissingEmptyLine: true })), 'NEED_MORE', 'datagram-only');
});

test('leading CRLFs are skipped and counted as consumed (RFC 3261 §7.5)', () => {
  const msg = `\r\n\r\n${REQ}`;
  assert.is(run(msg), `ok ${msg.length}`);
  assert.is(view.messageOff, 4);
  assert.is(view.messageLen, REQ.length);
  assert.is(run('\r\n\r\n'), 'NEED_MORE');
  assert.is(run('\r\n\n' + REQ), 'E_BARE_LF');
});

test('every proper prefix of a stream message is NEED_MORE', () => {
  const msg = 'INVITE sip:a@b SIP/2.0\r\nTo:\r\n <sip:x@y>\r\nl: 5\r\n\r\nhello';
  const b = bytes(msg);
  for (let n = 0; n < b.length; n++) assert.is(parse(b, 0, n, view, STREAM), NEED_MORE, `prefix ${n}`);
  assert.is(parse(b, 0, b.length, view, STREAM), b.length);
});

test('offsets are absolute when parsing from off > 0', () => {
  const b = bytes('garbage' + REQ + 'more');
  const r = parse(b, 7, REQ.length, view, STREAM);
  assert.is(r, REQ.length);
  assert.is(view.messageOff, 7);
  assert.is(view.methodOff, 7);
  assert.is(view.uriOff, 15);
  assert.is(view.headerValueText(1), 'a@b');
  const bad = bytes('xx' + 'OPTIONS sip:a@b SIP/7.0\r\n\r\n');
  parse(bad, 2, bad.length - 2, view, STREAM);
  assert.is(view.errorOffset, 2 + 16);
});

test('bad arguments never throw', () => {
  const b = bytes(REQ);
  for (const [off, len] of [[-1, 5], [0, b.length + 1], [5, b.length], [0.5, 3], [NaN, 1], [0, Infinity]]) {
    assert.is(errorName(parse(b, off, len, view, STREAM)), 'E_BAD_ARGUMENTS', `${off},${len}`);
  }
  assert.is(parse(b, 0, 0, view, STREAM), NEED_MORE);
  assert.is(errorName(parse(b, 0, 0, view, DATAGRAM)), 'E_TRUNCATED_HEADERS');
});

test('limits: header count, line length, message and body size', () => {
  const small = new SipMessageView({ maxHeaders: 3, maxLineBytes: 64, maxMessageBytes: 200, maxBodyBytes: 10 });
  assert.is(small.limits.maxHeaders, 3);
  assert.is(small.headerId.length, 3);
  assert.is(run('OPTIONS sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\nl: 0\r\n\r\n', STREAM, small).slice(0, 2), 'ok');
  assert.is(run('OPTIONS sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nl: 0\r\n\r\n', STREAM, small), 'E_TOO_MANY_HEADERS');
  assert.is(run(`OPTIONS sip:a@b SIP/2.0\r\nA: ${'x'.repeat(70)}\r\nl: 0\r\n\r\n`, STREAM, small), 'E_LINE_TOO_LONG');
  assert.is(run(`OPTIONS sip:a@b SIP/2.0\r\nA: ${'x'.repeat(40)}\r\n ${'y'.repeat(30)}\r\nl: 0\r\n\r\n`, STREAM, small), 'E_LINE_TOO_LONG', 'folds count');
  assert.is(run(`OPTIONS sip:${'a'.repeat(70)} SIP/2.0\r\n`, STREAM, small), 'E_LINE_TOO_LONG');
  // an unterminated line longer than the limit is an error, not an endless NEED_MORE
  assert.is(run(`OPTIONS sip:a@b SIP/2.0\r\nA: ${'x'.repeat(70)}`, STREAM, small), 'E_LINE_TOO_LONG');
  assert.is(run('OPTIONS sip:a@b SIP/2.0\r\nl: 11\r\n\r\n', STREAM, small), 'E_BODY_TOO_LARGE');
  assert.is(run('OPTIONS sip:a@b SIP/2.0\r\nl: 10\r\n\r\n0123456789', STREAM, small).slice(0, 2), 'ok');
  assert.is(run(`OPTIONS sip:a@b SIP/2.0\r\n\r\n${'z'.repeat(11)}`, DATAGRAM, small), 'E_BODY_TOO_LARGE');
  const many = 'OPTIONS sip:a@b SIP/2.0\r\n' + `A: ${'x'.repeat(50)}\r\n`.repeat(3);
  assert.is(run(many + 'l: 0\r\n\r\n', STREAM, new SipMessageView({ maxMessageBytes: 150 })), 'E_MESSAGE_TOO_LARGE');
  assert.is(run(many, STREAM, new SipMessageView({ maxMessageBytes: 150 })), 'E_MESSAGE_TOO_LARGE', 'even when incomplete');
  assert.is(run('OPTIONS sip:a@b SIP/2.0\r\nl: 100\r\n\r\n', STREAM, new SipMessageView({ maxMessageBytes: 100 })), 'E_MESSAGE_TOO_LARGE');
  // bad limits fall back to defaults rather than producing a broken view
  const d = new SipMessageView({ maxHeaders: -1, maxLineBytes: 0.5 });
  assert.is(d.limits.maxHeaders, 64);
  assert.is(d.limits.maxLineBytes, 8192);
});

test('the view is reusable: a failed parse after a good one leaves no stale spans', () => {
  run(REQ);
  assert.is(view.headerCount, 4);
  assert.is(run('SIP/2.0 999 x\r\n\r\n'), 'E_BAD_STATUS');
  assert.is(view.headerCount, 0);
  assert.is(view.methodLen, 0);
  view.reset();
  assert.is(view.buf.length, 0);
  assert.is(view.contentLength, -1);
});

test.run();
