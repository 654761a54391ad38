// application/pidf-diff+xml (RFC 5262): partial presence. A document is either
//   <pidf-full version=… entity=…> the children of a PIDF <presence> </pidf-full>   (full state)
//   <pidf-diff version=… entity=…> <add/>, <replace/>, <remove/> … </pidf-diff>   (changes)
// both in namespace urn:ietf:params:xml:ns:pidf-diff. RFC 5262's schema (§3, structure of PIDF diff documents) makes pidf-full an
// extension of the PIDF `presence` type plus the version attribute: its children are tuples,
// notes, persons… directly, not a wrapped <presence>. The patch operations of pidf-diff
// (RFC 5261) apply to the PIDF document `<presence …>children</presence>` (their selectors start
// at `presence` or `*`, as in RFC 5262's examples).
//
// So a pidf-full becomes that PIDF document, byte for byte: the root start tag is rewritten to a
// `presence` start tag in the PIDF namespace (same declarations and attributes, version dropped),
// the children are copied as they are. A pidf-diff's operations are applied to the PIDF document
// kept from before (xml-patch.ts). Either way the result is a plain PIDF that the one PIDF reader
// reads (presence-states.ts): one reader, one composition rule, whatever the wire format.
//
// RFC 5262 §3's schema in outline (paraphrased: the XSD text was not at hand when this was written):
//   element pidf-full: the pidf:presence type (tuple, note, other-namespace children; entity)
//                      extended with attribute version (xs:unsignedInt)
//   element pidf-diff: a sequence of add | replace | remove (RFC 5261's patch-ops types),
//                      attributes version (xs:unsignedInt) and entity (xs:anyURI)
//
// Version rules (RFC 5262 §3.1, RFC 5263) are the caller's: this file reads `version` and leaves
// the decision to whoever knows the previous one.
import { XmlReader, XmlToken, type XmlLimits } from '../../xml/reader.js';
import { ascii, bytesEqual } from '../../xml/bytes.js';
import { NS_PIDF } from '../documents/namespaces.js';
import { RawAttributes, SpanCursor } from './token-spans.js';
import { DEFAULT_XML_PATCH_LIMITS, PatchError, PatchOp, XmlPatcher } from './xml-patch.js';

export const NS_PIDF_DIFF = /* @__PURE__ */ ascii('urn:ietf:params:xml:ns:pidf-diff'); // RFC 5262 (IANA-registered)

export const PartialKind = { None: 0, Full: 1, Diff: 2 } as const;
export type PartialKind = typeof PartialKind[keyof typeof PartialKind];

export const PartialError = {
  None: 0,
  /** Not well-formed XML, or over an XML limit (xmlError says which). */
  Xml: 1,
  /** The root is not {urn:ietf:params:xml:ns:pidf-diff}pidf-full or pidf-diff. */
  WrongRoot: 2,
  /** No `version` attribute, or not an xs:unsignedInt (RFC 5262 §3.1). */
  BadVersion: 3,
  /** A pidf-full whose root tag has no PIDF namespace to give `presence` and cannot declare one. */
  NoPidfNamespace: 4,
  /** The resulting PIDF does not fit maxDocumentBytes. */
  Overflow: 5,
  /** A patch operation failed: `patchError` (xml-patch.ts PatchError) says why. */
  Patch: 6,
  /** A pidf-diff child that is not add, replace or remove (RFC 5262 §3 schema). */
  UnknownOperation: 7,
  /** toPresence() on a diff, or patch() on a full-state document. */
  WrongKind: 8,
  /** RFC 5263: a diff whose version is not the kept document's + 1 (a NOTIFY was lost or reordered). */
  VersionGap: 9,
  /** RFC 5263: a diff with no full state kept to apply it to (none received yet, or the last one failed). */
  NoBase: 10,
} as const;
export type PartialError = typeof PartialError[keyof typeof PartialError];

const NAMES = /* @__PURE__ */ Object.keys(PartialError);
export function partialErrorName(code: number): string {
  return NAMES[code] ?? `PartialError(${code})`;
}

const PIDF_FULL = /* @__PURE__ */ ascii('pidf-full');
const PIDF_DIFF = /* @__PURE__ */ ascii('pidf-diff');
const ADD = /* @__PURE__ */ ascii('add');
const REPLACE = /* @__PURE__ */ ascii('replace');
const REMOVE = /* @__PURE__ */ ascii('remove');
const VERSION = /* @__PURE__ */ ascii('version');
const PRESENCE = /* @__PURE__ */ ascii('presence');
const XMLNS_PIDF = /* @__PURE__ */ ascii(' xmlns="urn:ietf:params:xml:ns:pidf"');

