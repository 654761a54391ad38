import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CpimView, parseCpim, writeCpim, CPIM_OK, E_CPIM_BAD_HEADER, E_CPIM_UNTERMINATED } from '../../core/im/cpim.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const load = (f: string) => new Uint8Array(readFileSync(join(corpus, f)));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

test('RFC 3862 §5.1: message headers, lang-tagged Subject, namespaces, and the text/xml content', () => {
  const bytes = load('rfc3862/5.1-message-cpim.reconstructed.cpim');
  // The file starts with the outer MIME header (Content-type: Message/CPIM) and an empty line.
  const start = bytes.indexOf(10) + 3;
  const view = new CpimView();
  assert.is(parseCpim(bytes, start, bytes.length, view), CPIM_OK);
  assert.is(view.value(view.find('From')), 'MR SANDERS <im:piglet@100akerwood.com>');
  assert.is(view.value(view.find('DateTime')), '2000-12-13T13:40:00-08:00');
  const french = view.find('Subject', view.find('Subject') + 1);
  assert.is(view.text(view.paramsOff[french]!, view.paramsLen[french]!), ';lang=fr');
  assert.is(view.value(french), "beau temps prevu pour aujourd'hui");
  const ns = view.findNamespace('mid:MessageFeatures@id.foo.com');
  assert.ok(ns >= 0);
  const prefixLen = view.namespacePrefixLen(ns);
  assert.is(view.text(view.valueOff[ns]!, prefixLen), 'MyFeatures');
  assert.is(view.value(view.findPrefixed(view.valueOff[ns]!, prefixLen, 'VitalMessageOption')), 'Confirmation-requested');
  assert.is(view.text(view.contentTypeOff, view.contentTypeLen), 'text/xml; charset=utf-8');
  assert.is(view.text(view.contentIdOff, view.contentIdLen), '<1234567890@foo.com>');
  assert.ok(view.text(view.bodyOff, view.bodyLen).startsWith('<body>'));
});

test('RFC 5438 §7.1.1: IMDN request headers through the imdn namespace (lost separator tolerated by name)', () => {
  const bytes = load('rfc5438/7.1.1-cpim-im.cpim');
  const view = new CpimView();
  // The RFC text as printed has no empty line before Content-type: strict parsing takes the
  // content's headers for message headers and then stumbles on the text itself...
  assert.is(parseCpim(bytes, 0, bytes.length, view), E_CPIM_BAD_HEADER);
  assert.is(view.text(view.errorOffset, 5), 'Hello');
  // ...and the named leniency reads it.
  assert.is(parseCpim(bytes, 0, bytes.length, view, { allowMissingSeparator: true }), CPIM_OK);
  const ns = view.findNamespace('urn:ietf:params:imdn');
  const prefixLen = view.namespacePrefixLen(ns);
  assert.is(view.value(view.findPrefixed(view.valueOff[ns]!, prefixLen, 'Message-ID')), '34jk324j');
  assert.is(view.value(view.findPrefixed(view.valueOff[ns]!, prefixLen, 'Disposition-Notification')), 'positive-delivery, negative-delivery');
  assert.is(view.contentLength, 12, 'declared (the RFC example says 12 for an 11-octet text + CRLF)');
  assert.is(view.text(view.bodyOff, view.bodyLen), 'Hello World\r\n');
});

test('write → read round trip, and refusal of CR/LF in values', () => {
  const out = new Uint8Array(512);
  const n = writeCpim(out, 0, [['From', 'Alice <im:alice@example.com>'], ['To', 'Bob <im:bob@example.com>'], ['NS', 'imdn <urn:ietf:params:imdn>'], ['imdn.Message-ID', 'abc123']], 'text/plain;charset=utf-8', enc('Grüße'));
  assert.ok(n > 0);
  const view = new CpimView();
  assert.is(parseCpim(out, 0, n, view), CPIM_OK);
  assert.is(view.value(view.find('To')), 'Bob <im:bob@example.com>');
  assert.is(Buffer.from(out.subarray(view.bodyOff, view.bodyOff + view.bodyLen)).toString('utf8'), 'Grüße');
  assert.is(writeCpim(out, 0, [['Subject', 'evil\r\nInjected: 1']], 'text/plain', enc('x')), -1);
  assert.is(writeCpim(new Uint8Array(10), 0, [['From', 'a']], 'text/plain', enc('x')), -1);
});

test('fuzz: truncations and mutations never throw; spans stay in range', () => {
  const base = load('rfc3862/5.1-message-cpim.reconstructed.cpim');
  const view = new CpimView(8);
  let seed = 3862;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let i = 0; i < 30_000; i++) {
    const m = base.slice(0, rnd(base.length + 1));
    for (let k = rnd(4); k > 0; k--) if (m.length) m[rnd(m.length)] = [13, 10, 58, 32, 59, 60, 62][rnd(7)]!;
    const r = parseCpim(m, 0, m.length, view);
    if (r === CPIM_OK) {
      assert.ok(view.bodyOff + view.bodyLen <= m.length);
      for (let h = 0; h < view.headerCount; h++) assert.ok(view.valueOff[h]! + view.valueLen[h]! <= m.length);
    } else assert.ok(r < 0 && view.errorOffset <= m.length);
  }
  assert.is(parseCpim(enc('From: a\r\n'), 0, 9, view), E_CPIM_UNTERMINATED);
});

test.run();
