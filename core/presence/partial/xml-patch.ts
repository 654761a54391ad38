// XML patch operations (RFC 5261) applied at the byte level: the document being patched is
// never turned into a tree. One pass of the XmlReader over it locates the node the operation's
// selector designates (patch-selector.ts), by token positions (token-spans.ts); the result is
// the document's bytes before the node, the new bytes, and the document's bytes after it, written
// into a caller's preallocated buffer. Each operation is one such splice; the caller alternates
// two buffers for a sequence of them (partial-pidf.ts), so a failed operation leaves the
// document it started from untouched.
//
// Operations (RFC 5261 §4.3–§4.5):
//   <add sel=… [pos="before"|"after"|"prepend"] [type="@attr"|"namespace::p"]>content</add>
//   <replace sel=…>content</replace>       element: one element; attribute, text, namespace: text
//   <remove sel=… [ws="before"|"after"|"both"]/>
// Namespaces (RFC 5261 §4.2): prefixes in `sel` and in `type` resolve through the declarations in
// scope in the diff document, and an unprefixed element name in `sel` is in the diff document's
// default namespace (§4.2.2, a departure from XPath 1.0). Content copied from the diff keeps its
// meaning in the target: each copied top-level element gets declarations for the prefixes (and
// default namespace) it and its descendants use from outside the copied content ("namespace
// mangling" done by declaring, never by renaming), except those the target already binds to the
// same URI where the content lands (so a document patched again and again does not grow
// declarations: the usual diff declares the same prefixes as the full state it patches).
//
// Errors are numbers named after RFC 5261 §5's error elements; nothing here throws on input.
import { XmlReader, XmlToken, NO_NAMESPACE, XML_NAMESPACE, type XmlLimits } from '../../xml/reader.js';
import { MAX_SELECTOR_PREDICATES, MAX_SELECTOR_STEPS, PatchSelector, PredicateKind, SelectorTarget } from './patch-selector.js';
import { RawAttributes, SpanCursor } from './token-spans.js';
import { ascii, bytesEqual } from '../../xml/bytes.js';

export const PatchError = {
  None: 0,
  /** <invalid-diff-format>: not an add/replace/remove, a missing `sel`, content where none may be. */
  InvalidDiffFormat: 1,
  /** <invalid-attribute-value>: a `pos`, `type` or `ws` value that is not one of the defined ones. */
  InvalidAttributeValue: 2,
  /** The selector is outside the supported XPath subset (patch-selector.ts) or too long. */
  UnsupportedSelector: 3,
  /** <invalid-namespace-prefix>: a prefix in `sel` / `type` with no declaration in the diff document. */
  InvalidNamespacePrefix: 4,
  /** <unlocated-node>: the selector matches no node. */
  UnlocatedNode: 5,
  /** The selector matches more than one node (RFC 5261 §4.1: it must locate a unique node). */
  NotUnique: 6,
  /** <invalid-node-types>: the content does not fit the node it replaces or the addition asked for. */
  InvalidNodeTypes: 7,
  /** <invalid-root-element-operation>: removing the root, or adding a sibling to it. */
  InvalidRootElementOperation: 8,
  /** <invalid-whitespace-directive>: `ws` asks to remove a whitespace text node that is not there. */
  InvalidWhitespaceDirective: 9,
  /** The attribute or namespace declaration to add exists already on that element. */
  AlreadyExists: 10,
  /** The result does not fit the output buffer. */
  Overflow: 11,
  /** More copied elements / namespace uses in one operation than the tables hold. */
  TooComplex: 12,
  /** The document being patched is not well-formed XML (cannot happen for documents this code wrote). */
  DocumentXml: 13,
  /** The diff document is not well-formed XML. */
  DiffXml: 14,
} as const;
export type PatchError = typeof PatchError[keyof typeof PatchError];

const NAMES = /* @__PURE__ */ Object.keys(PatchError);
export function patchErrorName(code: number): string {
  return NAMES[code] ?? `PatchError(${code})`;
}

export const PatchOp = { Add: 0, Replace: 1, Remove: 2 } as const;
export type PatchOp = typeof PatchOp[keyof typeof PatchOp];

const enum Pos { Append = 0, Before = 1, After = 2, Prepend = 3 }
const enum Ws { None = 0, Before = 1, After = 2, Both = 3 }
const enum AddType { Node = 0, Attribute = 1, Namespace = 2 }
/** Namespace span markers: no namespace, the predefined xml namespace, any (a `*` step). */
const enum NsSpan { NONE = -1, XML = -2, ANY = -3 }

const ATTR_SEL = /* @__PURE__ */ ascii('sel');
const ATTR_POS = /* @__PURE__ */ ascii('pos');
const ATTR_TYPE = /* @__PURE__ */ ascii('type');
const ATTR_WS = /* @__PURE__ */ ascii('ws');
const BEFORE = /* @__PURE__ */ ascii('before');
const AFTER = /* @__PURE__ */ ascii('after');
const PREPEND = /* @__PURE__ */ ascii('prepend');
const BOTH = /* @__PURE__ */ ascii('both');
const XML_PREFIX = /* @__PURE__ */ ascii('xml');
const XMLNS_ATTR = /* @__PURE__ */ ascii(' xmlns');
const NAMESPACE_AXIS = /* @__PURE__ */ ascii('namespace::');
const XML_URI = /* @__PURE__ */ ascii('http://www.w3.org/XML/1998/namespace');

/** Elements copied at the top level of one operation's content, and outside namespaces they use. */
const MAX_TOP_ELEMENTS = 16;
const MAX_USED_NAMESPACES = 48;
/** Declarations of the target in scope at once that locate() follows (beyond: every use is declared). */
const MAX_SCOPE_DECLARATIONS = 32;
const SELECTOR_BYTES = 512;
const TYPE_BYTES = 128;
const VALUE_BYTES = 256;

