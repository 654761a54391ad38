// Message/CPIM (RFC 3862) reader and writer: the wrapper IMDN (RFC 5438) and MSRP use to carry
// who sent a message, when, and which notifications it asks for. The reader fills spans into
// the caller's bytes, like the SIP parser, and allocates nothing.
//
//   message      = message-headers CRLF mime-headers CRLF content    (§3)
//   Header       = Header-name ":" *( ";" Parameter ) SP Header-value CRLF   (§3.1)
//   Header-name  = [ Name-prefix "." ] Name
//
// Leniency, named: RFC 5438's printed example lost the empty line between message headers and
// MIME headers; with `allowMissingSeparator`, a Content-Type among the message headers starts
// the MIME headers.

export const CPIM_OK = 0;
export const E_CPIM_BAD_HEADER = -801;
export const E_CPIM_TOO_MANY_HEADERS = -802;
export const E_CPIM_NO_MIME_HEADERS = -803;
export const E_CPIM_UNTERMINATED = -804;

export interface CpimOptions {
  allowMissingSeparator: boolean;
}

const CR = 13;
const LF = 10;

export class CpimView {
  buf: Uint8Array = new Uint8Array(0);
  headerCount = 0;
  readonly nameOff: Uint32Array;
  readonly nameLen: Uint32Array;
  /** ";lang=fr"-style parameters between the colon and the value (length 0 when none). */
  readonly paramsOff: Uint32Array;
  readonly paramsLen: Uint32Array;
  readonly valueOff: Uint32Array;
  readonly valueLen: Uint32Array;
  contentTypeOff = -1;
  contentTypeLen = 0;
  contentIdOff = -1;
  contentIdLen = 0;
  /** Declared Content-length of the inner content, or -1. */
  contentLength = -1;
  bodyOff = 0;
  bodyLen = 0;
  errorOffset = -1;

  constructor(readonly maxHeaders = 32) {
    this.nameOff = new Uint32Array(maxHeaders);
    this.nameLen = new Uint32Array(maxHeaders);
    this.paramsOff = new Uint32Array(maxHeaders);
    this.paramsLen = new Uint32Array(maxHeaders);
    this.valueOff = new Uint32Array(maxHeaders);
    this.valueLen = new Uint32Array(maxHeaders);
  }

  /** Index of the first message header named `name` (case-insensitive), from `from`, or -1. */
  find(name: string, from = 0): number {
    for (let i = from; i < this.headerCount; i++) if (spanIs(this.buf, this.nameOff[i]!, this.nameLen[i]!, name)) return i;
    return -1;
  }

  /**
   * The prefix the message uses for a namespace URI (e.g. "imdn" for urn:ietf:params:imdn, from
   * `NS: imdn <urn:ietf:params:imdn>`), then `findPrefixed(prefix, "Message-ID")`. Returns the
   * header index of the NS declaration, or -1; the prefix is the start of its value.
   */
  findNamespace(uri: string): number {
    for (let i = this.find('NS'); i >= 0; i = this.find('NS', i + 1)) {
      const off = this.valueOff[i]!;
      const len = this.valueLen[i]!;
      const open = indexOf(this.buf, off, off + len, 60);
      if (open < 0) continue;
      const close = indexOf(this.buf, open, off + len, 62);
      if (close > open && spanIs(this.buf, open + 1, close - open - 1, uri)) return i;
    }
    return -1;
  }

  /** Length of the prefix token of an NS header's value (before the space and <uri>). */
  namespacePrefixLen(nsIndex: number): number {
    const off = this.valueOff[nsIndex]!;
    const end = off + this.valueLen[nsIndex]!;
    let p = off;
    while (p < end && this.buf[p] !== 32 && this.buf[p] !== 60) p++;
    return p - off;
  }

  /** Header "prefix.name" where prefix is the span [prefixOff, prefixOff+prefixLen). */
  findPrefixed(prefixOff: number, prefixLen: number, name: string): number {
    const buf = this.buf;
    for (let i = 0; i < this.headerCount; i++) {
      const off = this.nameOff[i]!;
      const len = this.nameLen[i]!;
      if (len !== prefixLen + 1 + name.length || buf[off + prefixLen] !== 46) continue;
      let same = true;
      for (let k = 0; k < prefixLen && same; k++) same = buf[off + k] === buf[prefixOff + k];
      if (same && spanIs(buf, off + prefixLen + 1, name.length, name)) return i;
    }
    return -1;
  }

  text(off: number, len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(this.buf[off + i]!);
    return s;
  }

