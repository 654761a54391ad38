// The XML reader as it was before its interpreter-speed rewrite (2026-11), kept unchanged as an
// oracle: test/xml/differential.test.ts checks that the fast reader gives the same tokens, fields,
// errors and error positions. Not used by core/.
// A bounded, pull-style, non-validating XML 1.0 + Namespaces reader for presence-sized documents
// (PIDF, RPID, CIPID, dialog-info, watcherinfo, RLMI). A phone has no DOM: the caller asks for the
// next token and reads byte spans [start, end) of the input. Nothing is allocated per token; all
// stacks are sized once from the limits. Bad input never throws: next() returns XmlToken.Error and
// `error` / `errorPosition` say what and where; after that it keeps returning Error.
//
// Deliberately not supported: DTDs (`<!DOCTYPE` is an error: no entity-expansion attacks on a
// device), encodings other than UTF-8 (multi-byte sequences are passed through, not validated),
// entity references in namespace URIs (URIs are compared as raw bytes).
import { ascii, bytesEqual, encodeUtf8CodePoint } from '../../core/xml/bytes.js';
import { XmlError } from '../../core/xml/errors.js';



export const XmlToken = {
  Error: 0,
  StartElement: 1,
  EndElement: 2,
  /** Character data (raw span; entity references still encoded, see decodeText). */
  Text: 3,
  CData: 4,
  Comment: 5,
  ProcessingInstruction: 6,
  XmlDeclaration: 7,
  EndDocument: 8,
} as const;
export type XmlToken = typeof XmlToken[keyof typeof XmlToken];

export interface XmlLimits {
  /** Largest document accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest element nesting. */
  readonly maxDepth: number;
  /** Attributes (namespace declarations included) on one element. */
  readonly maxAttributes: number;
  /** Namespace declarations in scope at once. */
  readonly maxNamespaces: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 64 * 1024, maxDepth: 32, maxAttributes: 32, maxNamespaces: 32 };

/** Namespace index meaning "no namespace". */
export const NO_NAMESPACE = -1;
/** Namespace index of the predefined `xml` prefix (Namespaces in XML §3). */
export const XML_NAMESPACE = -2;
export const XML_NAMESPACE_URI = ascii('http://www.w3.org/XML/1998/namespace');

const XML_PREFIX = ascii('xml');
const XMLNS = ascii('xmlns');
const CDATA_OPEN = ascii('[CDATA[');
const DOCTYPE = ascii('DOCTYPE');

const LT = 0x3c, GT = 0x3e, AMP = 0x26, SLASH = 0x2f, QUESTION = 0x3f, BANG = 0x21, EQ = 0x3d;
const QUOT = 0x22, APOS = 0x27, COLON = 0x3a, DASH = 0x2d, RBRACKET = 0x5d, SEMI = 0x3b, HASH = 0x23;

// Byte classes in one table: an interpreter (QuickJS, XS) pays for every function call, so the
// per-byte loops test bits instead of calling predicates.
//   XML 1.0 §2.3 NameStartChar / NameChar (ASCII part; bytes >= 0x80, i.e. UTF-8 sequences,
//   are allowed), §2.3 S (whitespace), §2.2 Char (C0 controls other than tab/LF/CR are not).
//   PLAIN_TEXT: bytes readText can pass over without a closer look.
const NAME_START = 1, NAME_CHAR = 2, SPACE = 4, FORBIDDEN = 8, PLAIN_TEXT = 16;
const BYTE_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let k = 0;
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
  if (letter) k |= NAME_START | NAME_CHAR;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) k |= NAME_CHAR;
  if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) k |= SPACE;
  if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) k |= FORBIDDEN;
  if ((k & FORBIDDEN) === 0 && c !== 0x3c && c !== 0x26 && c !== 0x3e) k |= PLAIN_TEXT;
  BYTE_CLASS[c] = k;
}

function isNameStart(c: number): boolean {
  return (BYTE_CLASS[c]! & NAME_START) !== 0;
}
function isSpace(c: number): boolean {
  return (BYTE_CLASS[c]! & SPACE) !== 0;
}
function isForbiddenControl(c: number): boolean {
  return (BYTE_CLASS[c]! & FORBIDDEN) !== 0;
}

export class XmlReader {
  readonly limits: XmlLimits;

