// The responses the UA writes echo the request (RFC 3261 §8.2.6.2): every Via value in order,
// From, To (our tag added when it had none, except to a 100), Call-ID and CSeq, exactly, but
// unfolded (§7.3.1: a fold, [*WSP CRLF] 1*WSP, may be replaced by one SP; a response writer
// refuses CR/LF inside a value, so a folded value must be unfolded to be answered at all). The
// RequestEcho keeps them as ready header lines and ResponseWriter copies those spans; this test
// pins the result byte for byte (and the error codes) against a plain field-by-field SipWriter
// reference built from the parsed request, over the corpus requests and hand-made edge cases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { SipWriter, E_W_BAD_VALUE, E_W_NO_SPACE } from '../../core/sip/writer.js';
import { NameAddrValue, decodeNameAddr } from '../../core/sip/decode/name-addr.js';
import {
  RequestEcho, ResponseWriter, reasonPhrase, WITH_ALLOW, WITH_ACCEPT, WITH_ALLOW_EVENTS, WITH_CONTACT,
} from '../../core/ua/response-writer.js';
import { ACCEPT_VALUE, ALLOW_VALUE } from '../../core/ua/request-writer.js';
import { BufferPool } from '../../core/ua/buffer-pool.js';
import { sipRows, readCorpus } from '../sip/corpus-helpers.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const dec = (b: Uint8Array, off = 0, len = b.length) => Buffer.from(b.subarray(off, off + len)).toString('latin1');

const TAG = 'b8404b854e8810ac';
const SERVER = 'hardphone/0.1';
const ALLOW_EVENTS = 'presence, dialog, message-summary';
const CONTACT = '<sip:bob@192.0.2.2:5070>';
const CAPACITY = 1024;
const lenient = createParseOptions({ datagram: true, allowBareLf: true, allowSpaceBeforeColon: true, allowAnyReasonBytes: true, allowShortBody: true, allowMissingEmptyLine: true });

interface Extras { extras: number; expires: number; retryAfter: number; accept: string }
const PLAIN: Extras = { extras: 0, expires: -1, retryAfter: -1, accept: '' };
const EXTRA_CASES: Extras[] = [
  PLAIN,
  { extras: WITH_CONTACT, expires: 3600, retryAfter: -1, accept: '' },
  { extras: WITH_ALLOW | WITH_ACCEPT | WITH_ALLOW_EVENTS, expires: -1, retryAfter: -1, accept: '' },
  { extras: 0, expires: -1, retryAfter: 30, accept: 'text/plain' },
];

/** §7.3.1/§25.1 LWS = [*WSP CRLF] 1*WSP: each fold (with the WSP around it) → one SP. Written
 *  independently of the code under test (a regex over the latin1 text); a CR or LF that is no
 *  fold stays, for the writer to refuse. */
function unfolded(view: SipMessageView, i: number): Uint8Array {
  return enc(dec(view.buf, view.valueOff[i]!, view.valueLen[i]!).replace(/[ \t]*(?:\r?\n[ \t]+)+/g, ' '));
}

/** The response as RFC 3261 §8.2.6.2 describes it, written field by field from the parsed request. */
function reference(view: SipMessageView, status: number, len: number, x: Extras): { code: number; text: string } {
  const w = new SipWriter();
  const buf = new Uint8Array(len);
  const b = view.buf;
  const value = (id: number, i: number) => { const u = unfolded(view, i); w.headerIdBytes(id, u, 0, u.length); };
  w.response(buf, 0, len, status, reasonPhrase(status));
  for (let i = 0; i < view.headerCount; i++) if (view.headerId[i] === H.VIA) value(H.VIA, i);
  const at = (id: number) => view.find(id);
  value(H.FROM, at(H.FROM));
  const to = at(H.TO);
  const toValue = unfolded(view, to);
  w.beginId(H.TO).bytes(toValue, 0, toValue.length);
  const na = new NameAddrValue();
  const hasTag = decodeNameAddr(b, view.valueOff[to]!, view.valueOff[to]! + view.valueLen[to]!, na) === 0 && na.tagOff >= 0;
  if (!hasTag && status > 100) w.text(';tag=').text(TAG);
  w.end();
  value(H.CALL_ID, at(H.CALL_ID));
  value(H.CSEQ, at(H.CSEQ));
  if ((x.extras & WITH_ALLOW) !== 0) w.headerId(H.ALLOW, ALLOW_VALUE);
  if (x.accept !== '') w.headerId(H.ACCEPT, x.accept);
  else if ((x.extras & WITH_ACCEPT) !== 0) w.headerId(H.ACCEPT, ACCEPT_VALUE);
  if ((x.extras & WITH_ALLOW_EVENTS) !== 0) w.headerId(H.ALLOW_EVENTS, ALLOW_EVENTS);
  if ((x.extras & WITH_CONTACT) !== 0) w.headerId(H.CONTACT, CONTACT);
  if (x.expires >= 0) w.headerIdUint(H.EXPIRES, x.expires);
  if (x.retryAfter >= 0) w.headerIdUint(H.RETRY_AFTER, x.retryAfter);
  w.headerId(H.SERVER, SERVER);
  const code = w.finish();
  return { code, text: code > 0 ? dec(buf, 0, code) : '' };
}

