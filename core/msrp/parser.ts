// MSRP frame parser (RFC 4975 §9), in the SIP parser's style: one pass over the caller's bytes,
// spans into a preallocated view, one number back (bytes consumed, MSRP_NEED_MORE, or a negative
// error code), no allocation, never a throw on any input.
//
//   msrp-request  = req-start headers [content-stuff] end-line
//   msrp-response = resp-start headers end-line
//   req-start     = pMSRP SP transact-id SP method CRLF
//   resp-start    = pMSRP SP transact-id SP status-code [SP comment] CRLF
//   headers       = To-Path CRLF From-Path CRLF 1*( header CRLF )
//   content-stuff = *(Other-Mime-header CRLF) Content-Type 2CRLF data CRLF
//   end-line      = "-------" transact-id continuation-flag CRLF
//   continuation-flag = "+" / "$" / "#"
//   transact-id   = ident ; ident = ALPHANUM 3*31ident-char
//   ident-char    = ALPHANUM / "." / "-" / "+" / "%" / "="
//   Byte-Range    = "Byte-Range:" SP range-start "-" range-end "/" total
//   Status        = "Status:" SP namespace SP status-code [SP text-reason]
import {
  MSRP_NEED_MORE, E_MSRP_BAD_START, E_MSRP_BAD_TRANSACTION_ID, E_MSRP_BAD_METHOD, E_MSRP_BAD_STATUS,
  E_MSRP_BAD_HEADER, E_MSRP_TOO_MANY_HEADERS, E_MSRP_MISSING_PATH, E_MSRP_FRAME_TOO_LARGE,
  E_MSRP_BAD_END_LINE, E_MSRP_BAD_BYTE_RANGE, E_MSRP_BODY_WITHOUT_TYPE, E_MSRP_LINE_TOO_LONG,
} from './errors.js';
import { MH, MSRP_METHOD, lookupMsrpHeaderId } from './header-ids.js';
import type { MsrpFrameView } from './view.js';

export { MSRP_NEED_MORE } from './errors.js';

export interface MsrpParseOptions {
  /** RFC 4975 §9 puts To-Path and From-Path first; the RFC's own chunk snippets omit them. */
  requirePaths: boolean;
}

export const STRICT_MSRP: Readonly<MsrpParseOptions> = { requirePaths: true };

const CR = 13;
const LF = 10;
const SP = 32;
const DASH = 45;
const COLON = 58;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isIdentChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45 || c === 43 || c === 37 || c === 61;
}

function isTokenChar(c: number): boolean {
  // RFC 4975 token as in RFC 3261 §25.1.
  return isAlnum(c) || c === 45 || c === 46 || c === 33 || c === 37 || c === 42 || c === 95 || c === 43 || c === 96 || c === 39 || c === 126;
}

