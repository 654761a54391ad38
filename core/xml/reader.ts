// A bounded, pull-style, non-validating XML 1.0 + Namespaces reader for presence-sized documents
// (PIDF, RPID, CIPID, dialog-info, watcherinfo, RLMI). A phone has no DOM: the caller asks for the
// next token and reads byte spans [start, end) of the input. Nothing is allocated per token; all
// stacks are sized once from the limits. Bad input never throws: next() returns XmlToken.Error and
// `error` / `errorPosition` say what and where; after that it keeps returning Error.
//
// Deliberately not supported: DTDs (`<!DOCTYPE` is an error: no entity-expansion attacks on a
// device), encodings other than UTF-8 (multi-byte sequences are passed through, not validated),
// entity references in namespace URIs (URIs are compared as raw bytes).
//
// Written for interpreters (QuickJS, XS: no inline caches, every `this.x` is a property look-up
// and every call a frame): the hot tokens (start tag, end tag, text) are scanned in next() itself
// with the cursor in locals, per-element state lives in one strided Int32Array per concern, and
// token fields are written once, when the token is complete.
import { ascii, bytesEqual, encodeUtf8CodePoint } from './bytes.js';
import { XmlError } from './errors.js';
import type { XmlScratch } from './scratch.js';

export { XmlError } from './errors.js';

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

/** Int32 words the stacks of a reader with these limits take (XmlScratch sizes itself with this). */
export function xmlStackWords(limits: Pick<XmlLimits, 'maxDepth' | 'maxAttributes' | 'maxNamespaces'>): number {
  return (limits.maxDepth + 1) * St.SIZE + Math.max(0, limits.maxNamespaces) * Bd.SIZE + Math.max(0, limits.maxAttributes) * At.SIZE;
}

/** Namespace index meaning "no namespace". */
export const NO_NAMESPACE = -1;
/** Namespace index of the predefined `xml` prefix (Namespaces in XML §3). */
export const XML_NAMESPACE = -2;
export const XML_NAMESPACE_URI = ascii('http://www.w3.org/XML/1998/namespace');
/** Namespace code of "no namespace" and of every URI not registered with setNamespaceCodes. */
export const UNKNOWN_NAMESPACE_CODE = 0;

const XML_PREFIX = ascii('xml');
const XMLNS = ascii('xmlns');
const CDATA_OPEN = ascii('[CDATA[');
const DOCTYPE = ascii('DOCTYPE');

// Internal numbers are `const enum` members: esbuild writes them into the code as literals. A
// module-level `const` would be a closure variable, read and TDZ-checked on each use in QuickJS
// (measurably slower in the per-byte loops).
const enum Ch {
  LT = 0x3c, GT = 0x3e, AMP = 0x26, SLASH = 0x2f, QUESTION = 0x3f, BANG = 0x21, EQ = 0x3d,
  QUOT = 0x22, APOS = 0x27, COLON = 0x3a, DASH = 0x2d, RBRACKET = 0x5d, SEMI = 0x3b, HASH = 0x23,
}

// Byte classes in one table: an interpreter (QuickJS, XS) pays for every function call, so the
// per-byte loops test bits instead of calling predicates.
//   XML 1.0 §2.3 NameStartChar / NameChar (ASCII part; bytes >= 0x80, i.e. UTF-8 sequences,
//   are allowed), §2.3 S (whitespace), §2.2 Char (C0 controls other than tab/LF/CR are not).
//   PLAIN_TEXT: bytes readText can pass over without a closer look.
//   PLAIN_VALUE: bytes an attribute value can hold without a closer look (§3.1 AttValue: no
//   `<`, `&` starts a reference, the quotes end it).
//   QNAME_START / NCNAME_CHAR: NameStartChar / NameChar but not the colon (Namespaces in XML §3).
// No class but FORBIDDEN has `<`: see `guard`.
const enum Cls {
  NAME_START = 1, NAME_CHAR = 2, SPACE = 4, FORBIDDEN = 8, PLAIN_TEXT = 16, PLAIN_VALUE = 32, QNAME_START = 64, NCNAME_CHAR = 128,
}
const BYTE_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let k = 0;
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
  if (letter) k |= Cls.NAME_START | Cls.NAME_CHAR;
  if (letter && c !== 0x3a) k |= Cls.QNAME_START;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) k |= Cls.NAME_CHAR;
  if ((k & Cls.NAME_CHAR) !== 0 && c !== 0x3a) k |= Cls.NCNAME_CHAR;
  if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) k |= Cls.SPACE;
  if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) k |= Cls.FORBIDDEN;
  if ((k & Cls.FORBIDDEN) === 0 && c !== 0x3c && c !== 0x26 && c !== 0x3e) k |= Cls.PLAIN_TEXT;
  if ((k & Cls.FORBIDDEN) === 0 && c !== 0x3c && c !== 0x26 && c !== 0x22 && c !== 0x27) k |= Cls.PLAIN_VALUE;
  BYTE_CLASS[c] = k;
}

// Token kinds (XmlToken's values) and readText's "nothing to report".
const enum Tok {
  ERROR = 0, START = 1, END = 2, TEXT = 3, END_DOCUMENT = 8,
  /** readText: inside a quiet element (quietDepths), no token; scanning goes on at pos. */
  NOT_REPORTED = -1,
}

// What next() has to do before scanning (one field read on the hot path instead of several flags).
const enum Pending {
  NONE = 0,
  /** The previous token was an EndElement: pop its element and namespace scope. */
  POP = 1,
  /** The previous token was `<a/>`'s StartElement: report its EndElement without scanning. */
  EMPTY_END = 2,
  /** The previous token was a StartElement with attributes: clear its attribute count. */
  AFTER_START = 3,
  /** An error was reported: keep reporting it. */
  ERROR = 4,
}

/** Strided per-element stack: [depth * St.SIZE + field]. */
const enum St { NAME_START = 0, NAME_END = 1, COLON = 2, NS = 3, BINDING_MARK = 4, DEFAULT_NS = 5, SIZE = 6 }
/** Strided namespace bindings: [binding * Bd.SIZE + field]. An empty prefix span is the default namespace. */
const enum Bd { PREFIX_START = 0, PREFIX_END = 1, URI_START = 2, URI_END = 3, CODE = 4, SIZE = 5 }
/** Strided attributes of the current start tag: [attribute * At.SIZE + field]. */
const enum At { NAME_START = 0, NAME_END = 1, COLON = 2, VALUE_START = 3, VALUE_END = 4, NS = 5, REFS = 6, SIZE = 7 }

