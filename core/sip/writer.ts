// SIP message writer (RFC 3261 §7): requests and responses written straight into a caller's
// Uint8Array. One SipWriter is made at start-up and reused; writing a message allocates
// nothing: strings are copied code unit by code unit (UTF-8 encoded when not ASCII), numbers
// are written digit by digit, spans are copied with an index loop (no subarray()).
//
// All or nothing: the first failure (does not fit, bad caller value, wrong call order) sticks,
// every later call is a no-op, and finish() returns that negative code. finish() returns a
// positive length only for a complete message. On failure the bytes of buf[off, off+len) are
// unspecified (partly written) but no length is ever reported for them.
//
// Usage:
//   w.request(buf, 0, buf.length, 'REGISTER', 'sip:example.com')
//    .headerId(H.VIA, via).headerId(H.FROM, from) ...
//    .beginId(H.CSEQ).uint(seq).text(' REGISTER').end()
//   const n = w.finish();            // Content-Length is added from the body
//
// Caller values are checked as they are written: a CR, LF, NUL or any other control character
// but HTAB inside a header value is refused (header injection; §25.1 forbids CTLs in values),
// as are non-token header names and methods (§25.1 token), URIs with characters outside the
// URI set, status codes outside 100-699 (§21) and reason phrases with control characters.
import { CLASS, TOKEN, URIC } from '../bytes/chars.js';
import { decimalLength } from '../bytes/ascii.js';
import { utf8Length, utf8StepWidth, utf8WriteCodeUnitAt } from '../bytes/utf8.js';
import { compactForm, headerName, lookupHeaderId, methodName, H } from './header-ids.js';

/** The message (or what has been written so far) does not fit in the buffer. */
export const E_W_NO_SPACE = -201;
/** Method is empty or not a token (§25.1 Method = INVITEm / ... / extension-method = token). */
export const E_W_BAD_METHOD = -202;
/** Request-URI empty or containing whitespace, controls, non-ASCII or "<" ">" '"'. */
export const E_W_BAD_URI = -203;
/** Status code not an integer in 100-699 (§7.2, §21). */
export const E_W_BAD_STATUS = -204;
/** Reason phrase contains CR, LF, NUL or another control character. */
export const E_W_BAD_REASON = -205;
/** Header name empty or not a token (§7.3.1). */
export const E_W_BAD_HEADER_NAME = -206;
/** Header value contains CR, LF, NUL or another control character (HTAB allowed). */
export const E_W_BAD_VALUE = -207;
/** Content-Length is computed by the writer; a caller-supplied one would be a second copy. */
export const E_W_CONTENT_LENGTH = -208;
/** Calls out of order: header before the start line, finish inside an open header, reuse after finish. */
export const E_W_STATE = -209;
/** An (offset, length) outside its source array, or a negative/fractional/unsafe number. */
export const E_W_BAD_ARGUMENT = -210;

const ERROR_NAMES: readonly string[] = ['E_W_NO_SPACE', 'E_W_BAD_METHOD', 'E_W_BAD_URI', 'E_W_BAD_STATUS',
  'E_W_BAD_REASON', 'E_W_BAD_HEADER_NAME', 'E_W_BAD_VALUE', 'E_W_CONTENT_LENGTH', 'E_W_STATE', 'E_W_BAD_ARGUMENT'];
const ERROR_MESSAGES: readonly string[] = [
  'the message does not fit in the buffer',
  'method is empty or not a token (RFC 3261 §25.1)',
  'Request-URI is empty or has a character not allowed in a URI (RFC 3261 §25.1)',
  'status code must be an integer 100-699 (RFC 3261 §21)',
  'reason phrase contains a control character (CR, LF, NUL ...)',
  'header name is empty or not a token (RFC 3261 §7.3.1)',
  'header value contains a control character (CR, LF, NUL ...): refused to prevent header injection',
  'Content-Length is computed by the writer from the body; do not supply it',
  'writer calls out of order (start line first, end() before finish(), one finish per message)',
  'span outside its array, or a number that is not a non-negative safe integer',
];

export function writerErrorName(code: number): string {
  const i = -code - 201;
  return i >= 0 && i < ERROR_NAMES.length ? ERROR_NAMES[i] : 'E_W_UNKNOWN';
}

export function writerErrorMessage(code: number): string {
  const i = -code - 201;
  return i >= 0 && i < ERROR_MESSAGES.length ? ERROR_MESSAGES[i] : 'unknown writer error';
}

// Writer states as a table of which call is allowed where: a transition not listed is E_W_STATE.
const IDLE = 0; // nothing started (or the last message finished)
const HEADERS = 1; // start line written, between header fields
const IN_VALUE = 2; // begin() called, value being composed
const FAILED = 3; // sticky error until the next request()/response()

