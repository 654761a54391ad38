// PresenceStates with partial PIDF on (RFC 5263 / RFC 5262): full state, then diffs applied to the
// kept document compose exactly as the equivalent full PIDFs would; a version gap, a diff with no
// full state before it or one that cannot be applied changes nothing and answers NeedFullState; a
// document that outgrows its slot answers TooLarge; partial PIDF off leaves everything as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PresenceStates, PresenceApply, PresenceDisplay, activityNames, PartialError, PatchError, partialErrorName, patchErrorName } from '../../core/presence/index.js';
import { corpusText, enc } from './helpers.js';
import { partialPidfModule } from '../../core/presence/partial/partial-pidf.js';

const DIFF_TYPE = enc('application/pidf-diff+xml; charset=UTF-8');
const PIDF_TYPE = enc('application/pidf+xml');
const NS = 'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';
const APPLY_NAMES = Object.keys(PresenceApply);
const name = (code: number): string => APPLY_NAMES[code] ?? String(code);

// The presentity's states, as the children of <presence>: the full documents a plain PIDF notifier would send.
const S0 = '<tuple id="t1"><status><basic>open</basic></status></tuple><dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities><dm:note>Busy</dm:note></dm:person>';
const S1 = '<tuple id="t1"><status><basic>closed</basic></status></tuple><dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities><dm:note>Busy</dm:note></dm:person>';
const S2 = '<tuple id="t1"><status><basic>closed</basic></status></tuple><dm:person id="p"><rpid:activities><rpid:on-the-phone/></rpid:activities><dm:note>On a call</dm:note></dm:person>';
const S3 = '<tuple id="t1"><status><basic>closed</basic></status></tuple><tuple id="t2"><status><basic>open</basic></status></tuple>';
// The diffs from one to the next (RFC 5261 operations, selectors with the diff's prefixes).
const D1 = `<p:replace sel="presence/tuple[@id='t1']/status/basic/text()">closed</p:replace>`;
const D2 = '<p:replace sel="*/dm:person/rpid:activities"><rpid:activities><rpid:on-the-phone/></rpid:activities></p:replace><p:replace sel="*/dm:person/dm:note/text()">On a call</p:replace>';
const D3 = '<p:remove sel="*/dm:person"/><p:add sel="presence"><tuple id="t2"><status><basic>open</basic></status></tuple></p:add>';

const full = (version: number, children: string): string => `<?xml version="1.0"?>\n<p:pidf-full ${NS} entity="sip:alice@example.com" version="${version}">${children}</p:pidf-full>`;
const diff = (version: number, ops: string): string => `<?xml version="1.0"?>\n<p:pidf-diff ${NS} entity="sip:alice@example.com" version="${version}">${ops}</p:pidf-diff>`;
const plain = (children: string): string => `<presence ${NS} entity="sip:alice@example.com">${children}</presence>`;

function apply(states: PresenceStates, id: number, type: Uint8Array, body: string, fork = 0, now = 1000): number {
  const b = enc(body);
  return states.apply(id, type, 0, type.length, b, 0, b.length, now, fork);
}

function shown(states: PresenceStates, id: number) {
  const s = states.get(id)!;
  return { display: s.display, activities: activityNames(s.activities), note: s.noteText(), version: s.version };
}