/** Largest xs:unsignedInt (RFC 5262 §3.1's version type). */
const MAX_VERSION = 4294967295;

export interface PartialPidfLimits extends Pick<XmlLimits, 'maxDepth' | 'maxAttributes' | 'maxNamespaces'> {
  /** Largest pidf-diff+xml body read. */
  readonly maxBodyBytes: number;
}
export const DEFAULT_PARTIAL_PIDF_LIMITS: PartialPidfLimits = { ...DEFAULT_XML_PATCH_LIMITS, maxBodyBytes: 64 * 1024 };

export class PartialPidf {
  kind: PartialKind = PartialKind.None;
  /** `version` of the document opened (RFC 5262 §3.1). */
  version = -1;
  error: PartialError = PartialError.None;
  /** XmlError when error is Xml. */
  xmlError = 0;
  /** PatchError when error is Patch. */
  patchError = 0;
  errorPosition = -1;
  /** The PIDF produced by toPresence() / patch(): bytes [0, resultLength) of resultBuffer. */
  resultBuffer: Uint8Array;
  resultLength = 0;
  /** Largest PIDF document kept (both work buffers have this size). */
  readonly maxDocumentBytes: number;
  readonly patcher: XmlPatcher;

  private readonly cursor: SpanCursor;
  private readonly rootAttrs: RawAttributes;
  private readonly work0: Uint8Array;
  private readonly work1: Uint8Array;
  private body: Uint8Array = new Uint8Array(0);
  private bodyEnd = 0;
  private rootStart = 0;
  private rootNameEnd = 0;
  private rootTagEnd = 0;
  private rootEmpty = false;

  constructor(maxDocumentBytes: number, limits: PartialPidfLimits = DEFAULT_PARTIAL_PIDF_LIMITS) {
    this.maxDocumentBytes = maxDocumentBytes;
    this.work0 = new Uint8Array(maxDocumentBytes);
    this.work1 = new Uint8Array(maxDocumentBytes);
    this.resultBuffer = this.work0;
    this.cursor = new SpanCursor(new XmlReader({ maxBytes: limits.maxBodyBytes, maxDepth: limits.maxDepth, maxAttributes: limits.maxAttributes, maxNamespaces: limits.maxNamespaces }));
    this.patcher = new XmlPatcher(limits);
    this.rootAttrs = new RawAttributes(limits.maxAttributes + limits.maxNamespaces);
  }

  /** Reads the root of a pidf-diff+xml body: kind and version. 0 or a PartialError. */
  open(body: Uint8Array, off: number, end: number): PartialError {
    this.kind = PartialKind.None;
    this.version = -1;
    this.error = PartialError.None;
    this.xmlError = 0;
    this.patchError = 0;
    this.errorPosition = -1;
    this.resultLength = 0;
    this.body = body;
    this.bodyEnd = end;
    const cur = this.cursor;
    const r = cur.reader;
    cur.reset(body, off, end);
    let tok: XmlToken;
    do tok = cur.next(); while (tok !== XmlToken.StartElement && tok !== XmlToken.Error && tok !== XmlToken.EndDocument);
    if (tok !== XmlToken.StartElement) return this.xml();
    if (!r.namespaceIs(r.namespace, NS_PIDF_DIFF)) return this.fail(PartialError.WrongRoot, r.nameStart);
    const buf = r.buffer;
    if (bytesEqual(buf, r.localStart, r.localEnd, PIDF_FULL)) this.kind = PartialKind.Full;
    else if (bytesEqual(buf, r.localStart, r.localEnd, PIDF_DIFF)) this.kind = PartialKind.Diff;
    else return this.fail(PartialError.WrongRoot, r.nameStart);
    this.rootStart = cur.start;
    this.rootNameEnd = r.nameEnd;
    this.rootTagEnd = cur.end;
    this.rootEmpty = r.isEmptyElement;
    // RFC 5262 §3.1: version="…" (xs:unsignedInt), on both roots; without it no gap can be seen.
    const v = r.findAttribute(VERSION, null);
    if (v < 0) return this.fail(PartialError.BadVersion, r.nameStart);
    const version = parseUnsignedInt(buf, r.attrValueStartAt(v), r.attrValueEndAt(v));
    if (version < 0) return this.fail(PartialError.BadVersion, r.attrValueStartAt(v));
    this.version = version;
    return PartialError.None;
  }

