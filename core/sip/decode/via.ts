// One via-parm of a Via header (RFC 3261 §20.42, §25.1; RFC 3581 rport; RFC 5118 IPv6).
// The caller splits the comma-separated Via values (core/sip/values.ts) and passes one at a time.
//
//   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
//   sent-protocol = protocol-name SLASH protocol-version SLASH transport   ; SLASH = SWS "/" SWS
//   transport = "UDP" / "TCP" / "TLS" / "SCTP" / other-transport
//   sent-by = host [ COLON port ]                                         ; COLON = SWS ":" SWS
//   via-params = via-ttl / via-maddr / via-received / via-branch / via-extension
//   via-ttl = "ttl" EQUAL ttl ; via-maddr = "maddr" EQUAL host
//   via-received = "received" EQUAL (IPv4address / IPv6address)        ; RFC 5118 §4.5
//   via-branch = "branch" EQUAL token
//   response-port = "rport" [EQUAL 1*DIGIT]                               ; RFC 3581 §3
import {
  DECODE_OK, E_DEC_BAD_HOST, E_DEC_BAD_PARAM, E_DEC_BAD_PORT, E_DEC_BAD_SENT_PROTOCOL, E_DEC_EMPTY,
} from './errors.js';
import {
  CHAR_CLASS, COLON, C_TOKEN, LBRACKET, RBRACKET, SEMI, SLASH, parseUnsigned, skipLws, spanEqualsLower, trimLwsEnd,
} from './chars.js';
import { HOST_NONE, parsePort, scanDigits, scanHost, scanIpv4, scanIpv6, type HostTarget } from './host.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';

export const TRANSPORT_OTHER = 0;
export const TRANSPORT_UDP = 1;
export const TRANSPORT_TCP = 2;
export const TRANSPORT_TLS = 3;
export const TRANSPORT_SCTP = 4;
export const TRANSPORT_TLS_SCTP = 5;
export const TRANSPORT_WS = 6;
export const TRANSPORT_WSS = 7;

// Lower-case names indexed by TRANSPORT_* (RFC 3261 §25.1, RFC 4168, RFC 7118).
const TRANSPORT_NAMES: readonly string[] = ['', 'udp', 'tcp', 'tls', 'sctp', 'tls-sctp', 'ws', 'wss'];

/** TRANSPORT_* id of a transport token (case-insensitive), TRANSPORT_OTHER when unknown.
 *  Dispatches on the length first so a lookup costs one string compare at most. */
export function lookupTransportId(buf: Uint8Array, off: number, len: number): number {
  switch (len) {
    case 2: return spanEqualsLower(buf, off, len, TRANSPORT_NAMES[TRANSPORT_WS]) ? TRANSPORT_WS : TRANSPORT_OTHER;
    case 3: {
      // udp / tcp / tls / wss: the first letter picks the one candidate.
      const first = buf[off] | 0x20;
      const id = first === 0x75 ? TRANSPORT_UDP : first === 0x74 ? ((buf[off + 1] | 0x20) === 0x63 ? TRANSPORT_TCP : TRANSPORT_TLS)
        : first === 0x77 ? TRANSPORT_WSS : TRANSPORT_OTHER;
      return id !== TRANSPORT_OTHER && spanEqualsLower(buf, off, len, TRANSPORT_NAMES[id]) ? id : TRANSPORT_OTHER;
    }
    case 4: return spanEqualsLower(buf, off, len, TRANSPORT_NAMES[TRANSPORT_SCTP]) ? TRANSPORT_SCTP : TRANSPORT_OTHER;
    case 8: return spanEqualsLower(buf, off, len, TRANSPORT_NAMES[TRANSPORT_TLS_SCTP]) ? TRANSPORT_TLS_SCTP : TRANSPORT_OTHER;
    default: return TRANSPORT_OTHER;
  }
}

