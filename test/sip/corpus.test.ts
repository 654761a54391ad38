// The standards' torture and example messages (test/corpus, copied from the shared corpus with its
// manifest.tsv) against the parser. Every SIP message in the manifest is covered by exactly one
// rule below; a message nobody claims fails the "coverage" test instead of being skipped.
//
// The corpus messages are UDP datagrams as far as RFC 4475 is concerned (dblreq.dat only makes
// sense over UDP), so they are parsed with `datagram: true`; a second test runs them as a stream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, createParseOptions, type ParseOptions } from '../../core/sip/parser.js';
import { SipMessageView, unfoldText } from '../../core/sip/view.js';
import { errorName, E_MISSING_CONTENT_LENGTH, NEED_MORE } from '../../core/sip/errors.js';
import { H } from '../../core/sip/header-ids.js';
import { HeaderValueCursor, countValues } from '../../core/sip/values.js';
import { sipRows, readCorpus, type ManifestRow } from './corpus-helpers.js';

const rows = sipRows();
const view = new SipMessageView();
const cursor = new HeaderValueCursor();
const STRICT_DATAGRAM = createParseOptions({ datagram: true });
const STREAM = createParseOptions();

/** Invalid messages the parser itself rejects, with the error it must give and why. */
const PARSER_REJECTS: Record<string, { error: string; why: string }> = {
  'rfc4475/badvers.dat': { error: 'E_BAD_VERSION', why: 'SIP/7.0 (RFC 4475 §3.1.2.16: 505)' },
  'rfc4475/bigcode.dat': { error: 'E_BAD_STATUS', why: 'status 4294967301 is not 3 digits' },
  'rfc4475/clerr.dat': { error: 'E_TRUNCATED_BODY', why: 'Content-Length 9999 beyond the datagram (RFC 3261 §18.3)' },
  'rfc4475/escruri.dat': { error: 'E_BAD_REQUEST_URI', why: 'headers ("?Route=") in a SIP Request-URI (RFC 3261 §19.1.1 table)' },
  'rfc4475/ltgtruri.dat': { error: 'E_BAD_REQUEST_URI', why: 'Request-URI enclosed in <>' },
  'rfc4475/lwsruri.dat': { error: 'E_BAD_REQUEST_URI', why: 'LWS inside the Request-URI' },
  'rfc4475/lwsstart.dat': { error: 'E_EXTRA_WHITESPACE', why: 'two SPs after the method' },
  'rfc4475/ncl.dat': { error: 'E_BAD_CONTENT_LENGTH', why: 'Content-Length -999' },
  'rfc4475/test.dat': { error: 'E_BAD_VERSION', why: 'Request-Line without SIP-Version' },
  'rfc4475/trws.dat': { error: 'E_EXTRA_WHITESPACE', why: 'SP after SIP/2.0 on the Request-Line' },
  'rfc3856/F3-NOTIFY-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3856/F5-NOTIFY-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3903/M3-NOTIFY-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3903/M5-PUBLISH-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3903/M7-NOTIFY-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3903/M11-PUBLISH-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
  'rfc3903/M13-NOTIFY-template.sip': { error: 'E_BAD_CONTENT_LENGTH', why: 'template: "Content-Length: ..."' },
};

/** Invalid messages whose fault is not visible to a framing parser: the parser must accept them
 *  (so the layer named here gets to answer 400 with a precise reason), and that layer owns the
 *  rejection. These are named expectations handed to the decoders / transaction layer. */
