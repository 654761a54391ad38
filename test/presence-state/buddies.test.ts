// The buddy table: presence per target from PIDF NOTIFYs (own subscriptions) or from a resource
// list, with Unknown kept apart from Offline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BuddyTable, BuddySource, BuddySubscription, BuddyUpdate } from '../../core/presence/buddies.js';
import { PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import { RlsBodyReader, ResourceList, RlsApply } from '../../core/presence/rls/index.js';
import { bodyFile, enc } from './helpers.js';
import { corpusNotify, pidf, related, rlmi } from '../rls/helpers.js';

const PIDF = enc('application/pidf+xml; charset="UTF-8"');
const at10 = Date.UTC(2005, 4, 30, 10, 0, 0);

function presence(table: BuddyTable, slot: number, body: Uint8Array, now = at10): number {
  return table.onPresenceNotify(slot, PIDF, 0, PIDF.length, body, 0, body.length, now);
}

test('direct subscriptions: RFC 3863 open → Available; closed → Offline; failure → Unknown, not Offline', () => {
  const table = new BuddyTable();
  const s = table.add('sip:someone@example.com', 'Someone', BuddySource.Direct);
  assert.is(table.add('sip:someone@example.com', 'again', BuddySource.Direct), s, 'one slot per URI');
  const b = table.buddies[s]!;
  assert.is(b.display, PresenceDisplay.Unknown);
  table.onSubscription(s, BuddySubscription.Active, '', 1);
  assert.is(presence(table, s, bodyFile('rfc3863/body-4.2.2-L508-presence.xml')), BuddyUpdate.Applied);
  assert.is(b.display, PresenceDisplay.Available);
  assert.is(presence(table, s, enc(pidf('sip:someone@example.com', 'closed'))), BuddyUpdate.Applied);
  assert.is(b.display, PresenceDisplay.Offline);
  table.onSubscription(s, BuddySubscription.Failed, '403', 2);
  assert.is(b.display, PresenceDisplay.Unknown);
  assert.is(b.reason.text(), '403');
  assert.is(b.subscription, BuddySubscription.Failed);
  table.onSubscription(s, BuddySubscription.Pending, '', 3);
  assert.is(b.display, PresenceDisplay.Unknown, 'pending authorisation shows nothing yet');
});

test('RFC 4480 §4: away with until → falls back when until passes (tick with injected now)', () => {
  const table = new BuddyTable();
  const s = table.add('pres:someone@example.com', '', BuddySource.Direct);
  table.onSubscription(s, BuddySubscription.Active, '', 0);
  assert.is(presence(table, s, bodyFile('rfc4480/body-4-L866-presence.xml')), BuddyUpdate.Applied);
  const b = table.buddies[s]!;
  assert.is(b.display, PresenceDisplay.Away);
  const until = Date.UTC(2005, 4, 30, 12, 0, 0);
  assert.is(b.untilMs, until);
  assert.is(table.nextDeadline(), until);
  assert.is(table.tick(until - 1), 0);
  assert.is(table.tick(until), 1);
  assert.is.not(b.display, PresenceDisplay.Away);
  assert.is(b.display, b.displayAfterUntil);
  assert.is(table.nextDeadline(), Infinity);
});

test('empty bodies change nothing; wrong types and broken PIDF are refused without change', () => {
  const table = new BuddyTable();
  const s = table.add('sip:a@x', 'A', BuddySource.Direct);
  table.onSubscription(s, BuddySubscription.Active, '', 0);
  presence(table, s, enc(pidf('sip:a@x', 'open')));
  assert.is(table.onPresenceNotify(s, PIDF, 0, PIDF.length, new Uint8Array(0), 0, 0, 1), BuddyUpdate.NoChange);
  const xml = enc('application/xml');
  const body = enc(pidf('sip:a@x', 'closed'));
  assert.is(table.onPresenceNotify(s, xml, 0, xml.length, body, 0, body.length, 2), BuddyUpdate.WrongType);
  assert.is(presence(table, s, enc('<presence xmlns="urn:ietf:params:xml:ns:pidf">')), BuddyUpdate.BadBody);
  assert.is(presence(table, s, enc('<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>')), BuddyUpdate.BadBody);
  assert.is(table.buddies[s]!.display, PresenceDisplay.Available);
  assert.is(presence(table, 31, body), BuddyUpdate.NoBuddy);
});

test('from a resource list (RFC 4662 §6 steps 3 and 13): per-buddy state, names, pending and not-in-list', () => {
  const table = new BuddyTable();
  const bob = table.add('sip:bob@vancouver.example.com', '', BuddySource.List);
  const dave = table.add('sip:dave@vancouver.example.com', 'Dave', BuddySource.List);
  const ed = table.add('sip:ed@dallas.example.net', '', BuddySource.List);
  const joe = table.add('sip:joe@stockholm.example.org', '', BuddySource.List);
  const zoe = table.add('sip:zoe@example.com', 'Zoe', BuddySource.List);
  const own = table.add('sip:own@example.com', 'Own', BuddySource.Direct);
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const n3 = corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', (t) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"'));
  assert.is(list.applyNotify(reader, n3.contentType, 0, n3.contentType.length, n3.body, 0, n3.body.length, 0), RlsApply.Applied);
  table.fromList(list, 10);
  const v = (slot: number) => [table.buddies[slot]!.display, table.buddies[slot]!.subscription];
  assert.equal(v(bob), [PresenceDisplay.Available, BuddySubscription.Active]);
  assert.is(table.buddies[bob]!.name.text(), 'Bob Smith', 'the list supplies a missing name');
  assert.is(table.buddies[dave]!.name.text(), 'Dave', 'a configured name stays');
  assert.equal(v(dave), [PresenceDisplay.Offline, BuddySubscription.Active]);
  assert.equal(v(ed), [PresenceDisplay.Unknown, BuddySubscription.None], 'listed, no instance yet');
  assert.equal(v(joe), [PresenceDisplay.Unknown, BuddySubscription.Ended]);
  assert.is(table.buddies[zoe]!.reason.text(), 'not-in-list');
  assert.equal(v(own), [PresenceDisplay.Unknown, BuddySubscription.None], 'direct buddies are not touched');
  const n13 = corpusNotify('rfc4662/13-NOTIFY-multipart-related-nested.sip', (t) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml'));
  assert.is(list.applyNotify(reader, n13.contentType, 0, n13.contentType.length, n13.body, 0, n13.body.length, 0), RlsApply.Applied);
  table.fromList(list, 20);
  assert.equal(v(ed), [PresenceDisplay.Unknown, BuddySubscription.Pending]);
  assert.equal(v(joe), [PresenceDisplay.Available, BuddySubscription.Active], 'a member of the nested list');
  // A resource whose back-end subscription was rejected: Unknown with the reason.
  const rejected = related(rlmi('sip:adam-friends@pres.vancouver.example.com', 3, false, [{ uri: 'sip:bob@vancouver.example.com', instances: [{ id: 'juwigmtboe', state: 'terminated', reason: 'rejected' }] }]), []);
  assert.is(list.applyNotify(reader, rejected.contentType, 0, rejected.contentType.length, rejected.body, 0, rejected.body.length, 0), RlsApply.Applied);
  table.fromList(list, 30);
  assert.equal(v(bob), [PresenceDisplay.Unknown, BuddySubscription.Ended]);
  assert.is(table.buddies[bob]!.reason.text(), 'rejected');
  // The list subscription itself fails: every list buddy is Unknown.
  table.listFailed('489', 40);
  assert.equal(v(dave), [PresenceDisplay.Unknown, BuddySubscription.Failed]);
  assert.is(table.buddies[dave]!.reason.text(), '489');
});

test('bounded: adding past maxBuddies returns -1; notes are truncated to their slot', () => {
  const table = new BuddyTable({ maxBuddies: 2, uriBytes: 32, nameBytes: 8, noteBytes: 8, reasonBytes: 8 });
  assert.is(table.add('sip:a@x', 'A', BuddySource.Direct), 0);
  assert.is(table.add('sip:b@x', 'B', BuddySource.Direct), 1);
  assert.is(table.add('sip:c@x', 'C', BuddySource.Direct), -1);
  table.onSubscription(0, BuddySubscription.Active, '', 0);
  presence(table, 0, enc(pidf('sip:a@x', 'open', '<note>a rather long note indeed</note>')));
  assert.is(table.buddies[0]!.note.text(), 'a rather');
  assert.ok(table.buddies[0]!.note.truncated);
  table.remove(1);
  assert.is(table.count, 1);
  assert.is(table.add('sip:c@x', 'C', BuddySource.List), 1);
});

test.run();