export interface XmlPatchLimits extends Pick<XmlLimits, 'maxDepth' | 'maxAttributes' | 'maxNamespaces'> {}
export const DEFAULT_XML_PATCH_LIMITS: XmlPatchLimits = { maxDepth: 24, maxAttributes: 24, maxNamespaces: 24 };

export class XmlPatcher {
  error: PatchError = PatchError.None;
  /** Where in the diff (or document, for DocumentXml) the error was found, -1 if nowhere in particular. */
  errorPosition = -1;
  readonly selector = new PatchSelector();

  // The document being patched, read once per operation.
  private readonly target: SpanCursor;
  // Root start tag of the diff document and of the current operation (namespace scope, §4.2.1).
  private readonly rootAttrs: RawAttributes;
  private readonly opAttrs: RawAttributes;
  private readonly tagAttrs: RawAttributes;
  private diff: Uint8Array = new Uint8Array(0);
  private rootNameEnd = 0;
  private rootTagEnd = 0;
  private opNameEnd = 0;
  private opTagEnd = 0;

  // Decoded attribute values of the operation.
  private readonly selBytes = new Uint8Array(SELECTOR_BYTES);
  private readonly typeBytes = new Uint8Array(TYPE_BYTES);
  private readonly valueBytes = new Uint8Array(VALUE_BYTES);
  private typeLength = 0;
  private pos: Pos = Pos.Append;
  private ws: Ws = Ws.None;
  private addType: AddType = AddType.Node;
  /** type="@p:a" / "namespace::p": name span in typeBytes; for an attribute, its namespace span in the diff. */
  private typeNameStart = 0;
  private typeNameEnd = 0;
  private typePrefixEnd = 0;
  private typeNsStart = 0;
  private typeNsEnd = 0;

  // Resolved namespaces of the selector's steps, predicates and attribute terminal (diff spans / NsSpan).
  private readonly stepNsStart = new Int32Array(MAX_SELECTOR_STEPS);
  private readonly stepNsEnd = new Int32Array(MAX_SELECTOR_STEPS);
  private readonly predicateNsStart = new Int32Array(MAX_SELECTOR_PREDICATES);
  private readonly predicateNsEnd = new Int32Array(MAX_SELECTOR_PREDICATES);
  private readonly predicateCounter = new Int32Array(MAX_SELECTOR_PREDICATES);
  private targetNsStart = 0;
  private targetNsEnd = 0;
  private nsStart = 0;
  private nsEnd = 0;

  // The operation's content in the diff: [contentStart, contentEnd), its top-level elements and
  // the namespaces they use from outside it.
  private contentStart = 0;
  private contentEnd = 0;
  private topCount = 0;
  private readonly topStart = new Int32Array(MAX_TOP_ELEMENTS);
  private readonly topNameEnd = new Int32Array(MAX_TOP_ELEMENTS);
  private readonly topEnd = new Int32Array(MAX_TOP_ELEMENTS);
  /** 1: the element declares the default namespace itself; 2: it (or a descendant) is unprefixed and in no namespace. */
  private readonly topDefault = new Uint8Array(MAX_TOP_ELEMENTS);
  private usedCount = 0;
  private readonly usedTop = new Int32Array(MAX_USED_NAMESPACES);
  private readonly usedPrefixStart = new Int32Array(MAX_USED_NAMESPACES);
  private readonly usedPrefixEnd = new Int32Array(MAX_USED_NAMESPACES);
  private readonly usedUriStart = new Int32Array(MAX_USED_NAMESPACES);
  private readonly usedUriEnd = new Int32Array(MAX_USED_NAMESPACES);
  /** 1: the target binds that prefix to that URI where the content lands (no declaration needed). */
  private readonly usedInScope = new Uint8Array(MAX_USED_NAMESPACES);
  /** The target has a non-empty default namespace where the content lands (no-namespace elements need xmlns=""). */
  private targetDefault = true;
  // The target's namespace declarations in scope while locate() reads it (only when content is copied).
  private readonly scope: RawAttributes;
  private scopeCount = 0;
  private scopeOverflow = false;
  private readonly scopePrefixStart = new Int32Array(MAX_SCOPE_DECLARATIONS);
  private readonly scopePrefixEnd = new Int32Array(MAX_SCOPE_DECLARATIONS);
  private readonly scopeUriStart = new Int32Array(MAX_SCOPE_DECLARATIONS);
  private readonly scopeUriEnd = new Int32Array(MAX_SCOPE_DECLARATIONS);
  /** scopeCount when the element at each depth started (its own declarations are above). */
  private readonly scopeMark: Int32Array;
  /** The content goes inside the located element (its own declarations count), not beside it. */
  private landsInside = false;
  /** Top-level text that is not whitespace, CDATA, comments or PIs in the content. */
  private contentText = false;
  private contentCData = false;
  private contentOther = false;

  // What locate() found in the document.
  private matches = 0;
  private elStart = 0;
  private elTagEnd = 0;
  private elEmpty = false;
  private elEnd = 0;
  private elNameStart = 0;
  private elNameEnd = 0;
  private elDepth = 0;
  private prevWsStart = -1;
  private nextWsEnd = -1;
  private nodeStart = 0;
  private nodeEnd = 0;
  private valueStart = 0;
  private valueEnd = 0;

  // Output.
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  private overflow = false;

  constructor(limits: XmlPatchLimits = DEFAULT_XML_PATCH_LIMITS) {
    this.target = new SpanCursor(new XmlReader({ ...limits, maxBytes: 1 << 30 }));
    const max = limits.maxAttributes + limits.maxNamespaces;
    this.rootAttrs = new RawAttributes(max);
    this.opAttrs = new RawAttributes(max);
    this.tagAttrs = new RawAttributes(max);
    this.scope = new RawAttributes(max);
    this.scopeMark = new Int32Array(limits.maxDepth + 2);
  }

