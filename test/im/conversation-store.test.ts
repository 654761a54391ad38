import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ConversationStore, DELIVERY_TRANSITIONS, E_STORE_FULL, E_STORE_ILLEGAL_TRANSITION, E_STORE_UNKNOWN_ID, E_STORE_TEXT_TOO_LONG,
  E_STORE_TOO_MANY_CONVERSATIONS, type DeliveryInput, type DeliveryState, type Direction, type StoreEvent,
} from '../../core/im/conversation-store.js';

const BOB = 'sip:bob@example.com';
const STATES: DeliveryState[] = ['queued', 'sent', 'delivered', 'displayed', 'failed'];
const INPUTS: DeliveryInput[] = ['transmitted', 'delivered', 'displayed', 'failed', 'retry'];

// The expected table, written out independently of the implementation: [direction, from, input, to | null].
const EXPECTED: [Direction, DeliveryState, DeliveryInput, DeliveryState | null][] = [
  ['out', 'queued', 'transmitted', 'sent'], ['out', 'queued', 'delivered', 'delivered'], ['out', 'queued', 'displayed', null],
  ['out', 'queued', 'failed', 'failed'], ['out', 'queued', 'retry', null],
  ['out', 'sent', 'transmitted', 'sent'], ['out', 'sent', 'delivered', 'delivered'], ['out', 'sent', 'displayed', 'displayed'],
  ['out', 'sent', 'failed', 'failed'], ['out', 'sent', 'retry', null],
  ['out', 'delivered', 'transmitted', null], ['out', 'delivered', 'delivered', 'delivered'], ['out', 'delivered', 'displayed', 'displayed'],
  ['out', 'delivered', 'failed', 'failed'], ['out', 'delivered', 'retry', null],
  ['out', 'displayed', 'transmitted', null], ['out', 'displayed', 'delivered', 'displayed'], ['out', 'displayed', 'displayed', 'displayed'],
  ['out', 'displayed', 'failed', null], ['out', 'displayed', 'retry', null],
  ['out', 'failed', 'transmitted', null], ['out', 'failed', 'delivered', 'delivered'], ['out', 'failed', 'displayed', 'displayed'],
  ['out', 'failed', 'failed', null], ['out', 'failed', 'retry', 'queued'],
  ['in', 'delivered', 'transmitted', null], ['in', 'delivered', 'delivered', 'delivered'], ['in', 'delivered', 'displayed', 'displayed'],
  ['in', 'delivered', 'failed', null], ['in', 'delivered', 'retry', null],
  ['in', 'displayed', 'transmitted', null], ['in', 'displayed', 'delivered', null], ['in', 'displayed', 'displayed', 'displayed'],
  ['in', 'displayed', 'failed', null], ['in', 'displayed', 'retry', null],
];

// Inputs that drive a fresh message into each state.
const PATH: Record<Direction, Partial<Record<DeliveryState, DeliveryInput[]>>> = {
  out: { queued: [], sent: ['transmitted'], delivered: ['transmitted', 'delivered'], displayed: ['transmitted', 'displayed'], failed: ['failed'] },
  in: { delivered: [], displayed: ['displayed'] },
};

function events(s: ConversationStore): StoreEvent[] {
  const out: StoreEvent[] = [];
  for (let e = s.pollEvent(); e; e = s.pollEvent()) out.push(e);
  return out;
}

test('the table in the code is exactly the expected table (every state × input)', () => {
  let checked = 0;
  for (const [dir, from, input, to] of EXPECTED) {
    assert.is(DELIVERY_TRANSITIONS[dir][from][input] ?? null, to, `${dir} ${from} --${input}-->`);
    checked++;
  }
  assert.is(checked, 2 * STATES.length * INPUTS.length - 3 * INPUTS.length, 'incoming messages are never queued/sent/failed');
  for (const s of ['queued', 'sent', 'failed'] as const) assert.equal(DELIVERY_TRANSITIONS.in[s], {});
});

for (const [dir, from, input, to] of EXPECTED) {
  test(`store: ${dir} ${from} --${input}--> ${to ?? 'refused'}`, () => {
    const store = new ConversationStore({ capacityPerConversation: 2, maxConversations: 1 });
    const added = dir === 'out' ? store.addOutgoing(BOB, 'hi', 0) : store.addIncoming(BOB, 'hi', 0);
    const id = added.val as number;
    for (const step of PATH[dir][from]!) assert.ok(store.apply(id, step, 1).ok);
    assert.is(store.get(id)!.state, from);
    events(store);
    const r = store.apply(id, input, 2, 408);
    if (to === null) {
      assert.ok(r.err);
      assert.is(r.val, E_STORE_ILLEGAL_TRANSITION);
      assert.is(store.get(id)!.state, from, 'a refused input changes nothing');
      assert.equal(events(store), []);
    } else {
      assert.ok(r.ok);
      assert.is(store.get(id)!.state, to);
      assert.is(store.get(id)!.failureCode, to === 'failed' ? 408 : (input === 'retry' ? 0 : store.get(id)!.failureCode));
      assert.equal(events(store), from === to ? [] : [{ kind: 'state', id, from, to, code: to === 'failed' ? 408 : 0 }]);
    }
  });
}