const CR = 13;
const LF = 10;
const SP = 32;
const COLON = 58;
const HTAB = 9;

const VERSION = 'SIP/2.0';

/**
 * The writer the user agent writes with: start lines from strings, header fields named by id
 * (header-ids.ts H.*), values from strings, spans and numbers. SipWriter below adds header names
 * given as strings or spans and start lines copied from a parsed message: a phone that never
 * writes those does not carry them (a class brings every method it has into a bundle; issue #7's
 * size budget).
 */
export class SipWriterBase {
  /** Emit compact header names (RFC 3261 §7.3.3) where one exists: "v:" for Via, "l:" ... */
  compact = false;
  /** The sticky error of the current message (0 while all is well). */
  error = 0;

  protected buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  protected pos = 0;
  protected limit = 0;
  protected state = IDLE;
  protected headerCount = 0;

  constructor(options?: { compact?: boolean }) {
    if (options && options.compact) this.compact = true;
  }

  /** Starts a request: Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1). */
  request(buf: Uint8Array, off: number, len: number, method: string, uri: string): this {
    if (!this.open(buf, off, len)) return this;
    if (!validToken(method)) return this.fail(E_W_BAD_METHOD);
    if (!validUri(uri)) return this.fail(E_W_BAD_URI);
    this.ascii(method);
    this.byte(SP);
    this.ascii(uri);
    this.byte(SP);
    this.ascii(VERSION);
    this.crlf();
    return this;
  }



  /** Starts a response: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§7.2). */
  response(buf: Uint8Array, off: number, len: number, status: number, reason: string): this {
    if (!this.statusLine(buf, off, len, status)) return this;
    if (!validText(reason)) return this.fail(E_W_BAD_REASON);
    this.text0(reason);
    this.crlf();
    return this;
  }



  /** A whole header field named by id (header-ids.ts H.*). */
  headerId(id: number, value: string): this {
    return this.beginId(id).text(value).end();
  }


  headerIdBytes(id: number, src: Uint8Array, off: number, len: number): this {
    return this.beginId(id).bytes(src, off, len).end();
  }


  headerIdUint(id: number, n: number): this {
    return this.beginId(id).uint(n).end();
  }


  /** Opens a header field by id: canonical long name, or the compact letter in compact mode. */
  beginId(id: number): this {
    if (this.state !== HEADERS) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (id === H.CONTENT_LENGTH) return this.fail(E_W_CONTENT_LENGTH);
    const name = headerName(id);
    if (name.length === 0) return this.fail(E_W_BAD_HEADER_NAME);
    const letter = this.compact ? compactForm(id) : '';
    this.ascii(letter.length === 1 ? letter : name);
    return this.afterName();
  }


  /** Appends a string to the open header value (UTF-8 for non-ASCII). */
  text(s: string): this {
    if (this.state !== IN_VALUE) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (!validText(s)) return this.fail(E_W_BAD_VALUE);
    this.text0(s);
    return this;
  }

  /** Appends src[off, off+len) to the open header value. */
  bytes(src: Uint8Array, off: number, len: number): this {
    if (this.state !== IN_VALUE) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (!inRange(src, off, len)) return this.fail(E_W_BAD_ARGUMENT);
    if (!validTextSpan(src, off, len)) return this.fail(E_W_BAD_VALUE);
    this.span(src, off, len);
    return this;
  }

  /** Appends a non-negative integer in decimal (no toString, no allocation). */
  uint(n: number): this {
    if (this.state !== IN_VALUE) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (!validUint(n)) return this.fail(E_W_BAD_ARGUMENT);
    this.decimal(n);
    return this;
  }

  /** Closes the open header field with CRLF. */
  end(): this {
    if (this.state !== IN_VALUE) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    this.crlf();
    this.headerCount++;
    this.state = HEADERS;
    return this;
  }

  /**
   * Writes Content-Length (§20.14, from the body), the empty line and body[off, off+len); returns
   * the message length, or the sticky negative error. Without a body, Content-Length: 0.
   */
  finish(body?: Uint8Array, off: number = 0, len: number = body ? body.length - off : 0): number {
    if (this.state !== HEADERS) return this.failCode(this.state === FAILED ? this.error : E_W_STATE);
    if (body === undefined ? len !== 0 : !inRange(body, off, len)) return this.failCode(E_W_BAD_ARGUMENT);
    if (!this.contentLength(len)) return this.error;
    if (body !== undefined) this.span(body, off, len);
    return this.done();
  }


  // ---- internals ----

  protected open(buf: Uint8Array, off: number, len: number): boolean {
    this.buf = buf;
    this.error = 0;
    this.headerCount = 0;
    if (!inRange(buf, off, len)) {
      this.start = this.pos = this.limit = 0;
      this.fail(E_W_BAD_ARGUMENT);
      return false;
    }
    this.start = off;
    this.pos = off;
    this.limit = off + len;
    this.state = HEADERS;
    return true;
  }

