// Resource-list NOTIFYs end to end (RFC 4662): Content-Type + multipart/related body → RLMI root
// + PIDF parts matched by Content-ID → per-resource state, across full and partial versions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RlsBodyReader, RlsBodyError, ResourceList, RlsApply, ResourceStatus, RlmiError, InstanceState } from '../../core/presence/rls/index.js';
import { PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import { E_MP_BAD_HEADER } from '../../core/mime/multipart.js';
import { corpusNotify, enc, pidf, related, rlmi, type Notify } from './helpers.js';

// RFC 4662 §6 step 3 prints Bob's resource as uri="sip:bob@vancouver.example.com"" (a stray
// quote: not well-formed XML). Step 13's innermost RLMI part lost the blank line between its
// headers and the XML at a page break (test/corpus/README.md). The fixes restore the obvious intent.
const STEP3 = 'rfc4662/03-NOTIFY-multipart-related.sip';
const STEP13 = 'rfc4662/13-NOTIFY-multipart-related-nested.sip';
const fixStep3 = (t: string) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"');
const fixStep13 = (t: string) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml');

function apply(list: ResourceList, reader: RlsBodyReader, n: Notify, now = 0): number {
  return list.applyNotify(reader, n.contentType, 0, n.contentType.length, n.body, 0, n.body.length, now);
}

function snapshot(list: ResourceList) {
  return list.resources.filter((r) => r.inUse).map((r) => ({
    uri: r.uri.text(), name: r.name.text(), status: r.status, display: r.display,
    parent: r.parent < 0 ? '' : list.resources[r.parent]!.uri.text(),
  }));
}

test('RFC 4662 §6 step 3 as printed: the body is refused with the RLMI error, nothing applied', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  assert.is(apply(list, reader, corpusNotify(STEP3)), RlsApply.BadBody);
  assert.is(list.bodyError, RlsBodyError.Rlmi);
  assert.is(reader.rlmi.read(reader.buffer, reader.partBodyOff[0]!, reader.partBodyEnd[0]!), RlmiError.Xml);
  assert.is(list.count, 0);
  assert.is(list.version, -1);
});

test('RFC 4662 §6 step 3: Bob open, Dave closed, Ed and the ORG list not known yet', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  assert.is(apply(list, reader, corpusNotify(STEP3, fixStep3)), RlsApply.Applied);
  assert.is(reader.partCount, 3);
  assert.is(reader.root, 0);
  assert.is(list.version, 1);
  assert.is(list.uri.text(), 'sip:adam-friends@pres.vancouver.example.com');
  assert.equal(snapshot(list), [
    { uri: 'sip:bob@vancouver.example.com', name: 'Bob Smith', status: ResourceStatus.Active, display: PresenceDisplay.Available, parent: '' },
    { uri: 'sip:dave@vancouver.example.com', name: 'Dave Jones', status: ResourceStatus.Active, display: PresenceDisplay.Offline, parent: '' },
    { uri: 'sip:ed@dallas.example.net', name: 'Ed at NET', status: ResourceStatus.Unknown, display: PresenceDisplay.Unknown, parent: '' },
    { uri: 'sip:adam-friends@stockholm.example.org', name: 'My Friends at ORG', status: ResourceStatus.Unknown, display: PresenceDisplay.Unknown, parent: '' },
  ]);
  const bob = list.resources[list.find(enc('sip:bob@vancouver.example.com'))]!;
  assert.is(bob.instances[0]!.id.text(), 'juwigmtboe');
  assert.is(list.unreadableParts, 0);
});

