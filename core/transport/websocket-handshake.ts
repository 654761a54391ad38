// The client side of the WebSocket opening handshake (RFC 6455 §4.1) for SIP (RFC 7118 §4).
//
//   GET /path HTTP/1.1                              §4.1: "GET", Request-URI, HTTP/1.1
//   Host: proxy.example.com:8080                    §4.1 item 4
//   Upgrade: websocket                              §4.1 item 5
//   Connection: Upgrade                             §4.1 item 6
//   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==     §4.1 item 7: base64 of 16 random bytes
//   Sec-WebSocket-Version: 13                       §4.1 item 9
//   Sec-WebSocket-Protocol: sip                     RFC 7118 §4: the "sip" sub-protocol
//
// The server answers "HTTP/1.1 101 Switching Protocols" with Upgrade/Connection, and
// Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (§4.2.2
// item 5.4), which proves it read our key. §4.1 lists what the client checks and says it MUST
// fail the connection otherwise: status 101, Upgrade "websocket", Connection "Upgrade", the
// accept value, no extension and no sub-protocol it did not ask for. RFC 7118 §4 adds that a
// response without "sip" in Sec-WebSocket-Protocol gives no SIP transport, so that fails too.
//
// Sans-I/O and incremental: push() takes response bytes split anywhere, stops exactly at the end
// of the response head (the next bytes already are WebSocket frames), never throws.
import { base64Encode } from '../bytes/base64.js';
import { asciiEquals, asciiEqualsIgnoreCase, parseDecimal, writeAscii } from '../bytes/ascii.js';
import { Sha1 } from '../bytes/sha1.js';
import {
  E_WS_HS_BAD_ACCEPT, E_WS_HS_BAD_HEADER, E_WS_HS_BAD_PROTOCOL, E_WS_HS_BAD_STATUS_LINE, E_WS_HS_EXTENSION,
  E_WS_HS_NO_CONNECTION, E_WS_HS_NO_SPACE, E_WS_HS_NO_UPGRADE, E_WS_HS_NOT_101, E_WS_HS_TOO_LONG,
} from './websocket-errors.js';
import type { RandomBytes } from './websocket-frame-writer.js';

/** §1.3: the GUID every server appends to the key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** RFC 7118 §4 / §10.1: the WebSocket sub-protocol name for SIP. */
export const SIP_SUBPROTOCOL = 'sip';

export const HS_PENDING = 0;
export const HS_OPEN = 1;
export const HS_FAILED = 2;

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COMMA = 44;

export interface ClientHandshakeOptions {
  /** Nonce source (§4.1 item 7: "randomly selected"); the host's CSPRNG. */
  readonly random: RandomBytes;
  /** Bound on the response head (default 4096 bytes). */
  readonly maxResponseBytes?: number;
}

/** Computes base64(SHA-1(key + GUID)) for key bytes buf[off, off+len) into out[outOff..+28) (§4.2.2). */
export function websocketAccept(key: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number, hasher: Sha1 = sharedSha1): number {
  hasher.reset();
  hasher.update(key, off, len);
  hasher.updateString(WEBSOCKET_GUID);
  hasher.digest(digestScratch, 0);
  return base64Encode(digestScratch, 0, 20, out, outOff);
}

const sharedSha1 = new Sha1();
const digestScratch = new Uint8Array(20);

export class WebSocketClientHandshake {
  /** HS_PENDING, HS_OPEN or HS_FAILED. */
  state = HS_PENDING;
  /** The response's status code once its status line was read (0 before). */
  status = 0;
  errorCode = 0;
  /** Index in the response head where the error was found. */
  errorOffset = -1;
  /** The response head read so far (valid until the next writeRequest()). */
  readonly head: Uint8Array;
  headLength = 0;

  private readonly random: RandomBytes;
  private readonly nonce = new Uint8Array(16);
  private readonly key = new Uint8Array(24);
  private readonly expectedAccept = new Uint8Array(28);
  private readonly hasher = new Sha1();

  constructor(options: ClientHandshakeOptions) {
    this.random = options.random;
    this.head = new Uint8Array(options.maxResponseBytes ?? 4096);
  }

