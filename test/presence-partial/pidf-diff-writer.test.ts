// The notifier side's writer (core/presence/partial/pidf-diff-writer.ts): pidf-full from a PIDF,
// pidf-diff from one PIDF to the next; round trips through the subscriber side (PartialPidf) give
// documents that read exactly like the next PIDF; what it cannot express answers -1 (send full).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PidfDiffWriter } from '../../core/presence/partial/pidf-diff-writer.js';
import { PartialPidf, partialErrorName } from '../../core/presence/partial/partial-pidf.js';
import { patchErrorName } from '../../core/presence/partial/xml-patch.js';
import { PidfReader } from '../../core/presence/documents/pidf-reader.js';
import { dec, enc } from './helpers.js';
import { Prng } from '../support/virtual-link.js';

const ROOT = '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">';
const doc = (children: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n${ROOT}${children}</presence>`;
const tuple = (id: string, basic: string, note = ''): string => `<tuple id="${id}"><status><basic>${basic}</basic></status>${note !== '' ? `<note>${note}</note>` : ''}</tuple>`;
const person = (activity: string): string => `<dm:person id="p"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>`;

function write(f: (w: PidfDiffWriter, out: Uint8Array) => number, capacity = 4096): string | null {
  const out = new Uint8Array(capacity);
  const n = f(new PidfDiffWriter(), out);
  return n < 0 ? null : dec(out, 0, n);
}

const full = (d: string, v: number) => write((w, out) => w.writeFull(enc(d), 0, enc(d).length, v, out));
const diff = (a: string, b: string, v: number, capacity = 4096) => write((w, out) => w.writeDiff(enc(a), 0, enc(a).length, enc(b), 0, enc(b).length, v, out), capacity);

/** What the PIDF reader sees of a document. */
function reading(text: string): string {
  const r = new PidfReader();
  const b = enc(text);
  assert.is(r.read(b, 0, b.length), 0, text);
  const d = r.document;
  const t = (s: { start: number; end: number }) => dec(d.pool.bytes, s.start, s.end);
  const parts: string[] = [`entity=${t(d.entity)}`, `person=${d.hasPerson ? d.person.activities : '-'}`];
  const tuples: string[] = [];
  for (let i = 0; i < d.tupleCount; i++) tuples.push(`${t(d.tuples[i]!.id)}:${d.tuples[i]!.basic}`);
  parts.push(tuples.sort().join(','));
  const notes: string[] = [];
  for (let i = 0; i < d.noteCount; i++) notes.push(t(d.notes[i]!.text));
  parts.push(notes.sort().join('|'));
  return parts.join(' ');
}

test('writeFull: the PIDF root becomes <p:pidf-full> with the version; the children are the same bytes', () => {
  const d = doc(tuple('a', 'open'));
  assert.is(full(d, 7), `<p:pidf-full xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" version="7">${tuple('a', 'open')}</p:pidf-full>`);
  const withP = '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:x" entity="e"><tuple id="a"/></presence>';
  assert.ok(full(withP, 1)!.startsWith('<pd:pidf-full '), 'a prefix the document does not use');
  assert.is(full('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="e" version="3"/>', 1), null, 'a root with a version of its own');
  assert.is(full('<presence', 1), null);
  assert.is(write((w, out) => w.writeFull(enc(d), 0, enc(d).length, 7, out), 40), null, 'no room');
});

test('writeDiff: replace by id, remove from the last, add at the end; positions for children without id', () => {
  const a = doc(tuple('t1', 'open') + tuple('t2', 'open') + '<note>one</note><note>two</note>' + person('busy'));
  const b = doc(tuple('t1', 'closed') + '<note>one</note><note>deux</note>' + person('busy') + tuple('t3', 'open'));
  assert.is(diff(a, b, 9), `<p:pidf-diff xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" version="9">` +
    `<p:replace sel="*/tuple[@id='t1']">${tuple('t1', 'closed')}</p:replace>` +
    '<p:replace sel="*/note[2]"><note>deux</note></p:replace>' +
    `<p:remove sel="*/tuple[@id='t2']"/>` +
    `<p:add sel="*">${tuple('t3', 'open')}</p:add></p:pidf-diff>`);
  const c = doc(tuple('t1', 'closed') + '<note>one</note><note>deux</note>' + person('away') + tuple('t3', 'open'));
  assert.ok(diff(b, c, 10)!.includes(`<p:replace sel="*/dm:person[@id='p']">${person('away')}</p:replace>`), 'a prefixed name test from the root\'s declarations');
  assert.is(diff(b, b, 11), `<p:pidf-diff xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" version="11"></p:pidf-diff>`, 'nothing changed: an empty diff');
});