  /** The diff document's root element (its declarations are in scope for every operation). */
  beginDiff(diff: Uint8Array, rootNameEnd: number, rootTagEnd: number): boolean {
    this.diff = diff;
    this.rootNameEnd = rootNameEnd;
    this.rootTagEnd = rootTagEnd;
    return this.rootAttrs.scan(diff, rootNameEnd, rootTagEnd);
  }

  /**
   * Applies the operation whose start tag `diff` (a cursor over the document given to beginDiff)
   * has just read, to doc[docStart, docEnd); the result goes to out[0..). Reads the diff up to
   * and including the operation's end tag. Returns the result's length, or -1 (see `error`).
   */
  apply(op: PatchOp, diff: SpanCursor, doc: Uint8Array, docStart: number, docEnd: number, out: Uint8Array): number {
    this.error = PatchError.None;
    this.errorPosition = -1;
    const d = diff.reader;
    const opDepth = d.depth;
    const opEmpty = d.isEmptyElement;
    this.opNameEnd = d.nameEnd;
    this.opTagEnd = diff.end;
    if (!this.opAttrs.scan(this.diff, this.opNameEnd, this.opTagEnd)) return this.failed(PatchError.InvalidDiffFormat, d.nameStart);
    // The operation's attributes, while the reader still has them (RFC 5261 §4.3–§4.5).
    const selAt = d.findAttribute(ATTR_SEL, null);
    if (selAt < 0) return this.failed(PatchError.InvalidDiffFormat, d.nameStart);
    const selLength = d.decodeAttribute(selAt, this.selBytes, 0);
    if (selLength < 0) return this.failed(PatchError.UnsupportedSelector, d.attrValueStartAt(selAt));
    this.pos = Pos.Append;
    this.ws = Ws.None;
    this.addType = AddType.Node;
    this.typeLength = 0;
    const posAt = d.findAttribute(ATTR_POS, null);
    const typeAt = d.findAttribute(ATTR_TYPE, null);
    const wsAt = d.findAttribute(ATTR_WS, null);
    if (op === PatchOp.Add) {
      if (posAt >= 0) {
        const vs = d.attrValueStartAt(posAt);
        const ve = d.attrValueEndAt(posAt);
        this.pos = bytesEqual(this.diff, vs, ve, BEFORE) ? Pos.Before : bytesEqual(this.diff, vs, ve, AFTER) ? Pos.After : bytesEqual(this.diff, vs, ve, PREPEND) ? Pos.Prepend : -1 as Pos;
        if (this.pos < 0) return this.failed(PatchError.InvalidAttributeValue, vs);
      }
      if (typeAt >= 0) {
        this.typeLength = d.decodeAttribute(typeAt, this.typeBytes, 0);
        if (this.typeLength < 0 || !this.parseType()) return this.failed(PatchError.InvalidAttributeValue, d.attrValueStartAt(typeAt));
      }
    } else if (op === PatchOp.Remove && wsAt >= 0) {
      const vs = d.attrValueStartAt(wsAt);
      const ve = d.attrValueEndAt(wsAt);
      this.ws = bytesEqual(this.diff, vs, ve, BEFORE) ? Ws.Before : bytesEqual(this.diff, vs, ve, AFTER) ? Ws.After : bytesEqual(this.diff, vs, ve, BOTH) ? Ws.Both : -1 as Ws;
      if (this.ws < 0) return this.failed(PatchError.InvalidAttributeValue, vs);
    }
    const selError = this.selector.parse(this.selBytes, 0, selLength);
    if (selError !== 0) return this.failed(PatchError.UnsupportedSelector, d.attrValueStartAt(selAt));
    if (!this.resolveSelector()) return this.failed(PatchError.InvalidNamespacePrefix, d.attrValueStartAt(selAt));
    if ((this.addType as AddType) === AddType.Attribute && !this.resolveTypeNamespace()) return this.failed(PatchError.InvalidNamespacePrefix, d.attrValueStartAt(typeAt));
    // The content, up to the operation's end tag.
    if (!this.readContent(diff, opDepth, opEmpty)) return -1;
    // Where in the document (one pass), then the splice.
    this.landsInside = op === PatchOp.Add && this.addType === AddType.Node && (this.pos === Pos.Append || this.pos === Pos.Prepend);
    if (!this.locate(doc, docStart, docEnd)) return -1;
    this.out = out;
    this.outPos = 0;
    this.overflow = false;
    let ok: boolean;
    if (op === PatchOp.Add) ok = this.writeAdd(doc, docStart, docEnd);
    else if (op === PatchOp.Replace) ok = this.writeReplace(doc, docStart, docEnd);
    else ok = this.writeRemove(doc, docStart, docEnd);
    if (!ok) return -1;
    if (this.overflow) return this.failed(PatchError.Overflow, -1);
    return this.outPos;
  }

  // ------------------------------------------------------------------ attributes and namespaces

  /** type="@QName" or "namespace::NCName" (RFC 5261 §4.3). */
  private parseType(): boolean {
    const t = this.typeBytes;
    const n = this.typeLength;
    if (n > 1 && t[0] === 0x40) {
      this.addType = AddType.Attribute;
      this.typeNameStart = 1;
      this.typeNameEnd = n;
      let colon = -1;
      for (let i = 1; i < n; i++) if (t[i] === 0x3a) { if (colon >= 0) return false; colon = i; }
      this.typePrefixEnd = colon < 0 ? 1 : colon;
      return colon !== 1 && colon !== n - 1 && isNameBytes(t, 1, n);
    }
    if (n > NAMESPACE_AXIS.length && bytesEqual(t, 0, NAMESPACE_AXIS.length, NAMESPACE_AXIS)) {
      this.addType = AddType.Namespace;
      this.typeNameStart = NAMESPACE_AXIS.length;
      this.typeNameEnd = n;
      for (let i = this.typeNameStart; i < n; i++) if (t[i] === 0x3a) return false;
      return isNameBytes(t, this.typeNameStart, n);
    }
    return false;
  }