  /** The Sec-WebSocket-Key of the last request (base64 text bytes). */
  get keyBytes(): Uint8Array {
    return this.key;
  }

  /** The Sec-WebSocket-Accept the server must send back for the last request. */
  get acceptBytes(): Uint8Array {
    return this.expectedAccept;
  }

  /**
   * Writes the opening handshake with a fresh key at out[off, end). `host` is the Host header
   * value (host[:port]), `path` the request target ("/" for Kamailio). Returns the bytes
   * written, or E_WS_HS_NO_SPACE (no room, or a field with non-ASCII, CR or LF) with nothing
   * usable written. Resets the response state.
   */
  writeRequest(out: Uint8Array, off: number, end: number, host: string, path: string, origin?: string): number {
    if (hasLineBreak(host) || hasLineBreak(path) || (origin !== undefined && hasLineBreak(origin))) return E_WS_HS_NO_SPACE;
    this.random(this.nonce, 0, 16);
    base64Encode(this.nonce, 0, 16, this.key, 0);
    websocketAccept(this.key, 0, 24, this.expectedAccept, 0, this.hasher);
    this.state = HS_PENDING;
    this.status = 0;
    this.errorCode = 0;
    this.errorOffset = -1;
    this.headLength = 0;
    let p = off;
    p = put(out, p, end, 'GET ');
    p = put(out, p, end, path);
    p = put(out, p, end, ' HTTP/1.1\r\nHost: ');
    p = put(out, p, end, host);
    p = put(out, p, end, '\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ');
    if (p >= 0 && end - p >= 24) {
      for (let i = 0; i < 24; i++) out[p + i] = this.key[i];
      p += 24;
    } else p = E_WS_HS_NO_SPACE;
    p = put(out, p, end, '\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ');
    p = put(out, p, end, SIP_SUBPROTOCOL);
    if (origin !== undefined) {
      p = put(out, p, end, '\r\nOrigin: ');
      p = put(out, p, end, origin);
    }
    p = put(out, p, end, '\r\n\r\n');
    return p < 0 ? E_WS_HS_NO_SPACE : p - off;
  }

  /**
   * Feeds response bytes. Returns how many it took (the head ends there: what follows are
   * frames), or a negative E_WS_HS_* code. `state` turns HS_OPEN once the head was read and
   * passed every check; while HS_PENDING, feed more.
   */
  push(buf: Uint8Array, off: number, len: number): number {
    if (this.state === HS_FAILED) return this.errorCode;
    if (this.state === HS_OPEN) return 0;
    const head = this.head;
    const cap = head.length;
    for (let i = 0; i < len; i++) {
      if (this.headLength === cap) return this.fail(E_WS_HS_TOO_LONG, cap - 1);
      const b = buf[off + i];
      head[this.headLength++] = b;
      const n = this.headLength;
      if (b === LF && n >= 4 && head[n - 2] === CR && head[n - 3] === LF && head[n - 4] === CR) {
        const verdict = this.check(n);
        return verdict < 0 ? verdict : i + 1;
      }
    }
    return len;
  }

  private fail(code: number, at: number): number {
    this.state = HS_FAILED;
    this.errorCode = code;
    this.errorOffset = at;
    return code;
  }

