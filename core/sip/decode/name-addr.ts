// Addresses: From, To, Contact, Route, Record-Route, Refer-To, … (RFC 3261 §20.10, §25.1;
// RFC 3515 Refer-To; RFC 5626 +sip.instance / reg-id).
//
//   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT     ; LAQUOT = SWS "<" ; RAQUOT = ">" SWS
//   addr-spec = SIP-URI / SIPS-URI / absoluteURI
//   display-name = *(token LWS)/ quoted-string
//   from-spec = ( name-addr / addr-spec ) *( SEMI from-param ) ; tag-param = "tag" EQUAL token
//   route-param = name-addr *( SEMI rr-param )
//   contact-param = (name-addr / addr-spec) *(SEMI contact-params)
//   contact-params = c-p-q / c-p-expires / contact-extension
//   c-p-q = "q" EQUAL qvalue ; c-p-expires = "expires" EQUAL delta-seconds
//
// §20.10: when the URI is not in <>, any ";" parameters belong to the header, not the URI, and
// the URI cannot contain "," ";" or "?" (RFC 4475 regbadct must fail, cparam01 puts
// ";unknownparam" on the Contact).
import {
  DECODE_OK, E_DEC_BAD_ADDR_SPEC, E_DEC_BAD_DISPLAY_NAME, E_DEC_BAD_NUMBER, E_DEC_BAD_PARAM, E_DEC_BAD_QVALUE,
  E_DEC_EMPTY, E_DEC_OUT_OF_RANGE, E_DEC_TRAILING_BYTES, E_DEC_UNTERMINATED_QUOTE,
} from './errors.js';
import {
  CHAR_CLASS, COMMA, CR, C_TOKEN, C_WSP, DOT, DQUOTE, HTAB, LAQUOT, LF, QMARK, RAQUOT, SEMI, SP, STAR,
  parseUnsigned, skipLws, skipQuoted, trimLwsEnd,
} from './chars.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';
import { UriValue, decodeUriAfterReset } from './uri.js';

export const MAX_DELTA_SECONDS = 4294967295; // 2^32 - 1 (RFC 3261 §20.19, RFC 4475 scalar02)
const MAX_REG_ID = 2147483647; // RFC 5626 §4.1: reg-id = 1*10DIGIT ; 1 to (2^31 - 1)

export class NameAddrValue {
  /** Display name: inside the quotes when quoted (escapes kept), else the token run; -1 when absent. */
  displayOff = -1;
  displayLen = -1;
  displayQuoted = false;
  /** true when the URI was enclosed in <> (name-addr), false for a bare addr-spec. */
  angle = false;
  uriOff = -1;
  uriLen = -1;
  readonly uri = new UriValue();
  /** Header parameters after the address, from the first ";" (iterate with ParamCursor, PARAMS_HEADER). */
  paramsOff = -1;
  paramsLen = -1;
  tagOff = -1;
  tagLen = -1;
  errorOffset = -1;
  protected readonly cursor = new ParamCursor();

  reset(): void {
    this.displayOff = this.displayLen = -1;
    this.displayQuoted = false;
    this.angle = false;
    this.uriOff = this.uriLen = -1;
    this.uri.reset();
    this.paramsOff = this.paramsLen = -1;
    this.tagOff = this.tagLen = -1;
    this.errorOffset = -1;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }
}

export class ContactValue extends NameAddrValue {
  /** Contact: * (RFC 3261 §10.2.2, only with Expires: 0 in a REGISTER). */
  star = false;
  /** expires parameter in seconds, or -1 when absent. */
  expires = -1;
  expiresOff = -1;
  expiresLen = -1;
  /** q in thousandths (q=0.33 → 330), or -1 when absent. */
  q = -1;
  qOff = -1;
  qLen = -1;
  /** +sip.instance value (inside the quotes), RFC 5626 §4.1. */
  instanceOff = -1;
  instanceLen = -1;
  regId = -1;
  regIdOff = -1;
  regIdLen = -1;

  override reset(): void {
    super.reset();
    this.star = false;
    this.expires = this.expiresOff = this.expiresLen = -1;
    this.q = this.qOff = this.qLen = -1;
    this.instanceOff = this.instanceLen = -1;
    this.regId = this.regIdOff = this.regIdLen = -1;
  }
}

function fail(out: NameAddrValue, code: number, at: number): number {
  out.errorOffset = at;
  return code;
}

/**
 * qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )   (RFC 3261 §25.1)
 * Returns thousandths (0..1000) or -1.
 */
