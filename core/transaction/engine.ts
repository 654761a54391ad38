// The RFC 3261 §17 transaction layer, sans-I/O: no sockets, no clock, no parser, no allocation
// per transaction on the hot path.
//
// Vocabulary (quinn-proto style):
//   handle*  — inputs: handleRequest / handleResponse (a message the host received, described by a
//              TransactionKey), handleTransportError (a send failed), handleTimeout(now).
//   commands — the TU's: startClient (send a request in a new client transaction), respond
//              (pass a response to a server transaction).
//   poll*    — outputs, drained by the host after every input/command, in this order:
//              pollTransmit (bytes to send) → nextDeadline (when to call handleTimeout) → pollEvent
//              (what the TU must know).
// `now` is milliseconds from any monotonic clock; inputs must come in non-decreasing time order.
//
// Storage: every transaction lives in a preallocated slot (struct of typed arrays); its id is
// slot + capacity × generation, so stale ids are recognised after the slot is reused. Timers live
// in one DeadlineHeap (two lanes per slot, see table.ts). Transactions are found through an
// open-addressing hash index over (branch, method, sent-by) with exact branch comparison against
// a copy in a byte pool. Message bytes are never copied: the engine keeps references to the
// caller's request/response buffers for retransmission and hands references back in events.
import { TypedArena } from '../bytes/typed-arena.js';
import { Ok, Err, type Result } from '../result.js';
import { DeadlineHeap } from '../timers/deadline-heap.js';
import { hashBytes, hashNumber, mixHash } from './hash.js';
import { type TransactionKey, type OutgoingRequest, startsWithMagicCookie } from './key.js';
import { type TransactionConfig, resolveTransactionConfig } from './config.js';
import { type AckBuilder, type Transmit, type TransactionEvent } from './outputs.js';
import { METHOD_ACK, METHOD_INVITE } from './methods.js';
import {
  DISPOSITION_ABSORBED, DISPOSITION_CREATED, DISPOSITION_DELIVERED, DISPOSITION_MALFORMED,
  DISPOSITION_NO_MATCH, DISPOSITION_OVERLOADED, DISPOSITION_STRAY_ACK,
  EVENT_ACK, EVENT_REQUEST, EVENT_RESPONSE, EVENT_TERMINATED, EVENT_TIMEOUT, EVENT_TRANSPORT_ERROR, EVENT_TRYING_DUE,
  TRANSMIT_ACK, TRANSMIT_REQUEST, TRANSMIT_RESPONSE,
  TX_ERROR_BAD_BRANCH, TX_ERROR_BAD_METHOD, TX_ERROR_BAD_STATUS, TX_ERROR_CAPACITY, TX_ERROR_DUPLICATE, TX_ERROR_INVALID_STATE,
  TX_ERROR_NO_ACK_BUILDER, TX_ERROR_UNKNOWN_TRANSACTION,
} from './codes.js';
import {
  ACT_DELIVER, ACT_REPORT_TIMEOUT, ACT_REPORT_TRANSPORT_ERROR, ACT_RETRANSMIT_AT_T2, ACT_RETRANSMIT_DOUBLE,
  ACT_RETRANSMIT_DOUBLE_CAPPED, ACT_RETRANSMIT_START, ACT_SEND_ACK, ACT_SEND_REQUEST, ACT_SEND_RESPONSE,
  ACT_START_LIFETIME, ACT_STOP_LIFETIME, ACT_STOP_RETRANSMIT, ACT_START_TRYING, ACT_REPORT_TRYING_DUE,
  INPUT_ACK, INPUT_COUNT, INPUT_REQUEST_RETRANSMISSION, INPUT_RESPONSE_1XX, INPUT_RESPONSE_2XX,
  INPUT_RESPONSE_300_699, INPUT_START, INPUT_TRANSPORT_ERROR, INPUT_TU_1XX, INPUT_TU_2XX, INPUT_TU_300_699,
  MACHINE_ICT, MACHINE_IST, MACHINE_NICT, MACHINE_NIST, MACHINE_NONE, RETRANSMIT_TIMER_OF,
  STATE_COUNT, STATE_NONE, STATE_TERMINATED,
  TIMER_B, TIMER_D, TIMER_F, TIMER_H, TIMER_I, TIMER_J, TIMER_K, TIMER_L, TIMER_M, TIMER_TRYING, TRYING_DELAY_MS,
  TRANSITIONS, TRANSITION_INDEX,
} from './table.js';

/** Hash-index salts so client, server and RFC 2543 server entries never compare equal by accident. */
const SIDE_CLIENT = 1;
const SIDE_SERVER = 2;
const SIDE_LEGACY = 3;

