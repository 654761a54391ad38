// Mutation fuzzing of the document readers built on the XML reader (PIDF, dialog-info):
// never throw, keep the model inside its bounds, spans inside the text pool.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PidfReader, type Span } from '../../core/presence/documents/index.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { BusyLampTarget } from '../../core/packages/dialog-info-blf.js';
import { prng, mutate } from '../xml/mutate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const seedsOf = (...dirs: string[]): Uint8Array[] => dirs.flatMap((d) =>
  readdirSync(join(corpus, d)).filter((f) => f.endsWith('.xml')).map((f) => new Uint8Array(readFileSync(join(corpus, d, f)))));

const inPool = (span: Span, used: number): boolean => span.start >= 0 && span.start <= span.end && span.end <= used;

test('PIDF reader: 10k mutated RFC documents, no throw, bounded model', () => {
  const seeds = seedsOf('rfc3863', 'rfc4480', 'rfc4482', 'rfc4479');
  const reader = new PidfReader({ maxTuples: 4, maxNotes: 4, textBytes: 1024, maxBytes: 8192 });
  const rnd = prng(42);
  const work = new Uint8Array(8192);
  let ok = 0;
  for (let i = 0; i < 10_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    let code: number;
    try { code = reader.read(work, 0, n); } catch (err) { assert.unreachable(`iteration ${i} threw ${String(err)}`); return; }
    const doc = reader.document;
    if (code === 0) ok++;
    if (doc.tupleCount > 4 || doc.noteCount > 4 || doc.pool.used > 1024) assert.unreachable(`iteration ${i}: model out of bounds`);
    for (let t = 0; t < doc.tupleCount; t++) {
      const tuple = doc.tuples[t]!;
      if (!inPool(tuple.id, doc.pool.used) || !inPool(tuple.contact, doc.pool.used)) assert.unreachable(`iteration ${i}: tuple span out of pool`);
    }
    for (let k = 0; k < doc.noteCount; k++) if (!inPool(doc.notes[k]!.text, doc.pool.used)) assert.unreachable(`iteration ${i}: note span out of pool`);
  }
  assert.ok(ok > 1000, `accepted ${ok}`);
});

test('dialog-info reader + BLF merge: 10k mutated RFC documents, no throw', () => {
  const seeds = seedsOf('rfc4235');
  const reader = new DialogInfoReader({ maxDialogs: 3, textBytes: 1024, maxBytes: 8192 });
  const key = new BusyLampTarget();
  const rnd = prng(7);
  const work = new Uint8Array(8192);
  let ok = 0;
  for (let i = 0; i < 10_000; i++) {
    const n = mutate(seeds[i % seeds.length]!, work, rnd);
    try {
      if (reader.read(work, 0, n) === 0) { ok++; key.apply(reader.document); }
    } catch (err) { assert.unreachable(`iteration ${i} threw ${String(err)}`); return; }
    if (reader.document.dialogCount > 3) assert.unreachable('too many dialogs');
    if (i % 100 === 0) key.newSubscription();
  }
  assert.ok(ok > 1000, `accepted ${ok}`);
});

test.run();