export function parseQvalue(buf: Uint8Array, off: number, end: number): number {
  if (off >= end) return -1;
  const lead = buf[off];
  if (lead !== 0x30 && lead !== 0x31) return -1;
  let v = (lead - 0x30) * 1000;
  if (off + 1 === end) return v;
  if (buf[off + 1] !== DOT || end - off - 2 > 3) return -1;
  let scale = 100;
  for (let i = off + 2; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) return -1;
    if (lead === 0x31 && c !== 0x30) return -1;
    v += (c - 0x30) * scale;
    scale /= 10;
  }
  return v;
}

const MODE_FROM = 0;
const MODE_ROUTE = 1;
const MODE_CONTACT = 2;

/** From, To, Refer-To, Reply-To, P-Asserted-Identity… : name-addr or addr-spec, then params with tag. */
export function decodeNameAddr(buf: Uint8Array, off: number, end: number, out: NameAddrValue): number {
  return decodeAddress(buf, off, end, out, MODE_FROM, null);
}

/** Route / Record-Route / Path / Service-Route: name-addr only (the URI must be in <>). */
export function decodeRoute(buf: Uint8Array, off: number, end: number, out: NameAddrValue): number {
  return decodeAddress(buf, off, end, out, MODE_ROUTE, null);
}

/** One Contact value (the caller splits on commas): "*" or an address with q, expires, +sip.instance, reg-id. */
export function decodeContact(buf: Uint8Array, off: number, end: number, out: ContactValue): number {
  return decodeAddress(buf, off, end, out, MODE_CONTACT, out);
}

