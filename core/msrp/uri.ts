// MSRP URIs (RFC 4975 §6, §9) and the session-id spans used to match a frame to a session.
//
//   MSRP-URI   = msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter )
//   msrp-scheme = "msrp" / "msrps"
//   session-id = 1*( unreserved / "+" / "=" / "/" )
//   transport  = "tcp" / 1*ALPHANUM
//
// §6.1: the session-id part compares case-sensitively; it is what makes a frame "ours" (§7.3),
// so the hot path compares it in place. `parseMsrpUri` (allocating, for SDP a=path) splits
// a whole URI once per session.
import { Ok, Err, type Result } from '../result.js';

export const E_MSRP_URI_SCHEME = -741;
export const E_MSRP_URI_AUTHORITY = -742;
export const E_MSRP_URI_PORT = -743;
export const E_MSRP_URI_TRANSPORT = -744;
export const E_MSRP_URI_SESSION_ID = -745;

export interface MsrpUri {
  secure: boolean;
  host: string;
  /** -1 when the authority gives none. */
  port: number;
  sessionId: string;
  transport: string;
}

const SP = 32;
const SLASH = 47;
const SEMI = 59;

/** A span found by the scanners below: reused by the caller, so scanning allocates nothing. */
export class Span {
  off = 0;
  len = 0;
}

/**
 * The session-id of the URI at buf[off, off+len) (one URI, no spaces), into `out`.
 * False when the URI has none: "msrp://" then authority then "/" session-id.
 */
export function sessionIdSpan(buf: Uint8Array, off: number, len: number, out: Span): boolean {
  const end = off + len;
  let p = off;
  // Skip the scheme up to "://".
  while (p + 2 < end && !(buf[p] === 58 && buf[p + 1] === SLASH && buf[p + 2] === SLASH)) p++;
  if (p + 2 >= end) return false;
  p += 3;
  while (p < end && buf[p] !== SLASH && buf[p] !== SEMI) p++;
  if (p >= end || buf[p] !== SLASH) return false;
  const start = ++p;
  while (p < end && buf[p] !== SEMI) p++;
  if (p === start) return false;
  out.off = start;
  out.len = p - start;
  return true;
}

/** First URI of a space-separated path (To-Path: the first hop is us, §7.3). */
export function firstUriSpan(buf: Uint8Array, off: number, len: number, out: Span): boolean {
  const end = off + len;
  let p = off;
  while (p < end && buf[p] === SP) p++;
  const start = p;
  while (p < end && buf[p] !== SP) p++;
  out.off = start;
  out.len = p - start;
  return p > start;
}

/** Last URI of a space-separated path (From-Path: the last hop is the original sender). */
export function lastUriSpan(buf: Uint8Array, off: number, len: number, out: Span): boolean {
  let p = off + len;
  while (p > off && buf[p - 1] === SP) p--;
  const stop = p;
  while (p > off && buf[p - 1] !== SP) p--;
  out.off = p;
  out.len = stop - p;
  return stop > p;
}

function isUnreservedOrSid(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    || c === 45 || c === 46 || c === 95 || c === 126 || c === 43 || c === 61 || c === SLASH || c === 37;
}

/** Splits one MSRP URI; error code on anything outside the §9 grammar subset above. */
export function parseMsrpUri(s: string): Result<MsrpUri, number> {
  let secure: boolean;
  let p: number;
  if (s.startsWith('msrps://')) { secure = true; p = 8; } else if (s.startsWith('msrp://')) { secure = false; p = 7; } else return Err(E_MSRP_URI_SCHEME);
  const authEnd = (() => { let i = p; while (i < s.length && s[i] !== '/' && s[i] !== ';') i++; return i; })();
  let authority = s.slice(p, authEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let port = -1;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return Err(E_MSRP_URI_AUTHORITY);
    host = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest !== '') {
      if (!/^:\d{1,5}$/.test(rest)) return Err(E_MSRP_URI_PORT);
      port = Number(rest.slice(1));
    }
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0) {
      host = authority.slice(0, colon);
      const digits = authority.slice(colon + 1);
      if (!/^\d{1,5}$/.test(digits)) return Err(E_MSRP_URI_PORT);
      port = Number(digits);
    }
  }
  if (host === '' || !/^[A-Za-z0-9.\-\[\]:%]+$/.test(host)) return Err(E_MSRP_URI_AUTHORITY);
  if (port > 65535) return Err(E_MSRP_URI_PORT);
  p = authEnd;
  let sessionId = '';
  if (s[p] === '/') {
    const semi = s.indexOf(';', p);
    const sidEnd = semi < 0 ? s.length : semi;
    sessionId = s.slice(p + 1, sidEnd);
    for (let i = 0; i < sessionId.length; i++) if (!isUnreservedOrSid(sessionId.charCodeAt(i))) return Err(E_MSRP_URI_SESSION_ID);
    p = sidEnd;
  }
  if (s[p] !== ';') return Err(E_MSRP_URI_TRANSPORT);
  const params = s.slice(p + 1).split(';');
  const transport = params[0]!;
  if (!/^[A-Za-z0-9]+$/.test(transport)) return Err(E_MSRP_URI_TRANSPORT);
  return Ok({ secure, host, port, sessionId, transport: transport.toLowerCase() });
}
