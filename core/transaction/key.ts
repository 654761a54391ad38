// What the transaction layer needs to know about an incoming message: the few values that
// decide which transaction it belongs to (§17.1.3, §17.2.3). The caller fills one preallocated
// TransactionKey from its parsed view (top Via branch and sent-by, CSeq method, ...) and passes it
// with every message, so the engine works without the parser and allocates nothing.
import { hashBytes } from './hash.js';

const EMPTY = new Uint8Array(0);

/** "z9hG4bK", the RFC 3261 branch magic cookie (§8.1.1.7). */
export const MAGIC_COOKIE: Uint8Array = new Uint8Array([0x7a, 0x39, 0x68, 0x47, 0x34, 0x62, 0x4b]);

/** True when buf[off, off+len) starts with "z9hG4bK" (case-sensitive, as §8.1.1.7 writes it). */
export function startsWithMagicCookie(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 7) return false;
  for (let i = 0; i < 7; i++) if (buf[off + i] !== MAGIC_COOKIE[i]) return false;
  return true;
}

export class TransactionKey {
  isRequest = false;
  /** Request: the method of the request line (METHOD_* / core/sip M ids). */
  methodId = 0;
  /** Response: the status code. */
  statusCode = 0;
  /** The method in CSeq; for responses this is what §17.1.3 matches on. */
  cseqMethodId = 0;
  /** The branch parameter of the top Via: a span of `branchBuf` (length 0 when absent). */
  branchBuf: Uint8Array = EMPTY;
  branchOff = 0;
  branchLen = 0;
  /** hashBytes over the branch span; setBranch computes it. */
  branchHash = 0;
  /**
   * Requests: a hash of the top Via's sent-by (host lowercased + ':' + port, e.g. with
   * hashBytesCaseless) — §17.2.3 rule 2. Any stable hash works as long as the caller is consistent.
   */
  sentByHash = 0;
  /**
   * Requests whose branch lacks the magic cookie (RFC 2543 peers, §17.2.3 fallback): one hash
   * over Request-URI, From tag, Call-ID, CSeq number and the whole top Via. 0 when not computed.
   */
  legacyHash = 0;
  /** Requests: a hash of the To tag, 0 when the To header has no tag (RFC 2543 fallback). */
  toTagHash = 0;

  /** Points the key at a branch span and hashes it. */
  setBranch(buf: Uint8Array, off: number, len: number): this {
    this.branchBuf = buf;
    this.branchOff = off;
    this.branchLen = len;
    this.branchHash = hashBytes(buf, off, len);
    return this;
  }

  /** True when the branch starts with the RFC 3261 magic cookie "z9hG4bK". */
  hasMagicCookie(): boolean {
    return startsWithMagicCookie(this.branchBuf, this.branchOff, this.branchLen);
  }

  reset(): this {
    this.isRequest = false;
    this.methodId = 0;
    this.statusCode = 0;
    this.cseqMethodId = 0;
    this.branchBuf = EMPTY;
    this.branchOff = 0;
    this.branchLen = 0;
    this.branchHash = 0;
    this.sentByHash = 0;
    this.legacyHash = 0;
    this.toTagHash = 0;
    return this;
  }
}

/** A request the TU hands to the engine to start a client transaction. Reuse one instance. */
export class OutgoingRequest {
  methodId = 0;
  /** The branch of the Via the TU put in the request (usually a span of `bytes` itself). */
  branchBuf: Uint8Array = EMPTY;
  branchOff = 0;
  branchLen = 0;
  /** The serialised request. The engine keeps a reference (no copy) until the transaction ends: do not reuse the memory before EVENT_TERMINATED. */
  bytes: Uint8Array = EMPTY;
  off = 0;
  len = 0;
  /** The host's key for where to send (a flow/address id); echoed in every Transmit. */
  destination = 0;
  /** Reliable transports (TCP, TLS, WS, SCTP) get no retransmissions and zero linger timers (§17). */
  reliable = false;
}
