// Event (RFC 6665 §8.4, was RFC 3265 §7.2):
//   Event = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param )
//   event-type = event-package *( "." event-template )
//   event-package = token-nodot ; event-template = token-nodot
//   event-param = generic-param / ( "id" EQUAL token )
import { DECODE_OK, E_DEC_BAD_PARAM, E_DEC_BAD_TOKEN, E_DEC_EMPTY } from './errors.js';
import { CHAR_CLASS, C_TOKEN, DOT, skipLws, spanEqualsLower, trimLwsEnd } from './chars.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';

export class EventValue {
  /** The whole event-type (package plus templates), e.g. "presence.winfo". */
  typeOff = -1;
  typeLen = -1;
  packageOff = -1;
  packageLen = -1;
  /** Everything after the first "." (one or more templates), or -1. */
  templateOff = -1;
  templateLen = -1;
  idOff = -1;
  idLen = -1;
  paramsOff = -1;
  paramsLen = -1;
  errorOffset = -1;
  private readonly cursor = new ParamCursor();

  reset(): void {
    this.typeOff = this.typeLen = this.packageOff = this.packageLen = this.templateOff = this.templateLen = -1;
    this.idOff = this.idLen = this.paramsOff = this.paramsLen = -1;
    this.errorOffset = -1;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }

  /** Package name equal (case-insensitively, RFC 6665 §8.2.1) to a lower-case constant. */
  packageIs(buf: Uint8Array, lower: string): boolean {
    return spanEqualsLower(buf, this.packageOff, this.packageLen, lower);
  }
}

export function decodeEvent(buf: Uint8Array, off: number, end: number, out: EventValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS starts with a byte <= 0x20: without one at either edge (the usual case) no call is made.
  let p = off < end && buf[off] <= 0x20 ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= 0x20) end = trimLwsEnd(buf, p, end);
  if (p >= end) { out.errorOffset = p; return E_DEC_EMPTY; }
  const start = p;
  let firstDot = -1;
  let labelStart = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) {
    if (buf[p] === DOT) {
      // token-nodot pieces may not be empty.
      if (p === labelStart) { out.errorOffset = p; return E_DEC_BAD_TOKEN; }
      if (firstDot < 0) firstDot = p;
      labelStart = p + 1;
    }
    p++;
  }
  if (p === labelStart) { out.errorOffset = p; return E_DEC_BAD_TOKEN; }
  out.typeOff = start;
  out.typeLen = p - start;
  out.packageOff = start;
  out.packageLen = (firstDot < 0 ? p : firstDot) - start;
  if (firstDot >= 0) { out.templateOff = firstDot + 1; out.templateLen = p - firstDot - 1; }
  const paramsStart = skipLws(buf, p, end);
  if (paramsStart < end) { out.paramsOff = paramsStart; out.paramsLen = end - paramsStart; }
  const cursor = out.paramCursor.reset(buf, p, end, PARAMS_HEADER);
  let r: number;
  while ((r = cursor.next()) === 1) {
    if (cursor.nameIs('id')) {
      const vOff = cursor.valueOff;
      const vLen = cursor.valueLen;
      let ok = vLen > 0 && !cursor.quoted;
      for (let i = 0; ok && i < vLen; i++) ok = (CHAR_CLASS[buf[vOff + i]] & C_TOKEN) !== 0;
      if (!ok) { out.errorOffset = vOff < 0 ? cursor.nameOff : vOff; return E_DEC_BAD_PARAM; }
      out.idOff = vOff;
      out.idLen = vLen;
    }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  return DECODE_OK;
}
