// TransactionKeyReader takes shortcuts an interpreter needs (the top Via read without the list
// cursor when its line has no comma; the To tag decoded only for RFC 2543 matching; tags decoded
// once per parse). This test holds it to the plain algorithm, written out here, over every corpus
// message and variations of their Via lines: same code, same key, same top Via span.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { HeaderValueCursor } from '../../core/sip/values.js';
import { ViaValue, decodeVia, TRANSPORT_TLS, TRANSPORT_WSS } from '../../core/sip/decode/via.js';
import { CSeqValue, decodeCSeq } from '../../core/sip/decode/cseq.js';
import { NameAddrValue, decodeNameAddr } from '../../core/sip/decode/name-addr.js';
import {
  TransactionKey, TransactionKeyReader, KEY_OK, KEY_ERROR_NO_VIA, KEY_ERROR_BAD_VIA, KEY_ERROR_NO_CSEQ, KEY_ERROR_BAD_CSEQ,
} from '../../core/transaction/index.js';
import { FNV_OFFSET, hashBytes, hashBytesCaseless, hashNumber } from '../../core/transaction/hash.js';
import { sipRows, readCorpus } from '../sip/corpus-helpers.js';

const lenient = createParseOptions({ datagram: true, allowBareLf: true, allowSpaceBeforeColon: true, allowAnyReasonBytes: true, allowShortBody: true, allowMissingEmptyLine: true });

interface Expected { code: number; key: TransactionKey; topViaOff: number; topViaLen: number; transportId: number; cseq: number }

/** The key as §17.1.3 / §17.2.3 define it, computed the long way. */
function plainKey(view: SipMessageView): Expected {
  const key = new TransactionKey();
  const out: Expected = { code: KEY_OK, key, topViaOff: -1, topViaLen: -1, transportId: -1, cseq: -1 };
  const buf = view.buf;
  key.isRequest = view.isRequest;
  key.methodId = view.isRequest ? view.methodId : 0;
  key.statusCode = view.isRequest ? 0 : view.statusCode;
  const c = view.find(H.CSEQ);
  if (c < 0) return { ...out, code: KEY_ERROR_NO_CSEQ };
  const cseq = new CSeqValue();
  if (decodeCSeq(buf, view.valueOff[c]!, view.valueOff[c]! + view.valueLen[c]!, cseq) !== 0) return { ...out, code: KEY_ERROR_BAD_CSEQ };
  key.cseqMethodId = cseq.methodId;
  out.cseq = cseq.seq;
  const values = new HeaderValueCursor();
  values.reset(view, H.VIA);
  if (!values.next()) return { ...out, code: KEY_ERROR_NO_VIA };
  out.topViaOff = values.off;
  out.topViaLen = values.len;
  const via = new ViaValue();
  if (values.unbalanced || decodeVia(buf, values.off, values.off + values.len, via) !== 0) return { ...out, code: KEY_ERROR_BAD_VIA };
  out.transportId = via.transportId;
  if (via.branchOff >= 0) key.setBranch(buf, via.branchOff, via.branchLen);
  if (!view.isRequest) return out;
  const port = via.port >= 0 ? via.port : via.transportId === TRANSPORT_TLS || via.transportId === TRANSPORT_WSS ? 5061 : 5060;
  key.sentByHash = hashNumber(port, hashBytesCaseless(buf, via.hostOff, via.hostLen));
  if (key.hasMagicCookie()) return out;
  const tag = (id: number): number => {
    const i = view.find(id);
    const na = new NameAddrValue();
    if (i < 0 || decodeNameAddr(buf, view.valueOff[i]!, view.valueOff[i]! + view.valueLen[i]!, na) !== 0 || na.tagOff < 0) return 0;
    const h = hashBytes(buf, na.tagOff, na.tagLen);
    return h === 0 ? 1 : h;
  };
  key.toTagHash = tag(H.TO);
  let h = hashBytes(buf, view.uriOff, view.uriLen, FNV_OFFSET);
  h = hashNumber(tag(H.FROM), h);
  const callId = view.find(H.CALL_ID);
  if (callId >= 0) h = hashBytes(buf, view.valueOff[callId]!, view.valueLen[callId]!, h);
  h = hashNumber(cseq.seq, h);
  h = hashBytes(buf, values.off, values.len, h);
  key.legacyHash = h === 0 ? 1 : h;
  return out;
}

