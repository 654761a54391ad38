// Writes the value of an Authorization / Proxy-Authorization header (RFC 3261 §22.2, §22.4,
// §25.1 credentials; RFC 7616 §3.4; RFC 8760 §2.5) into a caller buffer, all or nothing:
//
//   Digest username="bob", realm="biloxi.com", nonce="dcd98b...", uri="sip:bob@biloxi.com",
//     response="6629fa...", algorithm=MD5, cnonce="0a4f113b", opaque="5ccc06...", qop=auth,
//     nc=00000001
//
// realm, nonce and opaque are copied as received (escapes included), so the server sees the
// exact quoted-string it sent. qop and nc are unquoted as the ABNF says (message-qop = "qop"
// EQUAL qop-value; nc-value = 8LHEX); algorithm is echoed as the challenge spelled it.
import { utf8StepWidth, utf8WriteCodeUnitAt } from '../bytes/utf8.js';
import { QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from './algorithm.js';
import { writeNonceCount } from './digest.js';
import { E_AUTH_BAD_VALUE, E_AUTH_NO_SPACE } from './errors.js';

const EMPTY = new Uint8Array(0);

/** The inputs of one Authorization value; preallocate one and refill it. */
export class AuthorizationFields {
  username = '';
  /** When true, `userhashBuf` (hex) is sent as username and userhash=true is added (RFC 7616 §3.4.4). */
  userhash = false;
  userhashBuf: Uint8Array = EMPTY;
  userhashLen = 0;
  realmBuf: Uint8Array = EMPTY;
  realmOff = 0;
  realmLen = 0;
  nonceBuf: Uint8Array = EMPTY;
  nonceOff = 0;
  nonceLen = 0;
  uri = '';
  responseBuf: Uint8Array = EMPTY;
  responseLen = 0;
  /** The algorithm token as the challenge spelled it; length 0 = omit (MD5 implied). */
  algorithmBuf: Uint8Array = EMPTY;
  algorithmOff = 0;
  algorithmLen = 0;
  cnonceBuf: Uint8Array = EMPTY;
  cnonceOff = 0;
  cnonceLen = 0;
  hasOpaque = false;
  opaqueBuf: Uint8Array = EMPTY;
  opaqueOff = 0;
  opaqueLen = 0;
  qop = QOP_NONE;
  nc = 0;
}

// One emitter reused by every call: position, limit and a sticky failure.
let out: Uint8Array = EMPTY;
let pos = 0;
let limit = 0;
let failed = 0;

function ascii(s: string): void {
  const n = s.length;
  if (failed !== 0) return;
  if (n > limit - pos) { failed = E_AUTH_NO_SPACE; return; }
  for (let i = 0; i < n; i++) out[pos++] = s.charCodeAt(i);
}

function span(src: Uint8Array, off: number, len: number): void {
  if (failed !== 0) return;
  if (len > limit - pos) { failed = E_AUTH_NO_SPACE; return; }
  for (let i = 0; i < len; i++) out[pos++] = src[off + i];
}

/** A JS string as quoted-string content: '"' and '\' escaped, UTF-8, controls refused. */
function quotedString(s: string): void {
  const n = s.length;
  for (let i = 0; i < n && failed === 0; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if ((c < 0x20 && c !== 9) || c === 0x7f) { failed = E_AUTH_BAD_VALUE; return; }
      const escape = c === 34 || c === 92;
      if ((escape ? 2 : 1) > limit - pos) { failed = E_AUTH_NO_SPACE; return; }
      if (escape) out[pos++] = 92;
      out[pos++] = c;
      continue;
    }
    if (limit - pos < 4) { failed = E_AUTH_NO_SPACE; return; }
    pos = utf8WriteCodeUnitAt(s, i, out, pos);
    i += utf8StepWidth(s, i) - 1;
  }
}

function param(name: string, quoted: boolean): void {
  ascii(', ');
  ascii(name);
  ascii(quoted ? '="' : '=');
}

/** Writes the credentials value at buf[off, end); returns its length or a negative E_AUTH_* code. */
export function writeAuthorization(buf: Uint8Array, off: number, end: number, f: AuthorizationFields): number {
  out = buf;
  pos = off;
  limit = end > buf.length ? buf.length : end;
  failed = off < 0 || off > limit ? E_AUTH_NO_SPACE : 0;

  ascii('Digest username="');
  if (f.userhash) span(f.userhashBuf, 0, f.userhashLen);
  else quotedString(f.username);
  ascii('"');
  param('realm', true); span(f.realmBuf, f.realmOff, f.realmLen); ascii('"');
  param('nonce', true); span(f.nonceBuf, f.nonceOff, f.nonceLen); ascii('"');
  param('uri', true); quotedString(f.uri); ascii('"');
  param('response', true); span(f.responseBuf, 0, f.responseLen); ascii('"');
  if (f.algorithmLen > 0) { param('algorithm', false); span(f.algorithmBuf, f.algorithmOff, f.algorithmLen); }
  if (f.qop !== QOP_NONE) { param('cnonce', true); span(f.cnonceBuf, f.cnonceOff, f.cnonceLen); ascii('"'); }
  if (f.hasOpaque) { param('opaque', true); span(f.opaqueBuf, f.opaqueOff, f.opaqueLen); ascii('"'); }
  if (f.qop === QOP_AUTH) { param('qop', false); ascii('auth'); }
  else if (f.qop === QOP_AUTH_INT) { param('qop', false); ascii('auth-int'); }
  if (f.qop !== QOP_NONE) {
    param('nc', false);
    if (failed === 0 && limit - pos < 8) failed = E_AUTH_NO_SPACE;
    if (failed === 0) { writeNonceCount(f.nc, out, pos); pos += 8; }
  }
  if (f.userhash) { param('userhash', false); ascii('true'); }

  const result = failed !== 0 ? failed : pos - off;
  out = EMPTY;
  return result;
}
