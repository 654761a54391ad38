// The SDP a=fingerprint attribute (RFC 8122 §5, which replaced RFC 4572): the hash of the
// certificate an endpoint will present in the TLS handshake of a TCP/TLS media stream, so a
// self-signed certificate can be checked against the signalling (RFC 4975 §14.2 allows MSRP over
// TLS with self-signed certificates this way).
//
//   attribute              =/ fingerprint-attribute
//   fingerprint-attribute  =  "fingerprint" ":" hash-func SP fingerprint
//   hash-func              =  "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / "md5" / "md2" / token
//   fingerprint            =  2UHEX *(":" 2UHEX)
//   UHEX                   =  DIGIT / %x41-46 ; A-F uppercase
//
// RFC 8122 §5: the hash is over the DER form of the certificate; several a=fingerprint lines may
// be given (one per hash function or certificate); SHA-256 MUST be supported. Only SHA-256 is
// checked here (the core's own SHA-256): a peer offering nothing but other hashes cannot be
// verified, which the caller treats as a failure, never as a pass. Lowercase hex is accepted on
// input (§5 asks for uppercase, but being strict here would only break interop).
import { Ok, Err, type Result } from '../result.js';
import { Sha256 } from '../bytes/sha256.js';
import { hexValue } from '../bytes/hex.js';

export const E_FINGERPRINT_SYNTAX = -781;
export const E_FINGERPRINT_UNSUPPORTED_HASH = -782;

export interface SdpFingerprint {
  /** Lowercased hash-func token, e.g. "sha-256". */
  hashFunction: string;
  digest: Uint8Array;
}

const HASH_LENGTHS: Readonly<Record<string, number>> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64, md5: 16, md2: 16 };
const UPPER_HEX = '0123456789ABCDEF';

/** Reads "sha-256 AB:CD:…"; Err(code) on anything outside the grammar above. */
export function parseFingerprint(value: string): Result<SdpFingerprint, number> {
  const sp = value.indexOf(' ');
  if (sp <= 0) return Err(E_FINGERPRINT_SYNTAX);
  const hashFunction = value.slice(0, sp).toLowerCase();
  if (!/^[a-z0-9!#$%&'*+.^_`{|}~-]+$/.test(hashFunction)) return Err(E_FINGERPRINT_SYNTAX);
  const hex = value.slice(sp + 1).trim();
  // 2HEX *(":" 2HEX): length 3n-1.
  const n = (hex.length + 1) / 3;
  if (!Number.isInteger(n) || n < 1) return Err(E_FINGERPRINT_SYNTAX);
  const digest = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = 3 * i;
    if (i > 0 && hex.charCodeAt(p - 1) !== 58) return Err(E_FINGERPRINT_SYNTAX);
    const hi = hexValue(hex.charCodeAt(p));
    const lo = hexValue(hex.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) return Err(E_FINGERPRINT_SYNTAX);
    digest[i] = (hi << 4) | lo;
  }
  const want = HASH_LENGTHS[hashFunction];
  if (want !== undefined && want !== n) return Err(E_FINGERPRINT_SYNTAX);
  return Ok({ hashFunction, digest });
}

/** The a=fingerprint value for a DER certificate: "sha-256 " and the digest as uppercase hex pairs. */
export function certificateFingerprint(der: Uint8Array): string {
  const out = new Uint8Array(32);
  new Sha256().update(der, 0, der.length).digest(out, 0);
  let s = 'sha-256 ';
  for (let i = 0; i < 32; i++) {
    if (i > 0) s += ':';
    s += UPPER_HEX[out[i]! >> 4]! + UPPER_HEX[out[i]! & 15]!;
  }
  return s;
}

/**
 * Does the DER certificate the peer presented match one of its a=fingerprint values? Ok(true)
 * on a SHA-256 match, Ok(false) on a mismatch; Err(E_FINGERPRINT_UNSUPPORTED_HASH) when none of
 * the values uses SHA-256 (nothing we can check), Err(E_FINGERPRINT_SYNTAX) for a bad value.
 */
export function fingerprintMatches(fingerprints: readonly string[], der: Uint8Array): Result<boolean, number> {
  let ours: Uint8Array | null = null;
  let usable = false;
  for (let i = 0; i < fingerprints.length; i++) {
    const f = parseFingerprint(fingerprints[i]!);
    if (!f.ok) return f;
    if (f.val.hashFunction !== 'sha-256') continue;
    usable = true;
    if (ours === null) {
      ours = new Uint8Array(32);
      new Sha256().update(der, 0, der.length).digest(ours, 0);
    }
    let same = true;
    for (let k = 0; k < 32; k++) if (ours[k] !== f.val.digest[k]) { same = false; break; }
    if (same) return Ok(true);
  }
  return usable ? Ok(false) : Err(E_FINGERPRINT_UNSUPPORTED_HASH);
}
