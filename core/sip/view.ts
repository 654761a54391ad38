// SipMessageView: the result of parse(), as spans (offset/length pairs) into the caller's bytes.
// All typed arrays are allocated once, in the constructor, sized by the limits; parse() only
// writes numbers into them. Strings exist only when a caller asks for one through a getter.
import { CR, LF, SP, HTAB } from '../bytes/chars.js';
import { utf8Decode } from '../bytes/utf8.js';

export interface ParseLimits {
  /** Largest message (start line + headers + body) accepted. */
  maxMessageBytes: number;
  /** Largest number of header fields (each folded field counts once). */
  maxHeaders: number;
  /** Longest start line or header field (name to end of value, folds included). */
  maxLineBytes: number;
  /** Largest Content-Length (or datagram body) accepted. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = {
  maxMessageBytes: 65535,
  maxHeaders: 64,
  maxLineBytes: 8192,
  maxBodyBytes: 65535,
};

const EMPTY = new Uint8Array(0);

export class SipMessageView {
  readonly limits: Readonly<ParseLimits>;

  /** The caller's bytes (not a copy); spans index into it. */
  buf: Uint8Array = EMPTY;
  isRequest = false;
  methodId = 0;
  methodOff = 0;
  methodLen = 0;
  uriOff = 0;
  uriLen = 0;
  versionOff = 0;
  versionLen = 0;
  /** Status code of a response; 0 for a request. */
  statusCode = 0;
  reasonOff = 0;
  reasonLen = 0;
  headerCount = 0;
  readonly headerId: Uint16Array;
  readonly nameOff: Uint32Array;
  readonly nameLen: Uint32Array;
  /** Value spans exclude leading and trailing LWS but may contain folds (CRLF + WSP) inside. */
  readonly valueOff: Uint32Array;
  readonly valueLen: Uint32Array;
  bodyOff = 0;
  bodyLen = 0;
  /** Declared Content-Length, or -1 when the message has none. */
  contentLength = -1;
  messageOff = 0;
  messageLen = 0;
  /** Negative error code of the last failed parse, 0 otherwise. */
  errorCode = 0;
  /** Absolute index into buf where the last failed parse found the fault. */
  errorOffset = 0;
  /** Parser internal: a 32-bit view of the backing ArrayBuffer of the bytes parsed into this view
   *  twice in a row (a reused receive buffer), so header values can be scanned four bytes at a
   *  time. Created once per such buffer; fresh buffers on every call never create one. */
  wordsBuffer: ArrayBufferLike | null = null;
  /** Parser internal: the typed array last seen over wordsBuffer (skips the .buffer lookup). */
  wordsFor: Uint8Array | null = null;
  words: Int32Array | null = null;
  /** Memo of tagSpan() (tag-span.ts): the tag of the first To / From as a span, -1 when there is
   *  none, -2 while not read since the last parse. A name-addr decode costs an interpreter about
   *  as much as parsing three header lines, and several layers ask for the same tag. */
  toTagOff = -2;
  toTagLen = 0;
  fromTagOff = -2;
  fromTagLen = 0;

  constructor(limits?: Partial<ParseLimits>) {
    const l: ParseLimits = {
      maxMessageBytes: positive(limits?.maxMessageBytes, DEFAULT_LIMITS.maxMessageBytes),
      maxHeaders: positive(limits?.maxHeaders, DEFAULT_LIMITS.maxHeaders),
      maxLineBytes: positive(limits?.maxLineBytes, DEFAULT_LIMITS.maxLineBytes),
      maxBodyBytes: positive(limits?.maxBodyBytes, DEFAULT_LIMITS.maxBodyBytes),
    };
    this.limits = l;
    this.headerId = new Uint16Array(l.maxHeaders);
    this.nameOff = new Uint32Array(l.maxHeaders);
    this.nameLen = new Uint32Array(l.maxHeaders);
    this.valueOff = new Uint32Array(l.maxHeaders);
    this.valueLen = new Uint32Array(l.maxHeaders);
  }

