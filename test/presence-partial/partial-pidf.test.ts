// application/pidf-diff+xml (RFC 5262) into plain PIDF (core/presence/partial/partial-pidf.ts): a
// <pidf-full> becomes the <presence> document it stands for, a <pidf-diff>'s operations patch the
// document kept from before; the result is read by the one PIDF reader. RFC 5262's examples are in
// test/corpus/rfc5262/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PartialPidf, PartialKind, PartialError, partialErrorName } from '../../core/presence/partial/partial-pidf.js';
import { PatchError, patchErrorName } from '../../core/presence/partial/xml-patch.js';
import { PidfReader } from '../../core/presence/documents/pidf-reader.js';
import { Basic } from '../../core/presence/documents/pidf-model.js';
import { corpusText, dec, enc } from './helpers.js';

const FULL = corpusText('rfc5262/full-state.xml');
const DIFF = corpusText('rfc5262/partial-update.xml');
const NS = 'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff"';

function open(p: PartialPidf, text: string): number {
  const b = enc(text);
  return p.open(b, 0, b.length);
}

function full(p: PartialPidf, text: string): string {
  assert.is(partialErrorName(open(p, text)), 'None');
  assert.is(p.kind, PartialKind.Full);
  assert.is(partialErrorName(p.toPresence()), 'None');
  return dec(p.resultBuffer, 0, p.resultLength);
}

function patch(p: PartialPidf, doc: string, text: string): { code: number; text: string } {
  const d = enc(doc);
  const e = open(p, text);
  if (e !== 0) return { code: e, text: '' };
  const code = p.patch(d, 0, d.length);
  return { code, text: code === 0 ? dec(p.resultBuffer, 0, p.resultLength) : '' };
}

/** What the PIDF reader sees: tuple id → basic, contact priority, and the notes. */
function summary(doc: string): { tuples: Record<string, string>; notes: string[]; entity: string } {
  const r = new PidfReader();
  const b = enc(doc);
  assert.is(r.read(b, 0, b.length), 0, `readable PIDF: ${doc}`);
  const d = r.document;
  const text = (s: { start: number; end: number }) => dec(d.pool.bytes, s.start, s.end);
  const tuples: Record<string, string> = {};
  for (let i = 0; i < d.tupleCount; i++) {
    const t = d.tuples[i]!;
    tuples[text(t.id)] = `${t.basic === Basic.Open ? 'open' : t.basic === Basic.Closed ? 'closed' : '?'} ${t.priority}`;
  }
  const notes: string[] = [];
  for (let i = 0; i < d.noteCount; i++) notes.push(text(d.notes[i]!.text));
  return { tuples, notes, entity: text(d.entity) };
}

test('RFC 5262 full state: <pidf-full> becomes <presence> with the same declarations and content, version dropped', () => {
  const p = new PartialPidf(4096);
  const doc = full(p, FULL);
  assert.is(p.version, 567);
  assert.ok(doc.startsWith('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" xmlns:c="urn:ietf:params:xml:ns:pidf:caps" entity="pres:someone@example.com">'), doc.slice(0, 200));
  assert.ok(doc.includes('entity="pres:someone@example.com">'));
  assert.not.ok(doc.includes('version='));
  assert.ok(doc.endsWith('</r:device>\n\n</presence>'));
  const body = FULL.slice(FULL.indexOf('version="567">') + 'version="567">'.length, FULL.lastIndexOf('</p:pidf-full>'));
  assert.ok(doc.includes(body), 'children copied byte for byte');
  assert.equal(summary(doc), {
    tuples: { sg89ae: 'open 800', cg231jcr: 'open 1000', r1230d: 'closed 900' },
    notes: ['Full state presence document'], entity: 'pres:someone@example.com',
  });
});