const OTHER_LAYER: Record<string, { layer: string; why: string }> = {
  'rfc4475/badaspec.dat': { layer: 'decode: To/From name-addr', why: 'spaces inside <addr-spec> ("< sip:t.watson@example.org >")' },
  'rfc4475/baddate.dat': { layer: 'application: Date (no decoder planned)', why: 'time zone "EST" instead of GMT; RFC 4475 §3.1.2.12 lets a proxy forward it' },
  'rfc4475/badinv01.dat': { layer: 'decode: Via, Contact', why: 'empty params/values ";;,;,," in Via and ";;;;" in Contact' },
  'rfc4475/mismatch01.dat': { layer: 'transaction: CSeq method vs Request-Line method', why: 'OPTIONS request with CSeq "8 INVITE" (RFC 3261 §8.2 → 400)' },
  'rfc4475/mismatch02.dat': { layer: 'transaction: CSeq method vs Request-Line method', why: 'NEWMETHOD request with CSeq "8 INVITE"' },
  'rfc4475/quotbal.dat': { layer: 'decode: To/From display-name (values cursor flags it)', why: 'unterminated quoted-string in To' },
  'rfc4475/regbadct.dat': { layer: 'decode: Contact', why: 'addr-spec with URI headers not enclosed in <> (RFC 3261 §20.10)' },
  'rfc4475/scalar02.dat': { layer: 'decode: CSeq, Max-Forwards, Expires, Contact expires', why: 'CSeq 2^65, Max-Forwards 300, Expires 10^100' },
  'rfc4475/scalarlg.dat': { layer: 'decode: CSeq, Retry-After; application: Warning', why: 'CSeq 2^73, Retry-After 10^27, Warning code 1812' },
  'rfc5118/wire/ipv6-bad.sip': { layer: 'decode: SIP URI (Request-URI host)', why: 'IPv6 reference without [] (RFC 5118 §4.9)' },
  'rfc4662/11-NOTIFY-multipart-signed.sip': { layer: 'application: multipart/signed body', why: 'placeholder "[PKCS #7 signature here]" instead of a signature' },
  'rfc4662/13-NOTIFY-multipart-related-nested.sip': { layer: 'application: multipart/signed body', why: 'placeholder signature in a nested part' },
  'rfc4975/fig1-INVITE-abbrev.sip': { layer: 'transaction: mandatory headers (RFC 3261 §8.1.1)', why: 'abbreviated by the RFC: no Via/CSeq/Max-Forwards; over a stream also E_MISSING_CONTENT_LENGTH' },
  'rfc4975/fig1-200-abbrev.sip': { layer: 'transaction: mandatory headers (RFC 3261 §8.1.1)', why: 'abbreviated by the RFC: no Via/CSeq; over a stream also E_MISSING_CONTENT_LENGTH' },
  'rfc4975/fig1-ACK-abbrev.sip': { layer: 'transaction: mandatory headers (RFC 3261 §8.1.1)', why: 'abbreviated by the RFC: no Via/CSeq; over a stream also E_MISSING_CONTENT_LENGTH' },
};

/** Files whose verdict differs from the manifest's for the strict parser, or that need a named
 *  lenient option. `strict` is what strict datagram parsing gives; `lenient` are the options
 *  under which the manifest's fields are then checked (absent: no option makes it parse). */