  private resolveTypeNamespace(): boolean {
    if (this.typePrefixEnd === this.typeNameStart) { this.typeNsStart = this.typeNsEnd = NsSpan.NONE; return true; }
    if (!this.resolvePrefix(this.typeBytes, this.typeNameStart, this.typePrefixEnd)) return false;
    this.typeNsStart = this.nsStart;
    this.typeNsEnd = this.nsEnd;
    return true;
  }

  /** Namespaces of the selector's names, from the diff document (§4.2.1, §4.2.2). */
  private resolveSelector(): boolean {
    const s = this.selector;
    const sb = s.buf;
    for (let i = 0; i < s.stepCount; i++) {
      if (s.stepAny[i] === 1) { this.stepNsStart[i] = this.stepNsEnd[i] = NsSpan.ANY; continue; }
      // An unprefixed element name is in the diff's default namespace (§4.2.2); an empty prefix looks that up.
      if (!this.resolvePrefix(sb, s.stepPrefixStart[i]!, s.stepPrefixEnd[i]!)) return false;
      this.stepNsStart[i] = this.nsStart;
      this.stepNsEnd[i] = this.nsEnd;
    }
    for (let p = 0; p < s.predicateCount; p++) {
      if (s.predicateKind[p] !== PredicateKind.Attribute) continue;
      // Unprefixed attribute names are in no namespace (Namespaces in XML §6.2).
      if (s.predicatePrefixStart[p] === s.predicatePrefixEnd[p]) { this.predicateNsStart[p] = this.predicateNsEnd[p] = NsSpan.NONE; continue; }
      if (!this.resolvePrefix(sb, s.predicatePrefixStart[p]!, s.predicatePrefixEnd[p]!)) return false;
      this.predicateNsStart[p] = this.nsStart;
      this.predicateNsEnd[p] = this.nsEnd;
    }
    if (s.target === SelectorTarget.Attribute) {
      if (s.targetPrefixStart === s.targetPrefixEnd) this.targetNsStart = this.targetNsEnd = NsSpan.NONE;
      else {
        if (!this.resolvePrefix(sb, s.targetPrefixStart, s.targetPrefixEnd)) return false;
        this.targetNsStart = this.nsStart;
        this.targetNsEnd = this.nsEnd;
      }
    }
    return true;
  }

  /**
   * The namespace of prefix pbuf[ps, pe) (empty: the default namespace) in scope at the operation
   * element: its own declarations, then the root's. nsStart/nsEnd: a URI span of the diff, or
   * NsSpan.NONE / NsSpan.XML. False when a non-empty prefix is not declared.
   */
  private resolvePrefix(pbuf: Uint8Array, ps: number, pe: number): boolean {
    if (pe > ps && bytesEqual(pbuf, ps, pe, XML_PREFIX)) { this.nsStart = this.nsEnd = NsSpan.XML; return true; }
    const diff = this.diff;
    let attrs = this.opAttrs;
    let a = attrs.findDeclaration(diff, pbuf, ps, pe);
    if (a < 0) { attrs = this.rootAttrs; a = attrs.findDeclaration(diff, pbuf, ps, pe); }
    if (a < 0) {
      if (pe > ps) return false;
      this.nsStart = this.nsEnd = NsSpan.NONE;
      return true;
    }
    const vs = attrs.valueStart[a]!;
    const ve = attrs.valueEnd[a]!;
    // xmlns="" undeclares the default namespace (Namespaces in XML §6.2).
    if (vs === ve) { this.nsStart = this.nsEnd = NsSpan.NONE; return true; }
    this.nsStart = vs;
    this.nsEnd = ve;
    return true;
  }

  // ------------------------------------------------------------------ the operation's content

  private readContent(diff: SpanCursor, opDepth: number, opEmpty: boolean): boolean {
    const d = diff.reader;
    this.contentStart = this.contentEnd = this.opTagEnd;
    this.topCount = 0;
    this.usedCount = 0;
    this.contentText = false;
    this.contentCData = false;
    this.contentOther = false;
    let top = -1;
    for (;;) {
      const tok = diff.next();
      if (tok === XmlToken.Error) return this.fail(PatchError.DiffXml, d.errorPosition);
      if (tok === XmlToken.EndDocument) return this.fail(PatchError.DiffXml, diff.start);
      const depth = d.depth;
      if (tok === XmlToken.EndElement) {
        if (depth === opDepth) { this.contentEnd = opEmpty ? this.opTagEnd : diff.start; return true; }
        if (depth === opDepth + 1) this.topEnd[top] = diff.end;
        continue;
      }
      if (tok === XmlToken.StartElement) {
        if (depth === opDepth + 1) {
          top = this.topCount;
          if (top >= MAX_TOP_ELEMENTS) return this.fail(PatchError.TooComplex, diff.start);
          this.topCount = top + 1;
          this.topStart[top] = diff.start;
          this.topNameEnd[top] = d.nameEnd;
          this.topEnd[top] = diff.end;
          if (!this.tagAttrs.scan(this.diff, d.nameEnd, diff.end)) return this.fail(PatchError.DiffXml, diff.start);
          this.topDefault[top] = this.tagAttrs.findDeclaration(this.diff, this.diff, 0, 0) >= 0 ? 1 : 0;
        }
        if (!this.recordNamespaces(d, top)) return this.fail(PatchError.TooComplex, diff.start);
        continue;
      }
      if (depth !== opDepth) continue;
      if (tok === XmlToken.Text) { if (!d.textIsWhitespace) this.contentText = true; }
      else if (tok === XmlToken.CData) { this.contentText = true; this.contentCData = true; }
      else this.contentOther = true;
    }
  }