  // ---- current token (valid until the next call to next()) ----
  kind: XmlToken = XmlToken.EndDocument;
  /** Qualified name of the element (Start/End) or PI target. */
  nameStart = 0;
  nameEnd = 0;
  /** Prefix span (empty when unprefixed) and local-name span of the element. */
  prefixStart = 0;
  prefixEnd = 0;
  localStart = 0;
  localEnd = 0;
  /** Namespace of the element: a binding index, NO_NAMESPACE or XML_NAMESPACE. */
  namespace = NO_NAMESPACE;
  /** Text / CDATA / comment / PI data / XML declaration content. */
  textStart = 0;
  textEnd = 0;
  /** The Text token is only XML whitespace. */
  textIsWhitespace = false;
  /** Text holds entity or character references (decodeText needed). */
  textHasReferences = false;
  /** StartElement written as `<a/>`: an EndElement follows immediately. */
  isEmptyElement = false;
  /** Depth of the current element (root = 1); for Text, depth of the enclosing element. */
  depth = 0;
  attributeCount = 0;

  error: XmlError = XmlError.None;
  errorPosition = -1;
  /**
   * Do not report Text tokens that are only whitespace followed by markup (the indentation between
   * elements). For readers that ignore it anyway: each token costs an interpreter a round trip.
   */
  skipBlankText = false;

  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private begin = 0;
  private scanColon = -1;
  private rootSeen = false;
  private prologMarkupSeen = false;
  private rootClosed = false;
  private pendingPop = false;
  private pendingEmptyEnd = false;

  // element stack
  private readonly stackNameStart: Int32Array;
  private readonly stackNameEnd: Int32Array;
  private readonly stackColon: Int32Array;
  private readonly stackNamespace: Int32Array;
  private readonly stackBindingMark: Int32Array;

  // namespace bindings in scope
  private readonly bindPrefixStart: Int32Array;
  private readonly bindPrefixEnd: Int32Array;
  private readonly bindUriStart: Int32Array;
  private readonly bindUriEnd: Int32Array;
  private bindingCount = 0;

  // attributes of the current start tag (namespace declarations are not listed)
  private readonly attrNameStart: Int32Array;
  private readonly attrNameEnd: Int32Array;
  private readonly attrColon: Int32Array;
  private readonly attrValueStart: Int32Array;
  private readonly attrValueEnd: Int32Array;
  private readonly attrNamespace: Int32Array;
  private readonly attrHasReferences: Uint8Array;

  constructor(limits: Partial<XmlLimits> = {}) {
    this.limits = { ...DEFAULT_XML_LIMITS, ...limits };
    const depth = this.limits.maxDepth + 1;
    this.stackNameStart = new Int32Array(depth);
    this.stackNameEnd = new Int32Array(depth);
    this.stackColon = new Int32Array(depth);
    this.stackNamespace = new Int32Array(depth);
    this.stackBindingMark = new Int32Array(depth);
    const ns = this.limits.maxNamespaces;
    this.bindPrefixStart = new Int32Array(ns);
    this.bindPrefixEnd = new Int32Array(ns);
    this.bindUriStart = new Int32Array(ns);
    this.bindUriEnd = new Int32Array(ns);
    const attrs = this.limits.maxAttributes;
    this.attrNameStart = new Int32Array(attrs);
    this.attrNameEnd = new Int32Array(attrs);
    this.attrColon = new Int32Array(attrs);
    this.attrValueStart = new Int32Array(attrs);
    this.attrValueEnd = new Int32Array(attrs);
    this.attrNamespace = new Int32Array(attrs);
    this.attrHasReferences = new Uint8Array(attrs);
  }

