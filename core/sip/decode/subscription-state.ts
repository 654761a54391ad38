// Subscription-State (RFC 6665 §8.4, §4.1.3):
//   Subscription-State = substate-value *( SEMI subexp-params )
//   substate-value = "active" / "pending" / "terminated" / extension-substate
//   subexp-params = ("reason" EQUAL event-reason-value) / ("expires" EQUAL delta-seconds)
//                 / ("retry-after" EQUAL delta-seconds) / generic-param
//   event-reason-value = "deactivated" / "probation" / "rejected" / "timeout" / "giveup"
//                      / "noresource" / "invariant" / event-reason-extension
import { DECODE_OK, E_DEC_BAD_NUMBER, E_DEC_BAD_PARAM, E_DEC_BAD_TOKEN, E_DEC_EMPTY, E_DEC_OUT_OF_RANGE } from './errors.js';
import { CHAR_CLASS, C_TOKEN, parseUnsigned, skipLws, spanEqualsLower, trimLwsEnd } from './chars.js';
import { MAX_UINT32 } from './number.js';
import { PARAMS_HEADER, ParamCursor } from './params.js';

export const SUBSTATE_OTHER = 0;
export const SUBSTATE_ACTIVE = 1;
export const SUBSTATE_PENDING = 2;
export const SUBSTATE_TERMINATED = 3;
const SUBSTATE_NAMES: readonly string[] = ['', 'active', 'pending', 'terminated'];

export const REASON_OTHER = 0;
export const REASON_DEACTIVATED = 1;
export const REASON_PROBATION = 2;
export const REASON_REJECTED = 3;
export const REASON_TIMEOUT = 4;
export const REASON_GIVEUP = 5;
export const REASON_NORESOURCE = 6;
export const REASON_INVARIANT = 7;
const REASON_NAMES: readonly string[] = ['', 'deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource', 'invariant'];

function lookup(names: readonly string[], buf: Uint8Array, off: number, len: number): number {
  for (let i = 1; i < names.length; i++) if (spanEqualsLower(buf, off, len, names[i])) return i;
  return 0;
}

export class SubscriptionStateValue {
  stateOff = -1;
  stateLen = -1;
  /** SUBSTATE_*; SUBSTATE_OTHER for an extension state (RFC 6665: treat as unknown). */
  stateId = SUBSTATE_OTHER;
  reasonOff = -1;
  reasonLen = -1;
  /** REASON_* when a reason is present; -1 when absent. */
  reasonId = -1;
  expires = -1;
  retryAfter = -1;
  paramsOff = -1;
  paramsLen = -1;
  errorOffset = -1;
  private readonly cursor = new ParamCursor();

  reset(): void {
    this.stateOff = this.stateLen = -1;
    this.stateId = SUBSTATE_OTHER;
    this.reasonOff = this.reasonLen = this.reasonId = -1;
    this.expires = this.retryAfter = -1;
    this.paramsOff = this.paramsLen = -1;
    this.errorOffset = -1;
  }

  get paramCursor(): ParamCursor {
    return this.cursor;
  }
}

export function decodeSubscriptionState(buf: Uint8Array, off: number, end: number, out: SubscriptionStateValue): number {
  out.reset();
  if (end > buf.length) end = buf.length;
  // LWS starts with a byte <= 0x20: without one at either edge (the usual case) no call is made.
  let p = off < end && buf[off] <= 0x20 ? skipLws(buf, off, end) : off;
  if (end > p && buf[end - 1] <= 0x20) end = trimLwsEnd(buf, p, end);
  if (p >= end) { out.errorOffset = p; return E_DEC_EMPTY; }
  const start = p;
  while (p < end && (CHAR_CLASS[buf[p]] & C_TOKEN) !== 0) p++;
  if (p === start) { out.errorOffset = p; return E_DEC_BAD_TOKEN; }
  out.stateOff = start;
  out.stateLen = p - start;
  out.stateId = lookup(SUBSTATE_NAMES, buf, start, p - start);
  const paramsStart = skipLws(buf, p, end);
  if (paramsStart < end) { out.paramsOff = paramsStart; out.paramsLen = end - paramsStart; }
  const cursor = out.paramCursor.reset(buf, p, end, PARAMS_HEADER);
  let r: number;
  while ((r = cursor.next()) === 1) {
    const vOff = cursor.valueOff;
    const vLen = cursor.valueLen;
    const at = vOff < 0 ? cursor.nameOff : vOff;
    if (cursor.nameIs('reason')) {
      let ok = vLen > 0 && !cursor.quoted;
      for (let i = 0; ok && i < vLen; i++) ok = (CHAR_CLASS[buf[vOff + i]] & C_TOKEN) !== 0;
      if (!ok) { out.errorOffset = at; return E_DEC_BAD_PARAM; }
      out.reasonOff = vOff;
      out.reasonLen = vLen;
      out.reasonId = lookup(REASON_NAMES, buf, vOff, vLen);
    } else if (cursor.nameIs('expires') || cursor.nameIs('retry-after')) {
      const v = vLen > 0 && !cursor.quoted ? parseUnsigned(buf, vOff, vOff + vLen, MAX_UINT32) : -1;
      if (v < 0) { out.errorOffset = at; return v === -2 ? E_DEC_OUT_OF_RANGE : E_DEC_BAD_NUMBER; }
      if (cursor.nameLen === 7) out.expires = v;
      else out.retryAfter = v;
    }
  }
  if (r < 0) { out.errorOffset = cursor.errorOffset; return r; }
  return DECODE_OK;
}