/** Index of the CR of the next CRLF in [from, end), or -1. */
function findCrlf(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

function fail(view: MsrpFrameView, code: number, at: number): number {
  view.errorCode = code;
  view.errorOffset = at;
  return code;
}

export function parseMsrp(buf: Uint8Array, off: number, len: number, view: MsrpFrameView, options: Readonly<MsrpParseOptions> = STRICT_MSRP): number {
  const limits = view.limits;
  const end = Math.min(off + len, buf.length);
  view.buf = buf;
  view.errorCode = 0;
  view.headerCount = 0;
  view.hasBody = false;
  view.bodyOff = 0;
  view.bodyLen = 0;
  view.rangeStart = view.rangeEnd = view.rangeTotal = -1;
  view.statusHeaderCode = -1;
  view.continuation = 0;
  view.frameOff = off;
  const scanEnd = Math.min(end, off + limits.maxFrameBytes);

  // ---- start line ----
  const lineEnd = findCrlf(buf, off, Math.min(scanEnd, off + limits.maxLineBytes + 2));
  if (lineEnd < 0) {
    // Reject early what can never become a start line, so a stream resynchronises quickly.
    const have = end - off;
    const want = 'MSRP ';
    for (let i = 0; i < have && i < 5; i++) if (buf[off + i] !== want.charCodeAt(i)) return fail(view, E_MSRP_BAD_START, off + i);
    if (have > limits.maxLineBytes) return fail(view, E_MSRP_LINE_TOO_LONG, off);
    return MSRP_NEED_MORE;
  }
  if (lineEnd - off < 5 || buf[off] !== 77 || buf[off + 1] !== 83 || buf[off + 2] !== 82 || buf[off + 3] !== 80 || buf[off + 4] !== SP) {
    return fail(view, E_MSRP_BAD_START, off);
  }
  let p = off + 5;
  const idStart = p;
  if (p >= lineEnd || !isAlnum(buf[p]!)) return fail(view, E_MSRP_BAD_TRANSACTION_ID, p);
  while (p < lineEnd && isIdentChar(buf[p]!)) p++;
  const idLen = p - idStart;
  if (idLen < 4 || idLen > 32 || p >= lineEnd || buf[p] !== SP) return fail(view, E_MSRP_BAD_TRANSACTION_ID, idStart);
  view.transactionIdOff = idStart;
  view.transactionIdLen = idLen;
  p++;
  const c0 = buf[p]!;
  if (c0 >= 48 && c0 <= 57) {
    if (p + 3 > lineEnd) return fail(view, E_MSRP_BAD_STATUS, p);
    let code = 0;
    for (let i = 0; i < 3; i++) {
      const d = buf[p + i]!;
      if (d < 48 || d > 57) return fail(view, E_MSRP_BAD_STATUS, p + i);
      code = code * 10 + (d - 48);
    }
    view.isRequest = false;
    view.statusCode = code;
    view.methodId = MSRP_METHOD.OTHER;
    view.methodOff = view.methodLen = 0;
    p += 3;
    if (p < lineEnd) {
      if (buf[p] !== SP) return fail(view, E_MSRP_BAD_STATUS, p);
      view.commentOff = p + 1;
      view.commentLen = lineEnd - p - 1;
    } else {
      view.commentOff = p;
      view.commentLen = 0;
    }
  } else {
    const mStart = p;
    while (p < lineEnd && buf[p]! >= 65 && buf[p]! <= 90) p++;
    if (p === mStart || p !== lineEnd) return fail(view, E_MSRP_BAD_METHOD, p);
    view.isRequest = true;
    view.statusCode = 0;
    view.methodOff = mStart;
    view.methodLen = p - mStart;
    view.methodId = methodIdOf(buf, mStart, p - mStart);
    view.commentOff = view.commentLen = 0;
  }

  // ---- headers, then either the end-line or an empty line and data ----
  p = lineEnd + 2;
  let contentType = -1;
  const maxHeaders = limits.maxHeaders;
  for (;;) {
    if (p + 2 > scanEnd) return more(view, end, off, scanEnd);
    if (buf[p] === CR && buf[p + 1] === LF) {
      // Empty line: data follows (content-stuff).
      if (contentType < 0) return fail(view, E_MSRP_BODY_WITHOUT_TYPE, p);
      if (options.requirePaths && !hasPaths(view)) return fail(view, E_MSRP_MISSING_PATH, off);
      const dataStart = p + 2;
      return findDataEnd(buf, dataStart, end, scanEnd, view, off);
    }
    if (buf[p] === DASH) {
      const r = matchEndLine(buf, p, end, view);
      if (r > 0) {
        if (options.requirePaths && !hasPaths(view)) return fail(view, E_MSRP_MISSING_PATH, off);
        view.frameLen = r - off;
        return r - off;
      }
      if (r === MSRP_NEED_MORE) return more(view, end, off, scanEnd);
      // Not the end-line: fall through and treat it as a (bad) header line.
    }
    const eol = findCrlf(buf, p, Math.min(scanEnd, p + limits.maxLineBytes + 2));
    if (eol < 0) {
      if (end - p > limits.maxLineBytes) return fail(view, E_MSRP_LINE_TOO_LONG, p);
      return more(view, end, off, scanEnd);
    }
    const nameStart = p;
    while (p < eol && isTokenChar(buf[p]!)) p++;
    if (p === nameStart || p >= eol || buf[p] !== COLON) return fail(view, E_MSRP_BAD_HEADER, p);
    const nameLen = p - nameStart;
    p++;
    while (p < eol && buf[p] === SP) p++;
    let valueEnd = eol;
    while (valueEnd > p && buf[valueEnd - 1] === SP) valueEnd--;
    const n = view.headerCount;
    if (n >= maxHeaders) return fail(view, E_MSRP_TOO_MANY_HEADERS, nameStart);
    const id = lookupMsrpHeaderId(buf, nameStart, nameLen);
    view.headerId[n] = id;
    view.nameOff[n] = nameStart;
    view.nameLen[n] = nameLen;
    view.valueOff[n] = p;
    view.valueLen[n] = valueEnd - p;
    view.headerCount = n + 1;
    if (id === MH.BYTE_RANGE) {
      const r = decodeByteRange(buf, p, valueEnd, view);
      if (r < 0) return fail(view, r, p);
    } else if (id === MH.STATUS) {
      const r = decodeStatus(buf, p, valueEnd, view);
      if (r < 0) return fail(view, r, p);
    } else if (id === MH.CONTENT_TYPE) {
      contentType = n;
    }
    p = eol + 2;
  }
}

function more(view: MsrpFrameView, end: number, off: number, scanEnd: number): number {
  if (scanEnd < end || end - off >= view.limits.maxFrameBytes) return fail(view, E_MSRP_FRAME_TOO_LARGE, off);
  return MSRP_NEED_MORE;
}

function hasPaths(view: MsrpFrameView): boolean {
  return view.headerCount >= 2 && view.headerId[0] === MH.TO_PATH && view.headerId[1] === MH.FROM_PATH;
}

function methodIdOf(buf: Uint8Array, off: number, len: number): number {
  if (len === 4 && buf[off] === 83 && buf[off + 1] === 69 && buf[off + 2] === 78 && buf[off + 3] === 68) return MSRP_METHOD.SEND;
  if (len === 6 && buf[off] === 82 && buf[off + 1] === 69 && buf[off + 2] === 80 && buf[off + 3] === 79 && buf[off + 4] === 82 && buf[off + 5] === 84) return MSRP_METHOD.REPORT;
  if (len === 4 && buf[off] === 65 && buf[off + 1] === 85 && buf[off + 2] === 84 && buf[off + 3] === 72) return MSRP_METHOD.AUTH;
  return MSRP_METHOD.OTHER;
}

/**
 * At `p` (a '-'): is this "-------" + our transaction id + flag + CRLF? Returns the index after
 * the CRLF, MSRP_NEED_MORE when the bytes so far agree but stop short, or -1 when it is not.
 */
function matchEndLine(buf: Uint8Array, p: number, end: number, view: MsrpFrameView): number {
  const idOff = view.transactionIdOff;
  const idLen = view.transactionIdLen;
  const total = 7 + idLen + 3;
  const avail = end - p;
  const n = avail < total ? avail : total;
  for (let i = 0; i < n; i++) {
    const c = buf[p + i]!;
    if (i < 7) { if (c !== DASH) return -1; }
    else if (i < 7 + idLen) { if (c !== buf[idOff + i - 7]) return -1; }
    else if (i === 7 + idLen) { if (c !== 43 && c !== 36 && c !== 35) return -1; }
    else if (i === 8 + idLen) { if (c !== CR) return -1; }
    else if (c !== LF) return -1;
  }
  if (avail < total) return MSRP_NEED_MORE;
  view.continuation = buf[p + 7 + idLen]!;
  return p + total;
}

/** Data runs to the CRLF that precedes the end-line (§9: data CRLF end-line). */
function findDataEnd(buf: Uint8Array, dataStart: number, end: number, scanEnd: number, view: MsrpFrameView, off: number): number {
  const idLen = view.transactionIdLen;
  // TypedArray indexOf is a native scan (memchr-like in every engine): data rarely holds a CR,
  // so this visits a few candidates per chunk instead of every byte in JS.
  for (let i = buf.indexOf(CR, dataStart); i >= 0 && i + 2 < scanEnd; i = buf.indexOf(CR, i + 1)) {
    if (buf[i + 1] !== LF || buf[i + 2] !== DASH) continue;
    const r = matchEndLine(buf, i + 2, end, view);
    if (r > 0) {
      view.hasBody = true;
      view.bodyOff = dataStart;
      view.bodyLen = i - dataStart;
      view.frameLen = r - off;
      return r - off;
    }
    if (r === MSRP_NEED_MORE) return more(view, end, off, scanEnd);
  }
  // An empty body whose end-line follows the blank line directly is tolerated (no CRLF between).
  if (dataStart + 7 + idLen + 3 <= end && buf[dataStart] === DASH) {
    const r = matchEndLine(buf, dataStart, end, view);
    if (r > 0) {
      view.hasBody = true;
      view.bodyOff = dataStart;
      view.bodyLen = 0;
      view.frameLen = r - off;
      return r - off;
    }
  }
  return more(view, end, off, scanEnd);
}

/** Byte-Range: range-start "-" range-end "/" total; "*" for unknown end or total. */
function decodeByteRange(buf: Uint8Array, p: number, end: number, view: MsrpFrameView): number {
  let start = 0;
  let digits = 0;
  while (p < end && buf[p]! >= 48 && buf[p]! <= 57) { start = start * 10 + (buf[p]! - 48); p++; if (++digits > 15) return E_MSRP_BAD_BYTE_RANGE; }
  if (digits === 0 || start < 1 || p >= end || buf[p] !== DASH) return E_MSRP_BAD_BYTE_RANGE;
  p++;
  let rangeEnd = -1;
  if (p < end && buf[p] === 42) p++;
  else {
    rangeEnd = 0;
    digits = 0;
    while (p < end && buf[p]! >= 48 && buf[p]! <= 57) { rangeEnd = rangeEnd * 10 + (buf[p]! - 48); p++; if (++digits > 15) return E_MSRP_BAD_BYTE_RANGE; }
    if (digits === 0) return E_MSRP_BAD_BYTE_RANGE;
  }
  if (p >= end || buf[p] !== 47) return E_MSRP_BAD_BYTE_RANGE;
  p++;
  let total = -1;
  if (p < end && buf[p] === 42) p++;
  else {
    total = 0;
    digits = 0;
    while (p < end && buf[p]! >= 48 && buf[p]! <= 57) { total = total * 10 + (buf[p]! - 48); p++; if (++digits > 15) return E_MSRP_BAD_BYTE_RANGE; }
    if (digits === 0) return E_MSRP_BAD_BYTE_RANGE;
  }
  if (p !== end) return E_MSRP_BAD_BYTE_RANGE;
  view.rangeStart = start;
  view.rangeEnd = rangeEnd;
  view.rangeTotal = total;
  return 0;
}

/** Status: namespace SP status-code [SP text-reason]; namespace 000 is MSRP's (§9). */
function decodeStatus(buf: Uint8Array, p: number, end: number, view: MsrpFrameView): number {
  if (end - p < 7) return E_MSRP_BAD_STATUS;
  for (let i = 0; i < 3; i++) if (buf[p + i]! < 48 || buf[p + i]! > 57) return E_MSRP_BAD_STATUS;
  if (buf[p + 3] !== SP) return E_MSRP_BAD_STATUS;
  let code = 0;
  for (let i = 4; i < 7; i++) {
    const d = buf[p + i]!;
    if (d < 48 || d > 57) return E_MSRP_BAD_STATUS;
    code = code * 10 + (d - 48);
  }
  if (p + 7 < end && buf[p + 7] !== SP) return E_MSRP_BAD_STATUS;
  view.statusHeaderCode = code;
  return 0;
}