export class TransactionEngineBase {
  readonly config: TransactionConfig;
  /** Transactions currently live. */
  liveCount = 0;
  /** Outputs dropped because the host did not drain the queues (should stay 0). */
  droppedTransmits = 0;
  droppedEvents = 0;

  private readonly capacity: number;
  private readonly generationLimit: number;
  protected ackBuilder: AckBuilder | null;
  private readonly t1: number;
  private readonly t2: number;
  private readonly t4: number;
  private readonly timerD: number;

  // ---- per slot ----
  protected readonly idOf: Int32Array;
  private readonly generation: Int32Array;
  protected readonly machine: Uint8Array;
  protected readonly state: Uint8Array;
  private readonly method: Uint16Array;
  private readonly reliable: Uint8Array;
  private readonly legacy: Uint8Array;
  private readonly destination: Int32Array;
  private readonly interval: Float64Array;
  private readonly branchHash: Int32Array;
  private readonly branchLen: Int32Array;
  private readonly sentBy: Int32Array;
  private readonly legacyHash: Int32Array;
  private readonly requestToTag: Int32Array;
  private readonly responseToTag: Int32Array;
  private readonly lastStatus: Uint16Array;
  private readonly indexMixed: Int32Array;
  /** Which RFC timer is armed on each lane: [slot*2] retransmit, [slot*2+1] lifetime. */
  protected readonly timerName: Uint8Array;
  private readonly branchPool: Uint8Array;
  private readonly maxBranch: number;
  private readonly requestRef: (Uint8Array | null)[];
  private readonly requestOff: Int32Array;
  private readonly requestLen: Int32Array;
  private readonly responseRef: (Uint8Array | null)[];
  private readonly responseOff: Int32Array;
  private readonly responseLen: Int32Array;
  private readonly ackRef: (Uint8Array | null)[];
  private readonly freeSlots: Int32Array;
  private freeCount: number;

  // ---- hash index: slot + 1 per bucket, 0 = empty; linear probing, backward-shift deletion ----
  private readonly index: Int32Array;
  private readonly indexMask: number;

  protected readonly timers: DeadlineHeap;

  // ---- transmit ring ----
  private readonly outKind: Uint8Array;
  private readonly outTx: Int32Array;
  private readonly outDestination: Int32Array;
  private readonly outReliable: Uint8Array;
  private readonly outRef: (Uint8Array | null)[];
  private readonly outOff: Int32Array;
  private readonly outLen: Int32Array;
  private outHead = 0;
  private outCount = 0;

  // ---- event ring ----
  private readonly evKind: Uint8Array;
  private readonly evTx: Int32Array;
  private readonly evStatus: Uint16Array;
  private readonly evMethod: Uint16Array;
  private readonly evRef: (Uint8Array | null)[];
  private readonly evOff: Int32Array;
  private readonly evLen: Int32Array;
  private evHead = 0;
  private evCount = 0;

  // ---- the message being handled (what ACT_DELIVER hands up) ----
  private curRef: Uint8Array | null = null;
  private curOff = 0;
  private curLen = 0;
  private curStatus = 0;
  private curMethod = 0;


