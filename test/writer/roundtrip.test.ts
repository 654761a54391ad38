// Round trip over the standards corpus: parse -> write (all headers in order, unfolded, long or
// compact names) -> parse again, and every field is kept. The writer also normalises: whatever
// lenient option the first parse needed, its output parses strictly as a stream message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sipRows, readCorpus } from '../sip/corpus-helpers.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { H, compactForm } from '../../core/sip/header-ids.js';
import { SipWriter, E_W_BAD_VALUE } from '../../core/sip/writer.js';

const STRICT_DATAGRAM = createParseOptions({ datagram: true });
const LENIENT_DATAGRAM = createParseOptions({
  datagram: true, allowBareLf: true, allowSpaceBeforeColon: true, allowAnyReasonBytes: true, allowShortBody: true,
  allowMissingEmptyLine: true,
});
const STRICT_STREAM = createParseOptions();

/** Unfolds like SipMessageView.headerValueText, but on bytes: a WSP/CR/LF run with a line break becomes one SP. */
function unfold(buf: Uint8Array, off: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let n = 0;
  const end = off + len;
  let i = off;
  while (i < end) {
    const b = buf[i];
    if (b === 13 || b === 10) {
      while (n > 0 && (out[n - 1] === 32 || out[n - 1] === 9)) n--;
      while (i < end && (buf[i] === 13 || buf[i] === 10 || buf[i] === 32 || buf[i] === 9)) i++;
      out[n++] = 32;
    } else { out[n++] = b; i++; }
  }
  return out.slice(0, n);
}

const sameBytes = (a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bOff: number, bLen: number) =>
  aLen === bLen && a.subarray(aOff, aOff + aLen).every((x, k) => x === b[bOff + k]);

function rewrite(first: SipMessageView, w: SipWriter, out: Uint8Array): number {
  const src = first.buf;
  if (first.isRequest) w.requestFrom(out, 0, out.length, src, first.methodOff, first.methodLen, first.uriOff, first.uriLen);
  else w.responseFrom(out, 0, out.length, first.statusCode, src, first.reasonOff, first.reasonLen);
  for (let i = 0; i < first.headerCount; i++) {
    if (first.headerId[i] === H.CONTENT_LENGTH) continue; // the writer computes it from the body
    const v = unfold(src, first.valueOff[i], first.valueLen[i]);
    w.beginFrom(src, first.nameOff[i], first.nameLen[i]).bytes(v, 0, v.length).end();
  }
  return w.finish(src, first.bodyOff, first.bodyLen);
}

function check(file: string, first: SipMessageView, second: SipMessageView, compact: boolean): void {
  const a = first.buf;
  const b = second.buf;
  assert.is(second.isRequest, first.isRequest, file);
  if (first.isRequest) {
    assert.ok(sameBytes(a, first.methodOff, first.methodLen, b, second.methodOff, second.methodLen), `${file} method`);
    assert.is(second.methodId, first.methodId);
    assert.ok(sameBytes(a, first.uriOff, first.uriLen, b, second.uriOff, second.uriLen), `${file} uri`);
  } else {
    assert.is(second.statusCode, first.statusCode, `${file} status`);
    assert.ok(sameBytes(a, first.reasonOff, first.reasonLen, b, second.reasonOff, second.reasonLen), `${file} reason`);
  }
  let k = 0;
  for (let i = 0; i < first.headerCount; i++) {
    if (first.headerId[i] === H.CONTENT_LENGTH) continue;
    assert.is(second.headerId[k], first.headerId[i], `${file} header ${i} id`);
    const id = first.headerId[i];
    const letter = compact ? compactForm(id) : '';
    if (letter !== '') assert.is(second.nameLen[k], 1, `${file} header ${i} compact`);
    else if (!compact || id === H.UNKNOWN) {
      assert.ok(sameBytes(a, first.nameOff[i], first.nameLen[i], b, second.nameOff[k], second.nameLen[k]), `${file} header ${i} name`);
    }
    const v = unfold(a, first.valueOff[i], first.valueLen[i]);
    assert.ok(sameBytes(v, 0, v.length, b, second.valueOff[k], second.valueLen[k]),
      `${file} header ${i} value: ${second.headerValueText(k)} vs ${Buffer.from(v).toString('latin1')}`);
    k++;
  }
  // Exactly one Content-Length, carrying the body length.
  assert.is(second.headerCount, k + 1, `${file} header count`);
  assert.is(second.count(H.CONTENT_LENGTH), 1);
  assert.is(second.contentLength, first.bodyLen);
  assert.ok(sameBytes(a, first.bodyOff, first.bodyLen, b, second.bodyOff, second.bodyLen), `${file} body`);
}