/** Whether an echo can hold the request (§8.2.6.2 needs all five; at most 16 Via lines; values within capacity). */
function echoable(view: SipMessageView): boolean {
  let vias = 0;
  let bytes = 0;
  for (let i = 0; i < view.headerCount; i++) if (view.headerId[i] === H.VIA) { vias++; bytes += view.valueLen[i]!; }
  for (const id of [H.FROM, H.TO, H.CALL_ID, H.CSEQ]) {
    const i = view.find(id);
    if (i < 0) return false;
    bytes += view.valueLen[i]!;
  }
  return vias > 0 && vias <= 16 && bytes <= CAPACITY;
}

function writer(): ResponseWriter {
  const w = new ResponseWriter(TAG, SERVER, ALLOW_EVENTS);
  w.contact = CONTACT;
  return w;
}

/** Compares both echo placements (own array; behind a pool's slots, copied with copyWithin) with the reference. */
function check(label: string, view: SipMessageView): number {
  const own = new RequestEcho(CAPACITY);
  const pool = new BufferPool(2, CAPACITY, RequestEcho.bytesFor(CAPACITY));
  const shared = new RequestEcho(CAPACITY, pool.storage, pool.extraOffset);
  const can = echoable(view);
  assert.is(own.capture(view), can, `${label}: capture`);
  assert.is(shared.capture(view), can, `${label}: capture (shared)`);
  if (!can) return 0;
  const w = writer();
  let compared = 0;
  for (const status of [100, 180, 200, 202, 481, 200]) {
    for (const x of EXTRA_CASES) {
      const full = reference(view, status, CAPACITY, x);
      const lens = full.code > 0 ? [CAPACITY, full.code, full.code - 1, full.code - 30, 20, 5] : [CAPACITY, 64];
      for (const len of lens) {
        if (len < 0) continue;
        const want = reference(view, status, len, x);
        const out = new Uint8Array(CAPACITY);
        const a = w.write(out, 0, len, status, reasonPhrase(status), own, x.extras, x.expires, x.retryAfter, x.accept);
        assert.is(a, want.code, `${label} ${status} len ${len}: code (own echo)`);
        if (a > 0) assert.is(dec(out, 0, a), want.text, `${label} ${status}: bytes (own echo)`);
        const off = CAPACITY; // the second slot
        pool.storage.fill(0x23, 0, pool.extraOffset);
        const b = w.write(pool.storage, off, len, status, reasonPhrase(status), shared, x.extras, x.expires, x.retryAfter, x.accept);
        assert.is(b, want.code, `${label} ${status} len ${len}: code (shared echo)`);
        if (b > 0) assert.is(dec(pool.storage, off, b), want.text, `${label} ${status}: bytes (shared echo)`);
        compared++;
      }
    }
  }
  return compared;
}

test('responses to every corpus request equal the field-by-field reference, bytes and codes', () => {
  const view = new SipMessageView();
  let requests = 0;
  let compared = 0;
  for (const row of sipRows()) {
    if (row.kind !== 'sip-request') continue;
    const bytes = readCorpus(row.file);
    if (parse(bytes, 0, bytes.length, view, lenient) <= 0) continue;
    requests++;
    compared += check(row.file, view);
  }
  assert.ok(requests >= 40, `corpus requests parsed: ${requests}`);
  assert.ok(compared > 1000, `responses compared: ${compared}`);
});

