// PidfReader.composeOnly (what PresenceStates uses): it leaves out copying and parsing the text
// composeEffectivePresence never reads. Checked against a full reader over the presence corpus,
// hand-made documents and ~6k mutations: the same result codes, errors and positions, the same
// fields composition reads, and the same composed state; the left-out fields stay empty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PidfReader, EffectivePresence, composeEffectivePresence, type PidfDocument, type PresenceHolder } from '../../core/presence/documents/index.js';
import { prng, mutate } from '../xml/mutate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const seeds: Uint8Array[] = ['rfc3863', 'rfc4480', 'rfc4482', 'rfc4479'].flatMap((d) =>
  readdirSync(join(corpus, d)).filter((f) => f.endsWith('.xml')).map((f) => new Uint8Array(readFileSync(join(corpus, d, f)))));
seeds.push(...[
  `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
   xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" xmlns:im="urn:ietf:params:xml:ns:pidf:im" entity="sip:a@b">
   <tuple id="t1"><status><basic>open</basic><im:im>away</im:im></status><contact priority="0.8">sip:a@b</contact>
   <timestamp>2026-11-26T01:11:01Z</timestamp><note xml:lang="en">desk</note><c:display-name>A</c:display-name></tuple>
   <tuple id="t2"><status><basic> closed </basic></status><contact priority="1">tel:+1</contact><r:activities><r:busy/></r:activities></tuple>
   <dm:person id="p"><r:activities from="2026-11-26T00:00:00Z" until="2026-11-26T02:00:00Z"><r:meeting/><r:other>x</r:other></r:activities>
   <r:mood><r:other>meh</r:other></r:mood><r:place-type><r:office/></r:place-type><c:card>http://x/c</c:card><c:icon>http://x/i</c:icon>
   <c:homepage>http://x</c:homepage><dm:note xml:lang="de">Hallo &amp; gr&#xFC;&#223;e</dm:note><dm:timestamp>2026-11-26T01:00:00Z</dm:timestamp></dm:person>
   <note><![CDATA[doc]]> note</note></presence>`,
  '<impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf" entity="pres:x@y"><impp:tuple id="a"><impp:status><impp:basic>open</impp:basic></impp:status></impp:tuple></impp:presence>',
].map(enc));

const limits = { maxTuples: 4, maxNotes: 4, textBytes: 4096, maxBytes: 8192 };

function composedFields(doc: PidfDocument): string {
  const holder = (h: PresenceHolder) => `basic=${h.basic} priority=${h.priority} activities=${h.activities} from=${h.activitiesFromMs} until=${h.activitiesUntilMs} mood=${h.mood} im=${JSON.stringify(doc.text(h.imStatus))}`;
  const lines = [`tuples=${doc.tupleCount} person=${doc.hasPerson} notes=${doc.noteCount} dropped=${doc.dropped} mu=${doc.mustUnderstandSkipped}`];
  for (let t = 0; t < doc.tupleCount; t++) lines.push(`tuple ${holder(doc.tuples[t]!)}`);
  if (doc.hasPerson) lines.push(`person ${holder(doc.person)}`);
  for (let n = 0; n < doc.noteCount; n++) {
    const note = doc.notes[n]!;
    lines.push(`note owner=${note.owner} lang=${JSON.stringify(doc.text(note.lang))} text=${JSON.stringify(doc.text(note.text))}`);
  }
  return lines.join('\n');
}

const times = [NaN, Date.UTC(2026, 10, 26, 1), Date.UTC(2026, 10, 26, 3)];
const langs = [null, enc('en'), enc('de-AT')];
function composed(doc: PidfDocument): string {
  const out: string[] = [];
  const eff = new EffectivePresence();
  for (const now of times) for (const lang of langs) {
    composeEffectivePresence(doc, now, lang, eff);
    const note = eff.note >= 0 ? doc.text(doc.notes[eff.note]!.text) : '';
    out.push(`${eff.state} ${eff.activities} ${eff.untilMs} ${eff.bestTuple} ${JSON.stringify(note)}`);
  }
  return out.join('\n');
}

function leftOutEmpty(doc: PidfDocument): boolean {
  const empty = (h: PresenceHolder) => h.id.isEmpty && h.contact.isEmpty && h.timestamp.isEmpty && h.timestampMs !== h.timestampMs
    && h.placeType.isEmpty && h.displayName.isEmpty && h.card.isEmpty && h.icon.isEmpty && h.homepage.isEmpty;
  for (let t = 0; t < doc.tupleCount; t++) if (!empty(doc.tuples[t]!)) return false;
  return doc.entity.isEmpty && empty(doc.person);
}

function check(full: PidfReader, lean: PidfReader, buf: Uint8Array, start: number, end: number, label: string): number {
  const a = full.read(buf, start, end);
  const b = lean.read(buf, start, end);
  assert.is(b, a, `${label}: result`);
  assert.is(lean.xmlError, full.xmlError, `${label}: xmlError`);
  assert.is(lean.errorPosition, full.errorPosition, `${label}: errorPosition`);
  // A full pool in the full reader may drop text the lean one keeps: compare only without overflow.
  if (a === 0 && !full.document.pool.overflowed) {
    assert.is(composedFields(lean.document), composedFields(full.document), `${label}: fields`);
    assert.is(composed(lean.document), composed(full.document), `${label}: composed`);
    assert.ok(leftOutEmpty(lean.document), `${label}: left-out fields empty`);
  }
  return a;
}

function readers(): [PidfReader, PidfReader] {
  const lean = new PidfReader(limits);
  lean.composeOnly = true;
  return [new PidfReader(limits), lean];
}

test('corpus and hand-made documents: same checks, fields and composed state as a full read', () => {
  const [full, lean] = readers();
  let ok = 0;
  for (const [i, seed] of seeds.entries()) if (check(full, lean, seed, 0, seed.length, `seed ${i}`) === 0) ok++;
  assert.ok(ok >= seeds.length - 2, `${ok} of ${seeds.length} read`);
  // The hand-made document: the full reader keeps what the lean one leaves out.
  const rich = seeds[seeds.length - 2]!;
  full.read(rich);
  lean.read(rich);
  assert.is(full.document.text(full.document.tuples[0]!.contact), 'sip:a@b');
  assert.is(lean.document.tuples[0]!.contact.isEmpty, true);
  assert.is(lean.document.tuples[1]!.priority, 1000);
  assert.is(lean.document.text(lean.document.notes[lean.document.noteCount - 1]!.text), 'doc note');
  // Switching back gives a full read again.
  lean.composeOnly = false;
  lean.read(rich);
  assert.is(lean.document.text(lean.document.tuples[0]!.contact), 'sip:a@b');
});

test('6k mutated presence documents: same result, error position, fields and composed state', () => {
  const [full, lean] = readers();
  const rnd = prng(0x51c3);
  const work = new Uint8Array(8192);
  let ok = 0;
  for (let i = 0; i < 6_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    const buf = new Uint8Array(n + 8);
    buf.set(work.subarray(0, n), 4);
    if (check(full, lean, buf, 4, 4 + n, `iteration ${i}`) === 0) ok++;
  }
  assert.ok(ok > 500, `accepted ${ok}`);
});

test.run();
