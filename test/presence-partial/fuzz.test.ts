// Fuzzing the partial-PIDF path with deterministic seeds (bounded: a few thousand cases, well under
// a second): mutated diffs, mutated full states and random selectors never throw, every answer is
// a known code, results stay within the preallocated buffers, and a rejected diff changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PartialPidf, PartialError, PartialKind } from '../../core/presence/partial/partial-pidf.js';
import { PatchSelector, SelectorError } from '../../core/presence/partial/patch-selector.js';
import { PresenceStates, PresenceApply } from '../../core/presence/index.js';
import { corpusText, dec, enc } from './helpers.js';
import { partialPidfModule } from '../../core/presence/partial/partial-pidf.js';
import { Prng } from '../support/virtual-link.js';

/** The seeded mulberry32 of the two-party harness, as a function. */
function rng(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

const XML_BYTES = enc(`<>/="' :[]@*()&;#x0123456789abcdefnpstu\n\t`);

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const out: number[] = Array.from(src);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (out.length + 1));
    const kind = Math.floor(r() * 5);
    if (kind === 0 && out.length > 0) out[Math.min(at, out.length - 1)] = XML_BYTES[Math.floor(r() * XML_BYTES.length)]!;
    else if (kind === 1) out.splice(at, 0, XML_BYTES[Math.floor(r() * XML_BYTES.length)]!);
    else if (kind === 2) out.splice(at, 1 + Math.floor(r() * 8));
    else if (kind === 3) { const from = Math.floor(r() * out.length); out.splice(at, 0, ...out.slice(from, from + 1 + Math.floor(r() * 16))); }
    else out.length = Math.min(out.length, at);
  }
  return Uint8Array.from(out);
}

const NS = 'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';
const FULL = corpusText('rfc5262/full-state.xml');
const DIFFS = [
  corpusText('rfc5262/partial-update.xml'),
  `<p:pidf-diff ${NS} entity="e" version="568"><p:add sel="*/tuple[@id='sg89ae']" type="@x">1</p:add><p:remove sel="*/tuple[2]" ws="before"/></p:pidf-diff>`,
  `<p:pidf-diff ${NS} entity="e" version="568"><p:replace sel="presence/note/text()">n</p:replace><p:add sel="presence" pos="prepend"><dm:person id="q"><rpid:activities><rpid:away/></rpid:activities></dm:person></p:add></p:pidf-diff>`,
  `<p:pidf-diff ${NS} entity="e" version="568"><p:replace sel="*/tuple[@id='cg231jcr']"><tuple id="cg231jcr"><status><basic>closed</basic></status></tuple></p:replace><p:remove sel="*/namespace::c"/></p:pidf-diff>`,
];
const APPLY_CODES = new Set<number>(Object.values(PresenceApply));
const PARTIAL_CODES = new Set<number>(Object.values(PartialError));

test('mutated diffs against the RFC 5262 full state: no throw, known codes, bounded output, failures leave the document', () => {
  const p = new PartialPidf(4096);
  const full = enc(FULL);
  assert.is(p.open(full, 0, full.length), 0);
  assert.is(p.toPresence(), 0);
  const doc = p.resultBuffer.slice(0, p.resultLength);
  const docCopy = doc.slice();
  const r = rng(0x5262);
  let applied = 0;
  for (let i = 0; i < 2500; i++) {
    const body = mutate(enc(DIFFS[i % DIFFS.length]!), r);
    const e = p.open(body, 0, body.length);
    assert.ok(PARTIAL_CODES.has(e));
    if (e !== 0 || p.kind !== PartialKind.Diff) continue;
    const code = p.patch(doc, 0, doc.length);
    assert.ok(PARTIAL_CODES.has(code), `code ${code}`);
    assert.ok(p.resultLength >= 0 && p.resultLength <= p.maxDocumentBytes);
    if (code === 0) applied++;
    assert.equal(doc, docCopy, 'the document patched is never written');
  }
  assert.ok(applied > 100, `some mutants still apply (${applied})`);
});

test('mutated full states and diffs through PresenceStates: no throw, known codes; a rejected body changes nothing shown', () => {
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: 3000, partialPidf: partialPidfModule });
  const type = enc('application/pidf-diff+xml');
  const r = rng(0x5263);
  const full = enc(FULL);
  let good = 0;
  for (let i = 0; i < 1500; i++) {
    const base = i % 3 === 0 ? full : enc(DIFFS[i % DIFFS.length]!);
    const body = r() < 0.15 ? base : mutate(base, r);
    const before = states.get(1);
    const shown = before === undefined ? null : { d: before.display, a: before.activities, n: before.noteText(), v: before.version };
    const code = states.apply(1, type, 0, type.length, body, 0, body.length, 1000 + i, i % 2);
    assert.ok(APPLY_CODES.has(code), `code ${code}`);
    if (code === PresenceApply.Changed || code === PresenceApply.Unchanged) good++;
    else if (shown !== null) {
      const s = states.get(1)!;
      assert.equal({ d: s.display, a: s.activities, n: s.noteText(), v: s.version }, shown, `code ${code} changed nothing`);
    }
    // Now and then the notifier refreshes: full state again at a new version.
    if (i % 50 === 49) states.apply(1, type, 0, type.length, full, 0, full.length, 1000 + i, i % 2);
  }
  assert.ok(good > 100, `some bodies apply (${good})`);
});

test('random selectors: the compiler answers a code for any bytes, spans inside the input', () => {
  const s = new PatchSelector();
  const r = rng(0x5261);
  const alphabet = enc(`/*[]@='"():abcnstpx0123 .`);
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const n = Math.floor(r() * 40);
    const b = new Uint8Array(n);
    for (let k = 0; k < n; k++) b[k] = alphabet[Math.floor(r() * alphabet.length)]!;
    const code = s.parse(b, 0, n);
    assert.ok(code >= SelectorError.None && code <= SelectorError.TooComplex);
    if (code !== 0) continue;
    accepted++;
    for (let k = 0; k < s.stepCount; k++) assert.ok(s.stepLocalStart[k]! >= 0 && s.stepLocalEnd[k]! <= n, dec(b));
  }
  assert.ok(accepted > 0);
});

test.run();
