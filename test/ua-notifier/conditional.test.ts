// RFC 5839 conditional event notification, notifier side, against a hand-driven watcher: every
// NOTIFY carries SIP-ETag; a SUBSCRIBE whose Suppress-If-Match names the current tag (or "*") is
// answered 204 No Notification with the granted Expires and no NOTIFY; a stale tag gets 200 and
// the state. Plus the pure decisions of core/event/notifier-machine.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeWatcher, bodyOf, header, pair } from './helpers.js';
import { WatcherMachine, grantedExpires, suppressesNotify, WATCHER_EDGES } from '../../core/event/notifier-machine.js';

test('Suppress-If-Match: current tag or * → 204 and no NOTIFY; stale tag → 200 and a NOTIFY with the new tag', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog');
  const w = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'c1', 'wt');
  w.subscribe('dialog', 600);
  net.run(50);
  const tag0 = header(w.notifies[0]!, 'SIP-ETag');
  assert.ok(tag0.length > 0);

  w.subscribe('dialog', 600, [`Suppress-If-Match: ${tag0}`]);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 204 No Notification\r\n/);
  assert.is(header(w.lastResponse(), 'Expires'), '600', 'the 204 refreshes the subscription');
  assert.is(w.notifies.length, 1, 'no NOTIFY');

  w.subscribe('dialog', 600, ['Suppress-If-Match: *']);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 204 /);
  assert.is(w.notifies.length, 1);

  bob.ua.setDialogState([{ id: 'c', state: 'confirmed' }], net.now); bob.drain();
  net.run(50);
  const tag1 = header(w.notifies[1]!, 'SIP-ETag');
  assert.is.not(tag1, tag0);
  w.subscribe('dialog', 600, [`Suppress-If-Match: ${tag0}`]);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 200 /, 'a stale tag: the state is sent');
  assert.is(w.notifies.length, 3);
  assert.is(header(w.notifies[2]!, 'SIP-ETag'), tag1);
  assert.match(bodyOf(w.notifies[2]!), /<state>confirmed<\/state>/);

  // A refresh without the header: always a NOTIFY (RFC 6665 §4.2.1.2).
  w.subscribe('dialog', 600);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 200 /);
  assert.is(w.notifies.length, 4);
  // A malformed tag (not a token) suppresses nothing.
  w.subscribe('dialog', 600, [`Suppress-If-Match: "${tag1}"`]);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 200 /);
  assert.is(w.notifies.length, 5);
});

test('a new subscription with the current tag (resuming) → 204, dialog created, no NOTIFY; pending ones are never suppressed', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog');
  const first = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'r1', 'a');
  first.subscribe('dialog', 600);
  net.run(50);
  const tag = header(first.notifies[0]!, 'SIP-ETag');
  const again = new FakeWatcher(net.addPeer('10.0.0.8', 5060), 'r2', 'b');
  again.subscribe('dialog', 600, [`Suppress-If-Match: ${tag}`]);
  net.run(50);
  assert.match(again.lastResponse(), /^SIP\/2\.0 204 /);
  assert.match(header(again.lastResponse(), 'To'), /;tag=/, 'the 204 creates the dialog');
  assert.match(again.lastResponse(), /\r\nContact: <sip:bob@10\.0\.0\.2:5070;transport=udp>\r\n/);
  assert.is(again.notifies.length, 0);
  assert.is(bob.ua.watcherCount(), 2);
  // …and later changes reach it.
  bob.ua.setDialogState([{ id: 'c', state: 'early' }], net.now); bob.drain();
  net.run(50);
  assert.is(again.notifies.length, 1);
  assert.match(bodyOf(again.notifies[0]!), /version="0"/, 'its first NOTIFY is its version 0');
});

test('notifier-machine: Expires grant, suppression rule, Subscription-State text, edges as data', () => {
  assert.is(grantedExpires(-1, 3600, 600), 600);
  assert.is(grantedExpires(120, 3600, 600), 120);
  assert.is(grantedExpires(0, 3600, 600), 0);
  assert.is(suppressesNotify('', 'x'), false);
  assert.is(suppressesNotify('x', ''), false);
  assert.is(suppressesNotify('x', 'x'), true);
  assert.is(suppressesNotify('*', 'y'), true);
  assert.is(suppressesNotify('x', 'y'), false);
  const m = new WatcherMachine(true);
  m.grant(1000, 60);
  assert.is(m.subscriptionState(1000), 'pending;expires=60');
  assert.is(m.subscriptionState(31_500), 'pending;expires=29', 'never more than is left (29.5 s)');
  const f = new WatcherMachine(false);
  f.grant(12_345.678, 60);
  assert.is(f.subscriptionState(12_345.678), 'active;expires=60', 'a fractional clock does not round 60 s up to 61');
  assert.ok(m.claimNotify());
  assert.not.ok(m.claimNotify(), 'one NOTIFY in flight');
  assert.ok(m.notifyAnswered(), 'the newer state follows');
  m.activate();
  m.end('unsubscribe');
  assert.is(m.subscriptionState(2000), 'terminated;reason=timeout');
  assert.throws(() => m.activate(), /no edge terminating -> active/);
  assert.equal(WATCHER_EDGES.terminated, []);
});

test.run();