  /** Starts reading buf[start, end). The reader keeps a reference to buf, never copies it. */
  reset(buf: Uint8Array, start = 0, end = buf.length): void {
    this.buf = buf;
    this.begin = start;
    this.pos = start;
    this.end = end;
    this.depth = 0;
    this.bindingCount = 0;
    this.attributeCount = 0;
    this.rootSeen = false;
    this.prologMarkupSeen = false;
    this.rootClosed = false;
    this.pendingPop = false;
    this.pendingEmptyEnd = false;
    this.error = XmlError.None;
    this.errorPosition = -1;
    this.kind = XmlToken.EndDocument;
    if (end - start > this.limits.maxBytes) {
      this.fail(XmlError.SizeLimit, start + this.limits.maxBytes);
      return;
    }
    // A UTF-8 byte order mark is allowed before the XML declaration.
    if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) this.pos += 3;
  }

  /** The buffer spans refer to. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  next(): XmlToken {
    if (this.error !== XmlError.None) return (this.kind = XmlToken.Error);
    if (this.pendingEmptyEnd) {
      this.pendingEmptyEnd = false;
      this.isEmptyElement = false;
      this.attributeCount = 0;
      this.pendingPop = true;
      return (this.kind = XmlToken.EndElement);
    }
    if (this.pendingPop) {
      this.pendingPop = false;
      this.bindingCount = this.stackBindingMark[this.depth]!;
      this.depth--;
      if (this.depth === 0) this.rootClosed = true;
    }
    this.attributeCount = 0;
    this.isEmptyElement = false;
    const buf = this.buf;
    const end = this.end;

    for (;;) {
      if (this.pos >= end) {
        if (this.depth > 0) return this.fail(XmlError.UnexpectedEnd, end);
        if (!this.rootSeen) return this.fail(XmlError.NoRootElement, end);
        return (this.kind = XmlToken.EndDocument);
      }
      const c = buf[this.pos]!;
      if (c !== LT) {
        if (this.depth === 0) {
          // Outside the root element only whitespace may appear (XML 1.0 §2.1 Misc).
          if (isSpace(c)) { this.pos++; continue; }
          return this.fail(XmlError.TextOutsideRoot, this.pos);
        }
        if (this.skipBlankText) {
          let j = this.pos;
          while (j < end && (BYTE_CLASS[buf[j]!]! & SPACE) !== 0) j++;
          if (j < end && buf[j] === LT) { this.pos = j; continue; }
        }
        return this.readText();
      }
      if (this.pos + 1 >= end) return this.fail(XmlError.UnexpectedEnd, end);
      const c1 = buf[this.pos + 1]!;
      if (c1 === SLASH) return this.readEndTag();
      if (c1 === QUESTION) return this.readProcessingInstruction();
      if (c1 === BANG) return this.readBang();
      return this.readStartTag();
    }
  }

  // ---------------------------------------------------------------- attributes

  attrNameStartAt(i: number): number { return this.attrNameStart[i]!; }
  attrNameEndAt(i: number): number { return this.attrNameEnd[i]!; }
  /** Local-name span start of attribute i (after the colon, if any). */
  attrLocalStartAt(i: number): number {
    const colon = this.attrColon[i]!;
    return colon < 0 ? this.attrNameStart[i]! : colon + 1;
  }
  attrValueStartAt(i: number): number { return this.attrValueStart[i]!; }
  attrValueEndAt(i: number): number { return this.attrValueEnd[i]!; }
  attrNamespaceAt(i: number): number { return this.attrNamespace[i]!; }
  attrHasReferencesAt(i: number): boolean { return this.attrHasReferences[i] === 1; }

  /** Index of the attribute with this local name and namespace (NO_NAMESPACE for plain ones), or -1. */
  findAttribute(localName: Uint8Array, namespaceUri: Uint8Array | null): number {
    const count = this.attributeCount;
    for (let i = 0; i < count; i++) {
      if (!bytesEqual(this.buf, this.attrLocalStartAt(i), this.attrNameEnd[i]!, localName)) continue;
      const ns = this.attrNamespace[i]!;
      if (namespaceUri === null ? ns === NO_NAMESPACE : this.namespaceIs(ns, namespaceUri)) return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- namespaces

  /** True when namespace index ns (from `namespace` or attrNamespaceAt) has exactly this URI. */
  namespaceIs(ns: number, uri: Uint8Array): boolean {
    if (ns === XML_NAMESPACE) return bytesEqual(XML_NAMESPACE_URI, 0, XML_NAMESPACE_URI.length, uri);
    if (ns < 0 || ns >= this.bindingCount) return false;
    return bytesEqual(this.buf, this.bindUriStart[ns]!, this.bindUriEnd[ns]!, uri);
  }

  /** The current element is {uri}localName. */
  elementIs(uri: Uint8Array, localName: Uint8Array): boolean {
    return bytesEqual(this.buf, this.localStart, this.localEnd, localName) && this.namespaceIs(this.namespace, uri);
  }

  private sameNamespace(a: number, b: number): boolean {
    if (a === b) return true;
    if (a < 0 || b < 0) return false;
    return spansEqual(this.buf, this.bindUriStart[a]!, this.bindUriEnd[a]!, this.bindUriStart[b]!, this.bindUriEnd[b]!);
  }

  /** URI span of a binding (for callers that want to copy it); -1 for none / xml. */
  namespaceUriStart(ns: number): number { return ns >= 0 ? this.bindUriStart[ns]! : -1; }
  namespaceUriEnd(ns: number): number { return ns >= 0 ? this.bindUriEnd[ns]! : -1; }

  // ---------------------------------------------------------------- decoding

  /** Decodes the current Text/CData token into out[outStart..]; returns the new end or -1 if out is too small. */
  decodeText(out: Uint8Array, outStart = 0): number {
    if (this.kind === XmlToken.CData) return this.copyNormalizingNewlines(this.textStart, this.textEnd, out, outStart);
    return decodeCharacterData(this.buf, this.textStart, this.textEnd, out, outStart, out.length, false);
  }

  /** Decodes attribute i's value (references, newline and whitespace normalisation, XML §3.3.3). */
  decodeAttribute(i: number, out: Uint8Array, outStart = 0): number {
    return decodeCharacterData(this.buf, this.attrValueStart[i]!, this.attrValueEnd[i]!, out, outStart, out.length, true);
  }

  private copyNormalizingNewlines(start: number, end: number, out: Uint8Array, outStart: number): number {
    let o = outStart;
    const limit = out.length;
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      let c = buf[i]!;
      if (c === 0x0d) { c = 0x0a; if (i + 1 < end && buf[i + 1] === 0x0a) i++; }
      if (o >= limit) return -1;
      out[o++] = c;
    }
    return o;
  }

  // ---------------------------------------------------------------- scanners

  private fail(code: XmlError, position: number): XmlToken {
    this.error = code;
    this.errorPosition = position;
    return (this.kind = XmlToken.Error);
  }

  private readText(): XmlToken {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let whitespace = true;
    let references = false;
    let i = start;
    const classes = BYTE_CLASS;
    for (; i < end; i++) {
      const c = buf[i]!;
      const k = classes[c]!;
      if ((k & PLAIN_TEXT) !== 0) {
        if ((k & SPACE) === 0) whitespace = false;
        continue;
      }
      if (c === LT) break;
      if (c === AMP) {
        const refEnd = scanReference(buf, i, end);
        if (refEnd < 0) return this.fail(refEnd === -2 ? XmlError.BadCharacterReference : XmlError.BadEntity, i);
        references = true;
        whitespace = false;
        i = refEnd - 1;
        continue;
      }
      if (c === GT) {
        if (i >= start + 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) return this.fail(XmlError.CDataEndInText, i - 2);
        whitespace = false;
        continue;
      }
      return this.fail(XmlError.InvalidCharacter, i);
    }
    this.pos = i;
    this.textStart = start;
    this.textEnd = i;
    this.textIsWhitespace = whitespace;
    this.textHasReferences = references;
    return (this.kind = XmlToken.Text);
  }

  /** Scans a QName at pos; returns its end (the colon goes to this.scanColon), or -1. */
  private scanQName(pos: number): number {
    const buf = this.buf;
    const end = this.end;
    if (pos >= end || !isNameStart(buf[pos]!) || buf[pos] === COLON) return -1;
    let colon = -1;
    let i = pos + 1;
    const classes = BYTE_CLASS;
    for (; i < end; i++) {
      const c = buf[i]!;
      if ((classes[c]! & NAME_CHAR) === 0) break;
      if (c === COLON) {
        // Namespaces in XML §4: at most one colon, with a non-empty prefix and local part.
        if (colon >= 0) return -1;
        colon = i;
      }
    }
    if (colon === i - 1) return -1;
    if (colon >= 0 && !isNameStart(buf[colon + 1]!)) return -1;
    this.scanColon = colon;
    return i;
  }

  private skipSpace(i: number): number {
    const buf = this.buf;
    const end = this.end;
    const classes = BYTE_CLASS;
    while (i < end && (classes[buf[i]!]! & SPACE) !== 0) i++;
    return i;
  }

  private readStartTag(): XmlToken {
    const buf = this.buf;
    const end = this.end;
    if (this.rootClosed) return this.fail(XmlError.MultipleRoots, this.pos);
    if (this.depth >= this.limits.maxDepth) return this.fail(XmlError.DepthLimit, this.pos);
    const nameStart = this.pos + 1;
    const nameEnd = this.scanQName(nameStart);
    if (nameEnd < 0) return this.fail(XmlError.InvalidName, nameStart);
    const colon = this.scanColon;
    const bindingMark = this.bindingCount;
    let listed = 0;
    let total = 0;
    let i = nameEnd;
    let empty = false;
    for (;;) {
      const afterSpace = this.skipSpace(i);
      if (afterSpace >= end) return this.fail(XmlError.UnexpectedEnd, end);
      const c = buf[afterSpace]!;
      if (c === GT) { i = afterSpace + 1; break; }
      if (c === SLASH) {
        if (afterSpace + 1 >= end) return this.fail(XmlError.UnexpectedEnd, end);
        if (buf[afterSpace + 1] !== GT) return this.fail(XmlError.MalformedTag, afterSpace);
        empty = true;
        i = afterSpace + 2;
        break;
      }
      // XML 1.0 §3.1: attributes are separated from the name and each other by whitespace.
      if (afterSpace === i) return this.fail(XmlError.MalformedTag, i);
      const attrStart = afterSpace;
      const attrEnd = this.scanQName(attrStart);
      if (attrEnd < 0) return this.fail(XmlError.InvalidName, attrStart);
      const attrColon = this.scanColon;
      let j = this.skipSpace(attrEnd);
      if (j >= end) return this.fail(XmlError.UnexpectedEnd, end);
      if (buf[j] !== EQ) return this.fail(XmlError.MalformedAttribute, j);
      j = this.skipSpace(j + 1);
      if (j >= end) return this.fail(XmlError.UnexpectedEnd, end);
      const quote = buf[j]!;
      if (quote !== QUOT && quote !== APOS) return this.fail(XmlError.MalformedAttribute, j);
      const valueStart = j + 1;
      let k = valueStart;
      let references = false;
      for (; k < end; k++) {
        const v = buf[k]!;
        if (v === quote) break;
        if (v === LT) return this.fail(XmlError.MalformedAttribute, k);
        if (v === AMP) {
          const refEnd = scanReference(buf, k, end);
          if (refEnd < 0) return this.fail(refEnd === -2 ? XmlError.BadCharacterReference : XmlError.BadEntity, k);
          references = true;
          k = refEnd - 1;
          continue;
        }
        if ((BYTE_CLASS[v]! & FORBIDDEN) !== 0) return this.fail(XmlError.InvalidCharacter, k);
      }
      if (k >= end) return this.fail(XmlError.UnexpectedEnd, end);
      const valueEnd = k;
      i = k + 1;
      if (++total > this.limits.maxAttributes) return this.fail(XmlError.AttributeLimit, attrStart);

      // Namespaces in XML §3: xmlns="uri" and xmlns:p="uri" declare, they are not attributes.
      const isDefaultDecl = attrColon < 0 && bytesEqual(buf, attrStart, attrEnd, XMLNS);
      const isPrefixDecl = attrColon >= 0 && bytesEqual(buf, attrStart, attrColon, XMLNS);
      if (isDefaultDecl || isPrefixDecl) {
        if (isPrefixDecl) {
          // The xml and xmlns prefixes cannot be rebound; a prefix cannot be undeclared in 1.0.
          if (bytesEqual(buf, attrColon + 1, attrEnd, XMLNS) || bytesEqual(buf, attrColon + 1, attrEnd, XML_PREFIX)) return this.fail(XmlError.ReservedPrefix, attrStart);
          if (valueEnd === valueStart) return this.fail(XmlError.EmptyNamespace, valueStart);
        }
        for (let b = bindingMark; b < this.bindingCount; b++) {
          const sameDefault = isDefaultDecl && this.bindPrefixStart[b] === this.bindPrefixEnd[b];
          const samePrefix = isPrefixDecl && spansEqual(buf, this.bindPrefixStart[b]!, this.bindPrefixEnd[b]!, attrColon + 1, attrEnd);
          if (sameDefault || samePrefix) return this.fail(XmlError.DuplicateAttribute, attrStart);
        }
        if (this.bindingCount >= this.limits.maxNamespaces) return this.fail(XmlError.NamespaceLimit, attrStart);
        const b = this.bindingCount++;
        this.bindPrefixStart[b] = isPrefixDecl ? attrColon + 1 : attrStart;
        this.bindPrefixEnd[b] = isPrefixDecl ? attrEnd : attrStart;
        this.bindUriStart[b] = valueStart;
        this.bindUriEnd[b] = valueEnd;
        continue;
      }
      for (let a = 0; a < listed; a++) {
        if (spansEqual(buf, this.attrNameStart[a]!, this.attrNameEnd[a]!, attrStart, attrEnd)) return this.fail(XmlError.DuplicateAttribute, attrStart);
      }
      this.attrNameStart[listed] = attrStart;
      this.attrNameEnd[listed] = attrEnd;
      this.attrColon[listed] = attrColon;
      this.attrValueStart[listed] = valueStart;
      this.attrValueEnd[listed] = valueEnd;
      this.attrHasReferences[listed] = references ? 1 : 0;
      listed++;
    }

    // Resolve prefixes now that this element's declarations are in scope.
    const elementNs = this.resolve(nameStart, colon < 0 ? nameStart : colon, colon < 0);
    if (elementNs === UNBOUND) return this.fail(XmlError.UnboundPrefix, nameStart);
    for (let a = 0; a < listed; a++) {
      const ac = this.attrColon[a]!;
      if (ac < 0) { this.attrNamespace[a] = NO_NAMESPACE; continue; }
      const ns = this.resolve(this.attrNameStart[a]!, ac, false);
      if (ns === UNBOUND) return this.fail(XmlError.UnboundPrefix, this.attrNameStart[a]!);
      this.attrNamespace[a] = ns;
      // Namespaces in XML §6.3: p:x and q:x with p and q bound to one URI are duplicates.
      for (let b = 0; b < a; b++) {
        if (this.attrColon[b]! < 0) continue;
        if (!spansEqual(buf, this.attrColon[b]! + 1, this.attrNameEnd[b]!, ac + 1, this.attrNameEnd[a]!)) continue;
        if (this.sameNamespace(this.attrNamespace[b]!, ns)) return this.fail(XmlError.DuplicateAttribute, this.attrNameStart[a]!);
      }
    }

    const d = ++this.depth;
    this.stackNameStart[d] = nameStart;
    this.stackNameEnd[d] = nameEnd;
    this.stackColon[d] = colon;
    this.stackNamespace[d] = elementNs;
    this.stackBindingMark[d] = bindingMark;
    this.rootSeen = true;
    this.pos = i;
    this.attributeCount = listed;
    this.isEmptyElement = empty;
    this.pendingEmptyEnd = empty;
    this.setElementToken(d);
    return (this.kind = XmlToken.StartElement);
  }

  private setElementToken(d: number): void {
    const nameStart = this.stackNameStart[d]!;
    const colon = this.stackColon[d]!;
    this.nameStart = nameStart;
    this.nameEnd = this.stackNameEnd[d]!;
    this.prefixStart = nameStart;
    this.prefixEnd = colon < 0 ? nameStart : colon;
    this.localStart = colon < 0 ? nameStart : colon + 1;
    this.localEnd = this.nameEnd;
    this.namespace = this.stackNamespace[d]!;
  }

  /** Binding index for a prefix span (empty span = default namespace); UNBOUND if none. */
  private resolve(prefixStart: number, prefixEnd: number, isDefault: boolean): number {
    const buf = this.buf;
    if (!isDefault && bytesEqual(buf, prefixStart, prefixEnd, XML_PREFIX)) return XML_NAMESPACE;
    for (let b = this.bindingCount - 1; b >= 0; b--) {
      const ps = this.bindPrefixStart[b]!;
      const pe = this.bindPrefixEnd[b]!;
      if (isDefault) {
        if (ps !== pe) continue;
        // xmlns="" undeclares the default namespace (Namespaces in XML §6.2).
        return this.bindUriStart[b] === this.bindUriEnd[b] ? NO_NAMESPACE : b;
      }
      if (spansEqual(buf, ps, pe, prefixStart, prefixEnd)) return b;
    }
    return isDefault ? NO_NAMESPACE : UNBOUND;
  }

  private readEndTag(): XmlToken {
    const buf = this.buf;
    const nameStart = this.pos + 2;
    const nameEnd = this.scanQName(nameStart);
    if (nameEnd < 0) return this.fail(XmlError.InvalidName, nameStart);
    const i = this.skipSpace(nameEnd);
    if (i >= this.end) return this.fail(XmlError.UnexpectedEnd, this.end);
    if (buf[i] !== GT) return this.fail(XmlError.MalformedTag, i);
    const d = this.depth;
    if (d === 0) return this.fail(XmlError.MismatchedEndTag, this.pos);
    if (!spansEqual(buf, this.stackNameStart[d]!, this.stackNameEnd[d]!, nameStart, nameEnd)) return this.fail(XmlError.MismatchedEndTag, this.pos);
    this.pos = i + 1;
    this.setElementToken(d);
    this.pendingPop = true;
    return (this.kind = XmlToken.EndElement);
  }

  private readProcessingInstruction(): XmlToken {
    const buf = this.buf;
    const end = this.end;
    const markupStart = this.pos;
    const targetStart = this.pos + 2;
    const targetEnd = this.scanQName(targetStart);
    if (targetEnd < 0 || this.scanColon >= 0) return this.fail(XmlError.InvalidName, targetStart);
    // XML 1.0 §2.8: the declaration only at the very start; "xml" in any case is reserved.
    const isXml = targetEnd - targetStart === 3
      && (buf[targetStart]! | 0x20) === 0x78 && (buf[targetStart + 1]! | 0x20) === 0x6d && (buf[targetStart + 2]! | 0x20) === 0x6c;
    // Leniency: whitespace before the declaration is tolerated (RFC 4480's §4 example has a
    // space there); any earlier markup is not.
    const atStart = !this.rootSeen && !this.prologMarkupSeen;
    if (isXml && (!atStart || !bytesEqual(buf, targetStart, targetEnd, XML_PREFIX))) return this.fail(XmlError.MisplacedXmlDeclaration, markupStart);
    let i = targetEnd;
    if (i < end && !isSpace(buf[i]!) && buf[i] !== QUESTION) return this.fail(XmlError.MalformedTag, i);
    i = this.skipSpace(i);
    const dataStart = i;
    for (; i + 1 < end; i++) {
      if (buf[i] === QUESTION && buf[i + 1] === GT) break;
      if (isForbiddenControl(buf[i]!)) return this.fail(XmlError.InvalidCharacter, i);
    }
    if (i + 1 >= end) return this.fail(XmlError.UnexpectedEnd, end);
    this.nameStart = targetStart;
    this.nameEnd = targetEnd;
    this.textStart = dataStart;
    this.textEnd = i;
    this.pos = i + 2;
    this.prologMarkupSeen = true;
    return (this.kind = isXml ? XmlToken.XmlDeclaration : XmlToken.ProcessingInstruction);
  }

  private readBang(): XmlToken {
    const buf = this.buf;
    const end = this.end;
    const markupStart = this.pos;
    const p = this.pos + 2;
    if (p + 1 < end && buf[p] === DASH && buf[p + 1] === DASH) {
      // XML 1.0 §2.5: "--" must not occur inside a comment.
      const dataStart = p + 2;
      for (let i = dataStart; i + 1 < end; i++) {
        if (buf[i] === DASH && buf[i + 1] === DASH) {
          if (i + 2 < end && buf[i + 2] === GT) {
            this.textStart = dataStart;
            this.textEnd = i;
            this.pos = i + 3;
            this.prologMarkupSeen = true;
            return (this.kind = XmlToken.Comment);
          }
          return this.fail(XmlError.MalformedComment, i);
        }
        if (isForbiddenControl(buf[i]!)) return this.fail(XmlError.InvalidCharacter, i);
      }
      return this.fail(XmlError.UnexpectedEnd, end);
    }
    if (p + CDATA_OPEN.length <= end && bytesEqual(buf, p, p + CDATA_OPEN.length, CDATA_OPEN)) {
      if (this.depth === 0) return this.fail(XmlError.TextOutsideRoot, markupStart);
      const dataStart = p + CDATA_OPEN.length;
      for (let i = dataStart; i + 2 < end; i++) {
        if (buf[i] === RBRACKET && buf[i + 1] === RBRACKET && buf[i + 2] === GT) {
          this.textStart = dataStart;
          this.textEnd = i;
          this.textIsWhitespace = false;
          this.textHasReferences = false;
          this.pos = i + 3;
          return (this.kind = XmlToken.CData);
        }
        if (isForbiddenControl(buf[i]!)) return this.fail(XmlError.InvalidCharacter, i);
      }
      return this.fail(XmlError.UnexpectedEnd, end);
    }
    if (p + DOCTYPE.length <= end && bytesEqual(buf, p, p + DOCTYPE.length, DOCTYPE)) return this.fail(XmlError.DoctypeNotSupported, markupStart);
    return this.fail(XmlError.MalformedTag, markupStart);
  }
}

