// A minimal SDP reader and writer (RFC 4566), enough for MSRP sessions (RFC 4975 §8): the
// session lines v= o= s= c= t=, media lines m=, and attributes a=. Bounded: limits on size,
// lines, media sections and attributes; bad input gives an error code and the byte offset,
// never a throw. SDP arrives once per INVITE, so the result is plain objects (allocation is fine
// here, unlike the MSRP frame path).
//
//   session-description = proto-version origin-field session-name-field information-field
//                         uri-field email-fields phone-fields connection-field bandwidth-fields
//                         time-fields key-field attribute-fields media-descriptions   (§9)
//   proto-version = %x76 "=" 1*DIGIT CRLF
//   origin-field  = %x6f "=" username SP sess-id SP sess-version SP nettype SP addrtype SP unicast-address CRLF
//   connection-field = [%x63 "=" nettype SP addrtype SP connection-address CRLF]
//   media-field   = %x6d "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF
//   attribute     = (att-field ":" att-value) / att-field
import { Ok, Err, type Result } from '../result.js';
import { asciiBytes } from '../bytes/ascii.js';

export const E_SDP_TOO_LARGE = -761;
export const E_SDP_BAD_LINE = -762;
export const E_SDP_NO_VERSION = -763;
export const E_SDP_BAD_ORIGIN = -764;
export const E_SDP_BAD_CONNECTION = -765;
export const E_SDP_BAD_MEDIA = -766;
export const E_SDP_TOO_MANY = -767;
export const E_SDP_MISSING_FIELD = -768;
export const E_SDP_BAD_TIME = -769;

const NAMES: Readonly<Record<number, string>> = {
  [E_SDP_TOO_LARGE]: 'E_SDP_TOO_LARGE', [E_SDP_BAD_LINE]: 'E_SDP_BAD_LINE', [E_SDP_NO_VERSION]: 'E_SDP_NO_VERSION',
  [E_SDP_BAD_ORIGIN]: 'E_SDP_BAD_ORIGIN', [E_SDP_BAD_CONNECTION]: 'E_SDP_BAD_CONNECTION', [E_SDP_BAD_MEDIA]: 'E_SDP_BAD_MEDIA',
  [E_SDP_TOO_MANY]: 'E_SDP_TOO_MANY', [E_SDP_MISSING_FIELD]: 'E_SDP_MISSING_FIELD', [E_SDP_BAD_TIME]: 'E_SDP_BAD_TIME',
};

export function sdpErrorName(code: number): string {
  return NAMES[code] ?? `E_SDP_${-code}`;
}

export interface SdpError {
  code: number;
  /** Byte offset of the offending line. */
  offset: number;
}

export interface SdpLimits {
  maxBytes: number;
  maxLines: number;
  maxMedia: number;
  maxAttributes: number;
}

export const DEFAULT_SDP_LIMITS: Readonly<SdpLimits> = { maxBytes: 16384, maxLines: 256, maxMedia: 8, maxAttributes: 64 };

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpAttribute {
  name: string;
  /** null for a property attribute ("a=recvonly"). */
  value: string | null;
}

export interface SdpMedia {
  media: string;
  port: number;
  portCount: number;
  proto: string;
  formats: string[];
  connection: SdpConnection | null;
  attributes: SdpAttribute[];
  /** Lines kept but not interpreted (i=, b=, k=). */
  other: string[];
}

export interface SdpSession {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  connection: SdpConnection | null;
  times: string[];
  attributes: SdpAttribute[];
  media: SdpMedia[];
  other: string[];
}

function isToken(s: string): boolean {
  // RFC 4566 §9 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x5e && c <= 0x7e))) return false;
  }
  return true;
}

function isDigits(s: string, max: number): boolean {
  return s.length > 0 && s.length <= max && /^[0-9]+$/.test(s);
}

function parseConnection(v: string): SdpConnection | null {
  const parts = v.split(' ');
  if (parts.length !== 3 || !isToken(parts[0]!) || !isToken(parts[1]!) || parts[2] === '') return null;
  return { netType: parts[0]!, addrType: parts[1]!, address: parts[2]! };
}

