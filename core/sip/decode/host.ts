// host and port (RFC 3261 §25.1, RFC 5118 for IPv6, RFC 6874 for zone identifiers in URIs):
//   host = hostname / IPv4address / IPv6reference
//   hostname = *( domainlabel "." ) toplabel [ "." ]
//   domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
//   toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
//   IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
//   IPv6reference = "[" IPv6address "]"
//   IPv6address = hexpart [ ":" IPv4address ]
//   hexpart = hexseq / hexseq "::" [ hexseq ] / "::" [ hexseq ]
//   hexseq = hex4 *( ":" hex4) ; hex4 = 1*4HEXDIG
//   port = 1*DIGIT
import { E_DEC_BAD_HOST, E_DEC_BAD_IPV6 } from './errors.js';
import { CHAR_CLASS, COLON, C_ALPHA, C_DIGIT, C_HEX, C_UNRESERVED, DOT, LBRACKET, PERCENT, RBRACKET, isHex } from './chars.js';

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
export const HOST_NONE = 0;
export const HOST_NAME = 1;
export const HOST_IPV4 = 2;
export const HOST_IPV6 = 3;

/** Where scanHost writes its result (UriValue and ViaValue both have these fields). */
export interface HostTarget {
  /** The host as written; for IPv6 references this includes the brackets. */
  hostOff: number;
  hostLen: number;
  hostKind: number;
  /** RFC 6874 zone identifier after "%25" inside the brackets (still escaped), or -1. */
  zoneOff: number;
  zoneLen: number;
  errorOffset: number;
}

/** End of a dotted-quad IPv4 address starting at p (each part ≤ 255), or -1 - faultPos. */
export function scanIpv4(buf: Uint8Array, p: number, end: number): number {
  var CLASS = CHAR_CLASS; // locals: one register instead of a module-binding load per byte
  var DIGIT = C_DIGIT;
  for (var part = 0; part < 4; part++) {
    if (part > 0) {
      if (p >= end || buf[p] !== DOT) return -1 - p;
      p++;
    }
    const start = p;
    let v = 0;
    while (p < end && p - start < 4 && (CLASS[buf[p]] & DIGIT) !== 0) {
      v = v * 10 + buf[p] - 0x30;
      p++;
    }
    if (p === start || p - start > 3 || v > 255) return -1 - start;
  }
  return p;
}

/**
 * End of an IPv6 address starting at p, or -1 - faultPos. Follows the RFC 3261 ABNF, which
 * (RFC 5118 §4.10) also admits "2001:db8:::192.0.2.1" — hexpart ending in "::" then ":" IPv4 —
 * and asks implementations to accept it; the group count is still checked (RFC 4291 §2.2).
 */
export function scanIpv6(buf: Uint8Array, p: number, end: number): number {
  let groups = 0;
  let compressed = false;
  let afterCompression = false;
  if (p + 1 < end && buf[p] === COLON && buf[p + 1] === COLON) {
    compressed = true;
    afterCompression = true;
    p += 2;
  } else if (p < end && buf[p] === COLON) {
    return -1 - p;
  }
  for (;;) {
    if (p >= end || (CHAR_CLASS[buf[p]] & C_HEX) === 0) {
      if (afterCompression && p < end && buf[p] === COLON && groups <= 5) {
        // RFC 3261 quirk: "::" ":" IPv4address.
        const v4 = scanIpv4(buf, p + 1, end);
        if (v4 < 0) return -1 - p;
        groups += 2;
        p = v4;
        break;
      }
      if (afterCompression) break;
      return -1 - p;
    }
    const start = p;
    while (p < end && (CHAR_CLASS[buf[p]] & C_HEX) !== 0 && p - start < 5) p++;
    if (p < end && buf[p] === DOT) {
      const v4 = scanIpv4(buf, start, end);
      if (v4 < 0) return v4;
      groups += 2;
      p = v4;
      break;
    }
    if (p - start > 4 || groups >= (compressed ? 7 : 8)) return -1 - start;
    groups++;
    afterCompression = false;
    if (p < end && buf[p] === COLON) {
      if (p + 1 < end && buf[p + 1] === COLON) {
        if (compressed) return -1 - p;
        compressed = true;
        afterCompression = true;
        p += 2;
        continue;
      }
      p++;
      continue;
    }
    break;
  }
  if (compressed ? groups > 7 : groups !== 8) return -1 - p;
  return p;
}

/**
 * Reads a host at p. Returns the index after it, or a negative error code with
 * out.errorOffset set. Stops at the first byte that cannot continue a host (":" for a port,
 * ";" "?" ">" whitespace, …); the caller decides whether that byte is acceptable.
 */
