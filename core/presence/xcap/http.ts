// The little HTTP/1.1 (RFC 9112) an XCAP client needs, sans I/O: a request writer into a caller's
// buffer and an incremental response reader over a preallocated buffer. The reader is bounded
// (maxBytes for head + body), never throws, and reports bad input as a negative code with the
// offset where it went wrong. Bodies are delimited by Content-Length (§6.3 rule 5) or, without
// one, by the end of the connection (rule 8: call finish() at EOF). Chunked transfer coding is
// refused (E_HTTP_CHUNKED): XCAP servers answer with small documents and a length, and a phone
// has no use for streaming them.
//
//   status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF         (§4)
//   field-line  = field-name ":" OWS field-value OWS                            (§5)
import { stringToUtf8 } from '../../xml/bytes.js';

export const HTTP_NEED_MORE = 0;
export const HTTP_DONE = 1;
export const E_HTTP_TOO_BIG = -1;
export const E_HTTP_BAD_STATUS_LINE = -2;
export const E_HTTP_BAD_HEADER = -3;
export const E_HTTP_BAD_LENGTH = -4;
export const E_HTTP_CHUNKED = -5;
/** The connection ended before the body was complete. */
export const E_HTTP_TRUNCATED = -6;
export const E_HTTP_NO_SPACE = -7;
export const E_HTTP_BAD_INPUT = -8;

const CR = 0x0d, LF = 0x0a, SP = 0x20, HT = 0x09, COLON = 0x3a;

export interface HttpRequestSpec {
  method: string;
  /** origin-form request target (the path, e.g. an XCAP URI path). */
  target: string;
  /** Host header value (host[:port]). */
  host: string;
  contentType: string;
  /** Authorization header value (bytes already written by DigestClient), or null. */
  authorization: Uint8Array | null;
  authorizationLen: number;
  /** Conditional request (RFC 9110 §13.1.1; XCAP §7.11): '' for none. */
  ifMatch: string;
  /** "close" asks the server to close after the answer (one request per connection). */
  connectionClose: boolean;
}

/** Writes the request head and body into out[off, end): the length, or E_HTTP_NO_SPACE. */
export function writeHttpRequest(out: Uint8Array, off: number, end: number, spec: HttpRequestSpec, body: Uint8Array, bodyOff = 0, bodyLen = body.length - bodyOff): number {
  const limit = end > out.length ? out.length : end;
  let p = off;
  const text = (s: string): void => {
    if (p < 0) return;
    const n = stringToUtf8(s, out, p, limit);
    p = n < 0 ? -1 : n;
  };
  text(spec.method); text(' '); text(spec.target); text(' HTTP/1.1\r\n');
  text('Host: '); text(spec.host); text('\r\n');
  if (spec.authorization !== null && spec.authorizationLen > 0) {
    text('Authorization: ');
    if (p >= 0 && p + spec.authorizationLen <= limit) { out.set(spec.authorization.subarray(0, spec.authorizationLen), p); p += spec.authorizationLen; } else p = -1;
    text('\r\n');
  }
  if (spec.ifMatch !== '') { text('If-Match: '); text(spec.ifMatch); text('\r\n'); }
  if (spec.contentType !== '' && bodyLen > 0) { text('Content-Type: '); text(spec.contentType); text('\r\n'); }
  if (bodyLen > 0 || spec.method === 'PUT' || spec.method === 'POST') { text('Content-Length: '); text(String(bodyLen)); text('\r\n'); }
  if (spec.connectionClose) text('Connection: close\r\n');
  text('\r\n');
  if (p < 0 || p + bodyLen > limit) return E_HTTP_NO_SPACE;
  out.set(body.subarray(bodyOff, bodyOff + bodyLen), p);
  return p + bodyLen - off;
}

/** Header fields the XCAP client reads (everything else is skipped). */
const FIELD_CONTENT_LENGTH = 'content-length';
const FIELD_TRANSFER_ENCODING = 'transfer-encoding';
const FIELD_WWW_AUTHENTICATE = 'www-authenticate';
const FIELD_ETAG = 'etag';
const FIELD_CONTENT_TYPE = 'content-type';