const SPECIAL: Record<string, { strict: string; lenient?: Partial<ParseOptions>; why: string; layerAfter?: string }> = {
  // Manifest: valid-but-odd. We reject: two Content-Length values (13 and 5) mean a proxy and a UA
  // could cut the datagram/stream at different places (the classic request-smuggling shape), and
  // no option can pick the "right" one. RFC 4475 §3.3.9 itself says the message should be rejected.
  'rfc4475/mcl01.dat': { strict: 'E_MULTIPLE_CONTENT_LENGTH', why: 'framing ambiguous: Content-Length 13 and 5' },
  // RFC 4475 baddn.dat as archived has no empty line closing the header section (see corpus README).
  // Its real fault (non-token display name) belongs to the To/From decoder.
  'rfc4475/baddn.dat': {
    strict: 'E_TRUNCATED_HEADERS', lenient: { allowMissingEmptyLine: true },
    why: 'archive file lacks the header terminator', layerAfter: 'decode: To/From display-name',
  },
  // Manifest: valid. The SDP is shorter (251) than the declared 268 octets. RFC 3261 §18.3 says a
  // datagram that ends before Content-Length is an error; that is exactly clerr.dat, so strict
  // rejects it. allowShortBody accepts it for peers known to miscount.
  'rfc5118/wire/ipv6-in-sdp.sip': { strict: 'E_TRUNCATED_BODY', lenient: { allowShortBody: true }, why: 'RFC example miscounts Content-Length (268 > 251)' },
  'rfc3842/A3-NOTIFY.sip': { strict: 'E_TRUNCATED_BODY', lenient: { allowShortBody: true }, why: 'RFC example miscounts Content-Length (99 > 95)' },
  'rfc3842/A9-NOTIFY.sip': { strict: 'E_TRUNCATED_BODY', lenient: { allowShortBody: true }, why: 'RFC example miscounts Content-Length (99 > 95)' },
  'rfc3842/A13-NOTIFY-terminated.sip': { strict: 'E_TRUNCATED_BODY', lenient: { allowShortBody: true }, why: 'RFC example miscounts Content-Length (99 > 95)' },
  // RFC 5118 archive members use bare LF: strict rejects, allowBareLf accepts (the wire/ copies parse strictly).
  'rfc5118/archive/ipv6-bug-abnf-3-colons': { strict: 'E_BARE_LF', lenient: { allowBareLf: true, allowMissingEmptyLine: true }, why: 'bare LF, no header terminator' },
  'rfc5118/archive/ipv6-correct-abnf-2-colons': { strict: 'E_BARE_LF', lenient: { allowBareLf: true, allowMissingEmptyLine: true }, why: 'bare LF, no header terminator' },
  'rfc5118/archive/ipv6-in-sdp': { strict: 'E_BARE_LF', lenient: { allowBareLf: true, allowShortBody: true }, why: 'bare LF, Content-Length 268 > 242' },
  'rfc5118/archive/mult-ip-in-sdp': { strict: 'E_BARE_LF', lenient: { allowBareLf: true, allowShortBody: true }, why: 'bare LF, Content-Length 181 > 180' },
  'rfc5118/archive/ipv6-bad': {
    strict: 'E_BARE_LF', lenient: { allowBareLf: true }, why: 'bare LF',
    layerAfter: 'decode: SIP URI (IPv6 reference without [])',
  },
};
for (const r of rows) {
  if (r.file.startsWith('rfc5118/archive/') && !SPECIAL[r.file]) {
    SPECIAL[r.file] = { strict: 'E_BARE_LF', lenient: { allowBareLf: true }, why: 'bare LF as shipped' };
  }
}

function parseFile(file: string, options: ParseOptions): { bytes: Uint8Array; r: number } {
  const bytes = readCorpus(file);
  return { bytes, r: parse(bytes, 0, bytes.length, view, options) };
}

