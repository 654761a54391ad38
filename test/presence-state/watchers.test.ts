// Watcher info (RFC 3857/3858): the §5 example, partial updates and versions, approve/deny.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WatcherTable, WinfoApply, WatcherDecision } from '../../core/presence/watchers.js';
import { WatcherinfoReader, WatcherStatus } from '../../core/presence/documents/watcherinfo.js';
import { bodyFile, enc } from './helpers.js';

const example = () => bodyFile('rfc3858/body-5-L253-watcherinfo.xml');
const doc = (version: number, state: 'full' | 'partial', watchers: string) => enc(`<?xml version="1.0"?>
<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="${version}" state="${state}">
  <watcher-list resource="sip:professor@example.net" package="presence">${watchers}</watcher-list>
</watcherinfo>`);
const w = (id: string, status: string, event: string, uri: string, name = '') =>
  `<watcher id="${id}" status="${status}" event="${event}"${name ? ` display-name="${name}"` : ''}>${uri}</watcher>`;

function apply(table: WatcherTable, reader: WatcherinfoReader, body: Uint8Array): number {
  return table.applyNotify(reader, body, 0, body.length);
}

const pendingOf = (table: WatcherTable) => {
  const out = new Int16Array(8);
  const n = table.pending(out);
  return Array.from(out.subarray(0, n), (i) => table.watchers[i]!.uri.text());
};

test('RFC 3858 §5: one active watcher, one pending waiting for the user', () => {
  const table = new WatcherTable();
  const reader = new WatcherinfoReader();
  assert.not.ok(table.known, 'unknown until the first NOTIFY');
  assert.is(apply(table, reader, example()), WinfoApply.Applied);
  assert.ok(table.known);
  assert.is(table.version, 0);
  assert.is(table.count, 2);
  assert.equal(pendingOf(table), ['sip:userB@example.org']);
  const b = table.watchers.find((x) => x.uri.text() === 'sip:userB@example.org')!;
  assert.is(b.displayName.text(), 'Mr. Subscriber');
  assert.is(b.id.text(), 'hh8juja87s997-ass7');
  assert.is(b.status, WatcherStatus.Pending);
});

test('approve / deny: queued for the application, not offered again; the server\'s update removes or activates', () => {
  const table = new WatcherTable();
  const reader = new WatcherinfoReader();
  apply(table, reader, example());
  const out = new Int16Array(4);
  assert.is(table.pending(out), 1);
  const slot = out[0]!;
  assert.ok(table.decide(slot, true));
  assert.not.ok(table.decide(slot, false), 'decided once');
  assert.is(table.watchers[slot]!.decision, WatcherDecision.Approved);
  assert.equal(pendingOf(table), []);
  assert.is(table.takeDecision(), slot);
  assert.is(table.takeDecision(), -1);
  // The server approves: partial version 1 moves userB to active.
  assert.is(apply(table, reader, doc(1, 'partial', w('hh8juja87s997-ass7', 'active', 'approved', 'sip:userB@example.org'))), WinfoApply.Applied);
  assert.is(table.watchers[slot]!.status, WatcherStatus.Active);
  // A new pending watcher; the user denies; the server then reports rejected/terminated.
  assert.is(apply(table, reader, doc(2, 'partial', w('c3', 'pending', 'subscribe', 'sip:carol@example.com', 'Carol'))), WinfoApply.Applied);
  assert.equal(pendingOf(table), ['sip:carol@example.com']);
  const carol = table.watchers.findIndex((x) => x.uri.text() === 'sip:carol@example.com');
  assert.ok(table.decide(carol, false));
  assert.is(table.watchers[carol]!.decision, WatcherDecision.Denied);
  assert.is(apply(table, reader, doc(3, 'partial', w('c3', 'terminated', 'rejected', 'sip:carol@example.com'))), WinfoApply.Applied);
  assert.is(table.count, 2);
  assert.is(table.takeDecision(), -1, 'the queued decision went with the watcher');
});

test('versions: stale ignored, a gap asks for full state, full state replaces the list', () => {
  const table = new WatcherTable();
  const reader = new WatcherinfoReader();
  apply(table, reader, example());
  assert.is(apply(table, reader, doc(0, 'partial', w('x', 'pending', 'subscribe', 'sip:x@x'))), WinfoApply.Stale);
  assert.is(table.count, 2);
  assert.is(apply(table, reader, doc(4, 'partial', w('x', 'pending', 'subscribe', 'sip:x@x'))), WinfoApply.NeedResubscribe);
  assert.is(table.count, 3, 'the newer state is applied anyway');
  assert.is(apply(table, reader, doc(7, 'full', w('y', 'waiting', 'subscribe', 'sip:y@y'))), WinfoApply.Applied);
  assert.equal(table.watchers.filter((x) => x.inUse).map((x) => x.uri.text()), ['sip:y@y']);
  assert.equal(pendingOf(table), ['sip:y@y'], 'waiting watchers ask for a decision too');
  // Empty body: no change; a broken body: refused.
  assert.is(table.applyNotify(reader, new Uint8Array(0), 0, 0), WinfoApply.Applied);
  const broken = enc('<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="8" state="full">');
  assert.is(apply(table, reader, broken), WinfoApply.BadBody);
  assert.is(table.count, 1);
  // The winfo subscription fails: the list is unknown, not empty-and-known.
  table.subscriptionFailed();
  assert.not.ok(table.known);
  assert.is(table.count, 0);
  assert.is(apply(table, reader, example()), WinfoApply.Applied, 'version 0 accepted after a new subscription');
});

test('more watchers than the table: TooManyWatchers, bounded, no throw', () => {
  const table = new WatcherTable({ maxWatchers: 3, idBytes: 8, uriBytes: 32, nameBytes: 8 });
  const reader = new WatcherinfoReader();
  const many = Array.from({ length: 6 }, (_, i) => w(`id${i}`, 'pending', 'subscribe', `sip:u${i}@x`)).join('');
  assert.is(apply(table, reader, doc(1, 'full', many)), WinfoApply.TooManyWatchers);
  assert.is(table.count, 3);
  assert.is(table.overflowed, 3);
  // A watcher without id or URI cannot be tracked: skipped.
  assert.is(apply(table, reader, doc(2, 'full', '<watcher status="pending" event="subscribe"></watcher>')), WinfoApply.Applied);
  assert.is(table.count, 0);
});

test.run();
