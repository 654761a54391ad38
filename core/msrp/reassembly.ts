// Putting a chunked message back together (RFC 4975 §7.3.1): chunks carry Byte-Range
// start-end/total and may arrive interrupted (`#` aborts, `+` says more follows, `$` is the last
// chunk) or, over a relay, out of order. Data is copied into a caller-provided buffer at its
// offset; received ranges are kept as a small sorted list of intervals, bounded, so memory is
// fixed whatever the peer sends. A message is complete when [1, total] is covered and the last
// chunk ('$') was seen.

export const REASSEMBLY_OK = 0;
export const E_RA_OUT_OF_RANGE = -731;
export const E_RA_TOO_FRAGMENTED = -732;
export const E_RA_TOO_LARGE = -733;
export const E_RA_ABORTED = -734;

export class MessageReassembly {
  /** Bytes received so far (counting overlaps once). */
  received = 0;
  /** Total size, or -1 while unknown ("*"). */
  total = -1;
  lastSeen = false;
  aborted = false;
  // The whole ArrayBuffer under storage: a chunk already in that buffer (the session's receive
  // buffer shares it) is copied with copyWithin, natively and without making a view.
  private readonly arena: Uint8Array;
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private count = 0;

  constructor(readonly storage: Uint8Array, readonly maxIntervals = 32) {
    this.arena = new Uint8Array(storage.buffer);
    this.starts = new Float64Array(maxIntervals);
    this.ends = new Float64Array(maxIntervals);
  }

  reset(): void {
    this.received = 0;
    this.total = -1;
    this.lastSeen = false;
    this.aborted = false;
    this.count = 0;
  }

  /**
   * Adds one chunk's data. `start` is the 1-based Byte-Range start; `total` may be -1;
   * `flag` is the end-line continuation byte ('+' 43, '$' 36, '#' 35).
   */
  add(start: number, total: number, data: Uint8Array, off: number, len: number, flag: number): number {
    if (flag === 35) {
      // §7.1.1: '#' — the sender aborted this message; what arrived so far is kept but incomplete.
      this.aborted = true;
      if (len > 0) this.addRange(start, data, off, len);
      return E_RA_ABORTED;
    }
    if (total >= 0) {
      if (total > this.storage.length) return E_RA_TOO_LARGE;
      this.total = total;
    }
    const r = len > 0 ? this.addRange(start, data, off, len) : REASSEMBLY_OK;
    if (r < 0) return r;
    if (flag === 36) {
      this.lastSeen = true;
      // With total unknown, the last chunk fixes it (§7.1.1).
      if (this.total < 0) this.total = start - 1 + len;
    }
    return REASSEMBLY_OK;
  }

  get complete(): boolean {
    return !this.aborted && this.lastSeen && this.total >= 0 && this.count === (this.total === 0 ? 0 : 1)
      && (this.total === 0 || (this.starts[0] === 0 && this.ends[0] === this.total));
  }

  private addRange(start: number, data: Uint8Array, off: number, len: number): number {
    const from = start - 1;
    const to = from + len;
    if (from < 0 || to > this.storage.length || (this.total >= 0 && to > this.total)) return E_RA_OUT_OF_RANGE;
    const storage = this.storage;
    if (data.buffer === storage.buffer) {
      const src = data.byteOffset + off;
      this.arena.copyWithin(storage.byteOffset + from, src, src + len);
    } else {
      storage.set(data.subarray(off, off + len), from); // one view per chunk: callers on a hot path share the buffer
    }
    return this.mergeInterval(from, to);
  }

  /** Inserts [from, to) into the sorted, disjoint interval list, merging neighbours. */
  private mergeInterval(from: number, to: number): number {
    const starts = this.starts;
    const ends = this.ends;
    let i = 0;
    while (i < this.count && ends[i]! < from) i++;
    let j = i;
    let newFrom = from;
    let newTo = to;
    let overlap = 0;
    while (j < this.count && starts[j]! <= to) {
      newFrom = Math.min(newFrom, starts[j]!);
      newTo = Math.max(newTo, ends[j]!);
      overlap += ends[j]! - starts[j]!;
      j++;
    }
    const removed = j - i;
    if (removed === 0 && this.count >= this.maxIntervals) return E_RA_TOO_FRAGMENTED;
    // Replace intervals [i, j) by the merged one.
    const shift = 1 - removed;
    if (shift > 0) {
      for (let k = this.count - 1; k >= j; k--) { starts[k + shift] = starts[k]!; ends[k + shift] = ends[k]!; }
    } else if (shift < 0) {
      for (let k = j; k < this.count; k++) { starts[k + shift] = starts[k]!; ends[k + shift] = ends[k]!; }
    }
    starts[i] = newFrom;
    ends[i] = newTo;
    this.count += shift;
    this.received += (newTo - newFrom) - overlap;
    return REASSEMBLY_OK;
  }
}
