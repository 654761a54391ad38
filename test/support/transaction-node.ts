// One side of the two-party harness: a TransactionEngine, a tiny TU with a scripted policy, and
// a record of everything each transaction did (sends, responses, timeouts, terminations) with
// virtual timestamps, so tests can check outcomes against the RFC schedules.
import {
  TransactionEngine, TransactionKey, OutgoingRequest, Transmit, TransactionEvent, type TransactionConfig,
  EVENT_ACK, EVENT_REQUEST, EVENT_RESPONSE, EVENT_TERMINATED, EVENT_TIMEOUT, EVENT_TRANSPORT_ERROR,
  TRANSMIT_ACK, TRANSMIT_REQUEST, TRANSMIT_RESPONSE, METHOD_ACK, METHOD_INVITE,
  DISPOSITION_ABSORBED, STATE_COMPLETED, STATE_CONFIRMED,
} from '../../core/transaction/index.js';
import { tinyCodec, type HarnessCodec } from './harness-codec.js';
import type { Datagram, SimNode, VirtualLink } from './virtual-link.js';

export interface ClientRecord {
  seq: number;
  method: number;
  txId: number;
  start: number;
  /** Times the request itself was transmitted (first send and retransmissions). */
  sends: number[];
  responses: { t: number; status: number }[];
  finalAt: number;
  finalStatus: number;
  timeoutAt: number;
  transportErrorAt: number;
  terminatedAt: number;
  acksSent: number[];
}

export interface ServerRecord {
  seq: number;
  method: number;
  txId: number;
  createdAt: number;
  /** Copies of the request that reached this node (first + retransmissions + duplicates). */
  arrivals: number;
  /** Copies absorbed while the transaction was Completed/Confirmed (each Completed one must trigger a resend). */
  absorbedCompleted: number;
  deliveredToTu: number;
  responsesSent: { t: number; status: number }[];
  acksReceived: number;
  timeoutAt: number;
  terminatedAt: number;
  firstAckAt: number;
  /** TU state for INVITE 2xx (§13.3.1.4): the 2xx ACK arrived. */
  ackFor2xxAt: number;
}

const NONE = -1;

export class TransactionNode implements SimNode {
  readonly engine: TransactionEngine;
  readonly clients = new Map<number, ClientRecord>();
  readonly servers = new Map<number, ServerRecord>();
  /** Server records by request seq (ACKs and retransmissions are attributed by seq). */
  readonly serverBySeq = new Map<number, ServerRecord>();
  strayAcks = 0;
  noMatch = 0;
  /** TU policy for new requests (schedule responses with respond/schedule). */
  onRequest: (node: TransactionNode, rec: ServerRecord, now: number) => void = () => {};
  /** TU policy for responses (e.g. ACK a 2xx). */
  onResponse: (node: TransactionNode, rec: ClientRecord, status: number, now: number) => void = () => {};

  private readonly agenda: { at: number; order: number; fn: (now: number) => void }[] = [];
  private order = 0;
  private readonly key = new TransactionKey();
  private readonly req = new OutgoingRequest();
  private readonly tx = new Transmit();
  private readonly ev = new TransactionEvent();

  constructor(
    readonly id: number,
    readonly peer: number,
    private readonly link: VirtualLink,
    config: Partial<TransactionConfig>,
    readonly reliable = false,
    private readonly codec: HarnessCodec = tinyCodec,
  ) {
    this.engine = new TransactionEngine(config, codec.ackBuilder);
  }

  get sentBy(): string {
    return `node${this.id}.example:5060`;
  }

  startRequest(methodId: number, seq: number, now: number): number {
    const branch = `z9hG4bK-n${this.id}-${seq}`;
    const { bytes, branchOff } = this.codec.request(methodId, branch, this.sentBy, seq);
    const r = this.req;
    r.methodId = methodId;
    r.bytes = bytes;
    r.off = 0;
    r.len = bytes.length;
    r.branchBuf = bytes;
    r.branchOff = branchOff;
    r.branchLen = branch.length;
    r.destination = this.peer;
    r.reliable = this.reliable;
    const txId = this.engine.startClient(r, now);
    if (txId < 0) throw new Error(`startClient failed: ${txId}`);
    this.clients.set(txId, {
      seq, method: methodId, txId, start: now, sends: [], responses: [], finalAt: NONE, finalStatus: 0,
      timeoutAt: NONE, transportErrorAt: NONE, terminatedAt: NONE, acksSent: [],
    });
    return txId;
  }

  respond(rec: ServerRecord, status: number, now: number): number {
    const bytes = this.codec.response(status, `z9hG4bK-n${this.peer}-${rec.seq}`, `node${this.peer}.example:5060`, rec.method, rec.seq);
    return this.engine.respond(rec.txId, status, bytes, 0, bytes.length, now);
  }

  /** A TU-level send that bypasses the transaction layer (the ACK for a 2xx, §13.2.2.4). */
  sendRaw(bytes: Uint8Array, now: number): void {
    this.link.send(this.id, this.peer, bytes, 0, bytes.length, now);
  }

