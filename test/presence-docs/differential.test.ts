// Differential test of the PIDF reader against the reader it replaced
// (test/presence-docs/reference-pidf-reader.ts, on the reference XML reader): for the RFC presence
// corpus, documents with re-bound prefixes, and ~12k mutations, both must give the same result
// code, error position and document (every field of tuples, person and notes, span texts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PidfReader, type PidfDocument, type PresenceHolder } from '../../core/presence/documents/index.js';
import { Span } from '../../core/presence/documents/text-pool.js';
import { PidfReader as ReferencePidfReader } from './reference-pidf-reader.js';
import { prng, mutate } from '../xml/mutate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const seeds: Uint8Array[] = ['rfc3863', 'rfc4480', 'rfc4482', 'rfc4479'].flatMap((d) =>
  readdirSync(join(corpus, d)).filter((f) => f.endsWith('.xml')).map((f) => new Uint8Array(readFileSync(join(corpus, d, f)))));
seeds.push(...[
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:a@b">
   <tuple id="t1"><status><basic>open</basic><p:activities xmlns:p="urn:other"><p:busy/></p:activities></status>
   <p:activities><p:away/></p:activities><contact priority="0.7">sip:a@b</contact></tuple>
   <dm:person xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" id="p">
   <r:mood><r:happy/></r:mood><r:place-type><r:home/></r:place-type><dm:note xml:lang="de">Hallo</dm:note>
   <x xmlns=""><note>not pidf</note></x><note xmlns="urn:ietf:params:xml:ns:pidf:data-model">dm note</note></dm:person>
   <note xml:lang="en">top &amp; note</note><q:tuple xmlns:q="urn:ietf:params:xml:ns:pidf" id="t2"><q:status><q:basic>closed</q:basic></q:status></q:tuple>
   <ext xmlns="urn:x" xmlns:pidf="urn:ietf:params:xml:ns:pidf" pidf:mustUnderstand="true"/></presence>`,
  '<impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf" entity="pres:x@y"><impp:tuple id="a"><impp:status><impp:basic>open</impp:basic></impp:status></impp:tuple></impp:presence>',
  '<presence xmlns="urn:other"/>',
].map(enc));

function holderText(doc: PidfDocument, h: PresenceHolder): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(h)) parts.push(`${key}=${value instanceof Span ? JSON.stringify(doc.text(value)) : String(value)}`);
  return parts.join(' ');
}

function describe(doc: PidfDocument): string {
  const lines = [`entity=${JSON.stringify(doc.text(doc.entity))} tuples=${doc.tupleCount} person=${doc.hasPerson} notes=${doc.noteCount} dropped=${doc.dropped} mu=${doc.mustUnderstandSkipped} overflow=${doc.pool.overflowed}`];
  for (let t = 0; t < doc.tupleCount; t++) lines.push(`tuple ${holderText(doc, doc.tuples[t]!)}`);
  if (doc.hasPerson) lines.push(`person ${holderText(doc, doc.person)}`);
  for (let n = 0; n < doc.noteCount; n++) {
    const note = doc.notes[n]!;
    lines.push(`note owner=${note.owner} lang=${JSON.stringify(doc.text(note.lang))} text=${JSON.stringify(doc.text(note.text))}`);
  }
  return lines.join('\n');
}

const limits = { maxTuples: 4, maxNotes: 4, textBytes: 1024, maxBytes: 8192 };

function check(a: PidfReader, b: ReferencePidfReader, buf: Uint8Array, start: number, end: number, label: string): number {
  const ca = a.read(buf, start, end);
  const cb = b.read(buf, start, end);
  assert.is(ca, cb, `${label}: result`);
  assert.is(a.xmlError, b.xmlError, `${label}: xmlError`);
  assert.is(a.errorPosition, b.errorPosition, `${label}: errorPosition`);
  if (ca === 0) assert.is(describe(a.document), describe(b.document), `${label}: document`);
  return ca;
}

test('corpus and hand-made documents: same documents as the reference reader', () => {
  const a = new PidfReader(limits);
  const b = new ReferencePidfReader(limits);
  let ok = 0;
  for (const [i, seed] of seeds.entries()) if (check(a, b, seed, 0, seed.length, `seed ${i}`) === 0) ok++;
  assert.ok(ok >= seeds.length - 2, `${ok} of ${seeds.length} read`);
  // The hand-made document exercises re-bound prefixes, an undeclared default namespace and codes.
  const doc = a.document;
  a.read(seeds[seeds.length - 3]!);
  assert.is(doc.tupleCount, 2);
  assert.is(doc.text(doc.tuples[1]!.id), 't2');
  assert.is(doc.noteCount, 3);
  assert.is(doc.mustUnderstandSkipped, 1);
});

test('12k mutated presence documents: same result, error position and document', () => {
  const a = new PidfReader(limits);
  const b = new ReferencePidfReader(limits);
  const rnd = prng(0x9d1f);
  const work = new Uint8Array(8192);
  let ok = 0;
  for (let i = 0; i < 12_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    const buf = new Uint8Array(n + 8);
    buf.set(work.subarray(0, n), 4);
    if (check(a, b, buf, 4, 4 + n, `iteration ${i}`) === 0) ok++;
  }
  assert.ok(ok > 1000, `accepted ${ok}`);
});

test.run();