test('records: direction, peer, text, key, timestamps, failure code; unknown id', () => {
  const store = new ConversationStore();
  const id = store.addOutgoing(BOB, 'Hello World', 100, '34jk324j').val as number;
  store.apply(id, 'transmitted', 150);
  store.apply(id, 'failed', 200, 480);
  const m = store.get(id)!;
  assert.equal([m.id, m.direction, m.peer, m.text, m.key, m.createdAt, m.updatedAt, m.state, m.failureCode], [id, 'out', BOB, 'Hello World', '34jk324j', 100, 200, 'failed', 480]);
  assert.ok(Number.isNaN(m.remoteTime));
  store.apply(id, 'retry', 300);
  assert.is(store.get(id)!.failureCode, 0);
  const inId = store.addIncoming(BOB, 'Hi', 400, 'k2', 123).val as number;
  assert.equal([store.get(inId)!.direction, store.get(inId)!.state, store.get(inId)!.remoteTime], ['in', 'delivered', 123]);
  assert.is(store.findByKey('34jk324j'), id);
  assert.is(store.findByKey('34jk324j', 'sip:other@x'), -1);
  assert.is(store.apply(9999, 'delivered', 0).val, E_STORE_UNKNOWN_ID);
  assert.is(store.addOutgoing(BOB, 'x'.repeat(5000), 0).val, E_STORE_TEXT_TOO_LONG);
});

test('overflow evicts the oldest delivered message first (read before unread), with an event', () => {
  const store = new ConversationStore({ capacityPerConversation: 4, maxConversations: 1 });
  const unread = store.addIncoming(BOB, 'unread', 1).val as number;        // in, delivered
  const pending = store.addOutgoing(BOB, 'pending', 2).val as number;      // out, queued
  const done = store.addOutgoing(BOB, 'done', 3).val as number;
  store.apply(done, 'delivered', 3);
  const read = store.addIncoming(BOB, 'read', 4).val as number;
  store.apply(read, 'displayed', 4);
  events(store);
  store.addOutgoing(BOB, 'fifth', 5);
  const [first] = events(store);
  assert.is(first!.kind, 'evicted');
  assert.equal(first!.kind === 'evicted' && [first.message.id, first.message.text, first.unread], [done, 'done', false], 'oldest delivered, not the older unread one');
  store.addOutgoing(BOB, 'sixth', 6);
  const [second] = events(store);
  assert.equal(second!.kind === 'evicted' && [second.message.id, second.unread], [read, false]);
  store.addOutgoing(BOB, 'seventh', 7);
  const [third] = events(store);
  assert.equal(third!.kind === 'evicted' && [third.message.id, third.message.text, third.unread], [unread, 'unread', true], 'unread goes last, and says so');
  assert.equal(store.list(BOB).map((m) => m.text), ['pending', 'fifth', 'sixth', 'seventh'], 'order kept through the ring');
  assert.ok(store.get(pending));
});

test('never drops an undelivered outgoing message: E_STORE_FULL, nothing stored, nothing evicted', () => {
  const store = new ConversationStore({ capacityPerConversation: 3, maxConversations: 1 });
  const a = store.addOutgoing(BOB, 'a', 1).val as number;
  const b = store.addOutgoing(BOB, 'b', 2).val as number;
  store.apply(b, 'transmitted', 2);
  const c = store.addOutgoing(BOB, 'c', 3).val as number;
  store.apply(c, 'failed', 3, 503);
  events(store);
  const r = store.addIncoming(BOB, 'incoming', 4);
  assert.ok(r.err);
  assert.is(r.val, E_STORE_FULL);
  assert.is(store.addOutgoing(BOB, 'd', 4).val, E_STORE_FULL);
  assert.equal(events(store), []);
  assert.equal(store.list(BOB).map((m) => [m.text, m.state]), [['a', 'queued'], ['b', 'sent'], ['c', 'failed']]);
  // Once one is delivered, there is room again.
  store.apply(a, 'delivered', 5);
  assert.ok(store.addOutgoing(BOB, 'd', 6).ok);
  assert.equal(store.list(BOB).map((m) => m.text), ['b', 'c', 'd']);
});

test('conversations are bounded too: a quiet one is recycled (events), a busy one is not', () => {
  const store = new ConversationStore({ capacityPerConversation: 2, maxConversations: 2 });
  const x = store.addIncoming('sip:x@h', 'from x', 1).val as number;
  store.apply(x, 'displayed', 1);
  store.addOutgoing('sip:y@h', 'to y', 2);
  events(store);
  assert.ok(store.addOutgoing('sip:z@h', 'to z', 3).ok);
  assert.equal(events(store).map((e) => e.kind === 'evicted' && e.message.text), ['from x']);
  assert.equal(store.peers(), ['sip:z@h', 'sip:y@h']);
  assert.is(store.addOutgoing('sip:w@h', 'to w', 4).val, E_STORE_TOO_MANY_CONVERSATIONS, 'y and z hold queued texts');
  assert.is(store.size, 2);
});

test('a long run stays bounded and keeps ids unique', () => {
  const store = new ConversationStore({ capacityPerConversation: 8, maxConversations: 4 });
  const ids = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const peer = `sip:p${i % 6}@h`;
    const r = store.addOutgoing(peer, `m${i}`, i);
    if (r.ok) {
      ids.add(r.val);
      store.apply(r.val, 'delivered', i);
    }
    events(store);
  }
  assert.ok(store.size <= 32);
  assert.is(ids.size, 2000);
});

test.run();
