// Retry-After (RFC 3261 §20.33, §25.1):
//   Retry-After = delta-seconds [ comment ] *( SEMI retry-param )
//   retry-param = ("duration" EQUAL delta-seconds) / generic-param
//   comment = LPAREN *(ctext / quoted-pair / comment) RPAREN
//   ctext = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS
import { DECODE_OK, E_DEC_BAD_COMMENT, E_DEC_BAD_NUMBER, E_DEC_OUT_OF_RANGE } from './errors.js';
import { BACKSLASH, CR, LF, LPAREN, RPAREN, parseUnsigned, skipLws, trimLwsEnd } from './chars.js';
import { MAX_UINT32, NumberValue, readUnsigned } from './number.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';

/** Maximum comment nesting; deeper input is rejected rather than recursed into. */
const MAX_COMMENT_DEPTH = 16;

export class RetryAfterValue {
  seconds = -1;
  secondsOff = -1;
  secondsLen = -1;
  /** Comment text inside the outer parentheses, or -1. */
  commentOff = -1;
  commentLen = -1;
  /** duration parameter, or -1. */
  duration = -1;
  durationOff = -1;
  durationLen = -1;
  paramsOff = -1;
  paramsLen = -1;
  errorOffset = -1;
  private readonly number = new NumberValue();
  private readonly cursor = new ParamCursor();

  reset(): void {
    this.seconds = this.secondsOff = this.secondsLen = -1;
    this.commentOff = this.commentLen = -1;
    this.duration = this.durationOff = this.durationLen = -1;
    this.paramsOff = this.paramsLen = -1;
    this.errorOffset = -1;
  }

  get scratchNumber(): NumberValue {
    return this.number;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }
}

/** Index after the comment whose "(" is at p, or -1 - faultPos. Iterative: depth is a counter. */
export function skipComment(buf: Uint8Array, p: number, end: number): number {
  let depth = 0;
  let i = p;
  while (i < end) {
    const c = buf[i];
    if (c === LPAREN) {
      if (++depth > MAX_COMMENT_DEPTH) return -1 - i;
      i++;
    } else if (c === RPAREN) {
      i++;
      if (--depth === 0) return i;
    } else if (c === BACKSLASH) {
      if (i + 1 >= end || buf[i + 1] === CR || buf[i + 1] === LF) return -1 - i;
      i += 2;
    } else if (c === CR || c === LF) {
      const next = skipLws(buf, i, end);
      if (next === i) return -1 - i;
      i = next;
    } else if (c < 0x20 && c !== 0x09 || c === 0x7f) {
      return -1 - i;
    } else {
      i++;
    }
  }
  return -1 - end;
}

export function decodeRetryAfter(buf: Uint8Array, off: number, end: number, out: RetryAfterValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  let p = skipLws(buf, off, end);
  end = trimLwsEnd(buf, p, end);
  const n = out.scratchNumber;
  n.reset();
  const stop = readUnsigned(buf, p, end, MAX_UINT32, n);
  if (stop < 0) { out.errorOffset = n.errorOffset; return stop; }
  out.seconds = n.value;
  out.secondsOff = n.off;
  out.secondsLen = n.len;
  p = skipLws(buf, stop, end);
  if (p < end && buf[p] === LPAREN) {
    const close = skipComment(buf, p, end);
    if (close < 0) { out.errorOffset = -1 - close; return E_DEC_BAD_COMMENT; }
    out.commentOff = p + 1;
    out.commentLen = close - p - 2;
    p = close;
  } else {
    p = stop;
  }
  const paramsStart = skipLws(buf, p, end);
  if (paramsStart < end) { out.paramsOff = paramsStart; out.paramsLen = end - paramsStart; }
  const cursor = out.paramCursor.reset(buf, p, end, PARAMS_HEADER);
  let r: number;
  while ((r = cursor.next()) === 1) {
    if (cursor.nameIs('duration')) {
      const vOff = cursor.valueOff;
      const vLen = cursor.valueLen;
      const v = vLen > 0 && !cursor.quoted ? parseUnsigned(buf, vOff, vOff + vLen, MAX_UINT32) : -1;
      if (v < 0) {
        out.errorOffset = vOff < 0 ? cursor.nameOff : vOff;
        return v === -2 ? E_DEC_OUT_OF_RANGE : E_DEC_BAD_NUMBER;
      }
      out.duration = v;
      out.durationOff = vOff;
      out.durationLen = vLen;
    }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  return DECODE_OK;
}
