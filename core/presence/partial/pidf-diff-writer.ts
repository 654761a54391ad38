// The notifier side of partial presence (RFC 5263 / RFC 5262): from the PIDF documents a presence
// agent sends, write application/pidf-diff+xml for a watcher that accepts it.
//   - writeFull: <presence …>children</presence> → <p:pidf-full … version="N">children</p:pidf-full>
//     (RFC 5262 §3: pidf-full is a presence with a version; RFC 5263: the first NOTIFY and the one
//     after each refresh carry full state);
//   - writeDiff: the changes from the previous document to the next as RFC 5261 operations on the
//     root's children, keyed by namespace, local name and `id` (tuples, persons, devices carry one,
//     RFC 3863 §4.1.2 / RFC 4479 §3): a child whose bytes changed is replaced, a child gone is
//     removed, a new child is added; children without an id are matched by their position among
//     the siblings of the same name. Anything this cannot express simply (the root's start tag
//     changed, duplicate ids, a namespace the root does not declare, no room, a diff larger than
//     the full document) answers -1: the caller sends full state instead, which is always correct.
//
// Selectors are written as `*/name[@id="…"]` / `*/name[n]` with the prefixes of the document's root,
// whose declarations the pidf-diff root repeats (RFC 5261 §4.2.1: they resolve in the diff).
// Operations are ordered so that positions stay right: replaces, then removes from the last
// child back, then adds (appended: PIDF gives no meaning to the order of tuples).
import { XmlReader, XmlToken } from '../../xml/reader.js';
import { ascii, bytesEqual } from '../../xml/bytes.js';
import { RawAttributes, SpanCursor } from './token-spans.js';

const MAX_CHILDREN = 32;
/** What pidf-full adds to a PIDF: ` xmlns:pidfdiff="urn:ietf:params:xml:ns:pidf-diff" version="4294967295"` and longer root names. */
const FULL_OVERHEAD = 80;
const ID = /* @__PURE__ */ ascii('id');
const PREFIX_CANDIDATES = [/* @__PURE__ */ ascii('p'), /* @__PURE__ */ ascii('pd'), /* @__PURE__ */ ascii('pdiff'), /* @__PURE__ */ ascii('pidfdiff')];
const NS_PIDF_DIFF_TEXT = /* @__PURE__ */ ascii('urn:ietf:params:xml:ns:pidf-diff');
const PIDF_FULL = /* @__PURE__ */ ascii('pidf-full');
const PIDF_DIFF = /* @__PURE__ */ ascii('pidf-diff');
const XMLNS_COLON = /* @__PURE__ */ ascii(' xmlns:');
const VERSION_ATTR = /* @__PURE__ */ ascii(' version="');
const REPLACE_OPEN = /* @__PURE__ */ ascii('replace sel="*/');
const REMOVE_OPEN = /* @__PURE__ */ ascii('remove sel="*/');
const ADD_OPEN = /* @__PURE__ */ ascii('add sel="*">');
const ADD_CLOSE = /* @__PURE__ */ ascii('add>');
const REPLACE_CLOSE = /* @__PURE__ */ ascii('replace>');

/** The root and top-level children of one PIDF document, as spans of its bytes. */
class DocumentOutline {
  buf: Uint8Array = new Uint8Array(0);
  rootNameStart = 0;
  rootNameEnd = 0;
  rootTagEnd = 0;
  rootEmpty = false;
  contentEnd = 0;
  count = 0;
  readonly start = new Int32Array(MAX_CHILDREN);
  readonly end = new Int32Array(MAX_CHILDREN);
  readonly nameStart = new Int32Array(MAX_CHILDREN);
  readonly nameEnd = new Int32Array(MAX_CHILDREN);
  readonly localStart = new Int32Array(MAX_CHILDREN);
  /** Namespace URI span (-1: no namespace). */
  readonly nsStart = new Int32Array(MAX_CHILDREN);
  readonly nsEnd = new Int32Array(MAX_CHILDREN);
  /** Raw `id` value span (-1: none). */
  readonly idStart = new Int32Array(MAX_CHILDREN);
  readonly idEnd = new Int32Array(MAX_CHILDREN);
  /** 1-based position among the siblings of the same namespace and local name (XPath `[n]`). */
  readonly position = new Int32Array(MAX_CHILDREN);
  /** Index of the matching child in the other document, -1: none. */
  readonly match = new Int32Array(MAX_CHILDREN);