/** Spans of one response in `buf` (valid until the next reset). */
export class HttpResponseReader {
  readonly buf: Uint8Array;
  private len = 0;
  /** 0 while reading the head; then where the body starts. */
  bodyOff = 0;
  bodyLen = 0;
  status = 0;
  /** Content-Length, -1 when absent (body ends with the connection). */
  contentLength = -1;
  /** First Digest-capable WWW-Authenticate value (RFC 9110 §11.6.1), -1 when none. */
  authenticateOff = -1;
  authenticateLen = 0;
  /** Further WWW-Authenticate values are not kept; how many there were. */
  extraAuthenticate = 0;
  etagOff = -1;
  etagLen = 0;
  contentTypeOff = -1;
  contentTypeLen = 0;
  error = 0;
  errorPosition = -1;
  private done = false;

  constructor(readonly maxBytes = 16 * 1024) {
    this.buf = new Uint8Array(maxBytes);
  }

  reset(): this {
    this.len = 0;
    this.bodyOff = 0;
    this.bodyLen = 0;
    this.status = 0;
    this.contentLength = -1;
    this.authenticateOff = -1;
    this.authenticateLen = 0;
    this.extraAuthenticate = 0;
    this.etagOff = -1;
    this.etagLen = 0;
    this.contentTypeOff = -1;
    this.contentTypeLen = 0;
    this.error = 0;
    this.errorPosition = -1;
    this.done = false;
    return this;
  }

  /** Bytes from the connection: HTTP_NEED_MORE, HTTP_DONE or a negative error (sticky). */
  push(src: Uint8Array, off: number, n: number): number {
    if (this.error !== 0) return this.error;
    if (this.done) return HTTP_DONE;
    if (off < 0 || n < 0 || off + n > src.length) return this.fail(E_HTTP_BAD_INPUT, this.len);
    if (this.len + n > this.buf.length) return this.fail(E_HTTP_TOO_BIG, this.buf.length);
    this.buf.set(src.subarray(off, off + n), this.len);
    this.len += n;
    return this.progress();
  }

  /** The connection ended: a body without Content-Length is complete now; anything else short is truncated. */
  finish(): number {
    if (this.error !== 0) return this.error;
    if (this.done) return HTTP_DONE;
    if (this.bodyOff > 0 && this.contentLength < 0) {
      this.bodyLen = this.len - this.bodyOff;
      this.done = true;
      return HTTP_DONE;
    }
    return this.fail(E_HTTP_TRUNCATED, this.len);
  }

  get isDone(): boolean {
    return this.done;
  }

  private progress(): number {
    if (this.bodyOff === 0) {
      const headEnd = findHeadEnd(this.buf, this.len);
      if (headEnd < 0) return HTTP_NEED_MORE;
      const r = this.readHead(headEnd);
      if (r < 0) return r;
      this.bodyOff = headEnd;
      // RFC 9112 §6.3 rule 1: 1xx, 204 and 304 have no body.
      if ((this.status >= 100 && this.status < 200) || this.status === 204 || this.status === 304) this.contentLength = 0;
    }
    if (this.contentLength >= 0 && this.len - this.bodyOff >= this.contentLength) {
      this.bodyLen = this.contentLength;
      this.done = true;
      return HTTP_DONE;
    }
    return HTTP_NEED_MORE;
  }