  constructor(config: Partial<TransactionConfig> = {}, ackBuilder: AckBuilder | null = null) {
    const c = resolveTransactionConfig(config);
    this.config = c;
    this.ackBuilder = ackBuilder;
    this.t1 = c.t1;
    this.t2 = c.t2;
    this.t4 = c.t4;
    this.timerD = c.timerD;
    const n = c.maxTransactions;
    this.capacity = n;
    this.generationLimit = Math.floor(0x7fffffff / n);
    // One buffer for all the columns below (see core/bytes/typed-arena.ts): per slot 78 bytes
    // + its branch, per hash bucket 4, per transmit entry 18, per event entry 17.
    let buckets = 16;
    while (buckets < 2 * n) buckets *= 2;
    const q = c.transmitQueueSize;
    const e = c.eventQueueSize;
    const arena = new TypedArena(n * (78 + c.maxBranchBytes) + buckets * 4 + q * 18 + e * 17 + 40 * 8);
    this.idOf = arena.i32(n).fill(-1);
    this.generation = arena.i32(n);
    this.machine = arena.u8(n);
    this.state = arena.u8(n);
    this.method = arena.u16(n);
    this.reliable = arena.u8(n);
    this.legacy = arena.u8(n);
    this.destination = arena.i32(n);
    this.interval = arena.f64(n);
    this.branchHash = arena.i32(n);
    this.branchLen = arena.i32(n);
    this.sentBy = arena.i32(n);
    this.legacyHash = arena.i32(n);
    this.requestToTag = arena.i32(n);
    this.responseToTag = arena.i32(n);
    this.lastStatus = arena.u16(n);
    this.indexMixed = arena.i32(n);
    this.timerName = arena.u8(2 * n);
    this.maxBranch = c.maxBranchBytes;
    this.branchPool = arena.u8(n * c.maxBranchBytes);
    this.requestRef = new Array<Uint8Array | null>(n).fill(null);
    this.requestOff = arena.i32(n);
    this.requestLen = arena.i32(n);
    this.responseRef = new Array<Uint8Array | null>(n).fill(null);
    this.responseOff = arena.i32(n);
    this.responseLen = arena.i32(n);
    this.ackRef = new Array<Uint8Array | null>(n).fill(null);
    this.freeSlots = arena.i32(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n;
    this.index = arena.i32(buckets);
    this.indexMask = buckets - 1;
    this.timers = new DeadlineHeap(2 * n);
    this.outKind = arena.u8(q);
    this.outTx = arena.i32(q);
    this.outDestination = arena.i32(q);
    this.outReliable = arena.u8(q);
    this.outRef = new Array<Uint8Array | null>(q).fill(null);
    this.outOff = arena.i32(q);
    this.outLen = arena.i32(q);
    this.evKind = arena.u8(e);
    this.evTx = arena.i32(e);
    this.evStatus = arena.u16(e);
    this.evMethod = arena.u16(e);
    this.evRef = new Array<Uint8Array | null>(e).fill(null);
    this.evOff = arena.i32(e);
    this.evLen = arena.i32(e);
  }

  // =====================================================================================
  // TU commands
  // =====================================================================================

  /**
   * Starts a client transaction (§17.1) for a request the TU has serialised, and queues its first
   * transmission. Returns the transaction id (≥ 0) or a negative TX_ERROR_*.
   */
  startClient(req: OutgoingRequest, now: number): number {
    const methodId = req.methodId;
    if (methodId === METHOD_ACK) return TX_ERROR_BAD_METHOD;
    if (methodId === METHOD_INVITE && this.ackBuilder === null) return TX_ERROR_NO_ACK_BUILDER;
    if (!startsWithMagicCookie(req.branchBuf, req.branchOff, req.branchLen)) return TX_ERROR_BAD_BRANCH;
    const branchHash = hashBytes(req.branchBuf, req.branchOff, req.branchLen);
    const mixed = mixHash(hashNumber(methodId * 4 + SIDE_CLIENT, branchHash));
    if (this.findClient(mixed, methodId, req.branchBuf, req.branchOff, req.branchLen, branchHash) >= 0) return TX_ERROR_DUPLICATE;
    const slot = this.allocate();
    if (slot < 0) return TX_ERROR_CAPACITY;
    this.machine[slot] = methodId === METHOD_INVITE ? MACHINE_ICT : MACHINE_NICT;
    this.method[slot] = methodId;
    this.reliable[slot] = req.reliable ? 1 : 0;
    this.legacy[slot] = 0;
    this.destination[slot] = req.destination;
    this.requestRef[slot] = req.bytes;
    this.requestOff[slot] = req.off;
    this.requestLen[slot] = req.len;
    this.storeBranch(slot, req.branchBuf, req.branchOff, req.branchLen, branchHash);
    this.indexInsert(slot, mixed);
    this.setCurrent(null, 0, 0, 0, methodId);
    this.apply(slot, INPUT_START, now);
    return this.idOf[slot]!;
  }


  /**
   * Passes the TU's response to server transaction `txId` (§17.2). The bytes are kept by
   * reference for retransmissions until the transaction ends. `toTagHash` (hash of the response's
   * To tag) is only needed to match ACKs from RFC 2543 peers (§17.2.3). Returns 0 or TX_ERROR_*.
   */
  respond(txId: number, statusCode: number, bytes: Uint8Array, off: number, len: number, now: number, toTagHash = 0): number {
    const slot = this.slotOf(txId);
    if (slot < 0) return TX_ERROR_UNKNOWN_TRANSACTION;
    const machine = this.machine[slot]!;
    if (machine !== MACHINE_IST && machine !== MACHINE_NIST) return TX_ERROR_INVALID_STATE;
    if (!(statusCode >= 100 && statusCode <= 699)) return TX_ERROR_BAD_STATUS;
    const input = statusCode < 200 ? INPUT_TU_1XX : statusCode < 300 ? INPUT_TU_2XX : INPUT_TU_300_699;
    if (TRANSITION_INDEX[(machine * STATE_COUNT + this.state[slot]!) * INPUT_COUNT + input] === 0) return TX_ERROR_INVALID_STATE;
    this.responseRef[slot] = bytes;
    this.responseOff[slot] = off;
    this.responseLen[slot] = len;
    this.lastStatus[slot] = statusCode;
    if (statusCode >= 200) this.responseToTag[slot] = toTagHash;
    this.setCurrent(null, 0, 0, statusCode, this.method[slot]!);
    this.apply(slot, input, now);
    return 0;
  }

  // =====================================================================================
  // Inputs
  // =====================================================================================

  /**
   * A request arrived (§17.2.3). `source` is the host's key for where responses go (§18.2.2);
   * `reliable` says whether it came over a reliable transport. Returns a DISPOSITION_*.
   */
  handleRequest(key: TransactionKey, bytes: Uint8Array, off: number, len: number, source: number, reliable: boolean, now: number): number {
    const methodId = key.methodId;
    // §17.2.3: "the method of the request matches the one that created the transaction, except
    // for ACK, where the method of the request that created the transaction is INVITE."
    const methodClass = methodId === METHOD_ACK ? METHOD_INVITE : methodId;
    const legacy = !key.hasMagicCookie();
    const mixed = legacy
      ? mixHash(hashNumber(methodClass * 4 + SIDE_LEGACY, key.legacyHash))
      : mixHash(hashNumber(methodClass * 4 + SIDE_SERVER, hashNumber(key.sentByHash, key.branchHash)));
    this.setCurrent(bytes, off, len, 0, methodId);
    let slot = legacy
      ? this.findLegacyServer(mixed, methodClass, key, methodId === METHOD_ACK ? 2 : 1)
      : this.findServer(mixed, methodClass, key);
    if (slot >= 0) {
      const acts = this.apply(slot, methodId === METHOD_ACK ? INPUT_ACK : INPUT_REQUEST_RETRANSMISSION, now);
      return acts > 0 && (acts & ACT_DELIVER) !== 0 ? DISPOSITION_DELIVERED : DISPOSITION_ABSORBED;
    }
    if (methodId === METHOD_ACK) {
      // The ACK for a 2xx is its own thing (§17.1.1.3, §13.3.1.4): the dialog layer takes it.
      this.queueEvent(EVENT_ACK, -1, 0, methodId, bytes, off, len);
      return DISPOSITION_STRAY_ACK;
    }
    slot = this.allocate();
    if (slot < 0) return DISPOSITION_OVERLOADED;
    this.machine[slot] = methodId === METHOD_INVITE ? MACHINE_IST : MACHINE_NIST;
    this.method[slot] = methodId;
    this.reliable[slot] = reliable ? 1 : 0;
    this.legacy[slot] = legacy ? 1 : 0;
    this.destination[slot] = source;
    this.sentBy[slot] = key.sentByHash;
    this.legacyHash[slot] = key.legacyHash;
    this.requestToTag[slot] = key.toTagHash;
    this.storeBranch(slot, key.branchBuf, key.branchOff, key.branchLen, key.branchHash);
    this.indexInsert(slot, mixed);
    this.apply(slot, INPUT_START, now);
    return DISPOSITION_CREATED;
  }

  /** A response arrived (§17.1.3). Returns a DISPOSITION_*. */
  handleResponse(key: TransactionKey, bytes: Uint8Array, off: number, len: number, now: number): number {
    const status = key.statusCode;
    if (!(status >= 100 && status <= 699)) return DISPOSITION_MALFORMED;
    const methodId = key.cseqMethodId;
    const mixed = mixHash(hashNumber(methodId * 4 + SIDE_CLIENT, key.branchHash));
    const slot = this.findClient(mixed, methodId, key.branchBuf, key.branchOff, key.branchLen, key.branchHash);
    if (slot < 0) return DISPOSITION_NO_MATCH;
    this.setCurrent(bytes, off, len, status, methodId);
    const input = status < 200 ? INPUT_RESPONSE_1XX : status < 300 ? INPUT_RESPONSE_2XX : INPUT_RESPONSE_300_699;
    const acts = this.apply(slot, input, now);
    return acts > 0 && (acts & ACT_DELIVER) !== 0 ? DISPOSITION_DELIVERED : DISPOSITION_ABSORBED;
  }

  /**
   * The host could not send for transaction `txId` (§17.1.4, §17.2.4): the transaction ends and
   * the TU gets EVENT_TRANSPORT_ERROR (503 for client transactions, §8.1.3.1). Returns 0 or TX_ERROR_*.
   */
  handleTransportError(txId: number, now: number): number {
    const slot = this.slotOf(txId);
    if (slot < 0) return TX_ERROR_UNKNOWN_TRANSACTION;
    this.setCurrent(null, 0, 0, 503, this.method[slot]!);
    this.apply(slot, INPUT_TRANSPORT_ERROR, now);
    return 0;
  }

  /** Fires every timer due at `now`. */
  handleTimeout(now: number): void {
    const timers = this.timers;
    let key: number;
    while ((key = timers.popExpired(now)) >= 0) {
      const slot = key >> 1;
      this.setCurrent(null, 0, 0, 0, this.method[slot]!);
      this.apply(slot, this.timerName[key]!, now);
    }
  }

  /** When handleTimeout must be called next (ms), or -1 when no timer is armed. */
  nextDeadline(): number {
    return this.timers.nextDeadline();
  }


  // =====================================================================================
  // Outputs
  // =====================================================================================

  /** Fills `out` with the next datagram/write to perform; false when there is none. */
  pollTransmit(out: Transmit): boolean {
    if (this.outCount === 0) return false;
    const at = this.outHead;
    out.kind = this.outKind[at]!;
    out.txId = this.outTx[at]!;
    out.destination = this.outDestination[at]!;
    out.reliable = this.outReliable[at] === 1;
    out.bytes = this.outRef[at]!;
    out.off = this.outOff[at]!;
    out.len = this.outLen[at]!;
    this.outRef[at] = null;
    this.outHead = at + 1 === this.outKind.length ? 0 : at + 1;
    this.outCount--;
    return true;
  }

  /** Fills `out` with the next event for the TU; false when there is none. */
  pollEvent(out: TransactionEvent): boolean {
    if (this.evCount === 0) return false;
    const at = this.evHead;
    out.kind = this.evKind[at]!;
    out.txId = this.evTx[at]!;
    out.statusCode = this.evStatus[at]!;
    out.methodId = this.evMethod[at]!;
    const ref = this.evRef[at];
    out.bytes = ref === null || ref === undefined ? EMPTY : ref;
    out.off = this.evOff[at]!;
    out.len = this.evLen[at]!;
    this.evRef[at] = null;
    this.evHead = at + 1 === this.evKind.length ? 0 : at + 1;
    this.evCount--;
    return true;
  }

  // =====================================================================================
  // Getters
  // =====================================================================================





  /** Live timers (for tests and benchmarks). */
  get liveTimers(): number {
    return this.timers.size;
  }

  // =====================================================================================
  // The interpreter of table.ts
  // =====================================================================================

  /** Runs the row for (slot's machine, slot's state, input). Returns its action bits, or -1 when there is no row. */
  private apply(slot: number, input: number, now: number): number {
    const machine = this.machine[slot]!;
    const at = TRANSITION_INDEX[(machine * STATE_COUNT + this.state[slot]!) * INPUT_COUNT + input]!;
    if (at === 0) return -1;
    const row = TRANSITIONS[at - 1]!;
    const acts = row.actions;
    const txId = this.idOf[slot]!;
    const retransmitKey = 2 * slot;
    const lifetimeKey = retransmitKey + 1;
    this.state[slot] = row.to;
    if (acts & ACT_STOP_RETRANSMIT) this.timers.cancel(retransmitKey);
    if (acts & ACT_STOP_LIFETIME) this.timers.cancel(lifetimeKey);
    if (acts & ACT_SEND_REQUEST) {
      this.queueTransmit(TRANSMIT_REQUEST, slot, this.requestRef[slot]!, this.requestOff[slot]!, this.requestLen[slot]!);
    }
    if (acts & ACT_SEND_ACK) this.sendAck(slot);
    if (acts & ACT_SEND_RESPONSE) {
      const response = this.responseRef[slot];
      if (response) this.queueTransmit(TRANSMIT_RESPONSE, slot, response, this.responseOff[slot]!, this.responseLen[slot]!);
    }
    if (acts & ACT_DELIVER) {
      const kind = machine === MACHINE_ICT || machine === MACHINE_NICT ? EVENT_RESPONSE : input === INPUT_ACK ? EVENT_ACK : EVENT_REQUEST;
      this.queueEvent(kind, txId, this.curStatus, this.curMethod, this.curRef, this.curOff, this.curLen);
    }
    // §8.1.3.1: a timeout is treated as 408, a transport failure as 503.
    if (acts & ACT_REPORT_TIMEOUT) this.queueEvent(EVENT_TIMEOUT, txId, 408, this.method[slot]!, null, 0, 0);
    if (acts & ACT_REPORT_TRANSPORT_ERROR) this.queueEvent(EVENT_TRANSPORT_ERROR, txId, 503, this.method[slot]!, null, 0, 0);
    if (acts & ACT_REPORT_TRYING_DUE) this.queueEvent(EVENT_TRYING_DUE, txId, 100, this.method[slot]!, null, 0, 0);
    if (acts & ACT_START_TRYING) {
      this.timerName[retransmitKey] = TIMER_TRYING;
      this.timers.set(retransmitKey, now + TRYING_DELAY_MS);
    }
    // Retransmission timers exist on unreliable transports only (§17.1.1.2, §17.1.2.2, §17.2.1).
    if (this.reliable[slot] === 0 && (acts & (ACT_RETRANSMIT_START | ACT_RETRANSMIT_DOUBLE | ACT_RETRANSMIT_DOUBLE_CAPPED | ACT_RETRANSMIT_AT_T2)) !== 0) {
      let interval = this.interval[slot]!;
      if (acts & ACT_RETRANSMIT_START) interval = this.t1;
      else if (acts & ACT_RETRANSMIT_DOUBLE) interval *= 2;
      else if (acts & ACT_RETRANSMIT_DOUBLE_CAPPED) interval = Math.min(2 * interval, this.t2);
      else interval = this.t2;
      this.interval[slot] = interval;
      this.timerName[retransmitKey] = RETRANSMIT_TIMER_OF[machine]!;
      this.timers.set(retransmitKey, now + interval);
    }
    if (row.to === STATE_TERMINATED) {
      this.release(slot);
      return acts;
    }
    if (acts & ACT_START_LIFETIME) {
      const timer = row.timer;
      const duration = this.lifetimeDuration(timer, this.reliable[slot] === 1);
      if (duration === 0) {
        // "Timer K = 0 on reliable transports": the transition happens now, not on the next poll.
        this.apply(slot, timer, now);
        return acts;
      }
      this.timerName[lifetimeKey] = timer;
      this.timers.set(lifetimeKey, now + duration);
    }
    return acts;
  }

  /** RFC 3261 Table 4 (+ RFC 6026 Timers L and M). */
  private lifetimeDuration(timer: number, reliable: boolean): number {
    switch (timer) {
      case TIMER_B: case TIMER_F: case TIMER_H: case TIMER_L: case TIMER_M:
        return 64 * this.t1;
      case TIMER_J:
        return reliable ? 0 : 64 * this.t1;
      case TIMER_D:
        return reliable ? 0 : this.timerD;
      case TIMER_K: case TIMER_I:
        return reliable ? 0 : this.t4;
      default:
        return 0;
    }
  }

  /** §17.1.1.3: the ACK is built once (first non-2xx final) and resent for each retransmission of it. */
  private sendAck(slot: number): void {
    let ack = this.ackRef[slot];
    if (!ack) {
      const request = this.requestRef[slot];
      const response = this.curRef;
      if (!request || !response || !this.ackBuilder) return;
      ack = this.ackBuilder.buildAck(request, this.requestOff[slot]!, this.requestLen[slot]!, response, this.curOff, this.curLen);
      if (!ack) return;
      this.ackRef[slot] = ack;
    }
    this.queueTransmit(TRANSMIT_ACK, slot, ack, 0, ack.length);
  }

  // =====================================================================================
  // Slots
  // =====================================================================================

  private allocate(): number {
    if (this.freeCount === 0) return -1;
    const slot = this.freeSlots[--this.freeCount]!;
    this.idOf[slot] = this.generation[slot]! * this.capacity + slot;
    this.state[slot] = STATE_NONE;
    this.lastStatus[slot] = 0;
    this.sentBy[slot] = 0;
    this.legacyHash[slot] = 0;
    this.requestToTag[slot] = 0;
    this.responseToTag[slot] = 0;
    this.liveCount++;
    return slot;
  }

  private release(slot: number): void {
    const txId = this.idOf[slot]!;
    this.indexRemove(slot);
    this.timers.cancel(2 * slot);
    this.timers.cancel(2 * slot + 1);
    this.requestRef[slot] = null;
    this.responseRef[slot] = null;
    this.ackRef[slot] = null;
    const methodId = this.method[slot]!;
    this.machine[slot] = MACHINE_NONE;
    this.state[slot] = STATE_NONE;
    this.idOf[slot] = -1;
    const next = this.generation[slot]! + 1;
    this.generation[slot] = next >= this.generationLimit ? 0 : next;
    this.freeSlots[this.freeCount++] = slot;
    this.liveCount--;
    this.queueEvent(EVENT_TERMINATED, txId, 0, methodId, null, 0, 0);
  }

  /**
   * Later sends of transaction `txId` (responses, retransmissions) go to `destination`: RFC 3261
   * §18.2.2 answers over a new connection when the one the request came on has closed.
   * Returns 0, or TX_ERROR_UNKNOWN_TRANSACTION.
   */
  setDestination(txId: number, destination: number): number {
    const slot = this.slotOf(txId);
    if (slot < 0) return TX_ERROR_UNKNOWN_TRANSACTION;
    this.destination[slot] = destination;
    return 0;
  }

  protected slotOf(txId: number): number {
    if (!(txId >= 0)) return -1;
    const slot = txId % this.capacity;
    return this.idOf[slot] === txId ? slot : -1;
  }

  private storeBranch(slot: number, buf: Uint8Array, off: number, len: number, hash: number): void {
    const max = this.maxBranch;
    const base = slot * max;
    const pool = this.branchPool;
    const copy = len < max ? len : max;
    for (let i = 0; i < copy; i++) pool[base + i] = buf[off + i]!;
    this.branchLen[slot] = len;
    this.branchHash[slot] = hash;
  }

  /** Exact comparison: length, hash, and the bytes kept in the pool (the prefix, for over-long branches). */
  private branchEquals(slot: number, buf: Uint8Array, off: number, len: number, hash: number): boolean {
    if (this.branchLen[slot] !== len || this.branchHash[slot] !== hash) return false;
    const max = this.maxBranch;
    const base = slot * max;
    const pool = this.branchPool;
    const n = len < max ? len : max;
    for (let i = 0; i < n; i++) if (pool[base + i] !== buf[off + i]) return false;
    return true;
  }

  private setCurrent(ref: Uint8Array | null, off: number, len: number, status: number, methodId: number): void {
    this.curRef = ref;
    this.curOff = off;
    this.curLen = len;
    this.curStatus = status;
    this.curMethod = methodId;
  }

  // =====================================================================================
  // Hash index
  // =====================================================================================

  /** §17.1.3: branch of the top Via + CSeq method. */
  private findClient(mixed: number, methodId: number, buf: Uint8Array, off: number, len: number, hash: number): number {
    const index = this.index;
    const mask = this.indexMask;
    for (let i = mixed & mask; ; i = (i + 1) & mask) {
      const entry = index[i]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.indexMixed[slot] === mixed && this.method[slot] === methodId) {
        const m = this.machine[slot];
        if ((m === MACHINE_ICT || m === MACHINE_NICT) && this.branchEquals(slot, buf, off, len, hash)) return slot;
      }
    }
  }

