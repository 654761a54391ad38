// Drives one TransactionEngine in virtual time for unit tests: advances the clock from deadline
// to deadline, drains transmits and events after every step and records them with their time.
import {
  TransactionEngine, TransactionKey, OutgoingRequest, Transmit, TransactionEvent,
  type TransactionConfig, type AckBuilder,
} from '../../core/transaction/index.js';
import { decodeText, tinyKey, tinyRequest, tinyResponse } from './tiny-sip.js';

export interface SentRecord { t: number; kind: number; txId: number; text: string; destination: number }
export interface EventRecord { t: number; kind: number; txId: number; status: number; method: number; text: string }

export class TxDriver {
  readonly engine: TransactionEngine;
  now = 0;
  readonly sent: SentRecord[] = [];
  readonly events: EventRecord[] = [];
  private readonly key = new TransactionKey();
  private readonly req = new OutgoingRequest();
  private readonly tx = new Transmit();
  private readonly ev = new TransactionEvent();

  constructor(config: Partial<TransactionConfig> = {}, ackBuilder: AckBuilder | null = null) {
    this.engine = new TransactionEngine(config, ackBuilder);
  }

  /** Starts a client transaction with a tiny request; returns the id (or negative error). */
  send(methodId: number, branch: string, seq = 1, reliable = false, destination = 7): number {
    const bytes = tinyRequest(methodId, branch, 'client.example:5060', seq);
    const r = this.req;
    r.methodId = methodId;
    r.bytes = bytes;
    r.off = 0;
    r.len = bytes.length;
    r.branchBuf = bytes;
    r.branchOff = bytes.indexOf(0x20, 2) + 1;
    r.branchLen = branch.length;
    r.destination = destination;
    r.reliable = reliable;
    const id = this.engine.startClient(r, this.now);
    this.drain();
    return id;
  }

  /** Feeds a response for `branch` / CSeq method. */
  receiveResponse(status: number, branch: string, cseqMethodId: number, seq = 1): number {
    const bytes = tinyResponse(status, branch, cseqMethodId, seq);
    tinyKey(bytes, this.key);
    const d = this.engine.handleResponse(this.key, bytes, 0, bytes.length, this.now);
    this.drain();
    return d;
  }

  /** Feeds a request; `patch` may adjust the key (legacy hashes, to tags). */
  receiveRequest(methodId: number, branch: string, seq = 1, reliable = false, sentBy = 'client.example:5060', patch?: (k: TransactionKey) => void): number {
    const bytes = tinyRequest(methodId, branch, sentBy, seq);
    tinyKey(bytes, this.key);
    if (patch) patch(this.key);
    const d = this.engine.handleRequest(this.key, bytes, 0, bytes.length, 9, reliable, this.now);
    this.drain();
    return d;
  }

  respond(txId: number, status: number, methodId: number, branch: string, toTagHash = 0): number {
    const bytes = tinyResponse(status, branch, methodId, 1);
    const r = this.engine.respond(txId, status, bytes, 0, bytes.length, this.now, toTagHash);
    this.drain();
    return r;
  }

  /** Fires every deadline up to and including `t`, in order, then sets the clock to `t`. */
  advanceTo(t: number): void {
    for (;;) {
      const d = this.engine.nextDeadline();
      if (d < 0 || d > t) break;
      this.now = d;
      this.engine.handleTimeout(d);
      this.drain();
    }
    this.now = t;
  }

  drain(): void {
    while (this.engine.pollTransmit(this.tx)) {
      const x = this.tx;
      this.sent.push({ t: this.now, kind: x.kind, txId: x.txId, text: decodeText(x.bytes, x.off, x.len).trimEnd(), destination: x.destination });
    }
    while (this.engine.pollEvent(this.ev)) {
      const e = this.ev;
      this.events.push({ t: this.now, kind: e.kind, txId: e.txId, status: e.statusCode, method: e.methodId, text: decodeText(e.bytes, e.off, e.len).trimEnd() });
    }
  }

  sentTimes(kind: number, txId?: number): number[] {
    return this.sent.filter((s) => s.kind === kind && (txId === undefined || s.txId === txId)).map((s) => s.t);
  }

  eventsOf(kind: number, txId?: number): EventRecord[] {
    return this.events.filter((e) => e.kind === kind && (txId === undefined || e.txId === txId));
  }
}
