// A sans-I/O MSRP session (RFC 4975 §5–7): one MSRP session over one connection. The host hands
// in the bytes it read (`handleBytes`), the app hands in messages (`sendMessage`), and both poll:
// `pollTransmit` for bytes to write, `pollEvent` for what happened, `nextDeadline` /
// `handleTimeout` for the §7.1.1 transaction timer. No clock, no sockets, no throws on input.
//
// Memory is fixed at construction: a receive buffer that holds at least one whole frame (frames
// split across reads and several frames per read are reassembled there), one reassembly buffer
// per incoming-message slot, one transmit buffer for a chunk, one control buffer for responses
// and REPORTs, and fixed tables for outgoing messages and transactions in flight. The receive
// path allocates nothing in the steady state (rule 2): it parses into a reused view, answers
// from byte spans, copies chunk data natively within one ArrayBuffer, and reports through
// reused event records whose Message-ID and message are spans (strings or views only when the
// app asks for them; a Content-Type string only when it differs from the slot's previous one).
// The send path keeps its ids as bytes too: each chunk's transaction id is drawn into a reused
// buffer, written into the frame and the in-flight table, and a 200 is matched by bytes. The one
// string is the Message-ID sendMessage returns (once per message). A chunk of 64 bytes or more
// cut from a larger message costs the writer one view for its native copy (see writer.ts).
//
// Back-pressure instead of loss: `handleBytes` returns how many input bytes it took. It stops
// taking when the control buffer is full (the host has not written our responses yet) or when
// every incoming slot holds a completed message the app has not polled. The host then drains
// pollTransmit/pollEvent and hands the rest in again (and, for TCP, stops reading meanwhile).
//
// Not here: relays (RFC 4976: AUTH, Use-Path; a multi-hop To-Path is accepted, its first hop
// must be us), TLS (the host's socket does it), chunks larger than maxFrameBytes (answered 413
// and skipped, not streamed), and error responses to Failure-Report: partial messages (such a
// message counts as sent once its last chunk is written).
import { parseMsrp, MSRP_NEED_MORE, STRICT_MSRP } from './parser.js';
import { E_MSRP_FRAME_TOO_LARGE } from './errors.js';
import { MsrpFrameView } from './view.js';
import { MH, MSRP_METHOD } from './header-ids.js';
import { writeMsrpSend, type MsrpSendFields } from './writer.js';
import { MessageReassembly, REASSEMBLY_OK, E_RA_ABORTED, E_RA_TOO_LARGE, E_RA_OUT_OF_RANGE } from './reassembly.js';
import { writeResponseFromSpans, writeReportFromSpans, CONTROL_FRAME_OVERHEAD } from './session-frames.js';
import { Span, sessionIdSpan, firstUriSpan, lastUriSpan } from './uri.js';
import { MSRP_EVENT, MsrpEvent, MsrpEventQueue, MSRP_MAX_IDENT } from './session-events.js';
import { Ok, Err, type Result } from '../result.js';
import { NO_DEADLINE } from '../timers/deadline-heap.js';
import { asciiBytes } from '../bytes/ascii.js';

export { MSRP_EVENT, MsrpEvent } from './session-events.js';

export { NO_DEADLINE };

export const E_SESSION_NO_SLOT = -751;
export const E_SESSION_BAD_CONTENT_TYPE = -752;
export const E_SESSION_TOO_LARGE = -753;
export const E_SESSION_NOT_FOUND = -754;

export interface MsrpSessionConfig {
  /** Our MSRP URI: the a=path we put in SDP, From-Path of what we send, first To-Path URI of what we accept. */
  localUri: string;
  /** The peer's a=path (space-separated URIs): our To-Path. */
  remotePath: string;
  /** Host randomness in [0, 1) for transaction and message ids. */
  random: () => number;
  /** Bytes of content per SEND chunk (§7.1.1). */
  chunkSize: number;
  /** Largest incoming message we reassemble; beyond it a chunk gets 413 (§7.2). */
  maxMessageBytes: number;
  /** Peer's a=max-size, or -1: sendMessage refuses bigger content. */
  remoteMaxSize: number;
  /** Incoming messages reassembled at once, each with maxMessageBytes of storage. */
  incomingSlots: number;
  outgoingSlots: number;
  /** Chunks awaiting their transaction response; beyond it the next chunk waits. */
  maxInFlight: number;
  /** a=accept-types: "*", "type/*" or "type/subtype". Others get 415. */
  acceptTypes: readonly string[];
  /** §7.1.1: 30 s by default, after which a chunk counts as answered with 408. */
  transactionTimeoutMs: number;
  /** How long a sender waits for a requested success REPORT before failing; 0 waits forever. */
  successReportTimeoutMs: number;
  /** An incoming message with no chunk for this long is dropped, freeing its slot. */
  incomingIdleTimeoutMs: number;
  /** Largest frame accepted on the wire (a chunk plus its headers). */
  maxFrameBytes: number;
  progressEvents: boolean;
  eventQueueSize: number;
}

export const DEFAULT_MSRP_SESSION: Readonly<Omit<MsrpSessionConfig, 'localUri' | 'remotePath' | 'random'>> = {
  chunkSize: 2048,
  maxMessageBytes: 65536,
  remoteMaxSize: -1,
  incomingSlots: 2,
  outgoingSlots: 8,
  maxInFlight: 32,
  acceptTypes: ['*'],
  transactionTimeoutMs: 30_000,
  successReportTimeoutMs: 120_000,
  incomingIdleTimeoutMs: 60_000,
  maxFrameBytes: 65536 + 1024,
  progressEvents: true,
  eventQueueSize: 64,
};

