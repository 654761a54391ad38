// SIP, SIPS and tel URIs, and any other absoluteURI as opaque (RFC 3261 §19.1.1, §25.1;
// RFC 3966 for tel; RFC 5118 / RFC 6874 for IPv6 hosts). Output is spans only; nothing is copied.
//
//   SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
//   SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
//   userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
//   user = 1*( unreserved / escaped / user-unreserved )
//   password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
//   hostport = host [ ":" port ]
//   absoluteURI = scheme ":" ( hier-part / opaque-part )   (any other scheme, e.g. RFC 4475 unkscm)
import {
  DECODE_OK, E_DEC_BAD_ESCAPE, E_DEC_BAD_OPAQUE_URI, E_DEC_BAD_PARAM, E_DEC_BAD_PASSWORD, E_DEC_BAD_PORT,
  E_DEC_BAD_SCHEME, E_DEC_BAD_TEL, E_DEC_BAD_USER, E_DEC_EMPTY, E_DEC_TRAILING_BYTES,
} from './errors.js';
import {
  AT, CHAR_CLASS, COLON, C_ALPHA, C_DIGIT, C_HEX, C_PASSWORD_EXTRA, C_RESERVED, C_SCHEME, C_UNRESERVED,
  C_USER_UNRESERVED, PERCENT, PLUS, QMARK, SEMI, isHex, parseUnsigned, spanEqualsLower,
} from './chars.js';
import { HOST_NONE, parsePort, scanDigits, scanHost, type HostTarget } from './host.js';
import { PARAMS_URI, PARAMS_URI_HEADERS, ParamCursor } from './params.js';

export const SCHEME_OTHER = 0;
export const SCHEME_SIP = 1;
export const SCHEME_SIPS = 2;
export const SCHEME_TEL = 3;

export class UriValue implements HostTarget {
  schemeOff = -1;
  schemeLen = -1;
  /** SCHEME_SIP / SCHEME_SIPS / SCHEME_TEL, or SCHEME_OTHER for an opaque absoluteURI. */
  schemeId = SCHEME_OTHER;
  /** sip/sips: the user part, still %-escaped. tel: the telephone-subscriber digits. */
  userOff = -1;
  userLen = -1;
  passwordOff = -1;
  passwordLen = -1;
  hostOff = -1;
  hostLen = -1;
  hostKind = HOST_NONE;
  zoneOff = -1;
  zoneLen = -1;
  portOff = -1;
  portLen = -1;
  /** Port number, or -1 when absent. */
  port = -1;
  /** All uri-parameters including the leading ";" (iterate with ParamCursor, PARAMS_URI). */
  paramsOff = -1;
  paramsLen = -1;
  /** URI headers after "?" (iterate with ParamCursor, PARAMS_URI_HEADERS). */
  headersOff = -1;
  headersLen = -1;
  /** Everything after "scheme:" for schemes other than sip/sips/tel. */
  opaqueOff = -1;
  opaqueLen = -1;
  // Pre-located well-known parameters (values, still %-escaped).
  transportOff = -1;
  transportLen = -1;
  userParamOff = -1;
  userParamLen = -1;
  methodOff = -1;
  methodLen = -1;
  ttlOff = -1;
  ttlLen = -1;
  ttl = -1;
  maddrOff = -1;
  maddrLen = -1;
  lr = false;
  /** tel: true for a global number ("+…"); phone-context value for local numbers. */
  telGlobal = false;
  phoneContextOff = -1;
  phoneContextLen = -1;
  errorOffset = -1;
  private readonly cursor = new ParamCursor();
  private readonly maddrHost: HostTarget = { hostOff: -1, hostLen: -1, hostKind: 0, zoneOff: -1, zoneLen: -1, errorOffset: -1 };