test('RFC 4662 §6 step 13 after step 3: partial version 2, Ed pending, the ORG list nested (related → signed → related)', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  apply(list, reader, corpusNotify(STEP3, fixStep3));
  assert.is(apply(list, reader, corpusNotify(STEP13, fixStep13)), RlsApply.Applied);
  assert.is(list.version, 2);
  assert.equal(snapshot(list), [
    { uri: 'sip:bob@vancouver.example.com', name: 'Bob Smith', status: ResourceStatus.Active, display: PresenceDisplay.Available, parent: '' },
    { uri: 'sip:dave@vancouver.example.com', name: 'Dave Jones', status: ResourceStatus.Active, display: PresenceDisplay.Offline, parent: '' },
    { uri: 'sip:ed@dallas.example.net', name: 'Ed at NET', status: ResourceStatus.Pending, display: PresenceDisplay.Unknown, parent: '' },
    { uri: 'sip:adam-friends@stockholm.example.org', name: 'My Friends at ORG', status: ResourceStatus.Active, display: PresenceDisplay.Unknown, parent: '' },
    { uri: 'sip:joe@stockholm.example.org', name: 'Joe Thomas', status: ResourceStatus.Active, display: PresenceDisplay.Available, parent: 'sip:adam-friends@stockholm.example.org' },
    { uri: 'sip:mark@stockholm.example.org', name: 'Mark Edwards', status: ResourceStatus.Active, display: PresenceDisplay.Offline, parent: 'sip:adam-friends@stockholm.example.org' },
  ]);
  const org = list.resources[list.find(enc('sip:adam-friends@stockholm.example.org'))]!;
  assert.ok(org.isList);
  assert.is(org.subListVersion, 1);
  // Both nested members carry instance id "1": ids are per resource, not per list.
  assert.is(list.resources[list.find(enc('sip:joe@stockholm.example.org'))]!.instances[0]!.id.text(), '1');
});

test('RFC 4662 §6 step 13 as printed: the nested part is unreadable (lost blank line), the rest applies', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  apply(list, reader, corpusNotify(STEP3, fixStep3));
  assert.is(apply(list, reader, corpusNotify(STEP13)), RlsApply.Applied);
  assert.is(list.unreadableParts, 1);
  assert.is(reader.child!.error, RlsBodyError.Multipart);
  assert.is(reader.child!.multipartError, E_MP_BAD_HEADER);
  assert.is(list.resources[list.find(enc('sip:ed@dallas.example.net'))]!.status, ResourceStatus.Pending);
  assert.is(list.find(enc('sip:joe@stockholm.example.org')), -1);
});

test('RFC 4662 §6 step 11: a list NOTIFY signed as a whole (multipart/signed around multipart/related)', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  assert.is(apply(list, reader, corpusNotify('rfc4662/11-NOTIFY-multipart-signed.sip')), RlsApply.Applied);
  assert.is(list.uri.text(), 'sip:adam-friends@stockholm.example.org');
  assert.is(reader.partCount, 3, 'the parts of the inner multipart/related');
  assert.equal(snapshot(list).map((r) => [r.uri, r.name, r.status, r.display]), [
    ['sip:joe@stockholm.example.org', 'Joe Thomas', ResourceStatus.Active, PresenceDisplay.Available],
    ['sip:mark@stockholm.example.org', 'Mark Edwards', ResourceStatus.Active, PresenceDisplay.Offline],
  ]);
  // A signed body whose first part is not a list is refused.
  const signedPidf = enc('multipart/signed; protocol="application/pkcs7-signature"; boundary=sIg');
  const body = enc('--sIg\r\nContent-Type: application/pidf+xml\r\n\r\n<presence/>\r\n--sIg\r\nContent-Type: application/pkcs7-signature\r\n\r\nxx\r\n--sIg--\r\n');
  assert.is(reader.read(signedPidf, 0, signedPidf.length, body, 0, body.length), RlsBodyError.NotRelated);
});