export class ViaValue implements HostTarget {
  protocolOff = -1;
  protocolLen = -1;
  versionOff = -1;
  versionLen = -1;
  transportOff = -1;
  transportLen = -1;
  transportId = TRANSPORT_OTHER;
  hostOff = -1;
  hostLen = -1;
  hostKind = HOST_NONE;
  zoneOff = -1;
  zoneLen = -1;
  portOff = -1;
  portLen = -1;
  port = -1;
  /** All via-params from the first ";" (iterate with ParamCursor, PARAMS_HEADER). */
  paramsOff = -1;
  paramsLen = -1;
  branchOff = -1;
  branchLen = -1;
  /** received value as written (RFC 5118 §4.5: brackets tolerated and included in the span). */
  receivedOff = -1;
  receivedLen = -1;
  /** RFC 3581: rport present (with or without a value); rport is the value or -1. */
  rportPresent = false;
  rport = -1;
  rportOff = -1;
  rportLen = -1;
  maddrOff = -1;
  maddrLen = -1;
  ttl = -1;
  ttlOff = -1;
  ttlLen = -1;
  errorOffset = -1;
  private readonly cursor = new ParamCursor();
  private readonly scratch: HostTarget = { hostOff: -1, hostLen: -1, hostKind: 0, zoneOff: -1, zoneLen: -1, errorOffset: -1 };

  reset(): void {
    this.protocolOff = this.protocolLen = this.versionOff = this.versionLen = -1;
    this.transportOff = this.transportLen = -1;
    this.transportId = TRANSPORT_OTHER;
    this.hostOff = this.hostLen = -1;
    this.hostKind = HOST_NONE;
    this.zoneOff = this.zoneLen = -1;
    this.portOff = this.portLen = this.port = -1;
    this.paramsOff = this.paramsLen = -1;
    this.branchOff = this.branchLen = this.receivedOff = this.receivedLen = -1;
    this.rportPresent = false;
    this.rport = this.rportOff = this.rportLen = -1;
    this.maddrOff = this.maddrLen = -1;
    this.ttl = this.ttlOff = this.ttlLen = -1;
    this.errorOffset = -1;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }

  get scratchHost(): HostTarget {
    return this.scratch;
  }
}

function fail(out: ViaValue, code: number, at: number): number {
  out.errorOffset = at;
  return code;
}

function scanToken(buf: Uint8Array, p: number, end: number): number {
  const cls = CHAR_CLASS; // locals: one register instead of a module-binding load per byte
  const token = C_TOKEN;
  while (p < end && (cls[buf[p]] & token) !== 0) p++;
  return p;
}

/** received = IPv4address / IPv6address, and "[IPv6address]" tolerated (RFC 5118 §4.5). */
function isValidReceived(buf: Uint8Array, off: number, end: number): boolean {
  if (off >= end) return false;
  if (buf[off] === LBRACKET) {
    if (buf[end - 1] !== RBRACKET) return false;
    return scanIpv6(buf, off + 1, end - 1) === end - 1;
  }
  // The usual IPv4 address holds no ":", so the search below would end in this same test.
  if (scanIpv4(buf, off, end) === end) return true;
  for (let i = off; i < end; i++) {
    if (buf[i] === COLON) return scanIpv6(buf, off, end) === end;
  }
  return scanIpv4(buf, off, end) === end;
}

