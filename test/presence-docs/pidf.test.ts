// PIDF/RPID/CIPID reading against the RFC examples (test/corpus/bodies), the composed display
// state, the writer (round trip through the reader), limits and hostile input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PidfReader, PresenceDocError, Basic, NOTE_OF_DOCUMENT, NOTE_OF_PERSON, EffectivePresence, PresenceDisplay,
  composeEffectivePresence, writePidf, activityNames, privacyNames, MOOD_NAMES, NO_VALUE, parseRfc3339,
  type PidfDocument, type PublishedPresence,
} from '../../core/presence/documents/index.js';
import { XmlError, xmlErrorName } from '../../core/xml/index.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const load = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(corpus, rel)));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const lang = (s: string): Uint8Array => enc(s);

function read(bytes: Uint8Array, reader = new PidfReader()): PidfDocument {
  const code = reader.read(bytes);
  assert.is(code, PresenceDocError.None, `read failed: ${code} ${xmlErrorName(reader.xmlError)}@${reader.errorPosition}`);
  return reader.document;
}

function tupleSummary(doc: PidfDocument) {
  const out = [];
  for (let i = 0; i < doc.tupleCount; i++) {
    const t = doc.tuples[i]!;
    out.push({
      id: doc.text(t.id),
      basic: t.basic,
      contact: doc.text(t.contact),
      priority: t.priority,
      timestamp: doc.text(t.timestamp),
    });
  }
  return out;
}

function notesOf(doc: PidfDocument, owner: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < doc.noteCount; i++) {
    const n = doc.notes[i]!;
    if (n.owner === owner) out.push(`${doc.text(n.lang)}|${doc.text(n.text)}`);
  }
  return out;
}

const effective = (doc: PidfDocument, now = NaN, l: string | null = null): EffectivePresence =>
  composeEffectivePresence(doc, now, l === null ? null : lang(l), new EffectivePresence());

test('RFC 3863 §4.3.1: two open tuples, notes with xml:lang, timestamps, priorities, im:im busy', () => {
  const doc = read(load('rfc3863/body-4.3.1-L668-presence.xml'));
  assert.is(doc.text(doc.entity), 'pres:someone@example.com');
  assert.equal(tupleSummary(doc), [
    { id: 'bs35r9', basic: Basic.Open, contact: 'im:someone@mobilecarrier.net', priority: 800, timestamp: '2001-10-27T16:49:29Z' },
    { id: 'eg92n8', basic: Basic.Open, contact: 'mailto:someone@example.com', priority: 1000, timestamp: '' },
  ]);
  assert.equal(notesOf(doc, 0), ["en|Don't Disturb Please!", "fr|Ne derangez pas, s'il vous plait"]);
  assert.equal(notesOf(doc, NOTE_OF_DOCUMENT), ["|I'll be in Tokyo next week"]);
  assert.is(doc.tuples[0]!.timestampMs, Date.UTC(2001, 9, 27, 16, 49, 29));
  assert.is(doc.text(doc.tuples[0]!.imStatus), 'busy');
  // <im:im>busy</im:im> on an open tuple makes the display Busy, not Available.
  assert.is(effective(doc).state, PresenceDisplay.Busy);
  // notes by language: fr exact, fr-CA by primary subtag, de falls back to the first
  assert.is(doc.text(doc.notes[doc.noteFor(0, lang('fr'))]!.text), "Ne derangez pas, s'il vous plait");
  assert.is(doc.text(doc.notes[doc.noteFor(0, lang('fr-CA'))]!.text), "Ne derangez pas, s'il vous plait");
  assert.is(doc.text(doc.notes[doc.noteFor(0, lang('de'))]!.text), "Don't Disturb Please!");
});