const UNBOUND = -3;

function spansEqual(buf: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return false;
  for (let i = 0; i < length; i++) if (buf[aStart + i] !== buf[bStart + i]) return false;
  return true;
}

// XML 1.0 §4.1: EntityRef ::= '&' Name ';'   CharRef ::= '&#' [0-9]+ ';' | '&#x' [0-9a-fA-F]+ ';'
// Only the five predefined entities exist without a DTD (§4.6).
/** End of the reference starting at buf[i] === '&', -1 for a bad entity, -2 for a bad char ref. */
function scanReference(buf: Uint8Array, i: number, end: number): number {
  const p = i + 1;
  if (p < end && buf[p] === HASH) {
    const cp = charRefValue(buf, p + 1, end);
    if (cp < 0) return -2;
    let j = p + 1;
    while (buf[j] !== SEMI) j++;
    return j + 1;
  }
  const which = predefinedEntity(buf, p, end);
  if (which === 0) return -1;
  let j = p;
  while (buf[j] !== SEMI) j++;
  return j + 1;
}

/** Code point of the char ref body at buf[p] (after "&#"), or -1. */
function charRefValue(buf: Uint8Array, p: number, end: number): number {
  let hex = false;
  if (p < end && buf[p] === 0x78) { hex = true; p++; }
  let value = 0;
  let digits = 0;
  for (; p < end; p++) {
    const c = buf[p]!;
    if (c === SEMI) break;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
    else return -1;
    value = value * (hex ? 16 : 10) + d;
    if (value > 0x10ffff) return -1;
    digits++;
  }
  if (p >= end || digits === 0) return -1;
  // §2.2 Char: no NUL, no other C0 controls but tab/LF/CR, no surrogates, no U+FFFE/U+FFFF.
  if (value < 0x20 && value !== 0x09 && value !== 0x0a && value !== 0x0d) return -1;
  if ((value >= 0xd800 && value <= 0xdfff) || value === 0xfffe || value === 0xffff) return -1;
  return value;
}