test('full → diff → diff → diff composes exactly as the equivalent full PIDFs', () => {
  const partial = new PresenceStates({ maxStates: 2, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  const reference = new PresenceStates({ maxStates: 2 });
  assert.ok(partial.partialPidf);
  assert.not.ok(reference.partialPidf);
  const steps: [string, string][] = [[full(10, S0), S0], [diff(11, D1), S1], [diff(12, D2), S2], [diff(13, D3), S3]];
  for (const [body, equivalent] of steps) {
    const a = apply(partial, 1, DIFF_TYPE, body);
    const b = apply(reference, 1, PIDF_TYPE, plain(equivalent));
    assert.is(name(a), name(b), body);
    assert.equal(shown(partial, 1), shown(reference, 1), body);
  }
  assert.equal(shown(partial, 1), { display: PresenceDisplay.Available, activities: [], note: '', version: 4 });
  // Full state again (a refresh's NOTIFY) restarts the sequence at its own version.
  assert.is(name(apply(partial, 1, DIFF_TYPE, full(500, S2))), 'Changed');
  assert.is(shown(partial, 1).display, PresenceDisplay.Offline, 'S2: every tuple closed is Offline, on the phone or not (pidf-effective.ts)');
  assert.equal(activityNames(partial.get(1)!.activities), ['on-the-phone']);
  assert.is(name(apply(partial, 1, DIFF_TYPE, diff(501, D3))), 'Changed');
  assert.is(name(apply(partial, 1, DIFF_TYPE, diff(502, ''))), 'Unchanged', 'an empty diff moves only the version');
});

test('RFC 5263 version gap: NeedFullState, nothing changes; the next full state restores', () => {
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  assert.is(name(apply(states, 1, DIFF_TYPE, full(10, S0))), 'Changed');
  const before = shown(states, 1);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(12, D2))), 'NeedFullState', 'version 11 was lost');
  assert.is(partialErrorName(states.lastPartialError), 'VersionGap');
  assert.equal(shown(states, 1), before);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(10, D1))), 'NeedFullState', 'an old version is no continuation either');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(11, D1))), 'Changed', 'the kept document was not touched: 11 still applies');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(40, S3))), 'Changed');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(41, ''))), 'Unchanged');
  // Versions wrap like an xs:unsignedInt.
  assert.is(name(apply(states, 1, DIFF_TYPE, full(4294967295, S0))), 'Changed');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(0, D1))), 'Changed');
});

test('a diff with no full state before it, or one that cannot be applied: NeedFullState until full state comes', () => {
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(1, D1))), 'NeedFullState');
  assert.is(partialErrorName(states.lastPartialError), 'NoBase');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(1, S0))), 'Changed');
  const before = shown(states, 1);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(2, `<p:remove sel="presence/tuple[@id='nope']"/>`))), 'NeedFullState');
  assert.is(partialErrorName(states.lastPartialError), 'Patch');
  assert.is(patchErrorName(states.lastPatchError), 'UnlocatedNode');
  assert.equal(shown(states, 1), before);
  // The notifier went on to version 2 without us: our version-2 document does not exist.
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(3, D1))), 'NeedFullState');
  assert.is(partialErrorName(states.lastPartialError), 'NoBase');
  // A diff that leaves no PIDF (the root replaced by something else) is not kept either.
  assert.is(name(apply(states, 1, DIFF_TYPE, full(7, S0))), 'Unchanged', 'the same state as version 1');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(8, '<p:replace sel="presence"><other/></p:replace>'))), 'NeedFullState');
  assert.is(partialErrorName(states.lastPartialError), 'Xml');
  assert.equal(shown(states, 1), before);
  // A diff we cannot even read (a bad version) asks for full state too; bad full state is BadBody.
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(7, D1).replace('version="7"', 'version="x"'))), 'NeedFullState');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(9, S0).replace('version="9"', ''))), 'BadBody');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(9, '<tuple><status>'))), 'BadBody');
  assert.is(name(apply(states, 1, DIFF_TYPE, '<presence xmlns="urn:ietf:params:xml:ns:pidf"/>')), 'BadBody', 'a PIDF labelled pidf-diff');
  assert.is(name(apply(states, 1, DIFF_TYPE, '')), 'NoBody');
  assert.equal(shown(states, 1), before);
});

test('a plain PIDF in between replaces the state and the kept document no longer counts', () => {
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  apply(states, 1, DIFF_TYPE, full(1, S0));
  assert.is(name(apply(states, 1, PIDF_TYPE, plain(S3))), 'Changed');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(2, D1))), 'NeedFullState');
  assert.is(shown(states, 1).display, PresenceDisplay.Available);
});