  /**
   * pidf-full → the PIDF document it stands for, into resultBuffer (RFC 5262 §3: pidf-full is a
   * `presence` with a version). Reads the rest of the body (it must be well-formed).
   */
  toPresence(): PartialError {
    if (this.kind !== PartialKind.Full) return this.fail(PartialError.WrongKind, -1);
    const body = this.body;
    const attrs = this.rootAttrs;
    if (!attrs.scan(body, this.rootNameEnd, this.rootTagEnd)) return this.fail(PartialError.Xml, this.rootStart);
    // The end of the root's content: read to its end tag (also checks the whole body).
    let contentEnd = this.rootTagEnd;
    if (!this.rootEmpty) {
      const cur = this.cursor;
      const r = cur.reader;
      for (;;) {
        const tok = cur.next();
        if (tok === XmlToken.Error || tok === XmlToken.EndDocument) return this.xml();
        if (tok === XmlToken.EndElement && r.depth === 1) { contentEnd = cur.start; break; }
      }
    }
    // A name for `presence` in the PIDF namespace: the default namespace if it is PIDF, else a
    // prefix bound to PIDF, else declare PIDF as default (only when the tag declares no default:
    // its unprefixed children must keep theirs).
    let prefix = -1;
    let declarePidf = false;
    const defaultAt = attrs.findDeclaration(body, body, 0, 0);
    if (defaultAt >= 0 && bytesEqual(body, attrs.valueStart[defaultAt]!, attrs.valueEnd[defaultAt]!, NS_PIDF)) prefix = -2;
    else {
      for (let a = 0; a < attrs.count; a++) {
        const s = attrs.nameStart[a]!;
        if (attrs.nameEnd[a]! - s > 6 && body[s + 5] === 0x3a && bytesEqual(body, s, s + 5, XMLNS) && bytesEqual(body, attrs.valueStart[a]!, attrs.valueEnd[a]!, NS_PIDF)) { prefix = a; break; }
      }
      if (prefix < 0) {
        if (defaultAt >= 0) return this.fail(PartialError.NoPidfNamespace, this.rootStart);
        declarePidf = true;
      }
    }
    const out = this.work0;
    let o = 0;
    const limit = out.length;
    const nameLength = (prefix >= 0 ? attrs.nameEnd[prefix]! - attrs.nameStart[prefix]! - 6 + 1 : 0) + PRESENCE.length;
    // Room check once: the name twice, the kept attributes, the content.
    let need = 1 + nameLength + 1 + (contentEnd - this.rootTagEnd) + 3 + nameLength + (declarePidf ? XMLNS_PIDF.length : 0);
    for (let a = 0; a < attrs.count; a++) need += 1 + attrs.valueEnd[a]! + 1 - attrs.nameStart[a]!;
    if (need > limit) return this.fail(PartialError.Overflow, -1);
    out[o++] = 0x3c;
    o = this.putName(out, o, prefix);
    for (let a = 0; a < attrs.count; a++) {
      const s = attrs.nameStart[a]!;
      if (bytesEqual(body, s, attrs.nameEnd[a]!, VERSION)) continue;
      out[o++] = 0x20;
      for (let i = s, e = attrs.valueEnd[a]! + 1; i < e; i++) out[o++] = body[i]!;
    }
    if (declarePidf) for (let i = 0; i < XMLNS_PIDF.length; i++) out[o++] = XMLNS_PIDF[i]!;
    out[o++] = 0x3e;
    for (let i = this.rootTagEnd; i < contentEnd; i++) out[o++] = body[i]!;
    out[o++] = 0x3c;
    out[o++] = 0x2f;
    o = this.putName(out, o, prefix);
    out[o++] = 0x3e;
    this.resultBuffer = out;
    this.resultLength = o;
    return PartialError.None;
  }