test('every parseable corpus SIP message survives parse -> write -> parse (long and compact names)', () => {
  const first = new SipMessageView();
  const second = new SipMessageView();
  const w = new SipWriter();
  const out = new Uint8Array(70000);
  let done = 0;
  const skipped: string[] = [];
  for (const row of sipRows()) {
    const msg = readCorpus(row.file);
    let n = parse(msg, 0, msg.length, first, STRICT_DATAGRAM);
    if (n <= 0) n = parse(msg, 0, msg.length, first, LENIENT_DATAGRAM);
    // What the parser refuses is the corpus test's business (e.g. mcl01.dat, several Content-Lengths).
    if (n <= 0) { assert.is.not(row.verdict, 'valid', `${row.file} is valid but not parseable`); continue; }
    for (const compact of [false, true]) {
      w.compact = compact;
      const len = rewrite(first, w, out);
      if (len === E_W_BAD_VALUE) {
        // RFC 3261 allows quoted-pairs of control bytes ("\\<NUL>"); intmeth.dat's To has BEL, NUL and
        // DEL that way. The writer refuses NUL and other controls in caller values by design.
        skipped.push(row.file);
        continue;
      }
      assert.ok(len > 0, `${row.file}: writer returned ${len}`);
      const m = parse(out, 0, len, second, STRICT_STREAM);
      assert.is(m, len, `${row.file}: rewritten message parses strictly (${m})`);
      check(row.file, first, second, compact);
      done++;
    }
  }
  assert.ok(done >= 2 * 100, `round-tripped ${done / 2} messages`);
  for (const f of skipped) assert.is(f, 'rfc4475/intmeth.dat', `unexpected skip ${f}`);
});

test('random header values: written -> parsed back identically, or refused with E_W_BAD_VALUE', () => {
  let s = 12345;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const alphabet = ['a', 'Z', '0', ' ', '\t', '"', '\\', ',', ';', '<', '>', ':', '\r', '\n', '\0', '\x01', '\x7f', '\u00e9', '\u{1F600}', '='];
  const w = new SipWriter();
  const view = new SipMessageView();
  const out = new Uint8Array(2048);
  let written = 0;
  for (let i = 0; i < 3000; i++) {
    let v = '';
    const n = 1 + (next() % 12);
    for (let k = 0; k < n; k++) v += alphabet[next() % alphabet.length];
    const len = w.request(out, 0, out.length, 'MESSAGE', 'sip:bob@127.0.0.1').header('Subject', v).finish();
    const bad = /[\x00-\x08\x0a-\x1f\x7f]/.test(v);
    if (bad) { assert.is(len, E_W_BAD_VALUE, JSON.stringify(v)); continue; }
    assert.ok(len > 0);
    assert.is(parse(out, 0, len, view, STRICT_STREAM), len, JSON.stringify(v));
    // The parser trims leading/trailing whitespace from values (RFC 3261 §7.3.1).
    assert.is(view.headerValueText(0), v.replace(/^[ \t]+|[ \t]+$/g, ''), JSON.stringify(v));
    written++;
  }
  assert.ok(written > 500);
});

test.run();
