// XmlScratch (core/xml/scratch.ts): document readers used one at a time share the XML stacks and
// the decoded text. Readers sharing one must read exactly as readers owning theirs — the same
// result codes, XML errors and positions, the same documents — whatever the other reader read in
// between, including its own limits (a dialog-info reader sharing a scratch sized for PIDF still
// refuses what it refused alone). Checked over the PIDF and dialog-info corpora, hand-made
// documents and ~4k mutations, read alternately.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlReader, XmlScratch, xmlStackWords } from '../../core/xml/index.js';
import { TextPool } from '../../core/presence/documents/text-pool.js';
import { PidfReader, pidfScratchSize } from '../../core/presence/documents/pidf-reader.js';
import type { PidfDocument, PresenceHolder } from '../../core/presence/documents/pidf-model.js';
import { DialogInfoReader, dialogInfoScratchSize, type DialogInfoDocument, type DialogEntry } from '../../core/packages/dialog-info.js';
import { prng, mutate } from './mutate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const files = (dirs: string[]): Uint8Array[] => dirs.flatMap((d) =>
  readdirSync(join(corpus, d)).filter((f) => f.endsWith('.xml')).map((f) => new Uint8Array(readFileSync(join(corpus, d, f)))));

const nested = (root: string, ns: string, depth: number): string =>
  `<${root} xmlns="${ns}">${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</${root}>`;
const PIDF_NS = 'urn:ietf:params:xml:ns:pidf';
const DIALOG_NS = 'urn:ietf:params:xml:ns:dialog-info';

const pidfSeeds = files(['rfc3863', 'rfc4480', 'rfc4482', 'rfc4479']);
pidfSeeds.push(...[
  nested('presence', PIDF_NS, 22), nested('presence', PIDF_NS, 30),
  `<presence xmlns="${PIDF_NS}" entity="sip:a@b"><tuple id="t"><status><basic>open</basic></status><note>${'n'.repeat(5000)}</note></tuple></presence>`,
].map(enc));
const dialogSeeds = files(['rfc4235']);
dialogSeeds.push(...[
  // Deeper than a dialog-info reader's 16 levels, within the PIDF reader's 24 the scratch is sized for.
  nested('dialog-info', DIALOG_NS, 15), nested('dialog-info', DIALOG_NS, 20),
  `<dialog-info xmlns="${DIALOG_NS}" version="1" state="full" entity="sip:b@c">${
    Array.from({ length: 20 }, (_, i) => `<dialog id="d${i}" a1="1" a2="2" a3="3" a4="4" a5="5" a6="6" a7="7" a8="8" a9="9" a10="10" a11="11" a12="12" a13="13" a14="14" a15="15" a16="16" a17="17"><state>confirmed</state></dialog>`).join('')}</dialog-info>`,
  `<dialog-info xmlns="${DIALOG_NS}" version="2" state="full" entity="sip:b@c"><dialog id="${'i'.repeat(4200)}"><state>early</state></dialog></dialog-info>`,
].map(enc));

function pidfDump(r: PidfReader, code: number): string {
  const doc: PidfDocument = r.document;
  const lines = [`code=${code} xml=${r.xmlError}@${r.errorPosition}`];
  if (code !== 0) return lines.join('\n');
  const t = (s: { start: number; end: number }) => JSON.stringify(doc.pool.text(s.start, s.end));
  const holder = (h: PresenceHolder) => [h.id, h.contact, h.timestamp, h.activityOther, h.moodOther, h.placeType, h.displayName, h.card, h.icon, h.homepage, h.imStatus].map(t).join(' ') +
    ` basic=${h.basic} priority=${h.priority} ts=${h.timestampMs} activities=${h.activities} from=${h.activitiesFromMs} until=${h.activitiesUntilMs} mood=${h.mood} privacy=${h.privacy}`;
  lines.push(`entity=${t(doc.entity)} tuples=${doc.tupleCount} person=${doc.hasPerson} notes=${doc.noteCount} dropped=${doc.dropped} mu=${doc.mustUnderstandSkipped} overflow=${doc.pool.overflowed}`);
  for (let i = 0; i < doc.tupleCount; i++) lines.push(`tuple ${holder(doc.tuples[i]!)}`);
  if (doc.hasPerson) lines.push(`person ${holder(doc.person)}`);
  for (let i = 0; i < doc.noteCount; i++) lines.push(`note ${doc.notes[i]!.owner} ${t(doc.notes[i]!.lang)} ${t(doc.notes[i]!.text)}`);
  return lines.join('\n');
}

