// The digest computation (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 8760 §2 for SIP), writing
// lowercase hex into buffers allocated once:
//
//   HA1      = H(username ":" realm ":" password)                              §3.4.2
//   HA1-sess = H(H(username ":" realm ":" password) ":" nonce ":" cnonce)      (-sess algorithms)
//   HA2      = H(method ":" uri)                         qop absent or "auth"  §3.4.3
//   HA2      = H(method ":" uri ":" H(body))             qop "auth-int"
//   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)              §3.4.1
//   response = H(HA1 ":" nonce ":" HA2)                  no qop (RFC 2069 compatibility)
//   userhash = H(username ":" realm)                                           §3.4.4
//
// Strings (username, password, method, uri) are hashed as UTF-8 (RFC 7616 §4 charset=UTF-8;
// plain ASCII otherwise). Quoted spans from a header are hashed unescaped.
import { Md5 } from '../bytes/md5.js';
import { Sha256 } from '../bytes/sha256.js';
import type { Hasher } from '../bytes/hasher.js';
import { TypedArena } from '../bytes/typed-arena.js';
import { hexDigit, hexValue } from '../bytes/hex.js';
import { hashQuoted } from './auth-params.js';
import { hasherFor, isSessionAlgorithm, QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from './algorithm.js';
import { E_AUTH_UNSUPPORTED_ALGORITHM, E_AUTH_UNSUPPORTED_QOP } from './errors.js';
import type { DigestCredentials } from './credentials.js';

const COLON = new Uint8Array([58]);
const AUTH = new Uint8Array([0x61, 0x75, 0x74, 0x68]); // "auth"
const AUTH_INT = new Uint8Array([0x61, 0x75, 0x74, 0x68, 0x2d, 0x69, 0x6e, 0x74]); // "auth-int"
const EMPTY = new Uint8Array(0);

/** Writes nc as the 8 lowercase hex digits of nonce-count (RFC 2617 §3.2.2: nc-value = 8LHEX). */
export function writeNonceCount(nc: number, out: Uint8Array, off: number): void {
  for (let i = 7; i >= 0; i--) {
    out[off + i] = hexDigit(nc & 15);
    nc = Math.floor(nc / 16);
  }
}

/**
 * One per engine (or per UA): holds the hashers and the hex outputs. This base computes with the
 * hashers it is given: MD5 always, SHA-256 (RFC 8760) when `sha256` is a hasher, else SHA-256
 * algorithms are unsupported (E_AUTH_UNSUPPORTED_ALGORITHM). DigestComputer below brings
 * core/bytes/sha256.ts; the user agent builds this base itself, so a phone that does not pass
 * UaModules.sha256 carries no SHA-256 code (issue #7's size budget). After compute*() the hex
 * digests are in `ha1`, `ha2`, `response`, `userhash`, each `hexLength` bytes long (32 for MD5,
 * 64 for SHA-256). Inputs are set on the fields below before calling compute(); spans of header
 * bytes are used where a value came from the network, strings where it came from the caller.
 */
export class DigestComputerBase {
  // Four 64-byte hex outputs in one buffer (core/bytes/typed-arena.ts says why).
  private readonly hexArena = new TypedArena(4 * 64);
  readonly ha1 = this.hexArena.u8(64);
  readonly ha2 = this.hexArena.u8(64);
  readonly response = this.hexArena.u8(64);
  readonly userhash = this.hexArena.u8(64);
  hexLength = 0;

  // ---- inputs ----
  algorithm = 0;
  /** QOP_NONE, QOP_AUTH or QOP_AUTH_INT: the single qop used in this response. */
  qop = QOP_NONE;
  username = '';
  password = '';
  realmBuf: Uint8Array = EMPTY;
  realmOff = 0;
  realmLen = 0;
  realmEscaped = false;
  nonceBuf: Uint8Array = EMPTY;
  nonceOff = 0;
  nonceLen = 0;
  nonceEscaped = false;
  cnonceBuf: Uint8Array = EMPTY;
  cnonceOff = 0;
  cnonceLen = 0;
  cnonceEscaped = false;
  nc = 0;
  /** Method and digest-uri as strings (UAC side) ... */
  method = '';
  uri = '';
  /** ... or as spans (UAS side: set methodBuf/uriBuf to a non-empty array to use them). */
  methodBuf: Uint8Array = EMPTY;
  methodOff = 0;
  methodLen = 0;
  uriBuf: Uint8Array = EMPTY;
  uriOff = 0;
  uriLen = 0;
  uriEscaped = false;
  bodyBuf: Uint8Array = EMPTY;
  bodyOff = 0;
  bodyLen = 0;

  private readonly md5 = new Md5();
  private readonly raw = new Uint8Array(32);
  private readonly ncHex = new Uint8Array(8);

  constructor(private readonly sha256: Hasher | null) {}

  /** Whether this computer can answer a challenge with ALG_* `algorithm`. */
  supports(algorithm: number): boolean {
    return hasherFor(algorithm, this.md5, this.sha256) !== null;
  }

  /** Clears the span inputs (strings stay), so a UAC call does not see a previous UAS call's spans. */
  clearSpans(): this {
    this.methodBuf = this.uriBuf = this.bodyBuf = this.cnonceBuf = EMPTY;
    this.methodOff = this.methodLen = this.uriOff = this.uriLen = this.bodyOff = this.bodyLen = 0;
    this.cnonceOff = this.cnonceLen = 0;
    this.uriEscaped = this.cnonceEscaped = false;
    return this;
  }

  /** Computes HA1, HA2 and the response from the inputs; 0 or a negative E_AUTH_* code. */
  compute(): number {
    const h = hasherFor(this.algorithm, this.md5, this.sha256);
    if (h === null) return E_AUTH_UNSUPPORTED_ALGORITHM;
    if (this.qop !== QOP_NONE && this.qop !== QOP_AUTH && this.qop !== QOP_AUTH_INT) return E_AUTH_UNSUPPORTED_QOP;
    const hexLen = h.digestLength * 2;
    this.hexLength = hexLen;

    // HA1 (§3.4.2)
    h.updateString(this.username).update(COLON, 0, 1);
    hashQuoted(h, this.realmBuf, this.realmOff, this.realmLen, this.realmEscaped);
    h.update(COLON, 0, 1).updateString(this.password);
    this.hexDigest(h, this.ha1);
    if (isSessionAlgorithm(this.algorithm)) {
      h.update(this.ha1, 0, hexLen).update(COLON, 0, 1);
      hashQuoted(h, this.nonceBuf, this.nonceOff, this.nonceLen, this.nonceEscaped);
      h.update(COLON, 0, 1);
      hashQuoted(h, this.cnonceBuf, this.cnonceOff, this.cnonceLen, this.cnonceEscaped);
      this.hexDigest(h, this.ha1);
    }

    // HA2 (§3.4.3); for auth-int the body hash goes in first, into `ha2` as scratch.
    if (this.qop === QOP_AUTH_INT) {
      h.update(this.bodyBuf, this.bodyOff, this.bodyLen);
      this.hexDigest(h, this.ha2);
    }
    if (this.methodBuf.length > 0) h.update(this.methodBuf, this.methodOff, this.methodLen);
    else h.updateString(this.method);
    h.update(COLON, 0, 1);
    if (this.uriBuf.length > 0) hashQuoted(h, this.uriBuf, this.uriOff, this.uriLen, this.uriEscaped);
    else h.updateString(this.uri);
    if (this.qop === QOP_AUTH_INT) h.update(COLON, 0, 1).update(this.ha2, 0, hexLen);
    this.hexDigest(h, this.ha2);

    // response (§3.4.1)
    h.update(this.ha1, 0, hexLen).update(COLON, 0, 1);
    hashQuoted(h, this.nonceBuf, this.nonceOff, this.nonceLen, this.nonceEscaped);
    h.update(COLON, 0, 1);
    if (this.qop !== QOP_NONE) {
      writeNonceCount(this.nc, this.ncHex, 0);
      h.update(this.ncHex, 0, 8).update(COLON, 0, 1);
      hashQuoted(h, this.cnonceBuf, this.cnonceOff, this.cnonceLen, this.cnonceEscaped);
      h.update(COLON, 0, 1);
      if (this.qop === QOP_AUTH) h.update(AUTH, 0, 4);
      else h.update(AUTH_INT, 0, 8);
      h.update(COLON, 0, 1);
    }
    h.update(this.ha2, 0, hexLen);
    this.hexDigest(h, this.response);
    return 0;
  }

  /** userhash = H(username ":" realm) (RFC 7616 §3.4.4) into `userhash`; 0 or a negative code. */
  computeUserhash(): number {
    const h = hasherFor(this.algorithm, this.md5, this.sha256);
    if (h === null) return E_AUTH_UNSUPPORTED_ALGORITHM;
    this.hexLength = h.digestLength * 2;
    h.updateString(this.username).update(COLON, 0, 1);
    hashQuoted(h, this.realmBuf, this.realmOff, this.realmLen, this.realmEscaped);
    this.hexDigest(h, this.userhash);
    return 0;
  }

  private hexDigest(h: Hasher, out: Uint8Array): void {
    const raw = this.raw;
    h.digest(raw, 0);
    const n = h.digestLength;
    for (let i = 0; i < n; i++) {
      out[2 * i] = hexDigit(raw[i] >> 4);
      out[2 * i + 1] = hexDigit(raw[i] & 15);
    }
  }
}

/** The digest computer with both hashers, MD5 and SHA-256 (RFC 7616, RFC 8760). */
export class DigestComputer extends DigestComputerBase {
  constructor() {
    super(new Sha256());
  }

  /** verifyDigest with this computer (UAS side). */
  verify(c: DigestCredentials, password: string, methodBuf: Uint8Array, methodOff: number, methodLen: number,
    body: Uint8Array = EMPTY, bodyOff: number = 0, bodyLen: number = 0): number {
    return verifyDigest(this, c, password, methodBuf, methodOff, methodLen, body, bodyOff, bodyLen);
  }
}

/**
 * UAS side: loads `computer`'s inputs from decoded credentials plus the password, the request
 * method span and the body, computes, and compares with the client's response (case-insensitive,
 * in time independent of where they differ). Returns 1 when they match, 0 when not, or a negative
 * code. `computer.username` must be set by the caller (the one whose password this is). A free
 * function rather than a DigestComputerBase method: the user agent only answers challenges, and
 * a class carries every method it has into the bundle (issue #7's size budget).
 */
export function verifyDigest(computer: DigestComputerBase, c: DigestCredentials, password: string, methodBuf: Uint8Array, methodOff: number, methodLen: number,
  body: Uint8Array = EMPTY, bodyOff: number = 0, bodyLen: number = 0): number {
  const d = computer;
  d.algorithm = c.algorithm;
  d.qop = c.qop;
  d.password = password;
  d.realmBuf = c.buf; d.realmOff = c.realmOff; d.realmLen = c.realmLen; d.realmEscaped = c.realmEscaped;
  d.nonceBuf = c.buf; d.nonceOff = c.nonceOff; d.nonceLen = c.nonceLen; d.nonceEscaped = c.nonceEscaped;
  d.cnonceBuf = c.buf; d.cnonceOff = c.cnonceOff; d.cnonceLen = c.cnonceLen; d.cnonceEscaped = c.cnonceEscaped;
  d.nc = c.nc;
  d.methodBuf = methodBuf.length > 0 ? methodBuf : EMPTY; d.methodOff = methodOff; d.methodLen = methodLen;
  d.uriBuf = c.buf; d.uriOff = c.uriOff; d.uriLen = c.uriLen; d.uriEscaped = c.uriEscaped;
  d.bodyBuf = body; d.bodyOff = bodyOff; d.bodyLen = bodyLen;
  const r = d.compute();
  if (r < 0) return r;
  if (c.responseLen !== d.hexLength) return 0;
  const response = d.response;
  let diff = 0;
  for (let i = 0; i < d.hexLength; i++) diff |= hexValue(c.buf[c.responseOff + i]) ^ hexValue(response[i]);
  return diff === 0 ? 1 : 0;
}
