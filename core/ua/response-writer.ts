// Responses the UA sends (RFC 3261 §8.2.6.2): "the From field of the response MUST equal the
// From header field of the request. The Call-ID ... MUST equal ... The CSeq ... MUST equal ...
// The Via header field values in the response MUST equal the Via header field values in the
// request and MUST maintain the same ordering." and §8.2.6.2 on To: a tag is added when the
// request had none (except to a 100).
//
// A RequestEcho keeps copies of exactly those header values, so a response can be written later
// than the packet buffer lives (an incoming MESSAGE waits for the application's answer). The copy
// goes into the echo's own preallocated bytes: capturing allocates nothing.
import type { SipMessageView } from '../sip/view.js';
import { H } from '../sip/header-ids.js';
import { SipWriter } from '../sip/writer.js';
import { NameAddrValue, decodeNameAddr } from '../sip/decode/name-addr.js';
import { ACCEPT_VALUE, ALLOW_VALUE } from './request-writer.js';

const MAX_VIA_HEADERS = 16;

export class RequestEcho {
  readonly bytes: Uint8Array;
  used = 0;
  viaCount = 0;
  readonly viaOff = new Int32Array(MAX_VIA_HEADERS);
  readonly viaLen = new Int32Array(MAX_VIA_HEADERS);
  fromOff = 0; fromLen = 0;
  toOff = 0; toLen = 0;
  callIdOff = 0; callIdLen = 0;
  cseqOff = 0; cseqLen = 0;
  /** The request's To already carries a tag (in-dialog): we must not add another. */
  toHasTag = false;
  private readonly nameAddr = new NameAddrValue();

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Copies the headers a response echoes. False when they do not fit (the caller reports it). */
  capture(view: SipMessageView): boolean {
    this.used = 0;
    this.viaCount = 0;
    const n = view.headerCount;
    let from = -1, to = -1, callId = -1, cseq = -1;
    for (let i = 0; i < n; i++) {
      const id = view.headerId[i];
      if (id === H.VIA) {
        if (this.viaCount === MAX_VIA_HEADERS) return false;
        const at = this.copy(view, i);
        if (at < 0) return false;
        this.viaOff[this.viaCount] = at;
        this.viaLen[this.viaCount++] = view.valueLen[i]!;
      } else if (id === H.FROM && from < 0) from = i;
      else if (id === H.TO && to < 0) to = i;
      else if (id === H.CALL_ID && callId < 0) callId = i;
      else if (id === H.CSEQ && cseq < 0) cseq = i;
    }
    if (this.viaCount === 0 || from < 0 || to < 0 || callId < 0 || cseq < 0) return false;
    if ((this.fromOff = this.copy(view, from)) < 0) return false;
    this.fromLen = view.valueLen[from]!;
    if ((this.toOff = this.copy(view, to)) < 0) return false;
    this.toLen = view.valueLen[to]!;
    if ((this.callIdOff = this.copy(view, callId)) < 0) return false;
    this.callIdLen = view.valueLen[callId]!;
    if ((this.cseqOff = this.copy(view, cseq)) < 0) return false;
    this.cseqLen = view.valueLen[cseq]!;
    this.toHasTag = decodeNameAddr(this.bytes, this.toOff, this.toOff + this.toLen, this.nameAddr) === 0 && this.nameAddr.tagOff >= 0;
    return true;
  }

  private copy(view: SipMessageView, header: number): number {
    const off = view.valueOff[header]!;
    const len = view.valueLen[header]!;
    if (this.used + len > this.bytes.length) return -1;
    const at = this.used;
    const src = view.buf;
    const dst = this.bytes;
    for (let i = 0; i < len; i++) dst[at + i] = src[off + i]!;
    this.used += len;
    return at;
  }
}

/** Extra headers a response may need, as bits (no allocation per response). */
export const WITH_ALLOW = 1;
export const WITH_ACCEPT = 2;
export const WITH_ALLOW_EVENTS = 4;
/** Contact (our contact URI): a 2xx to a SUBSCRIBE creates a dialog (RFC 6665 §4.2.1.1, RFC 3261 §12.1.1). */
export const WITH_CONTACT = 8;

