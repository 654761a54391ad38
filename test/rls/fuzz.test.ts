// Fuzzing the resource-list path: mutated RLMI documents into the RLMI reader, and mutated whole
// NOTIFY bodies (multipart/related with RLMI + PIDF, nested) into the body reader and the list
// state. Properties: never throws, the model stays inside its bounds, spans inside the input or
// pool, the list table never exceeds its size, every run ends in bounded time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { RlmiReader, RlmiError, RlsBodyReader, ResourceList, RlsApply, type RlmiDocument } from '../../core/presence/rls/index.js';
import type { Span } from '../../core/presence/documents/text-pool.js';
import { prng, mutate } from '../xml/mutate.js';
import { corpusNotify, enc, pidf, related, rlmi } from './helpers.js';

const fixStep3 = (t: string) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"');
const fixStep13 = (t: string) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml');

const inPool = (span: Span, used: number): boolean => span.start >= 0 && span.start <= span.end && span.end <= used;

function checkDocument(doc: RlmiDocument): void {
  const used = doc.pool.used;
  assert.ok(doc.resourceCount <= doc.limits.maxResources && doc.instanceCount <= doc.limits.maxInstances);
  assert.ok(inPool(doc.uri, used) && inPool(doc.name, used));
  for (let i = 0; i < doc.resourceCount; i++) {
    const r = doc.resources[i]!;
    assert.ok(inPool(r.uri, used) && inPool(r.name, used));
    assert.ok(r.firstInstance + r.instanceCount <= doc.instanceCount);
  }
  for (let i = 0; i < doc.instanceCount; i++) {
    const inst = doc.instances[i]!;
    assert.ok(inPool(inst.id, used) && inPool(inst.cid, used) && inPool(inst.reason, used));
    assert.ok(inst.resource >= 0 && inst.resource < doc.resourceCount);
  }
}

const seedDocs = [
  rlmi('sip:l@x', 3, false, [{ uri: 'sip:a@x', name: 'A', instances: [{ id: '1', state: 'active', cid: 'c1@x' }, { id: '2', state: 'terminated', reason: 'rejected' }] }, { uri: 'sip:b@x', instances: [{ id: '9', state: 'pending' }] }]),
  (() => { const t = corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', fixStep3).text; const s = t.indexOf('<?xml'); return t.slice(s, t.indexOf('\r\n--', s)); })(),
].map(enc);

test('RLMI reader: 20k mutated documents, no throw, bounded model', () => {
  const reader = new RlmiReader({ maxResources: 6, maxInstances: 8, textBytes: 1024, maxBytes: 4096 });
  const rnd = prng(4662);
  const work = new Uint8Array(4096);
  let ok = 0;
  for (let i = 0; i < 20_000; i++) {
    const n = mutate(seedDocs[i % seedDocs.length]!, work, rnd);
    let code: number;
    try { code = reader.read(work, 0, n); } catch (err) { assert.unreachable(`iteration ${i} threw ${String(err)}`); return; }
    assert.ok(code >= RlmiError.None && code <= RlmiError.TextOverflow);
    if (code === RlmiError.None) { ok++; checkDocument(reader.document); }
    else assert.ok(reader.errorPosition >= -1 && reader.errorPosition <= n + 1, `position ${reader.errorPosition} of ${n}`);
  }
  assert.ok(ok > 500, `some mutations still parse (${ok})`);
});

test('RLMI reader: arbitrary RLMI-shaped token soup (fast-check), no throw', () => {
  const reader = new RlmiReader({ maxResources: 4, maxInstances: 4, textBytes: 256, maxBytes: 2048 });
  const token = fc.constantFrom('<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true">', '</list>', '<resource uri="sip:a@x">', '</resource>',
    '<instance id="1" state="active" cid="c@x"/>', '<instance id="2" state="bogus"/>', '<name xml:lang="en">n</name>', '&amp;', '&bad;', '<![CDATA[x]]>', ' ', '"', '<', '>', 'x');
  fc.assert(fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
    const bytes = enc(parts.join(''));
    const code = reader.read(bytes);
    if (code === RlmiError.None) checkDocument(reader.document);
    return code >= 0 && code <= RlmiError.TextOverflow;
  }), { numRuns: 3000, seed: 4662 });
});

test('whole NOTIFY bodies: 8k mutations through body reader + list state, bounded, no throw', () => {
  const step3 = corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', fixStep3);
  const step13 = corpusNotify('rfc4662/13-NOTIFY-multipart-related-nested.sip', fixStep13);
  const synthetic = related(rlmi('sip:l@x', 2, false, [{ uri: 'sip:a@x', instances: [{ id: '1', state: 'active', cid: 'p@x' }] }]), [{ cid: 'p@x', type: 'application/pidf+xml', body: pidf('sip:a@x', 'open') }]);
  const step11 = corpusNotify('rfc4662/11-NOTIFY-multipart-signed.sip');
  const seeds = [step3, step13, synthetic, step11];
  const reader = new RlsBodyReader({ rlmi: { maxResources: 8, maxInstances: 8, textBytes: 1024, maxBytes: 8192 }, maxParts: 8, maxDepth: 2 });
  const list = new ResourceList({ maxResources: 6, maxInstancesPerResource: 2, uriBytes: 48, nameBytes: 24, noteBytes: 24, idBytes: 16 });
  const rnd = prng(2387);
  const work = new Uint8Array(8192);
  const typeWork = new Uint8Array(512);
  const started = Date.now();
  const outcomes = new Set<number>();
  for (let i = 0; i < 8_000; i++) {
    const seed = seeds[i % seeds.length]!;
    // Every 8th run mutates the Content-Type (boundary, start, type) instead of the body.
    const typeRun = i % 8 === 7;
    const n = typeRun ? seed.body.length : mutate(seed.body, work, rnd);
    if (typeRun) work.set(seed.body);
    const typeLen = typeRun ? mutate(seed.contentType, typeWork, rnd) : seed.contentType.length;
    const type = typeRun ? typeWork : seed.contentType;
    if (i % 50 === 0) list.newSubscription();
    let result: number;
    try {
      result = list.applyNotify(reader, type, 0, typeLen, work, 0, n, 1_000);
    } catch (err) { assert.unreachable(`iteration ${i} threw ${String(err)}`); return; }
    outcomes.add(result);
    assert.ok(list.count <= 6);
    assert.ok(reader.partCount <= 8);
    for (let p = 0; p < reader.partCount; p++) assert.ok(reader.partBodyOff[p]! >= 0 && reader.partBodyOff[p]! <= reader.partBodyEnd[p]! && reader.partBodyEnd[p]! <= n);
    for (const r of list.resources) if (r.inUse) assert.ok(r.parent < 6 && r.uri.length <= 48);
  }
  assert.ok(outcomes.has(RlsApply.BadBody) && (outcomes.has(RlsApply.Applied) || outcomes.has(RlsApply.NeedResubscribe)), `outcomes ${[...outcomes]}`);
  assert.ok(Date.now() - started < 20_000, 'bounded time');
});

test.run();