const NOTIFY = [
  'NOTIFY sip:bob@192.0.2.2:5070 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.100:5060;branch=z9hG4bK-a1, SIP/2.0/TCP p1.example.com;branch=z9hG4bK-b2;received=192.0.2.7',
  'v: SIP/2.0/UDP p2.example.com:5062;branch=z9hG4bK-c3',
  'To: <sip:bob@192.0.2.100>;tag=8a8f',
  'f: "Alice, \\"A\\"" <sip:alice@example.com>;tag=ntf0',
  'CSeq: 7 NOTIFY',
  'i: 502e9a09b352ff7a849390f2@192.0.2.2',
  'Event: presence',
  'Subscription-State: active;expires=3600',
  'Content-Length: 0',
  '', '',
].join('\r\n');

function parsed(text: string): SipMessageView {
  const view = new SipMessageView();
  const bytes = enc(text);
  assert.ok(parse(bytes, 0, bytes.length, view, lenient) > 0, 'parses');
  return view;
}

test('§8.2.6.2: all Via values in order, From/Call-ID/CSeq as sent, long names, our tag only when To had none', () => {
  const w = writer();
  const pool = new BufferPool(1, CAPACITY, RequestEcho.bytesFor(CAPACITY));
  const echo = new RequestEcho(CAPACITY, pool.storage, pool.extraOffset);
  assert.ok(echo.capture(parsed(NOTIFY)));
  let n = w.write(pool.storage, 0, CAPACITY, 200, 'OK', echo, 0);
  assert.is(dec(pool.storage, 0, n), [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.100:5060;branch=z9hG4bK-a1, SIP/2.0/TCP p1.example.com;branch=z9hG4bK-b2;received=192.0.2.7',
    'Via: SIP/2.0/UDP p2.example.com:5062;branch=z9hG4bK-c3',
    'From: "Alice, \\"A\\"" <sip:alice@example.com>;tag=ntf0',
    'To: <sip:bob@192.0.2.100>;tag=8a8f',
    'Call-ID: 502e9a09b352ff7a849390f2@192.0.2.2',
    'CSeq: 7 NOTIFY',
    `Server: ${SERVER}`,
    'Content-Length: 0',
    '', '',
  ].join('\r\n'));
  assert.ok(echo.capture(parsed(NOTIFY.replace(';tag=8a8f', ''))));
  n = w.write(pool.storage, 0, CAPACITY, 481, reasonPhrase(481), echo, 0);
  assert.match(dec(pool.storage, 0, n), `\r\nTo: <sip:bob@192.0.2.100>;tag=${TAG}\r\nCall-ID:`);
  assert.match(dec(pool.storage, 0, n), /^SIP\/2\.0 481 Call\/Transaction Does Not Exist\r\n/);
  n = w.write(pool.storage, 0, CAPACITY, 100, 'Trying', echo, 0);
  assert.match(dec(pool.storage, 0, n), '\r\nTo: <sip:bob@192.0.2.100>\r\nCall-ID:', 'no tag on a 100');
});

