// Responses the UA sends (RFC 3261 §8.2.6.2): "the From field of the response MUST equal the
// From header field of the request. The Call-ID ... MUST equal ... The CSeq ... MUST equal ...
// The Via header field values in the response MUST equal the Via header field values in the
// request and MUST maintain the same ordering." and §8.2.6.2 on To: a tag is added when the
// request had none (except to a 100).
//
// A RequestEcho keeps copies of exactly those header values, so a response can be written later
// than the packet buffer lives (an incoming MESSAGE waits for the application's answer). The copy
// goes into the echo's own preallocated bytes: capturing allocates nothing. The values are kept as
// the header lines a response carries ("Via: …\r\n" … "CSeq: …\r\n"), so writing a response copies
// them in two spans (one each side of the To tag) instead of field by field: in an interpreter
// (QuickJS, XS) every call and every byte-loop iteration counts, and when the echo lives in the
// same array as the response (the UA's response pool) the copy is one native copyWithin.
import type { SipMessageView } from '../sip/view.js';
import { H, headerName } from '../sip/header-ids.js';
import { SipWriterBase } from '../sip/writer.js';
import { tagSpan } from '../sip/tag-span.js';
import { ACCEPT_VALUE, ALLOW_VALUE } from './request-writer.js';
import { asciiBytes } from '../bytes/ascii.js';

const MAX_VIA_HEADERS = 16;


// The canonical long names SipWriter writes (beginId), with ": ".
const VIA_NAME = asciiBytes(`${headerName(H.VIA)}: `);
const FROM_NAME = asciiBytes(`${headerName(H.FROM)}: `);
const TO_NAME = asciiBytes(`${headerName(H.TO)}: `);
const CALL_ID_NAME = asciiBytes(`${headerName(H.CALL_ID)}: `);
const CSEQ_NAME = asciiBytes(`${headerName(H.CSEQ)}: `);
const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;
const BACKSLASH = 0x5c;
/** Bytes of names, ": " and CRLFs around the values, for the most Via lines an echo takes. */
const FRAMING = MAX_VIA_HEADERS * (VIA_NAME.length + 2) + FROM_NAME.length + TO_NAME.length + CALL_ID_NAME.length + CSEQ_NAME.length + 8;

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
export class RequestEcho {
  /** Where the lines live: the echo's own array, or a larger one it shares (see the constructor). */
  readonly bytes: Uint8Array;
  /** Value bytes (Via, From, To, Call-ID, CSeq together) this echo takes at most. */
  readonly capacity: number;
  /** Value bytes held now. */
  used = 0;
  viaCount = 0;
  /** Spans of the values in `bytes`. */
  readonly viaOff = new Int32Array(MAX_VIA_HEADERS);
  readonly viaLen = new Int32Array(MAX_VIA_HEADERS);
  fromOff = 0; fromLen = 0;
  toOff = 0; toLen = 0;
  callIdOff = 0; callIdLen = 0;
  cseqOff = 0; cseqLen = 0;
  /** The request's To already carries a tag (in-dialog): we must not add another. */
  toHasTag = false;
  /**
   * The lines as a response writes them: bytes[linesOff, toEnd) runs from the first Via line to
   * the end of the To value (where a tag may go), bytes[toEnd, linesEnd) is "\r\nCall-ID: …\r\n"
   * "CSeq: …\r\n".
   */
  readonly linesOff: number;
  toEnd = 0;
  linesEnd = 0;
  /** Some value may hold a control byte (an escaped CTL; a CR or LF that is no fold), which a
   *  response refuses: such an echo is written through SipWriter's checks. Folds are not among
   *  them: capture unfolds them (RFC 3261 §7.3.1). */
  mayHaveControls = false;

  /** Bytes an echo of `capacity` value bytes occupies (values and the lines around them). */
  static bytesFor(capacity: number): number {
    return capacity + FRAMING;
  }

  /**
   * `storage` (optional): keep the lines in storage[at, at + bytesFor(capacity)) instead of an
   * array of the echo's own, e.g. behind the slots of the response pool the UA writes into.
   */
  constructor(capacity: number, storage?: Uint8Array, at = 0) {
    this.capacity = capacity;
    if (storage === undefined) {
      this.bytes = new Uint8Array(capacity + FRAMING);
      this.linesOff = 0;
    } else {
      if (!(at >= 0 && at + capacity + FRAMING <= storage.length)) throw new RangeError(`RequestEcho: ${capacity + FRAMING} bytes from ${at} do not fit in ${storage.length}`);
      this.bytes = storage;
      this.linesOff = at;
    }
    this.toEnd = this.linesEnd = this.linesOff;
  }

