// Decoding an Authorization / Proxy-Authorization value (RFC 3261 §20.7, §20.28, §22.4; RFC 2617
// §3.2.2; RFC 7616 §3.4) for the UAS / notifier side, into a preallocated struct of spans.
//
//   credentials      =  ("Digest" LWS digest-response) / other-response
//   digest-response  =  dig-resp *(COMMA dig-resp)
//   dig-resp         =  username / realm / nonce / digest-uri / dresponse / algorithm / cnonce
//                       / opaque / message-qop / nonce-count / auth-param
//   username         =  "username" EQUAL username-value     username-value = quoted-string
//   digest-uri       =  "uri" EQUAL LDQUOT digest-uri-value RDQUOT
//   message-qop      =  "qop" EQUAL qop-value
//   cnonce           =  "cnonce" EQUAL cnonce-value          cnonce-value = nonce-value
//   nonce-count      =  "nc" EQUAL nc-value                  nc-value = 8LHEX
//   dresponse        =  "response" EQUAL request-digest      request-digest = LDQUOT 32LHEX RDQUOT
// (RFC 8760 §2.5 widens request-digest to the hash size: 64 LHEX for SHA-256.)
// RFC 7616 §3.4: userhash = "true"/"false"; username* (RFC 5987 ext-value) for non-ASCII names.
import { hexValue } from '../bytes/hex.js';
import { AuthParamCursor } from './auth-params.js';
import { ALG_MD5, algorithmFromSpan, QOP_NONE } from './algorithm.js';
import { booleanValue, paramBit, qopFromSpan, readDigestScheme } from './challenge.js';
import { E_AUTH_BAD_VALUE, E_AUTH_DUPLICATE_PARAM, E_AUTH_MISSING_PARAM } from './errors.js';

export const C_USERNAME = 1;
export const C_REALM = 2;
export const C_NONCE = 4;
export const C_URI = 8;
export const C_RESPONSE = 16;
export const C_ALGORITHM = 32;
export const C_CNONCE = 64;
export const C_OPAQUE = 128;
export const C_QOP = 256;
export const C_NC = 512;
export const C_USERHASH = 1024;
export const C_USERNAME_STAR = 2048;

const CREDENTIAL_PARAMS: readonly (readonly [string, number])[] = [
  ['username', C_USERNAME], ['realm', C_REALM], ['nonce', C_NONCE], ['uri', C_URI], ['response', C_RESPONSE],
  ['algorithm', C_ALGORITHM], ['cnonce', C_CNONCE], ['opaque', C_OPAQUE], ['qop', C_QOP], ['nc', C_NC],
  ['userhash', C_USERHASH], ['username*', C_USERNAME_STAR],
];

export class DigestCredentials {
  buf: Uint8Array = new Uint8Array(0);
  schemeOff = 0;
  schemeLen = 0;
  present = 0;
  usernameOff = 0;
  usernameLen = 0;
  usernameEscaped = false;
  /** username* (RFC 7616 §3.4, RFC 5987 encoding), left encoded. */
  usernameStarOff = 0;
  usernameStarLen = 0;
  realmOff = 0;
  realmLen = 0;
  realmEscaped = false;
  nonceOff = 0;
  nonceLen = 0;
  nonceEscaped = false;
  uriOff = 0;
  uriLen = 0;
  uriEscaped = false;
  responseOff = 0;
  responseLen = 0;
  algorithm = ALG_MD5;
  algorithmOff = 0;
  algorithmLen = 0;
  cnonceOff = 0;
  cnonceLen = 0;
  cnonceEscaped = false;
  opaqueOff = 0;
  opaqueLen = 0;
  /** The single qop chosen by the client (QOP_AUTH / QOP_AUTH_INT / QOP_OTHER), QOP_NONE when absent. */
  qop = QOP_NONE;
  /** nc as a number (0 when absent). */
  nc = 0;
  userhash = false;
  errorOffset = 0;

