// Finds the subscription an incoming NOTIFY belongs to by its Call-ID in O(1) instead of
// comparing it with every subscription's (RFC 6665 §4.1.3 matches by Call-ID, tags and Event;
// the UA checks those on the few candidates this returns). A chained hash table over the UA's
// subscription slots, allocated once; looking up a span of the receive buffer makes no string.
//
// The hash covers the length and at most the first HASHED_BYTES bytes: the Call-IDs are ours
// (random hex, then @localAddress), so their first bytes already spread them, and an interpreter
// pays per byte hashed.
const HASHED_BYTES = 16;
const EMPTY = -1;

export class CallIdIndex {
  private readonly mask: number;
  private readonly buckets: Int32Array;
  private readonly next: Int32Array;
  private readonly hashes: Int32Array;
  private readonly linked: Uint8Array;
  private cursorHash = 0;

  constructor(capacity: number) {
    const slots = Math.max(1, capacity);
    let size = 2;
    while (size < 2 * slots) size *= 2;
    this.mask = size - 1;
    this.buckets = new Int32Array(size).fill(EMPTY);
    this.next = new Int32Array(slots).fill(EMPTY);
    this.hashes = new Int32Array(slots);
    this.linked = new Uint8Array(slots);
  }

  /** Key `key` now has Call-ID `callId` (replacing the one it had). */
  set(key: number, callId: string): void {
    this.remove(key);
    const h = hashText(callId);
    const b = h & this.mask;
    this.hashes[key] = h;
    this.next[key] = this.buckets[b]!;
    this.buckets[b] = key;
    this.linked[key] = 1;
  }

  remove(key: number): void {
    if (this.linked[key] !== 1) return;
    this.linked[key] = 0;
    const b = this.hashes[key]! & this.mask;
    let at = this.buckets[b]!;
    if (at === key) { this.buckets[b] = this.next[key]!; this.next[key] = EMPTY; return; }
    while (at !== EMPTY) {
      const n = this.next[at]!;
      if (n === key) { this.next[at] = this.next[key]!; this.next[key] = EMPTY; return; }
      at = n;
    }
  }

  /** The first key whose Call-ID may be buf[off, off+len), or -1; then nextCandidate() for more. The caller compares. */
  first(buf: Uint8Array, off: number, len: number): number {
    const h = hashSpan(buf, off, len);
    this.cursorHash = h;
    return this.skip(this.buckets[h & this.mask]!);
  }

  /** The next candidate after `key` for the span given to first(), or -1. */
  nextCandidate(key: number): number {
    return this.skip(this.next[key]!);
  }

  private skip(at: number): number {
    const h = this.cursorHash;
    while (at !== EMPTY && this.hashes[at] !== h) at = this.next[at]!;
    return at;
  }
}

// FNV-1a over the length and the first HASHED_BYTES bytes. Text and bytes hash alike when the
// text's char codes are the bytes (how spanEquals compares them).
function hashSpan(buf: Uint8Array, off: number, len: number): number {
  let h = Math.imul(0x811c9dc5 ^ len, 16777619);
  const end = off + (len < HASHED_BYTES ? len : HASHED_BYTES);
  for (let i = off; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
  return h;
}

function hashText(s: string): number {
  const len = s.length;
  let h = Math.imul(0x811c9dc5 ^ len, 16777619);
  const end = len < HASHED_BYTES ? len : HASHED_BYTES;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
