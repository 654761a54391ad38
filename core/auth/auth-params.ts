// Tokenizer for the parameter lists of WWW-Authenticate, Proxy-Authenticate, Authorization and
// Proxy-Authorization. It walks a byte span and reports each name=value as spans, allocating
// nothing. RFC 3261 §25.1 (taken from RFC 2617 §3.2.1):
//
//   challenge        =  ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
//   other-challenge  =  auth-scheme LWS auth-param *(COMMA auth-param)
//   auth-scheme      =  token
//   auth-param       =  auth-param-name EQUAL ( token / quoted-string )
//   auth-param-name  =  token
//   EQUAL = SWS "=" SWS        COMMA = SWS "," SWS
//   SWS   = [LWS]              LWS   = [*WSP CRLF] 1*WSP
//   quoted-string    =  SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
//   qdtext           =  LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
//   quoted-pair      =  "\" (%x00-09 / %x0B-0C / %x0E-7F)
//
// Leniency, because real servers send it: an unquoted value may hold any visible ASCII except
// "," and DQUOTE (e.g. a base64 nonce sent bare), and empty list elements (", ,") are skipped
// as RFC 7230 §7 #rule allows. A quoted value's span is what lies between the quotes, escapes
// still in place; `escaped` says whether there were any (see unescape helpers below).
import { CLASS, TOKEN } from '../bytes/chars.js';
import { E_AUTH_SYNTAX } from './errors.js';
import type { Hasher } from '../bytes/hasher.js';

const SP = 32;
const HTAB = 9;
const CR = 13;
const LF = 10;
const DQUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const EQUAL = 61;

/** Length of the linear white space at buf[pos] (SP, HTAB, or a CRLF / bare LF fold followed by WSP); 0 if none. */
export function lwsLength(buf: Uint8Array, pos: number, end: number): number {
  let p = pos;
  while (p < end) {
    const c = buf[p];
    if (c === SP || c === HTAB) { p++; continue; }
    if (c === CR && p + 2 < end && buf[p + 1] === LF && (buf[p + 2] === SP || buf[p + 2] === HTAB)) {
      p += 3;
      continue;
    }
    // A bare-LF fold: only present when the parser ran with allowBareLf, so accept it here too.
    if (c === LF && p + 1 < end && (buf[p + 1] === SP || buf[p + 1] === HTAB)) {
      p += 2;
      continue;
    }
    break;
  }
  return p - pos;
}

export function isTokenByte(c: number): boolean {
  return c < 0x80 && (CLASS[c] & TOKEN) !== 0;
}

/** End (exclusive) of the token starting at pos (pos itself when there is none). */
export function tokenEnd(buf: Uint8Array, pos: number, end: number): number {
  while (pos < end && isTokenByte(buf[pos])) pos++;
  return pos;
}

export class AuthParamCursor {
  nameOff = 0;
  nameLen = 0;
  valueOff = 0;
  valueLen = 0;
  quoted = false;
  /** The quoted value contains quoted-pairs ("\x"): unescape before hashing or comparing. */
  escaped = false;
  /** Absolute offset of the first offending byte after next() returned E_AUTH_SYNTAX. */
  errorOffset = 0;

  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;

  reset(buf: Uint8Array, off: number, end: number): this {
    this.buf = buf;
    this.pos = off;
    this.end = end;
    this.errorOffset = 0;
    return this;
  }

  /** Moves to the next auth-param: 1 when one was read, 0 at the end of the list, or E_AUTH_SYNTAX. */
  next(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    for (;;) {
      p += lwsLength(buf, p, end);
      if (p >= end) { this.pos = p; return 0; }
      if (buf[p] !== COMMA) break;
      p++;
    }
    const nameEnd = tokenEnd(buf, p, end);
    if (nameEnd === p) return this.fail(p);
    this.nameOff = p;
    this.nameLen = nameEnd - p;
    p = nameEnd + lwsLength(buf, nameEnd, end);
    if (p >= end || buf[p] !== EQUAL) return this.fail(p);
    p++;
    p += lwsLength(buf, p, end);
    if (p >= end) return this.fail(p);
    this.escaped = false;
    if (buf[p] === DQUOTE) {
      this.quoted = true;
      p++;
      const start = p;
      for (;;) {
        if (p >= end) return this.fail(start - 1);
        const c = buf[p];
        if (c === DQUOTE) break;
        if (c === BACKSLASH) {
          if (p + 1 >= end) return this.fail(p);
          const e = buf[p + 1];
          if (e === CR || e === LF || e > 0x7f) return this.fail(p);
          this.escaped = true;
          p += 2;
          continue;
        }
        if (c === CR || c === LF) {
          const fold = lwsLength(buf, p, end);
          if (fold === 0) return this.fail(p);
          p += fold;
          continue;
        }
        if ((c < 0x20 && c !== HTAB) || c === 0x7f) return this.fail(p);
        p++;
      }
      this.valueOff = start;
      this.valueLen = p - start;
      p++;
    } else {
      this.quoted = false;
      const start = p;
      while (p < end) {
        const c = buf[p];
        if (c <= SP || c >= 0x7f || c === COMMA || c === DQUOTE) break;
        p++;
      }
      if (p === start) return this.fail(p);
      this.valueOff = start;
      this.valueLen = p - start;
    }
    p += lwsLength(buf, p, end);
    if (p < end && buf[p] !== COMMA) return this.fail(p);
    this.pos = p;
    return 1;
  }

  private fail(at: number): number {
    this.errorOffset = at;
    this.pos = this.end;
    return E_AUTH_SYNTAX;
  }
}

// ---- quoted-string content helpers (RFC 3261 §25.1 quoted-pair) ----

/** Feeds the unescaped bytes of a quoted-string's content to a hasher, without copying. */
export function hashQuoted(h: Hasher, buf: Uint8Array, off: number, len: number, escaped: boolean): void {
  if (!escaped) { h.update(buf, off, len); return; }
  const end = off + len;
  let run = off;
  for (let p = off; p < end; p++) {
    if (buf[p] === BACKSLASH && p + 1 < end) {
      if (p > run) h.update(buf, run, p - run);
      run = p + 1; // the escaped byte starts the next run
      p++;
    }
  }
  if (end > run) h.update(buf, run, end - run);
}

/** Compares unescaped quoted-string content with raw bytes (e.g. a stored realm). */
export function quotedEquals(buf: Uint8Array, off: number, len: number, escaped: boolean,
  other: Uint8Array, otherOff: number, otherLen: number): boolean {
  if (!escaped) {
    if (len !== otherLen) return false;
    for (let i = 0; i < len; i++) if (buf[off + i] !== other[otherOff + i]) return false;
    return true;
  }
  const end = off + len;
  let k = 0;
  for (let p = off; p < end; p++) {
    if (buf[p] === BACKSLASH && p + 1 < end) p++;
    if (k >= otherLen || buf[p] !== other[otherOff + k]) return false;
    k++;
  }
  return k === otherLen;
}
