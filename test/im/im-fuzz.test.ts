// Mutation fuzzing of the IM readers: isComposing and IMDN documents, the IMDN request in CPIM
// headers, Disposition-Notification values, Content-Type classification and text bodies.
// Properties: never throws, only documented codes, fields within their bounds, bounded time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { prng, mutate } from '../xml/mutate.js';
import { IsComposingReader, writeIsComposing, ISC_OK, E_ISC_XML, E_ISC_WRONG_ROOT, E_ISC_NO_STATE, E_ISC_BAD_STATE } from '../../core/im/iscomposing.js';
import {
  ImdnReader, ImdnRequest, readImdnRequest, parseDispositions, writeImdnNotificationMessage, writeImdnRequestMessage,
  IMDN_OK, IMDN_NOT_REQUESTED, E_IMDN_XML, E_IMDN_WRONG_ROOT, E_IMDN_NO_MESSAGE_ID, E_IMDN_NO_NOTIFICATION, E_IMDN_BAD_STATUS,
  E_IMDN_NO_DATETIME, DISPOSITION_DISPLAY, DISPOSITION_POSITIVE_DELIVERY,
} from '../../core/im/imdn.js';
import { CpimView, parseCpim, CPIM_OK } from '../../core/im/cpim.js';
import { classifyBody } from '../../core/im/body-kind.js';
import { decodeTextBody } from '../../core/im/text-body.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const load = (f: string) => new Uint8Array(readFileSync(join(corpus, f)));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const TIME_BUDGET_MS = 15_000;

function seedsOf(...extra: Uint8Array[]): Uint8Array[] {
  return extra.filter((b) => b.length > 0);
}

/** A CPIM file's content span (after the lenient CPIM read), for use as an XML seed. */
function cpimContent(file: string): Uint8Array {
  const b = load(file);
  const view = new CpimView();
  const start = file.includes('8.1') ? Buffer.from(b).indexOf('\r\n\r\n') + 4 : 0;
  assert.is(parseCpim(b, start, b.length, view, { allowMissingSeparator: true }), CPIM_OK, file);
  return b.slice(view.bodyOff, view.bodyOff + view.bodyLen);
}

function written(fn: (out: Uint8Array) => { ok: boolean; val: unknown }): Uint8Array {
  const out = new Uint8Array(4096);
  const r = fn(out);
  assert.ok(r.ok);
  return out.slice(0, r.val as number);
}

test('isComposing reader: 40k mutations of the RFC 3994 examples and our own output', () => {
  const seeds = seedsOf(
    load('rfc3994/5-iscomposing-active.xml'), load('rfc3994/5-iscomposing-idle.xml'),
    written((o) => writeIsComposing(o, 0, { state: 'active', contentType: 'text/plain', refresh: 120 })),
    written((o) => writeIsComposing(o, 0, { state: 'idle', lastActive: 1_700_000_000_000 })),
    enc('<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><refresh>60</refresh></isComposing>'),
  );
  const codes = new Set([ISC_OK, E_ISC_XML, E_ISC_WRONG_ROOT, E_ISC_NO_STATE, E_ISC_BAD_STATE]);
  const r = new IsComposingReader();
  const rnd = prng(3994);
  const work = new Uint8Array(4096);
  const started = Date.now();
  const seen = new Map<number, number>();
  for (let i = 0; i < 40_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    const code = r.read(work, 0, n);
    assert.ok(codes.has(code), `code ${code}`);
    seen.set(code, (seen.get(code) ?? 0) + 1);
    if (code === ISC_OK) {
      assert.ok(r.state === 'active' || r.state === 'idle');
      assert.ok(r.refresh === -1 || r.refresh > 0);
      assert.ok(r.contentType.length <= r.limits.maxContentTypeBytes);
    } else {
      assert.ok(r.errorPosition >= 0 && r.errorPosition <= n, `position ${r.errorPosition}`);
    }
  }
  assert.ok(Date.now() - started < TIME_BUDGET_MS);
  // The mutations reach both acceptance and every failure kind, so the run tested something.
  for (const code of codes) assert.ok((seen.get(code) ?? 0) > 0, `never saw ${code}`);
});