function normalizeSpaces(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

function allValues(id: number): string {
  const out: string[] = [];
  for (let i = view.find(id); i >= 0; i = view.find(id, i + 1)) out.push(normalizeSpaces(view.headerValueText(i)));
  return out.length === 0 ? '-' : out.join(' / ');
}

/** The manifest's fields, checked against the view of a successful parse. */
function checkFields(row: ManifestRow, bytes: Uint8Array, r: number): void {
  const where = row.file;
  assert.ok(r > 0, `${where}: parsed`);
  const [kind, what] = [row.startLine.slice(0, row.startLine.indexOf(' ')), row.startLine.slice(row.startLine.indexOf(' ') + 1)];
  if (kind === 'method') {
    assert.ok(view.isRequest, `${where}: is a request`);
    assert.is(view.method(), what, `${where}: method`);
  } else {
    assert.not.ok(view.isRequest, `${where}: is a response`);
    assert.is(String(view.statusCode), what, `${where}: status`);
  }
  // The manifest joins repeated single-value headers (multi01.dat) with " / ".
  assert.is(allValues(H.CALL_ID), row.callId, `${where}: Call-ID`);
  assert.is(allValues(H.CSEQ), row.cseq, `${where}: CSeq`);
  assert.is(String(view.count(H.VIA)), row.viaHeaderFields, `${where}: Via header fields`);
  if (row.verdict !== 'invalid') {
    assert.is(String(countValues(view, H.VIA, cursor)), row.viaValues, `${where}: Via values`);
  }
  const declared = row.contentLengthDeclared;
  assert.is(view.contentLength, declared === '-' ? -1 : Number(declared), `${where}: Content-Length`);
  const actual = row.bodyLengthActual;
  if (!actual.startsWith('n/a')) {
    assert.is(bytes.length - view.bodyOff, Number(actual), `${where}: octets after the header section`);
    const expectedBody = view.contentLength < 0 ? Number(actual) : Math.min(view.contentLength, Number(actual));
    assert.is(view.bodyLen, expectedBody, `${where}: body span length`);
  } else {
    assert.is(view.bodyLen, 0, `${where}: no body when the header section is unterminated`);
  }
  assert.is(r, view.bodyOff + view.bodyLen, `${where}: consumed = headers + body`);
  assert.is(view.messageOff, 0);
  assert.is(view.messageLen, r);
}

test('coverage: every invalid SIP message is claimed by exactly one layer rule', () => {
  for (const r of rows) {
    if (r.verdict !== 'invalid') continue;
    const claims = (PARSER_REJECTS[r.file] ? 1 : 0) + (OTHER_LAYER[r.file] ? 1 : 0) + (SPECIAL[r.file] ? 1 : 0);
    assert.is(claims, 1, `${r.file} (invalid: ${r.notes}) must be claimed by exactly one rule`);
  }
  for (const name of [...Object.keys(PARSER_REJECTS), ...Object.keys(OTHER_LAYER), ...Object.keys(SPECIAL)]) {
    assert.ok(rows.some((r) => r.file === name), `${name} is in the manifest`);
  }
});

test('valid and valid-but-odd messages parse strictly with the manifest fields', () => {
  let n = 0;
  for (const row of rows) {
    if (row.verdict === 'invalid' || SPECIAL[row.file]) continue;
    const { bytes, r } = parseFile(row.file, STRICT_DATAGRAM);
    assert.ok(r > 0, `${row.file}: expected to parse, got ${errorName(r)} at ${view.errorOffset}`);
    checkFields(row, bytes, r);
    n++;
  }
  assert.ok(n >= 75, `checked ${n} messages`);
});

test('invalid messages the parser rejects, with a meaningful error and offset', () => {
  for (const [file, { error, why }] of Object.entries(PARSER_REJECTS)) {
    const { bytes, r } = parseFile(file, STRICT_DATAGRAM);
    assert.is(errorName(r), error, `${file}: ${why}`);
    assert.is(view.errorCode, r);
    assert.ok(view.errorOffset >= 0 && view.errorOffset <= bytes.length, `${file}: error offset in range`);
  }
});

test('error offsets point at the fault', () => {
  const at = (file: string): string => {
    const { bytes, r } = parseFile(file, STRICT_DATAGRAM);
    assert.ok(r < 0);
    return new TextDecoder('latin1').decode(bytes.subarray(view.errorOffset, view.errorOffset + 8));
  };
  assert.is(at('rfc4475/badvers.dat').slice(0, 7), 'SIP/7.0');
  assert.is(at('rfc4475/bigcode.dat').slice(0, 4), '4294');
  assert.is(at('rfc4475/ltgtruri.dat')[0], '<');
  assert.is(at('rfc4475/lwsstart.dat')[0], ' ');
  assert.is(at('rfc4475/trws.dat')[0], ' ');
  assert.is(at('rfc4475/ncl.dat')[0], '-');
  assert.is(at('rfc4475/escruri.dat')[0], '?');
  assert.is(at('rfc4475/mcl01.dat'), 'Content-', 'the second Content-Length field');
});

test('faults only a decoder or the transaction layer can see: the parser accepts, the owner is named', () => {
  for (const [file, { layer, why }] of Object.entries(OTHER_LAYER)) {
    const { bytes, r } = parseFile(file, STRICT_DATAGRAM);
    assert.ok(r > 0, `${file}: the parser must hand it on to "${layer}" (${why}); got ${errorName(r)}`);
    const row = rows.find((x) => x.file === file)!;
    checkFields(row, bytes, r);
  }
  // The values cursor already sees quotbal's open quote: it reports the To value as unbalanced.
  parseFile('rfc4475/quotbal.dat', STRICT_DATAGRAM);
  cursor.reset(view, H.TO);
  assert.ok(cursor.next());
  assert.ok(cursor.unbalanced, 'quotbal To value is flagged unbalanced');
  // mismatch01/02: the fault is visible from the spans, which is all the transaction layer needs.
  for (const file of ['rfc4475/mismatch01.dat', 'rfc4475/mismatch02.dat']) {
    parseFile(file, STRICT_DATAGRAM);
    const cseqMethod = normalizeSpaces(view.headerText(H.CSEQ)!).split(' ')[1];
    assert.is.not(cseqMethod, view.method(), `${file}: CSeq method differs from the Request-Line`);
  }
  // The abbreviated RFC 4975 messages have no Content-Length: fine in a datagram, rejected on a stream.
  for (const file of ['rfc4975/fig1-INVITE-abbrev.sip', 'rfc4975/fig1-200-abbrev.sip', 'rfc4975/fig1-ACK-abbrev.sip']) {
    assert.is(parseFile(file, STREAM).r, E_MISSING_CONTENT_LENGTH, file);
  }
});

test('special cases: strict verdict, then the named lenient option that accepts (or reasoned rejection)', () => {
  for (const [file, spec] of Object.entries(SPECIAL)) {
    const row = rows.find((x) => x.file === file)!;
    const strict = parseFile(file, STRICT_DATAGRAM);
    assert.is(errorName(strict.r), spec.strict, `${file} strict: ${spec.why}`);
    if (!spec.lenient) continue;
    const lenient = parseFile(file, createParseOptions({ datagram: true, ...spec.lenient }));
    assert.ok(lenient.r > 0, `${file} with ${JSON.stringify(spec.lenient)}: got ${errorName(lenient.r)}`);
    checkFields(row, lenient.bytes, lenient.r);
  }
});

test('strict truncated-body failure still leaves the start line and headers readable', () => {
  const { r } = parseFile('rfc3842/A3-NOTIFY.sip', STRICT_DATAGRAM);
  assert.is(errorName(r), 'E_TRUNCATED_BODY');
  assert.is(view.method(), 'NOTIFY');
  assert.is(view.contentLength, 99);
  assert.is(view.bodyLen, 95);
  assert.ok(view.find(H.CALL_ID) >= 0);
});

test('dblreq.dat: a UDP datagram with a second request after Content-Length: 0', () => {
  const { bytes, r } = parseFile('rfc4475/dblreq.dat', STRICT_DATAGRAM);
  assert.ok(r > 0 && r < bytes.length, 'first message consumed, trailing octets left');
  assert.is(view.bodyLen, 0);
  assert.is(view.method(), 'REGISTER');
  assert.is(bytes.length - r, 450, 'the 450 trailing octets are reported as not part of the message');
  // Over a stream the same bytes are two messages; the second one is an INVITE.
  const r2 = parse(bytes, r, bytes.length - r, view, STREAM);
  assert.ok(r2 > 0, `second message over a stream: ${errorName(r2)}`);
  assert.is(view.method(), 'INVITE');
});

test('the same messages over a stream: Content-Length required, otherwise identical results', () => {
  for (const row of rows) {
    if (row.verdict === 'invalid' || SPECIAL[row.file]) continue;
    const bytes = readCorpus(row.file);
    const d = parse(bytes, 0, bytes.length, view, STRICT_DATAGRAM);
    const declared = view.contentLength;
    const s = parse(bytes, 0, bytes.length, view, STREAM);
    if (declared < 0) assert.is(s, E_MISSING_CONTENT_LENGTH, `${row.file}: stream without Content-Length`);
    else assert.is(s, d, `${row.file}: stream consumes the same`);
    // Any proper prefix of a stream message is NEED_MORE, never an error.
    if (declared >= 0) {
      for (const cut of [1, 10, d >> 1, d - 1]) {
        if (cut <= 0 || cut >= d) continue;
        assert.is(parse(bytes, 0, cut, view, STREAM), NEED_MORE, `${row.file}: prefix ${cut}`);
      }
    }
  }
});

test('folded header values keep the fold in the span; the getter unfolds', () => {
  const { r } = parseFile('rfc4475/wsinv.dat', STRICT_DATAGRAM);
  assert.ok(r > 0);
  const i = view.find(H.VIA);
  const raw = new TextDecoder('latin1').decode(view.buf.subarray(view.valueOff[i], view.valueOff[i] + view.valueLen[i]));
  assert.ok(raw.includes('\r\n'), 'raw span includes the fold');
  assert.is(view.headerValueText(i), 'SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw', 'only the folds collapse');
  assert.is(unfoldText(view.buf, view.valueOff[i], view.valueLen[i]), view.headerValueText(i));
  assert.is(view.headerText(H.TO), 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  assert.is(view.headerNameText(view.find(H.SUBJECT)), 's');
  assert.is(view.headerValueText(view.find(H.SUBJECT)), '');
  assert.is(view.headerText(H.MAX_FORWARDS), '0068');
});

test.run();
