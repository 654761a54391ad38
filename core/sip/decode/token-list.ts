// Comma-separated token lists inside one header value: Allow, Require, Supported,
// Proxy-Require, Unsupported, Allow-Events (RFC 3261 §20.5, §20.32, §20.37, §20.29; RFC 6665 §8.4):
//   [ token *(COMMA token) ]    ; COMMA = SWS "," SWS
// Allow-Events holds event-types, which are tokens too ("." is a token character).
import { E_DEC_BAD_LIST } from './errors.js';
import { CHAR_CLASS, COMMA, C_TOKEN, skipLws, spanEqualsLower } from './chars.js';

const EMPTY = new Uint8Array(0);

export class TokenListCursor {
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  tokenOff = -1;
  tokenLen = -1;
  errorOffset = -1;
  private first = true;

  reset(buf: Uint8Array, off: number, end: number): this {
    this.buf = buf;
    this.pos = off;
    this.end = end > buf.length ? buf.length : end;
    this.tokenOff = this.tokenLen = -1;
    this.errorOffset = -1;
    this.first = true;
    return this;
  }

  /** 1 with tokenOff/tokenLen set, 0 at the end, or E_DEC_BAD_LIST with errorOffset. */
  next(): number {
    const buf = this.buf;
    const end = this.end;
    let p = skipLws(buf, this.pos, end);
    if (p >= end) {
      this.pos = end;
      return 0;
    }
    if (!this.first) {
      if (buf[p] !== COMMA) return this.fail(p);
      p = skipLws(buf, p + 1, end);
    }
    const start = p;
    while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
    if (p === start) return this.fail(p);
    this.first = false;
    this.tokenOff = start;
    this.tokenLen = p - start;
    this.pos = p;
    return 1;
  }

  tokenIs(lower: string): boolean {
    return spanEqualsLower(this.buf, this.tokenOff, this.tokenLen, lower);
  }

  private fail(at: number): number {
    this.errorOffset = at;
    this.pos = this.end;
    this.tokenOff = this.tokenLen = -1;
    return E_DEC_BAD_LIST;
  }
}
