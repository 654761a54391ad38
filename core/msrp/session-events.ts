// What an MSRP session tells its app, as reusable records in a fixed ring: polling an event
// allocates nothing, and the ring never grows. When it is full, progress events are dropped
// first (a later one supersedes them); a terminal event still finds room by dropping the oldest
// progress event, and only when none is left is it counted in `dropped`.

export const MSRP_EVENT = {
  /** A whole message arrived: data is a view valid until the next pollEvent/handleBytes. */
  RECEIVED: 1,
  RECEIVE_PROGRESS: 2,
  /** An incoming message ended incomplete: '#' from the sender, refused (status), or idle. */
  RECEIVE_ABORTED: 3,
  /** Our message reached the peer: success REPORT, or 200 to every chunk when none was asked. */
  DELIVERED: 4,
  SEND_PROGRESS: 5,
  /** Our message did not: error response, failure REPORT, timeout (408), abort or lost connection (0). */
  FAILED: 6,
  /** The §5.4 binding SEND was answered: the connection carries this session. */
  BOUND: 7,
  /** Bytes that are not an MSRP frame were skipped (errorCode says why). */
  PROTOCOL_ERROR: 8,
} as const;

export class MsrpEvent {
  kind = 0;
  /** Slot index inside the session (internal bookkeeping). */
  slot = -1;
  messageId = '';
  contentType = '';
  data: Uint8Array | null = null;
  /** MSRP status (200, 413, 408, ...) or 0 when no status applies. */
  status = 0;
  reason = '';
  /** Bytes done: acknowledged (send) or received (receive). */
  done = 0;
  /** Message size, -1 while unknown. */
  total = -1;
  errorCode = 0;
}

function isProgress(kind: number): boolean {
  return kind === MSRP_EVENT.RECEIVE_PROGRESS || kind === MSRP_EVENT.SEND_PROGRESS;
}

export class MsrpEventQueue {
  dropped = 0;
  private readonly ring: MsrpEvent[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = [];
    for (let i = 0; i < capacity + 1; i++) this.ring.push(new MsrpEvent());
  }

  get length(): number {
    return this.count;
  }

  push(kind: number, slot: number, messageId: string, contentType: string, data: Uint8Array | null,
    status: number, reason: string, done: number, total: number, errorCode: number): void {
    const cap = this.capacity;
    if (this.count >= cap) {
      if (isProgress(kind) || !this.dropOldestProgress()) { this.dropped++; return; }
    }
    // The ring has capacity + 1 records so the one handed out by shift() is never overwritten here.
    const e = this.ring[(this.head + this.count) % (cap + 1)]!;
    e.kind = kind; e.slot = slot; e.messageId = messageId; e.contentType = contentType; e.data = data;
    e.status = status; e.reason = reason; e.done = done; e.total = total; e.errorCode = errorCode;
    this.count++;
  }

  shift(): MsrpEvent | null {
    if (this.count === 0) return null;
    const e = this.ring[this.head]!;
    this.head = (this.head + 1) % (this.capacity + 1);
    this.count--;
    return e;
  }

  private dropOldestProgress(): boolean {
    const size = this.capacity + 1;
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % size;
      if (!isProgress(this.ring[at]!.kind)) continue;
      // Close the gap: move the later records one place towards the head.
      const removed = this.ring[at]!;
      for (let j = k; j < this.count - 1; j++) this.ring[(this.head + j) % size] = this.ring[(this.head + j + 1) % size]!;
      this.ring[(this.head + this.count - 1) % size] = removed;
      this.count--;
      return true;
    }
    return false;
  }
}