test('TooLarge: a document that outgrows partialDocumentBytes; a refresh would not help, so no NeedFullState', () => {
  // Room for S0..S2: the replaced activities declare nothing the kept document binds alike (xml-patch.ts).
  const small = plain(S0).length + 20;
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: small, partialPidf: partialPidfModule });
  assert.is(name(apply(states, 1, DIFF_TYPE, full(1, S0))), 'Changed', 'S0 fits');
  const before = shown(states, 1);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(2, `<p:add sel="presence"><note>${'too long for the slot '.repeat(20)}</note></p:add>`))), 'TooLarge');
  assert.is(partialErrorName(states.lastPartialError), 'Overflow');
  assert.equal(shown(states, 1), before);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(2, D1))), 'TooLarge', 'this source cannot follow diffs until full state fits');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(3, S0 + '<note>' + 'x'.repeat(small) + '</note>'))), 'TooLarge');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(4, S1))), 'Changed', 'full state that fits: back on track');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(5, D2))), 'Changed');
});

test('forks keep their own documents (RFC 6665 §4.1.2.4); release and a reused slot start from nothing', () => {
  const states = new PresenceStates({ maxStates: 2, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  assert.is(name(apply(states, 1, DIFF_TYPE, full(1, S3), 0)), 'Changed');
  assert.is(name(apply(states, 1, DIFF_TYPE, full(70, S0), 1)), 'Changed');
  assert.is(shown(states, 1).display, PresenceDisplay.Busy, 'the fork\'s busy person wins');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(71, D2), 1)), 'Changed', 'fork 1 continues from its own version');
  assert.is(shown(states, 1).display, PresenceDisplay.OnThePhone);
  const closeT2 = `<p:replace sel="presence/tuple[@id='t2']/status/basic/text()">closed</p:replace>`;
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(2, closeT2), 0)), 'Unchanged', 'fork 0 at version 1: its diff 2 applies (the person on the phone still decides)');
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(72, D3), 0)), 'NeedFullState', 'fork 1\'s version means nothing to fork 0');
  assert.is(states.forgetFork(1, 1, 2000), true);
  assert.is(shown(states, 1).display, PresenceDisplay.Offline, 'fork 0 alone: every tuple closed (its diff was kept)');
  states.release(1);
  assert.is(name(apply(states, 1, DIFF_TYPE, diff(3, closeT2), 0)), 'NeedFullState', 'a released subscription keeps no document');
  assert.is(partialErrorName(states.lastPartialError), 'NoBase');
});

test('partial PIDF off (the default): pidf-diff+xml is WrongType as before, nothing is kept', () => {
  const states = new PresenceStates({ maxStates: 2 });
  assert.not.ok(states.partialPidf);
  assert.is(name(apply(states, 1, DIFF_TYPE, full(1, S0))), 'WrongType');
  assert.is(states.get(1), undefined);
  assert.is(PartialError.None, 0);
  assert.is(PatchError.None, 0);
});

test('the RFC 5262 examples through PresenceStates: full state, then the partial update', () => {
  const states = new PresenceStates({ maxStates: 1, partialDocumentBytes: 4096, partialPidf: partialPidfModule });
  assert.is(name(apply(states, 7, DIFF_TYPE, corpusText('rfc5262/full-state.xml'))), 'Changed');
  assert.is(shown(states, 7).display, PresenceDisplay.Available);
  assert.is(name(apply(states, 7, DIFF_TYPE, corpusText('rfc5262/partial-update.xml'))), 'Unchanged', 'open tuples before and after; the old-RPID person is not read');
  assert.is(name(apply(states, 7, DIFF_TYPE, corpusText('rfc5262/partial-update.xml'))), 'NeedFullState', 'the same diff twice is a version gap');
});

test('partialDocumentBytes without partialPidf is refused when the states are made, not when a diff arrives', () => {
  assert.throws(() => new PresenceStates({ maxStates: 1, partialDocumentBytes: 2048 }), /partialPidf/);
  assert.not.ok(new PresenceStates({ maxStates: 1 }).partialPidf, 'off by default');
});

test.run();
