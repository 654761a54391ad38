// Stream framing for SIP over TCP/TLS (RFC 3261 §18.3): bytes arrive in arbitrary chunks; this
// cuts them into messages using Content-Length, which streams require.
//
// The framer owns no memory of its own: the caller hands it a fixed-capacity Uint8Array, and it
// never grows. Bytes are appended at `end`; a message is parsed in place from `start`; when a
// chunk does not fit behind `end`, the unread bytes are moved to the front first.
//
// Between messages, CRLFs are keep-alives (RFC 5626 §3.5.1: a client pings with CRLFCRLF, the
// server answers with CRLF) and RFC 3261 §7.5 says to ignore them; they are counted.
//
// After a bad message the framer resynchronises: it drops bytes up to the next line that looks
// like a start line ("SIP/2.0 NNN ..." or "METHOD uri SIP/2.0"), so the next good message is not lost.
import { CLASS, TOKEN, DIGIT, CR, LF, SP, LOWER } from '../bytes/chars.js';
import { NEED_MORE, E_FRAMER_OVERFLOW } from './errors.js';
import { parse, createParseOptions, type ParseOptions } from './parser.js';
import type { SipMessageView } from './view.js';

const LOOKS_LIKE_START = 1;
const NOT_A_START = -1;
const UNKNOWN_YET = 0;

export class SipStreamFramer {
  /** Complete CRLFCRLF keep-alive pings seen between messages (RFC 5626 §3.5.1). */
  keepAlivePings = 0;
  /** Every CRLF seen between messages; a client waiting for a pong (a single CRLF) watches this. */
  keepAliveCrlfs = 0;
  /** Messages delivered by next(). */
  messages = 0;
  /** Errors reported by next(). */
  errors = 0;
  /** Bytes dropped while resynchronising after errors. */
  bytesDiscarded = 0;

  private readonly storage: Uint8Array;
  private readonly options: ParseOptions;
  private start = 0;
  private end = 0;
  /** After an error: skip to the next plausible start line before parsing again. */
  private resyncing = false;
  /** While resyncing: `start` is at a line start that has not been examined yet. */
  private atLineStart = false;
  /** Bytes of an oversized message still to be dropped as they arrive. */
  private skipRemaining = 0;
  /** CRLFs in the current keep-alive run (two make a ping). */
  private crlfRun = 0;

  /**
   * @param storage fixed buffer the framer works in; its length is the capacity. It should be at
   *   least the view's maxMessageBytes, or large messages end in E_FRAMER_OVERFLOW.
   * @param options lenient parse knobs; `datagram` is forced off (this is a stream).
   */
  constructor(storage: Uint8Array, options?: Partial<ParseOptions>) {
    this.storage = storage;
    this.options = createParseOptions(options);
    this.options.datagram = false;
  }

  /** Bytes buffered and not yet delivered. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Free space for push() (after compaction). */
  get available(): number {
    return this.storage.length - (this.end - this.start);
  }