  /** False when not well-formed or more children than the tables hold. */
  read(cur: SpanCursor, buf: Uint8Array, off: number, end: number): boolean {
    this.buf = buf;
    this.count = 0;
    this.rootTagEnd = 0;
    cur.reset(buf, off, end);
    const r = cur.reader;
    let child = -1;
    for (;;) {
      const tok = cur.next();
      if (tok === XmlToken.Error) return false;
      if (tok === XmlToken.EndDocument) return this.rootTagEnd > 0;
      const depth = r.depth;
      if (tok === XmlToken.StartElement) {
        if (depth === 1) {
          this.rootNameStart = r.nameStart;
          this.rootNameEnd = r.nameEnd;
          this.rootTagEnd = cur.end;
          this.rootEmpty = r.isEmptyElement;
          this.contentEnd = cur.end;
        } else if (depth === 2) {
          child = this.count;
          if (child >= MAX_CHILDREN) return false;
          this.count = child + 1;
          this.start[child] = cur.start;
          this.end[child] = cur.end;
          this.nameStart[child] = r.nameStart;
          this.nameEnd[child] = r.nameEnd;
          this.localStart[child] = r.localStart;
          const ns = r.namespace;
          this.nsStart[child] = ns >= 0 ? r.namespaceUriStart(ns) : -1;
          this.nsEnd[child] = ns >= 0 ? r.namespaceUriEnd(ns) : -1;
          if (ns < -1) return false; // the xml namespace: no element of a PIDF root
          const id = r.findAttribute(ID, null);
          this.idStart[child] = id >= 0 ? r.attrValueStartAt(id) : -1;
          this.idEnd[child] = id >= 0 ? r.attrValueEndAt(id) : -1;
          let n = 1;
          for (let k = 0; k < child; k++) if (this.sameName(k, child)) n++;
          this.position[child] = n;
          this.match[child] = -1;
        }
      } else if (tok === XmlToken.EndElement) {
        if (depth === 2) this.end[child] = cur.end;
        else if (depth === 1) this.contentEnd = this.rootEmpty ? this.rootTagEnd : cur.start;
      }
    }
  }

  sameName(a: number, b: number): boolean {
    return spanEquals(this.buf, this.localStart[a]!, this.nameEnd[a]!, this.buf, this.localStart[b]!, this.nameEnd[b]!)
      && spanEquals(this.buf, this.nsStart[a]!, this.nsEnd[a]!, this.buf, this.nsStart[b]!, this.nsEnd[b]!);
  }
}

export class PidfDiffWriter {
  private readonly cursor: SpanCursor;
  private readonly prev = new DocumentOutline();
  private readonly next = new DocumentOutline();
  private readonly rootAttrs: RawAttributes;
  private out: Uint8Array = new Uint8Array(0);
  private o = 0;
  private full = false;
  private prefix: Uint8Array = PREFIX_CANDIDATES[0]!;

  constructor() {
    this.cursor = new SpanCursor(new XmlReader({ maxDepth: 24, maxAttributes: 24, maxNamespaces: 24 }));
    this.rootAttrs = new RawAttributes(48);
  }

  /** pidf-full of version `version` for the PIDF doc[off, end) into out; its length, or -1. */
  writeFull(doc: Uint8Array, off: number, end: number, version: number, out: Uint8Array): number {
    const d = this.next;
    if (!d.read(this.cursor, doc, off, end) || !this.pickPrefix(doc, d)) return -1;
    this.begin(out);
    this.putRoot(doc, d, PIDF_FULL, version);
    this.put(doc, d.rootTagEnd, d.contentEnd);
    this.putEndRoot(PIDF_FULL);
    return this.full ? -1 : this.o;
  }