test('all RFC 3863 examples read; prefixed (impp:) and default-namespace forms give the same tuples', () => {
  const prefixed = read(load('rfc3863/body-4.2.2-L495-impp-presence.xml'));
  const plain = read(load('rfc3863/body-4.2.2-L508-presence.xml'), new PidfReader());
  assert.ok(prefixed.tupleCount >= 1);
  assert.equal(tupleSummary(prefixed), tupleSummary(plain));
  for (const f of ['body-4.2.4-L573-presence.xml', 'body-4.3.2-L695-impp-presence.xml', 'body-4.3.3-L718-impp-presence.xml']) {
    const doc = read(load(`rfc3863/${f}`));
    assert.ok(doc.tupleCount >= 1, f);
    assert.ok(doc.tuples[0]!.basic !== Basic.Unknown, f);
    // §4.3.3: <myex:ex1 impp:mustUnderstand="1"> is not understood here: counted, not hidden.
    assert.is(doc.mustUnderstandSkipped, f.startsWith('body-4.3.3') ? 1 : 0, f);
  }
});

test('RFC 4480 §4: person activities (away, from/until, note), mood, place-type, privacy; tuples', () => {
  const doc = read(load('rfc4480/body-4-L866-presence.xml'));
  assert.is(doc.tupleCount, 3);
  assert.equal(tupleSummary(doc).map((t) => [t.id, t.basic, t.contact, t.priority]), [
    ['bs35r9', Basic.Open, 'im:someone@mobile.example.net', 800],
    ['ty4658', Basic.Open, 'mailto:secretary@example.com', 1000],
    ['eg92n8', Basic.Open, 'mailto:someone@example.com', 1000],
  ]);
  assert.ok(doc.hasPerson);
  const p = doc.person;
  assert.is(doc.text(p.id), 'p1');
  assert.equal(activityNames(p.activities), ['away']);
  assert.is(p.activitiesFromMs, parseRfc3339(enc('2005-05-30T12:00:00+05:00'), 0, 25));
  assert.is(p.activitiesUntilMs, Date.UTC(2005, 4, 30, 12, 0, 0));
  assert.is(MOOD_NAMES[p.mood], 'angry');
  assert.is(doc.text(p.moodOther), 'brooding');
  assert.is(doc.text(p.placeType), 'residence');
  assert.equal(privacyNames(p.privacy), ['unknown']);
  assert.equal(notesOf(doc, NOTE_OF_PERSON), ['|Scoring 120']);
  assert.is(doc.text(p.timestamp), '2005-05-30T16:09:44+05:00');
  assert.is(p.timestampMs, Date.UTC(2005, 4, 30, 11, 9, 44));
  // Inside the from/until window the person is Away although all tuples are open.
  const during = effective(doc, Date.UTC(2005, 4, 30, 10, 0, 0));
  assert.is(during.state, PresenceDisplay.Away);
  assert.is(during.untilMs, Date.UTC(2005, 4, 30, 12, 0, 0));
  assert.is(doc.text(doc.notes[during.note]!.text), 'Scoring 120');
  // After "until" the activity no longer counts; before "from" neither.
  assert.is(effective(doc, Date.UTC(2005, 4, 30, 12, 0, 1)).state, PresenceDisplay.Available);
  assert.is(effective(doc, Date.UTC(2005, 4, 30, 6, 0, 0)).state, PresenceDisplay.Available);
});

test('RFC 4482 §4: CIPID card, homepage, icon on the person and card/homepage on a tuple', () => {
  const doc = read(load('rfc4482/body-4-L188-presence.xml'));
  assert.is(doc.tupleCount, 2);
  assert.is(doc.tuples[1]!.basic, Basic.Closed);
  assert.is(doc.text(doc.tuples[1]!.card), 'http://example.com/~assistant/card.vcd');
  assert.is(doc.text(doc.tuples[1]!.homepage), 'http://example.com/~assistant');
  const p = doc.person;
  assert.is(doc.text(p.card), 'http://example.com/~someone/card.vcd');
  assert.is(doc.text(p.homepage), 'http://example.com/~someone');
  assert.is(doc.text(p.icon), 'http://example.com/~someone/icon.gif');
  assert.is(effective(doc).state, PresenceDisplay.Available);
  assert.is(effective(doc).bestTuple, 0);
});

test('RFC 4482 §4 first example is not well-formed (</c:card> closes <c:display-name>): an Xml error with position', () => {
  const reader = new PidfReader();
  assert.is(reader.read(load('rfc4482/body-4-L161-presence.xml')), PresenceDocError.Xml);
  assert.is(reader.xmlError, XmlError.MismatchedEndTag);
  assert.is(reader.errorPosition, 532);
});