test('RFC 5262 partial update applied to the full state: the same PIDF as the equivalent full document', () => {
  const p = new PartialPidf(4096);
  const doc = full(p, FULL);
  const r = patch(p, doc, DIFF);
  assert.is(partialErrorName(r.code), 'None', patchErrorName(p.patchError));
  assert.is(p.version, 568);
  const s = summary(r.text);
  assert.equal(s.tuples, { sg89ae: 'open 800', cg231jcr: 'open 700', r1230d: 'open 900', ert4773: 'open 400' }, 'priorities in thousandths');
  const added = r.text.indexOf('<tuple id="ert4773">');
  assert.ok(added > 0 && added < r.text.indexOf('<note xml:lang="en">Full state'), 'added before the note, without declarations the document has alike');
  const content = DIFF.slice(DIFF.indexOf('pos="before">') + 'pos="before">'.length, DIFF.indexOf('</p:add>'));
  assert.ok(r.text.includes(content), 'the add\'s content copied byte for byte');
  assert.not.ok(r.text.includes('<r:busy/>'));
  assert.ok(r.text.includes('<r:on-the-phone/>\n    </r:activities>'), 'busy removed with the whitespace after it (ws="after")');
  // The equivalent full document, written out by hand, reads the same.
  const expected = FULL
    .replace('version="567"', 'version="568"')
    .replace('<basic>closed</basic>', '<basic>open</basic>')
    .replace('<contact priority="1.0">im:pep', '<contact priority="0.7">im:pep')
    .replace('    <r:busy/>\n', '')
    .replace(' <note xml:lang="en">Full', ' <tuple id="ert4773"><status><basic>open</basic></status><contact priority="0.4">mailto:pep@example.com</contact>' +
      '<note xml:lang="en">This is a new tuple inserted\n   between the last tuple and note element</note></tuple>\n <note xml:lang="en">Full');
  const q = new PartialPidf(4096);
  assert.equal(summary(full(q, expected)), s);
});

test('the name given to <presence>: a PIDF prefix of the root, or a PIDF default declared when there is none', () => {
  const p = new PartialPidf(1024);
  assert.is(full(p, '<d:pidf-full xmlns:d="urn:ietf:params:xml:ns:pidf-diff" xmlns:x="urn:ietf:params:xml:ns:pidf" entity="e" version="1"><x:tuple id="t"><x:status><x:basic>open</x:basic></x:status></x:tuple></d:pidf-full>'),
    '<x:presence xmlns:d="urn:ietf:params:xml:ns:pidf-diff" xmlns:x="urn:ietf:params:xml:ns:pidf" entity="e"><x:tuple id="t"><x:status><x:basic>open</x:basic></x:status></x:tuple></x:presence>');
  assert.is(full(p, `<d:pidf-full xmlns:d="urn:ietf:params:xml:ns:pidf-diff" entity='e' version="2"/>`),
    `<presence xmlns:d="urn:ietf:params:xml:ns:pidf-diff" entity='e' xmlns="urn:ietf:params:xml:ns:pidf"></presence>`);
  assert.equal(summary(dec(p.resultBuffer, 0, p.resultLength)).tuples, {}, 'empty full state reads as a PIDF without tuples');
  assert.is(open(p, '<pidf-full xmlns="urn:ietf:params:xml:ns:pidf-diff" entity="e" version="3"><tuple/></pidf-full>'), 0);
  assert.is(partialErrorName(p.toPresence()), 'NoPidfNamespace', 'the default namespace is not PIDF and no prefix is');
});

test('version: xs:unsignedInt, required on both roots (RFC 5262 §3.1)', () => {
  const p = new PartialPidf(1024);
  const root = (v: string) => `<p:pidf-diff ${NS} entity="e"${v}/>`;
  for (const [v, expected] of [[' version="0"', 0], [' version=" 42 "', 42], [' version="+7"', 7], [' version="4294967295"', 4294967295]] as const) {
    assert.is(open(p, root(v)), 0, v);
    assert.is(p.version, expected);
  }
  for (const v of ['', ' version=""', ' version="abc"', ' version="-1"', ' version="4294967296"', ' version="1.5"', ' version="12345678901"']) {
    assert.is(partialErrorName(open(p, root(v))), 'BadVersion', v);
  }
});