  /**
   * pidf-diff of version `version` taking the PIDF prev[…] to next[…], into out; its length, or
   * -1 when full state should be sent instead (see the file comment).
   */
  writeDiff(prevDoc: Uint8Array, prevOff: number, prevEnd: number, nextDoc: Uint8Array, nextOff: number, nextEnd: number, version: number, out: Uint8Array): number {
    const p = this.prev;
    const n = this.next;
    if (!p.read(this.cursor, prevDoc, prevOff, prevEnd) || !n.read(this.cursor, nextDoc, nextOff, nextEnd)) return -1;
    // The root itself (entity, declarations) changed: no operation on children says that simply.
    if (!spanEquals(prevDoc, p.rootNameStart, p.rootTagEnd, nextDoc, n.rootNameStart, n.rootTagEnd) || p.rootEmpty !== n.rootEmpty) return -1;
    if (!this.pickPrefix(nextDoc, n) || !this.matchChildren(p, n)) return -1;
    this.begin(out);
    this.putRoot(nextDoc, n, PIDF_DIFF, version);
    // Replaces (positions as in prev, unchanged by them).
    for (let i = 0; i < n.count; i++) {
      const j = n.match[i]!;
      if (j < 0 || spanEquals(prevDoc, p.start[j]!, p.end[j]!, nextDoc, n.start[i]!, n.end[i]!)) continue;
      if (!this.putOp(REPLACE_OPEN, p, j, nextDoc, false)) return -1;
      this.put(nextDoc, n.start[i]!, n.end[i]!);
      this.putClose(REPLACE_CLOSE);
    }
    // Removes, last first: the positions of earlier siblings stay what they were.
    for (let j = p.count - 1; j >= 0; j--) {
      if (p.match[j]! >= 0) continue;
      if (!this.putOp(REMOVE_OPEN, p, j, nextDoc, true)) return -1;
    }
    // Adds, appended to the root in document order.
    for (let i = 0; i < n.count; i++) {
      if (n.match[i]! >= 0) continue;
      this.putByte(0x3c);
      this.put(this.prefix, 0, this.prefix.length);
      this.putByte(0x3a);
      this.put(ADD_OPEN, 0, ADD_OPEN.length);
      this.put(nextDoc, n.start[i]!, n.end[i]!);
      this.putClose(ADD_CLOSE);
    }
    this.putEndRoot(PIDF_DIFF);
    if (this.full) return -1;
    // Not worth it when the changes are larger than the full state would be (the document and a
    // root tag with the diff namespace and version).
    return this.o <= nextEnd - nextOff + FULL_OVERHEAD ? this.o : -1;
  }

  /** Pairs the children of the two documents by key; false on duplicate ids. */
  private matchChildren(p: DocumentOutline, n: DocumentOutline): boolean {
    for (let i = 0; i < n.count; i++) {
      for (let j = 0; j < p.count; j++) {
        if (!sameKey(n, i, p, j)) continue;
        if (n.match[i]! >= 0 || p.match[j]! >= 0) return false;
        n.match[i] = j;
        p.match[j] = i;
      }
    }
    return true;
  }

  /** A prefix for the pidf-diff namespace that the document's root does not declare. */
  private pickPrefix(doc: Uint8Array, d: DocumentOutline): boolean {
    if (!this.rootAttrs.scan(doc, d.rootNameEnd, d.rootTagEnd)) return false;
    for (let c = 0; c < PREFIX_CANDIDATES.length; c++) {
      const prefix = PREFIX_CANDIDATES[c]!;
      if (this.rootAttrs.findDeclaration(doc, prefix, 0, prefix.length) < 0) { this.prefix = prefix; return true; }
    }
    return false;
  }

  /** `<p:NAME` + the root's attributes and declarations (of `d`, scanned by pickPrefix) + ` xmlns:p="…" version="N">`. */
  private putRoot(doc: Uint8Array, d: DocumentOutline, name: Uint8Array, version: number): void {
    const attrs = this.rootAttrs;
    this.putByte(0x3c);
    this.put(this.prefix, 0, this.prefix.length);
    this.putByte(0x3a);
    this.put(name, 0, name.length);
    for (let a = 0; a < attrs.count; a++) {
      // pidf-full/pidf-diff carry version themselves (RFC 5262 §3.1).
      if (bytesEqual(doc, attrs.nameStart[a]!, attrs.nameEnd[a]!, VERSION)) { this.full = true; return; }
      this.putByte(0x20);
      this.put(doc, attrs.nameStart[a]!, attrs.valueEnd[a]! + 1);
    }
    this.put(XMLNS_COLON, 0, XMLNS_COLON.length);
    this.put(this.prefix, 0, this.prefix.length);
    this.putByte(0x3d);
    this.putByte(0x22);
    this.put(NS_PIDF_DIFF_TEXT, 0, NS_PIDF_DIFF_TEXT.length);
    this.putByte(0x22);
    this.put(VERSION_ATTR, 0, VERSION_ATTR.length);
    this.putDecimal(version);
    this.putByte(0x22);
    this.putByte(0x3e);
    void d;
  }

  private putEndRoot(name: Uint8Array): void {
    this.putByte(0x3c);
    this.putByte(0x2f);
    this.put(this.prefix, 0, this.prefix.length);
    this.putByte(0x3a);
    this.put(name, 0, name.length);
    this.putByte(0x3e);
  }