test('CIPID display-name (corrected RFC 4482 example)', () => {
  const fixed = new TextDecoder().decode(load('rfc4482/body-4-L161-presence.xml')).replace('Alice Lewis</c:card>', 'Alice Lewis</c:display-name>');
  const doc = read(enc(fixed));
  assert.is(doc.text(doc.person.displayName), 'Alice Lewis');
  assert.is(doc.text(doc.person.icon), 'http://example.com/~alice/me.png');
});

test('RFC 4479 §7.1 data-model example reads (person, tuples, device skipped)', () => {
  const doc = read(load('rfc4479/body-7.1-L1250-presence.xml'));
  assert.ok(doc.tupleCount >= 1);
  assert.ok(doc.hasPerson);
});

const PIDF = (tuples: string, person = ''): Uint8Array => enc(`<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
 xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:bob@example.com">${tuples}${person}</presence>`);
const TUPLE = (id: string, basic: string, extra = ''): string => `<tuple id="${id}"><status><basic>${basic}</basic></status>${extra}</tuple>`;

test('effective state: on-the-phone on the person wins over an open tuple', () => {
  const doc = read(PIDF(TUPLE('a', 'open'), '<dm:person id="p"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>'));
  assert.is(effective(doc).state, PresenceDisplay.OnThePhone);
});

test('effective state: busy and meeting; on-the-phone beats busy when both hold', () => {
  const busy = read(PIDF(TUPLE('a', 'open'), '<dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities></dm:person>'));
  assert.is(effective(busy).state, PresenceDisplay.Busy);
  const meeting = read(PIDF(TUPLE('a', 'open'), '<dm:person id="p"><rpid:activities><rpid:meeting/></rpid:activities></dm:person>'));
  assert.is(effective(meeting).state, PresenceDisplay.InMeeting);
  const both = read(PIDF(TUPLE('a', 'open'), '<dm:person id="p"><rpid:activities><rpid:busy/><rpid:on-the-phone/></rpid:activities></dm:person>'));
  assert.is(effective(both).state, PresenceDisplay.OnThePhone);
});

test('effective state: closed everywhere → Offline (even with a person activity); no tuples and no person → Unknown', () => {
  assert.is(effective(read(PIDF(TUPLE('a', 'closed') + TUPLE('b', 'closed')))).state, PresenceDisplay.Offline);
  assert.is(effective(read(PIDF(TUPLE('a', 'closed'), '<dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities></dm:person>'))).state, PresenceDisplay.Offline);
  assert.is(effective(read(PIDF(''))).state, PresenceDisplay.Unknown);
  assert.is(effective(read(PIDF(TUPLE('a', 'closed') + TUPLE('b', 'open')))).state, PresenceDisplay.Available);
});

test('effective state: the note shown comes from the person, else the best open tuple', () => {
  const doc = read(PIDF(
    TUPLE('low', 'open', '<contact priority="0.2">sip:a@x</contact><note>low</note>')
    + TUPLE('high', 'open', '<contact priority="0.9">sip:b@x</contact><note>high</note>'),
  ));
  const e = effective(doc);
  assert.is(e.bestTuple, 1);
  assert.is(doc.text(doc.notes[e.note]!.text), 'high');
});