/** The byte an entity name at buf[p] (up to ';') stands for, or 0. */
function predefinedEntity(buf: Uint8Array, p: number, end: number): number {
  // lt; gt; amp; apos; quot;
  const left = end - p;
  if (left >= 3 && buf[p + 2] === SEMI) {
    if (buf[p + 1] !== 0x74) return 0;
    if (buf[p] === 0x6c) return LT;
    if (buf[p] === 0x67) return GT;
    return 0;
  }
  if (left >= 4 && buf[p] === 0x61 && buf[p + 1] === 0x6d && buf[p + 2] === 0x70 && buf[p + 3] === SEMI) return AMP;
  if (left >= 5 && buf[p + 4] === SEMI) {
    if (buf[p] === 0x61 && buf[p + 1] === 0x70 && buf[p + 2] === 0x6f && buf[p + 3] === 0x73) return APOS;
    if (buf[p] === 0x71 && buf[p + 1] === 0x75 && buf[p + 2] === 0x6f && buf[p + 3] === 0x74) return QUOT;
  }
  return 0;
}

/**
 * Decodes character data buf[start,end) (already checked by the reader) into out[outStart, limit):
 * references resolved, CRLF/CR → LF (§2.11), and for attribute values tab/LF → space (§3.3.3).
 * Returns the new end in out, or -1 when out is too small.
 */
export function decodeCharacterData(buf: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, limit: number, attribute: boolean): number {
  let o = outStart;
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c === AMP) {
      if (buf[i + 1] === HASH) {
        const cp = charRefValue(buf, i + 2, end);
        if (cp < 0) return -1;
        while (buf[i] !== SEMI) i++;
        const next = encodeUtf8CodePoint(cp, out, o, limit);
        if (next < 0) return -1;
        o = next;
        continue;
      }
      const b = predefinedEntity(buf, i + 1, end);
      if (b === 0) return -1;
      while (buf[i] !== SEMI) i++;
      if (o >= limit) return -1;
      out[o++] = b;
      continue;
    }
    if (c === 0x0d) {
      c = 0x0a;
      if (i + 1 < end && buf[i + 1] === 0x0a) i++;
    }
    if (attribute && (c === 0x0a || c === 0x09)) c = 0x20;
    if (o >= limit) return -1;
    out[o++] = c;
  }
  return o;
}