// The exported NO_NAMESPACE, XML_NAMESPACE and UNKNOWN_NAMESPACE_CODE, as literals inside.
const enum Special {
  NO_NAMESPACE = -1,
  XML_NAMESPACE = -2,
  /** A prefix with no binding in scope. */
  UNBOUND = -3,
  /** tagDefault: the start tag declared no default namespace (the parent's applies). */
  INHERIT_DEFAULT = -4,
  UNKNOWN_CODE = 0,
}
// Fails to compile if the internal numbers drift from the public ones.
void ([NO_NAMESPACE, XML_NAMESPACE, UNKNOWN_NAMESPACE_CODE, XmlToken.Error, XmlToken.StartElement, XmlToken.EndElement, XmlToken.Text, XmlToken.EndDocument] satisfies
  [Special.NO_NAMESPACE, Special.XML_NAMESPACE, Special.UNKNOWN_CODE, Tok.ERROR, Tok.START, Tok.END, Tok.TEXT, Tok.END_DOCUMENT]);

export class XmlReader {
  readonly limits: XmlLimits;

  // ---- current token (valid until the next call to next()) ----
  kind: XmlToken = XmlToken.EndDocument;
  /** Qualified name of the element (Start/End) or PI target. */
  nameStart = 0;
  nameEnd = 0;
  /** Local-name span of the element (the prefix span is prefixStart/prefixEnd). */
  localStart = 0;
  localEnd = 0;
  /** Namespace of the element: a binding index, NO_NAMESPACE or XML_NAMESPACE. */
  namespace = Special.NO_NAMESPACE;
  /** Code of the element's namespace (see setNamespaceCodes); UNKNOWN_NAMESPACE_CODE otherwise. */
  namespaceCode = Special.UNKNOWN_CODE;
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
  /**
   * Per depth (the index is an open element's depth; root = 1): 1 = the consumer ignores that
   * element's own content, so only StartElement and Error tokens are reported inside it, and not
   * its EndElement; its text, CDATA, comments and PIs are still checked, the same errors at the
   * same bytes. The consumer writes the entry when it gets the element's StartElement (every
   * element's is reported); entries it never sets stay 0, entry 0 (outside the root) must. At
   * least maxDepth + 1 entries. By default (all 0) every token is reported.
   * Why: each token costs an interpreter a round trip (a PIDF reader keeps the text of a few
   * elements only; ~36 of a 3-device document's 77 tokens are not reported).
   */
  quietDepths: Uint8Array;

  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private pending = Pending.NONE;
  /**
   * Position of the last `<` in the input (-1 if none). A byte-class loop that starts at or before
   * it needs no end-of-input test per byte: `<` is in no class those loops continue on, so they
   * stop there at the latest. Those loops are written `while (classes[buf[i++]] & Cls.X); i--;`
   * (the class bit a literal in the bundle): the cheapest form in QuickJS (~47 ns a byte in its
   * wasm build here, against ~86 for `i < end && (classes[buf[i]] & X) !== 0` with X a module
   * const). Bytes are most of an interpreter's time.
   */
  private guard = -1;
  /** Position of the next CR at or after the last text decoded (decodeText's fast path); -1: unknown. */
  private nextCarriageReturn = -1;
  private rootSeen = false;
  private prologMarkupSeen = false;
  // The limits as plain fields: `this.limits.maxDepth` is two look-ups in an interpreter.
  private readonly maxBytes: number;
  private readonly maxDepth: number;
  private readonly maxAttributes: number;
  private readonly maxNamespaces: number;

  /** Element stack, S fields per depth; depth 0 holds only the default namespace outside the root (none). */
  private readonly stack: Int32Array;
  /** Namespace bindings in scope, B fields each. */
  private readonly bindings: Int32Array;
  private bindingCount = 0;
  /** Attributes of the current start tag, A fields each (namespace declarations are not listed). */
  private readonly attrs: Int32Array;

  // Results of readAttributes (fields, not a returned object: nothing is allocated per tag).
  private tagListed = 0;
  private tagEmpty = false;
  /** Some listed attribute has a prefix (resolveAttributes has work to do). */
  private tagPrefixed = false;
  private tagDefault = Special.INHERIT_DEFAULT;

  // Registered namespace URIs and their codes (setNamespaceCodes).
  private knownUris: readonly Uint8Array[] = [];
  private knownCodes: Int32Array = new Int32Array(0);
  private xmlCode = Special.UNKNOWN_CODE;

  /**
   * `scratch`: keep the stacks in views of a shared XmlScratch (scratch.ts) instead of owning them.
   * They hold nothing between documents, so readers used one at a time (never one inside another's
   * read) can share one; each keeps its own limits. Throws RangeError when the scratch is too small
   * for `limits` (a set-up error).
   */
  constructor(limits: Partial<XmlLimits> = {}, scratch?: XmlScratch) {
    this.limits = { ...DEFAULT_XML_LIMITS, ...limits };
    this.maxBytes = this.limits.maxBytes;
    this.maxDepth = this.limits.maxDepth;
    this.maxAttributes = this.limits.maxAttributes;
    this.maxNamespaces = this.limits.maxNamespaces;
    const stackWords = (this.maxDepth + 1) * St.SIZE;
    const bindingWords = Math.max(0, this.maxNamespaces) * Bd.SIZE;
    const attrWords = Math.max(0, this.maxAttributes) * At.SIZE;
    if (scratch === undefined) {
      this.stack = new Int32Array(stackWords);
      this.bindings = new Int32Array(bindingWords);
      this.attrs = new Int32Array(attrWords);
    } else {
      const words = scratch.words;
      if (words.length < stackWords + bindingWords + attrWords) throw new RangeError('xml reader: scratch too small for its limits');
      this.stack = words.subarray(0, stackWords);
      this.bindings = words.subarray(stackWords, stackWords + bindingWords);
      this.attrs = words.subarray(stackWords + bindingWords, stackWords + bindingWords + attrWords);
    }
    this.stack[St.DEFAULT_NS] = Special.NO_NAMESPACE;
    this.quietDepths = new Uint8Array(this.maxDepth + 1);
  }

  /**
   * Registers the namespace URIs a consumer switches on, each with a small code (not 0). Every
   * namespace declaration read afterwards is compared with them once, when it is declared, and
   * `namespaceCode` and namespaceCodeOf() then give that code (an attribute's:
   * namespaceCodeOf(attrNamespaceAt(i))): a number comparison per element instead of comparing
   * URI bytes. No namespace and URIs not registered
   * give UNKNOWN_NAMESPACE_CODE. Allocates: call it once, when setting up, not between reset() and
   * the end of a document.
   */
  setNamespaceCodes(table: ReadonlyArray<readonly [uri: Uint8Array, code: number]>): void {
    this.knownUris = table.map(([uri]) => uri);
    this.knownCodes = Int32Array.from(table, ([, code]) => code);
    this.xmlCode = this.codeOfUri(XML_NAMESPACE_URI, 0, XML_NAMESPACE_URI.length);
  }