  /**
   * pidf-diff: its operations, in document order (RFC 5261 §4), applied to the PIDF doc[off, end).
   * The result goes to resultBuffer (doc itself when there are no operations); on any failure
   * doc is untouched and nothing is half-applied.
   */
  patch(doc: Uint8Array, off: number, end: number): PartialError {
    if (this.kind !== PartialKind.Diff) return this.fail(PartialError.WrongKind, -1);
    const cur = this.cursor;
    const r = cur.reader;
    const patcher = this.patcher;
    if (!patcher.beginDiff(this.body, this.rootNameEnd, this.rootTagEnd)) return this.fail(PartialError.Xml, this.rootStart);
    let src = doc;
    let srcOff = off;
    let srcEnd = end;
    let dst = this.work0;
    if (!this.rootEmpty) {
      for (;;) {
        const tok = cur.next();
        if (tok === XmlToken.Error || tok === XmlToken.EndDocument) return this.xml();
        if (tok === XmlToken.EndElement) break; // the root's: operations are read to their end tag
        if (tok !== XmlToken.StartElement) continue;
        const buf = r.buffer;
        let op: PatchOp;
        if (!r.namespaceIs(r.namespace, NS_PIDF_DIFF)) return this.fail(PartialError.UnknownOperation, r.nameStart);
        if (bytesEqual(buf, r.localStart, r.localEnd, ADD)) op = PatchOp.Add;
        else if (bytesEqual(buf, r.localStart, r.localEnd, REPLACE)) op = PatchOp.Replace;
        else if (bytesEqual(buf, r.localStart, r.localEnd, REMOVE)) op = PatchOp.Remove;
        else return this.fail(PartialError.UnknownOperation, r.nameStart);
        const n = patcher.apply(op, cur, src, srcOff, srcEnd, dst);
        if (n < 0) {
          this.patchError = patcher.error;
          if (patcher.error === PatchError.Overflow) return this.fail(PartialError.Overflow, -1);
          if (patcher.error === PatchError.DiffXml) { this.xmlError = r.error; return this.fail(PartialError.Xml, patcher.errorPosition); }
          return this.fail(PartialError.Patch, patcher.errorPosition);
        }
        src = dst;
        srcOff = 0;
        srcEnd = n;
        dst = dst === this.work0 ? this.work1 : this.work0;
      }
    }
    // The rest of the body must be well-formed too (nothing but misc after the root).
    for (;;) {
      const tok = cur.next();
      if (tok === XmlToken.EndDocument) break;
      if (tok === XmlToken.Error) return this.xml();
    }
    if (src === doc && srcOff !== 0) {
      // No operation: the document as it was (copied so that the result starts at 0).
      if (srcEnd - srcOff > this.work0.length) return this.fail(PartialError.Overflow, -1);
      for (let i = srcOff; i < srcEnd; i++) this.work0[i - srcOff] = doc[i]!;
      src = this.work0;
      srcEnd -= srcOff;
    }
    this.resultBuffer = src;
    this.resultLength = srcEnd;
    return PartialError.None;
  }

  /** `presence`, `p:presence` (prefix: the declaration's index) into out at o. */
  private putName(out: Uint8Array, o: number, prefix: number): number {
    if (prefix >= 0) {
      const attrs = this.rootAttrs;
      const body = this.body;
      for (let i = attrs.nameStart[prefix]! + 6, e = attrs.nameEnd[prefix]!; i < e; i++) out[o++] = body[i]!;
      out[o++] = 0x3a;
    }
    for (let i = 0; i < PRESENCE.length; i++) out[o++] = PRESENCE[i]!;
    return o;
  }

  private xml(): PartialError {
    const r = this.cursor.reader;
    this.xmlError = r.error;
    return this.fail(PartialError.Xml, r.errorPosition);
  }

  private fail(code: PartialError, position: number): PartialError {
    this.error = code;
    this.errorPosition = position;
    return code;
  }
}

const XMLNS = /* @__PURE__ */ ascii('xmlns');

/** xs:unsignedInt (decimal digits, at most 4294967295; surrounding whitespace allowed, XSD collapse); -1 otherwise. */
function parseUnsignedInt(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === 0x20 || buf[start] === 0x09 || buf[start] === 0x0a || buf[start] === 0x0d)) start++;
  while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09 || buf[end - 1] === 0x0a || buf[end - 1] === 0x0d)) end--;
  if (start < end && buf[start] === 0x2b) start++;
  if (start >= end || end - start > 10) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n > MAX_VERSION ? -1 : n;
}

/** What PresenceStates takes as limits.partialPidf to read partial PIDF (presence-states.ts). */
export const partialPidfModule = (documentBytes: number): PartialPidf => new PartialPidf(documentBytes);