export function decodeVia(buf: Uint8Array, off: number, end: number, out: ViaValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS starts with a byte <= 0x20: without one at either edge (the usual case) no call is made.
  let p = off < end && buf[off] <= 0x20 ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= 0x20) end = trimLwsEnd(buf, p, end);
  if (p >= end) return fail(out, E_DEC_EMPTY, p);
  // sent-protocol: three tokens joined by SLASH (SWS "/" SWS; skipLws only runs when a byte
  // that could start LWS is actually there). Nearly every Via starts "SIP/2.0/" with no LWS:
  // those 8 bytes are matched at once, giving the spans the general path would.
  let start = p;
  if (p + 8 <= end && (buf[p] | 0x20) === 0x73 && (buf[p + 1] | 0x20) === 0x69 && (buf[p + 2] | 0x20) === 0x70 &&
      buf[p + 3] === SLASH && buf[p + 4] === 0x32 && buf[p + 5] === 0x2e && buf[p + 6] === 0x30 && buf[p + 7] === SLASH) {
    out.protocolOff = p;
    out.protocolLen = 3;
    out.versionOff = p + 4;
    out.versionLen = 3;
    p += 8;
  } else {
    p = scanToken(buf, p, end);
    if (p === start) return fail(out, E_DEC_BAD_SENT_PROTOCOL, p);
    out.protocolOff = start;
    out.protocolLen = p - start;
    if (p < end && buf[p] !== SLASH) p = skipLws(buf, p, end);
    if (p >= end || buf[p] !== SLASH) return fail(out, E_DEC_BAD_SENT_PROTOCOL, p);
    p++;
    if (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) === 0) p = skipLws(buf, p, end);
    start = p;
    p = scanToken(buf, p, end);
    if (p === start) return fail(out, E_DEC_BAD_SENT_PROTOCOL, p);
    out.versionOff = start;
    out.versionLen = p - start;
    if (p < end && buf[p] !== SLASH) p = skipLws(buf, p, end);
    if (p >= end || buf[p] !== SLASH) return fail(out, E_DEC_BAD_SENT_PROTOCOL, p);
    p++;
  }
  if (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) === 0) p = skipLws(buf, p, end);
  start = p;
  p = scanToken(buf, p, end);
  if (p === start) return fail(out, E_DEC_BAD_SENT_PROTOCOL, p);
  out.transportOff = start;
  out.transportLen = p - start;
  out.transportId = lookupTransportId(buf, start, p - start);
  // LWS between sent-protocol and sent-by is mandatory.
  const hostStart = skipLws(buf, p, end);
  if (hostStart === p) return fail(out, hostStart >= end ? E_DEC_BAD_HOST : E_DEC_BAD_SENT_PROTOCOL, hostStart);
  p = scanHost(buf, hostStart, end, out, false);
  if (p < 0) return p;
  const afterHost = p;
  const colon = p < end && buf[p] !== COLON ? skipLws(buf, p, end) : p;
  if (colon < end && buf[colon] === COLON) {
    const portStart = skipLws(buf, colon + 1, end);
    const portEnd = scanDigits(buf, portStart, end);
    const v = parsePort(buf, portStart, portEnd);
    if (v < 0) return fail(out, E_DEC_BAD_PORT, -1 - v);
    out.portOff = portStart;
    out.portLen = portEnd - portStart;
    out.port = v;
    p = portEnd;
  } else {
    p = afterHost;
  }
  const paramsStart = p < end && buf[p] === SEMI ? p : skipLws(buf, p, end);
  if (paramsStart < end) {
    out.paramsOff = paramsStart;
    out.paramsLen = end - paramsStart;
  }
  const cursor = out.paramCursor.reset(buf, p, end, PARAMS_HEADER);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    const nameOff = cursor.nameOff;
    // Dispatch on the name's length and first letter, then confirm with one compare.
    switch (cursor.nameLen) {
      case 6:
        if ((buf[nameOff] | 0x20) === 0x62 && spanEqualsLower(buf, nameOff, 6, 'branch')) {
          if (!cursor.valueIsToken) {
            return fail(out, E_DEC_BAD_PARAM, vOff < 0 ? nameOff : vOff);
          }
          out.branchOff = vOff;
          out.branchLen = vLen;
        }
        break;
      case 8:
        if ((buf[nameOff] | 0x20) === 0x72 && spanEqualsLower(buf, nameOff, 8, 'received')) {
          if (cursor.quoted || !isValidReceived(buf, vOff, vOff + vLen)) return fail(out, E_DEC_BAD_PARAM, vOff < 0 ? nameOff : vOff);
          out.receivedOff = vOff;
          out.receivedLen = vLen;
        }
        break;
      case 5:
        if ((buf[nameOff] | 0x20) === 0x72) {
          if (spanEqualsLower(buf, nameOff, 5, 'rport')) {
            out.rportPresent = true;
            if (vOff >= 0) {
              const v = cursor.quoted ? -1 : parsePort(buf, vOff, vOff + vLen);
              if (v < 0) return fail(out, E_DEC_BAD_PARAM, vOff);
              out.rport = v;
              out.rportOff = vOff;
              out.rportLen = vLen;
            }
          }
        } else if (spanEqualsLower(buf, nameOff, 5, 'maddr')) {
          const h = out.scratchHost;
          const stop = vLen > 0 && !cursor.quoted ? scanHost(buf, vOff, vOff + vLen, h, false) : -1;
          if (stop !== vOff + vLen) return fail(out, E_DEC_BAD_PARAM, vOff < 0 ? nameOff : vOff);
          out.maddrOff = vOff;
          out.maddrLen = vLen;
        }
        break;
      case 3:
        if (spanEqualsLower(buf, nameOff, 3, 'ttl')) {
          const v = vLen > 0 && vLen <= 3 && !cursor.quoted ? parseUnsigned(buf, vOff, vOff + vLen, 255) : -1;
          if (v < 0) return fail(out, E_DEC_BAD_PARAM, vOff < 0 ? nameOff : vOff);
          out.ttl = v;
          out.ttlOff = vOff;
          out.ttlLen = vLen;
        }
        break;
      default:
        break;
    }
  }
  if (r < 0) return fail(out, r, cursor.errorOffset);
  return DECODE_OK;
}
