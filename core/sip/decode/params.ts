// A cursor over parameter lists, shared by every decoder. Three grammars share one loop because
// they differ only in separators, whitespace and the bytes a name/value may hold:
//
// Header parameters (RFC 3261 §25.1), e.g. Via, Contact, Content-Type:
//   *( SEMI generic-param ) ; SEMI = SWS ";" SWS ; EQUAL = SWS "=" SWS
//   generic-param = token [ EQUAL gen-value ] ; gen-value = token / host / quoted-string
// URI parameters (RFC 3261 §19.1.1):
//   uri-parameters = *( ";" uri-parameter) ; uri-parameter = pname [ "=" pvalue ]
//   pname = 1*paramchar ; pvalue = 1*paramchar
//   paramchar = param-unreserved / unreserved / escaped
// URI headers:
//   headers = "?" header *( "&" header ) ; header = hname "=" hvalue
//   hname = 1*( hnv-unreserved / unreserved / escaped ) ; hvalue = *( hnv-unreserved / unreserved / escaped )
import { DECODE_OK, E_DEC_BAD_ESCAPE, E_DEC_BAD_PARAM, E_DEC_BAD_URI_HEADER, E_DEC_UNTERMINATED_QUOTE } from './errors.js';
import {
  AMP, CHAR_CLASS, COLON, C_HNV_UNRESERVED, C_PARAM_UNRESERVED, C_TOKEN, C_UNRESERVED, DQUOTE, EQUAL,
  LBRACKET, PERCENT, RBRACKET, SEMI, SP, isHex, skipLws, skipQuoted, spanEqualsLower,
} from './chars.js';

const EMPTY = new Uint8Array(0);

export const PARAMS_HEADER = 0;
export const PARAMS_URI = 1;
export const PARAMS_URI_HEADERS = 2;

/** Scans a run of URI characters of class `cls` with valid %-escapes; returns the end or -1 - badPos. */
function scanEscaped(buf: Uint8Array, pos: number, end: number, cls: number): number {
  while (pos < end) {
    const c = buf[pos];
    if (c === PERCENT) {
      if (pos + 2 >= end || !isHex(buf[pos + 1]) || !isHex(buf[pos + 2])) return -1 - pos;
      pos += 3;
      continue;
    }
    if ((CHAR_CLASS[c] & cls) === 0) break;
    pos++;
  }
  return pos;
}

export class ParamCursor {
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  mode = PARAMS_HEADER;
  /** Name span of the current parameter. */
  nameOff = -1;
  nameLen = -1;
  /** Value span (inside the quotes when quoted); -1/-1 when the parameter has no "=value". */
  valueOff = -1;
  valueLen = -1;
  quoted = false;
  /** The value is present, unquoted and all token characters (tag, branch … need no re-scan). */
  valueIsToken = false;
  errorOffset = -1;
  private first = true;

  /** Starts iterating [off, end). For header/URI params the span starts at (SWS) ";". */
  reset(buf: Uint8Array, off: number, end: number, mode: number): this {
    this.buf = buf;
    this.pos = off;
    this.end = end;
    this.mode = mode;
    this.first = true;
    this.nameOff = -1;
    this.nameLen = -1;
    this.valueOff = -1;
    this.valueLen = -1;
    this.quoted = false;
    this.valueIsToken = false;
    this.errorOffset = -1;
    return this;
  }

  // Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
  /** 1 when a parameter was read, 0 at the end, or a negative decoder error (errorOffset set). */
  next(): number {
    var buf = this.buf;
    var end = this.end;
    this.valueOff = -1;
    this.valueLen = -1;
    this.quoted = false;
    this.valueIsToken = false;
    if (this.mode === PARAMS_HEADER) return this.nextHeaderParam(buf, end);
    return this.nextUriParam(buf, end);
  }

  /** Case-insensitive name test against a lower-case constant. */
  nameIs(lower: string): boolean {
    return spanEqualsLower(this.buf, this.nameOff, this.nameLen, lower);
  }

  private fail(code: number, at: number): number {
    this.errorOffset = at;
    this.pos = this.end;
    return code;
  }

