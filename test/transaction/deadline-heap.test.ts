import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeadlineHeap, NO_DEADLINE, NO_TIMER } from '../../core/timers/deadline-heap.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('empty heap has no deadline and nothing expires', () => {
  const h = new DeadlineHeap(4);
  assert.is(h.nextDeadline(), NO_DEADLINE);
  assert.is(h.popExpired(1e12), NO_TIMER);
  assert.is(h.cancel(2), false);
});

test('set, reschedule, cancel and expire in deadline order', () => {
  const h = new DeadlineHeap(8);
  h.set(3, 300);
  h.set(1, 100);
  h.set(5, 500);
  assert.is(h.nextDeadline(), 100);
  h.set(1, 400); // reschedule later
  assert.is(h.nextDeadline(), 300);
  h.set(5, 50); // reschedule earlier
  assert.is(h.nextDeadline(), 50);
  assert.is(h.deadlineOf(1), 400);
  assert.ok(h.cancel(3));
  assert.is(h.has(3), false);
  assert.is(h.popExpired(49), NO_TIMER);
  assert.is(h.popExpired(1000), 5);
  assert.is(h.popExpired(1000), 1);
  assert.is(h.popExpired(1000), NO_TIMER);
  assert.is(h.size, 0);
});

test('equal deadlines expire in the order they were set', () => {
  const h = new DeadlineHeap(16);
  const order = [7, 2, 9, 0, 15, 4];
  for (const k of order) h.set(k, 1000);
  const out: number[] = [];
  let k: number;
  while ((k = h.popExpired(1000)) !== NO_TIMER) out.push(k);
  assert.equal(out, order);
});

test('random operations agree with a reference model (10k keys)', () => {
  const n = 10_000;
  const h = new DeadlineHeap(n);
  const model = new Map<number, { at: number; seq: number }>();
  const rnd = prng(42);
  let seq = 0;
  let now = 0;
  for (let step = 0; step < 60_000; step++) {
    const r = rnd();
    const key = Math.floor(rnd() * n);
    if (r < 0.5) {
      const at = now + Math.floor(rnd() * 5000);
      h.set(key, at);
      model.set(key, { at, seq: seq++ });
    } else if (r < 0.7) {
      assert.is(h.cancel(key), model.delete(key));
    } else {
      now += Math.floor(rnd() * 200);
      let k: number;
      while ((k = h.popExpired(now)) !== NO_TIMER) {
        // The popped key must be the model's minimum (deadline, then sequence).
        let best = -1;
        let bestAt = Infinity;
        let bestSeq = Infinity;
        for (const [mk, v] of model) {
          if (v.at < bestAt || (v.at === bestAt && v.seq < bestSeq)) { best = mk; bestAt = v.at; bestSeq = v.seq; }
        }
        assert.is(k, best);
        assert.ok(bestAt <= now);
        model.delete(k);
      }
    }
    assert.is(h.size, model.size);
    if (step % 997 === 0) {
      let min = Infinity;
      for (const v of model.values()) min = Math.min(min, v.at);
      assert.is(h.nextDeadline(), model.size ? min : NO_DEADLINE);
    }
  }
});

test('clear disarms everything and keys are reusable', () => {
  const h = new DeadlineHeap(3);
  h.set(0, 1); h.set(1, 2); h.set(2, 3);
  h.clear();
  assert.is(h.size, 0);
  assert.is(h.has(1), false);
  h.set(1, 9);
  assert.is(h.popExpired(9), 1);
});

test.run();