test('IMDN reader: 40k mutations of the RFC 5438 documents and our own output', () => {
  const seeds = seedsOf(
    cpimContent('rfc5438/7.2.1.1-cpim-imdn-delivery.cpim'), cpimContent('rfc5438/7.2.1.2-cpim-imdn-display.cpim'),
    cpimContent('rfc5438/8.1-cpim-imdn-processing.cpim'),
  );
  const codes = new Set([IMDN_OK, E_IMDN_XML, E_IMDN_WRONG_ROOT, E_IMDN_NO_MESSAGE_ID, E_IMDN_NO_NOTIFICATION, E_IMDN_BAD_STATUS, E_IMDN_NO_DATETIME]);
  const r = new ImdnReader();
  const rnd = prng(5438);
  const work = new Uint8Array(4096);
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < 40_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    const code = r.read(work, 0, n);
    assert.ok(codes.has(code), `code ${code}`);
    if (code === IMDN_OK) {
      accepted++;
      assert.ok(r.messageId.length > 0 && r.messageId.length <= r.limits.maxFieldBytes);
      assert.ok(r.dateTimeText.length > 0);
    } else if (code !== E_IMDN_XML) {
      assert.ok(r.errorPosition >= -1 && r.errorPosition <= n);
    }
  }
  assert.ok(accepted > 1000, `accepted ${accepted}`);
  assert.ok(Date.now() - started < TIME_BUDGET_MS);
});

test('IMDN request in CPIM headers: 30k mutations of IMs asking for notifications', () => {
  const seeds = seedsOf(
    load('rfc5438/7.1.1-cpim-im.cpim'),
    written((o) => writeImdnRequestMessage(o, 0, { from: 'A <im:a@x>', to: 'B <im:b@x>', messageId: 'abc', dateTime: '2026-01-01T00:00:00Z', dispositions: DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY, contentType: 'text/plain', content: enc('hi') })),
    written((o) => writeImdnNotificationMessage(o, 0, { from: 'B <im:b@x>', to: 'A <im:a@x>', messageId: 'n', dateTime: '2026-01-01T00:00:00Z', document: { messageId: 'abc', dateTime: '2026-01-01T00:00:00Z', kind: 'delivery', status: 'delivered' } })),
  );
  const view = new CpimView(16);
  const req = new ImdnRequest();
  const rnd = prng(3862);
  const work = new Uint8Array(4096);
  const started = Date.now();
  const seen = new Set<number>();
  for (let i = 0; i < 30_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    if (parseCpim(work, 0, n, view, { allowMissingSeparator: (i & 1) === 0 }) !== CPIM_OK) continue;
    const code = readImdnRequest(view, req);
    seen.add(code);
    assert.ok([IMDN_OK, IMDN_NOT_REQUESTED, E_IMDN_NO_MESSAGE_ID, E_IMDN_NO_DATETIME].includes(code), `code ${code}`);
    assert.ok(req.dispositions >= 0 && req.dispositions < 16);
    if (code === IMDN_OK) assert.ok(req.messageId !== '' && req.dateTimeText !== '' && req.dispositions !== 0);
  }
  assert.ok(seen.has(IMDN_OK) && seen.has(IMDN_NOT_REQUESTED));
  assert.ok(Date.now() - started < TIME_BUDGET_MS);
});

test('random bytes: Disposition-Notification, Content-Type classification and text bodies never throw', () => {
  const rnd = prng(1234);
  const buf = new Uint8Array(256);
  const alphabet = 'text/plain;charset="\\ =,-+application/im-iscomposing+xml message/cpim imdn ISO-8859-1 utf-8\t\r\n\u00e9\u0000';
  const started = Date.now();
  for (let i = 0; i < 20_000; i++) {
    const n = Math.floor(rnd() * buf.length);
    for (let k = 0; k < n; k++) buf[k] = Math.floor(rnd() * 256);
    const flags = parseDispositions(buf, 0, n);
    assert.ok(flags >= 0 && flags < 16);
    let ct = '';
    const len = Math.floor(rnd() * 40);
    for (let k = 0; k < len; k++) ct += alphabet[Math.floor(rnd() * alphabet.length)];
    const kind = classifyBody(ct);
    assert.ok(['text', 'iscomposing', 'imdn', 'cpim', 'unsupported'].includes(kind));
    const body = decodeTextBody(buf, 0, n, ct);
    if (body.ok) assert.is(kind, 'text', `decoded as text although classified ${kind}: ${JSON.stringify(ct)}`);
    else assert.ok([413, 415].includes(body.val.status));
  }
  assert.ok(Date.now() - started < TIME_BUDGET_MS);
});

test.run();