export class ResponseWriter {
  readonly writer = new SipWriter();
  private readonly toTag: string;
  private readonly server: string;
  private readonly allowEvents: string;

  constructor(toTag: string, server: string, allowEvents: string) {
    this.toTag = toTag;
    this.server = server;
    this.allowEvents = allowEvents;
  }

  /** Writes a response echoing `echo` into buf[off, off+len). Returns the length or a negative writer code. */
  /** Contact value written with WITH_CONTACT (set once by the UA). */
  contact = '';
  /** Allow written with WITH_ALLOW: INVITE joins once the UA takes chats (enableChat). */
  allow = ALLOW_VALUE;

  /**
   * `expires` / `retryAfter` (seconds, -1: none): Expires of a SUBSCRIBE's 2xx, Retry-After of a
   * 480/503 (RFC 3261 §20.33). `accept` (non-empty) is an Accept written in place of our default
   * one, e.g. the types the application takes in a 415 (§21.4.13).
   */
  write(buf: Uint8Array, off: number, len: number, status: number, reason: string, echo: RequestEcho, extras: number, expires = -1, retryAfter = -1, accept = ''): number {
    const w = this.writer;
    const b = echo.bytes;
    w.response(buf, off, len, status, reason);
    for (let i = 0; i < echo.viaCount; i++) w.headerIdBytes(H.VIA, b, echo.viaOff[i]!, echo.viaLen[i]!);
    w.headerIdBytes(H.FROM, b, echo.fromOff, echo.fromLen);
    w.beginId(H.TO).bytes(b, echo.toOff, echo.toLen);
    if (!echo.toHasTag && status > 100) w.text(';tag=').text(this.toTag);
    w.end()
      .headerIdBytes(H.CALL_ID, b, echo.callIdOff, echo.callIdLen)
      .headerIdBytes(H.CSEQ, b, echo.cseqOff, echo.cseqLen);
    if ((extras & WITH_ALLOW) !== 0) w.headerId(H.ALLOW, this.allow);
    if (accept !== '') w.headerId(H.ACCEPT, accept);
    else if ((extras & WITH_ACCEPT) !== 0) w.headerId(H.ACCEPT, ACCEPT_VALUE);
    if ((extras & WITH_ALLOW_EVENTS) !== 0) w.headerId(H.ALLOW_EVENTS, this.allowEvents);
    if ((extras & WITH_CONTACT) !== 0 && this.contact !== '') w.headerId(H.CONTACT, this.contact);
    if (expires >= 0) w.headerIdUint(H.EXPIRES, expires);
    if (retryAfter >= 0) w.headerIdUint(H.RETRY_AFTER, retryAfter);
    w.headerId(H.SERVER, this.server);
    return w.finish();
  }
}

/** Reason phrases for the statuses the UA writes (RFC 3261 §21); others get a generic one. */
export function reasonPhrase(status: number): string {
  switch (status) {
    case 100: return 'Trying';
    case 180: return 'Ringing';
    case 200: return 'OK';
    case 202: return 'Accepted';
    case 204: return 'No Notification';
    case 400: return 'Bad Request';
    case 403: return 'Forbidden';
    case 404: return 'Not Found';
    case 405: return 'Method Not Allowed';
    case 415: return 'Unsupported Media Type';
    case 480: return 'Temporarily Unavailable';
    case 481: return 'Call/Transaction Does Not Exist';
    case 486: return 'Busy Here';
    case 487: return 'Request Terminated';
    case 488: return 'Not Acceptable Here';
    case 423: return 'Interval Too Brief';
    case 489: return 'Bad Event';
    case 500: return 'Server Internal Error';
    case 501: return 'Not Implemented';
    case 503: return 'Service Unavailable';
    case 603: return 'Decline';
    default: return status < 300 ? 'OK' : status < 400 ? 'Redirect' : status < 500 ? 'Client Error' : status < 600 ? 'Server Error' : 'Global Failure';
  }
}