  /** §4.1 client checks over head[0, n) (ends with CRLFCRLF). */
  private check(n: number): number {
    const h = this.head;
    // status-line = HTTP-version SP status-code SP reason-phrase CRLF (RFC 7230 §3.1.2)
    let eol = lineEnd(h, 0, n);
    if (eol < 12 || !asciiEquals(h, 0, 9, 'HTTP/1.1 ') || (eol > 12 && h[12] !== SP)) return this.fail(E_WS_HS_BAD_STATUS_LINE, 0);
    const status = parseDecimal(h, 9, 3);
    if (status < 100) return this.fail(E_WS_HS_BAD_STATUS_LINE, 9);
    this.status = status;
    if (status !== 101) return this.fail(E_WS_HS_NOT_101, 9);
    let upgrade = false;
    let connection = false;
    let accept = false;
    let protocol = false;
    let p = eol + 2;
    while (p < n - 2) {
      eol = lineEnd(h, p, n);
      // header-field = field-name ":" OWS field-value OWS; obs-fold is refused (RFC 7230 §3.2.4).
      if (h[p] === SP || h[p] === HT) return this.fail(E_WS_HS_BAD_HEADER, p);
      let colon = p;
      while (colon < eol && h[colon] !== 58) colon++;
      if (colon === eol || colon === p) return this.fail(E_WS_HS_BAD_HEADER, p);
      for (let k = p; k < colon; k++) if (h[k] <= SP || h[k] >= 127) return this.fail(E_WS_HS_BAD_HEADER, k);
      let vs = colon + 1;
      let ve = eol;
      while (vs < ve && (h[vs] === SP || h[vs] === HT)) vs++;
      while (ve > vs && (h[ve - 1] === SP || h[ve - 1] === HT)) ve--;
      const nameLen = colon - p;
      if (asciiEqualsIgnoreCase(h, p, nameLen, 'Upgrade')) {
        if (!asciiEqualsIgnoreCase(h, vs, ve - vs, 'websocket')) return this.fail(E_WS_HS_NO_UPGRADE, vs);
        upgrade = true;
      } else if (asciiEqualsIgnoreCase(h, p, nameLen, 'Connection')) {
        if (hasToken(h, vs, ve, 'upgrade')) connection = true;
      } else if (asciiEqualsIgnoreCase(h, p, nameLen, 'Sec-WebSocket-Accept')) {
        if (accept || ve - vs !== 28) return this.fail(E_WS_HS_BAD_ACCEPT, vs);
        for (let k = 0; k < 28; k++) if (h[vs + k] !== this.expectedAccept[k]) return this.fail(E_WS_HS_BAD_ACCEPT, vs + k);
        accept = true;
      } else if (asciiEqualsIgnoreCase(h, p, nameLen, 'Sec-WebSocket-Extensions')) {
        if (ve > vs) return this.fail(E_WS_HS_EXTENSION, vs);
      } else if (asciiEqualsIgnoreCase(h, p, nameLen, 'Sec-WebSocket-Protocol')) {
        // §4.1 item 6: the server picks one of the values the client sent; we sent only "sip".
        if (!asciiEquals(h, vs, ve - vs, SIP_SUBPROTOCOL)) return this.fail(E_WS_HS_BAD_PROTOCOL, vs);
        protocol = true;
      }
      p = eol + 2;
    }
    if (!upgrade) return this.fail(E_WS_HS_NO_UPGRADE, n);
    if (!connection) return this.fail(E_WS_HS_NO_CONNECTION, n);
    if (!accept) return this.fail(E_WS_HS_BAD_ACCEPT, n);
    if (!protocol) return this.fail(E_WS_HS_BAD_PROTOCOL, n);
    this.state = HS_OPEN;
    return 0;
  }
}

function put(out: Uint8Array, p: number, end: number, s: string): number {
  if (p < 0) return p;
  const r = writeAscii(out, p, end, s);
  return r < 0 ? E_WS_HS_NO_SPACE : r;
}

function hasLineBreak(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === CR || c === LF) return true;
  }
  return false;
}

/** Index of the CR of the CRLF ending the line at `p` (n when none: cannot happen inside a head). */
function lineEnd(h: Uint8Array, p: number, n: number): number {
  for (let i = p; i + 1 < n; i++) if (h[i] === CR && h[i + 1] === LF) return i;
  return n;
}

/** Is `token` (case-insensitively) one of the comma-separated values in h[vs, ve)? (Connection: keep-alive, Upgrade) */
function hasToken(h: Uint8Array, vs: number, ve: number, token: string): boolean {
  let s = vs;
  while (s < ve) {
    let e = s;
    while (e < ve && h[e] !== COMMA) e++;
    let a = s;
    let b = e;
    while (a < b && (h[a] === SP || h[a] === HT)) a++;
    while (b > a && (h[b - 1] === SP || h[b - 1] === HT)) b--;
    if (asciiEqualsIgnoreCase(h, a, b - a, token)) return true;
    s = e + 1;
  }
  return false;
}
