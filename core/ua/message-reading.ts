// Small readers over a parsed SipMessageView for the values the UA acts on (Expires,
// Min-Expires, Retry-After, tags, Contact, Record-Route, SIP-ETag, Subscription-State). Each
// decoder's output object is owned here and reused; numbers come back without allocating;
// strings only where the value outlives the packet (dialog state, etags, event text).
import { H } from '../sip/header-ids.js';
import { HeaderValueCursor } from '../sip/values.js';
import { type SipMessageView, decodeText, unfoldText } from '../sip/view.js';
import { NumberValue, decodeExpires, decodeMinExpires } from '../sip/decode/number.js';
import { RetryAfterValue, decodeRetryAfter } from '../sip/decode/retry-after.js';
import { PARAMS_HEADER } from '../sip/decode/params.js';
import { ContactValue, NameAddrValue, decodeContact, decodeNameAddr } from '../sip/decode/name-addr.js';
import { EventValue, decodeEvent } from '../sip/decode/event.js';
import { SubscriptionStateValue, SUBSTATE_ACTIVE, SUBSTATE_PENDING, SUBSTATE_TERMINATED, decodeSubscriptionState } from '../sip/decode/subscription-state.js';
import { TokenValue, decodeSipETag } from '../sip/decode/token.js';
import { tagSpan } from '../sip/tag-span.js';

const LAQUOT = 0x3c;
const RAQUOT = 0x3e;

const number = new NumberValue();
const retryAfter = new RetryAfterValue();
const NO_BYTES = new Uint8Array(0);
const nameAddr = new NameAddrValue();
export const contactValue = new ContactValue();
const eventValue = new EventValue();
const subState = new SubscriptionStateValue();
const token = new TokenValue();
export const valueCursor = new HeaderValueCursor();

// `var`: QuickJS checks a let/const (TDZ) on every use; ~100 characters a NOTIFY pass here.
/** True when buf[off, off+len) is exactly the ASCII string s. */
export function spanEquals(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (off < 0 || len !== s.length) return false;
  for (var i = 0; i < len; i++) if (buf[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

function span(view: SipMessageView, id: number): number {
  return view.find(id);
}

/** Expires header value, or -1. */
export function readExpires(view: SipMessageView): number {
  const i = span(view, H.EXPIRES);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  return decodeExpires(view.buf, off, off + view.valueLen[i]!, number) === 0 ? number.value : -1;
}

export function readMinExpires(view: SipMessageView): number {
  const i = span(view, H.MIN_EXPIRES);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  return decodeMinExpires(view.buf, off, off + view.valueLen[i]!, number) === 0 ? number.value : -1;
}

/** Retry-After in seconds (RFC 3261 §20.33), or -1. */
export function readRetryAfter(view: SipMessageView): number {
  const i = span(view, H.RETRY_AFTER);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  const seconds = decodeRetryAfter(view.buf, off, off + view.valueLen[i]!, retryAfter) === 0 ? retryAfter.seconds : -1;
  // This decoder is module-level, shared by every UserAgent, and read rarely (503s): its cursor
  // kept the last such message's buffer — a TCP flow's 16 KiB framer buffer — alive after the
  // UserAgent owning it was gone (the flow soak saw a restarted phone's buffer retained through
  // it). The seconds are read; the cursor lets go of the bytes.
  retryAfter.paramCursor.reset(NO_BYTES, 0, 0, PARAMS_HEADER);
  return seconds;
}

/** Span of the tag of From or To into view.buf: returns the offset and leaves the length in tagLength; -1 when absent. */
export let tagLength = 0;
export function readTag(view: SipMessageView, id: number): number {
  if (id === H.TO || id === H.FROM) {
    // Decoded once per parsed message (the view keeps it): the key reader and the echo ask too.
    const off = tagSpan(view, id);
    tagLength = id === H.TO ? view.toTagLen : view.fromTagLen;
    return off;
  }
  tagLength = 0;
  const i = span(view, id);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  if (decodeNameAddr(view.buf, off, off + view.valueLen[i]!, nameAddr) !== 0 || nameAddr.tagOff < 0) return -1;
  tagLength = nameAddr.tagLen;
  return nameAddr.tagOff;
}

/** The tag of From/To as a string ('' when absent): for dialog state, which outlives the packet. */
export function readTagText(view: SipMessageView, id: number): string {
  const off = readTag(view, id);
  return off < 0 ? '' : decodeText(view.buf, off, tagLength);
}

/** The URI of From/To as text ('' when unreadable). */
export function readAddressUri(view: SipMessageView, id: number): string {
  const i = span(view, id);
  if (i < 0) return '';
  const off = view.valueOff[i]!;
  if (decodeNameAddr(view.buf, off, off + view.valueLen[i]!, nameAddr) !== 0) return '';
  return decodeText(view.buf, nameAddr.uriOff, nameAddr.uriLen);
}

/** The first Contact's URI as text, '' when none. */
export function readContactUri(view: SipMessageView): string {
  valueCursor.reset(view, H.CONTACT);
  if (!valueCursor.next()) return '';
  if (decodeContact(view.buf, valueCursor.off, valueCursor.off + valueCursor.len, contactValue) !== 0 || contactValue.star) return '';
  return decodeText(view.buf, contactValue.uriOff, contactValue.uriLen);
}

/** True when the message has no usable Contact or its first URI is exactly `uri`: the remote target stays, and no string is made. */
export function contactUriIs(view: SipMessageView, uri: string): boolean {
  // The usual in-dialog case, a first Contact that is exactly "<" uri ">", answers true without
  // a decode. It is the answer the decode would give: with no ">" in uri, that value is one list
  // element; it either decodes to exactly uri or fails to decode, and both mean true.
  const i = view.find(H.CONTACT);
  if (i >= 0) {
    const buf = view.buf;
    const off = view.valueOff[i]!;
    const len = view.valueLen[i]!;
    const n = uri.length;
    if (len === n + 2 && buf[off] === LAQUOT && buf[off + n + 1] === RAQUOT && uri.indexOf('>') < 0 && spanEquals(buf, off + 1, n, uri)) return true;
  }
  valueCursor.reset(view, H.CONTACT);
  if (!valueCursor.next()) return true;
  if (decodeContact(view.buf, valueCursor.off, valueCursor.off + valueCursor.len, contactValue) !== 0 || contactValue.star) return true;
  return spanEquals(view.buf, contactValue.uriOff, contactValue.uriLen, uri);
}

/** Every Record-Route value in message order (RFC 3261 §12.1). */
export function readRecordRoutes(view: SipMessageView): string[] {
  const out: string[] = [];
  valueCursor.reset(view, H.RECORD_ROUTE);
  while (valueCursor.next()) out.push(unfoldText(view.buf, valueCursor.off, valueCursor.len));
  return out;
}

/** The Event package name as text ('' when absent or malformed). */
export function readEventPackage(view: SipMessageView): string {
  const i = span(view, H.EVENT);
  if (i < 0) return '';
  const off = view.valueOff[i]!;
  if (decodeEvent(view.buf, off, off + view.valueLen[i]!, eventValue) !== 0) return '';
  return decodeText(view.buf, eventValue.typeOff, eventValue.typeLen).toLowerCase();
}

/**
 * Index in `names` (lower-case package names) of the Event header's package, compared caselessly
 * in place (no string per NOTIFY); -1 when absent, malformed or unknown.
 */
export function matchEventPackage(view: SipMessageView, names: readonly string[]): number {
  const i = span(view, H.EVENT);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  if (decodeEvent(view.buf, off, off + view.valueLen[i]!, eventValue) !== 0) return -1;
  const buf = view.buf;
  const at = eventValue.typeOff;
  const len = eventValue.typeLen;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name.length !== len) continue;
    let j = 0;
    while (j < len) {
      let c = buf[at + j]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c !== name.charCodeAt(j)) break;
      j++;
    }
    if (j === len) return k;
  }
  return -1;
}

