// Decoding a WWW-Authenticate / Proxy-Authenticate value (RFC 3261 §20.27, §20.44, §22; RFC 2617
// §3.2.1; RFC 7616 §3.3; RFC 8760 §2) into a preallocated struct of spans. Nothing is copied:
// the spans index the caller's buffer, which must stay unchanged while they are used.
//
//   digest-cln  =  realm / domain / nonce / opaque / stale / algorithm / qop-options / auth-param
//   realm       =  "realm" EQUAL realm-value          realm-value = quoted-string
//   domain      =  "domain" EQUAL LDQUOT URI *( 1*SP URI ) RDQUOT
//   nonce       =  "nonce" EQUAL nonce-value          nonce-value = quoted-string
//   opaque      =  "opaque" EQUAL quoted-string
//   stale       =  "stale" EQUAL ( "true" / "false" )
//   algorithm   =  "algorithm" EQUAL ( "MD5" / "MD5-sess" / token )
//   qop-options =  "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
//   qop-value   =  "auth" / "auth-int" / token
// RFC 7616 §3.3 adds:  charset = "UTF-8",  userhash = "true" / "false"  (case-insensitive).
//
// Tolerated as seen in the wild: token values quoted (algorithm="MD5") and quoted values sent
// bare (qop=auth). Unknown parameters are skipped (RFC 2617 §3.2.1: "Any unrecognized directive
// MUST be ignored").
import { asciiEqualsIgnoreCase } from '../bytes/ascii.js';
import { AuthParamCursor, lwsLength, tokenEnd } from './auth-params.js';
import { ALG_MD5, algorithmFromSpan, QOP_AUTH, QOP_AUTH_INT, QOP_NONE, QOP_OTHER } from './algorithm.js';
import { E_AUTH_DUPLICATE_PARAM, E_AUTH_MISSING_PARAM, E_AUTH_SYNTAX, E_AUTH_UNKNOWN_SCHEME, E_AUTH_BAD_VALUE } from './errors.js';

// Presence bits, one per known parameter.
export const P_REALM = 1;
export const P_NONCE = 2;
export const P_OPAQUE = 4;
export const P_DOMAIN = 8;
export const P_ALGORITHM = 16;
export const P_QOP = 32;
export const P_STALE = 64;
export const P_CHARSET = 128;
export const P_USERHASH = 256;

const CHALLENGE_PARAMS: readonly (readonly [string, number])[] = [
  ['realm', P_REALM], ['nonce', P_NONCE], ['opaque', P_OPAQUE], ['domain', P_DOMAIN],
  ['algorithm', P_ALGORITHM], ['qop', P_QOP], ['stale', P_STALE], ['charset', P_CHARSET], ['userhash', P_USERHASH],
];

export function paramBit(table: readonly (readonly [string, number])[], buf: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < table.length; i++) if (asciiEqualsIgnoreCase(buf, off, len, table[i][0])) return table[i][1];
  return 0;
}

export class DigestChallenge {
  buf: Uint8Array = new Uint8Array(0);
  schemeOff = 0;
  schemeLen = 0;
  /** Bit set of P_* for the parameters present. */
  present = 0;
  realmOff = 0;
  realmLen = 0;
  realmEscaped = false;
  nonceOff = 0;
  nonceLen = 0;
  nonceEscaped = false;
  opaqueOff = 0;
  opaqueLen = 0;
  opaqueEscaped = false;
  opaqueQuoted = false;
  domainOff = 0;
  domainLen = 0;
  /** ALG_* id; ALG_MD5 when absent (RFC 2617 §3.2.1), ALG_UNSUPPORTED for other tokens. */
  algorithm = ALG_MD5;
  algorithmOff = 0;
  algorithmLen = 0;
  /** Bit set of QOP_AUTH / QOP_AUTH_INT / QOP_OTHER offered; QOP_NONE when absent (RFC 2069 mode). */
  qop = QOP_NONE;
  qopOff = 0;
  qopLen = 0;
  stale = false;
  /** charset=UTF-8 (RFC 7616 §3.3): username and password are to be hashed as UTF-8. */
  charsetUtf8 = false;
  /** userhash=true (RFC 7616 §3.4.4): the server accepts a hashed username. */
  userhash = false;
  /** Absolute offset of the problem after a failed decode. */
  errorOffset = 0;

  reset(buf: Uint8Array): this {
    this.buf = buf;
    this.schemeOff = this.schemeLen = 0;
    this.present = 0;
    this.realmOff = this.realmLen = this.nonceOff = this.nonceLen = 0;
    this.opaqueOff = this.opaqueLen = this.domainOff = this.domainLen = 0;
    this.realmEscaped = this.nonceEscaped = this.opaqueEscaped = this.opaqueQuoted = false;
    this.algorithm = ALG_MD5;
    this.algorithmOff = this.algorithmLen = 0;
    this.qop = QOP_NONE;
    this.qopOff = this.qopLen = 0;
    this.stale = this.charsetUtf8 = this.userhash = false;
    this.errorOffset = 0;
    return this;
  }
}

const cursor = new AuthParamCursor();

/**
 * Reads the auth-scheme at the start of buf[off, end). Returns the offset just after it (where
 * the parameters start) or E_AUTH_SYNTAX; sets out.schemeOff/Len.
 */
