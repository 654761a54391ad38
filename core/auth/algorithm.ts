// Digest algorithms (RFC 7616 §3.3, §6.1 registry; RFC 8760 §2.2 for SIP). A "-sess" variant
// changes only how HA1 is formed (§3.4.2).
import { asciiEqualsIgnoreCase } from '../bytes/ascii.js';
import type { Hasher } from '../bytes/hasher.js';

/** An algorithm token we do not implement (SHA-512-256, AKAv1-MD5 ...). */
export const ALG_UNSUPPORTED = 0;
export const ALG_MD5 = 1;
export const ALG_MD5_SESS = 2;
export const ALG_SHA256 = 3;
export const ALG_SHA256_SESS = 4;

const NAMES: readonly string[] = ['', 'MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

/** Algorithm id for a token span; tokens compare case-insensitively (RFC 7616 §3.3 "algorithm"). */
export function algorithmFromSpan(buf: Uint8Array, off: number, len: number): number {
  for (let id = 1; id < NAMES.length; id++) if (asciiEqualsIgnoreCase(buf, off, len, NAMES[id])) return id;
  return ALG_UNSUPPORTED;
}

export function algorithmName(id: number): string {
  return id > 0 && id < NAMES.length ? NAMES[id] : '';
}

export function isSessionAlgorithm(id: number): boolean {
  return id === ALG_MD5_SESS || id === ALG_SHA256_SESS;
}

export function usesSha256(id: number): boolean {
  return id === ALG_SHA256 || id === ALG_SHA256_SESS;
}

/** Picks the hasher for an algorithm from a pair the caller preallocated (sha256 null: SHA-256 unsupported). */
export function hasherFor(id: number, md5: Hasher, sha256: Hasher | null): Hasher | null {
  if (id === ALG_MD5 || id === ALG_MD5_SESS) return md5;
  if (id === ALG_SHA256 || id === ALG_SHA256_SESS) return sha256;
  return null;
}

/** Quality of protection (RFC 7616 §3.3 "qop"): bit flags so that a challenge can offer several. */
export const QOP_NONE = 0;
export const QOP_AUTH = 1;
export const QOP_AUTH_INT = 2;
/** Some token other than auth / auth-int. */
export const QOP_OTHER = 4;