  private readHead(headEnd: number): number {
    const b = this.buf;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, then SP, 3DIGIT status.
    if (headEnd < 14 || b[0] !== 0x48 || b[1] !== 0x54 || b[2] !== 0x54 || b[3] !== 0x50 || b[4] !== 0x2f
      || !isDigit(b[5]!) || b[6] !== 0x2e || !isDigit(b[7]!) || b[8] !== SP
      || !isDigit(b[9]!) || !isDigit(b[10]!) || !isDigit(b[11]!) || (b[12] !== SP && b[12] !== CR)) {
      return this.fail(E_HTTP_BAD_STATUS_LINE, 0);
    }
    this.status = (b[9]! - 0x30) * 100 + (b[10]! - 0x30) * 10 + (b[11]! - 0x30);
    let p = 12;
    while (p < headEnd && b[p] !== LF) p++;
    p++;
    // Field lines up to the empty line (headEnd points after it).
    while (p < headEnd - 2) {
      const lineStart = p;
      let colon = -1;
      while (p < headEnd && b[p] !== LF) { if (colon < 0 && b[p] === COLON) colon = p; p++; }
      let lineEnd = p;
      if (lineEnd > lineStart && b[lineEnd - 1] === CR) lineEnd--;
      p++;
      if (lineEnd === lineStart) break;
      // §5.2: obsolete line folding is refused; a field name is a token without whitespace.
      if (colon <= lineStart || b[lineStart] === SP || b[lineStart] === HT || b[colon - 1] === SP || b[colon - 1] === HT) return this.fail(E_HTTP_BAD_HEADER, lineStart);
      let vs = colon + 1;
      while (vs < lineEnd && (b[vs] === SP || b[vs] === HT)) vs++;
      let ve = lineEnd;
      while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
      const r = this.field(lineStart, colon, vs, ve);
      if (r < 0) return r;
    }
    return 0;
  }

  private field(nameOff: number, nameEnd: number, vs: number, ve: number): number {
    const b = this.buf;
    if (nameIs(b, nameOff, nameEnd, FIELD_CONTENT_LENGTH)) {
      // §6.3 rule 5: a list of identical values is one value; differing values are an error.
      let v = -1;
      let p = vs;
      while (p < ve) {
        let n = 0, digits = 0;
        while (p < ve && isDigit(b[p]!)) { n = n * 10 + (b[p]! - 0x30); digits++; p++; if (n > 0x7fffffff) return this.fail(E_HTTP_BAD_LENGTH, vs); }
        if (digits === 0 || (v >= 0 && v !== n) || (this.contentLength >= 0 && this.contentLength !== n)) return this.fail(E_HTTP_BAD_LENGTH, vs);
        v = n;
        while (p < ve && (b[p] === SP || b[p] === HT)) p++;
        if (p < ve) { if (b[p] !== 0x2c) return this.fail(E_HTTP_BAD_LENGTH, p); p++; while (p < ve && (b[p] === SP || b[p] === HT)) p++; }
      }
      if (v < 0) return this.fail(E_HTTP_BAD_LENGTH, vs);
      this.contentLength = v;
    } else if (nameIs(b, nameOff, nameEnd, FIELD_TRANSFER_ENCODING)) {
      return this.fail(E_HTTP_CHUNKED, nameOff);
    } else if (nameIs(b, nameOff, nameEnd, FIELD_WWW_AUTHENTICATE)) {
      if (this.authenticateOff < 0 && startsWithIgnoreCase(b, vs, ve, 'digest')) { this.authenticateOff = vs; this.authenticateLen = ve - vs; }
      else this.extraAuthenticate++;
    } else if (nameIs(b, nameOff, nameEnd, FIELD_ETAG)) {
      this.etagOff = vs; this.etagLen = ve - vs;
    } else if (nameIs(b, nameOff, nameEnd, FIELD_CONTENT_TYPE)) {
      this.contentTypeOff = vs; this.contentTypeLen = ve - vs;
    }
    return 0;
  }

  private fail(code: number, position: number): number {
    this.error = code;
    this.errorPosition = position;
    return code;
  }
}

/** Offset after the CRLFCRLF (or LFLF) ending the head, or -1. */
function findHeadEnd(b: Uint8Array, len: number): number {
  for (let i = 0; i + 1 < len; i++) {
    if (b[i] === LF && b[i + 1] === LF) return i + 2;
    if (b[i] === LF && b[i + 1] === CR && i + 2 < len && b[i + 2] === LF) return i + 3;
  }
  return -1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function nameIs(b: Uint8Array, off: number, end: number, lower: string): boolean {
  if (end - off !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = b[off + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function startsWithIgnoreCase(b: Uint8Array, off: number, end: number, lower: string): boolean {
  if (end - off < lower.length) return false;
  return nameIs(b, off, off + lower.length, lower) && (end - off === lower.length || b[off + lower.length] === SP);
}