  /** The namespaces an element of the content (and its attributes) uses from outside the content. */
  private recordNamespaces(d: XmlReader, top: number): boolean {
    const ns = d.namespace;
    if (ns === NO_NAMESPACE) {
      // Unprefixed in no namespace: in the target a default namespace may be in scope; undeclare it.
      if (this.topDefault[top] === 0) this.topDefault[top] = 2;
    } else if (ns >= 0 && !this.recordUse(top, d.prefixStart, d.prefixEnd, d.namespaceUriStart(ns), d.namespaceUriEnd(ns))) return false;
    const count = d.attributeCount;
    for (let i = 0; i < count; i++) {
      const ans = d.attrNamespaceAt(i);
      if (ans < 0) continue;
      if (!this.recordUse(top, d.attrNameStartAt(i), d.attrLocalStartAt(i) - 1, d.namespaceUriStart(ans), d.namespaceUriEnd(ans))) return false;
    }
    return true;
  }

  private recordUse(top: number, prefixStart: number, prefixEnd: number, uriStart: number, uriEnd: number): boolean {
    // Declared inside the content: copied with it.
    if (uriStart >= this.contentStart) return true;
    const diff = this.diff;
    const length = prefixEnd - prefixStart;
    for (let u = this.usedCount - 1; u >= 0 && this.usedTop[u] === top; u--) {
      const s = this.usedPrefixStart[u]!;
      if (this.usedPrefixEnd[u]! - s !== length) continue;
      let k = 0;
      while (k < length && diff[s + k] === diff[prefixStart + k]) k++;
      if (k === length) return true;
    }
    const u = this.usedCount;
    if (u >= MAX_USED_NAMESPACES) return false;
    this.usedTop[u] = top;
    this.usedPrefixStart[u] = prefixStart;
    this.usedPrefixEnd[u] = prefixEnd;
    this.usedUriStart[u] = uriStart;
    this.usedUriEnd[u] = uriEnd;
    this.usedCount = u + 1;
    return true;
  }

  // ------------------------------------------------------------------ locating the node (§4.1)

  /**
   * One pass over the document: element steps are matched per depth (step i at depth i + 1) as
   * start tags arrive; positional predicates count per parent. The node must be unique.
   */
  private locate(doc: Uint8Array, docStart: number, docEnd: number): boolean {
    const s = this.selector;
    const cur = this.target;
    const t = cur.reader;
    const steps = s.stepCount;
    const target = s.target;
    cur.reset(doc, docStart, docEnd);
    this.matches = 0;
    this.prevWsStart = -1;
    this.nextWsEnd = -1;
    // matchedDepth: depth of the deepest element on the current path that matched its step
    // (the path matches steps 1..matchedDepth); 0 = the document node.
    let matchedDepth = 0;
    let openMatch = -1; // depth of the located element while it is open (Element / Text targets)
    let textIndex = 0;
    let afterMatch = false; // the located element just ended: its next sibling decides ws="after"
    let prevKind: number = XmlToken.EndDocument;
    let prevStart = 0;
    let prevWhitespace = false;
    // Namespaces in scope are followed only when content is copied (to declare what it needs).
    const track = this.topCount > 0;
    this.scopeCount = 0;
    this.scopeOverflow = false;
    this.resetCounters(0);
    for (;;) {
      const tok = cur.next();
      if (tok === XmlToken.Error) return this.fail(PatchError.DocumentXml, t.errorPosition);
      if (tok === XmlToken.EndDocument) break;
      const depth = t.depth;
      if (tok === XmlToken.StartElement) {
        if (track) this.pushScope(doc, t, cur, depth);
        if (afterMatch) afterMatch = false;
        // The path up to the parent matched: this element may match step `depth`.
        if (matchedDepth === depth - 1 && depth <= steps && this.stepMatches(t, depth - 1)) {
          matchedDepth = depth;
          if (depth < steps) this.resetCounters(depth);
          else if (this.located(t, cur, target, prevKind === XmlToken.Text && prevWhitespace ? prevStart : -1)) {
            openMatch = depth;
            textIndex = 0;
          }
        }
      } else if (tok === XmlToken.EndElement) {
        if (track) this.scopeCount = this.scopeMark[depth]!;
        if (openMatch === depth) {
          openMatch = -1;
          if (target === SelectorTarget.Element && this.matches === 1 && this.elDepth === depth) { this.elEnd = cur.end; afterMatch = true; }
        }
        if (matchedDepth === depth) matchedDepth = depth - 1;
      } else if (tok === XmlToken.Text || tok === XmlToken.CData) {
        if (afterMatch) {
          afterMatch = false;
          if (tok === XmlToken.Text && t.textIsWhitespace && this.matches === 1) this.nextWsEnd = cur.end;
        }
        // A text node child of the located element (RFC 5261 text()): counted in document order.
        if (target === SelectorTarget.Text && openMatch === depth) {
          textIndex++;
          if (s.targetPosition === 0 || s.targetPosition === textIndex) {
            if (++this.matches === 1) { this.nodeStart = cur.start; this.nodeEnd = cur.end; }
          }
        }
      } else if (afterMatch) afterMatch = false;
      prevKind = tok;
      prevStart = cur.start;
      prevWhitespace = tok === XmlToken.Text && t.textIsWhitespace;
    }
    if (this.matches === 0) return this.fail(PatchError.UnlocatedNode, -1);
    if (this.matches > 1) return this.fail(PatchError.NotUnique, -1);
    return true;
  }