  /** Copies the headers a response echoes. False when they do not fit (the caller reports it). */
  capture(view: SipMessageView): boolean {
    this.used = 0;
    this.viaCount = 0;
    var n = view.headerCount;
    var ids = view.headerId;
    var offs = view.valueOff;
    var lens = view.valueLen;
    var from = -1, to = -1, callId = -1, cseq = -1;
    var vias = 0;
    var total = 0;
    // The ids in locals: a property read of H per header and test otherwise.
    var VIA = H.VIA, FROM = H.FROM, TO = H.TO, CALL_ID = H.CALL_ID, CSEQ = H.CSEQ;
    for (var i = 0; i < n; i++) {
      const id = ids[i];
      if (id === VIA) { vias++; total += lens[i]!; }
      else if (id === FROM) { if (from < 0) from = i; }
      else if (id === TO) { if (to < 0) to = i; }
      else if (id === CALL_ID) { if (callId < 0) callId = i; }
      else if (id === CSEQ) { if (cseq < 0) cseq = i; }
    }
    if (vias === 0 || vias > MAX_VIA_HEADERS || from < 0 || to < 0 || callId < 0 || cseq < 0) return false;
    total += lens[from]! + lens[to]! + lens[callId]! + lens[cseq]!;
    if (total > this.capacity) return false;
    var src = view.buf;
    // See line(): a backslash anywhere in the header values (first to last; rare enough that
    // the whole section is searched, one native call).
    var lo = offs[0]!;
    var hi = offs[n - 1]! + lens[n - 1]!;
    this.mayHaveControls = hi > lo && src.lastIndexOf(BACKSLASH, hi - 1) >= lo;
    var p = this.linesOff;
    // Lengths are taken from where each line ended: a folded value is shorter once unfolded.
    for (var i = 0; i < n; i++) {
      if (ids[i] !== VIA) continue;
      const at = p + VIA_NAME.length;
      this.viaOff[this.viaCount] = at;
      p = this.line(VIA_NAME, src, offs[i]!, lens[i]!, p, false, true);
      this.viaLen[this.viaCount++] = p - 2 - at;
    }
    this.fromOff = p + FROM_NAME.length;
    p = this.line(FROM_NAME, src, offs[from]!, lens[from]!, p, false, true);
    this.fromLen = p - 2 - this.fromOff;
    this.toOff = p + TO_NAME.length;
    p = this.line(TO_NAME, src, offs[to]!, lens[to]!, p, false, false);
    this.toLen = p - this.toOff;
    this.toEnd = p;
    this.callIdOff = p + 2 + CALL_ID_NAME.length;
    p = this.line(CALL_ID_NAME, src, offs[callId]!, lens[callId]!, p, true, true);
    this.callIdLen = p - 2 - this.callIdOff;
    this.cseqOff = p + CSEQ_NAME.length;
    p = this.line(CSEQ_NAME, src, offs[cseq]!, lens[cseq]!, p, false, true);
    this.cseqLen = p - 2 - this.cseqOff;
    this.used = (p - this.linesOff) - (this.viaCount * (VIA_NAME.length + 2) + FROM_NAME.length + TO_NAME.length + CALL_ID_NAME.length + CSEQ_NAME.length + 8);
    this.linesEnd = p;
    // The view decodes the To once per message (the key reader and the dialog lookup share it).
    this.toHasTag = tagSpan(view, H.TO) >= 0;
    return true;
  }

  /**
   * Writes [CRLF] name value [CRLF] at p and returns where it ended. The value is copied four
   * bytes per iteration (an interpreter pays per loop step). The parser lets a control byte other
   * than HTAB into a value only in a fold (CRLF or LF, then WSP) or after a backslash (an escaped
   * CTL in a quoted-string): a value with an LF (one backward search, which stops at the end of
   * the previous line) is unfolded on the way (see unfold()); a backslash, checked once by
   * capture, may still leave an escaped CTL for the checking writer to refuse.
   */
  private line(name: Uint8Array, src: Uint8Array, off: number, len: number, p: number, lead: boolean, trail: boolean): number {
    var dst = this.bytes;
    if (lead) {
      dst[p] = CR;
      dst[p + 1] = LF;
      p += 2;
    }
    var n = name.length;
    for (var i = 0; i < n; i++) dst[p + i] = name[i]!;
    p += n;
    var end = off + len;
    if (len > 0 && src.lastIndexOf(LF, end - 1) >= off) {
      p = this.unfold(src, off, end, p);
    } else {
      let s = off;
      const end4 = end - 3;
      while (s < end4) {
        dst[p] = src[s]!;
        dst[p + 1] = src[s + 1]!;
        dst[p + 2] = src[s + 2]!;
        dst[p + 3] = src[s + 3]!;
        p += 4;
        s += 4;
      }
      while (s < end) dst[p++] = src[s++]!;
    }
    if (trail) {
      dst[p] = CR;
      dst[p + 1] = LF;
      p += 2;
    }
    return p;
  }