  ack2xx(rec: ClientRecord, now: number): void {
    rec.acksSent.push(now);
    this.sendRaw(this.codec.request(METHOD_ACK, `z9hG4bK-n${this.id}-${rec.seq}-ack`, this.sentBy, rec.seq).bytes, now);
  }

  schedule(at: number, fn: (now: number) => void): void {
    const item = { at, order: this.order++, fn };
    const a = this.agenda;
    let i = a.length;
    while (i > 0 && (a[i - 1]!.at > at)) i--;
    a.splice(i, 0, item);
  }

  nextDeadline(): number {
    const e = this.engine.nextDeadline();
    const a = this.agenda.length ? this.agenda[0]!.at : -1;
    if (e < 0) return a;
    if (a < 0) return e;
    return Math.min(e, a);
  }

  handleTimeout(now: number): void {
    this.engine.handleTimeout(now);
    this.flush(now);
    while (this.agenda.length && this.agenda[0]!.at <= now) {
      this.agenda.shift()!.fn(now);
      this.flush(now);
    }
  }

  receive(d: Datagram, now: number): void {
    const m = this.codec.read(d.bytes, 0, d.bytes.length, this.key);
    if (!m.isRequest) {
      if (this.engine.handleResponse(this.key, d.bytes, 0, d.bytes.length, now) < 0) this.noMatch++;
      return;
    }
    const known = this.serverBySeq.get(m.seq);
    const stateBefore = known ? this.engine.stateOf(known.txId) : 0;
    const disposition = this.engine.handleRequest(this.key, d.bytes, 0, d.bytes.length, d.from, this.reliable, now);
    if (known && m.methodId !== METHOD_ACK) {
      known.arrivals++;
      if (disposition === DISPOSITION_ABSORBED && (stateBefore === STATE_COMPLETED || stateBefore === STATE_CONFIRMED)) known.absorbedCompleted++;
    }
    if (known && m.methodId === METHOD_ACK) {
      if (known.acksReceived++ === 0) known.firstAckAt = now;
    }
  }

  /** Drains transmits then events, again and again: a TU reacting to an event may queue more. */
  flush(now: number): void {
    while (this.drainOnce(now));
  }

  private drainOnce(now: number): boolean {
    let any = false;
    const tx = this.tx;
    while (this.engine.pollTransmit(tx)) {
      any = true;
      if (tx.kind === TRANSMIT_REQUEST) this.clients.get(tx.txId)?.sends.push(now);
      else if (tx.kind === TRANSMIT_ACK) this.clients.get(tx.txId)?.acksSent.push(now);
      else if (tx.kind === TRANSMIT_RESPONSE) {
        const rec = this.servers.get(tx.txId);
        if (rec) rec.responsesSent.push({ t: now, status: this.codec.info(tx.bytes, tx.off, tx.len).status });
      }
      this.link.send(this.id, tx.destination, tx.bytes, tx.off, tx.len, now);
    }
    const ev = this.ev;
    while (this.engine.pollEvent(ev)) {
      any = true;
      const client = this.clients.get(ev.txId);
      const server = this.servers.get(ev.txId);
      switch (ev.kind) {
        case EVENT_RESPONSE: {
          const rec = client!;
          rec.responses.push({ t: now, status: ev.statusCode });
          if (ev.statusCode >= 200 && rec.finalAt === NONE) {
            rec.finalAt = now;
            rec.finalStatus = ev.statusCode;
          }
          this.onResponse(this, rec, ev.statusCode, now);
          break;
        }
        case EVENT_REQUEST: {
          const m = this.codec.info(ev.bytes, ev.off, ev.len);
          const rec: ServerRecord = {
            seq: m.seq, method: m.methodId, txId: ev.txId, createdAt: now, arrivals: 1, absorbedCompleted: 0, deliveredToTu: 1,
            responsesSent: [], acksReceived: 0, firstAckAt: NONE, timeoutAt: NONE, terminatedAt: NONE, ackFor2xxAt: NONE,
          };
          const previous = this.serverBySeq.get(m.seq);
          if (previous && previous.terminatedAt === NONE) previous.deliveredToTu++; // the same request delivered twice: a bug the tests catch
          this.servers.set(ev.txId, rec);
          this.serverBySeq.set(m.seq, previous && previous.terminatedAt === NONE ? previous : rec);
          if (!previous || previous.terminatedAt !== NONE) this.onRequest(this, rec, now);
          break;
        }
        case EVENT_ACK: {
          const m = this.codec.info(ev.bytes, ev.off, ev.len);
          const rec = this.serverBySeq.get(m.seq);
          if (ev.txId < 0) this.strayAcks++;
          if (rec && rec.method === METHOD_INVITE && rec.ackFor2xxAt === NONE) rec.ackFor2xxAt = now;
          break;
        }
        case EVENT_TIMEOUT:
          if (client) client.timeoutAt = now;
          if (server) server.timeoutAt = now;
          break;
        case EVENT_TRANSPORT_ERROR:
          if (client) client.transportErrorAt = now;
          break;
        case EVENT_TERMINATED:
          if (client) client.terminatedAt = now;
          if (server) server.terminatedAt = now;
          break;
      }
    }
    return any;
  }
}
