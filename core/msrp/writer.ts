// Writing MSRP frames into a caller buffer, all or nothing (RFC 4975 §7.1: SEND with chunking,
// §7.2 responses, §7.1.2 REPORT). Returns bytes written, or E_MSRP_NO_SPACE when the frame does
// not fit (nothing usable is left in the buffer then).

export const E_MSRP_NO_SPACE = -720;
export const E_MSRP_BAD_VALUE = -721;

export interface MsrpSendFields {
  transactionId: string;
  toPath: string;
  fromPath: string;
  messageId: string;
  /** Byte-Range: 1-based start, end (or -1 for "*"), total (or -1 for "*"). */
  rangeStart: number;
  rangeEnd: number;
  total: number;
  contentType: string;
  /** '' to leave the header out (defaults: Success-Report no, Failure-Report yes, §7.1.1). */
  successReport: '' | 'yes' | 'no';
  failureReport: '' | 'yes' | 'no' | 'partial';
  /** '+', '$' or '#'. */
  continuation: '+' | '$' | '#';
  /**
   * Optional byte forms of the ids: when set, transactionIdBytes[0, transactionIdLen) (and
   * likewise the Message-ID) is written instead of the string, so a sender that keeps its ids
   * as bytes makes no string per chunk. They must be ident characters (§9); not checked here.
   */
  transactionIdBytes?: Uint8Array | null;
  transactionIdLen?: number;
  messageIdBytes?: Uint8Array | null;
  messageIdLen?: number;
}

class Out {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  ok = true;

  ascii(s: string): this {
    const n = s.length;
    if (this.pos + n > this.end) { this.ok = false; return this; }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Header values and ids are ASCII by construction; anything else would corrupt framing.
      if (c > 126 || c === 13 || c === 10) { this.ok = false; return this; }
      this.buf[this.pos++] = c;
    }
    return this;
  }

  uint(n: number): this {
    if (n === 0) return this.ascii('0');
    let digits = 0;
    for (let v = n; v > 0; v = Math.floor(v / 10)) digits++;
    if (this.pos + digits > this.end) { this.ok = false; return this; }
    for (let i = digits - 1, v = n; i >= 0; i--, v = Math.floor(v / 10)) this.buf[this.pos + i] = 48 + (v % 10);
    this.pos += digits;
    return this;
  }

  bytes(src: Uint8Array, off: number, len: number): this {
    if (this.pos + len > this.end) { this.ok = false; return this; }
    // The native copy needs a view of the source range (one small object per call); a JS byte
    // loop makes none but costs ~2x the whole 2 KB chunk send (bench/msrp.ts sessionSend), so
    // only short ranges, and whole arrays, are copied without one.
    if (len < 64) return this.span(src, off, len);
    if (off === 0 && len === src.length) this.buf.set(src, this.pos);
    else this.buf.set(src.subarray(off, off + len), this.pos);
    this.pos += len;
    return this;
  }

  /** Copies bytes without making a view (bytes() makes one per call for the native copy). */
  span(src: Uint8Array, off: number, len: number): this {
    if (this.pos + len > this.end) { this.ok = false; return this; }
    const b = this.buf;
    const at = this.pos;
    for (let i = 0; i < len; i++) b[at + i] = src[off + i]!;
    this.pos += len;
    return this;
  }

  crlf(): this {
    if (this.pos + 2 > this.end) { this.ok = false; return this; }
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
    return this;
  }
}

const out = new Out();

function begin(buf: Uint8Array, off: number, cap: number): Out {
  out.buf = buf;
  out.pos = off;
  out.end = Math.min(buf.length, off + cap);
  out.ok = true;
  return out;
}

