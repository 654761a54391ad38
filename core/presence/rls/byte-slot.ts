// A fixed-size copy of some bytes. Parsed documents keep their text in a pool that the next
// NOTIFY reuses, so state that outlives a NOTIFY (a resource's URI, a watcher's id) is copied
// into slots preallocated at start-up. Longer input is truncated and flagged, never grown.
import { utf8ToString, stringToUtf8 } from '../../xml/bytes.js';

export class ByteSlot {
  readonly bytes: Uint8Array;
  length = 0;
  truncated = false;

  /**
   * `arena`: carve the slot out of a buffer shared with its neighbours (bytes [offset, offset +
   * size)) instead of allocating one; in QuickJS an ArrayBuffer of its own costs ~100 bytes more.
   */
  constructor(size: number, arena?: Uint8Array, offset = 0) {
    this.bytes = arena === undefined ? new Uint8Array(size) : arena.subarray(offset, offset + size);
  }

  clear(): void {
    this.length = 0;
    this.truncated = false;
  }

  copy(src: Uint8Array, start: number, end: number): void {
    // end < start happens with spans of all-blank attributes in some readers: treat as empty.
    const n = end > start ? end - start : 0;
    this.truncated = n > this.bytes.length;
    this.length = this.truncated ? this.bytes.length : n;
    for (let i = 0; i < this.length; i++) this.bytes[i] = src[start + i]!;
  }

  copyFrom(other: ByteSlot): void {
    this.copy(other.bytes, 0, other.length);
    this.truncated = this.truncated || other.truncated;
  }

  /** Stores a JS string as UTF-8 (configuration time: allocation-free, but not a hot path). */
  setText(text: string): void {
    const end = stringToUtf8(text, this.bytes, 0, this.bytes.length);
    this.truncated = end < 0;
    this.length = end < 0 ? this.bytes.length : end;
  }

  /** Same bytes as src[start, end) (a truncated slot matches input that starts with it). */
  equals(src: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (this.truncated ? n < this.length : n !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (this.bytes[i] !== src[start + i]) return false;
    return true;
  }

  equalsSlot(other: ByteSlot): boolean {
    return this.equals(other.bytes, 0, other.length) && this.truncated === other.truncated;
  }

  get isEmpty(): boolean {
    return this.length === 0;
  }

  /** For display (allocates). */
  text(): string {
    return utf8ToString(this.bytes, 0, this.length);
  }
}