const LIST = 'sip:buddies@rls.example.com';
const full1 = () => related(rlmi(LIST, 1, true, [
  { uri: 'sip:a@x', name: 'Anna', instances: [{ id: 'ia', state: 'active', cid: 'pa1@rls' }] },
  { uri: 'sip:b@x', name: 'Bert', instances: [{ id: 'ib', state: 'active', cid: 'pb1@rls' }] },
  { uri: 'sip:c@x', name: 'Cleo', instances: [{ id: 'ic', state: 'pending' }] },
]), [
  { cid: 'pa1@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'open') },
  { cid: 'pb1@rls', type: 'application/pidf+xml', body: pidf('sip:b@x', 'closed') },
]);

test('partial updates merge: only the listed resource changes; RPID on-the-phone wins over open', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  assert.is(apply(list, reader, full1()), RlsApply.Applied);
  const phone = '<dm:person id="p1"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person><note>call me later</note>';
  const partial2 = related(rlmi(LIST, 2, false, [{ uri: 'sip:b@x', instances: [{ id: 'ib', state: 'active', cid: 'pb2@rls' }] }]),
    [{ cid: 'pb2@rls', type: 'application/pidf+xml', body: pidf('sip:b@x', 'open', phone) }]);
  assert.is(apply(list, reader, partial2), RlsApply.Applied);
  const st = snapshot(list);
  assert.equal(st.map((r) => [r.uri, r.status, r.display]), [
    ['sip:a@x', ResourceStatus.Active, PresenceDisplay.Available],
    ['sip:b@x', ResourceStatus.Active, PresenceDisplay.OnThePhone],
    ['sip:c@x', ResourceStatus.Pending, PresenceDisplay.Unknown],
  ]);
  assert.is(st[1]!.name, 'Bert', 'a partial update without <name> keeps the name');
  assert.is(list.resources[list.find(enc('sip:b@x'))]!.noteText(), 'call me later');
  // An instance listed without cid: its state is unchanged (no new body).
  const partial3 = related(rlmi(LIST, 3, false, [{ uri: 'sip:a@x', instances: [{ id: 'ia', state: 'active' }] }]), []);
  assert.is(apply(list, reader, partial3), RlsApply.Applied);
  assert.is(list.resources[list.find(enc('sip:a@x'))]!.display, PresenceDisplay.Available);
});