test('writeDiff answers -1 (send full state) for what it does not express', () => {
  const a = doc(tuple('t1', 'open'));
  assert.is(diff(a, a.replace('alice@', 'bob@'), 2), null, 'the root changed (entity)');
  assert.is(diff(a, doc(tuple('t1', 'open') + tuple('t1', 'closed')), 2), null, 'duplicate ids');
  assert.is(diff(doc('<x:extra xmlns:x="urn:x" id="e">1</x:extra>'), doc('<x:extra xmlns:x="urn:x" id="e">2</x:extra>'), 2), null, 'a replace whose namespace only the child declares');
  assert.is(diff(doc('<extra xmlns="" id="e">1</extra>'), doc('<extra xmlns="" id="e">2</extra>'), 2), null, 'no namespace under a default one');
  assert.is(diff(doc(`<tuple id="q'x"><status><basic>open</basic></status></tuple>`), doc(`<tuple id="q'x"><status><basic>closed</basic></status></tuple>`), 2), null, 'an id with a quote');
  assert.is(diff(a, doc(tuple('t2', 'open')), 2, 60), null, 'no room');
  const four = (p: string, basic: string) => doc([1, 2, 3, 4].map((k) => tuple(`${p}${k}`, basic)).join(''));
  assert.is(diff(four('t', 'open'), four('u', 'closed'), 2), null, 'every child gone and new: a diff larger than full state is not worth it');
  assert.is(diff('<presence', a, 2), null);
});

/** The seeded mulberry32 of the two-party harness, as a function. */
function rng(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

test('round trip: random presence sequences, written as full then diffs, read back equal to each next PIDF', () => {
  const r = rng(5263);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let prevInit = '';
  const ids = ['desk', 'soft', 'mobile', 'im', 'fax'];
  const activities = ['busy', 'away', 'on-the-phone', 'meeting'];
  // The presentity's state evolves a little per step, as a person's presence does.
  const state = new Map<string, [string, string]>([['desk', ['open', '']]]);
  let notes: string[] = [];
  let activity = '';
  const render = (): string => {
    let children = '';
    for (const [id, [basic, note]] of state) children += tuple(id, basic, note);
    for (const n of notes) children += `<note>${n}</note>`;
    if (activity !== '') children += person(activity);
    return doc(children);
  };
  const random = (): string => {
    const changes = 1 + Math.floor(r() * 2);
    for (let k = 0; k < changes; k++) {
      const what = Math.floor(r() * 6);
      const id = pick(ids);
      if (what === 0) state.set(id, [pick(['open', 'closed']), state.get(id)?.[1] ?? '']);
      else if (what === 1) state.delete(id);
      else if (what === 2) state.set(id, [state.get(id)?.[0] ?? 'open', pick(['', 'in', 'out', 'lunch'])]);
      else if (what === 3) notes = notes.length < 3 && r() < 0.6 ? [...notes, pick(['a', 'b', 'c'])] : notes.slice(1);
      else if (what === 4) activity = r() < 0.25 ? '' : pick(activities);
      else if (notes.length > 0) notes[Math.floor(r() * notes.length)] = pick(['x', 'y']);
    }
    return render();
  };
  prevInit = render();
  const subscriber = new PartialPidf(4096);
  let prev = prevInit;
  let kept = '';
  let version = 100;
  let diffs = 0;
  let fulls = 0;
  for (let i = 0; i < 300; i++) {
    const next = i === 0 ? prev : random();
    const body = i === 0 ? full(next, version) : diff(prev, next, version) ?? full(next, version);
    assert.ok(body !== null);
    const b = enc(body);
    assert.is(partialErrorName(subscriber.open(b, 0, b.length)), 'None');
    assert.is(subscriber.version, version);
    if (body.includes(':pidf-diff ')) {
      diffs++;
      const d = enc(kept);
      const e = subscriber.patch(d, 0, d.length);
      assert.is(partialErrorName(e), 'None', `${patchErrorName(subscriber.patchError)}\n${kept}\n${body}`);
    } else {
      fulls++;
      assert.is(partialErrorName(subscriber.toPresence()), 'None');
    }
    kept = dec(subscriber.resultBuffer, 0, subscriber.resultLength);
    assert.is(reading(kept), reading(next), body);
    prev = next;
    version++;
  }
  assert.ok(diffs > 200 && fulls >= 1, `diffs ${diffs}, full ${fulls}`);
});

test.run();