  value(i: number): string {
    return this.text(this.valueOff[i]!, this.valueLen[i]!);
  }
}

export function parseCpim(buf: Uint8Array, off: number, end: number, view: CpimView, options: CpimOptions = { allowMissingSeparator: false }): number {
  view.buf = buf;
  view.headerCount = 0;
  view.contentTypeOff = view.contentIdOff = view.contentLength = -1;
  view.contentTypeLen = view.contentIdLen = 0;
  view.errorOffset = -1;
  end = Math.min(end, buf.length);
  let p = off;
  // Message headers.
  for (;;) {
    if (p + 1 >= end) { view.errorOffset = p; return E_CPIM_UNTERMINATED; }
    if (buf[p] === CR && buf[p + 1] === LF) { p += 2; break; }
    const eol = findCrlf(buf, p, end);
    if (eol < 0) { view.errorOffset = p; return E_CPIM_UNTERMINATED; }
    const colon = indexOf(buf, p, eol, 58);
    if (colon <= p) { view.errorOffset = p; return E_CPIM_BAD_HEADER; }
    if (options.allowMissingSeparator && spanIs(buf, p, colon - p, 'Content-type')) break;
    const n = view.headerCount;
    if (n >= view.maxHeaders) { view.errorOffset = p; return E_CPIM_TOO_MANY_HEADERS; }
    view.nameOff[n] = p;
    view.nameLen[n] = colon - p;
    let v = colon + 1;
    const paramsStart = v;
    if (v < eol && buf[v] === 59) {
      while (v < eol && buf[v] !== 32) v++;
    }
    view.paramsOff[n] = paramsStart;
    view.paramsLen[n] = v - paramsStart;
    if (v < eol && buf[v] === 32) v++;
    view.valueOff[n] = v;
    view.valueLen[n] = eol - v;
    view.headerCount = n + 1;
    p = eol + 2;
  }
  // MIME headers of the encapsulated content (RFC 3862 §3: at least Content-Type).
  let sawMime = false;
  for (;;) {
    if (p + 1 >= end) { view.errorOffset = p; return sawMime ? E_CPIM_UNTERMINATED : E_CPIM_NO_MIME_HEADERS; }
    if (buf[p] === CR && buf[p + 1] === LF) { p += 2; break; }
    const eol = findCrlf(buf, p, end);
    if (eol < 0) { view.errorOffset = p; return E_CPIM_UNTERMINATED; }
    const colon = indexOf(buf, p, eol, 58);
    if (colon <= p) { view.errorOffset = p; return E_CPIM_BAD_HEADER; }
    let v = colon + 1;
    while (v < eol && (buf[v] === 32 || buf[v] === 9)) v++;
    if (spanIs(buf, p, colon - p, 'Content-Type')) { view.contentTypeOff = v; view.contentTypeLen = eol - v; }
    else if (spanIs(buf, p, colon - p, 'Content-ID')) { view.contentIdOff = v; view.contentIdLen = eol - v; }
    else if (spanIs(buf, p, colon - p, 'Content-Length')) {
      let n = 0;
      let digits = 0;
      for (let k = v; k < eol && buf[k]! >= 48 && buf[k]! <= 57 && digits < 10; k++, digits++) n = n * 10 + buf[k]! - 48;
      view.contentLength = digits > 0 ? n : -1;
    }
    sawMime = true;
    p = eol + 2;
  }
  if (view.contentTypeOff < 0) { view.errorOffset = p; return E_CPIM_NO_MIME_HEADERS; }
  view.bodyOff = p;
  view.bodyLen = end - p;
  return CPIM_OK;
}

/** Writes a CPIM wrapper with the given message headers and content; returns bytes or -1 when it does not fit. */
export function writeCpim(out: Uint8Array, off: number, headers: readonly (readonly [string, string])[], contentType: string, content: Uint8Array): number {
  let p = off;
  const put = (s: string): boolean => {
    if (p + s.length > out.length) return false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 255) return false;
      out[p++] = c;
    }
    return true;
  };
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(name + value) || !put(`${name}: ${value}\r\n`)) return -1;
  }
  if (/[\r\n]/.test(contentType) || !put(`\r\nContent-Type: ${contentType}\r\nContent-Length: ${content.length}\r\n\r\n`)) return -1;
  if (p + content.length > out.length) return -1;
  out.set(content, p);
  return p + content.length - off;
}

function findCrlf(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

function indexOf(buf: Uint8Array, from: number, end: number, byte: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

function spanIs(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) {
    let a = buf[off + i]!;
    let b = s.charCodeAt(i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}