/** A SEND chunk (§7.1.1): headers, Content-Type, blank line, data, end-line. */
export function writeMsrpSend(buf: Uint8Array, off: number, cap: number, f: MsrpSendFields, data: Uint8Array, dataOff: number, dataLen: number): number {
  const o = begin(buf, off, cap);
  o.ascii('MSRP ');
  transactionIdOf(o, f);
  o.ascii(' SEND').crlf();
  o.ascii('To-Path: ').ascii(f.toPath).crlf();
  o.ascii('From-Path: ').ascii(f.fromPath).crlf();
  o.ascii('Message-ID: ');
  if (f.messageIdBytes) o.span(f.messageIdBytes, 0, f.messageIdLen ?? 0); else o.ascii(f.messageId);
  o.crlf();
  if (f.successReport) o.ascii('Success-Report: ').ascii(f.successReport).crlf();
  if (f.failureReport) o.ascii('Failure-Report: ').ascii(f.failureReport).crlf();
  o.ascii('Byte-Range: ').uint(f.rangeStart).ascii('-');
  if (f.rangeEnd < 0) o.ascii('*'); else o.uint(f.rangeEnd);
  o.ascii('/');
  if (f.total < 0) o.ascii('*'); else o.uint(f.total);
  o.crlf();
  if (dataLen > 0 || f.contentType !== '') {
    o.ascii('Content-Type: ').ascii(f.contentType).crlf().crlf();
    o.bytes(data, dataOff, dataLen).crlf();
  }
  o.ascii('-------');
  transactionIdOf(o, f);
  o.ascii(f.continuation).crlf();
  return o.ok ? o.pos - off : E_MSRP_NO_SPACE;
}

function transactionIdOf(o: Out, f: MsrpSendFields): void {
  if (f.transactionIdBytes) o.span(f.transactionIdBytes, 0, f.transactionIdLen ?? 0); else o.ascii(f.transactionId);
}

/**
 * A response (§7.2): To-Path is the last URI of the request's From-Path, From-Path is ours.
 * Responses carry no body.
 */
export function writeMsrpResponse(buf: Uint8Array, off: number, cap: number, transactionId: string, status: number, comment: string, toPath: string, fromPath: string): number {
  if (status < 0 || status > 999) return E_MSRP_BAD_VALUE;
  const o = begin(buf, off, cap);
  o.ascii('MSRP ').ascii(transactionId).ascii(' ');
  if (status < 100) o.ascii('0');
  if (status < 10) o.ascii('0');
  o.uint(status);
  if (comment) o.ascii(' ').ascii(comment);
  o.crlf();
  o.ascii('To-Path: ').ascii(toPath).crlf();
  o.ascii('From-Path: ').ascii(fromPath).crlf();
  o.ascii('-------').ascii(transactionId).ascii('$').crlf();
  return o.ok ? o.pos - off : E_MSRP_NO_SPACE;
}

/** A REPORT (§7.1.2): success or failure of a whole message or a byte range of it. */
export function writeMsrpReport(buf: Uint8Array, off: number, cap: number, transactionId: string, toPath: string, fromPath: string, messageId: string,
  rangeStart: number, rangeEnd: number, total: number, status: number, reason: string): number {
  const o = begin(buf, off, cap);
  o.ascii('MSRP ').ascii(transactionId).ascii(' REPORT').crlf();
  o.ascii('To-Path: ').ascii(toPath).crlf();
  o.ascii('From-Path: ').ascii(fromPath).crlf();
  o.ascii('Message-ID: ').ascii(messageId).crlf();
  o.ascii('Byte-Range: ').uint(rangeStart).ascii('-').uint(rangeEnd).ascii('/').uint(total).crlf();
  o.ascii('Status: 000 ');
  if (status < 100) o.ascii('0');
  o.uint(status);
  if (reason) o.ascii(' ').ascii(reason);
  o.crlf();
  o.ascii('-------').ascii(transactionId).ascii('$').crlf();
  return o.ok ? o.pos - off : E_MSRP_NO_SPACE;
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A transaction or message id from the host's randomness: ALPHANUM only, so always a valid ident. */
export function randomIdent(random: () => number, length = 12): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ID_CHARS[Math.floor(random() * ID_CHARS.length) % ID_CHARS.length];
  return s;
}