test('§7.3.1: folded Via/From/To/Call-ID/CSeq are echoed unfolded (one SP per fold), on the fast path', () => {
  const w = writer();
  // Folds in every echoed header, CRLF and (lenient parse) bare LF, WSP before and after, two in a row.
  const folded = NOTIFY
    .replace('branch=z9hG4bK-a1, SIP', 'branch=z9hG4bK-a1,\r\n  SIP')
    .replace('v: SIP/2.0/UDP p2.example.com:5062;', 'v: SIP/2.0/UDP\r\n\tp2.example.com:5062 \r\n ;')
    .replace('To: <sip:bob@192.0.2.100>;tag=8a8f', 'To: <sip:bob@192.0.2.100>\n ;tag=8a8f')
    .replace('f: "Alice, \\"A\\"" <sip:alice@example.com>', 'f: <sip:alice@example.com>  \r\n \r\n\t ')
    .replace('i: 502e', 'i:\r\n 502e')
    .replace('CSeq: 7 NOTIFY', 'CSeq: 7\r\n NOTIFY');
  const view = parsed(folded);
  const pool = new BufferPool(1, CAPACITY, RequestEcho.bytesFor(CAPACITY));
  const echo = new RequestEcho(CAPACITY, pool.storage, pool.extraOffset);
  assert.ok(echo.capture(view));
  assert.not.ok(echo.mayHaveControls, 'no backslash, only folds: the copying path');
  const n = w.write(pool.storage, 0, CAPACITY, 200, 'OK', echo, 0);
  assert.is(dec(pool.storage, 0, n), [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.100:5060;branch=z9hG4bK-a1, SIP/2.0/TCP p1.example.com;branch=z9hG4bK-b2;received=192.0.2.7',
    'Via: SIP/2.0/UDP p2.example.com:5062 ;branch=z9hG4bK-c3',
    'From: <sip:alice@example.com> ;tag=ntf0',
    'To: <sip:bob@192.0.2.100> ;tag=8a8f',
    'Call-ID: 502e9a09b352ff7a849390f2@192.0.2.2',
    'CSeq: 7 NOTIFY',
    `Server: ${SERVER}`,
    'Content-Length: 0',
    '', '',
  ].join('\r\n'));
  assert.is(dec(pool.storage, 0, n), reference(view, 200, CAPACITY, PLAIN).text);
  // The spans the checking writer (and invite-sessions) read agree with the lines.
  assert.is(dec(echo.bytes, echo.cseqOff, echo.cseqLen), '7 NOTIFY');
  assert.is(dec(echo.bytes, echo.toOff, echo.toLen), '<sip:bob@192.0.2.100> ;tag=8a8f');
  assert.is(dec(echo.bytes, echo.viaOff[1]!, echo.viaLen[1]!), 'SIP/2.0/UDP p2.example.com:5062 ;branch=z9hG4bK-c3');
  assert.is(echo.used, echo.viaLen[0]! + echo.viaLen[1]! + echo.fromLen + echo.toLen + echo.callIdLen + echo.cseqLen);
  // With a backslash in the request the echo takes the checking path: same bytes, no refusal.
  const quoted = parsed(folded.replace('f: <sip:alice', 'f: "A \\"B\\"\r\n C" <sip:alice'));
  assert.ok(echo.capture(quoted));
  assert.ok(echo.mayHaveControls);
  const m = w.write(pool.storage, 0, CAPACITY, 202, 'Accepted', echo, WITH_CONTACT, 60);
  assert.ok(m > 0, `written: ${m}`);
  assert.match(dec(pool.storage, 0, m), '\r\nFrom: "A \\"B\\" C" <sip:alice@example.com> ;tag=ntf0\r\n');
  assert.is(dec(pool.storage, 0, m), reference(quoted, 202, CAPACITY, { extras: WITH_CONTACT, expires: 60, retryAfter: -1, accept: '' }).text);
});

test('an escaped control byte in an echoed value is still refused (E_W_BAD_VALUE), not copied', () => {
  const w = writer();
  const view = parsed(NOTIFY.replace('"Alice, \\"A\\""', '"Alice \\\x07"'));
  const echo = new RequestEcho(CAPACITY);
  assert.ok(echo.capture(view));
  assert.ok(echo.mayHaveControls);
  assert.is(w.write(new Uint8Array(CAPACITY), 0, CAPACITY, 200, 'OK', echo, 0), E_W_BAD_VALUE);
  assert.is(reference(view, 200, CAPACITY, PLAIN).code, E_W_BAD_VALUE);
  // A fold only in a header that is not echoed changes nothing.
  const other = parsed(NOTIFY.replace('Event: presence', 'Event: presence\r\n ;id=1').replace('"Alice, \\"A\\""', 'Alice'));
  assert.ok(echo.capture(other));
  assert.not.ok(echo.mayHaveControls);
  const out = new Uint8Array(CAPACITY);
  const n = w.write(out, 0, CAPACITY, 200, 'OK', echo, 0);
  assert.is(dec(out, 0, n), reference(other, 200, CAPACITY, PLAIN).text);
});

