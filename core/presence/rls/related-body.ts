// The body of a resource-list NOTIFY (RFC 4662 §4.5, §5): multipart/related (RFC 2387) whose root
// part is RLMI and whose other parts carry the state of single resources, named by Content-ID.
// One pass over the parts records their spans in preallocated arrays; the RLMI root is read;
// instances then find their part by cid. A part that is itself a list (a nested list, RFC 4662
// §6 step 13: multipart/related, possibly wrapped in multipart/signed) is read by a child reader
// preallocated at construction, so nesting is bounded by `maxDepth`, never by the input.
//
//   Content-Type: multipart/related;type="application/rlmi+xml";start="<cid>";boundary=".."
//   RFC 2387 §3.2: without `start`, the root is the first part.
import { MultipartReader, MultipartPart, MULTIPART_PART, MULTIPART_END } from '../../mime/multipart.js';
import { ContentTypeValue, decodeContentType } from '../../sip/decode/content-type.js';
import { ParamCursor, PARAMS_HEADER } from '../../sip/decode/params.js';
import { RlmiReader, RlmiError, DEFAULT_RLMI_LIMITS, type RlmiLimits } from './rlmi.js';
import { cidMatchesContentId } from './cid.js';
import type { Span } from '../documents/text-pool.js';

export const RlsBodyError = {
  None: 0,
  /** The NOTIFY's Content-Type is missing or malformed. */
  BadContentType: 1,
  /** Not multipart/related (or, nested, not multipart/signed around one). */
  NotRelated: 2,
  /** The multipart structure is broken: see multipartError / errorPosition. */
  Multipart: 3,
  /** The root part (the `start` Content-ID, else the first part) is missing. */
  NoRoot: 4,
  /** The root part is not application/rlmi+xml. */
  RootNotRlmi: 5,
  /** The RLMI document failed: see rlmiError / errorPosition. */
  Rlmi: 6,
  /** A nested list deeper than maxDepth. */
  TooDeep: 7,
} as const;
export type RlsBodyError = typeof RlsBodyError[keyof typeof RlsBodyError];

const ERROR_NAMES: readonly string[] = Object.keys(RlsBodyError);
export function rlsBodyErrorName(code: number): string {
  return ERROR_NAMES[code] ?? `RlsBodyError(${code})`;
}

export interface RlsBodyLimits {
  readonly rlmi: RlmiLimits;
  /** Parts of one multipart/related body (the root included). */
  readonly maxParts: number;
  /** Nested lists below the top one (RFC 4662 allows lists of lists). */
  readonly maxDepth: number;
}
export const DEFAULT_RLS_BODY_LIMITS: RlsBodyLimits = { rlmi: DEFAULT_RLMI_LIMITS, maxParts: 40, maxDepth: 2 };

const NO_PART = -1;

export class RlsBodyReader {
  readonly rlmi: RlmiReader;
  error: RlsBodyError = RlsBodyError.None;
  errorPosition = -1;
  /** The MultipartReader code when error is Multipart. */
  multipartError = 0;
  /** Parts found, as spans into `buffer`. Part `root` is the RLMI document. */
  partCount = 0;
  root = NO_PART;
  readonly partBodyOff: Int32Array;
  readonly partBodyEnd: Int32Array;
  readonly partTypeOff: Int32Array;
  readonly partTypeEnd: Int32Array;
  readonly partIdOff: Int32Array;
  readonly partIdEnd: Int32Array;
  /** Reader for a nested list (null at the deepest level). */
  readonly child: RlsBodyReader | null;
  private buf: Uint8Array = new Uint8Array(0);
  private readonly multipart: MultipartReader;
  private readonly signedReader: MultipartReader;
  private readonly part = new MultipartPart();
  private readonly contentType = new ContentTypeValue();
  private readonly partType = new ContentTypeValue();
  private readonly params = new ParamCursor();

  constructor(readonly limits: RlsBodyLimits = DEFAULT_RLS_BODY_LIMITS, depth = 0) {
    this.rlmi = new RlmiReader(limits.rlmi);
    const n = limits.maxParts;
    this.partBodyOff = new Int32Array(n);
    this.partBodyEnd = new Int32Array(n);
    this.partTypeOff = new Int32Array(n);
    this.partTypeEnd = new Int32Array(n);
    this.partIdOff = new Int32Array(n);
    this.partIdEnd = new Int32Array(n);
    this.multipart = new MultipartReader(n);
    this.signedReader = new MultipartReader(4);
    this.child = depth < limits.maxDepth ? new RlsBodyReader(limits, depth + 1) : null;
  }