  /** The namespace declarations of the start tag at the reader join the scope (depth's mark first). */
  private pushScope(doc: Uint8Array, t: XmlReader, cur: SpanCursor, depth: number): void {
    this.scopeMark[depth] = this.scopeCount;
    const attrs = this.scope;
    if (t.nameEnd === cur.end - 1) return;
    // Cannot happen for a tag the reader accepted; if it did, nothing would count as bound alike.
    if (!attrs.scan(doc, t.nameEnd, cur.end)) { this.scopeOverflow = true; return; }
    for (let a = 0; a < attrs.count; a++) {
      const s = attrs.nameStart[a]!;
      const e = attrs.nameEnd[a]!;
      if (e - s < 5 || doc[s] !== 0x78 || doc[s + 1] !== 0x6d || doc[s + 2] !== 0x6c || doc[s + 3] !== 0x6e || doc[s + 4] !== 0x73) continue;
      if (e - s > 5 && doc[s + 5] !== 0x3a) continue; // xmlnsfoo="…": an attribute
      const k = this.scopeCount;
      if (k >= MAX_SCOPE_DECLARATIONS) { this.scopeOverflow = true; return; }
      this.scopePrefixStart[k] = e - s === 5 ? e : s + 6;
      this.scopePrefixEnd[k] = e;
      this.scopeUriStart[k] = attrs.valueStart[a]!;
      this.scopeUriEnd[k] = attrs.valueEnd[a]!;
      this.scopeCount = k + 1;
    }
  }

  /**
   * Which outside namespaces of the content the target already binds alike where it lands: in
   * the located element (its own declarations count) or beside it (only its parent's).
   */
  private markInScope(doc: Uint8Array, depth: number): void {
    const limit = this.landsInside ? this.scopeCount : this.scopeMark[depth]!;
    const diff = this.diff;
    let defaultAt = -1;
    for (let k = limit - 1; k >= 0; k--) if (this.scopePrefixStart[k] === this.scopePrefixEnd[k]) { defaultAt = k; break; }
    this.targetDefault = this.scopeOverflow || (defaultAt >= 0 && this.scopeUriEnd[defaultAt]! > this.scopeUriStart[defaultAt]!);
    for (let u = 0; u < this.usedCount; u++) {
      this.usedInScope[u] = 0;
      if (this.scopeOverflow) continue;
      const ps = this.usedPrefixStart[u]!;
      const pe = this.usedPrefixEnd[u]!;
      for (let k = limit - 1; k >= 0; k--) {
        if (!spansEqual(doc, this.scopePrefixStart[k]!, this.scopePrefixEnd[k]!, diff, ps, pe)) continue;
        if (spansEqual(doc, this.scopeUriStart[k]!, this.scopeUriEnd[k]!, diff, this.usedUriStart[u]!, this.usedUriEnd[u]!)) this.usedInScope[u] = 1;
        break;
      }
    }
  }

  private resetCounters(step: number): void {
    if (step >= this.selector.stepCount) return;
    const first = this.selector.stepPredicateFirst[step]!;
    const n = this.selector.stepPredicateCount[step]!;
    for (let p = first; p < first + n; p++) this.predicateCounter[p] = 0;
  }

  /** The element at the reader matches step i: name test, then predicates in order (XPath §2.4). */
  private stepMatches(t: XmlReader, i: number): boolean {
    const s = this.selector;
    const sb = s.buf;
    if (s.stepAny[i] !== 1) {
      if (!spansEqual(t.buffer, t.localStart, t.localEnd, sb, s.stepLocalStart[i]!, s.stepLocalEnd[i]!)) return false;
      if (!this.namespaceMatches(t, t.namespace, this.stepNsStart[i]!, this.stepNsEnd[i]!)) return false;
    }
    const first = s.stepPredicateFirst[i]!;
    const end = first + s.stepPredicateCount[i]!;
    for (let p = first; p < end; p++) {
      if (s.predicateKind[p] === PredicateKind.Position) {
        if (++this.predicateCounter[p]! !== s.predicatePosition[p]) return false;
        continue;
      }
      const a = this.findAttribute(t, sb, s.predicateLocalStart[p]!, s.predicateLocalEnd[p]!, this.predicateNsStart[p]!, this.predicateNsEnd[p]!);
      if (a < 0) return false;
      // Compared decoded (references resolved): the literal came from a decoded `sel`.
      const n = t.decodeAttribute(a, this.valueBytes, 0);
      if (n < 0 || !spansEqual(this.valueBytes, 0, n, sb, s.predicateValueStart[p]!, s.predicateValueEnd[p]!)) return false;
    }
    return true;
  }

  /** Namespace index ns (of the reader) is the one of span [ns0, ns1) of the diff / NsSpan. */
  private namespaceMatches(t: XmlReader, ns: number, ns0: number, ns1: number): boolean {
    if (ns0 === NsSpan.ANY) return true;
    if (ns0 === NsSpan.NONE) return ns === NO_NAMESPACE;
    if (ns0 === NsSpan.XML) return ns === XML_NAMESPACE;
    if (ns === XML_NAMESPACE) return spansEqual(XML_URI, 0, XML_URI.length, this.diff, ns0, ns1);
    if (ns < 0) return false;
    return spansEqual(t.buffer, t.namespaceUriStart(ns), t.namespaceUriEnd(ns), this.diff, ns0, ns1);
  }

  private findAttribute(t: XmlReader, nbuf: Uint8Array, ls: number, le: number, ns0: number, ns1: number): number {
    const count = t.attributeCount;
    const buf = t.buffer;
    for (let a = 0; a < count; a++) {
      if (!spansEqual(buf, t.attrLocalStartAt(a), t.attrNameEndAt(a), nbuf, ls, le)) continue;
      if (this.namespaceMatches(t, t.attrNamespaceAt(a), ns0, ns1)) return a;
    }
    return -1;
  }