test('writer → reader round trip keeps tuple, RPID and CIPID values', () => {
  const published: PublishedPresence = {
    entity: 'pres:alice@example.com',
    tuples: [{ id: 'phone', basic: 'open', contact: 'sip:alice@192.0.2.1', priority: 0.8, note: 'In the lab & <busy>', noteLang: 'en', timestamp: '2026-11-25T10:00:00Z' }],
    person: {
      id: 'p1', activities: ['meeting', 'busy'], activityOther: 'design review', until: '2026-11-25T15:00:00Z',
      mood: 'happy', placeType: 'office', privacy: ['audio', 'video'], note: 'Back at 3', displayName: 'Alice Ä. Lewis',
      card: 'http://example.com/alice.vcf', icon: 'http://example.com/alice.png', homepage: 'http://example.com/~alice',
    },
  };
  const out = new Uint8Array(4096);
  const written = writePidf(published, out);
  assert.ok(written.ok, `write failed: ${written.val}`);
  const doc = read(out.subarray(0, written.val as number));
  assert.is(doc.text(doc.entity), 'pres:alice@example.com');
  assert.equal(tupleSummary(doc), [{ id: 'phone', basic: Basic.Open, contact: 'sip:alice@192.0.2.1', priority: 800, timestamp: '2026-11-25T10:00:00Z' }]);
  assert.equal(notesOf(doc, 0), ['en|In the lab & <busy>']);
  const p = doc.person;
  assert.equal(activityNames(p.activities), ['busy', 'meeting', 'other']);
  assert.is(doc.text(p.activityOther), 'design review');
  assert.is(p.activitiesUntilMs, Date.UTC(2026, 10, 25, 15, 0, 0));
  assert.is(MOOD_NAMES[p.mood], 'happy');
  assert.is(doc.text(p.placeType), 'office');
  assert.equal(privacyNames(p.privacy), ['audio', 'video']);
  assert.is(doc.text(p.displayName), 'Alice Ä. Lewis');
  assert.is(doc.text(p.card), 'http://example.com/alice.vcf');
  assert.is(doc.text(p.icon), 'http://example.com/alice.png');
  assert.is(doc.text(p.homepage), 'http://example.com/~alice');
  assert.equal(notesOf(doc, NOTE_OF_PERSON), ['|Back at 3']);
  const e = effective(doc, Date.UTC(2026, 10, 25, 14, 0, 0));
  assert.is(e.state, PresenceDisplay.Busy);
  assert.is(e.untilMs, Date.UTC(2026, 10, 25, 15, 0, 0));
});

test('writer: too small a buffer is an error code, not a throw', () => {
  const r = writePidf({ entity: 'pres:a@b', tuples: [{ id: 't', basic: 'open' }] }, new Uint8Array(40));
  assert.ok(r.err);
  assert.is(r.val, XmlError.OutputFull);
});

test('limits: extra tuples and notes are dropped and counted; too-large documents are refused', () => {
  const reader = new PidfReader({ maxTuples: 2, maxNotes: 1, textBytes: 1024, maxBytes: 4096 });
  const doc = read(PIDF(TUPLE('a', 'open', '<note>1</note><note>2</note>') + TUPLE('b', 'open') + TUPLE('c', 'closed')), reader);
  assert.is(doc.tupleCount, 2);
  assert.is(doc.noteCount, 1);
  assert.is(doc.dropped, 2);
  assert.is(reader.read(enc(`<presence xmlns="urn:ietf:params:xml:ns:pidf">${' '.repeat(5000)}</presence>`)), PresenceDocError.Xml);
  assert.is(reader.xmlError, XmlError.SizeLimit);
});

test('wrong root or namespace → WrongRoot; unknown extension elements are ignored', () => {
  const reader = new PidfReader();
  assert.is(reader.read(enc('<presence entity="x"/>')), PresenceDocError.WrongRoot);
  assert.is(reader.read(enc('<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>')), PresenceDocError.WrongRoot);
  const doc = read(PIDF(TUPLE('a', 'open', '<x:unknown xmlns:x="urn:x"><tuple id="nested"/></x:unknown>')));
  assert.is(doc.tupleCount, 1);
});

test('the reader is reusable and does not allocate per document (heap stable over 5k reads)', () => {
  const reader = new PidfReader();
  const body = load('rfc4480/body-4-L866-presence.xml');
  const eff = new EffectivePresence();
  for (let i = 0; i < 1000; i++) { reader.read(body); composeEffectivePresence(reader.document, 0, null, eff); }
  const before = process.memoryUsage().heapUsed;
  let sum = 0;
  for (let i = 0; i < 5000; i++) { reader.read(body); sum += composeEffectivePresence(reader.document, 0, null, eff).state; }
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(sum > 0);
  assert.ok(grown < 1_000_000, `heap grew ${grown} bytes over 5k documents`);
  assert.is(reader.document.person.mood === NO_VALUE, false);
});

test.run();