test('header injection guard: a CR/LF that is no fold, or another CTL beside a fold, is still refused', () => {
  // The parser never lets such bytes into a value; the view is altered after parsing to prove the
  // echo does not rely on that alone once it unfolds (placeholders "~" are overwritten in place).
  const cases: [string, number[]][] = [
    ['CRLF then no WSP', [13, 10]],
    ['bare LF then no WSP', [10, 0x4e]],
    ['bare CR then SP', [13, 32]],
    ['fold and a NUL', [13, 10, 32, 0]],
    ['fold and a DEL', [10, 9, 0x7f]],
  ];
  const w = writer();
  for (const [label, bytes] of cases) {
    const view = parsed(NOTIFY.replace('CSeq: 7 NOTIFY', `CSeq: 7 ${'~'.repeat(bytes.length)}NOTIFY`));
    const at = view.valueOff[view.find(H.CSEQ)]! + 2;
    for (let k = 0; k < bytes.length; k++) view.buf[at + k] = bytes[k]!;
    const echo = new RequestEcho(CAPACITY);
    assert.ok(echo.capture(view), label);
    assert.ok(echo.mayHaveControls, `${label}: takes the checking path`);
    assert.is(w.write(new Uint8Array(CAPACITY), 0, CAPACITY, 200, 'OK', echo, 0), E_W_BAD_VALUE, label);
  }
  // A fold at the very end of a value (no WSP after it inside the span) is no fold either.
  const view = parsed(NOTIFY.replace('CSeq: 7 NOTIFY', 'CSeq: 7 NOTIFY~~'));
  const i = view.find(H.CSEQ);
  view.buf[view.valueOff[i]! + view.valueLen[i]! - 2] = 13;
  view.buf[view.valueOff[i]! + view.valueLen[i]! - 1] = 10;
  const echo = new RequestEcho(CAPACITY);
  assert.ok(echo.capture(view));
  assert.is(w.write(new Uint8Array(CAPACITY), 0, CAPACITY, 200, 'OK', echo, 0), E_W_BAD_VALUE);
});

test('capacity and Via count limits: a request the echo cannot hold is refused at capture', () => {
  const many = NOTIFY.replace('v: SIP', `${'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK-x\r\n'.repeat(15)}v: SIP`);
  assert.not.ok(new RequestEcho(CAPACITY).capture(parsed(many)), '17 Via lines');
  assert.ok(new RequestEcho(CAPACITY).capture(parsed(NOTIFY.replace('v: SIP', `${'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK-x\r\n'.repeat(14)}v: SIP`))), '16 Via lines');
  const view = parsed(NOTIFY);
  let values = 0;
  for (const id of [H.VIA, H.FROM, H.TO, H.CALL_ID, H.CSEQ]) for (let i = 0; i < view.headerCount; i++) if (view.headerId[i] === id && (id === H.VIA || i === view.find(id))) values += view.valueLen[i]!;
  assert.ok(new RequestEcho(values).capture(view), 'exactly the value bytes');
  assert.not.ok(new RequestEcho(values - 1).capture(view), 'one byte short');
  assert.not.ok(new RequestEcho(CAPACITY).capture(parsed(NOTIFY.replace(/\r\ni: [^\r]*/, ''))), 'no Call-ID');
  assert.throws(() => new RequestEcho(100, new Uint8Array(200), 100), /do not fit/);
});

test('a response never lands on the echo it copies: an overlapping target goes through the checking writer', () => {
  const w = writer();
  const view = parsed(NOTIFY);
  const pool = new BufferPool(1, 256, RequestEcho.bytesFor(CAPACITY));
  const echo = new RequestEcho(CAPACITY, pool.storage, pool.extraOffset);
  assert.ok(echo.capture(view));
  const want = reference(view, 200, 2000, PLAIN);
  // Slot too small: the checked path reports no space, as the reference does at that length.
  assert.is(w.write(pool.storage, 0, 256, 200, 'OK', echo, 0), E_W_NO_SPACE);
  assert.is(reference(view, 200, 256, PLAIN).code, E_W_NO_SPACE);
  assert.ok(want.code > 256);
});

test.run();