const reader = new TransactionKeyReader();
const key = new TransactionKey();

function compare(label: string, bytes: Uint8Array): boolean {
  const view = new SipMessageView();
  if (parse(bytes, 0, bytes.length, view, lenient) <= 0) return false;
  const want = plainKey(view);
  const code = reader.read(view, key);
  assert.is(code, want.code, `${label}: code`);
  assert.is(reader.cseqNumber, want.cseq, `${label}: CSeq number`);
  if (code === KEY_OK || code === KEY_ERROR_BAD_VIA) {
    assert.is(reader.topViaOff, want.topViaOff, `${label}: top Via offset`);
    assert.is(reader.topViaLen, want.topViaLen, `${label}: top Via length`);
  }
  if (code !== KEY_OK) return true;
  assert.is(reader.transportId, want.transportId, `${label}: transport`);
  const k = want.key;
  for (const f of ['isRequest', 'methodId', 'statusCode', 'cseqMethodId', 'branchOff', 'branchLen', 'branchHash', 'sentByHash', 'legacyHash', 'toTagHash'] as const) {
    assert.is(key[f], k[f], `${label}: ${f}`);
  }
  return true;
}

/** Variations on the Via lines: lists, empty and quoted values, commas inside quotes, stray '<' or '"'. */
function variants(text: string): string[] {
  const m = /\r\n(Via|v)[ \t]*:[ \t]*([^\r\n]*)/i.exec(text);
  if (m === null) return [];
  const line = m[0];
  const value = m[2]!;
  return [
    text.replace(line, `\r\nVia: ${value}, SIP/2.0/TCP second.example.com;branch=z9hG4bK-2`),
    text.replace(line, `\r\nVia: ${value};x="a,b", SIP/2.0/UDP second.example.com`),
    text.replace(line, `\r\nVia: ${value};x="a,b"`),
    text.replace(line, `\r\nVia: ${value};x="open`),
    text.replace(line, `\r\nVia: ${value};x=<y`),
    text.replace(line, `\r\nVia: ${value};x=<y,z>`),
    text.replace(line, `\r\nVia: ,${value}`),
    text.replace(line, `\r\nVia: \r\nVia: ${value}`),
    text.replace(line, `\r\nVia: ${value};branch=noCookie`),
    text.replace(line, `\r\nVia: ${value.replace(/;branch=[^;,\s]*/i, '')}`),
    text.replace(line, `\r\nVia: SIP/2.0/TLS Host.Example.COM;branch=z9hG4bKx`),
    text.replace(line, ''),
  ];
}

test('the key reader agrees with the plain algorithm on every corpus message and Via variations', () => {
  let compared = 0;
  for (const row of sipRows()) {
    const bytes = readCorpus(row.file);
    if (compare(row.file, bytes)) compared++;
    const text = Buffer.from(bytes).toString('latin1');
    variants(text).forEach((v, i) => { if (compare(`${row.file} variant ${i}`, new Uint8Array(Buffer.from(v, 'latin1')))) compared++; });
  }
  assert.ok(compared > 500, `messages compared: ${compared}`);
});

test('a view read twice (tags memoised per parse) and then re-parsed with other tags gives fresh answers', () => {
  const msg = (tag: string) => new Uint8Array(Buffer.from(
    `OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=old1\r\nFrom: <sip:a@example.com>;tag=${tag}\r\nTo: <sip:b@example.com>;tag=t${tag}\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`, 'latin1'));
  const view = new SipMessageView();
  const a = msg('aaaa');
  parse(a, 0, a.length, view, lenient);
  assert.is(reader.read(view, key), KEY_OK);
  const first = key.legacyHash;
  const firstTo = key.toTagHash;
  assert.is(reader.read(view, key), KEY_OK);
  assert.is(key.legacyHash, first);
  // The same buffer, other bytes, parsed again: the memo must not survive the parse.
  a.set(msg('bbbb'));
  parse(a, 0, a.length, view, lenient);
  assert.is(reader.read(view, key), KEY_OK);
  assert.not.equal(key.legacyHash, first);
  assert.not.equal(key.toTagHash, firstTo);
  assert.is(key.legacyHash, plainKey(view).key.legacyHash);
});

test.run();