function decodeAddress(
  buf: Uint8Array, off: number, end: number, out: NameAddrValue, mode: number, contact: ContactValue | null,
): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS can only start with a byte <= SP: the calls are skipped when none is there (the usual case).
  let p = off < end && buf[off] <= SP ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= SP) end = trimLwsEnd(buf, p, end);
  if (p >= end) return fail(out, E_DEC_EMPTY, p);
  if (contact !== null && buf[p] === STAR && p + 1 === end) {
    contact.star = true;
    return DECODE_OK;
  }
  // display-name
  if (buf[p] === DQUOTE) {
    const close = skipQuoted(buf, p, end);
    if (close < 0) return fail(out, E_DEC_UNTERMINATED_QUOTE, -1 - close);
    out.displayOff = p + 1;
    out.displayLen = close - p - 2;
    out.displayQuoted = true;
    p = skipLws(buf, close, end);
    if (p >= end || buf[p] !== LAQUOT) return fail(out, E_DEC_BAD_ADDR_SPEC, p);
  } else if (buf[p] !== LAQUOT) {
    // Either *(token LWS) "<" or a bare addr-spec: walk tokens and LWS and see what stops us.
    let q = p;
    let lastTokenEnd = p;
    while (q < end) {
      const c = buf[q];
      if ((CHAR_CLASS[c] & C_TOKEN) !== 0) { q++; lastTokenEnd = q; continue; }
      if (c === SP || c === HTAB || c === CR || c === LF) {
        const next = skipLws(buf, q, end);
        if (next === q) break;
        q = next;
        continue;
      }
      break;
    }
    if (q < end && buf[q] === LAQUOT) {
      out.displayOff = p;
      out.displayLen = lastTokenEnd - p;
      p = q;
    } else {
      // Not a display name. If a "<" still follows before the first ";" (header parameters,
      // whose quoted values may hold "<"), the display name held a non-token byte
      // (RFC 4475 baddn: "Bell, Alexander <sip:…>"; also 'Joe "Q" <sip:…>').
      for (let i = q; i < end; i++) {
        const c = buf[i];
        if (c === SEMI) break;
        if (c === LAQUOT) return fail(out, E_DEC_BAD_DISPLAY_NAME, q);
      }
    }
  }
  let afterAddress: number;
  if (p < end && buf[p] === LAQUOT) {
    const uriStart = p + 1;
    // LAQUOT/RAQUOT allow no whitespace inside the brackets (RFC 4475 badaspec).
    if (uriStart < end && (CHAR_CLASS[buf[uriStart]] & C_WSP || buf[uriStart] === CR || buf[uriStart] === LF)) {
      return fail(out, E_DEC_BAD_ADDR_SPEC, uriStart);
    }
    // The first ">" (a native search; past `end` or none means none in the value).
    let gt = uriStart < end ? buf.indexOf(RAQUOT, uriStart) : end;
    if (gt < 0 || gt > end) gt = end;
    if (gt >= end) return fail(out, E_DEC_BAD_ADDR_SPEC, end);
    if (gt > uriStart && (CHAR_CLASS[buf[gt - 1]] & C_WSP || buf[gt - 1] === CR || buf[gt - 1] === LF)) {
      return fail(out, E_DEC_BAD_ADDR_SPEC, gt - 1);
    }
    out.angle = true;
    out.uriOff = uriStart;
    out.uriLen = gt - uriStart;
    const r = decodeUriAfterReset(buf, uriStart, gt, out.uri);
    if (r !== DECODE_OK) return fail(out, r, out.uri.errorOffset);
    afterAddress = gt + 1;
  } else {
    if (mode === MODE_ROUTE) return fail(out, E_DEC_BAD_ADDR_SPEC, p);
    let q = p;
    while (q < end) {
      const c = buf[q];
      if (c === SEMI || c === COMMA || c === QMARK || c === SP || c === HTAB || c === CR || c === LF ||
          c === LAQUOT || c === RAQUOT || c === DQUOTE) break;
      q++;
    }
    // A bare addr-spec cannot hold "?" or ",": the sender needed <> (RFC 4475 regbadct).
    if (q < end && (buf[q] === QMARK || buf[q] === COMMA)) return fail(out, E_DEC_BAD_ADDR_SPEC, q);
    out.uriOff = p;
    out.uriLen = q - p;
    const r = decodeUriAfterReset(buf, p, q, out.uri);
    if (r !== DECODE_OK) return fail(out, r, out.uri.errorOffset);
    afterAddress = q;
  }
  const paramsStart = skipLws(buf, afterAddress, end);
  if (paramsStart < end) {
    if (buf[paramsStart] !== SEMI) return fail(out, E_DEC_TRAILING_BYTES, paramsStart);
    out.paramsOff = paramsStart;
    out.paramsLen = end - paramsStart;
  }
  const cursor = out.paramCursor.reset(buf, afterAddress, end, PARAMS_HEADER);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    const at = vOff < 0 ? cursor.nameOff : vOff;
    const nameOff = cursor.nameOff;
    // "tag", caselessly (what nameIs('tag') tests, without two calls per parameter).
    if (cursor.nameLen === 3 && (buf[nameOff] | 0x20) === 0x74 && (buf[nameOff + 1] | 0x20) === 0x61 && (buf[nameOff + 2] | 0x20) === 0x67) {
      // tag-param = "tag" EQUAL token
      if (!cursor.valueIsToken) return fail(out, E_DEC_BAD_PARAM, at);
      out.tagOff = vOff;
      out.tagLen = vLen;
    } else if (contact !== null) {
      if (cursor.nameIs('expires')) {
        const v = vLen > 0 && !cursor.quoted ? parseUnsigned(buf, vOff, vOff + vLen, MAX_DELTA_SECONDS) : -1;
        if (v === -2) return fail(out, E_DEC_OUT_OF_RANGE, at);
        if (v < 0) return fail(out, E_DEC_BAD_NUMBER, at);
        contact.expires = v;
        contact.expiresOff = vOff;
        contact.expiresLen = vLen;
      } else if (cursor.nameIs('q')) {
        const v = vLen > 0 && !cursor.quoted ? parseQvalue(buf, vOff, vOff + vLen) : -1;
        if (v < 0) return fail(out, E_DEC_BAD_QVALUE, at);
        contact.q = v;
        contact.qOff = vOff;
        contact.qLen = vLen;
      } else if (cursor.nameIs('+sip.instance')) {
        // RFC 5626 §4.1: instance-val is a quoted "<" URN ">"; we keep the span inside the quotes.
        if (vLen <= 0) return fail(out, E_DEC_BAD_PARAM, at);
        contact.instanceOff = vOff;
        contact.instanceLen = vLen;
      } else if (cursor.nameIs('reg-id')) {
        const v = vLen > 0 && !cursor.quoted ? parseUnsigned(buf, vOff, vOff + vLen, MAX_REG_ID) : -1;
        if (v <= 0) return fail(out, v === -2 ? E_DEC_OUT_OF_RANGE : E_DEC_BAD_NUMBER, at);
        contact.regId = v;
        contact.regIdOff = vOff;
        contact.regIdLen = vLen;
      }
    }
  }
  if (r < 0) return fail(out, r, cursor.errorOffset);
  return DECODE_OK;
}

/** From / To (RFC 3261 §20.20, §20.39). */
export const decodeFrom = decodeNameAddr;
export const decodeTo = decodeNameAddr;
/** Refer-To (RFC 3515 §2.1): name-addr / addr-spec with header params. */
export const decodeReferTo = decodeNameAddr;
/** Record-Route (RFC 3261 §20.30): same grammar as Route. */
export const decodeRecordRoute = decodeRoute;