  /** The buffer all part spans refer to. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /**
   * Reads a NOTIFY body: `type` is the Content-Type header value (typeBuf[typeOff, typeEnd)),
   * `body` the message body. Returns RlsBodyError.None with `rlmi.document` filled.
   */
  read(typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number): RlsBodyError {
    this.buf = body;
    this.partCount = 0;
    this.root = NO_PART;
    this.error = RlsBodyError.None;
    this.errorPosition = -1;
    this.multipartError = 0;
    const ct = this.contentType;
    if (decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0) return this.fail(RlsBodyError.BadContentType, ct.errorOffset);
    if (ct.is(typeBuf, 'multipart', 'signed')) {
      // RFC 4662 §6 step 11: a list NOTIFY signed as a whole (RFC 1847 multipart/signed); the
      // first part is the multipart/related list. The signature is not checked here.
      if (ct.boundaryOff < 0) return this.fail(RlsBodyError.Multipart, typeOff);
      const inner = this.part;
      const r = this.signedReader.reset(body, bodyOff, bodyEnd, typeBuf, ct.boundaryOff, ct.boundaryLen).next(inner);
      // No part at all (the close-delimiter first): nothing was signed, so no list either; the
      // multipart reader saw no error and set no position (inner.errorOffset is stale).
      if (r === MULTIPART_END) return this.fail(RlsBodyError.NotRelated, bodyOff);
      if (r !== MULTIPART_PART) { this.multipartError = r; return this.fail(RlsBodyError.Multipart, inner.errorOffset); }
      if (inner.contentTypeOff < 0) return this.fail(RlsBodyError.NotRelated, inner.headersOff);
      const innerTypeEnd = unfoldedEnd(body, inner.contentTypeOff + inner.contentTypeLen, inner.headersEnd);
      const innerOff = inner.bodyOff;
      const innerEnd = inner.bodyOff + inner.bodyLen;
      if (decodeContentType(body, inner.contentTypeOff, innerTypeEnd, ct) !== 0) return this.fail(RlsBodyError.BadContentType, ct.errorOffset);
      if (!ct.is(body, 'multipart', 'related')) return this.fail(RlsBodyError.NotRelated, inner.contentTypeOff);
      typeBuf = body;
      bodyOff = innerOff;
      bodyEnd = innerEnd;
    }
    if (!ct.is(typeBuf, 'multipart', 'related')) return this.fail(RlsBodyError.NotRelated, typeOff);
    if (ct.boundaryOff < 0) return this.fail(RlsBodyError.Multipart, typeOff);

    // Record every part (bounded by maxParts: the reader returns an error past it).
    const mp = this.multipart.reset(body, bodyOff, bodyEnd, typeBuf, ct.boundaryOff, ct.boundaryLen);
    const part = this.part;
    let r: number;
    while ((r = mp.next(part)) === MULTIPART_PART) {
      const i = this.partCount++;
      this.partBodyOff[i] = part.bodyOff;
      this.partBodyEnd[i] = part.bodyOff + part.bodyLen;
      this.partTypeOff[i] = part.contentTypeOff;
      this.partTypeEnd[i] = part.contentTypeOff < 0 ? -1 : unfoldedEnd(body, part.contentTypeOff + part.contentTypeLen, part.headersEnd);
      this.partIdOff[i] = part.contentIdOff;
      this.partIdEnd[i] = part.contentIdOff + part.contentIdLen;
    }
    if (r !== MULTIPART_END) {
      this.multipartError = r;
      return this.fail(RlsBodyError.Multipart, part.errorOffset);
    }

    // The root: the part named by `start`, else the first.
    const start = this.startParameter(typeBuf, ct);
    if (start >= 0) {
      const startEnd = this.params.valueOff + this.params.valueLen;
      for (let i = 0; i < this.partCount && this.root === NO_PART; i++) {
        if (this.partIdOff[i]! >= 0 && sameContentId(typeBuf, start, startEnd, body, this.partIdOff[i]!, this.partIdEnd[i]!)) this.root = i;
      }
    } else if (this.partCount > 0) {
      this.root = 0;
    }
    if (this.root === NO_PART) return this.fail(RlsBodyError.NoRoot, bodyOff);
    if (!this.partIs(this.root, 'application', 'rlmi+xml')) return this.fail(RlsBodyError.RootNotRlmi, this.partBodyOff[this.root]!);
    const code = this.rlmi.read(body, this.partBodyOff[this.root]!, this.partBodyEnd[this.root]!);
    if (code !== RlmiError.None) return this.fail(RlsBodyError.Rlmi, this.rlmi.errorPosition);
    return RlsBodyError.None;
  }

