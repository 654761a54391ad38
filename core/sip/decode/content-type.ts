// Content-Type (RFC 3261 §20.15, §25.1):
//   media-type = m-type SLASH m-subtype *(SEMI m-parameter)      ; SLASH = SWS "/" SWS
//   m-parameter = m-attribute EQUAL m-value ; m-value = token / quoted-string
import { DECODE_OK, E_DEC_BAD_MEDIA_TYPE, E_DEC_BAD_PARAM, E_DEC_EMPTY } from './errors.js';
import { CHAR_CLASS, C_TOKEN, SLASH, skipLws, spanEqualsLower, trimLwsEnd } from './chars.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';

export class ContentTypeValue {
  typeOff = -1;
  typeLen = -1;
  subtypeOff = -1;
  subtypeLen = -1;
  /** m-parameters from the first ";" (iterate with ParamCursor, PARAMS_HEADER). */
  paramsOff = -1;
  paramsLen = -1;
  /** boundary (RFC 2046 §5.1.1) and charset values, inside the quotes when quoted. */
  boundaryOff = -1;
  boundaryLen = -1;
  charsetOff = -1;
  charsetLen = -1;
  errorOffset = -1;
  private readonly cursor = new ParamCursor();

  reset(): void {
    this.typeOff = this.typeLen = this.subtypeOff = this.subtypeLen = -1;
    this.paramsOff = this.paramsLen = this.boundaryOff = this.boundaryLen = this.charsetOff = this.charsetLen = -1;
    this.errorOffset = -1;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }

  /** type/subtype equal (case-insensitively) to the lower-case constants given. */
  is(buf: Uint8Array, type: string, subtype: string): boolean {
    return spanEqualsLower(buf, this.typeOff, this.typeLen, type) && spanEqualsLower(buf, this.subtypeOff, this.subtypeLen, subtype);
  }
}

function isTokenSpan(buf: Uint8Array, off: number, end: number): boolean {
  if (off >= end) return false;
  for (let i = off; i < end; i++) if ((CHAR_CLASS[buf[i]] & C_TOKEN) === 0) return false;
  return true;
}

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
export function decodeContentType(buf: Uint8Array, off: number, end: number, out: ContentTypeValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS starts with a byte <= 0x20: without one at either edge (the usual case) no call is made.
  var p = off < end && buf[off] <= 0x20 ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= 0x20) end = trimLwsEnd(buf, p, end);
  if (p >= end) { out.errorOffset = p; return E_DEC_EMPTY; }
  var typeStart = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
  if (p === typeStart) { out.errorOffset = p; return E_DEC_BAD_MEDIA_TYPE; }
  out.typeOff = typeStart;
  out.typeLen = p - typeStart;
  p = skipLws(buf, p, end);
  if (p >= end || buf[p] !== SLASH) { out.errorOffset = p; return E_DEC_BAD_MEDIA_TYPE; }
  p = skipLws(buf, p + 1, end);
  var subStart = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
  if (p === subStart) { out.errorOffset = p; return E_DEC_BAD_MEDIA_TYPE; }
  out.subtypeOff = subStart;
  out.subtypeLen = p - subStart;
  var paramsStart = skipLws(buf, p, end);
  if (paramsStart < end) { out.paramsOff = paramsStart; out.paramsLen = end - paramsStart; }
  var cursor = out.paramCursor.reset(buf, p, end, PARAMS_HEADER);
  var r: number;
  while ((r = cursor.next()) === 1) {
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    // m-parameter always has a value, and an unquoted one is a plain token.
    if (vOff < 0 || (!cursor.quoted && !isTokenSpan(buf, vOff, vOff + vLen))) {
      out.errorOffset = vOff < 0 ? cursor.nameOff : vOff;
      return E_DEC_BAD_PARAM;
    }
    if (cursor.nameIs('boundary')) { out.boundaryOff = vOff; out.boundaryLen = vLen; }
    else if (cursor.nameIs('charset')) { out.charsetOff = vOff; out.charsetLen = vLen; }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  return DECODE_OK;
}