function parseAttribute(v: string): SdpAttribute | null {
  const colon = v.indexOf(':');
  const name = colon < 0 ? v : v.slice(0, colon);
  if (!isToken(name)) return null;
  return { name, value: colon < 0 ? null : v.slice(colon + 1) };
}

/** Reads one SDP body from bytes (CRLF lines; bare LF tolerated, §5). */
export function parseSdp(buf: Uint8Array, off: number = 0, len: number = buf.length - off, limits: Readonly<SdpLimits> = DEFAULT_SDP_LIMITS): Result<SdpSession, SdpError> {
  if (off < 0 || len < 0 || off + len > buf.length) return Err({ code: E_SDP_BAD_LINE, offset: off });
  if (len > limits.maxBytes) return Err({ code: E_SDP_TOO_LARGE, offset: off + limits.maxBytes });
  const end = off + len;
  const fail = (code: number, at: number) => Err({ code, offset: at });
  let session: SdpSession | null = null;
  let media: SdpMedia | null = null;
  let lines = 0;
  let seenOrigin = false;
  let seenName = false;
  let p = off;
  while (p < end) {
    const lineStart = p;
    let e = p;
    while (e < end && buf[e] !== 10) e++;
    let lineEnd = e;
    if (lineEnd > lineStart && buf[lineEnd - 1] === 13) lineEnd--;
    p = e + 1;
    if (lineEnd === lineStart) {
      // A trailing empty line is harmless; one in the middle is not SDP.
      if (p >= end) break;
      return fail(E_SDP_BAD_LINE, lineStart);
    }
    if (++lines > limits.maxLines) return fail(E_SDP_TOO_MANY, lineStart);
    const type = buf[lineStart]!;
    if (lineEnd - lineStart < 2 || buf[lineStart + 1] !== 61 || type < 97 || type > 122) return fail(E_SDP_BAD_LINE, lineStart);
    let value = '';
    for (let i = lineStart + 2; i < lineEnd; i++) {
      const c = buf[i]!;
      if (c === 0 || c === 13) return fail(E_SDP_BAD_LINE, i);
      value += String.fromCharCode(c);
    }
    const letter = String.fromCharCode(type);
    if (!session) {
      if (letter !== 'v' || value !== '0') return fail(E_SDP_NO_VERSION, lineStart);
      session = { version: 0, origin: { username: '', sessionId: '', sessionVersion: '', netType: '', addrType: '', address: '' },
        sessionName: '', connection: null, times: [], attributes: [], media: [], other: [] };
      continue;
    }
    switch (letter) {
      case 'o': {
        const f = value.split(' ');
        if (media || seenOrigin || f.length !== 6 || !isDigits(f[1]!, 20) || !isDigits(f[2]!, 20) || !isToken(f[3]!) || !isToken(f[4]!) || f[0] === '' || f[5] === '') {
          return fail(E_SDP_BAD_ORIGIN, lineStart);
        }
        session.origin = { username: f[0]!, sessionId: f[1]!, sessionVersion: f[2]!, netType: f[3]!, addrType: f[4]!, address: f[5]! };
        seenOrigin = true;
        break;
      }
      case 's':
        if (media || seenName || !seenOrigin) return fail(E_SDP_BAD_LINE, lineStart);
        session.sessionName = value;
        seenName = true;
        break;
      case 'c': {
        const c = parseConnection(value);
        if (!c) return fail(E_SDP_BAD_CONNECTION, lineStart);
        if (media) media.connection = c; else session.connection = c;
        break;
      }
      case 't':
        if (media || !/^[0-9]+ [0-9]+$/.test(value)) return fail(E_SDP_BAD_TIME, lineStart);
        session.times.push(value);
        break;
      case 'm': {
        if (!seenOrigin || !seenName || session.times.length === 0) return fail(E_SDP_MISSING_FIELD, lineStart);
        if (session.media.length >= limits.maxMedia) return fail(E_SDP_TOO_MANY, lineStart);
        const f = value.split(' ');
        if (f.length < 4 || !isToken(f[0]!) || !f[2]!.split('/').every(isToken)) return fail(E_SDP_BAD_MEDIA, lineStart); // proto = token *("/" token)
        const portField = f[1]!.split('/');
        if (portField.length > 2 || !isDigits(portField[0]!, 5) || Number(portField[0]) > 65535 || (portField.length === 2 && !isDigits(portField[1]!, 5))) {
          return fail(E_SDP_BAD_MEDIA, lineStart);
        }
        const formats = f.slice(3);
        if (formats.some((x) => !isToken(x))) return fail(E_SDP_BAD_MEDIA, lineStart);
        media = { media: f[0]!, port: Number(portField[0]), portCount: portField.length === 2 ? Number(portField[1]) : 1, proto: f[2]!,
          formats, connection: null, attributes: [], other: [] };
        session.media.push(media);
        break;
      }
      case 'a': {
        const a = parseAttribute(value);
        if (!a) return fail(E_SDP_BAD_LINE, lineStart);
        const list = media ? media.attributes : session.attributes;
        if (list.length >= limits.maxAttributes) return fail(E_SDP_TOO_MANY, lineStart);
        list.push(a);
        break;
      }
      case 'v':
        return fail(E_SDP_BAD_LINE, lineStart);
      default:
        // i= u= e= p= b= r= z= k= and unknown letters: kept, not interpreted (§5: ignore what you do not understand).
        (media ? media.other : session.other).push(`${letter}=${value}`);
    }
  }
  if (!session) return fail(E_SDP_NO_VERSION, off);
  if (!seenOrigin || !seenName || session.times.length === 0) return fail(E_SDP_MISSING_FIELD, end);
  // §5.7: every media section needs a connection address, at session or media level.
  for (const m of session.media) if (!m.connection && !session.connection) return fail(E_SDP_BAD_CONNECTION, end);
  return Ok(session);
}