export function readScheme(buf: Uint8Array, off: number, end: number, out: { schemeOff: number; schemeLen: number; errorOffset: number }): number {
  const p = off + lwsLength(buf, off, end);
  const e = tokenEnd(buf, p, end);
  if (e === p) { out.errorOffset = p; return E_AUTH_SYNTAX; }
  out.schemeOff = p;
  out.schemeLen = e - p;
  // The scheme is separated from its parameters by LWS; "Digest" alone is allowed to end here.
  if (e < end && lwsLength(buf, e, end) === 0) { out.errorOffset = e; return E_AUTH_SYNTAX; }
  return e;
}

/**
 * The start shared by challenges and credentials: a range check, the auth-scheme, and "Digest"
 * as that scheme. Returns where the auth-params begin, or a negative E_AUTH_* (errorOffset set).
 */
export function readDigestScheme(buf: Uint8Array, off: number, end: number, out: { schemeOff: number; schemeLen: number; errorOffset: number }): number {
  if (off < 0 || end > buf.length || off > end) { out.errorOffset = off < 0 ? 0 : off; return E_AUTH_SYNTAX; }
  const start = readScheme(buf, off, end, out);
  if (start < 0) return start;
  if (!asciiEqualsIgnoreCase(buf, out.schemeOff, out.schemeLen, 'Digest')) {
    out.errorOffset = out.schemeOff;
    return E_AUTH_UNKNOWN_SCHEME;
  }
  return start;
}

/** True when the value is "true" (case-insensitive), false for "false"; -1 otherwise. */
export function booleanValue(buf: Uint8Array, off: number, len: number): number {
  if (asciiEqualsIgnoreCase(buf, off, len, 'true')) return 1;
  if (asciiEqualsIgnoreCase(buf, off, len, 'false')) return 0;
  return -1;
}

/** Qop bit for one qop-value token. */
export function qopFromSpan(buf: Uint8Array, off: number, len: number): number {
  if (asciiEqualsIgnoreCase(buf, off, len, 'auth')) return QOP_AUTH;
  if (asciiEqualsIgnoreCase(buf, off, len, 'auth-int')) return QOP_AUTH_INT;
  return QOP_OTHER;
}

/** The qop-options list: comma-separated tokens inside the quoted value, whitespace allowed. */
function qopList(buf: Uint8Array, off: number, len: number): number {
  let mask = 0;
  const end = off + len;
  let p = off;
  while (p < end) {
    p += lwsLength(buf, p, end);
    const s = p;
    while (p < end && buf[p] !== 44 && buf[p] !== 32 && buf[p] !== 9 && buf[p] !== 13) p++;
    if (p > s) mask |= qopFromSpan(buf, s, p - s);
    p += lwsLength(buf, p, end);
    if (p < end && buf[p] === 44) p++;
    else if (p < end && p === s) p++; // a byte that starts nothing: skip it rather than loop
  }
  return mask;
}

/**
 * Decodes one challenge in buf[off, end) into `out`. Returns 0, E_AUTH_UNKNOWN_SCHEME (the scheme
 * span is set; the rest is not decoded), E_AUTH_SYNTAX, E_AUTH_DUPLICATE_PARAM, E_AUTH_BAD_VALUE
 * or E_AUTH_MISSING_PARAM (realm and nonce are required, §3.2.1); out.errorOffset locates errors.
 * Never throws; all spans lie within [off, end).
 */
export function decodeChallenge(buf: Uint8Array, off: number, end: number, out: DigestChallenge): number {
  out.reset(buf);
  const start = readDigestScheme(buf, off, end, out);
  if (start < 0) return start;
  cursor.reset(buf, start, end);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const bit = paramBit(CHALLENGE_PARAMS, buf, cursor.nameOff, cursor.nameLen);
    if (bit === 0) continue;
    if ((out.present & bit) !== 0) { out.errorOffset = cursor.nameOff; return E_AUTH_DUPLICATE_PARAM; }
    out.present |= bit;
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    switch (bit) {
      case P_REALM: out.realmOff = vOff; out.realmLen = vLen; out.realmEscaped = cursor.escaped; break;
      case P_NONCE: out.nonceOff = vOff; out.nonceLen = vLen; out.nonceEscaped = cursor.escaped; break;
      case P_OPAQUE:
        out.opaqueOff = vOff; out.opaqueLen = vLen; out.opaqueEscaped = cursor.escaped; out.opaqueQuoted = cursor.quoted;
        break;
      case P_DOMAIN: out.domainOff = vOff; out.domainLen = vLen; break;
      case P_ALGORITHM:
        out.algorithmOff = vOff; out.algorithmLen = vLen;
        out.algorithm = algorithmFromSpan(buf, vOff, vLen);
        break;
      case P_QOP: out.qopOff = vOff; out.qopLen = vLen; out.qop = qopList(buf, vOff, vLen); break;
      case P_STALE: {
        const v = booleanValue(buf, vOff, vLen);
        if (v < 0) { out.errorOffset = vOff; return E_AUTH_BAD_VALUE; }
        out.stale = v === 1;
        break;
      }
      case P_CHARSET: out.charsetUtf8 = asciiEqualsIgnoreCase(buf, vOff, vLen, 'UTF-8'); break;
      case P_USERHASH: {
        const v = booleanValue(buf, vOff, vLen);
        if (v < 0) { out.errorOffset = vOff; return E_AUTH_BAD_VALUE; }
        out.userhash = v === 1;
        break;
      }
    }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  if ((out.present & (P_REALM | P_NONCE)) !== (P_REALM | P_NONCE)) { out.errorOffset = end; return E_AUTH_MISSING_PARAM; }
  return 0;
}