test('errors: wrong root, unknown operation, bad XML, a failed patch (with its PatchError), overflow, wrong kind', () => {
  const p = new PartialPidf(1024);
  const doc = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="e"><tuple id="a"><status><basic>open</basic></status></tuple></presence>';
  assert.is(partialErrorName(open(p, doc)), 'WrongRoot', 'a plain PIDF is not pidf-diff+xml');
  assert.is(partialErrorName(open(p, '<pidf-diff version="1"/>')), 'WrongRoot', 'no namespace');
  assert.is(partialErrorName(open(p, '<p:pidf-other xmlns:p="urn:ietf:params:xml:ns:pidf-diff" version="1"/>')), 'WrongRoot');
  assert.is(partialErrorName(open(p, '<p:pidf-diff')), 'Xml');
  assert.is(partialErrorName(open(p, '')), 'Xml');
  const diff = (ops: string) => `<p:pidf-diff ${NS} entity="e" version="2">${ops}</p:pidf-diff>`;
  assert.is(partialErrorName(patch(p, doc, diff('<p:move sel="*/tuple"/>')).code), 'UnknownOperation');
  assert.is(partialErrorName(patch(p, doc, diff('<add sel="*/tuple"/>')).code), 'UnknownOperation', 'an add in the PIDF namespace is no operation');
  assert.is(partialErrorName(patch(p, doc, diff('<p:remove sel="*/tuple[@id=\'zz\']"/>')).code), 'Patch');
  assert.is(patchErrorName(p.patchError), 'UnlocatedNode');
  assert.is(partialErrorName(patch(p, doc, diff('<p:add sel="*"><tuple>')).code), 'Xml');
  assert.is(partialErrorName(patch(p, doc, diff('<p:remove sel="*/tuple"/>') + '<junk/>').code), 'Xml', 'a second root after the diff');
  const big = `<note>${'x'.repeat(1100)}</note>`;
  assert.is(partialErrorName(patch(p, doc, diff(`<p:add sel="*">${big}</p:add>`)).code), 'Overflow');
  assert.is(patchErrorName(p.patchError), 'Overflow');
  assert.is(partialErrorName(patch(p, doc, diff(`<p:add sel="*">${'<note/>'.repeat(17)}</p:add>`)).code), 'Patch');
  assert.is(patchErrorName(p.patchError), 'TooComplex', 'more top-level elements than one operation copies');
  assert.is(partialErrorName(open(p, `<p:pidf-full ${NS} entity="e" version="1">${big}</p:pidf-full>`)), 'None');
  assert.is(partialErrorName(p.toPresence()), 'Overflow', 'full state larger than the document slot');
  assert.is(partialErrorName(p.patch(enc(doc), 0, doc.length)), 'WrongKind');
  assert.is(partialErrorName(open(p, diff(''))), 'None');
  assert.is(partialErrorName(p.toPresence()), 'WrongKind');
  assert.is(PartialError.None, 0);
  assert.is(PatchError.None, 0);
});

test('a diff with no operations gives the document as it was; operations see each other\'s results', () => {
  const p = new PartialPidf(1024);
  const doc = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="e"><tuple id="a"><status><basic>open</basic></status></tuple></presence>';
  assert.is(patch(p, doc, `<p:pidf-diff ${NS} entity="e" version="9"/>`).text, doc);
  assert.is(patch(p, doc, `<p:pidf-diff ${NS} entity="e" version="9">\n</p:pidf-diff>`).text, doc);
  const r = patch(p, doc, `<p:pidf-diff ${NS} entity="e" version="9">
    <p:add sel="presence"><tuple id="b"><status><basic>closed</basic></status></tuple></p:add>
    <p:replace sel="presence/tuple[@id='b']/status/basic/text()">open</p:replace>
    <p:remove sel="presence/tuple[1]"/>
  </p:pidf-diff>`);
  assert.is(partialErrorName(r.code), 'None');
  assert.equal(summary(r.text).tuples, { b: 'open -1' });
});

test.run();