/** Where pollTransmitInto puts the next bytes to write: bytes[off, off + len). */
export class MsrpTransmit {
  bytes: Uint8Array = new Uint8Array(0);
  off = 0;
  len = 0;
}

export interface SendOptions {
  /** Success-Report: yes (§7.1.1 default no). Delivery then waits for the REPORT. */
  successReport?: boolean;
  /** Failure-Report (§7.1.1 default yes). With "no" or "partial" chunks get no 200 and no timer. */
  failureReport?: 'yes' | 'no' | 'partial';
}

// §7.2 / §10 status codes this session sends, with their comments.
const COMMENT: Readonly<Record<number, string>> = {
  200: 'OK', 400: 'Bad Request', 403: 'Forbidden', 408: 'Request Timeout', 413: 'Message Too Large',
  415: 'Unsupported Media Type', 481: 'Session Does Not Exist', 501: 'Not Implemented',
};

const FAILURE_REPORT_YES = 0;
const FAILURE_REPORT_PARTIAL = 1;
const FAILURE_REPORT_NO = 2;

// Incoming slot states: a slot holding a completed message stays out of use until the app has
// polled its RECEIVED event (its data is a view into the slot's storage).
const IN_FREE = 0;
const IN_RECEIVING = 1;
const IN_HELD = 2;
const IN_RELEASE_NEXT = 3;

const OUT_FREE = 0;
const OUT_SENDING = 1;
const OUT_AWAITING = 2;

const MAX_IDENT = MSRP_MAX_IDENT;
// §7.1: ids of at least 64 bits of randomness; 62^12 ≈ 2^71, 62^16 ≈ 2^95.
const TRANSACTION_ID_LEN = 12;
const MESSAGE_ID_LEN = 16;
const REFUSED_MEMORY = 4;

class IncomingSlot {
  state = IN_FREE;
  readonly ra: MessageReassembly;
  readonly messageId = new Uint8Array(MAX_IDENT);
  messageIdLen = 0;
  /** Kept across messages: a slot reuses it while the peer keeps sending the same type. */
  contentType = '';
  readonly fromPath: Uint8Array;
  fromPathLen = 0;
  successReport = false;
  lastActivity = 0;
  constructor(storage: Uint8Array, maxPathBytes: number) {
    this.ra = new MessageReassembly(storage, 64);
    this.fromPath = new Uint8Array(maxPathBytes);
  }
}

class OutgoingSlot {
  state = OUT_FREE;
  seq = 0;
  /** The string sendMessage returns (one per message: the API's); the wire and REPORT matching use the bytes. */
  messageId = '';
  readonly messageIdBytes = new Uint8Array(MESSAGE_ID_LEN);
  contentType = '';
  data: Uint8Array = new Uint8Array(0);
  total = 0;
  sent = 0;
  acked = 0;
  reported = 0;
  successReport = false;
  failureReport: 'yes' | 'no' | 'partial' = 'yes';
  pending = 0;
  reportDeadline = NO_DEADLINE;
  bind = false;
  aborting = false;
}


