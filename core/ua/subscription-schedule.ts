// Which subscription machines the UA must look at, so that the work per message does not grow
// with the number of subscriptions (issue #4: 50-200 buddies on an interpreter like QuickJS).
// smoltcp / quinn-proto style: instead of polling every machine after every input and asking
// every machine for its deadline, the machines say when they have output (a ready queue) and
// when their deadline moves (an indexed deadline heap). Keys are the UA's subscription slots.
//
// - Ready queue: a FIFO ring of slots plus a flag per slot, so a slot is queued at most once and
//   the ring never overflows. FIFO keeps the order the machines were fed in (several machines fed
//   by one input: registration restored, a timeout round) the order of the slots, as the UA's
//   former full scan had it.
// - Deadlines: a DeadlineHeap (O(log n) set/cancel, O(1) minimum). `takeDue` hands out the due
//   slots in slot order, again the order of the former scan.
// Everything is allocated in the constructor; nothing per message.
import type { SubscriptionScheduler } from '../event/machine.js';
import { DeadlineHeap, NO_TIMER } from '../timers/deadline-heap.js';

export class SubscriptionSchedule implements SubscriptionScheduler {
  readonly capacity: number;
  private readonly ring: Int32Array;
  private readonly queued: Uint8Array;
  private head = 0;
  private count = 0;
  private readonly deadlines: DeadlineHeap;
  private readonly due: Int32Array;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.ring = new Int32Array(this.capacity);
    this.queued = new Uint8Array(this.capacity);
    this.deadlines = new DeadlineHeap(this.capacity);
    this.due = new Int32Array(this.capacity);
  }

  outputReady(key: number): void {
    if (this.queued[key] === 1) return;
    this.queued[key] = 1;
    let at = this.head + this.count;
    if (at >= this.capacity) at -= this.capacity;
    this.ring[at] = key;
    this.count++;
  }

  deadlineMoved(key: number, at: number): void {
    if (at === Number.POSITIVE_INFINITY) this.deadlines.cancel(key);
    else this.deadlines.set(key, at);
  }

  /** Slots waiting to be polled. */
  get readyCount(): number {
    return this.count;
  }

  /** The next slot whose machine may have output (oldest first), or -1. A slot fed again after this is queued again. */
  nextReady(): number {
    if (this.count === 0) return -1;
    const key = this.ring[this.head]!;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    this.queued[key] = 0;
    return key;
  }

  /** The earliest deadline of all machines, Infinity when none. */
  nextDeadline(): number {
    return this.deadlines.size === 0 ? Number.POSITIVE_INFINITY : this.deadlines.nextDeadline();
  }

  /**
   * Takes every slot whose deadline is ≤ now out of the heap (the machine re-arms its own when it
   * handles the timeout) and returns how many; read them with dueAt(i), in slot order.
   */
  takeDue(now: number): number {
    const due = this.due;
    let n = 0;
    let key: number;
    while ((key = this.deadlines.popExpired(now)) !== NO_TIMER) {
      // Insertion sort: almost always one slot.
      let i = n++;
      while (i > 0 && due[i - 1]! > key) { due[i] = due[i - 1]!; i--; }
      due[i] = key;
    }
    return n;
  }

  dueAt(i: number): number {
    return this.due[i]!;
  }

  /** The slot was freed: its deadline goes (a queued ready entry stays harmless: the UA skips empty slots). */
  forget(key: number): void {
    this.deadlines.cancel(key);
  }
}