function dialogDump(r: DialogInfoReader, code: number): string {
  const doc: DialogInfoDocument = r.document;
  const lines = [`code=${code} xml=${r.xmlError}@${r.errorPosition}`];
  if (code !== 0) return lines.join('\n');
  const t = (s: { start: number; end: number }) => JSON.stringify(doc.text(s as never));
  const entry = (d: DialogEntry) => [d.id, d.callId, d.localTag, d.remoteTag, d.stateEvent, d.local.identity, d.local.display, d.local.target, d.remote.identity, d.remote.display, d.remote.target].map(t).join(' ') +
    ` dir=${d.direction} state=${d.state} code=${d.stateCode} rn=${d.local.renderingNo}/${d.remote.renderingNo}`;
  lines.push(`version=${doc.version} full=${doc.full} entity=${t(doc.entity)} dialogs=${doc.dialogCount} dropped=${doc.dropped} overflow=${doc.pool.overflowed}`);
  for (let i = 0; i < doc.dialogCount; i++) lines.push(`dialog ${entry(doc.dialogs[i]!)}`);
  return lines.join('\n');
}

test('a PIDF and a dialog-info reader sharing one scratch read as readers owning theirs (corpus, limits, ~4k mutations, alternating)', () => {
  const scratch = new XmlScratch(pidfScratchSize(), dialogInfoScratchSize());
  const sharedPidf = new PidfReader(undefined, scratch);
  const sharedDialog = new DialogInfoReader(undefined, scratch);
  const ownPidf = new PidfReader();
  const ownDialog = new DialogInfoReader();
  const rnd = prng(7);
  const work = new Uint8Array(32 * 1024);
  let compared = 0;
  let failures = 0;
  const both = (pidf: Uint8Array, dialog: Uint8Array): void => {
    // Each shared reader reads right after the other has filled the scratch with its own document.
    const p = pidfDump(sharedPidf, sharedPidf.read(pidf));
    assert.fixture(p, pidfDump(ownPidf, ownPidf.read(pidf)));
    const d = dialogDump(sharedDialog, sharedDialog.read(dialog));
    assert.fixture(d, dialogDump(ownDialog, ownDialog.read(dialog)));
    compared += 2;
    if (!p.startsWith('code=0')) failures++;
    if (!d.startsWith('code=0')) failures++;
  };
  const rounds = Math.max(pidfSeeds.length, dialogSeeds.length);
  for (let i = 0; i < rounds; i++) both(pidfSeeds[i % pidfSeeds.length]!, dialogSeeds[i % dialogSeeds.length]!);
  // The hand-made limit cases fail alone and shared alike.
  assert.ok(failures >= 3, `the limit documents were refused (${failures})`);
  for (let i = 0; i < 2000; i++) {
    const p = pidfSeeds[Math.floor(rnd() * pidfSeeds.length)]!;
    const pn = mutate(p, work, rnd);
    const pidf = work.slice(0, pn);
    const d = dialogSeeds[Math.floor(rnd() * dialogSeeds.length)]!;
    const dn = mutate(d, work, rnd);
    both(pidf, work.slice(0, dn));
  }
  assert.ok(compared > 4000, `${compared} documents compared`);
});

test('a dialog-info reader sharing a scratch sized for PIDF keeps its own nesting limit', () => {
  const scratch = new XmlScratch(pidfScratchSize(), dialogInfoScratchSize());
  const shared = new DialogInfoReader(undefined, scratch);
  assert.is(shared.read(enc(nested('dialog-info', DIALOG_NS, 15))), 0, '16 levels are read');
  assert.is.not(shared.read(enc(nested('dialog-info', DIALOG_NS, 16))), 0, '17 levels are refused, as by a reader of its own');
  assert.is.not(new DialogInfoReader().read(enc(nested('dialog-info', DIALOG_NS, 16))), 0);
});

test('a scratch too small for a reader, or for a text pool, is refused at set-up', () => {
  const small = new XmlScratch({ ...dialogInfoScratchSize(), textBytes: 100 });
  assert.throws(() => new XmlReader({ maxDepth: 24, maxAttributes: 24, maxNamespaces: 24 }, small), (e: unknown) => e instanceof RangeError);
  assert.throws(() => new DialogInfoReader(undefined, small), (e: unknown) => e instanceof RangeError, 'the text pool needs 4096 bytes');
  assert.throws(() => new TextPool(101, small.text), (e: unknown) => e instanceof RangeError);
  // Sized from the largest of its readers.
  const s = new XmlScratch(pidfScratchSize(), dialogInfoScratchSize({ maxDialogs: 8, textBytes: 6000, maxBytes: 16384 }));
  assert.is(s.words.length, xmlStackWords(pidfScratchSize()));
  assert.is(s.text.length, 6000);
  assert.is(new TextPool(4096, s.text).bytes.length, 4096, 'a pool keeps its own capacity in a larger scratch');
});

test.run();