  protected statusLine(buf: Uint8Array, off: number, len: number, status: number): boolean {
    if (!this.open(buf, off, len)) return false;
    if (!(status >= 100 && status <= 699) || Math.floor(status) !== status) {
      this.fail(E_W_BAD_STATUS);
      return false;
    }
    this.ascii(VERSION);
    this.byte(SP);
    this.decimal(status);
    this.byte(SP);
    return true;
  }

  protected afterName(): this {
    this.byte(COLON);
    this.byte(SP);
    if (this.error === 0) this.state = IN_VALUE;
    return this;
  }

  protected contentLength(n: number): boolean {
    const name = this.compact ? 'l' : 'Content-Length';
    // Everything after the headers is checked at once: either it all fits or nothing is written.
    const need = name.length + 2 + decimalLength(n) + 4 + n;
    if (need > this.limit - this.pos) {
      this.fail(E_W_NO_SPACE);
      return false;
    }
    this.ascii(name);
    this.byte(COLON);
    this.byte(SP);
    this.decimal(n);
    this.crlf();
    this.crlf();
    return true;
  }

  protected done(): number {
    if (this.error !== 0) return this.error;
    this.state = IDLE;
    return this.pos - this.start;
  }

  protected fail(code: number): this {
    if (this.error === 0) this.error = code;
    this.state = FAILED;
    return this;
  }

  protected failCode(code: number): number {
    this.fail(code);
    return this.error;
  }

  protected byte(b: number): void {
    if (this.pos >= this.limit) { this.fail(E_W_NO_SPACE); return; }
    this.buf[this.pos++] = b;
  }

  protected crlf(): void {
    this.byte(CR);
    this.byte(LF);
  }

  /** An ASCII string already validated. */
  protected ascii(s: string): void {
    const len = s.length;
    if (len > this.limit - this.pos) { this.fail(E_W_NO_SPACE); return; }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, UTF-8 encoded (lone surrogates become U+FFFD, as TextEncoder does: utf8.ts). */
  protected text0(s: string): void {
    const len = s.length;
    const buf = this.buf;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (this.pos >= this.limit) { this.fail(E_W_NO_SPACE); return; }
        buf[this.pos++] = c;
        continue;
      }
      // A surrogate pair takes 4 bytes, a lone surrogate U+FFFD's 3.
      const pair = c >= 0xd800 && c <= 0xdbff && utf8StepWidth(s, i) === 2;
      if (this.limit - this.pos < (c < 0x800 ? 2 : pair ? 4 : 3)) { this.fail(E_W_NO_SPACE); return; }
      this.pos = utf8WriteCodeUnitAt(s, i, buf, this.pos);
      if (pair) i++;
    }
  }

  protected span(src: Uint8Array, off: number, len: number): void {
    if (len > this.limit - this.pos) { this.fail(E_W_NO_SPACE); return; }
    const buf = this.buf;
    let p = this.pos;
    if (src === buf && off < p && off + len > p) {
      // Overlapping copy inside the same array: copyWithin has memmove semantics.
      buf.copyWithin(p, off, off + len);
      this.pos = p + len;
      return;
    }
    for (let i = 0; i < len; i++) buf[p++] = src[off + i];
    this.pos = p;
  }

  protected decimal(n: number): void {
    const digits = decimalLength(n);
    if (digits > this.limit - this.pos) { this.fail(E_W_NO_SPACE); return; }
    let p = this.pos + digits;
    this.pos = p;
    do {
      const q = Math.floor(n / 10);
      this.buf[--p] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }
}

/** SipWriterBase plus header names as strings or spans, and start lines and bodies from other sources. */
export class SipWriter extends SipWriterBase {
  /** Number of header fields written so far in this message (the computed Content-Length excluded). */
  get headers(): number {
    return this.headerCount;
  }