  /** The last step matched this element: record the node the selector designates; true when it is an element/text holder. */
  private located(t: XmlReader, cur: SpanCursor, target: SelectorTarget, prevWs: number): boolean {
    const s = this.selector;
    if (target === SelectorTarget.Element || target === SelectorTarget.Text) {
      if (target === SelectorTarget.Element && ++this.matches === 1) {
        if (this.topCount > 0) this.markInScope(t.buffer, t.depth);
        this.elStart = cur.start;
        this.elTagEnd = cur.end;
        this.elEmpty = t.isEmptyElement;
        this.elEnd = cur.end;
        this.elNameStart = t.nameStart;
        this.elNameEnd = t.nameEnd;
        this.elDepth = t.depth;
        this.prevWsStart = prevWs;
      }
      return true;
    }
    if (target === SelectorTarget.Attribute) {
      const a = this.findAttribute(t, s.buf, s.targetLocalStart, s.targetLocalEnd, this.targetNsStart, this.targetNsEnd);
      if (a < 0) return false;
      if (++this.matches === 1) {
        this.valueStart = t.attrValueStartAt(a);
        this.valueEnd = t.attrValueEndAt(a);
        let sp = t.attrNameStartAt(a);
        const buf = t.buffer;
        while (sp > 0 && isSpace(buf[sp - 1]!)) sp--;
        this.nodeStart = sp;
        this.nodeEnd = this.valueEnd + 1;
      }
      return false;
    }
    // namespace::p: a declaration on this element itself.
    const attrs = this.tagAttrs;
    if (!attrs.scan(t.buffer, t.nameEnd, cur.end)) return false;
    const a = attrs.findDeclaration(t.buffer, s.buf, s.targetLocalStart, s.targetLocalEnd);
    if (a < 0 || s.targetLocalStart === s.targetLocalEnd) return false;
    if (++this.matches === 1) {
      this.valueStart = attrs.valueStart[a]!;
      this.valueEnd = attrs.valueEnd[a]!;
      this.nodeStart = attrs.spaceStart[a]!;
      this.nodeEnd = this.valueEnd + 1;
    }
    return false;
  }

  // ------------------------------------------------------------------ writing

  /** §4.3 <add>. */
  private writeAdd(doc: Uint8Array, docStart: number, docEnd: number): boolean {
    const s = this.selector;
    if (s.target !== SelectorTarget.Element) return this.fail(PatchError.InvalidNodeTypes, -1);
    if (this.addType === AddType.Node) {
      if ((this.pos === Pos.Before || this.pos === Pos.After) && this.elDepth === 1) return this.fail(PatchError.InvalidRootElementOperation, -1);
      if (this.pos === Pos.Before) {
        this.put(doc, docStart, this.elStart);
        this.putContent(this.contentStart, this.contentEnd);
        this.put(doc, this.elStart, docEnd);
        return true;
      }
      if (this.pos === Pos.After) {
        this.put(doc, docStart, this.elEnd);
        this.putContent(this.contentStart, this.contentEnd);
        this.put(doc, this.elEnd, docEnd);
        return true;
      }
      if (this.elEmpty) {
        // <a/> becomes <a>content</a>.
        this.put(doc, docStart, this.elTagEnd - 2);
        this.putByte(0x3e);
        this.putContent(this.contentStart, this.contentEnd);
        this.putByte(0x3c);
        this.putByte(0x2f);
        this.put(doc, this.elNameStart, this.elNameEnd);
        this.putByte(0x3e);
        this.put(doc, this.elTagEnd, docEnd);
        return true;
      }
      // Prepend: right after the start tag; append: right before the end tag.
      const at = this.pos === Pos.Prepend ? this.elTagEnd : this.endTagStart(doc);
      this.put(doc, docStart, at);
      this.putContent(this.contentStart, this.contentEnd);
      this.put(doc, at, docEnd);
      return true;
    }
    if (this.topCount > 0 || this.contentOther || this.contentCData) return this.fail(PatchError.InvalidNodeTypes, this.contentStart);
    const attrs = this.tagAttrs;
    if (!attrs.scan(doc, this.elNameEnd, this.elTagEnd)) return this.fail(PatchError.DocumentXml, this.elStart);
    const tb = this.typeBytes;
    if (this.addType === AddType.Namespace) {
      if (attrs.findDeclaration(doc, tb, this.typeNameStart, this.typeNameEnd) >= 0) return this.fail(PatchError.AlreadyExists, -1);
      this.put(doc, docStart, this.elNameEnd);
      this.put(XMLNS_ATTR, 0, XMLNS_ATTR.length);
      this.putByte(0x3a);
      this.put(tb, this.typeNameStart, this.typeNameEnd);
      this.putQuotedContent();
      this.put(doc, this.elNameEnd, docEnd);
      return true;
    }
    if (attrs.findName(doc, tb, this.typeNameStart, this.typeNameEnd) >= 0) return this.fail(PatchError.AlreadyExists, -1);
    this.put(doc, docStart, this.elNameEnd);
    // A prefixed attribute brings its declaration unless the element has one for that prefix.
    if (this.typeNsStart >= 0 && attrs.findDeclaration(doc, tb, this.typeNameStart, this.typePrefixEnd) < 0) {
      this.put(XMLNS_ATTR, 0, XMLNS_ATTR.length);
      this.putByte(0x3a);
      this.put(tb, this.typeNameStart, this.typePrefixEnd);
      this.putByte(0x3d);
      this.putByte(0x22);
      this.put(this.diff, this.typeNsStart, this.typeNsEnd);
      this.putByte(0x22);
    }
    this.putByte(0x20);
    this.put(tb, this.typeNameStart, this.typeNameEnd);
    this.putQuotedContent();
    this.put(doc, this.elNameEnd, docEnd);
    return true;
  }