test('versions: repeated or older → Stale (ignored); a gap → applied but NeedResubscribe; full state recovers', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  apply(list, reader, full1());
  const partialB = (v: number, basic: 'open' | 'closed') => related(rlmi(LIST, v, false, [{ uri: 'sip:b@x', instances: [{ id: 'ib', state: 'active', cid: `pb${v}@rls` }] }]),
    [{ cid: `pb${v}@rls`, type: 'application/pidf+xml', body: pidf('sip:b@x', basic) }]);
  assert.is(apply(list, reader, partialB(1, 'open')), RlsApply.Stale);
  assert.is(list.resources[list.find(enc('sip:b@x'))]!.display, PresenceDisplay.Offline, 'stale NOTIFY changed nothing');
  assert.is(apply(list, reader, partialB(3, 'open')), RlsApply.NeedResubscribe, 'version 2 was lost');
  assert.is(list.resources[list.find(enc('sip:b@x'))]!.display, PresenceDisplay.Available, 'newer information is still shown');
  assert.is(list.version, 3);
  assert.is(apply(list, reader, partialB(2, 'closed')), RlsApply.Stale, 'the late version 2 arrives after 3');
  // The refresh brings full state with a higher version: Cleo has left the list.
  const full = related(rlmi(LIST, 9, true, [
    { uri: 'sip:a@x', instances: [{ id: 'ia', state: 'active', cid: 'x1@rls' }] },
    { uri: 'sip:b@x', instances: [{ id: 'ib', state: 'terminated', reason: 'rejected' }] },
  ]), [{ cid: 'x1@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'closed') }]);
  assert.is(apply(list, reader, full), RlsApply.Applied);
  assert.equal(snapshot(list).map((r) => [r.uri, r.status, r.display]), [
    ['sip:a@x', ResourceStatus.Active, PresenceDisplay.Offline],
    ['sip:b@x', ResourceStatus.Terminated, PresenceDisplay.Unknown],
  ]);
  assert.is(list.resources[list.find(enc('sip:b@x'))]!.terminationReason(), 'rejected');
  assert.is(list.find(enc('sip:c@x')), -1);
  // A new subscription starts a new version sequence (§5.2): version 0 full state is accepted.
  list.newSubscription();
  assert.is(apply(list, reader, related(rlmi(LIST, 0, true, [{ uri: 'sip:a@x' }]), [])), RlsApply.Applied);
  assert.is(list.count, 1);
  // A partial with no base after a new subscription: applied, but full state is needed.
  list.newSubscription();
  assert.is(apply(list, reader, related(rlmi(LIST, 5, false, [{ uri: 'sip:d@x' }]), [])), RlsApply.NeedResubscribe);
});

test('forked back-end subscriptions: several instances per resource, the strongest presence shows', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const phone = '<dm:person id="p"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>';
  const n = related(rlmi(LIST, 1, true, [{ uri: 'sip:a@x', instances: [
    { id: 'desk', state: 'active', cid: 'd@rls' }, { id: 'mobile', state: 'active', cid: 'm@rls' }, { id: 'old', state: 'terminated', reason: 'timeout' },
  ] }]), [
    { cid: 'd@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'closed') },
    { cid: 'm@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'open', phone) },
  ]);
  assert.is(apply(list, reader, n), RlsApply.Applied);
  const a = list.resources[list.find(enc('sip:a@x'))]!;
  assert.is(a.display, PresenceDisplay.OnThePhone);
  assert.is(a.status, ResourceStatus.Active);
  assert.is(a.instances.filter((i) => i.inUse).length, 3);
  // A partial update terminates the mobile instance: the desk one (closed) decides now.
  const p = related(rlmi(LIST, 2, false, [{ uri: 'sip:a@x', instances: [{ id: 'mobile', state: 'terminated', reason: 'deactivated' }] }]), []);
  assert.is(apply(list, reader, p), RlsApply.Applied);
  assert.is(a.display, PresenceDisplay.Offline);
  assert.is(a.instances.find((i) => i.id.text() === 'mobile')!.state, InstanceState.Terminated);
});

test('full state: instances not listed are gone; one listed again without cid keeps its presence', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const n1 = related(rlmi(LIST, 1, true, [{ uri: 'sip:a@x', instances: [{ id: 'desk', state: 'active', cid: 'd@rls' }, { id: 'mobile', state: 'pending' }] }]),
    [{ cid: 'd@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'open') }]);
  assert.is(apply(list, reader, n1), RlsApply.Applied);
  const a = list.resources[list.find(enc('sip:a@x'))]!;
  assert.is(a.instances.filter((i) => i.inUse).length, 2);
  const n2 = related(rlmi(LIST, 2, true, [{ uri: 'sip:a@x', instances: [{ id: 'desk', state: 'active' }] }]), []);
  assert.is(apply(list, reader, n2), RlsApply.Applied);
  assert.equal(a.instances.filter((i) => i.inUse).map((i) => i.id.text()), ['desk']);
  assert.is(a.display, PresenceDisplay.Available);
});

test('a list bigger than the table: TooManyResources, the table is full but consistent, no throw', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList({ maxResources: 4, maxInstancesPerResource: 1, uriBytes: 32, nameBytes: 16, noteBytes: 16, idBytes: 8 });
  const resources = Array.from({ length: 10 }, (_, i) => ({ uri: `sip:u${i}@x`, instances: [{ id: 'i', state: 'active', cid: `c${i}@rls` }, { id: 'j', state: 'pending' }] }));
  const parts = resources.map((_, i) => ({ cid: `c${i}@rls`, type: 'application/pidf+xml', body: pidf(`sip:u${i}@x`, 'open') }));
  assert.is(apply(list, reader, related(rlmi(LIST, 1, true, resources), parts)), RlsApply.TooManyResources);
  assert.is(list.count, 4);
  assert.is(list.overflowed, 6);
  assert.is(list.droppedInstances, 4, 'the second instance of each stored resource did not fit');
  assert.equal(snapshot(list).map((r) => r.display), [2, 2, 2, 2]);
  // Bigger than the RLMI reader's own bound: the body is refused as a whole.
  const huge = Array.from({ length: 40 }, (_, i) => ({ uri: `sip:h${i}@x` }));
  assert.is(apply(list, reader, related(rlmi(LIST, 2, true, huge), [])), RlsApply.BadBody);
  assert.is(reader.rlmi.read(reader.buffer, reader.partBodyOff[0]!, reader.partBodyEnd[0]!), RlmiError.TooManyResources);
  assert.is(list.count, 4, 'a refused body changes nothing');
  // More parts than the multipart bound.
  const small = new RlsBodyReader({ rlmi: { maxResources: 8, maxInstances: 8, textBytes: 1024, maxBytes: 8192 }, maxParts: 3, maxDepth: 0 });
  assert.is(apply(list, small, related(rlmi(LIST, 3, true, []), parts.slice(0, 5))), RlsApply.BadBody);
  assert.is(small.error, RlsBodyError.Multipart);
});

test('Content-ID matching (RFC 2392): cid: URLs with %-escapes, root by `start` or first part', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const doc = rlmi(LIST, 1, true, [{ uri: 'sip:a@x', instances: [{ id: '1', state: 'active', cid: 'cid:a%2Bb@rls' }] }]);
  assert.is(apply(list, reader, related(doc, [{ cid: 'a+b@rls', type: 'application/pidf+xml', body: pidf('sip:a@x', 'open') }])), RlsApply.Applied);
  assert.is(list.resources[0]!.display, PresenceDisplay.Available);
  assert.is(list.unreadableParts, 0);
  // Without `start` the root is the first part (RFC 2387 §3.2).
  const n = related(doc, []);
  const noStart = enc('multipart/related; type="application/rlmi+xml"; boundary=bNdRy42');
  assert.is(reader.read(noStart, 0, noStart.length, n.body, 0, n.body.length), RlsBodyError.None);
  assert.is(reader.root, 0);
  // A `start` naming no part, a root that is not RLMI, a non-related body, a bad Content-Type.
  const wrongStart = enc('multipart/related;type="application/rlmi+xml";start="<nope@x>";boundary=bNdRy42');
  assert.is(reader.read(wrongStart, 0, wrongStart.length, n.body, 0, n.body.length), RlsBodyError.NoRoot);
  const asPidf = related(pidf('sip:a@x', 'open'), []);
  const pidfFirst = { ...asPidf, body: enc(asPidf.text.replace('application/rlmi+xml;charset', 'application/pidf+xml;charset')) };
  assert.is(reader.read(pidfFirst.contentType, 0, pidfFirst.contentType.length, pidfFirst.body, 0, pidfFirst.body.length), RlsBodyError.RootNotRlmi);
  const plain = enc('application/pidf+xml');
  assert.is(reader.read(plain, 0, plain.length, n.body, 0, n.body.length), RlsBodyError.NotRelated);
  const bad = enc('multipart/');
  assert.is(reader.read(bad, 0, bad.length, n.body, 0, n.body.length), RlsBodyError.BadContentType);
  // A cid naming no part, and a part of a type we do not read: counted, the resource stays Unknown.
  const missing = related(rlmi(LIST, 2, true, [{ uri: 'sip:a@x', instances: [{ id: '1', state: 'active', cid: 'gone@rls' }] }, { uri: 'sip:b@x', instances: [{ id: '1', state: 'active', cid: 'txt@rls' }] }]),
    [{ cid: 'txt@rls', type: 'text/plain', body: 'hello' }]);
  assert.is(apply(list, reader, missing), RlsApply.Applied);
  assert.is(list.unreadableParts, 2);
  assert.is(list.resources[list.find(enc('sip:b@x'))]!.display, PresenceDisplay.Unknown);
});

test('nesting deeper than the reader allows is refused for that part only', () => {
  const inner = related(rlmi('sip:inner@x', 1, true, [{ uri: 'sip:deep@x' }]), [], 'inNer');
  const outerDoc = rlmi(LIST, 1, true, [{ uri: 'sip:inner@x', instances: [{ id: '1', state: 'active', cid: 'sub@rls' }] }]);
  const typeOfInner = Buffer.from(inner.contentType).toString('latin1');
  const n = related(outerDoc, [{ cid: 'sub@rls', type: typeOfInner, body: inner.text }]);
  const flat = new RlsBodyReader({ rlmi: { maxResources: 8, maxInstances: 8, textBytes: 1024, maxBytes: 8192 }, maxParts: 8, maxDepth: 0 });
  const list = new ResourceList();
  assert.is(apply(list, flat, n), RlsApply.Applied);
  assert.is(list.unreadableParts, 1);
  assert.is(list.find(enc('sip:deep@x')), -1);
  const nested = new RlsBodyReader();
  const list2 = new ResourceList();
  assert.is(apply(list2, nested, n), RlsApply.Applied);
  assert.is(list2.resources[list2.find(enc('sip:deep@x'))]!.parent, list2.find(enc('sip:inner@x')));
  // The nested list disappears from a later full state: its members go with it.
  assert.is(apply(list2, nested, related(rlmi(LIST, 2, true, []), [])), RlsApply.Applied);
  assert.is(list2.count, 0);
});

test.run();