  /** Starts a request with a method id from header-ids.ts (M.REGISTER ...). */
  requestId(buf: Uint8Array, off: number, len: number, methodId: number, uri: string): this {
    return this.request(buf, off, len, methodName(methodId), uri);
  }
  /** Starts a request whose method and Request-URI are spans of `src` (e.g. a parsed message). */
  requestFrom(buf: Uint8Array, off: number, len: number, src: Uint8Array,
    methodOff: number, methodLen: number, uriOff: number, uriLen: number): this {
    if (!this.open(buf, off, len)) return this;
    if (!inRange(src, methodOff, methodLen) || !inRange(src, uriOff, uriLen)) return this.fail(E_W_BAD_ARGUMENT);
    if (!validTokenSpan(src, methodOff, methodLen)) return this.fail(E_W_BAD_METHOD);
    if (!validUriSpan(src, uriOff, uriLen)) return this.fail(E_W_BAD_URI);
    this.span(src, methodOff, methodLen);
    this.byte(SP);
    this.span(src, uriOff, uriLen);
    this.byte(SP);
    this.ascii(VERSION);
    this.crlf();
    return this;
  }
  /** Starts a response whose reason phrase is a span of `src`. */
  responseFrom(buf: Uint8Array, off: number, len: number, status: number,
    src: Uint8Array, reasonOff: number, reasonLen: number): this {
    if (!this.statusLine(buf, off, len, status)) return this;
    if (!inRange(src, reasonOff, reasonLen)) return this.fail(E_W_BAD_ARGUMENT);
    if (!validTextSpan(src, reasonOff, reasonLen)) return this.fail(E_W_BAD_REASON);
    this.span(src, reasonOff, reasonLen);
    this.crlf();
    return this;
  }
  /** A whole header field with a string value. */
  header(name: string, value: string): this {
    return this.begin(name).text(value).end();
  }
  /** A whole header field whose value is src[off, off+len). */
  headerBytes(name: string, src: Uint8Array, off: number, len: number): this {
    return this.begin(name).bytes(src, off, len).end();
  }
  /** A header field with a number as value (Expires, Max-Forwards, Min-Expires ...). */
  headerUint(name: string, n: number): this {
    return this.begin(name).uint(n).end();
  }
  /** Opens a header field named `name` (a token); compose the value with text/bytes/uint, then end(). */
  begin(name: string): this {
    if (this.state !== HEADERS) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (!validToken(name)) return this.fail(E_W_BAD_HEADER_NAME);
    if (name.length > this.limit - this.pos) return this.fail(E_W_NO_SPACE);
    const nameAt = this.pos;
    this.ascii(name);
    // Classify what was just written (lookup allocates nothing) to refuse Content-Length and to
    // shorten known names in compact mode.
    const id = lookupHeaderId(this.buf, nameAt, name.length);
    if (id === H.CONTENT_LENGTH) return this.fail(E_W_CONTENT_LENGTH);
    if (this.compact && id !== H.UNKNOWN && name.length > 1) {
      const letter = compactForm(id);
      if (letter.length === 1) {
        this.pos = nameAt;
        this.ascii(letter);
      }
    }
    return this.afterName();
  }
  /** Opens a header field whose name is src[off, off+len) (e.g. an unknown header from a parsed message). */
  beginFrom(src: Uint8Array, off: number, len: number): this {
    if (this.state !== HEADERS) return this.fail(this.state === FAILED ? this.error : E_W_STATE);
    if (!inRange(src, off, len)) return this.fail(E_W_BAD_ARGUMENT);
    if (!validTokenSpan(src, off, len)) return this.fail(E_W_BAD_HEADER_NAME);
    const id = lookupHeaderId(src, off, len);
    if (id === H.CONTENT_LENGTH) return this.fail(E_W_CONTENT_LENGTH);
    const letter = this.compact && id !== H.UNKNOWN ? compactForm(id) : '';
    if (letter.length === 1) this.ascii(letter);
    else this.span(src, off, len);
    return this.afterName();
  }
  /** finish() with a string body, UTF-8 encoded (bodies may contain CR LF and anything else). */
  finishText(body: string): number {
    if (this.state !== HEADERS) return this.failCode(this.state === FAILED ? this.error : E_W_STATE);
    const n = utf8Length(body);
    if (!this.contentLength(n)) return this.error;
    this.text0(body);
    return this.done();
  }}

// ---- validation (pure functions over strings and spans, no allocation) ----

function inRange(a: Uint8Array, off: number, len: number): boolean {
  return Number.isInteger(off) && Number.isInteger(len) && off >= 0 && len >= 0 && off + len <= a.length;
}

function validUint(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function validToken(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || (CLASS[c] & TOKEN) === 0) return false;
  }
  return true;
}

function validTokenSpan(src: Uint8Array, off: number, len: number): boolean {
  if (len === 0) return false;
  for (let i = 0; i < len; i++) if ((CLASS[src[off + i]] & TOKEN) === 0 || src[off + i] > 0x7f) return false;
  return true;
}

function validUri(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || (CLASS[c] & URIC) === 0) return false;
  }
  return true;
}

function validUriSpan(src: Uint8Array, off: number, len: number): boolean {
  if (len === 0) return false;
  for (let i = 0; i < len; i++) {
    const c = src[off + i];
    if (c > 0x7f || (CLASS[c] & URIC) === 0) return false;
  }
  return true;
}

/** Value/reason text: anything but control characters (HTAB allowed). */
function validText(s: string): boolean {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== HTAB) || c === 0x7f) return false;
  }
  return true;
}

function validTextSpan(src: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) {
    const c = src[off + i];
    if ((c < 0x20 && c !== HTAB) || c === 0x7f) return false;
  }
  return true;
}
