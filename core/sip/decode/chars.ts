// Character classes of the RFC 3261 §25.1 grammar as one bit table, plus the whitespace and
// comparison primitives every decoder shares. Built once at module load; lookups allocate nothing.

export const C_ALPHA = 1 << 0;
export const C_DIGIT = 1 << 1;
export const C_HEX = 1 << 2;
// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
export const C_TOKEN = 1 << 3;
// unreserved = alphanum / mark ; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
export const C_UNRESERVED = 1 << 4;
// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
export const C_USER_UNRESERVED = 1 << 5;
// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
export const C_PASSWORD_EXTRA = 1 << 6;
// param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
export const C_PARAM_UNRESERVED = 1 << 7;
// hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
export const C_HNV_UNRESERVED = 1 << 8;
// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" /
//        "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
export const C_WORD = 1 << 9;
// reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
export const C_RESERVED = 1 << 10;
// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
export const C_SCHEME = 1 << 11;
// WSP = SP / HTAB
export const C_WSP = 1 << 12;

export const CHAR_CLASS = new Uint16Array(256);

function mark(chars: string, bit: number): void {
  for (let i = 0; i < chars.length; i++) CHAR_CLASS[chars.charCodeAt(i)] |= bit;
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT = '0123456789';
mark(ALPHA, C_ALPHA | C_TOKEN | C_UNRESERVED | C_WORD | C_SCHEME);
mark(DIGIT, C_DIGIT | C_HEX | C_TOKEN | C_UNRESERVED | C_WORD | C_SCHEME);
mark('abcdefABCDEF', C_HEX);
mark('-.!%*_+`\'~', C_TOKEN);
mark('-_.!~*\'()', C_UNRESERVED);
mark('&=+$,;?/', C_USER_UNRESERVED);
mark('&=+$,', C_PASSWORD_EXTRA);
mark('[]/:&+$', C_PARAM_UNRESERVED);
mark('[]/?:+$', C_HNV_UNRESERVED);
mark('-.!%*_+`\'~()<>:\\"/[]?{}', C_WORD);
mark(';/?:@&=+$,', C_RESERVED);
mark('+-.', C_SCHEME);
mark(' \t', C_WSP);

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const PERCENT = 0x25;
export const SEMI = 0x3b;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const EQUAL = 0x3d;
export const SLASH = 0x2f;
export const AT = 0x40;
export const QMARK = 0x3f;
export const AMP = 0x26;
export const LAQUOT = 0x3c;
export const RAQUOT = 0x3e;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const DOT = 0x2e;
export const LPAREN = 0x28;
export const RPAREN = 0x29;
export const STAR = 0x2a;
export const PLUS = 0x2b;

export function is(c: number, cls: number): boolean {
  return (CHAR_CLASS[c] & cls) !== 0;
}

export function isHex(c: number): boolean {
  return (CHAR_CLASS[c] & C_HEX) !== 0;
}

export function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x57;
}

/**
 * Skips LWS (RFC 3261 §25.1: LWS = [*WSP CRLF] 1*WSP; SWS = [LWS]). A folded line (CRLF, or a
 * bare LF the parser tolerated, followed by SP/HTAB) counts as whitespace; a CRLF not followed by
 * WSP is not LWS and stops the skip. Returns the first position that is not LWS.
 */
export function skipLws(buf: Uint8Array, pos: number, end: number): number {
  while (pos < end) {
    const c = buf[pos];
    if (c === SP || c === HTAB) { pos++; continue; }
    if (c === CR && pos + 2 < end && buf[pos + 1] === LF && (buf[pos + 2] === SP || buf[pos + 2] === HTAB)) {
      pos += 3;
      continue;
    }
    if (c === LF && pos + 1 < end && (buf[pos + 1] === SP || buf[pos + 1] === HTAB)) { pos += 2; continue; }
    break;
  }
  return pos;
}

/** Moves `end` back over trailing LWS so spans never end in whitespace. */
export function trimLwsEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start) {
    const c = buf[end - 1];
    if (c === SP || c === HTAB || c === CR || c === LF) end--;
    else break;
  }
  return end;
}

/** Index after the run of bytes of class `cls` starting at pos. */
export function scanClass(buf: Uint8Array, pos: number, end: number, cls: number): number {
  while (pos < end && (CHAR_CLASS[buf[pos]] & cls) !== 0) pos++;
  return pos;
}

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
/** ASCII case-insensitive comparison of a span with a lower-case constant; no allocation. */
export function spanEqualsLower(buf: Uint8Array, off: number, len: number, lower: string): boolean {
  if (len !== lower.length) return false;
  for (var i = 0; i < len; i++) {
    let c = buf[off + i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Skips a quoted-string whose opening DQUOTE is at pos (RFC 3261 §25.1):
 *   quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 *   qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 *   quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 * Returns the index after the closing DQUOTE, or -1 - (fault position) when unterminated or when
 * a control byte / bare CR appears (so the caller can report where).
 */
export function skipQuoted(buf: Uint8Array, pos: number, end: number): number {
  let i = pos + 1;
  while (i < end) {
    const c = buf[i];
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      if (i + 1 >= end) return -1 - i;
      const n = buf[i + 1];
      if (n === LF || n === CR || n > 0x7f) return -1 - (i + 1);
      i += 2;
      continue;
    }
    if (c === CR || c === LF) {
      const after = skipLws(buf, i, end);
      if (after === i) return -1 - i;
      i = after;
      continue;
    }
    if (c < 0x20 && c !== HTAB) return -1 - i;
    if (c === 0x7f) return -1 - i;
    i++;
  }
  return -1 - end;
}

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
/** Reads an unsigned decimal span; returns -1 when not all digits or above `max`. */
export function parseUnsigned(buf: Uint8Array, off: number, end: number, max: number): number {
  if (off >= end) return -1;
  var v = 0;
  for (var i = off; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
    if (v > max) return -2;
  }
  return v;
}