  reset(): void {
    this.schemeOff = this.schemeLen = -1;
    this.schemeId = SCHEME_OTHER;
    this.userOff = this.userLen = this.passwordOff = this.passwordLen = -1;
    this.hostOff = this.hostLen = -1;
    this.hostKind = HOST_NONE;
    this.zoneOff = this.zoneLen = -1;
    this.portOff = this.portLen = this.port = -1;
    this.paramsOff = this.paramsLen = this.headersOff = this.headersLen = -1;
    this.opaqueOff = this.opaqueLen = -1;
    this.transportOff = this.transportLen = this.userParamOff = this.userParamLen = -1;
    this.methodOff = this.methodLen = this.ttlOff = this.ttlLen = this.ttl = -1;
    this.maddrOff = this.maddrLen = -1;
    this.lr = false;
    this.telGlobal = false;
    this.phoneContextOff = this.phoneContextLen = -1;
    this.errorOffset = -1;
  }

  /** Internal: the cursor used to validate parameters (exposed for the other decoders). */
  get paramCursor(): ParamCursor {
    return this.cursor;
  }

  /** Scratch host target used to validate maddr values. */
  get scratchHost(): HostTarget {
    return this.maddrHost;
  }
}

function fail(out: UriValue, code: number, at: number): number {
  out.errorOffset = at;
  return code;
}

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
/** Scans [p, end) for bytes of `cls` or valid escapes; returns the stop index, or -1 - bad escape. */
function scanUriChars(buf: Uint8Array, p: number, end: number, cls: number): number {
  var CLASS = CHAR_CLASS; // locals: one register instead of a module-binding load per byte
  var percent = PERCENT;
  while (p < end) {
    const c = buf[p];
    if (c === percent) {
      if (p + 2 >= end || !isHex(buf[p + 1]) || !isHex(buf[p + 2])) return -1 - p;
      p += 3;
    } else if ((CLASS[c] & cls) !== 0) p++;
    else break;
  }
  return p;
}

/**
 * Decodes the URI occupying exactly [off, end). Returns DECODE_OK or a negative code with
 * out.errorOffset at the fault.
 */
export function decodeUri(buf: Uint8Array, off: number, end: number, out: UriValue): number {
  out.reset();
  return decodeUriAfterReset(buf, off, end, out);
}

/** decodeUri for a caller that has just reset `out` (NameAddrValue.reset resets its uri). */
export function decodeUriAfterReset(buf: Uint8Array, off: number, end: number, out: UriValue): number {
  if (end > buf.length) end = buf.length;
  if (off >= end) return fail(out, E_DEC_EMPTY, off);
  if ((CHAR_CLASS[buf[off]] & C_ALPHA) === 0) return fail(out, E_DEC_BAD_SCHEME, off);
  var p = off + 1;
  var CLASS = CHAR_CLASS; // locals, as in scanUriChars
  var SCHEME = C_SCHEME;
  while (p < end && (CLASS[buf[p]] & SCHEME) !== 0) p++;
  if (p >= end || buf[p] !== COLON) return fail(out, E_DEC_BAD_SCHEME, p);
  out.schemeOff = off;
  out.schemeLen = p - off;
  p++;
  var schemeLen = p - 1 - off;
  if (schemeLen === 3 || schemeLen === 4) {
    // "sip" / "sips" / "tel", case-insensitive: the first letter picks the one candidate.
    const first = buf[off] | 0x20;
    if (first === 0x73) {
      if (spanEqualsLower(buf, off, schemeLen, schemeLen === 3 ? 'sip' : 'sips')) out.schemeId = schemeLen === 3 ? SCHEME_SIP : SCHEME_SIPS;
    } else if (first === 0x74 && schemeLen === 3 && spanEqualsLower(buf, off, 3, 'tel')) {
      out.schemeId = SCHEME_TEL;
    }
  }
  if (out.schemeId === SCHEME_SIP || out.schemeId === SCHEME_SIPS) return decodeSipRest(buf, p, end, out);
  if (out.schemeId === SCHEME_TEL) return decodeTelRest(buf, p, end, out);
  // RFC 3261 §19.1.1 / RFC 2396: opaque-part / hier-part are made of uric = reserved / unreserved / escaped.
  // Unknown schemes are not an error here (RFC 4475 §3.3.? unkscm, novelsc, unksm2): the
  // application decides whether to answer 416.
  if (p >= end) return fail(out, E_DEC_BAD_OPAQUE_URI, p);
  var stop = scanUriChars(buf, p, end, C_RESERVED | C_UNRESERVED);
  if (stop < 0) return fail(out, E_DEC_BAD_ESCAPE, -1 - stop);
  if (stop !== end) return fail(out, E_DEC_BAD_OPAQUE_URI, stop);
  out.opaqueOff = p;
  out.opaqueLen = end - p;
  return DECODE_OK;
}