function spanEquals(a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bOff: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

function spanEqualsText(buf: Uint8Array, off: number, len: number, lower: string): boolean {
  if (len !== lower.length) return false;
  for (let i = 0; i < len; i++) {
    let c = buf[off + i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function isHeaderSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 32 || c > 126) return false; }
  return true;
}

export class MsrpSession {
  readonly config: Readonly<MsrpSessionConfig>;
  /** Frames we could not parse (after which we resynchronised on the next "MSRP " line). */
  protocolErrors = 0;
  /** True when the last handleBytes stopped on back-pressure (call it again after draining). */
  inputBlocked = false;
  private resyncing = false;
  readonly events: MsrpEventQueue;

  private readonly view: MsrpFrameView;
  private readonly rx: Uint8Array;
  private rxStart = 0;
  private rxEnd = 0;
  private readonly ctl: Uint8Array;
  private ctlLen = 0;
  private readonly tx: Uint8Array;
  private readonly localPath: Uint8Array;
  private readonly localSid = new Span();
  private readonly remotePathBytes: Uint8Array;
  private readonly remoteSid = new Span();
  private readonly hasRemoteSid: boolean;
  private readonly acceptTypes: readonly string[];
  private readonly incoming: IncomingSlot[];
  private readonly outgoing: OutgoingSlot[];
  private seq = 0;
  private now = 0;
  private readonly span = new Span();
  private readonly sid = new Span();
  // Transactions in flight (our SEND chunks awaiting a response), as parallel typed arrays.
  private readonly txTid: Uint8Array;
  private readonly txTidLen: Uint8Array;
  private readonly txSlot: Int16Array;
  private readonly txBytes: Float64Array;
  private readonly txDeadline: Float64Array;
  private txCount = 0;
  // Message-IDs we refused with an error: later chunks of them get the same answer (§7.2).
  private readonly refusedId: Uint8Array;
  private readonly refusedLen: Uint8Array;
  private readonly refusedStatus: Uint16Array;
  private refusedNext = 0;
  private readonly reportTid = new Uint8Array(MAX_IDENT);
  // The transaction id of the chunk being written: bytes into the frame and the in-flight table, no string.
  private readonly chunkTid = new Uint8Array(TRANSACTION_ID_LEN);
  private readonly send: MsrpSendFields;
  private readonly transmitScratch = new MsrpTransmit();
  // pollTransmit's last views (both buffers start at 0, so the length identifies the view).
  private ctlView: Uint8Array = EMPTY;
  private txView: Uint8Array = EMPTY;

  constructor(config: Pick<MsrpSessionConfig, 'localUri' | 'remotePath' | 'random'> & Partial<MsrpSessionConfig>) {
    const c: MsrpSessionConfig = { ...DEFAULT_MSRP_SESSION, ...config };
    this.config = c;
    const maxLine = 4096;
    this.view = new MsrpFrameView({ maxFrameBytes: c.maxFrameBytes, maxLineBytes: maxLine });
    // One whole frame must fit; the slack keeps compaction (a copyWithin) infrequent. The
    // receive buffer and the reassembly storages share one ArrayBuffer, so a chunk's data goes
    // from rx to its slot by copyWithin: a native copy that makes no view (see reassembly.ts).
    const rxBytes = c.maxFrameBytes + 16384;
    const arena = new ArrayBuffer(rxBytes + c.incomingSlots * c.maxMessageBytes);
    this.rx = new Uint8Array(arena, 0, rxBytes);
    this.localPath = asciiBytes(c.localUri);
    this.remotePathBytes = asciiBytes(c.remotePath);
    sessionIdSpan(this.localPath, 0, this.localPath.length, this.localSid);
    const last = new Span();
    this.hasRemoteSid = lastUriSpan(this.remotePathBytes, 0, this.remotePathBytes.length, last)
      && sessionIdSpan(this.remotePathBytes, last.off, last.len, this.remoteSid);
    this.ctl = new Uint8Array(Math.max(16384, 4 * (CONTROL_FRAME_OVERHEAD + maxLine + this.localPath.length + 2 * MAX_IDENT)));
    this.tx = new Uint8Array(c.chunkSize + CONTROL_FRAME_OVERHEAD * 2 + this.localPath.length + this.remotePathBytes.length + 2 * MAX_IDENT);
    this.acceptTypes = c.acceptTypes.map((t) => t.trim().toLowerCase());
    this.incoming = [];
    for (let i = 0; i < c.incomingSlots; i++) this.incoming.push(new IncomingSlot(new Uint8Array(arena, rxBytes + i * c.maxMessageBytes, c.maxMessageBytes), maxLine));
    this.outgoing = [];
    for (let i = 0; i < c.outgoingSlots; i++) this.outgoing.push(new OutgoingSlot());
    const n = c.maxInFlight;
    this.txTid = new Uint8Array(n * MAX_IDENT);
    this.txTidLen = new Uint8Array(n);
    this.txSlot = new Int16Array(n).fill(-1);
    this.txBytes = new Float64Array(n);
    this.txDeadline = new Float64Array(n);
    this.refusedId = new Uint8Array(REFUSED_MEMORY * MAX_IDENT);
    this.refusedLen = new Uint8Array(REFUSED_MEMORY);
    this.refusedStatus = new Uint16Array(REFUSED_MEMORY);
    this.events = new MsrpEventQueue(c.eventQueueSize);
    this.send = {
      transactionId: '', toPath: c.remotePath, fromPath: c.localUri, messageId: '', rangeStart: 1, rangeEnd: 0, total: 0,
      contentType: '', successReport: '', failureReport: '', continuation: '$',
      transactionIdBytes: this.chunkTid, transactionIdLen: TRANSACTION_ID_LEN, messageIdBytes: null, messageIdLen: MESSAGE_ID_LEN,
    };
  }

  // ---------------------------------------------------------------- commands

  /**
   * Queues a message (§7.1.1). `bytes` is not copied: leave it unchanged until the message's
   * DELIVERED or FAILED event. Returns the Message-ID.
   */
  sendMessage(contentType: string, bytes: Uint8Array, now: number, options: SendOptions = {}): Result<string, number> {
    this.now = now;
    if (contentType === '' || !isHeaderSafe(contentType)) return Err(E_SESSION_BAD_CONTENT_TYPE);
    if (this.config.remoteMaxSize >= 0 && bytes.length > this.config.remoteMaxSize) return Err(E_SESSION_TOO_LARGE);
    const slot = this.freeOutgoing();
    if (!slot) return Err(E_SESSION_NO_SLOT);
    this.initOutgoing(slot, contentType, bytes, options.successReport === true, options.failureReport ?? 'yes', false);
    return Ok(slot.messageId);
  }

  /**
   * §5.4: the endpoint that opened the connection sends a SEND at once, empty if it has nothing
   * to say, so the passive side can bind the connection to the session. Its 200 gives BOUND.
   */
  sendBind(now: number): Result<string, number> {
    this.now = now;
    const slot = this.freeOutgoing();
    if (!slot) return Err(E_SESSION_NO_SLOT);
    this.initOutgoing(slot, '', new Uint8Array(0), false, 'yes', true);
    return Ok(slot.messageId);
  }

  /** §7.1.1: interrupts a message still being sent; its next chunk goes out empty with '#'. */
  abortMessage(messageId: string, now: number): boolean {
    this.now = now;
    for (const slot of this.outgoing) {
      if (slot.state === OUT_SENDING && slot.messageId === messageId) { slot.aborting = true; return true; }
    }
    return false;
  }

  /** The connection is gone: every message in progress ends (FAILED / RECEIVE_ABORTED, status 0). */
  handleConnectionLost(now: number): void {
    this.now = now;
    for (let i = 0; i < this.outgoing.length; i++) if (this.outgoing[i]!.state !== OUT_FREE) this.failOutgoing(i, 0, 'connection lost');
    for (let i = 0; i < this.incoming.length; i++) if (this.incoming[i]!.state === IN_RECEIVING) this.abortIncoming(i, 0, 'connection lost');
    this.rxStart = this.rxEnd = 0;
    this.ctlLen = 0;
    this.resyncing = false;
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Bytes read from the connection. Returns how many were taken (all of them unless
   * back-pressure applies: see the file comment). Never throws.
   */
  handleBytes(buf: Uint8Array, off: number, len: number, now: number): number {
    this.now = now;
    this.releasePolled();
    const rx = this.rx;
    const cap = rx.length;
    let taken = 0;
    if (off < 0 || len < 0 || off + len > buf.length) return 0;
    for (;;) {
      if (taken < len) {
        if (this.rxStart > 0 && cap - this.rxEnd < len - taken) {
          rx.copyWithin(0, this.rxStart, this.rxEnd);
          this.rxEnd -= this.rxStart;
          this.rxStart = 0;
        }
        const n = Math.min(len - taken, cap - this.rxEnd);
        const src = off + taken;
        const dst = this.rxEnd;
        // A native copy: a JS byte loop costs more than the parse (on V8 too: ~1.5 ns/byte
        // against ~0.1). A whole read (off 0, len buf.length, what a host normally hands in)
        // is copied without a view; a sub-range costs one view per call (per read, not per frame).
        if (n < 64) for (let i = 0; i < n; i++) rx[dst + i] = buf[src + i]!;
        else if (src === 0 && n === buf.length) rx.set(buf, dst);
        else rx.set(buf.subarray(src, src + n), dst);
        this.rxEnd += n;
        taken += n;
        if (n === 0 && this.rxStart === 0) {
          // Cannot happen while rx holds more than one maximal frame; guards the loop regardless.
          this.drainFrames();
          break;
        }
      }
      if (!this.drainFrames()) {
        // Blocked on the frame at rxStart: give back what this call added from there on, so
        // the caller sees taken < len and hands those bytes in again after draining.
        const back = Math.min(taken, this.rxEnd - this.rxStart);
        this.rxEnd -= back;
        taken -= back;
        this.inputBlocked = true;
        break;
      }
      this.inputBlocked = false;
      if (taken >= len) break;
    }
    return taken;
  }

  handleTimeout(now: number): void {
    this.now = now;
    const c = this.config;
    for (let t = 0; t < c.maxInFlight; t++) {
      const s = this.txSlot[t]!;
      if (s >= 0 && this.txDeadline[t]! <= now) this.failOutgoing(s, 408, 'transaction timeout'); // §7.1.1
    }
    for (let i = 0; i < this.outgoing.length; i++) {
      const slot = this.outgoing[i]!;
      if (slot.state === OUT_AWAITING && slot.reportDeadline !== NO_DEADLINE && slot.reportDeadline <= now) this.failOutgoing(i, 408, 'no success report');
    }
    for (let i = 0; i < this.incoming.length; i++) {
      const slot = this.incoming[i]!;
      if (slot.state === IN_RECEIVING && slot.lastActivity + c.incomingIdleTimeoutMs <= now) this.abortIncoming(i, 408, 'idle');
    }
  }

  // ---------------------------------------------------------------- outputs

  nextDeadline(): number {
    let next = Infinity;
    for (let t = 0; t < this.config.maxInFlight; t++) if (this.txSlot[t]! >= 0 && this.txDeadline[t]! < next) next = this.txDeadline[t]!;
    for (const slot of this.outgoing) if (slot.state === OUT_AWAITING && slot.reportDeadline !== NO_DEADLINE && slot.reportDeadline < next) next = slot.reportDeadline;
    for (const slot of this.incoming) if (slot.state === IN_RECEIVING && slot.lastActivity + this.config.incomingIdleTimeoutMs < next) next = slot.lastActivity + this.config.incomingIdleTimeoutMs;
    return next === Infinity ? NO_DEADLINE : next;
  }

  /**
   * Next bytes to write, or null. Responses and REPORTs go first, then the next chunk. The view
   * is valid until the next call into the session: a host whose write keeps a reference
   * (Node's socket.write) must copy. The view object is reused while the length repeats (as
   * responses and full chunks do), so a steady stream allocates nothing; pollTransmitInto never does.
   */
  pollTransmit(now: number = this.now): Uint8Array | null {
    const out = this.transmitScratch;
    if (!this.pollTransmitInto(out, now)) return null;
    if (out.bytes === this.ctl) {
      if (this.ctlView.length !== out.len) this.ctlView = this.ctl.subarray(0, out.len);
      return this.ctlView;
    }
    if (this.txView.length !== out.len) this.txView = this.tx.subarray(0, out.len);
    return this.txView;
  }

  /**
   * pollTransmit without allocating: fills `out` with a span of the session's buffer (valid
   * until the next call into the session) and returns true, or false when nothing is due.
   */
  pollTransmitInto(out: MsrpTransmit, now: number = this.now): boolean {
    this.now = now;
    if (this.ctlLen > 0) {
      out.bytes = this.ctl; out.off = 0; out.len = this.ctlLen;
      this.ctlLen = 0;
      return true;
    }
    const i = this.nextToSend();
    if (i < 0) return false;
    const n = this.writeChunk(i);
    if (n <= 0) return false;
    out.bytes = this.tx; out.off = 0; out.len = n;
    return true;
  }

  /** Next event, or null. The record (and a RECEIVED message's data) is valid until the next pollEvent or handleBytes. */
  pollEvent(): MsrpEvent | null {
    this.releasePolled();
    const e = this.events.shift();
    if (e && e.kind === MSRP_EVENT.RECEIVED && e.slot >= 0) this.incoming[e.slot]!.state = IN_RELEASE_NEXT;
    return e;
  }

  // ---------------------------------------------------------------- receive path

  /** Parses and handles the frames in rx; false when back-pressure stopped it. */
  private drainFrames(): boolean {
    const rx = this.rx;
    const view = this.view;
    while (this.rxStart < this.rxEnd) {
      // Tolerate stray line ends between frames.
      while (this.rxStart < this.rxEnd && (rx[this.rxStart] === 13 || rx[this.rxStart] === 10)) this.rxStart++;
      if (this.rxStart >= this.rxEnd) break;
      const r = parseMsrp(rx, this.rxStart, this.rxEnd - this.rxStart, view, STRICT_MSRP);
      if (r === MSRP_NEED_MORE) break;
      if (r < 0) {
        if (r === E_MSRP_FRAME_TOO_LARGE) this.refuseOversized();
        this.resync(r);
        continue;
      }
      this.resyncing = false;
      if (!this.handleFrame()) return false;
      this.rxStart += r;
    }
    if (this.rxStart === this.rxEnd) this.rxStart = this.rxEnd = 0;
    return true;
  }

  /** After a bad frame: report it, then skip to the next line that starts "MSRP ". */
  private resync(code: number): void {
    // One event per stretch of garbage, not one per read of it.
    if (!this.resyncing) {
      this.protocolErrors++;
      this.events.push(MSRP_EVENT.PROTOCOL_ERROR, -1, '', '', null, 0, '', 0, -1, code);
    }
    this.resyncing = true;
    const rx = this.rx;
    for (let p = this.rxStart + 1; p + 5 <= this.rxEnd; p++) {
      if (rx[p - 1] === 10 && rx[p] === 77 && rx[p + 1] === 83 && rx[p + 2] === 82 && rx[p + 3] === 80 && rx[p + 4] === 32) {
        this.rxStart = p;
        return;
      }
    }
    // Keep a tail that may be the start of "MSRP " split across reads.
    this.rxStart = Math.max(this.rxStart + 1, this.rxEnd - 5);
  }

  /**
   * A SEND chunk bigger than the receive buffer: when its start line and paths were read, the
   * sender gets 413 (and so do later chunks of that message) instead of waiting 30 s for a
   * response that would never come. The frame's bytes are then skipped by resync.
   */
  private refuseOversized(): void {
    const view = this.view;
    if (!view.isRequest || view.methodId !== MSRP_METHOD.SEND || view.headerCount < 2
      || view.headerId[0] !== MH.TO_PATH || view.headerId[1] !== MH.FROM_PATH) return;
    const need = CONTROL_FRAME_OVERHEAD + view.valueLen[1]! + this.localPath.length + MAX_IDENT;
    if (this.ctl.length - this.ctlLen < need) return;
    const mid = view.find(MH.MESSAGE_ID);
    if (mid >= 0 && view.valueLen[mid]! <= MAX_IDENT) this.refuse(view.buf, view.valueOff[mid]!, view.valueLen[mid]!, 413);
    this.respond(413, this.failureReportOf());
  }

  private handleFrame(): boolean {
    const view = this.view;
    if (!view.isRequest) { this.handleResponse(); return true; }
    if (view.methodId === MSRP_METHOD.REPORT) { this.handleReport(); return true; } // §7.1.2: never answered
    const fromOff = view.valueOff[1]!;
    const fromLen = view.valueLen[1]!;
    const need = 2 * (CONTROL_FRAME_OVERHEAD + fromLen + this.localPath.length + 2 * MAX_IDENT);
    if (this.ctl.length - this.ctlLen < need) {
      if (this.ctlLen > 0) return false; // wait for the host to write what we owe
      this.protocolErrors++; // a path longer than any response we could write: drop the frame
      return true;
    }
    if (view.methodId !== MSRP_METHOD.SEND) { this.respond(501, FAILURE_REPORT_YES); return true; }
    return this.handleSend();
  }

  private failureReportOf(): number {
    const view = this.view;
    const h = view.find(MH.FAILURE_REPORT);
    if (h < 0) return FAILURE_REPORT_YES;
    const off = view.valueOff[h]!;
    const len = view.valueLen[h]!;
    if (spanEqualsText(view.buf, off, len, 'no')) return FAILURE_REPORT_NO;
    if (spanEqualsText(view.buf, off, len, 'partial')) return FAILURE_REPORT_PARTIAL;
    return FAILURE_REPORT_YES;
  }

  private respond(status: number, failureReport: number): void {
    // §7.1.1 Failure-Report: "no" → no response at all; "partial" → only error responses.
    if (failureReport === FAILURE_REPORT_NO) return;
    if (failureReport === FAILURE_REPORT_PARTIAL && status === 200) return;
    const view = this.view;
    const n = writeResponseFromSpans(this.ctl, this.ctlLen, this.ctl.length, view.buf, view.transactionIdOff, view.transactionIdLen,
      status, COMMENT[status] ?? '', view.valueOff[1]!, view.valueLen[1]!, this.localPath);
    if (n > 0) this.ctlLen = n;
  }

  private handleSend(): boolean {
    const view = this.view;
    const buf = view.buf;
    const fr = this.failureReportOf();
    // §7.3: the first To-Path URI must be ours (session-id match), else 481.
    if (!firstUriSpan(buf, view.valueOff[0]!, view.valueLen[0]!, this.span)
      || !sessionIdSpan(buf, this.span.off, this.span.len, this.sid)
      || !spanEquals(buf, this.sid.off, this.sid.len, this.localPath, this.localSid.off, this.localSid.len)) {
      this.respond(481, fr);
      return true;
    }
    // The last From-Path URI must be the peer this session was negotiated with.
    if (this.hasRemoteSid && (!lastUriSpan(buf, view.valueOff[1]!, view.valueLen[1]!, this.span)
      || !sessionIdSpan(buf, this.span.off, this.span.len, this.sid)
      || !spanEquals(buf, this.sid.off, this.sid.len, this.remotePathBytes, this.remoteSid.off, this.remoteSid.len))) {
      this.respond(403, fr);
      return true;
    }
    const mid = view.find(MH.MESSAGE_ID);
    if (mid < 0 || view.valueLen[mid]! < 1 || view.valueLen[mid]! > MAX_IDENT) { this.respond(400, fr); return true; }
    const midOff = view.valueOff[mid]!;
    const midLen = view.valueLen[mid]!;
    const refused = this.refusedStatusOf(buf, midOff, midLen);
    if (refused > 0) { this.respond(refused, fr); return true; }
    // §7.3.1: no Byte-Range means the whole message in this one chunk.
    const start = view.rangeStart > 0 ? view.rangeStart : 1;
    const total = view.rangeStart > 0 ? view.rangeTotal : -1;
    let index = this.findIncoming(buf, midOff, midLen);
    if (index < 0) {
      index = this.freeIncoming();
      if (index < 0) {
        if (this.anyHeld()) return false; // the app has not taken a finished message yet
        this.refuse(buf, midOff, midLen, 413);
        this.respond(413, fr);
        return true;
      }
      const ct = view.find(MH.CONTENT_TYPE);
      if (ct >= 0 && !this.accepts(buf, view.valueOff[ct]!, view.valueLen[ct]!)) {
        this.refuse(buf, midOff, midLen, 415);
        this.respond(415, fr);
        return true;
      }
      this.initIncoming(index, midOff, midLen, ct);
    }
    const slot = this.incoming[index]!;
    slot.lastActivity = this.now;
    if (total > slot.ra.storage.length) {
      this.refuse(buf, midOff, midLen, 413);
      this.respond(413, fr);
      this.abortIncoming(index, 413, COMMENT[413]!);
      return true;
    }
    const r = slot.ra.add(start, total, buf, view.bodyOff, view.hasBody ? view.bodyLen : 0, view.continuation);
    if (r === E_RA_ABORTED) {
      this.respond(200, fr);
      this.abortIncoming(index, 0, 'interrupted');
      return true;
    }
    if (r !== REASSEMBLY_OK) {
      const status = r === E_RA_TOO_LARGE || r === E_RA_OUT_OF_RANGE && total < 0 ? 413 : 400;
      this.refuse(buf, midOff, midLen, status);
      this.respond(status, fr);
      this.abortIncoming(index, status, COMMENT[status]!);
      return true;
    }
    this.respond(200, fr);
    const ra = slot.ra;
    if (!ra.complete) {
      if (this.config.progressEvents) this.events.pushFromBytes(MSRP_EVENT.RECEIVE_PROGRESS, index, slot.messageId, slot.messageIdLen, slot.contentType, 0, '', ra.received, ra.total);
      return true;
    }
    if (slot.successReport && ra.total > 0) this.writeSuccessReport(slot);
    if (ra.total === 0 && slot.contentType === '') { slot.state = IN_FREE; return true; } // a §5.4 bind SEND
    slot.state = IN_HELD;
    // The message stays in the slot's storage (the slot is held until the app polls it).
    this.events.pushFromBytes(MSRP_EVENT.RECEIVED, index, slot.messageId, slot.messageIdLen, slot.contentType, 200, '', ra.total, ra.total)
      ?.setData(ra.storage, 0, ra.total);
    return true;
  }

  /** §7.1.2: the receiver of a complete message that asked for it reports 200 for all of it. */
  private writeSuccessReport(slot: IncomingSlot): void {
    const tidLen = 12;
    this.randomIdentBytes(this.reportTid, tidLen);
    const n = writeReportFromSpans(this.ctl, this.ctlLen, this.ctl.length, this.reportTid, tidLen, slot.fromPath, slot.fromPathLen,
      this.localPath, slot.messageId, slot.messageIdLen, slot.ra.total, slot.ra.total, 200, 'OK');
    if (n > 0) this.ctlLen = n;
  }

  private randomIdentBytes(out: Uint8Array, len: number): void {
    const chars = 62;
    for (let i = 0; i < len; i++) {
      const k = Math.floor(this.config.random() * chars) % chars;
      out[i] = k < 26 ? 97 + k : k < 52 ? 65 + k - 26 : 48 + k - 52;
    }
  }

  private accepts(buf: Uint8Array, off: number, len: number): boolean {
    let end = off;
    while (end < off + len && buf[end] !== 59 && buf[end] !== 32) end++; // media type before ";" params
    const n = end - off;
    for (const t of this.acceptTypes) {
      if (t === '*') return true;
      if (t.endsWith('/*')) {
        const prefix = t.length - 1;
        if (n > prefix && spanEqualsText(buf, off, prefix, t.slice(0, prefix))) return true;
      } else if (spanEqualsText(buf, off, n, t)) return true;
    }
    return false;
  }

  private findIncoming(buf: Uint8Array, off: number, len: number): number {
    for (let i = 0; i < this.incoming.length; i++) {
      const s = this.incoming[i]!;
      if (s.state === IN_RECEIVING && spanEquals(buf, off, len, s.messageId, 0, s.messageIdLen)) return i;
    }
    return -1;
  }

  private freeIncoming(): number {
    for (let i = 0; i < this.incoming.length; i++) if (this.incoming[i]!.state === IN_FREE) return i;
    return -1;
  }

  private anyHeld(): boolean {
    for (const s of this.incoming) if (s.state === IN_HELD || s.state === IN_RELEASE_NEXT) return true;
    return false;
  }

  private initIncoming(index: number, midOff: number, midLen: number, ct: number): void {
    const view = this.view;
    const buf = view.buf;
    const slot = this.incoming[index]!;
    slot.state = IN_RECEIVING;
    slot.ra.reset();
    for (let i = 0; i < midLen; i++) slot.messageId[i] = buf[midOff + i]!;
    slot.messageIdLen = midLen;
    // The Message-ID stays bytes (events copy them; a string only if the app asks). The
    // Content-Type string is made only when it differs from the slot's last one.
    if (ct < 0) slot.contentType = '';
    else if (!spanEqualsAscii(buf, view.valueOff[ct]!, view.valueLen[ct]!, slot.contentType)) slot.contentType = view.headerValueText(ct);
    const fromLen = Math.min(view.valueLen[1]!, slot.fromPath.length);
    const fromOff = view.valueOff[1]!;
    for (let i = 0; i < fromLen; i++) slot.fromPath[i] = buf[fromOff + i]!;
    slot.fromPathLen = fromLen;
    const sr = view.find(MH.SUCCESS_REPORT);
    slot.successReport = sr >= 0 && spanEqualsText(buf, view.valueOff[sr]!, view.valueLen[sr]!, 'yes');
  }

  private abortIncoming(index: number, status: number, reason: string): void {
    const slot = this.incoming[index]!;
    slot.state = IN_FREE;
    this.events.pushFromBytes(MSRP_EVENT.RECEIVE_ABORTED, index, slot.messageId, slot.messageIdLen, slot.contentType, status, reason, slot.ra.received, slot.ra.total);
  }

  private refuse(buf: Uint8Array, off: number, len: number, status: number): void {
    const k = this.refusedNext;
    this.refusedNext = (k + 1) % REFUSED_MEMORY;
    for (let i = 0; i < len; i++) this.refusedId[k * MAX_IDENT + i] = buf[off + i]!;
    this.refusedLen[k] = len;
    this.refusedStatus[k] = status;
  }

  private refusedStatusOf(buf: Uint8Array, off: number, len: number): number {
    for (let k = 0; k < REFUSED_MEMORY; k++) {
      if (this.refusedLen[k] === len && spanEquals(buf, off, len, this.refusedId, k * MAX_IDENT, len)) return this.refusedStatus[k]!;
    }
    return 0;
  }

  private releasePolled(): void {
    for (const s of this.incoming) if (s.state === IN_RELEASE_NEXT) s.state = IN_FREE;
  }

  // ---------------------------------------------------------------- send path

  private freeOutgoing(): OutgoingSlot | null {
    for (const s of this.outgoing) if (s.state === OUT_FREE) return s;
    return null;
  }

  private initOutgoing(slot: OutgoingSlot, contentType: string, bytes: Uint8Array, successReport: boolean, failureReport: 'yes' | 'no' | 'partial', bind: boolean): void {
    slot.state = OUT_SENDING;
    slot.seq = ++this.seq;
    this.randomIdentBytes(slot.messageIdBytes, MESSAGE_ID_LEN);
    // One flat string: appending 16 characters one by one built 15 intermediate strings (~1 KB a
    // message on V8), which was most of what the send path allocated.
    slot.messageId = String.fromCharCode.apply(null, slot.messageIdBytes as unknown as number[]);
    slot.contentType = contentType;
    slot.data = bytes;
    slot.total = bytes.length;
    slot.sent = slot.acked = slot.reported = slot.pending = 0;
    slot.successReport = successReport && !bind;
    slot.failureReport = failureReport;
    slot.reportDeadline = NO_DEADLINE;
    slot.bind = bind;
    slot.aborting = false;
  }

  private nextToSend(): number {
    let best = -1;
    for (let i = 0; i < this.outgoing.length; i++) {
      const s = this.outgoing[i]!;
      if (s.state === OUT_SENDING && (best < 0 || s.seq < this.outgoing[best]!.seq)) best = i;
    }
    if (best < 0) return -1;
    const s = this.outgoing[best]!;
    if (!s.aborting && s.failureReport === 'yes' && this.txCount >= this.config.maxInFlight) return -1;
    return best;
  }

  private writeChunk(i: number): number {
    const slot = this.outgoing[i]!;
    const f = this.send;
    this.randomIdentBytes(this.chunkTid, TRANSACTION_ID_LEN);
    f.messageIdBytes = slot.messageIdBytes;
    f.contentType = slot.contentType;
    f.successReport = slot.successReport ? 'yes' : '';
    f.failureReport = slot.failureReport === 'yes' ? '' : slot.failureReport;
    f.total = slot.total;
    if (slot.aborting) {
      // §7.1.1: '#' ends the message; nothing further is sent for it.
      f.rangeStart = slot.sent + 1;
      f.rangeEnd = -1;
      f.contentType = '';
      f.continuation = '#';
      const n = writeMsrpSend(this.tx, 0, this.tx.length, f, slot.data, 0, 0);
      this.failOutgoing(i, 0, 'aborted');
      return n;
    }
    const len = Math.min(this.config.chunkSize, slot.total - slot.sent);
    f.rangeStart = slot.sent + 1;
    f.rangeEnd = slot.sent + len;
    const last = slot.sent + len === slot.total;
    f.continuation = last ? '$' : '+';
    const n = writeMsrpSend(this.tx, 0, this.tx.length, f, slot.data, slot.sent, len);
    if (n < 0) { this.failOutgoing(i, 0, 'frame does not fit'); return 0; }
    slot.sent += len;
    if (slot.failureReport === 'yes') this.track(this.chunkTid, TRANSACTION_ID_LEN, i, len);
    if (last) {
      slot.state = OUT_AWAITING;
      if (slot.successReport && this.config.successReportTimeoutMs > 0) slot.reportDeadline = this.now + this.config.successReportTimeoutMs;
      this.maybeDelivered(i);
    }
    return n;
  }

  private track(tid: Uint8Array, tidLen: number, slot: number, bytes: number): void {
    const c = this.config;
    for (let t = 0; t < c.maxInFlight; t++) {
      if (this.txSlot[t]! >= 0) continue;
      for (let k = 0; k < tidLen; k++) this.txTid[t * MAX_IDENT + k] = tid[k]!;
      this.txTidLen[t] = tidLen;
      this.txSlot[t] = slot;
      this.txBytes[t] = bytes;
      this.txDeadline[t] = this.now + c.transactionTimeoutMs;
      this.txCount++;
      this.outgoing[slot]!.pending++;
      return;
    }
  }

  private handleResponse(): void {
    const view = this.view;
    const c = this.config;
    for (let t = 0; t < c.maxInFlight; t++) {
      const s = this.txSlot[t]!;
      if (s < 0 || !spanEquals(view.buf, view.transactionIdOff, view.transactionIdLen, this.txTid, t * MAX_IDENT, this.txTidLen[t]!)) continue;
      this.txSlot[t] = -1;
      this.txCount--;
      const slot = this.outgoing[s]!;
      slot.pending--;
      if (view.statusCode !== 200) {
        // §7.2: an error to any chunk ends the message; the sender stops sending it.
        this.failOutgoing(s, view.statusCode, view.text(view.commentOff, view.commentLen));
        return;
      }
      slot.acked += this.txBytes[t]!;
      if (c.progressEvents && !slot.bind) this.events.push(MSRP_EVENT.SEND_PROGRESS, s, slot.messageId, slot.contentType, null, 200, '', slot.acked, slot.total, 0);
      this.maybeDelivered(s);
      return;
    }
  }

  /** Without a success report, the 200s to every chunk are the delivery (§7.1.1). */
  private maybeDelivered(i: number): void {
    const slot = this.outgoing[i]!;
    if (slot.state !== OUT_AWAITING || slot.pending > 0) return;
    if (slot.bind) {
      if (slot.failureReport === 'yes') this.events.push(MSRP_EVENT.BOUND, i, slot.messageId, '', null, 200, '', 0, 0, 0);
      slot.state = OUT_FREE;
      return;
    }
    if (slot.successReport) return;
    if (slot.failureReport !== 'yes') return this.finishOutgoing(i, MSRP_EVENT.DELIVERED, 0, 'sent (no responses requested)');
    this.finishOutgoing(i, MSRP_EVENT.DELIVERED, 200, 'OK');
  }

  private handleReport(): void {
    const view = this.view;
    const mid = view.find(MH.MESSAGE_ID);
    if (mid < 0) return;
    const midOff = view.valueOff[mid]!;
    const midLen = view.valueLen[mid]!;
    for (let i = 0; i < this.outgoing.length; i++) {
      const slot = this.outgoing[i]!;
      if (slot.state === OUT_FREE || !spanEquals(view.buf, midOff, midLen, slot.messageIdBytes, 0, MESSAGE_ID_LEN)) continue;
      const status = view.statusHeaderCode;
      if (status !== 200) { this.failOutgoing(i, status < 0 ? 0 : status, 'failure report'); return; }
      // Success REPORTs may cover parts (§7.1.2); delivery once 1..total is covered.
      const start = view.rangeStart > 0 ? view.rangeStart : 1;
      const end = view.rangeEnd >= 0 ? view.rangeEnd : view.rangeTotal;
      if (start <= slot.reported + 1 && end > slot.reported) slot.reported = end;
      if (slot.state === OUT_AWAITING && slot.reported >= slot.total) {
        // Chunks still awaiting their 200 no longer matter: the receiver has it all.
        this.untrack(i);
        this.finishOutgoing(i, MSRP_EVENT.DELIVERED, 200, 'success report');
      }
      return;
    }
  }

  private untrack(slot: number): void {
    for (let t = 0; t < this.config.maxInFlight; t++) {
      if (this.txSlot[t] === slot) { this.txSlot[t] = -1; this.txCount--; }
    }
    this.outgoing[slot]!.pending = 0;
  }

  private failOutgoing(i: number, status: number, reason: string): void {
    this.untrack(i);
    this.finishOutgoing(i, MSRP_EVENT.FAILED, status, reason);
  }

  private finishOutgoing(i: number, kind: number, status: number, reason: string): void {
    const slot = this.outgoing[i]!;
    slot.state = OUT_FREE;
    this.events.push(kind, i, slot.messageId, slot.contentType, null, status, reason, slot.bind ? 0 : slot.acked, slot.total, 0);
    slot.data = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);

function spanEqualsAscii(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== s.charCodeAt(i)) return false;
  return true;
}
