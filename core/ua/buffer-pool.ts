// Fixed pools of message buffers. The transaction engine keeps REFERENCES to the bytes of every
// request and response it may retransmit until the transaction terminates, so each outgoing
// message gets its own slot of one preallocated Uint8Array and the slot is released on
// EVENT_TERMINATED. Memory is fixed at start-up: count × bytes, nothing grows.

export class BufferPool {
  readonly storage: Uint8Array;
  readonly slotBytes: number;
  readonly count: number;
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly used: Uint8Array;
  /** Slots hold() released but not yet returned to the free list (flush()). */
  private heldCount = 0;

  /** Where the `extraBytes` behind the slots start in storage (count × slotBytes). */
  readonly extraOffset: number;

  /**
   * `extraBytes`: room behind the slots for something that is copied into them, such as the
   * UA's request echo: a copy inside one array is a native copyWithin.
   */
  constructor(count: number, slotBytes: number, extraBytes = 0) {
    this.count = count;
    this.slotBytes = slotBytes;
    this.extraOffset = count * slotBytes;
    this.storage = new Uint8Array(count * slotBytes + extraBytes);
    this.free = new Int32Array(count);
    this.used = new Uint8Array(count);
    for (let i = 0; i < count; i++) this.free[i] = count - 1 - i;
    this.freeCount = count;
  }

  get available(): number {
    return this.freeCount;
  }

  /** A free slot index, or -1 when every slot is in use. */
  acquire(): number {
    if (this.freeCount === 0) return -1;
    const slot = this.free[--this.freeCount]!;
    this.used[slot] = 1;
    return slot;
  }

  /** Returns a slot; releasing a free or unknown slot is ignored (never double-listed). */
  release(slot: number): void {
    if (slot < 0 || slot >= this.count || this.used[slot] === 0) return;
    this.used[slot] = 0;
    this.free[this.freeCount++] = slot;
  }

  /**
   * Releases a slot whose bytes may still wait in a transmit queue: it becomes free at the next
   * flush(), once the host has taken every transmit. A response to a pipelined request written in
   * the same input would otherwise overwrite it (Timer J = 0 on TCP ends a transaction at once).
   */
  hold(slot: number): void {
    // Marked free at once (so never listed twice), it waits at the top of `free`, above the free
    // ones: together they never exceed count.
    if (this.used[slot] === 1) { this.used[slot] = 0; this.free[this.count - ++this.heldCount] = slot; }
  }

  flush(): void {
    while (this.heldCount > 0) this.free[this.freeCount++] = this.free[this.count - this.heldCount--]!;
  }

  offsetOf(slot: number): number {
    return slot * this.slotBytes;
  }
}
