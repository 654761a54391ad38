// A fixed-capacity indexed binary min-heap of deadlines: the timer table behind every state
// machine that has more live timers than quinn-proto's handful (transactions: up to two per
// transaction, 10k+ transactions).
//
// Contract:
// - Timers are named by an integer key in [0, capacity). Each key holds at most one deadline, so
//   "set" both inserts and reschedules, and a cancelled or expired key can be reused at once.
// - Everything is allocated in the constructor; set/cancel/popExpired are O(log n), peeking the
//   next deadline and `has` are O(1). No callbacks: expiry is pulled with
//   `while ((key = heap.popExpired(now)) !== NO_TIMER) { ... }`, so the owner stays in control
//   (no re-entrancy) and may set new timers while draining.
// - Equal deadlines expire in the order they were set (a sequence number breaks ties), which makes
//   every run with the same inputs produce the same outputs.
// - Time is a number of milliseconds supplied by the caller; the heap never reads a clock.
import { TypedArena } from '../bytes/typed-arena.js';

/** Returned by `popExpired` when no timer is due, and by `nextDeadline` when none is set. */
export const NO_TIMER = -1;
export const NO_DEADLINE = -1;

export class DeadlineHeap {
  readonly capacity: number;
  /** Live timers. */
  size = 0;
  /** Heap order: key, deadline and tie-breaking sequence at each heap position. */
  private readonly heapKey: Int32Array;
  private readonly heapAt: Float64Array;
  private readonly heapSeq: Float64Array;
  /** Key → heap position, or -1 when the key has no timer. */
  private readonly position: Int32Array;
  private sequence = 0;

  constructor(capacity: number) {
    if (!(capacity > 0) || capacity !== Math.floor(capacity)) throw new RangeError('DeadlineHeap capacity must be a positive integer');
    this.capacity = capacity;
    const arena = new TypedArena(capacity * 24 + 16);
    this.heapAt = arena.f64(capacity);
    this.heapSeq = arena.f64(capacity);
    this.heapKey = arena.i32(capacity);
    this.position = arena.i32(capacity).fill(-1);
  }

  /** Arms (or re-arms) timer `key` to fire at `deadline`. Keys outside [0, capacity) are a caller bug. */
  set(key: number, deadline: number): void {
    const position = this.position;
    const seq = this.sequence++;
    let at = position[key]!;
    if (at < 0) {
      at = this.size++;
      this.heapKey[at] = key;
      this.heapAt[at] = deadline;
      this.heapSeq[at] = seq;
      position[key] = at;
      this.siftUp(at);
      return;
    }
    const before = this.heapAt[at]!;
    this.heapAt[at] = deadline;
    this.heapSeq[at] = seq;
    if (deadline < before) this.siftUp(at);
    else this.siftDown(at);
  }

  /** Disarms timer `key`. Returns false when it was not armed. */
  cancel(key: number): boolean {
    const at = this.position[key]!;
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  has(key: number): boolean {
    return this.position[key]! >= 0;
  }

  /** The deadline of timer `key`, or NO_DEADLINE when it is not armed. */
  deadlineOf(key: number): number {
    const at = this.position[key]!;
    return at < 0 ? NO_DEADLINE : this.heapAt[at]!;
  }

  /** The earliest armed deadline, or NO_DEADLINE when no timer is armed. */
  nextDeadline(): number {
    return this.size === 0 ? NO_DEADLINE : this.heapAt[0]!;
  }

  /** Removes and returns the earliest timer whose deadline is ≤ now, or NO_TIMER. */
  popExpired(now: number): number {
    if (this.size === 0 || this.heapAt[0]! > now) return NO_TIMER;
    const key = this.heapKey[0]!;
    this.removeAt(0);
    return key;
  }

  clear(): void {
    const size = this.size;
    for (let i = 0; i < size; i++) this.position[this.heapKey[i]!] = -1;
    this.size = 0;
  }

  private removeAt(at: number): void {
    const heapKey = this.heapKey;
    this.position[heapKey[at]!] = -1;
    const last = --this.size;
    if (at === last) return;
    const movedKey = heapKey[last]!;
    heapKey[at] = movedKey;
    this.heapAt[at] = this.heapAt[last]!;
    this.heapSeq[at] = this.heapSeq[last]!;
    this.position[movedKey] = at;
    // The element moved into the hole may belong above or below it.
    if (at > 0 && this.less(at, (at - 1) >> 1)) this.siftUp(at);
    else this.siftDown(at);
  }

  private less(a: number, b: number): boolean {
    const heapAt = this.heapAt;
    const da = heapAt[a]!;
    const db = heapAt[b]!;
    return da < db || (da === db && this.heapSeq[a]! < this.heapSeq[b]!);
  }

  // Both sifts move a "hole" instead of swapping: the travelling entry is held in locals and
  // written once at its final position (half the typed-array writes of swap-based sifting).

  private siftUp(at: number): void {
    const heapKey = this.heapKey;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    const position = this.position;
    const key = heapKey[at]!;
    const deadline = heapAt[at]!;
    const seq = heapSeq[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pd = heapAt[parent]!;
      if (pd < deadline || (pd === deadline && heapSeq[parent]! < seq)) break;
      const pk = heapKey[parent]!;
      heapKey[at] = pk;
      heapAt[at] = pd;
      heapSeq[at] = heapSeq[parent]!;
      position[pk] = at;
      at = parent;
    }
    heapKey[at] = key;
    heapAt[at] = deadline;
    heapSeq[at] = seq;
    position[key] = at;
  }

  private siftDown(at: number): void {
    const heapKey = this.heapKey;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    const position = this.position;
    const size = this.size;
    const key = heapKey[at]!;
    const deadline = heapAt[at]!;
    const seq = heapSeq[at]!;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      let cd = heapAt[left]!;
      if (right < size) {
        const rd = heapAt[right]!;
        if (rd < cd || (rd === cd && heapSeq[right]! < heapSeq[left]!)) {
          child = right;
          cd = rd;
        }
      }
      if (deadline < cd || (deadline === cd && seq < heapSeq[child]!)) break;
      const ck = heapKey[child]!;
      heapKey[at] = ck;
      heapAt[at] = cd;
      heapSeq[at] = heapSeq[child]!;
      position[ck] = at;
      at = child;
    }
    heapKey[at] = key;
    heapAt[at] = deadline;
    heapSeq[at] = seq;
    position[key] = at;
  }
}
