import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WatcherinfoReader, WatcherStatus, WATCHER_EVENTS, PresenceDocError } from '../../core/presence/documents/index.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('RFC 3858 §5 example: one list, an active and a pending watcher', () => {
  const reader = new WatcherinfoReader();
  assert.is(reader.read(new Uint8Array(readFileSync(join(corpus, 'rfc3858/body-5-L253-watcherinfo.xml')))), PresenceDocError.None);
  const doc = reader.document;
  assert.is(doc.version, 0);
  assert.is(doc.full, true);
  assert.is(doc.listCount, 1);
  assert.is(doc.text(doc.lists[0]!.resource), 'sip:professor@example.net');
  assert.is(doc.text(doc.lists[0]!.packageName), 'presence');
  assert.is(doc.watcherCount, 2);
  const [a, b] = doc.watchers;
  assert.is(doc.text(a!.uri), 'sip:userA@example.net');
  assert.is(doc.text(a!.id), '8ajksjda7s');
  assert.is(a!.status, WatcherStatus.Active);
  assert.is(WATCHER_EVENTS[a!.event], 'approved');
  assert.is(a!.durationSubscribed, 509);
  assert.is(doc.text(b!.uri), 'sip:userB@example.org');
  assert.is(doc.text(b!.displayName), 'Mr. Subscriber');
  assert.is(b!.status, WatcherStatus.Pending);
  assert.is(WATCHER_EVENTS[b!.event], 'subscribe');
  assert.is(b!.list, 0);
});

test('partial state, limits, wrong root', () => {
  const reader = new WatcherinfoReader({ maxWatchers: 1, maxLists: 1, textBytes: 512, maxBytes: 4096 });
  const doc = `<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="3" state="partial">
    <watcher-list resource="sip:a@x" package="presence"><watcher id="1" status="terminated" event="rejected">sip:b@x</watcher>
    <watcher id="2" status="pending" event="subscribe">sip:c@x</watcher></watcher-list>
    <watcher-list resource="sip:a@x" package="dialog"/></watcherinfo>`;
  assert.is(reader.read(enc(doc)), PresenceDocError.None);
  assert.is(reader.document.full, false);
  assert.is(reader.document.version, 3);
  assert.is(reader.document.watcherCount, 1);
  assert.is(reader.document.watchers[0]!.status, WatcherStatus.Terminated);
  assert.is(reader.document.dropped, 2);
  assert.is(reader.read(enc('<watcherinfo/>')), PresenceDocError.WrongRoot);
  assert.is(reader.read(enc('<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo">')), PresenceDocError.Xml);
});

test.run();
