// UserAgent.refreshSubscription: a SUBSCRIBE now rather than at the refresh deadline, so the
// notifier sends full state (RFC 6665 §4.2.2) — what an application does after editing a resource
// list on the server, or when it doubts the state it holds. Two UAs in memory, virtual time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BOB_AOR, pair } from './helpers.js';

test('refreshSubscription sends an in-dialog SUBSCRIBE at once and the notifier answers with a NOTIFY', () => {
  const { net, alice, bob } = pair();
  assert.ok(bob.ua.serve('dialog').ok);
  const id = alice.ua.subscribe(BOB_AOR, 'dialog', net.now, { expires: 600 }).unwrap();
  alice.drain();
  net.run(50);
  const subscribes = (): string[] => alice.sent.filter((s) => s.startsWith('SUBSCRIBE '));
  assert.is(subscribes().length, 1);
  const notifies = alice.of('notify').length;
  assert.is(notifies, 1);

  net.run(1000); // nowhere near the refresh deadline of a 600 s subscription
  assert.is(subscribes().length, 1);
  assert.ok(alice.ua.refreshSubscription(id, net.now).ok);
  alice.drain();
  net.run(50);
  const refresh = subscribes()[1]!;
  assert.ok(refresh !== undefined, 'a second SUBSCRIBE went out');
  assert.match(refresh, /\r\nCSeq: 2 SUBSCRIBE\r\n/);
  const firstTo = /\r\nTo: ([^\r]*)\r\n/.exec(subscribes()[0]!)![1]!;
  assert.not.ok(firstTo.includes('tag='), 'the initial SUBSCRIBE has no To tag');
  assert.match(refresh, /\r\nTo: [^\r]*;tag=/, 'the refresh is inside the dialog');
  // RFC 5839 §5: naming the state we hold would let bob answer 204 and send nothing.
  assert.not.match(refresh, /Suppress-If-Match/i, 'a refresh for full state names no entity-tag');
  assert.is(alice.of('notify').length, notifies + 1, 'the refresh brought a NOTIFY with the state');
  const states = alice.of('subscription').filter((e) => e.id === id).map((e) => e.state);
  assert.is(states[states.length - 1], 'active');
});

test('refreshSubscription is refused for an unknown id and while a SUBSCRIBE is in flight', () => {
  const { net, alice, bob } = pair();
  bob.ua.serve('dialog');
  assert.is(alice.ua.refreshSubscription(99, net.now).err, true);
  const id = alice.ua.subscribe(BOB_AOR, 'dialog', net.now).unwrap();
  // The initial SUBSCRIBE is still unanswered: not refreshable yet.
  const r = alice.ua.refreshSubscription(id, net.now);
  assert.is(r.err, true);
  if (r.err) assert.is(r.val.code, 'not-refreshable');
});

test.run();