function decodeSipRest(buf: Uint8Array, p: number, end: number, out: UriValue): number {
  // userinfo is present iff an "@" appears before the first byte that no userinfo may hold;
  // "@" cannot appear unescaped in hostport, parameters or headers.
  // Usual case first: a valid user part ending right at the "@" is the userinfo, found in one
  // pass (every byte it holds continues the general search below, so that search would stop at
  // the same "@").
  var at = -1;
  var userEnd = scanUriChars(buf, p, end, C_UNRESERVED | C_USER_UNRESERVED);
  if (userEnd >= 0 && userEnd < end && buf[userEnd] === AT) {
    at = userEnd;
  } else {
    const userCls = C_UNRESERVED | C_USER_UNRESERVED | C_PASSWORD_EXTRA;
    for (let i = p; i < end; i++) {
      const c = buf[i];
      if (c === AT) { at = i; break; }
      if ((CHAR_CLASS[c] & userCls) === 0 && c !== COLON && c !== PERCENT) break;
    }
    if (at >= 0) userEnd = scanUriChars(buf, p, at, C_UNRESERVED | C_USER_UNRESERVED);
  }
  if (at >= 0) {
    if (userEnd < 0) return fail(out, E_DEC_BAD_ESCAPE, -1 - userEnd);
    if (userEnd === p) return fail(out, E_DEC_BAD_USER, p);
    if (userEnd !== at && buf[userEnd] !== COLON) return fail(out, E_DEC_BAD_USER, userEnd);
    out.userOff = p;
    out.userLen = userEnd - p;
    if (userEnd < at) {
      const pwStart = userEnd + 1;
      const pwEnd = scanUriChars(buf, pwStart, at, C_UNRESERVED | C_PASSWORD_EXTRA);
      if (pwEnd < 0) return fail(out, E_DEC_BAD_ESCAPE, -1 - pwEnd);
      if (pwEnd !== at) return fail(out, E_DEC_BAD_PASSWORD, pwEnd);
      out.passwordOff = pwStart;
      out.passwordLen = at - pwStart;
    }
    p = at + 1;
  }
  var h = scanHost(buf, p, end, out, true);
  if (h < 0) return h;
  p = h;
  if (p < end && buf[p] === COLON) {
    const portStart = p + 1;
    const portEnd = scanDigits(buf, portStart, end);
    const v = parsePort(buf, portStart, portEnd);
    if (v < 0) return fail(out, E_DEC_BAD_PORT, -1 - v);
    out.portOff = portStart;
    out.portLen = portEnd - portStart;
    out.port = v;
    p = portEnd;
  }
  if (p < end && buf[p] === SEMI) {
    const paramsStart = p;
    while (p < end && buf[p] !== QMARK) p++;
    out.paramsOff = paramsStart;
    out.paramsLen = p - paramsStart;
    const r = locateUriParams(buf, paramsStart, p, out);
    if (r !== DECODE_OK) return r;
  }
  if (p < end && buf[p] === QMARK) {
    const headersStart = p + 1;
    const cursor = out.paramCursor.reset(buf, headersStart, end, PARAMS_URI_HEADERS);
    let r: number;
    while ((r = cursor.next()) === 1) { /* validate */ }
    if (r < 0) return fail(out, r, cursor.errorOffset);
    out.headersOff = headersStart;
    out.headersLen = end - headersStart;
    p = end;
  }
  if (p < end) return fail(out, E_DEC_TRAILING_BYTES, p);
  return DECODE_OK;
}