  reset(buf: Uint8Array): this {
    this.buf = buf;
    this.schemeOff = this.schemeLen = this.present = 0;
    this.usernameOff = this.usernameLen = this.usernameStarOff = this.usernameStarLen = 0;
    this.realmOff = this.realmLen = this.nonceOff = this.nonceLen = this.uriOff = this.uriLen = 0;
    this.responseOff = this.responseLen = this.cnonceOff = this.cnonceLen = this.opaqueOff = this.opaqueLen = 0;
    this.usernameEscaped = this.realmEscaped = this.nonceEscaped = this.uriEscaped = this.cnonceEscaped = false;
    this.algorithm = ALG_MD5;
    this.algorithmOff = this.algorithmLen = 0;
    this.qop = QOP_NONE;
    this.nc = 0;
    this.userhash = false;
    this.errorOffset = 0;
    return this;
  }
}

const cursor = new AuthParamCursor();

/**
 * Decodes Digest credentials in buf[off, end). Returns 0 or a negative E_AUTH_* code (see
 * decodeChallenge); required: username (or username*), realm, nonce, uri, response, and with
 * qop also cnonce and nc (RFC 2617 §3.2.2). Never throws.
 */
export function decodeCredentials(buf: Uint8Array, off: number, end: number, out: DigestCredentials): number {
  out.reset(buf);
  const start = readDigestScheme(buf, off, end, out);
  if (start < 0) return start;
  cursor.reset(buf, start, end);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const bit = paramBit(CREDENTIAL_PARAMS, buf, cursor.nameOff, cursor.nameLen);
    if (bit === 0) continue;
    if ((out.present & bit) !== 0) { out.errorOffset = cursor.nameOff; return E_AUTH_DUPLICATE_PARAM; }
    out.present |= bit;
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    const esc = cursor.escaped;
    switch (bit) {
      case C_USERNAME: out.usernameOff = vOff; out.usernameLen = vLen; out.usernameEscaped = esc; break;
      case C_USERNAME_STAR: out.usernameStarOff = vOff; out.usernameStarLen = vLen; break;
      case C_REALM: out.realmOff = vOff; out.realmLen = vLen; out.realmEscaped = esc; break;
      case C_NONCE: out.nonceOff = vOff; out.nonceLen = vLen; out.nonceEscaped = esc; break;
      case C_URI: out.uriOff = vOff; out.uriLen = vLen; out.uriEscaped = esc; break;
      case C_RESPONSE: {
        // request-digest is LHEX; accept either case on input and compare case-insensitively.
        for (let i = 0; i < vLen; i++) if (hexValue(buf[vOff + i]) < 0) { out.errorOffset = vOff + i; return E_AUTH_BAD_VALUE; }
        out.responseOff = vOff; out.responseLen = vLen;
        break;
      }
      case C_ALGORITHM:
        out.algorithmOff = vOff; out.algorithmLen = vLen; out.algorithm = algorithmFromSpan(buf, vOff, vLen);
        break;
      case C_CNONCE: out.cnonceOff = vOff; out.cnonceLen = vLen; out.cnonceEscaped = esc; break;
      case C_OPAQUE: out.opaqueOff = vOff; out.opaqueLen = vLen; break;
      case C_QOP: out.qop = qopFromSpan(buf, vOff, vLen); break;
      case C_NC: {
        if (vLen !== 8) { out.errorOffset = vOff; return E_AUTH_BAD_VALUE; }
        let n = 0;
        for (let i = 0; i < 8; i++) {
          const d = hexValue(buf[vOff + i]);
          if (d < 0) { out.errorOffset = vOff + i; return E_AUTH_BAD_VALUE; }
          n = n * 16 + d;
        }
        out.nc = n;
        break;
      }
      case C_USERHASH: {
        const v = booleanValue(buf, vOff, vLen);
        if (v < 0) { out.errorOffset = vOff; return E_AUTH_BAD_VALUE; }
        out.userhash = v === 1;
        break;
      }
    }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  const p = out.present;
  const required = C_REALM | C_NONCE | C_URI | C_RESPONSE;
  if ((p & required) !== required || (p & (C_USERNAME | C_USERNAME_STAR)) === 0
    || ((p & C_QOP) !== 0 && (p & (C_CNONCE | C_NC)) !== (C_CNONCE | C_NC))) {
    out.errorOffset = end;
    return E_AUTH_MISSING_PARAM;
  }
  return 0;
}