  /**
   * Copies src[off, end) to p with every fold replaced by one SP and returns where it ended.
   * RFC 3261 §7.3.1: "any LWS ... MAY replace [it] with a single SP before interpreting the field
   * value or forwarding the message downstream"; §25.1:
   *   LWS  =  [*WSP CRLF] 1*WSP ; linear whitespace
   * so the whole run (WSP before the line break, the CRLF, the WSP after it, and any folds that
   * follow directly) becomes one SP, as SipMessageView.headerValueText reads it. A bare LF fold
   * (LF then WSP) is what a lenient parse lets through, and is unfolded the same way. Any other
   * CR or LF (not a fold: a header injection attempt if it ever got here) is copied as it is and
   * marks the echo, so the checking writer refuses it (E_W_BAD_VALUE) as it refuses any CTL.
   * Unfolding only shortens a value, so the copy never outgrows the capacity capture checked.
   */
  private unfold(src: Uint8Array, off: number, end: number, p: number): number {
    const dst = this.bytes;
    const start = p;
    let s = off;
    while (s < end) {
      const b = src[s]!;
      if (b !== CR && b !== LF) {
        // Cheap here (folded values are rare): any other CTL but HTAB goes to the checks too.
        if ((b < 0x20 && b !== HTAB) || b === 0x7f) this.mayHaveControls = true;
        dst[p++] = b;
        s++;
        continue;
      }
      const after = foldEnd(src, s, end);
      if (after < 0) {
        this.mayHaveControls = true;
        dst[p++] = b;
        s++;
        continue;
      }
      while (p > start && (dst[p - 1] === SP || dst[p - 1] === HTAB)) p--;
      s = after;
      // Folds following one another (only WSP between them) are one LWS.
      for (;;) {
        while (s < end && (src[s] === SP || src[s] === HTAB)) s++;
        if (s >= end || (src[s] !== CR && src[s] !== LF)) break;
        const next = foldEnd(src, s, end);
        if (next < 0) break;
        s = next;
      }
      dst[p++] = SP;
    }
    return p;
  }
}

/** Where the fold starting at the CR or LF at s ends (just past its first WSP), or -1 when it is
 *  no fold: CRLF or LF must be followed by SP or HTAB inside the value. */
function foldEnd(src: Uint8Array, s: number, end: number): number {
  let k = s;
  if (src[k] === CR) {
    k++;
    if (k >= end || src[k] !== LF) return -1;
  }
  k++;
  if (k >= end || (src[k] !== SP && src[k] !== HTAB)) return -1;
  return k + 1;
}

/** Extra headers a response may need, as bits (no allocation per response). */
export const WITH_ALLOW = 1;
export const WITH_ACCEPT = 2;
export const WITH_ALLOW_EVENTS = 4;
/** Contact (our contact URI): a 2xx to a SUBSCRIBE creates a dialog (RFC 6665 §4.2.1.1, RFC 3261 §12.1.1). */
export const WITH_CONTACT = 8;

/** "Content-Length: 0\r\n\r\n", what SipWriter.finish() ends a response without body with. */
const EMPTY_END = 21;

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
export class ResponseWriter {
  readonly writer = new SipWriterBase();
  private readonly toTag: string;
  private readonly server: string;
  private readonly allowEvents: string;
  /**
   * The bytes of the usual response (no extras), made once by the writer itself so they cannot
   * differ from its output: ";tag=<ours>", "Server: …\r\nContent-Length: 0\r\n\r\n", and the
   * Status-Line of the last status and reason written. Null when our tag or Server value would be
   * refused (every response then goes through the writer and reports it).
   */
  private readonly tagBytes: Uint8Array | null;
  private readonly tail: Uint8Array | null;
  private readonly statusLine = new Uint8Array(96);
  private statusLineLen = 0;
  private statusLineStatus = -1;
  private statusLineReason = '';