  // skipLws is only called where a byte that could start LWS (SP, HTAB, CR, LF: all below "!")
  // is actually there; on the usual ";name=value" it is never called.
  // Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
  private nextHeaderParam(buf: Uint8Array, end: number): number {
    var CLASS = CHAR_CLASS; // a local: one register instead of a module-binding load per byte
    var TOKEN = C_TOKEN; // likewise
    var p = this.pos;
    if (p < end && buf[p] <= SP) p = skipLws(buf, p, end);
    if (p >= end) { this.pos = end; return 0; }
    if (buf[p] !== SEMI) return this.fail(E_DEC_BAD_PARAM, p);
    p++;
    if (p < end && buf[p] <= SP) p = skipLws(buf, p, end);
    var nameStart = p;
    while (p < end && (CLASS[buf[p]] & TOKEN) !== 0) p++;
    if (p === nameStart) return this.fail(E_DEC_BAD_PARAM, p);
    this.nameOff = nameStart;
    this.nameLen = p - nameStart;
    var afterName = p;
    if (p < end && buf[p] <= SP) p = skipLws(buf, p, end);
    if (p < end && buf[p] === EQUAL) {
      p++;
      if (p < end && buf[p] <= SP) p = skipLws(buf, p, end);
      if (p < end && buf[p] === DQUOTE) {
        const close = skipQuoted(buf, p, end);
        if (close < 0) return this.fail(E_DEC_UNTERMINATED_QUOTE, -1 - close);
        this.valueOff = p + 1;
        this.valueLen = close - p - 2;
        this.quoted = true;
        this.pos = close;
        return 1;
      }
      const valueStart = p;
      // gen-value without quotes: token / host (host adds ":" and brackets for IPv6, RFC 5118 §4.5).
      // Token characters first, so a pure token is known as one without a second pass.
      while (p < end && (CLASS[buf[p]] & TOKEN) !== 0) p++;
      const tokenEnd = p;
      while (p < end) {
        const c = buf[p];
        if ((CLASS[c] & TOKEN) !== 0 || c === COLON || c === LBRACKET || c === RBRACKET) p++;
        else break;
      }
      if (p === valueStart) return this.fail(E_DEC_BAD_PARAM, p);
      this.valueOff = valueStart;
      this.valueLen = p - valueStart;
      this.valueIsToken = tokenEnd === p;
      this.pos = p;
      return 1;
    }
    this.pos = afterName;
    return 1;
  }

  private nextUriParam(buf: Uint8Array, end: number): number {
    let p = this.pos;
    if (p >= end) return 0;
    const headers = this.mode === PARAMS_URI_HEADERS;
    const badCode = headers ? E_DEC_BAD_URI_HEADER : E_DEC_BAD_PARAM;
    if (headers) {
      if (!this.first) {
        if (buf[p] !== AMP) return this.fail(badCode, p);
        p++;
      }
    } else {
      if (buf[p] !== SEMI) return this.fail(badCode, p);
      p++;
    }
    this.first = false;
    const cls = headers ? (C_HNV_UNRESERVED | C_UNRESERVED) : (C_PARAM_UNRESERVED | C_UNRESERVED);
    const nameStart = p;
    p = scanEscaped(buf, p, end, cls);
    if (p < 0) return this.fail(E_DEC_BAD_ESCAPE, -1 - p);
    if (p === nameStart) return this.fail(badCode, p);
    this.nameOff = nameStart;
    this.nameLen = p - nameStart;
    if (p < end && buf[p] === EQUAL) {
      const valueStart = p + 1;
      p = scanEscaped(buf, valueStart, end, cls);
      if (p < 0) return this.fail(E_DEC_BAD_ESCAPE, -1 - p);
      // pvalue = 1*paramchar, but hvalue may be empty.
      if (p === valueStart && !headers) return this.fail(badCode, p);
      this.valueOff = valueStart;
      this.valueLen = p - valueStart;
    } else if (headers) {
      return this.fail(badCode, p);
    }
    if (p < end && buf[p] !== (headers ? AMP : SEMI)) return this.fail(badCode, p);
    this.pos = p;
    return 1;
  }
}


/** Validates a whole header-parameter region; returns DECODE_OK or an error with `cursor.errorOffset`. */
export function validateParams(cursor: ParamCursor, buf: Uint8Array, off: number, end: number, mode: number): number {
  cursor.reset(buf, off, end, mode);
  let r: number;
  while ((r = cursor.next()) === 1) { /* walk */ }
  return r === 0 ? DECODE_OK : r;
}