  // `<p:replace sel="*/q:name[@id='…']">` or `<p:remove sel="*/q:name[n]"/>` for child j of prev.
  private putOp(open: Uint8Array, p: DocumentOutline, j: number, nextDoc: Uint8Array, empty: boolean): boolean {
    const prevDoc = p.buf;
    this.putByte(0x3c);
    this.put(this.prefix, 0, this.prefix.length);
    this.putByte(0x3a);
    this.put(open, 0, open.length);
    // The name test: a prefix the root of the next document binds to the child's namespace.
    const ns0 = p.nsStart[j]!;
    const ns1 = p.nsEnd[j]!;
    const attrs = this.rootAttrs;
    const defaultAt = attrs.findDeclaration(nextDoc, nextDoc, 0, 0);
    const defaultIs = defaultAt >= 0 && attrs.valueEnd[defaultAt]! > attrs.valueStart[defaultAt]!
      ? spanEquals(nextDoc, attrs.valueStart[defaultAt]!, attrs.valueEnd[defaultAt]!, prevDoc, ns0, ns1) : ns0 < 0;
    if (!defaultIs) {
      if (ns0 < 0) return false; // no namespace while the root has a default: no name test says that
      let found = -1;
      for (let a = 0; a < attrs.count && found < 0; a++) {
        const s = attrs.nameStart[a]!;
        if (attrs.nameEnd[a]! - s > 6 && nextDoc[s + 5] === 0x3a && bytesEqual(nextDoc, s, s + 5, XMLNS)
          && spanEquals(nextDoc, attrs.valueStart[a]!, attrs.valueEnd[a]!, prevDoc, ns0, ns1)) found = a;
      }
      if (found < 0) return false;
      this.put(nextDoc, attrs.nameStart[found]! + 6, attrs.nameEnd[found]!);
      this.putByte(0x3a);
    }
    this.put(prevDoc, p.localStart[j]!, p.nameEnd[j]!);
    const is = p.idStart[j]!;
    if (is >= 0) {
      // [@id='…']: the subscriber compares the literal with the decoded value; an id with quotes or
      // references (never seen in practice) would need escaping at two levels: full state instead.
      for (let k = is; k < p.idEnd[j]!; k++) {
        const c = prevDoc[k]!;
        if (c === 0x22 || c === 0x27 || c === 0x26 || c === 0x3c) return false;
      }
      this.put(ID_PREDICATE, 0, ID_PREDICATE.length);
      this.put(prevDoc, is, p.idEnd[j]!);
      this.putByte(0x27);
      this.putByte(0x5d);
    } else {
      this.putByte(0x5b);
      this.putDecimal(p.position[j]!);
      this.putByte(0x5d);
    }
    this.putByte(0x22);
    if (empty) this.putByte(0x2f);
    this.putByte(0x3e);
    return true;
  }

  private putClose(name: Uint8Array): void {
    this.putByte(0x3c);
    this.putByte(0x2f);
    this.put(this.prefix, 0, this.prefix.length);
    this.putByte(0x3a);
    this.put(name, 0, name.length);
  }

  private begin(out: Uint8Array): void {
    this.out = out;
    this.o = 0;
    this.full = false;
  }

  private putDecimal(n: number): void {
    if (n >= 10) this.putDecimal(Math.floor(n / 10));
    this.putByte(0x30 + (n % 10));
  }

  private put(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.o + n > this.out.length) { this.full = true; return; }
    for (let i = start; i < end; i++) this.out[this.o++] = src[i]!;
  }

  private putByte(c: number): void {
    if (this.o >= this.out.length) { this.full = true; return; }
    this.out[this.o++] = c;
  }
}

const ID_PREDICATE = /* @__PURE__ */ ascii("[@id='");
const VERSION = /* @__PURE__ */ ascii('version');
const XMLNS = /* @__PURE__ */ ascii('xmlns');

/** Same namespace and local name, and the same id (or, both without one, the same position among their namesakes). */
function sameKey(a: DocumentOutline, i: number, b: DocumentOutline, j: number): boolean {
  if (!spanEquals(a.buf, a.localStart[i]!, a.nameEnd[i]!, b.buf, b.localStart[j]!, b.nameEnd[j]!)) return false;
  if (!spanEquals(a.buf, a.nsStart[i]!, a.nsEnd[i]!, b.buf, b.nsStart[j]!, b.nsEnd[j]!)) return false;
  const ai = a.idStart[i]!;
  const bj = b.idStart[j]!;
  if (ai < 0 || bj < 0) return ai < 0 && bj < 0 && a.position[i] === b.position[j];
  return spanEquals(a.buf, ai, a.idEnd[i]!, b.buf, bj, b.idEnd[j]!);
}

/** Spans equal; a span with start -1 (none) equals only another such. */
function spanEquals(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (as < 0 || bs < 0) return as < 0 && bs < 0;
  const n = ae - as;
  if (n !== be - bs) return false;
  for (let i = 0; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}