export function readContentType(view: SipMessageView): string {
  return view.headerText(H.CONTENT_TYPE) ?? '';
}

export function readSipETag(view: SipMessageView): string {
  const i = span(view, H.SIP_ETAG);
  if (i < 0) return '';
  const off = view.valueOff[i]!;
  return decodeSipETag(view.buf, off, off + view.valueLen[i]!, token) === 0 ? decodeText(view.buf, token.off, token.len) : '';
}

export interface DecodedSubscriptionState {
  state: 'active' | 'pending' | 'terminated';
  expires: number;
  reason: string;
  retryAfter: number;
}

/** RFC 6665 §4.1.3 Subscription-State into `out`; false when absent or malformed. An extension
 *  state value is taken as pending: the subscription lives, but its state is not confirmed. */
export function readSubscriptionState(view: SipMessageView, out: DecodedSubscriptionState): boolean {
  const i = span(view, H.SUBSCRIPTION_STATE);
  if (i < 0) return false;
  const off = view.valueOff[i]!;
  if (decodeSubscriptionState(view.buf, off, off + view.valueLen[i]!, subState) !== 0) return false;
  out.state = subState.stateId === SUBSTATE_ACTIVE ? 'active' : subState.stateId === SUBSTATE_TERMINATED ? 'terminated' : 'pending';
  if (subState.stateId !== SUBSTATE_ACTIVE && subState.stateId !== SUBSTATE_PENDING && subState.stateId !== SUBSTATE_TERMINATED) out.state = 'pending';
  out.expires = subState.expires;
  out.reason = subState.reasonOff >= 0 ? decodeText(view.buf, subState.reasonOff, subState.reasonLen).toLowerCase() : '';
  out.retryAfter = subState.retryAfter;
  return true;
}

/**
 * A copy of the body the application may keep. Not `buf.slice()`: a host may pass a Node Buffer
 * (a Uint8Array subclass), whose slice() shares memory with the receive buffer it reuses.
 */
export function copyBody(view: SipMessageView): Uint8Array {
  const out = new Uint8Array(view.bodyLen);
  out.set(view.buf.subarray(view.bodyOff, view.bodyOff + view.bodyLen));
  return out;
}