  /** §17.2.3 (magic cookie present): branch + sent-by + method (ACK counted as INVITE). */
  protected findServer(mixed: number, methodClass: number, key: TransactionKey): number {
    const index = this.index;
    const mask = this.indexMask;
    for (let i = mixed & mask; ; i = (i + 1) & mask) {
      const entry = index[i]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.indexMixed[slot] === mixed && this.method[slot] === methodClass && this.legacy[slot] === 0 && this.sentBy[slot] === key.sentByHash) {
        const m = this.machine[slot];
        if ((m === MACHINE_IST || m === MACHINE_NIST) && this.branchEquals(slot, key.branchBuf, key.branchOff, key.branchLen, key.branchHash)) return slot;
      }
    }
  }

  /**
   * §17.2.3 RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and top Via (in
   * legacyHash) plus, by `toTagRule`: 1 = the request's To tag equals the original request's
   * (retransmissions); 2 = an ACK, which needs a final response sent and whose To tag must equal
   * that response's (when respond() was given its hash);
   * 0 = To tag ignored (CANCEL, §9.2).
   */
  protected findLegacyServer(mixed: number, methodClass: number, key: TransactionKey, toTagRule: number): number {
    const index = this.index;
    const mask = this.indexMask;
    for (let i = mixed & mask; ; i = (i + 1) & mask) {
      const entry = index[i]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.indexMixed[slot] === mixed && this.method[slot] === methodClass && this.legacy[slot] === 1 && this.legacyHash[slot] === key.legacyHash) {
        if (toTagRule === 1 && this.requestToTag[slot] !== key.toTagHash) continue;
        // An ACK only acknowledges a final response that was sent; its To tag must be that response's.
        if (toTagRule === 2 && (this.lastStatus[slot]! < 200 || (this.responseToTag[slot] !== 0 && this.responseToTag[slot] !== key.toTagHash))) continue;
        return slot;
      }
    }
  }

  private indexInsert(slot: number, mixed: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let i = mixed & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = slot + 1;
    this.indexMixed[slot] = mixed;
  }

  private indexRemove(slot: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let hole = this.indexMixed[slot]! & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: pull later members of the probe run into the hole so lookups
    // never stop early (no tombstones to accumulate).
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const entry = index[j]!;
      if (entry === 0) break;
      const home = this.indexMixed[entry - 1]! & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index[hole] = entry;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  // =====================================================================================
  // Queues
  // =====================================================================================

  private queueTransmit(kind: number, slot: number, bytes: Uint8Array, off: number, len: number): void {
    const cap = this.outKind.length;
    if (this.outCount === cap) {
      this.droppedTransmits++;
      return;
    }
    let at = this.outHead + this.outCount;
    if (at >= cap) at -= cap;
    this.outKind[at] = kind;
    this.outTx[at] = this.idOf[slot]!;
    this.outDestination[at] = this.destination[slot]!;
    this.outReliable[at] = this.reliable[slot]!;
    this.outRef[at] = bytes;
    this.outOff[at] = off;
    this.outLen[at] = len;
    this.outCount++;
  }

  private queueEvent(kind: number, txId: number, status: number, methodId: number, bytes: Uint8Array | null, off: number, len: number): void {
    const cap = this.evKind.length;
    if (this.evCount === cap) {
      this.droppedEvents++;
      return;
    }
    let at = this.evHead + this.evCount;
    if (at >= cap) at -= cap;
    this.evKind[at] = kind;
    this.evTx[at] = txId;
    this.evStatus[at] = status;
    this.evMethod[at] = methodId;
    this.evRef[at] = bytes;
    this.evOff[at] = off;
    this.evLen[at] = len;
    this.evCount++;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * TransactionEngineBase with what only some users need: INVITE client transactions' ACK builder
 * set after construction, CANCEL matching (§9.2), startClient as a Result, and inspection of a
 * transaction's state and timers (tests, the simulator's server). A class brings every method it
 * has into a bundle, so a phone that never sends or receives INVITE builds the base (the user
 * agent's UserAgentBase does; UserAgent, which can start chats, builds this one).
 */
export class TransactionEngine extends TransactionEngineBase {
  /** Client INVITE transactions need an ACK builder (§17.1.1.3); an engine that never sends INVITE is built without one. */
  useAckBuilder(builder: AckBuilder): void {
    this.ackBuilder = builder;
  }

  /** startClient as a ts-results Result, for callers at an API boundary. */
  sendRequest(req: OutgoingRequest, now: number): Result<number, number> {
    const id = this.startClient(req, now);
    return id >= 0 ? Ok(id) : Err(id);
  }

  /** CANCEL support (§9.2): the INVITE server transaction a CANCEL (described by `key`) targets, or -1. */
  findInviteServerFor(key: TransactionKey): number {
    const legacy = !key.hasMagicCookie();
    const slot = legacy
      ? this.findLegacyServer(mixHash(hashNumber(METHOD_INVITE * 4 + SIDE_LEGACY, key.legacyHash)), METHOD_INVITE, key, 0)
      : this.findServer(mixHash(hashNumber(METHOD_INVITE * 4 + SIDE_SERVER, hashNumber(key.sentByHash, key.branchHash))), METHOD_INVITE, key);
    return slot < 0 ? -1 : this.idOf[slot]!;
  }

  /** STATE_* of a live transaction, STATE_NONE for an unknown or ended one. */
  stateOf(txId: number): number {
    const slot = this.slotOf(txId);
    return slot < 0 ? STATE_NONE : this.state[slot]!;
  }

  /** MACHINE_* of a live transaction, MACHINE_NONE for an unknown or ended one. */
  machineOf(txId: number): number {
    const slot = this.slotOf(txId);
    return slot < 0 ? MACHINE_NONE : this.machine[slot]!;
  }

  /** The armed deadline of a transaction's timer lane (0 retransmit, 1 lifetime), or -1. */
  timerDeadline(txId: number, lane: 0 | 1): number {
    const slot = this.slotOf(txId);
    return slot < 0 ? -1 : this.timers.deadlineOf(2 * slot + lane);
  }

  /** The RFC timer (TIMER_*) armed on a lane, or TIMER_NONE (0). */
  timerArmed(txId: number, lane: 0 | 1): number {
    const slot = this.slotOf(txId);
    if (slot < 0 || !this.timers.has(2 * slot + lane)) return 0;
    return this.timerName[2 * slot + lane]!;
  }
}
