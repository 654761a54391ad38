// What an MSRP session tells its app, as reusable records in a fixed ring: polling an event
// allocates nothing, and the ring never grows. A record is valid until the next pollEvent or
// handleBytes (the UA's events follow the same poll-then-read rule). The receive path fills it
// from byte spans: the Message-ID is copied into the record's own bytes and a RECEIVED message
// is a span into the session's reassembly storage (`dataBytes`/`dataOff`/`dataLen`). The
// `messageId` and `data` getters make a string / view on first access and cache it in the
// record: the app that asks for one pays for it, the app that reads the span in place does not. When it is full, progress events are dropped
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

/** Longest Message-ID the session accepts (RFC 4975 §9: ident is 4–32 characters). */
export const MSRP_MAX_IDENT = 32;

const NO_DATA = new Uint8Array(0);

export class MsrpEvent {
  kind = 0;
  /** Slot index inside the session (internal bookkeeping). */
  slot = -1;
  /** The Message-ID as bytes: messageIdBytes[0, messageIdLen). Reading them allocates nothing. */
  readonly messageIdBytes = new Uint8Array(MSRP_MAX_IDENT);
  messageIdLen = 0;
  contentType = '';
  /**
   * A RECEIVED message in place: dataBytes[dataOff, dataOff + dataLen). dataBytes is the
   * session's storage, so the span is valid only as long as the record (copy to keep it).
   */
  dataBytes: Uint8Array = NO_DATA;
  dataOff = 0;
  dataLen = 0;
  hasData = false;
  /** MSRP status (200, 413, 408, ...) or 0 when no status applies. */
  status = 0;
  reason = '';
  /** Bytes done: acknowledged (send) or received (receive). */
  done = 0;
  /** Message size, -1 while unknown. */
  total = -1;
  errorCode = 0;
  private idText: string | null = '';
  private dataView: Uint8Array | null = null;

  /** The Message-ID as a string (made on first access for a received message, then cached). */
  get messageId(): string {
    if (this.idText === null) {
      let s = '';
      const b = this.messageIdBytes;
      for (let i = 0; i < this.messageIdLen; i++) s += String.fromCharCode(b[i]!);
      this.idText = s;
    }
    return this.idText;
  }

  /** The message as a view over dataBytes (made on first access, then cached), or null. */
  get data(): Uint8Array | null {
    if (!this.hasData) return null;
    return this.dataView ??= this.dataBytes.subarray(this.dataOff, this.dataOff + this.dataLen);
  }

  /** @internal Fills the record; the Message-ID comes as a string (send side) or as bytes. */
  fill(kind: number, slot: number, idText: string | null, idBytes: Uint8Array | null, idLen: number, contentType: string,
    status: number, reason: string, done: number, total: number, errorCode: number): void {
    this.kind = kind; this.slot = slot; this.contentType = contentType;
    this.status = status; this.reason = reason; this.done = done; this.total = total; this.errorCode = errorCode;
    this.hasData = false; this.dataBytes = NO_DATA; this.dataOff = 0; this.dataLen = 0; this.dataView = null;
    const b = this.messageIdBytes;
    if (idText !== null) {
      const n = Math.min(idText.length, b.length);
      for (let i = 0; i < n; i++) b[i] = idText.charCodeAt(i) & 0xff;
      this.messageIdLen = n;
      this.idText = idText;
    } else {
      const n = idBytes === null ? 0 : Math.min(idLen, b.length);
      for (let i = 0; i < n; i++) b[i] = idBytes![i]!;
      this.messageIdLen = n;
      this.idText = n === 0 ? '' : null;
    }
  }

  /** @internal Attaches the message span (RECEIVED). */
  setData(bytes: Uint8Array, off: number, len: number): void {
    this.hasData = true; this.dataBytes = bytes; this.dataOff = off; this.dataLen = len; this.dataView = null;
  }
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
    const e = this.claim(kind);
    if (e === null) return;
    e.fill(kind, slot, messageId, null, 0, contentType, status, reason, done, total, errorCode);
    if (data !== null) e.setData(data, 0, data.length);
  }

  /**
   * The receive path's push: the Message-ID from bytes, no string made. Returns the record (to
   * attach data to), or null when it was dropped.
   */
  pushFromBytes(kind: number, slot: number, messageId: Uint8Array, messageIdLen: number, contentType: string,
    status: number, reason: string, done: number, total: number): MsrpEvent | null {
    const e = this.claim(kind);
    if (e === null) return null;
    e.fill(kind, slot, null, messageId, messageIdLen, contentType, status, reason, done, total, 0);
    return e;
  }

  /** The next free record, or null when the event is dropped (counted unless progress). */
  private claim(kind: number): MsrpEvent | null {
    const cap = this.capacity;
    if (this.count >= cap) {
      if (isProgress(kind) || !this.dropOldestProgress()) { this.dropped++; return null; }
    }
    // The ring has capacity + 1 records so the one handed out by shift() is never overwritten here.
    const e = this.ring[(this.head + this.count) % (cap + 1)]!;
    this.count++;
    return e;
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