/** Reads SDP from a string (each UTF-16 unit taken as one byte; SDP's MSRP lines are ASCII). */
export function parseSdpText(s: string, limits: Readonly<SdpLimits> = DEFAULT_SDP_LIMITS): Result<SdpSession, SdpError> {
  if (s.length > limits.maxBytes) return Err({ code: E_SDP_TOO_LARGE, offset: limits.maxBytes });
  const b = asciiBytes(s);
  return parseSdp(b, 0, b.length, limits);
}

function attributeLine(a: SdpAttribute): string {
  return a.value === null ? `a=${a.name}\r\n` : `a=${a.name}:${a.value}\r\n`;
}

function connectionLine(c: SdpConnection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}\r\n`;
}

/** Writes a session in the §5 order, CRLF line ends. */
export function writeSdp(s: SdpSession): string {
  const o = s.origin;
  let out = `v=${s.version}\r\no=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}\r\n`;
  out += `s=${s.sessionName === '' ? '-' : s.sessionName}\r\n`;
  const linesOf = (letters: string) => s.other.filter((l) => letters.includes(l[0]!)).map((l) => `${l}\r\n`).join('');
  out += linesOf('iuep');
  if (s.connection) out += connectionLine(s.connection);
  out += linesOf('b');
  for (const t of s.times.length ? s.times : ['0 0']) out += `t=${t}\r\n`;
  out += linesOf('rzk');
  for (const a of s.attributes) out += attributeLine(a);
  for (const m of s.media) {
    out += `m=${m.media} ${m.port}${m.portCount > 1 ? `/${m.portCount}` : ''} ${m.proto} ${m.formats.join(' ')}\r\n`;
    for (const line of m.other) out += `${line}\r\n`;
    if (m.connection) out += connectionLine(m.connection);
    for (const a of m.attributes) out += attributeLine(a);
  }
  return out;
}

export function findAttribute(list: readonly SdpAttribute[], name: string): SdpAttribute | undefined {
  for (const a of list) if (a.name === name) return a;
  return undefined;
}