  reset(): void {
    this.buf = EMPTY;
    this.isRequest = false;
    this.methodId = 0;
    this.methodOff = this.methodLen = 0;
    this.uriOff = this.uriLen = 0;
    this.versionOff = this.versionLen = 0;
    this.statusCode = 0;
    this.reasonOff = this.reasonLen = 0;
    this.headerCount = 0;
    this.bodyOff = this.bodyLen = 0;
    this.contentLength = -1;
    this.messageOff = this.messageLen = 0;
    this.errorCode = 0;
    this.errorOffset = 0;
    this.toTagOff = this.fromTagOff = -2;
  }

  // `var` locals: QuickJS checks a let/const (TDZ) on every use; find runs ~10 times a message.
  /** Index of the next header with this id at or after `from`, or -1. */
  find(id: number, from = 0): number {
    var ids = this.headerId;
    var n = this.headerCount;
    for (var i = from < 0 ? 0 : from; i < n; i++) if (ids[i] === id) return i;
    return -1;
  }

  /** Number of header fields with this id (compact and long forms alike). */
  count(id: number): number {
    const ids = this.headerId;
    const n = this.headerCount;
    let c = 0;
    for (let i = 0; i < n; i++) if (ids[i] === id) c++;
    return c;
  }

  // ---- String getters: these allocate, call them only when a string is really needed. ----

  method(): string {
    return decodeText(this.buf, this.methodOff, this.methodLen);
  }

  requestUri(): string {
    return decodeText(this.buf, this.uriOff, this.uriLen);
  }

  version(): string {
    return decodeText(this.buf, this.versionOff, this.versionLen);
  }

  reason(): string {
    return decodeText(this.buf, this.reasonOff, this.reasonLen);
  }

  headerNameText(i: number): string {
    if (i < 0 || i >= this.headerCount) return '';
    return decodeText(this.buf, this.nameOff[i], this.nameLen[i]);
  }

  /** The value with every fold (RFC 3261 §7.3.1: [*WSP CRLF] 1*WSP) replaced by one SP. */
  headerValueText(i: number): string {
    if (i < 0 || i >= this.headerCount) return '';
    return unfoldText(this.buf, this.valueOff[i], this.valueLen[i]);
  }

  /** Value text of the first header with this id, or undefined. */
  headerText(id: number): string | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.headerValueText(i);
  }

  /** Any span of buf as text (UTF-8, malformed octets become U+FFFD). */
  text(off: number, len: number): string {
    if (!(off >= 0 && len > 0 && off + len <= this.buf.length)) return '';
    return decodeText(this.buf, off, len);
  }

  bodyText(): string {
    return decodeText(this.buf, this.bodyOff, this.bodyLen);
  }

  /** The body bytes as a subarray view (no copy). */
  body(): Uint8Array {
    return this.buf.subarray(this.bodyOff, this.bodyOff + this.bodyLen);
  }
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && v > 0 && v === Math.floor(v) ? v : fallback;
}

/** Unfold a header value span: each run of WSP/CR/LF that contains a line break becomes one SP. */
export function unfoldText(buf: Uint8Array, off: number, len: number): string {
  const end = off + len;
  let hasBreak = false;
  for (let i = off; i < end; i++) if (buf[i] === CR || buf[i] === LF) { hasBreak = true; break; }
  if (!hasBreak) return decodeText(buf, off, len);
  const out = new Uint8Array(len);
  let n = 0;
  let i = off;
  while (i < end) {
    const b = buf[i];
    if (b === CR || b === LF) {
      while (n > 0 && (out[n - 1] === SP || out[n - 1] === HTAB)) n--;
      while (i < end && (buf[i] === CR || buf[i] === LF || buf[i] === SP || buf[i] === HTAB)) i++;
      out[n++] = SP;
    } else {
      out[n++] = b;
      i++;
    }
  }
  return decodeText(out, 0, n);
}

/**
 * UTF-8 to string without TextDecoder (core/ runs where it does not exist); ill-formed parts
 * become U+FFFD (the maximal-subpart rule of core/bytes/utf8.ts), so any bytes give a string.
 * This had its own decoder that appended a character at a time: one intermediate string per
 * character, which V8 keeps as a chain of ~32-byte nodes in any string stored for long (a
 * dialog's Call-ID, a contact) — the soak saw it. utf8Decode makes one string per 1 KiB.
 */
export function decodeText(buf: Uint8Array, off: number, len: number): string {
  return utf8Decode(buf, off, len);
}