  /** The part whose Content-ID the RLMI cid span (in rlmi.document.pool) names, or -1. */
  partForCid(cid: Span): number {
    if (cid.isEmpty) return NO_PART;
    const pool = this.rlmi.document.pool.bytes;
    for (let i = 0; i < this.partCount; i++) {
      if (i === this.root || this.partIdOff[i]! < 0) continue;
      if (cidMatchesContentId(pool, cid.start, cid.end, this.buf, this.partIdOff[i]!, this.partIdEnd[i]!)) return i;
    }
    return NO_PART;
  }

  /** Part i's media type is type/subtype (parameters ignored); false when it has no Content-Type. */
  partIs(i: number, type: string, subtype: string): boolean {
    if (this.partTypeOff[i]! < 0) return false;
    return decodeContentType(this.buf, this.partTypeOff[i]!, this.partTypeEnd[i]!, this.partType) === 0 && this.partType.is(this.buf, type, subtype);
  }

  /** Part i holds a list of its own: multipart/related, or multipart/signed around one (RFC 4662 §6).
   *  read() and readNested() unwrap multipart/signed (RFC 1847: the first part is the content). */
  partIsList(i: number): boolean {
    return this.partIs(i, 'multipart', 'related') || this.partIs(i, 'multipart', 'signed');
  }

  /** Reads part i as a nested list into `child`; returns the child's error code. */
  readNested(i: number): RlsBodyError {
    const child = this.child;
    if (child === null) return RlsBodyError.TooDeep;
    // child.read unwraps multipart/signed itself.
    const buf = this.buf;
    return child.read(buf, this.partTypeOff[i]!, this.partTypeEnd[i]!, buf, this.partBodyOff[i]!, this.partBodyEnd[i]!);
  }

  private fail(code: RlsBodyError, position: number): RlsBodyError {
    this.error = code;
    this.errorPosition = position;
    return code;
  }

  /** Offset of the `start` parameter's value (params.valueOff/valueLen), or -1. */
  private startParameter(buf: Uint8Array, ct: ContentTypeValue): number {
    const cursor = this.params.reset(buf, ct.subtypeOff + ct.subtypeLen, ct.paramsOff < 0 ? ct.subtypeOff + ct.subtypeLen : ct.paramsOff + ct.paramsLen, PARAMS_HEADER);
    while (cursor.next() === 1) {
      if (cursor.nameIs('start') && cursor.valueOff >= 0) return cursor.valueOff;
    }
    return -1;
  }
}

/**
 * MultipartPart spans a header value to the end of its first line; RFC 4662 §6 folds the
 * Content-Type of nested parts over several lines (boundary= on the last one). This extends the
 * span over continuation lines (CRLF followed by SP/HTAB, RFC 5322 §2.2.3) up to the end of the
 * part headers; decodeContentType skips the folds as LWS.
 */
function unfoldedEnd(buf: Uint8Array, valueEnd: number, headersEnd: number): number {
  let p = valueEnd;
  while (p + 2 < headersEnd && buf[p] === 0x0d && buf[p + 1] === 0x0a && (buf[p + 2] === 0x20 || buf[p + 2] === 0x09)) {
    p += 3;
    while (p < headersEnd && !(buf[p] === 0x0d && buf[p + 1] === 0x0a)) p++;
  }
  // Trailing whitespace of the last continuation line is LWS too.
  while (p > valueEnd && (buf[p - 1] === 0x20 || buf[p - 1] === 0x09)) p--;
  return p;
}

/** Two Content-ID values ("<id>", either side possibly without brackets) name the same part. */
function sameContentId(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart >= 2 && a[aStart] === 0x3c && a[aEnd - 1] === 0x3e) { aStart++; aEnd--; }
  return cidMatchesContentId(a, aStart, aEnd, b, bStart, bEnd);
}