  /** Copy up to `len` bytes of chunk[off..] into the buffer; returns how many were accepted (the
   *  caller pushes the rest after next() has made room). Invalidates the spans of the last
   *  message delivered, because its bytes may move. */
  push(chunk: Uint8Array, off: number, len: number): number {
    if (!(off >= 0 && len > 0 && off + len <= chunk.length)) return 0;
    const storage = this.storage;
    const cap = storage.length;
    if (this.end + len > cap && this.start > 0) {
      storage.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    let n = cap - this.end;
    if (n > len) n = len;
    const to = this.end;
    for (let i = 0; i < n; i++) storage[to + i] = chunk[off + i];
    this.end += n;
    return n;
  }

  /** Deliver the next message into `view`: returns its length (> 0; the view's spans index this
   *  framer's storage and stay valid until the next push()), NEED_MORE (0), or a negative error
   *  code for a bad message that has been dropped (call next() again: the framer has resynchronised). */
  next(view: SipMessageView): number {
    const buf = this.storage;
    for (;;) {
      if (this.skipRemaining > 0) {
        const n = this.end - this.start < this.skipRemaining ? this.end - this.start : this.skipRemaining;
        this.skipRemaining -= n;
        this.discard(this.start + n);
        if (this.skipRemaining > 0) return NEED_MORE;
      }
      if (this.resyncing && !this.resync(view.limits.maxLineBytes)) return NEED_MORE;
      // Keep-alive CRLFs between messages.
      let p = this.start;
      const end = this.end;
      while (p < end) {
        const c = buf[p];
        if (c === CR) {
          if (p + 1 >= end) break;
          if (buf[p + 1] !== LF) break; // the parser reports it
          p += 2;
        } else if (c === LF && this.options.allowBareLf) {
          p += 1;
        } else {
          break;
        }
        this.keepAliveCrlfs++;
        if (++this.crlfRun === 2) {
          this.keepAlivePings++;
          this.crlfRun = 0;
        }
      }
      this.start = p;
      if (p >= end) {
        this.start = this.end = 0; // empty: rewind for free
        return NEED_MORE;
      }
      if (buf[p] === CR && p + 1 >= end) return NEED_MORE;
      this.crlfRun = 0;

      const r = parse(buf, p, end - p, view, this.options);
      if (r > 0) {
        this.start = p + r;
        this.messages++;
        return r;
      }
      if (r === NEED_MORE) {
        if (p === 0 && end === buf.length) {
          // A message that can never fit: drop it. When its header section is complete, its exact
          // length is known and it is skipped precisely (the next message may follow its body
          // without a line break); otherwise resynchronise on lines.
          view.errorCode = E_FRAMER_OVERFLOW;
          view.errorOffset = end;
          this.errors++;
          if (view.contentLength >= 0 && view.bodyOff > p) {
            this.skipRemaining = view.bodyOff + view.contentLength - p;
          } else {
            this.resyncing = true;
            this.atLineStart = false;
          }
          return E_FRAMER_OVERFLOW;
        }
        return NEED_MORE;
      }
      this.startResync();
      return r;
    }
  }

  /** Forget everything buffered (e.g. on reconnect). Counters are kept. */
  clear(): void {
    this.start = this.end = 0;
    this.resyncing = false;
    this.atLineStart = false;
    this.skipRemaining = 0;
    this.crlfRun = 0;
  }

  private startResync(): void {
    this.errors++;
    this.resyncing = true;
    this.atLineStart = false; // the bad message's own first line is not a candidate
  }

  /** Drop bytes until `start` is at a plausible start line. False when more data is needed. */
  private resync(maxLine: number): boolean {
    const buf = this.storage;
    const end = this.end;
    let p = this.start;
    for (;;) {
      if (!this.atLineStart) {
        while (p < end && buf[p] !== LF) p++;
        if (p >= end) {
          this.discard(end);
          return false;
        }
        p++;
        this.atLineStart = true;
      }
      const verdict = plausibleStartLine(buf, p, end, this.options.allowBareLf, maxLine);
      if (verdict === LOOKS_LIKE_START) {
        this.discard(p);
        this.resyncing = false;
        this.atLineStart = false;
        return true;
      }
      if (verdict === UNKNOWN_YET) {
        this.discard(p);
        if (this.start === 0 && this.end === buf.length) {
          // A full buffer of one unterminated line: it cannot be a start line.
          this.atLineStart = false;
          p = this.start;
          continue;
        }
        return false;
      }
      this.atLineStart = false;
    }
  }

  private discard(to: number): void {
    this.bytesDiscarded += to - this.start;
    this.start = to;
    if (this.start === this.end) this.start = this.end = 0;
  }
}

/** Does the line at `p` look like a Request-Line or Status-Line? A cheap shape check only; the
 *  parser decides for real.  "SIP/2.0 " 3DIGIT  |  token SP 1*(non-SP) SP "SIP/2.0" EOL */
function plausibleStartLine(buf: Uint8Array, p: number, end: number, bareLf: boolean, maxLine: number): number {
  const stop = p + maxLine + 1 < end ? p + maxLine + 1 : end;
  let e = p;
  while (e < stop && buf[e] !== CR && buf[e] !== LF) e++;
  if (e >= stop) return stop < end ? NOT_A_START : UNKNOWN_YET;
  if (buf[e] === LF && !bareLf) return NOT_A_START;
  if (isSip20At(buf, p, e) && e - p >= 11 && buf[p + 7] === SP &&
    (CLASS[buf[p + 8]] & DIGIT) && (CLASS[buf[p + 9]] & DIGIT) && (CLASS[buf[p + 10]] & DIGIT)) {
    return LOOKS_LIKE_START;
  }
  let q = p;
  while (q < e && (CLASS[buf[q]] & TOKEN)) q++;
  if (q === p || q >= e || buf[q] !== SP) return NOT_A_START;
  q++;
  const uri = q;
  while (q < e && buf[q] !== SP) q++;
  if (q === uri || q >= e) return NOT_A_START;
  return e - (q + 1) === 7 && isSip20At(buf, q + 1, e) ? LOOKS_LIKE_START : NOT_A_START;
}

function isSip20At(buf: Uint8Array, at: number, limit: number): boolean {
  return limit - at >= 7 && LOWER[buf[at]] === 0x73 && LOWER[buf[at + 1]] === 0x69 && LOWER[buf[at + 2]] === 0x70 &&
    buf[at + 3] === 0x2f && buf[at + 4] === 0x32 && buf[at + 5] === 0x2e && buf[at + 6] === 0x30;
}
