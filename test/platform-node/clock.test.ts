// nodeClock and NodeTimer: monotonic time, firing order, replacement, cancel, past instants
// (asynchronous, never inside schedule()), close.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeClock, NodeTimer, nodeHost } from '../../platform/node/index.js';
import type { Clock, Timer } from '../../platform/host/index.js';
import { delay, signal } from './helpers.js';

test('the clock is monotonic and in milliseconds; wall time is epoch ms', async () => {
  const a = nodeClock.now();
  await delay(20);
  const b = nodeClock.now();
  assert.ok(b - a >= 19 && b - a < 2000, `elapsed ${b - a}`);
  let last = nodeClock.now();
  for (let i = 0; i < 1000; i++) {
    const t = nodeClock.now();
    assert.ok(t >= last);
    last = t;
  }
  const wall = nodeClock.wallTime!()!;
  assert.ok(Math.abs(wall - Date.now()) < 1000);
});

test('timers fire in the order of their instants, each with now >= its instant', async () => {
  const fired: { name: string; at: number; now: number; self: boolean }[] = [];
  const all = signal<void>();
  const timers: Timer[] = [];
  const start = nodeClock.now();
  try {
    for (const [name, offset] of [['c', 60], ['a', 20], ['b', 40]] as const) {
      const at = start + offset;
      const timer: Timer = new NodeTimer({
        onExpired(this: Timer, now) {
          fired.push({ name, at, now, self: this === timer });
          if (fired.length === 3) all.resolve();
        },
      });
      timers.push(timer);
      timer.schedule(at);
    }
    await all.wait(2000, 'three timers');
    assert.equal(fired.map((f) => f.name), ['a', 'b', 'c']);
    for (const f of fired) {
      assert.ok(f.now >= f.at, `${f.name} fired at ${f.now}, before its instant ${f.at}`);
      assert.ok(f.self, 'this is the timer');
    }
  } finally {
    for (const t of timers) t.close();
  }
});

test('schedule() replaces the earlier instant; cancel() stops it; scheduling again works', async () => {
  const hits: number[] = [];
  const timer = new NodeTimer({ onExpired: (now) => hits.push(now) });
  try {
    const t0 = nodeClock.now();
    timer.schedule(t0 + 15);
    timer.schedule(t0 + 60); // replaces
    await delay(35);
    assert.is(hits.length, 0, 'the replaced instant did not fire');
    await delay(60);
    assert.is(hits.length, 1, 'the replacing instant fired once');
    timer.schedule(nodeClock.now() + 10);
    timer.cancel();
    await delay(40);
    assert.is(hits.length, 1, 'cancelled');
    const again = signal<void>();
    const t1 = new NodeTimer({ onExpired: () => again.resolve() });
    try {
      t1.schedule(nodeClock.now() + 5);
      t1.cancel();
      t1.schedule(nodeClock.now() + 5);
      await again.wait(1000, 'reschedule after cancel');
    } finally {
      t1.close();
    }
  } finally {
    timer.close();
  }
});

test('a past instant fires soon, from the event loop, never inside schedule()', async () => {
  let inSchedule = false;
  let reentered = false;
  const fired = signal<number>();
  const timer = new NodeTimer({ onExpired: (now) => { reentered ||= inSchedule; fired.resolve(now); } });
  try {
    const past = nodeClock.now() - 1000;
    inSchedule = true;
    timer.schedule(past);
    inSchedule = false;
    assert.is(fired.settled, false, 'not synchronous');
    const now = await fired.wait(500, 'past instant');
    assert.ok(now >= past);
    assert.is(reentered, false);
  } finally {
    timer.close();
  }
});

test('a timer on a clock that lags setTimeout re-arms instead of firing early', async () => {
  // A clock running 30 ms behind real time: setTimeout wakes first, the timer must wait.
  const origin = nodeClock.now();
  const lagging: Clock = { now: () => (nodeClock.now() - origin) * 0.5 };
  const fired = signal<number>();
  const timer = new NodeTimer({ onExpired: (now) => fired.resolve(now) }, { clock: lagging });
  try {
    timer.schedule(30);
    const now = await fired.wait(1000, 'lagging-clock timer');
    assert.ok(now >= 30, `fired at ${now}`);
    assert.ok(nodeClock.now() - origin >= 55, 'waited for the clock, not for setTimeout');
  } finally {
    timer.close();
  }
});

test('close is idempotent and stops the timer; schedule after close throws; bad options throw', async () => {
  let hits = 0;
  const host = nodeHost({ dns: false, unrefTimers: true });
  const timer = new host.Timer({ onExpired: () => { hits++; } });
  timer.schedule(host.clock.now() + 5);
  timer.close();
  timer.close();
  await delay(30);
  assert.is(hits, 0);
  assert.throws(() => timer.schedule(0), /after close/);
  assert.throws(() => new NodeTimer({} as never), /onExpired/);
  assert.throws(() => new NodeTimer({ onExpired: () => {} }).schedule(NaN), /number/);
});

test.run();