/** Validates uri-parameters and records transport, user, method, ttl, maddr and lr (RFC 3261 §19.1.1). */
function locateUriParams(buf: Uint8Array, off: number, end: number, out: UriValue): number {
  const cursor = out.paramCursor.reset(buf, off, end, PARAMS_URI);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    switch (cursor.nameLen) {
      case 2:
        if (cursor.nameIs('lr')) out.lr = true;
        break;
      case 3:
        if (cursor.nameIs('ttl')) {
          // ttl-param = "ttl=" ttl ; ttl = 1*3DIGIT ; 0 to 255
          const v = vLen > 0 && vLen <= 3 ? parseUnsigned(buf, vOff, vOff + vLen, 255) : -1;
          if (v < 0) return fail(out, E_DEC_BAD_PARAM, vOff < 0 ? cursor.nameOff : vOff);
          out.ttlOff = vOff;
          out.ttlLen = vLen;
          out.ttl = v;
        }
        break;
      case 4:
        if (cursor.nameIs('user')) { out.userParamOff = vOff; out.userParamLen = vLen; }
        break;
      case 5:
        if (cursor.nameIs('maddr')) {
          // maddr-param = "maddr=" host
          if (vLen <= 0) return fail(out, E_DEC_BAD_PARAM, cursor.nameOff);
          const h = out.scratchHost;
          const stop = scanHost(buf, vOff, vOff + vLen, h, false);
          if (stop < 0) return fail(out, stop, h.errorOffset);
          if (stop !== vOff + vLen) return fail(out, E_DEC_BAD_PARAM, stop);
          out.maddrOff = vOff;
          out.maddrLen = vLen;
        }
        break;
      case 6:
        if (cursor.nameIs('method')) { out.methodOff = vOff; out.methodLen = vLen; }
        break;
      case 9:
        if (cursor.nameIs('transport')) { out.transportOff = vOff; out.transportLen = vLen; }
        break;
      default:
        break;
    }
  }
  if (r < 0) return fail(out, r, cursor.errorOffset);
  return DECODE_OK;
}

// RFC 3966 §3:
//   telephone-subscriber = global-number / local-number
//   global-number-digits = "+" *phonedigit DIGIT *phonedigit
//   local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
//   phonedigit = DIGIT / [ visual-separator ] ; visual-separator = "-" / "." / "(" / ")"
//   local-number = local-number-digits *par context *par   (context = ";phone-context=" descriptor)
function isVisualSeparator(c: number): boolean {
  return c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29;
}

function decodeTelRest(buf: Uint8Array, p: number, end: number, out: UriValue): number {
  const start = p;
  let significant = 0;
  const global = p < end && buf[p] === PLUS;
  if (global) p++;
  while (p < end && buf[p] !== SEMI) {
    const c = buf[p];
    if (global ? (CHAR_CLASS[c] & C_DIGIT) !== 0 : ((CHAR_CLASS[c] & C_HEX) !== 0 || c === 0x2a || c === 0x23)) significant++;
    else if (!isVisualSeparator(c)) return fail(out, E_DEC_BAD_TEL, p);
    p++;
  }
  if (significant === 0) return fail(out, E_DEC_BAD_TEL, p);
  out.userOff = start;
  out.userLen = p - start;
  out.telGlobal = global;
  if (p < end) {
    out.paramsOff = p;
    out.paramsLen = end - p;
    const cursor = out.paramCursor.reset(buf, p, end, PARAMS_URI);
    let r: number;
    while ((r = cursor.next()) === 1) {
      if (cursor.nameIs('phone-context')) {
        if (cursor.valueLen <= 0) return fail(out, E_DEC_BAD_TEL, cursor.nameOff);
        out.phoneContextOff = cursor.valueOff;
        out.phoneContextLen = cursor.valueLen;
      }
    }
    if (r < 0) return fail(out, r === E_DEC_BAD_PARAM ? E_DEC_BAD_TEL : r, cursor.errorOffset);
  }
  if (!global && out.phoneContextOff < 0) return fail(out, E_DEC_BAD_TEL, end);
  return DECODE_OK;
}