  /** §4.4 <replace>. */
  private writeReplace(doc: Uint8Array, docStart: number, docEnd: number): boolean {
    const target = this.selector.target;
    if (target === SelectorTarget.Element) {
      // Exactly one element replaces an element; blank text around it is not copied.
      if (this.topCount !== 1 || this.contentText) return this.fail(PatchError.InvalidNodeTypes, this.contentStart);
      this.put(doc, docStart, this.elStart);
      this.putContent(this.topStart[0]!, this.topEnd[0]!);
      this.put(doc, this.elEnd, docEnd);
      return true;
    }
    if (this.topCount > 0 || this.contentOther) return this.fail(PatchError.InvalidNodeTypes, this.contentStart);
    if (target === SelectorTarget.Text) {
      this.put(doc, docStart, this.nodeStart);
      this.put(this.diff, this.contentStart, this.contentEnd);
      this.put(doc, this.nodeEnd, docEnd);
      return true;
    }
    // An attribute value or a namespace URI: the text, quoted anew.
    if (this.contentCData) return this.fail(PatchError.InvalidNodeTypes, this.contentStart);
    this.put(doc, docStart, this.valueStart - 1);
    this.putQuotedContent(false);
    this.put(doc, this.valueEnd + 1, docEnd);
    return true;
  }

  /** §4.5 <remove>. */
  private writeRemove(doc: Uint8Array, docStart: number, docEnd: number): boolean {
    const target = this.selector.target;
    if (this.topCount > 0 || this.contentText) return this.fail(PatchError.InvalidDiffFormat, this.contentStart);
    let from = this.nodeStart;
    let to = this.nodeEnd;
    if (target === SelectorTarget.Element) {
      if (this.elDepth === 1) return this.fail(PatchError.InvalidRootElementOperation, -1);
      from = this.elStart;
      to = this.elEnd;
      // ws: the whitespace-only text node just before / after goes too; it must be there.
      if (this.ws === Ws.Before || this.ws === Ws.Both) {
        if (this.prevWsStart < 0) return this.fail(PatchError.InvalidWhitespaceDirective, -1);
        from = this.prevWsStart;
      }
      if (this.ws === Ws.After || this.ws === Ws.Both) {
        if (this.nextWsEnd < 0) return this.fail(PatchError.InvalidWhitespaceDirective, -1);
        to = this.nextWsEnd;
      }
    } else if (this.ws !== Ws.None) return this.fail(PatchError.InvalidWhitespaceDirective, -1);
    this.put(doc, docStart, from);
    this.put(doc, to, docEnd);
    return true;
  }

  /** Start of the located (non-empty) element's end tag. */
  private endTagStart(doc: Uint8Array): number {
    let i = this.elEnd - 1;
    while (i > this.elTagEnd && doc[i] !== 0x3c) i--;
    return i;
  }

  /** The content diff[from, to) with declarations added to each top-level element (namespace mangling, §4.2). */
  private putContent(from: number, to: number): void {
    const diff = this.diff;
    let at = from;
    let u = 0;
    for (let k = 0; k < this.topCount; k++) {
      const nameEnd = this.topNameEnd[k]!;
      if (nameEnd < from || nameEnd > to) continue;
      this.put(diff, at, nameEnd);
      while (u < this.usedCount && this.usedTop[u]! < k) u++;
      let declaredDefault = this.topDefault[k] === 1;
      for (; u < this.usedCount && this.usedTop[u] === k; u++) {
        const ps = this.usedPrefixStart[u]!;
        const pe = this.usedPrefixEnd[u]!;
        // The default namespace is settled for this element whether declared here or already alike.
        if (pe === ps) declaredDefault = true;
        if (this.usedInScope[u] === 1) continue;
        this.put(XMLNS_ATTR, 0, XMLNS_ATTR.length);
        if (pe > ps) { this.putByte(0x3a); this.put(diff, ps, pe); }
        this.putByte(0x3d);
        this.putByte(0x22);
        this.put(diff, this.usedUriStart[u]!, this.usedUriEnd[u]!);
        this.putByte(0x22);
      }
      if (this.topDefault[k] === 2 && !declaredDefault && this.targetDefault) {
        this.put(XMLNS_ATTR, 0, XMLNS_ATTR.length);
        this.putByte(0x3d);
        this.putByte(0x22);
        this.putByte(0x22);
      }
      at = nameEnd;
    }
    this.put(diff, at, to);
  }

  /** `="content"` (`"content"` without equals): the content's text as an attribute value (quotes escaped: it was element text). */
  private putQuotedContent(equals = true): void {
    const diff = this.diff;
    if (equals) this.putByte(0x3d);
    this.putByte(0x22);
    for (let i = this.contentStart; i < this.contentEnd; i++) {
      const c = diff[i]!;
      if (c === 0x22) { this.put(QUOT_REF, 0, QUOT_REF.length); continue; }
      this.putByte(c);
    }
    this.putByte(0x22);
  }

  private put(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    const out = this.out;
    let o = this.outPos;
    if (o + n > out.length) { this.overflow = true; return; }
    for (let i = start; i < end; i++) out[o++] = src[i]!;
    this.outPos = o;
  }

  private putByte(c: number): void {
    if (this.outPos >= this.out.length) { this.overflow = true; return; }
    this.out[this.outPos++] = c;
  }

  private fail(code: PatchError, position: number): false {
    this.error = code;
    this.errorPosition = position;
    return false;
  }

  private failed(code: PatchError, position: number): number {
    this.fail(code, position);
    return -1;
  }
}

const QUOT_REF = /* @__PURE__ */ ascii('&quot;');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80 || c === 0x3a
      || (i > start && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e));
    if (!ok) return false;
  }
  return end > start;
}

function spansEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  const n = ae - as;
  if (n !== be - bs) return false;
  for (let i = 0; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}