  constructor(toTag: string, server: string, allowEvents: string) {
    this.toTag = toTag;
    this.server = server;
    this.allowEvents = allowEvents;
    const w = this.writer;
    const scratch = new Uint8Array(96 + 3 * (toTag.length + server.length));
    // "SIP/2.0 200 OK\r\n" is 16 bytes, "To: " 4.
    let n = w.response(scratch, 0, scratch.length, 200, 'OK').beginId(H.TO).text(';tag=').text(toTag).end().finish();
    this.tagBytes = n > 0 ? scratch.slice(20, n - EMPTY_END - 2) : null;
    n = w.response(scratch, 0, scratch.length, 200, 'OK').headerId(H.SERVER, server).finish();
    this.tail = n > 0 ? scratch.slice(16, n) : null;
  }

  /** Contact value written with WITH_CONTACT (set once by the UA). */
  contact = '';
  /** Allow written with WITH_ALLOW: INVITE joins once the UA takes chats (enableChat). */
  allow = ALLOW_VALUE;

  /**
   * Writes a response echoing `echo` into buf[off, off+len). Returns the length or a negative writer code.
   * `expires` / `retryAfter` (seconds, -1: none): Expires of a SUBSCRIBE's 2xx, Retry-After of a
   * 480/503 (RFC 3261 §20.33). `accept` (non-empty) is an Accept written in place of our default
   * one, e.g. the types the application takes in a 415 (§21.4.13).
   */
  write(buf: Uint8Array, off: number, len: number, status: number, reason: string, echo: RequestEcho, extras: number, expires = -1, retryAfter = -1, accept = ''): number {
    var tagBytes = this.tagBytes;
    var tail = this.tail;
    // The usual response (a 200 to a NOTIFY): the prepared bytes and the echo's two spans. Anything
    // else, and anything that may fail, goes through SipWriter, whose codes are the contract.
    if (extras !== 0 || expires >= 0 || retryAfter >= 0 || accept !== '' || echo.mayHaveControls || tagBytes === null || tail === null ||
        this.writer.compact || !(off >= 0 && len >= 0 && off + len <= buf.length && (off | 0) === off && (len | 0) === len)) {
      return this.writeChecked(buf, off, len, status, reason, echo, extras, expires, retryAfter, accept);
    }
    if (status !== this.statusLineStatus || reason !== this.statusLineReason) {
      if (!this.prepareStatusLine(status, reason)) return this.writeChecked(buf, off, len, status, reason, echo, extras, expires, retryAfter, accept);
    }
    var src = echo.bytes;
    var linesOff = echo.linesOff;
    var toEnd = echo.toEnd;
    var linesEnd = echo.linesEnd;
    var tag = !echo.toHasTag && status > 100;
    var lineLen = this.statusLineLen;
    var total = lineLen + (linesEnd - linesOff) + (tag ? tagBytes.length : 0) + tail.length;
    // Too small a buffer, or one that overlaps the echo's lines: the writer says what it makes of it.
    if (total > len || (src === buf && off < linesEnd && off + total > linesOff)) {
      return this.writeChecked(buf, off, len, status, reason, echo, extras, expires, retryAfter, accept);
    }
    var p = off;
    var line = this.statusLine;
    for (var i = 0; i < lineLen; i++) buf[p + i] = line[i]!;
    p += lineLen;
    if (src === buf) {
      buf.copyWithin(p, linesOff, toEnd);
      p += toEnd - linesOff;
    } else {
      for (let i = linesOff; i < toEnd; i++) buf[p++] = src[i]!;
    }
    if (tag) {
      const n = tagBytes.length;
      for (let i = 0; i < n; i++) buf[p + i] = tagBytes[i]!;
      p += n;
    }
    if (src === buf) {
      buf.copyWithin(p, toEnd, linesEnd);
      p += linesEnd - toEnd;
    } else {
      for (let i = toEnd; i < linesEnd; i++) buf[p++] = src[i]!;
    }
    var n = tail.length;
    for (var i = 0; i < n; i++) buf[p + i] = tail[i]!;
    return p + n - off;
  }

  /** The Status-Line as the writer writes it, kept for the next response with the same status and reason. */
  private prepareStatusLine(status: number, reason: string): boolean {
    const n = this.writer.response(this.statusLine, 0, this.statusLine.length, status, reason).finish();
    if (n <= 0) {
      this.statusLineStatus = -1;
      return false;
    }
    this.statusLineLen = n - EMPTY_END;
    this.statusLineStatus = status;
    this.statusLineReason = reason;
    return true;
  }

  /** Field by field through SipWriter, every value checked (RFC 3261 §25.1: no CTLs in a value). */
  private writeChecked(buf: Uint8Array, off: number, len: number, status: number, reason: string, echo: RequestEcho, extras: number, expires: number, retryAfter: number, accept: string): number {
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
