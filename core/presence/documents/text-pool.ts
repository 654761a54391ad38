// Decoded text of a parsed document (notes, URIs, ids) lives in one preallocated byte pool;
// the model holds [start, end) spans into it. Parsing the next document reuses the pool, so
// reading NOTIFY after NOTIFY allocates nothing.
import { XmlReader, XmlToken } from '../../xml/reader.js';
import { utf8ToString } from '../../xml/bytes.js';

// Methods run per text and attribute of every document: locals are `var`, as QuickJS sets and
// checks a TDZ slot for each let/const on every call.
export class TextPool {
  readonly bytes: Uint8Array;
  used = 0;
  /** Set when some text did not fit; the span that overflowed is left empty. */
  overflowed = false;

  /**
   * `shared`: hold the text in a view of these bytes (an XmlScratch's text, scratch.ts) rather than
   * owning it; the capacity stays `capacity`. Throws RangeError when `shared` is shorter.
   */
  constructor(capacity: number, shared?: Uint8Array) {
    if (shared !== undefined && shared.length < capacity) throw new RangeError('text pool: shared bytes shorter than its capacity');
    this.bytes = shared === undefined ? new Uint8Array(capacity) : shared.subarray(0, capacity);
  }

  clear(): void {
    this.used = 0;
    this.overflowed = false;
  }

  /** Appends the reader's current Text/CData token (decoded). Returns false when full. */
  appendToken(reader: XmlReader): boolean {
    if (reader.kind !== XmlToken.Text && reader.kind !== XmlToken.CData) return true;
    var next = reader.decodeText(this.bytes, this.used);
    if (next < 0) { this.overflowed = true; return false; }
    this.used = next;
    return true;
  }

  /** Appends raw bytes (e.g. an element's local name). Returns the span start, or -1 when full. */
  appendBytes(src: Uint8Array, start: number, end: number): number {
    var length = end - start;
    if (this.used + length > this.bytes.length) { this.overflowed = true; return -1; }
    var at = this.used;
    for (let i = 0; i < length; i++) this.bytes[at + i] = src[start + i]!;
    this.used += length;
    return at;
  }

  /** Appends attribute i of the reader's current element (decoded). Returns the span start or -1. */
  appendAttribute(reader: XmlReader, i: number): number {
    var at = this.used;
    var next = reader.decodeAttribute(i, this.bytes, at);
    if (next < 0) { this.overflowed = true; return -1; }
    this.used = next;
    return at;
  }

  // XML whitespace tested in line (no call per byte: interpreters pay for each).
  trimmedStart(start: number, end: number): number {
    var bytes = this.bytes;
    var c = 0;
    while (start < end && ((c = bytes[start]!) === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d)) start++;
    return start;
  }

  trimmedEnd(start: number, end: number): number {
    // Never below trimmedStart: an all-blank value must give an empty span, not an inverted one.
    var bytes = this.bytes;
    var c = 0;
    while (start < end && ((c = bytes[start]!) === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d)) start++;
    while (end > start && ((c = bytes[end - 1]!) === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d)) end--;
    return end;
  }

  /** For display only (allocates). */
  text(start: number, end: number): string {
    return start < end ? utf8ToString(this.bytes, start, end) : '';
  }
}

/** A [start, end) span into a TextPool; start === end means absent/empty. */
export class Span {
  start = 0;
  end = 0;
  clear(): void { this.start = 0; this.end = 0; }
  get isEmpty(): boolean { return this.start === this.end; }
  set(start: number, end: number): void { this.start = start; this.end = end; }
}