  /** Starts reading buf[start, end). The reader keeps a reference to buf, never copies it. */
  reset(buf: Uint8Array, start = 0, end = buf.length): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.depth = 0;
    // Depth 0 (outside the root) has no default namespace; set per document, the stack may be shared.
    this.stack[St.DEFAULT_NS] = Special.NO_NAMESPACE;
    this.bindingCount = 0;
    this.attributeCount = 0;
    this.isEmptyElement = false;
    this.rootSeen = false;
    this.prologMarkupSeen = false;
    this.pending = Pending.NONE;
    this.nextCarriageReturn = -1;
    this.error = XmlError.None;
    this.errorPosition = -1;
    this.kind = XmlToken.EndDocument;
    if (end - start > this.maxBytes) {
      this.fail(XmlError.SizeLimit, start + this.maxBytes);
      return;
    }
    // A UTF-8 byte order mark is allowed before the XML declaration.
    if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) this.pos += 3;
    const guard = end > start ? buf.lastIndexOf(Ch.LT, end - 1) : -1;
    this.guard = guard >= start ? guard : -1;
  }

  /** The buffer spans refer to. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Prefix span of the element (empty when unprefixed). */
  get prefixStart(): number {
    return this.nameStart;
  }
  get prefixEnd(): number {
    const local = this.localStart;
    return local === this.nameStart ? local : local - 1;
  }

  // The per-token methods (next, readText, readStartTag, readAttributes, ...) declare
  // their locals with `var`: QuickJS gives every let/const a TDZ slot set at scope entry and
  // checked on each read (~20-25 ns a variable per call in its wasm build here, measured), and
  // these run a hundred times per presence document.
  next(): XmlToken {
    // Few locals on purpose: an interpreter sets up every local of a function on each call, so
    // the start tag and text live in their own methods rather than in one large next().
    var pending = this.pending;
    var depth = this.depth;
    if (pending !== Pending.NONE) {
      if (pending === Pending.ERROR) return (this.kind = Tok.ERROR);
      if (pending === Pending.EMPTY_END) {
        // The token fields still describe the element.
        this.isEmptyElement = false;
        this.attributeCount = 0;
        if (this.quietDepths[depth] !== 1) {
          this.pending = Pending.POP;
          return (this.kind = Tok.END);
        }
        pending = Pending.POP;
      }
      this.pending = Pending.NONE;
      if (pending === Pending.POP) {
        this.bindingCount = this.stack[depth * St.SIZE + St.BINDING_MARK]!;
        this.depth = --depth;
      } else {
        this.attributeCount = 0;
      }
    }
    var buf = this.buf;
    var end = this.end;
    var pos = this.pos;
    for (;;) {
      if (pos >= end) {
        if (depth > 0) return this.fail(XmlError.UnexpectedEnd, end);
        if (!this.rootSeen) return this.fail(XmlError.NoRootElement, end);
        this.pos = pos;
        return (this.kind = Tok.END_DOCUMENT);
      }
      if (buf[pos] !== Ch.LT) {
        if (depth > 0) {
          // The leading whitespace of character data is read here, so that the indentation
          // between elements (with skipBlankText) costs no call (see `guard` for the loops).
          var i = pos;
          var classes = BYTE_CLASS;
          if (i <= this.guard) { while (classes[buf[i++]!]! & Cls.SPACE); i--; } else { while (i < end && (classes[buf[i]!]! & Cls.SPACE) !== 0) i++; }
          if (i < end && buf[i] === Ch.LT && this.skipBlankText) { pos = i; continue; }
          var text = this.readText(pos, i);
          if (text !== Tok.NOT_REPORTED) return text;
          pos = this.pos;
          continue;
        }
        // Outside the root element only whitespace may appear (XML 1.0 §2.1 Misc).
        if ((BYTE_CLASS[buf[pos]!]! & Cls.SPACE) !== 0) { pos++; continue; }
        return this.fail(XmlError.TextOutsideRoot, pos);
      }
      if (pos + 1 >= end) return this.fail(XmlError.UnexpectedEnd, end);
      var c1 = buf[pos + 1]!;
      if (c1 === Ch.SLASH) {
        // End tag (XML 1.0 §3.1 ETag), fast path here (a call fewer per element): the open
        // element's name, then `>` (exactly what scanning a QName and comparing it would accept);
        // anything else goes the general way, which finds the same error at the same byte.
        if (depth > 0) {
          var at = depth * St.SIZE;
          var openStart = this.stack[at + St.NAME_START]!;
          var length = this.stack[at + St.NAME_END]! - openStart;
          var k = pos + 2 + length;
          if (k < end && buf[k] === Ch.GT) {
            // Names are never empty; `&& ++i < k` is the cheaper loop form in QuickJS.
            var i = pos + 2;
            var shift = openStart - i;
            while (buf[i] === buf[i + shift] && ++i < k);
            if (i === k) {
              if (this.quietDepths[depth] === 1) {
                // Not reported: popped here, scanning goes on.
                this.bindingCount = this.stack[at + St.BINDING_MARK]!;
                this.depth = --depth;
                pos = k + 1;
                continue;
              }
              this.pos = k + 1;
              this.pending = Pending.POP;
              // Name positions are unique in a document: when nameStart is this element's, the
              // token fields still hold it (from its start tag, a leaf's usual case).
              if (this.nameStart !== openStart) this.setElementToken(at);
              return (this.kind = Tok.END);
            }
          }
        }
        this.pos = pos;
        text = this.readEndTagInFull();
      } else if (c1 === Ch.QUESTION) { this.pos = pos; text = this.readProcessingInstruction(); }
      else if (c1 === Ch.BANG) { this.pos = pos; text = this.readBang(); }
      else return this.readStartTag(pos, depth);
      // End tag, PI, comment or CDATA off the fast paths: reported unless inside a quiet element.
      if (text === Tok.ERROR || this.quietDepths[depth] !== 1) return text;
      if (text === Tok.END) {
        this.pending = Pending.NONE;
        this.bindingCount = this.stack[depth * St.SIZE + St.BINDING_MARK]!;
        this.depth = --depth;
      }
      pos = this.pos;
    }
  }

  /**
   * Character data (XML 1.0 §2.4) from pos (not `<`, inside the root), its leading whitespace
   * already read up to i; NOT_REPORTED: inside a quiet element (quietDepths).
   */
  private readText(pos: number, i: number): XmlToken | Tok.NOT_REPORTED {
    var buf = this.buf;
    var end = this.end;
    var guard = this.guard;
    var classes = BYTE_CLASS;
    // Only whitespace so far: the text is blank unless a non-space byte follows before `<`,
    // and any such byte (plain, `&`, `>`) makes it non-blank or is an error.
    var whitespace = i >= end || buf[i] === Ch.LT;
    var references = false;
    var b = 0;
    for (;;) {
      if (i <= guard) { while (classes[buf[i++]!]! & Cls.PLAIN_TEXT); i--; } else {
        while (i < end && (classes[buf[i]!]! & Cls.PLAIN_TEXT) !== 0) i++;
        if (i >= end) break;
      }
      b = buf[i]!;
      if (b === Ch.LT) break;
      if (b === Ch.AMP) {
        b = scanReference(buf, i, end);
        if (b < 0) return this.fail(b === -2 ? XmlError.BadCharacterReference : XmlError.BadEntity, i);
        references = true;
        i = b;
        continue;
      }
      if (b === Ch.GT) {
        if (i >= pos + 2 && buf[i - 1] === Ch.RBRACKET && buf[i - 2] === Ch.RBRACKET) return this.fail(XmlError.CDataEndInText, i - 2);
        i++;
        continue;
      }
      return this.fail(XmlError.InvalidCharacter, i);
    }
    this.pos = i;
    if (this.quietDepths[this.depth] === 1) return Tok.NOT_REPORTED;
    this.textStart = pos;
    this.textEnd = i;
    this.textIsWhitespace = whitespace;
    this.textHasReferences = references;
    return (this.kind = Tok.TEXT);
  }

  /** Start tag (XML 1.0 §3.1 STag / EmptyElemTag) at pos; depth is the parent's. */
  private readStartTag(pos: number, depth: number): XmlToken {
    // At depth 0 after the root was seen, the root has been closed.
    if (depth === 0 && this.rootSeen) return this.fail(XmlError.MultipleRoots, pos);
    if (depth >= this.maxDepth) return this.fail(XmlError.DepthLimit, pos);
    var buf = this.buf;
    var end = this.end;
    var guard = this.guard;
    var classes = BYTE_CLASS;
    var nameStart = pos + 1;
    // QName (Namespaces in XML §4): NCName [':' NCName]
    if ((classes[buf[nameStart]!]! & Cls.QNAME_START) === 0) return this.fail(XmlError.InvalidName, nameStart);
    var colon = -1;
    var i = nameStart + 1;
    if (i <= guard) { while (classes[buf[i++]!]! & Cls.NCNAME_CHAR); i--; } else { while (i < end && (classes[buf[i]!]! & Cls.NCNAME_CHAR) !== 0) i++; }
    if (i < end && buf[i] === Ch.COLON) {
      colon = i++;
      if (i <= guard) { while (classes[buf[i++]!]! & Cls.NCNAME_CHAR); i--; } else { while (i < end && (classes[buf[i]!]! & Cls.NCNAME_CHAR) !== 0) i++; }
      // At most one colon, with a non-empty local part starting with a NameStartChar.
      if ((i < end && buf[i] === Ch.COLON) || colon === i - 1 || (classes[buf[colon + 1]!]! & Cls.NAME_START) === 0) return this.fail(XmlError.InvalidName, nameStart);
    }
    var nameEnd = i;
    var stack = this.stack;
    var ns = stack[depth * St.SIZE + St.DEFAULT_NS]!;
    var listed = 0;
    var empty = false;
    var bindingMark = this.bindingCount;
    if (i < end && buf[i] === Ch.GT) i++;
    else if (i + 1 < end && buf[i] === Ch.SLASH && buf[i + 1] === Ch.GT) { i += 2; empty = true; }
    else {
      // Whitespace, attributes, namespace declarations or an error.
      i = this.readAttributes(nameEnd);
      if (i < 0) return Tok.ERROR;
      listed = this.tagListed;
      empty = this.tagEmpty;
      if (this.tagDefault !== Special.INHERIT_DEFAULT) ns = this.tagDefault;
    }
    // The element's default namespace is its children's too.
    var defaultNs = ns;

    // Resolve the prefix now that this element's declarations are in scope.
    if (colon >= 0) {
      if (colon - nameStart === 3 && buf[nameStart] === 0x78 && buf[nameStart + 1] === 0x6d && buf[nameStart + 2] === 0x6c) ns = Special.XML_NAMESPACE;
      else {
        var bindings = this.bindings;
        var length = colon - nameStart;
        var b = this.bindingCount - 1;
        var k = 0;
        var ps = 0;
        for (; b >= 0; b--) {
          ps = bindings[b * Bd.SIZE + Bd.PREFIX_START]!;
          if (bindings[b * Bd.SIZE + Bd.PREFIX_END]! - ps !== length) continue;
          k = 0;
          while (buf[ps + k] === buf[nameStart + k] && ++k < length);
          if (k === length) break;
        }
        if (b < 0) return this.fail(XmlError.UnboundPrefix, nameStart);
        ns = b;
      }
    }
    if (listed > 0 && this.tagPrefixed && !this.resolveAttributes(listed)) return Tok.ERROR;

    var d = depth + 1;
    var at = d * St.SIZE;
    stack[at + St.NAME_START] = nameStart;
    stack[at + St.NAME_END] = nameEnd;
    stack[at + St.COLON] = colon;
    stack[at + St.NS] = ns;
    stack[at + St.BINDING_MARK] = bindingMark;
    stack[at + St.DEFAULT_NS] = defaultNs;
    if (depth === 0) this.rootSeen = true;
    this.depth = d;
    this.pos = i;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.localStart = colon < 0 ? nameStart : colon + 1;
    this.localEnd = nameEnd;
    this.namespace = ns;
    this.namespaceCode = ns >= 0 ? this.bindings[ns * Bd.SIZE + Bd.CODE]! : ns === Special.XML_NAMESPACE ? this.xmlCode : Special.UNKNOWN_CODE;
    // attributeCount is 0 and isEmptyElement false here (next() clears them after the token
    // that set them): written only when they change.
    if (listed > 0) {
      this.attributeCount = listed;
      this.pending = Pending.AFTER_START;
    }
    if (empty) {
      this.isEmptyElement = true;
      this.pending = Pending.EMPTY_END;
    }
    return (this.kind = Tok.START);
  }

  // ---------------------------------------------------------------- attributes

  attrNameStartAt(i: number): number { return this.attrs[i * At.SIZE + At.NAME_START]!; }
  attrNameEndAt(i: number): number { return this.attrs[i * At.SIZE + At.NAME_END]!; }
  /** Local-name span start of attribute i (after the colon, if any). */
  attrLocalStartAt(i: number): number {
    const colon = this.attrs[i * At.SIZE + At.COLON]!;
    return colon < 0 ? this.attrs[i * At.SIZE + At.NAME_START]! : colon + 1;
  }
  attrValueStartAt(i: number): number { return this.attrs[i * At.SIZE + At.VALUE_START]!; }
  attrValueEndAt(i: number): number { return this.attrs[i * At.SIZE + At.VALUE_END]!; }
  attrNamespaceAt(i: number): number { return this.attrs[i * At.SIZE + At.NS]!; }
  attrHasReferencesAt(i: number): boolean { return this.attrs[i * At.SIZE + At.REFS] === 1; }

  /** Index of the attribute with this local name and namespace (NO_NAMESPACE for plain ones), or -1. */
  findAttribute(localName: Uint8Array, namespaceUri: Uint8Array | null): number {
    // `var`: a PIDF reader asks for an attribute on most elements it keeps (see next()).
    var count = this.attributeCount;
    var attrs = this.attrs;
    var buf = this.buf;
    var length = localName.length;
    for (var i = 0; i < count; i++) {
      var at = i * At.SIZE;
      var colon = attrs[at + At.COLON]!;
      var localStart = colon < 0 ? attrs[at + At.NAME_START]! : colon + 1;
      var localEnd = attrs[at + At.NAME_END]!;
      if (localEnd - localStart !== length || !bytesEqual(buf, localStart, localEnd, localName)) continue;
      var ns = attrs[at + At.NS]!;
      if (namespaceUri === null ? ns === Special.NO_NAMESPACE : this.namespaceIs(ns, namespaceUri)) return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- namespaces

  /** True when namespace index ns (from `namespace` or attrNamespaceAt) has exactly this URI. */
  namespaceIs(ns: number, uri: Uint8Array): boolean {
    if (ns === Special.XML_NAMESPACE) return uri === XML_NAMESPACE_URI || bytesEqual(XML_NAMESPACE_URI, 0, XML_NAMESPACE_URI.length, uri);
    if (ns < 0 || ns >= this.bindingCount) return false;
    return bytesEqual(this.buf, this.bindings[ns * Bd.SIZE + Bd.URI_START]!, this.bindings[ns * Bd.SIZE + Bd.URI_END]!, uri);
  }

  /** Code (see setNamespaceCodes) of namespace index ns, from `namespace` or attrNamespaceAt. */
  namespaceCodeOf(ns: number): number {
    if (ns === Special.XML_NAMESPACE) return this.xmlCode;
    if (ns < 0 || ns >= this.bindingCount) return Special.UNKNOWN_CODE;
    return this.bindings[ns * Bd.SIZE + Bd.CODE]!;
  }

  /** The current element is {uri}localName. */
  elementIs(uri: Uint8Array, localName: Uint8Array): boolean {
    return bytesEqual(this.buf, this.localStart, this.localEnd, localName) && this.namespaceIs(this.namespace, uri);
  }

  private sameNamespace(a: number, b: number): boolean {
    if (a === b) return true;
    if (a < 0 || b < 0) return false;
    const bindings = this.bindings;
    return spansEqual(this.buf, bindings[a * Bd.SIZE + Bd.URI_START]!, bindings[a * Bd.SIZE + Bd.URI_END]!, bindings[b * Bd.SIZE + Bd.URI_START]!, bindings[b * Bd.SIZE + Bd.URI_END]!);
  }

  /** URI span of a binding (for callers that want to copy it); -1 for none / xml. */
  namespaceUriStart(ns: number): number { return ns >= 0 ? this.bindings[ns * Bd.SIZE + Bd.URI_START]! : -1; }
  namespaceUriEnd(ns: number): number { return ns >= 0 ? this.bindings[ns * Bd.SIZE + Bd.URI_END]! : -1; }

  // ---------------------------------------------------------------- decoding

  /** Decodes the current Text/CData token into out[outStart..]; returns the new end or -1 if out is too small. */
  decodeText(out: Uint8Array, outStart = 0): number {
    var start = this.textStart;
    var end = this.textEnd;
    // CDATA (textHasReferences false) is decoded like text without references: `&` is no
    // reference there (§2.7), only CRs change.
    // Most text has no reference and no CR: then decoding is a copy. Whether a CR lies ahead is
    // one native indexOf per document (and per CR), not a test per byte.
    if (!this.textHasReferences && end - start <= out.length - outStart) {
      var cr = this.nextCarriageReturn;
      if (cr < start) {
        cr = this.buf.indexOf(0x0d, start);
        this.nextCarriageReturn = cr = cr < 0 ? 0x7fffffff : cr;
      }
      if (cr >= end) return copyBytes(this.buf, start, end, out, outStart);
    }
    return decodeCharacterData(this.buf, start, end, out, outStart, out.length, false, this.kind === XmlToken.CData);
  }

  /** Decodes attribute i's value (references, newline and whitespace normalisation, XML §3.3.3). */
  decodeAttribute(i: number, out: Uint8Array, outStart = 0): number {
    var attrs = this.attrs;
    var start = attrs[i * At.SIZE + At.VALUE_START]!;
    var end = attrs[i * At.SIZE + At.VALUE_END]!;
    var buf = this.buf;
    if (attrs[i * At.SIZE + At.REFS] === 0 && end - start <= out.length - outStart) {
      // Without references only tab, LF and CR change (§3.3.3), and they are the only bytes
      // below 0x20 a checked value can hold: copy until one shows up.
      var k = start;
      var o = outStart;
      var c = 0;
      while (k < end && (c = buf[k]!) >= 0x20) { out[o++] = c; k++; }
      if (k === end) return o;
    }
    return decodeCharacterData(buf, start, end, out, outStart, out.length, true);
  }

  // ---------------------------------------------------------------- scanners

  private fail(code: XmlError, position: number): XmlToken {
    this.error = code;
    this.errorPosition = position;
    this.pending = Pending.ERROR;
    return (this.kind = XmlToken.Error);
  }

  /** Code of the registered namespace URI buf[start, end), or UNKNOWN_NAMESPACE_CODE. */
  private codeOfUri(buf: Uint8Array, start: number, end: number): number {
    // Once per declaration: only a URI of the same length and last byte is compared, in line.
    var uris = this.knownUris;
    var count = uris.length;
    var length = end - start;
    var uri: Uint8Array, k = 0;
    for (var u = 0; u < count; u++) {
      uri = uris[u]!;
      if (uri.length !== length || length === 0 || uri[length - 1] !== buf[end - 1]) continue;
      k = 0;
      while (buf[start + k] === uri[k] && ++k < length);
      if (k === length) return this.knownCodes[u]!;
    }
    return Special.UNKNOWN_CODE;
  }

  private setElementToken(at: number): void {
    var stack = this.stack;
    var nameStart = stack[at + St.NAME_START]!;
    var colon = stack[at + St.COLON]!;
    var nameEnd = stack[at + St.NAME_END]!;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.localStart = colon < 0 ? nameStart : colon + 1;
    this.localEnd = nameEnd;
    var ns = stack[at + St.NS]!;
    this.namespace = ns;
    this.namespaceCode = ns >= 0 ? this.bindings[ns * Bd.SIZE + Bd.CODE]! : ns === Special.XML_NAMESPACE ? this.xmlCode : Special.UNKNOWN_CODE;
  }

  /** Scans a QName at pos; returns its end (the colon goes to this.scanColon), or -1. */
  private scanQName(pos: number): number {
    var buf = this.buf;
    var end = this.end;
    var guard = this.guard;
    var classes = BYTE_CLASS;
    if (pos >= end || (classes[buf[pos]!]! & Cls.QNAME_START) === 0) return -1;
    var colon = -1;
    var i = pos + 1;
    if (i <= guard) { while (classes[buf[i++]!]! & Cls.NCNAME_CHAR); i--; } else { while (i < end && (classes[buf[i]!]! & Cls.NCNAME_CHAR) !== 0) i++; }
    if (i < end && buf[i] === Ch.COLON) {
      colon = i++;
      if (i <= guard) { while (classes[buf[i++]!]! & Cls.NCNAME_CHAR); i--; } else { while (i < end && (classes[buf[i]!]! & Cls.NCNAME_CHAR) !== 0) i++; }
      // Namespaces in XML §4: at most one colon, with a non-empty local part.
      if ((i < end && buf[i] === Ch.COLON) || colon === i - 1 || (classes[buf[colon + 1]!]! & Cls.NAME_START) === 0) return -1;
    }
    this.scanColon = colon;
    return i;
  }
  private scanColon = -1;

  private skipSpace(i: number): number {
    const buf = this.buf;
    const end = this.end;
    const classes = BYTE_CLASS;
    while (i < end && (classes[buf[i]!]! & Cls.SPACE) !== 0) i++;
    return i;
  }

  /**
   * The rest of a start tag from the end of its name: attributes and namespace declarations up to
   * `>` or `/>`. Returns the position after the tag (tagListed / tagEmpty / tagDefault set), or -1
   * after fail().
   */
  private readAttributes(i: number): number {
    var buf = this.buf;
    var end = this.end;
    var classes = BYTE_CLASS;
    var attrs = this.attrs;
    var bindings = this.bindings;
    var bindingMark = this.bindingCount;
    var maxAttributes = this.maxAttributes;
    var guard = this.guard;
    var listed = 0;
    var total = 0;
    var empty = false;
    var prefixed = false;
    var declaredDefault = Special.INHERIT_DEFAULT;
    for (;;) {
      var afterSpace = i;
      if (afterSpace <= guard) { while (classes[buf[afterSpace++]!]! & Cls.SPACE); afterSpace--; } else { while (afterSpace < end && (classes[buf[afterSpace]!]! & Cls.SPACE) !== 0) afterSpace++; }
      if (afterSpace >= end) return this.failed(XmlError.UnexpectedEnd, end);
      var c = buf[afterSpace]!;
      if (c === Ch.GT) { i = afterSpace + 1; break; }
      if (c === Ch.SLASH) {
        if (afterSpace + 1 >= end) return this.failed(XmlError.UnexpectedEnd, end);
        if (buf[afterSpace + 1] !== Ch.GT) return this.failed(XmlError.MalformedTag, afterSpace);
        empty = true;
        i = afterSpace + 2;
        break;
      }
      // XML 1.0 §3.1: attributes are separated from the name and each other by whitespace.
      if (afterSpace === i) return this.failed(XmlError.MalformedTag, i);
      var attrStart = afterSpace;
      var attrEnd = this.scanQName(attrStart);
      if (attrEnd < 0) return this.failed(XmlError.InvalidName, attrStart);
      var attrColon = this.scanColon;
      var j = attrEnd;
      while (j < end && (classes[buf[j]!]! & Cls.SPACE) !== 0) j++;
      if (j >= end) return this.failed(XmlError.UnexpectedEnd, end);
      if (buf[j] !== Ch.EQ) return this.failed(XmlError.MalformedAttribute, j);
      j++;
      while (j < end && (classes[buf[j]!]! & Cls.SPACE) !== 0) j++;
      if (j >= end) return this.failed(XmlError.UnexpectedEnd, end);
      var quote = buf[j]!;
      if (quote !== Ch.QUOT && quote !== Ch.APOS) return this.failed(XmlError.MalformedAttribute, j);
      var valueStart = j + 1;
      var k = valueStart;
      var references = false;
      for (;;) {
        if (k <= guard) { while (classes[buf[k++]!]! & Cls.PLAIN_VALUE); k--; } else {
          while (k < end && (classes[buf[k]!]! & Cls.PLAIN_VALUE) !== 0) k++;
          if (k >= end) return this.failed(XmlError.UnexpectedEnd, end);
        }
        var v = buf[k]!;
        if (v === quote) break;
        if (v === Ch.QUOT || v === Ch.APOS) { k++; continue; }
        if (v === Ch.LT) return this.failed(XmlError.MalformedAttribute, k);
        if (v === Ch.AMP) {
          var refEnd = scanReference(buf, k, end);
          if (refEnd < 0) return this.failed(refEnd === -2 ? XmlError.BadCharacterReference : XmlError.BadEntity, k);
          references = true;
          k = refEnd;
          continue;
        }
        return this.failed(XmlError.InvalidCharacter, k);
      }
      var valueEnd = k;
      i = k + 1;
      if (++total > maxAttributes) return this.failed(XmlError.AttributeLimit, attrStart);

      // Namespaces in XML §3: xmlns="uri" and xmlns:p="uri" declare, they are not attributes.
      var isDefaultDecl = attrColon < 0 && attrEnd - attrStart === 5 && buf[attrStart] === 0x78 && bytesEqual(buf, attrStart, attrEnd, XMLNS);
      var isPrefixDecl = attrColon - attrStart === 5 && buf[attrStart] === 0x78 && bytesEqual(buf, attrStart, attrColon, XMLNS);
      if (isDefaultDecl || isPrefixDecl) {
        if (isPrefixDecl) {
          // The xml and xmlns prefixes cannot be rebound; a prefix cannot be undeclared in 1.0.
          var prefixLength = attrEnd - attrColon - 1;
          if ((prefixLength === 5 && bytesEqual(buf, attrColon + 1, attrEnd, XMLNS)) || (prefixLength === 3 && bytesEqual(buf, attrColon + 1, attrEnd, XML_PREFIX))) return this.failed(XmlError.ReservedPrefix, attrStart);
          if (valueEnd === valueStart) return this.failed(XmlError.EmptyNamespace, valueStart);
        }
        var count = this.bindingCount;
        for (var b = bindingMark; b < count; b++) {
          var ps = bindings[b * Bd.SIZE + Bd.PREFIX_START]!;
          var pe = bindings[b * Bd.SIZE + Bd.PREFIX_END]!;
          var sameDefault = isDefaultDecl && ps === pe;
          var samePrefix = isPrefixDecl && pe - ps === attrEnd - attrColon - 1 && spansEqual(buf, ps, pe, attrColon + 1, attrEnd);
          if (sameDefault || samePrefix) return this.failed(XmlError.DuplicateAttribute, attrStart);
        }
        if (count >= this.maxNamespaces) return this.failed(XmlError.NamespaceLimit, attrStart);
        var at = count * Bd.SIZE;
        bindings[at + Bd.PREFIX_START] = isPrefixDecl ? attrColon + 1 : attrStart;
        bindings[at + Bd.PREFIX_END] = isPrefixDecl ? attrEnd : attrStart;
        bindings[at + Bd.URI_START] = valueStart;
        bindings[at + Bd.URI_END] = valueEnd;
        bindings[at + Bd.CODE] = this.knownUris.length === 0 ? Special.UNKNOWN_CODE : this.codeOfUri(buf, valueStart, valueEnd);
        this.bindingCount = count + 1;
        // xmlns="" undeclares the default namespace (Namespaces in XML §6.2).
        if (isDefaultDecl) declaredDefault = valueEnd === valueStart ? Special.NO_NAMESPACE : count;
        continue;
      }
      var length = attrEnd - attrStart;
      for (var a = 0; a < listed; a++) {
        var other = attrs[a * At.SIZE + At.NAME_START]!;
        if (attrs[a * At.SIZE + At.NAME_END]! - other === length && spansEqual(buf, other, other + length, attrStart, attrEnd)) return this.failed(XmlError.DuplicateAttribute, attrStart);
      }
      var at = listed * At.SIZE;
      attrs[at + At.NAME_START] = attrStart;
      attrs[at + At.NAME_END] = attrEnd;
      attrs[at + At.COLON] = attrColon;
      attrs[at + At.VALUE_START] = valueStart;
      attrs[at + At.VALUE_END] = valueEnd;
      attrs[at + At.REFS] = references ? 1 : 0;
      // Unprefixed attributes have no namespace (Namespaces in XML §6.2); prefixed ones are
      // resolved once the element's declarations are all read (resolveAttributes).
      if (attrColon < 0) attrs[at + At.NS] = Special.NO_NAMESPACE; else prefixed = true;
      listed++;
    }
    this.tagListed = listed;
    this.tagPrefixed = prefixed;
    this.tagEmpty = empty;
    this.tagDefault = declaredDefault;
    return i;
  }

  private failed(code: XmlError, position: number): number {
    this.fail(code, position);
    return -1;
  }

  /** Namespaces of the listed prefixed attributes, once the element's declarations are in scope; false after fail(). */
  private resolveAttributes(listed: number): boolean {
    var attrs = this.attrs;
    var bindings = this.bindings;
    var buf = this.buf;
    for (var a = 0; a < listed; a++) {
      var at = a * At.SIZE;
      var ac = attrs[at + At.COLON]!;
      if (ac < 0) continue;
      var nameStart = attrs[at + At.NAME_START]!;
      var ns = this.resolvePrefix(nameStart, ac);
      if (ns === Special.UNBOUND) { this.fail(XmlError.UnboundPrefix, nameStart); return false; }
      attrs[at + At.NS] = ns;
      // Namespaces in XML §6.3: p:x and q:x with p and q bound to one URI are duplicates.
      for (var b = 0; b < a; b++) {
        var bc = attrs[b * At.SIZE + At.COLON]!;
        if (bc < 0) continue;
        if (!spansEqual(buf, bc + 1, attrs[b * At.SIZE + At.NAME_END]!, ac + 1, attrs[at + At.NAME_END]!)) continue;
        if (this.sameNamespace(attrs[b * At.SIZE + At.NS]!, ns)) { this.fail(XmlError.DuplicateAttribute, nameStart); return false; }
      }
    }
    return true;
  }

  /** Binding index for a non-empty prefix span, XML_NAMESPACE for `xml`, UNBOUND if none. */
  private resolvePrefix(prefixStart: number, prefixEnd: number): number {
    const buf = this.buf;
    if (bytesEqual(buf, prefixStart, prefixEnd, XML_PREFIX)) return Special.XML_NAMESPACE;
    const bindings = this.bindings;
    for (let b = this.bindingCount - 1; b >= 0; b--) {
      if (spansEqual(buf, bindings[b * Bd.SIZE + Bd.PREFIX_START]!, bindings[b * Bd.SIZE + Bd.PREFIX_END]!, prefixStart, prefixEnd)) return b;
    }
    return Special.UNBOUND;
  }

  /** An end tag off next()'s fast path: scanned and checked in the order errors are reported. */
  private readEndTagInFull(): XmlToken {
    const buf = this.buf;
    const nameStart = this.pos + 2;
    const nameEnd = this.scanQName(nameStart);
    if (nameEnd < 0) return this.fail(XmlError.InvalidName, nameStart);
    const i = this.skipSpace(nameEnd);
    if (i >= this.end) return this.fail(XmlError.UnexpectedEnd, this.end);
    if (buf[i] !== Ch.GT) return this.fail(XmlError.MalformedTag, i);
    const d = this.depth;
    if (d === 0) return this.fail(XmlError.MismatchedEndTag, this.pos);
    const at = d * St.SIZE;
    if (!spansEqual(buf, this.stack[at + St.NAME_START]!, this.stack[at + St.NAME_END]!, nameStart, nameEnd)) return this.fail(XmlError.MismatchedEndTag, this.pos);
    this.pos = i + 1;
    this.setElementToken(at);
    this.pending = Pending.POP;
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
    if (i < end && (BYTE_CLASS[buf[i]!]! & Cls.SPACE) === 0 && buf[i] !== Ch.QUESTION) return this.fail(XmlError.MalformedTag, i);
    i = this.skipSpace(i);
    const dataStart = i;
    for (; i + 1 < end; i++) {
      const c = buf[i]!;
      if (c === Ch.QUESTION && buf[i + 1] === Ch.GT) break;
      if ((BYTE_CLASS[c]! & Cls.FORBIDDEN) !== 0) return this.fail(XmlError.InvalidCharacter, i);
    }
    if (i + 1 >= end) return this.fail(XmlError.UnexpectedEnd, end);
    // A PI's target is not an element name: nameStart never equals an element's, so the end-tag
    // fast path in next() rewrites the element fields after it.
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
    if (p + 1 < end && buf[p] === Ch.DASH && buf[p + 1] === Ch.DASH) {
      // XML 1.0 §2.5: "--" must not occur inside a comment.
      const dataStart = p + 2;
      for (let i = dataStart; i + 1 < end; i++) {
        const c = buf[i]!;
        if (c === Ch.DASH && buf[i + 1] === Ch.DASH) {
          if (i + 2 < end && buf[i + 2] === Ch.GT) {
            this.textStart = dataStart;
            this.textEnd = i;
            this.pos = i + 3;
            this.prologMarkupSeen = true;
            return (this.kind = XmlToken.Comment);
          }
          return this.fail(XmlError.MalformedComment, i);
        }
        if ((BYTE_CLASS[c]! & Cls.FORBIDDEN) !== 0) return this.fail(XmlError.InvalidCharacter, i);
      }
      return this.fail(XmlError.UnexpectedEnd, end);
    }
    if (p + CDATA_OPEN.length <= end && bytesEqual(buf, p, p + CDATA_OPEN.length, CDATA_OPEN)) {
      if (this.depth === 0) return this.fail(XmlError.TextOutsideRoot, markupStart);
      const dataStart = p + CDATA_OPEN.length;
      for (let i = dataStart; i + 2 < end; i++) {
        const c = buf[i]!;
        if (c === Ch.RBRACKET && buf[i + 1] === Ch.RBRACKET && buf[i + 2] === Ch.GT) {
          this.textStart = dataStart;
          this.textEnd = i;
          this.textIsWhitespace = false;
          this.textHasReferences = false;
          this.pos = i + 3;
          return (this.kind = XmlToken.CData);
        }
        if ((BYTE_CLASS[c]! & Cls.FORBIDDEN) !== 0) return this.fail(XmlError.InvalidCharacter, i);
      }
      return this.fail(XmlError.UnexpectedEnd, end);
    }
    if (p + DOCTYPE.length <= end && bytesEqual(buf, p, p + DOCTYPE.length, DOCTYPE)) return this.fail(XmlError.DoctypeNotSupported, markupStart);
    return this.fail(XmlError.MalformedTag, markupStart);
  }
}


/** Copies buf[start, end) to out[outStart..] (which has room); returns the end in out. */
function copyBytes(buf: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number): number {
  // Four bytes per round: an interpreter pays for each loop test.
  let i = start;
  let o = outStart;
  const end4 = end - 3;
  for (; i < end4; i += 4, o += 4) {
    out[o] = buf[i]!;
    out[o + 1] = buf[i + 1]!;
    out[o + 2] = buf[i + 2]!;
    out[o + 3] = buf[i + 3]!;
  }
  for (; i < end; i++) out[o++] = buf[i]!;
  return o;
}

function spansEqual(buf: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return false;
  if (length === 0) return true;
  let i = 0;
  while (buf[aStart + i] === buf[bStart + i] && ++i < length);
  return i === length;
}

// XML 1.0 §4.1: EntityRef ::= '&' Name ';'   CharRef ::= '&#' [0-9]+ ';' | '&#x' [0-9a-fA-F]+ ';'
// Only the five predefined entities exist without a DTD (§4.6).
/** End of the reference starting at buf[i] === '&', -1 for a bad entity, -2 for a bad char ref. */
function scanReference(buf: Uint8Array, i: number, end: number): number {
  const p = i + 1;
  if (p < end && buf[p] === Ch.HASH) {
    const cp = charRefValue(buf, p + 1, end);
    if (cp < 0) return -2;
    let j = p + 1;
    while (buf[j] !== Ch.SEMI) j++;
    return j + 1;
  }
  const which = predefinedEntity(buf, p, end);
  if (which === 0) return -1;
  let j = p;
  while (buf[j] !== Ch.SEMI) j++;
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
    if (c === Ch.SEMI) break;
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
  if (left >= 3 && buf[p + 2] === Ch.SEMI) {
    if (buf[p + 1] !== 0x74) return 0;
    if (buf[p] === 0x6c) return Ch.LT;
    if (buf[p] === 0x67) return Ch.GT;
    return 0;
  }
  if (left >= 4 && buf[p] === 0x61 && buf[p + 1] === 0x6d && buf[p + 2] === 0x70 && buf[p + 3] === Ch.SEMI) return Ch.AMP;
  if (left >= 5 && buf[p + 4] === Ch.SEMI) {
    if (buf[p] === 0x61 && buf[p + 1] === 0x70 && buf[p + 2] === 0x6f && buf[p + 3] === 0x73) return Ch.APOS;
    if (buf[p] === 0x71 && buf[p + 1] === 0x75 && buf[p + 2] === 0x6f && buf[p + 3] === 0x74) return Ch.QUOT;
  }
  return 0;
}

/**
 * Decodes character data buf[start,end) (already checked by the reader) into out[outStart, limit):
 * references resolved (not in a CDATA section: `cdata`), CRLF/CR → LF (§2.11), and for attribute
 * values tab/LF → space (§3.3.3). Returns the new end in out, or -1 when out is too small.
 */
export function decodeCharacterData(buf: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, limit: number, attribute: boolean, cdata = false): number {
  let o = outStart;
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c === Ch.AMP && !cdata) {
      if (buf[i + 1] === Ch.HASH) {
        const cp = charRefValue(buf, i + 2, end);
        if (cp < 0) return -1;
        while (buf[i] !== Ch.SEMI) i++;
        const next = encodeUtf8CodePoint(cp, out, o, limit);
        if (next < 0) return -1;
        o = next;
        continue;
      }
      const b = predefinedEntity(buf, i + 1, end);
      if (b === 0) return -1;
      while (buf[i] !== Ch.SEMI) i++;
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