export function scanHost(buf: Uint8Array, p: number, end: number, out: HostTarget, allowZone: boolean): number {
  out.zoneOff = -1;
  out.zoneLen = -1;
  if (p < end && buf[p] === LBRACKET) {
    const a = scanIpv6(buf, p + 1, end);
    if (a < 0) { out.errorOffset = -1 - a; return E_DEC_BAD_IPV6; }
    let q = a;
    if (allowZone && q + 2 < end && buf[q] === PERCENT && buf[q + 1] === 0x32 && buf[q + 2] === 0x35) {
      // RFC 6874: IPv6addrz = IPv6address "%25" ZoneID ; ZoneID = 1*( unreserved / pct-encoded )
      const zoneStart = q + 3;
      q = zoneStart;
      while (q < end) {
        const c = buf[q];
        if (c === PERCENT) {
          if (q + 2 >= end || !isHex(buf[q + 1]) || !isHex(buf[q + 2])) { out.errorOffset = q; return E_DEC_BAD_IPV6; }
          q += 3;
        } else if ((CHAR_CLASS[c] & C_UNRESERVED) !== 0) q++;
        else break;
      }
      if (q === zoneStart) { out.errorOffset = q; return E_DEC_BAD_IPV6; }
      out.zoneOff = zoneStart;
      out.zoneLen = q - zoneStart;
    }
    if (q >= end || buf[q] !== RBRACKET) { out.errorOffset = q; return E_DEC_BAD_IPV6; }
    out.hostOff = p;
    out.hostLen = q + 1 - p;
    out.hostKind = HOST_IPV6;
    return q + 1;
  }
  // hostname or IPv4address, in one pass: find the end and check the label rules on the way (no
  // empty label but one trailing dot, no "-" at a label's edge, the top label starts with a
  // letter). A span of digits and dots only is an IPv4 address. The first fault is reported.
  var CLASS = CHAR_CLASS; // a local: one register instead of a module-binding load per byte
  var DIGIT = C_DIGIT; // likewise
  var ALPHA = C_ALPHA;
  // The usual IPv4 literal in one scan: a dotted quad that no host byte (digit, letter, "-",
  // "."; all of them unreserved) follows is what the loop below would find too, walking it twice.
  var q = scanIpv4(buf, p, end);
  if (q > p && (q >= end || (CLASS[buf[q]] & C_UNRESERVED) === 0)) {
    out.hostOff = p;
    out.hostLen = q - p;
    out.hostKind = HOST_IPV4;
    return q;
  }
  q = p;
  var allNumeric = true;
  var labelStart = p;
  var fault = -1; // position of the first label fault
  while (q < end) {
    const c = buf[q];
    const cls = CLASS[c];
    if ((cls & DIGIT) !== 0) { q++; continue; }
    if ((cls & ALPHA) !== 0 || c === 0x2d) { allNumeric = false; q++; continue; }
    if (c !== DOT) break;
    if (fault < 0) {
      if (q === labelStart) fault = q;
      else if (buf[labelStart] === 0x2d) fault = labelStart;
      else if (buf[q - 1] === 0x2d) fault = q - 1;
    }
    q++;
    if (fault < 0) labelStart = q;
  }
  if (q === p) { out.errorOffset = p; return E_DEC_BAD_HOST; }
  var kind: number;
  if (allNumeric) {
    kind = scanIpv4(buf, p, q) === q ? HOST_IPV4 : -1 - p;
  } else if (fault >= 0) {
    kind = -1 - fault;
  } else {
    // The last label runs from labelStart to q; empty means a trailing dot (allowed once), and
    // then the top label is the one before that dot.
    let topStart = labelStart;
    if (labelStart === q) {
      topStart = q - 1;
      while (topStart > p && buf[topStart - 1] !== DOT) topStart--;
    } else if (buf[labelStart] === 0x2d) {
      fault = labelStart;
    } else if (buf[q - 1] === 0x2d) {
      fault = q - 1;
    }
    if (fault < 0 && (CHAR_CLASS[buf[topStart]] & C_ALPHA) === 0) fault = topStart;
    kind = fault >= 0 ? -1 - fault : HOST_NAME;
  }
  if (kind < 0) { out.errorOffset = -1 - kind; return E_DEC_BAD_HOST; }
  out.hostOff = p;
  out.hostLen = q - p;
  out.hostKind = kind;
  return q;
}

/** port = 1*DIGIT, limited to 0..65535. Returns the value or -1 - faultPos. */
export function parsePort(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return -1 - p;
  var v = 0;
  for (var i = p; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) return -1 - i;
    v = v * 10 + c - 0x30;
    if (v > 65535) return -1 - i;
  }
  return v;
}

/** End of the run of digits at p. */
export function scanDigits(buf: Uint8Array, p: number, end: number): number {
  while (p < end && (CHAR_CLASS[buf[p]] & C_DIGIT) !== 0) p++;
  return p;
}

