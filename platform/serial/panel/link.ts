// The reliable link under the panel protocol, used by both ends (host driver and panel): framing,
// CRC, acknowledgement, retransmission, duplicate suppression and resynchronisation.
// Sans-I/O, engine-neutral: feed it bytes (`handleBytes`) and the clock (`handleTimeout`); after
// every call drain `pollTransmit()` until null, then read `pollTimeout()`, then drain
// `pollEvent()` until null. Not a hot path (a panel exchanges a few frames a second), so it
// allocates one small buffer per frame.
//
// Rules (PROTOCOL.md §4):
// - Stop and wait: one data frame in flight per direction; the next waits in a FIFO queue.
// - Every data frame (Lamps, Key, Hello) is answered by an Ack carrying its seq and a status.
//   Acks are never acknowledged, and go out at once, ahead of queued data frames.
// - No Ack within `ackTimeoutMs`: the same bytes go again, up to `maxRetries` times; then the
//   frame is dropped and a `failed` event says so.
// - A frame with the seq of the last one accepted is a retransmission whose Ack was lost: it is
//   acknowledged again (same status) but not delivered twice. Hello resets that memory, because
//   the peer restarted and its seq counter with it.
// - Resync: 0x00 ends every frame, so after garbage the next 0x00 starts afresh; anything that is
//   not valid COBS, too long, too short or fails its CRC is counted and dropped.

import { cobsDecode, cobsMaxEncoded } from './cobs.js';
import { AckStatus, FrameType, MAX_FRAME, checkFrame, encodeFrame } from './frame.js';

export interface PanelLinkOptions {
  readonly ackTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Data frames that may wait behind the one in flight. */
  readonly queueCapacity?: number;
  /** Judges a received data frame's payload: an AckStatus (0 = accept). */
  readonly validate?: (type: number, payload: Uint8Array) => number;
}

export const PANEL_LINK_DEFAULTS = { ackTimeoutMs: 100, maxRetries: 5, queueCapacity: 32 } as const;

export type PanelLinkEvent =
  | { readonly kind: 'frame'; readonly type: number; readonly seq: number; readonly payload: Uint8Array }
  | { readonly kind: 'delivered'; readonly type: number; readonly seq: number; readonly tag: number }
  | { readonly kind: 'failed'; readonly type: number; readonly seq: number; readonly tag: number; readonly reason: 'timeout' | 'refused'; readonly status: number };

export interface PanelLinkStats {
  framesSent: number;
  framesReceived: number;
  retransmissions: number;
  duplicates: number;
  /** Delimited chunks that were not a valid frame (bad COBS, CRC, length): garbage on the line. */
  badFrames: number;
  /** Acks that matched nothing in flight (late, or for a frame already given up on). */
  strayAcks: number;
}

interface Outgoing {
  readonly type: number;
  readonly seq: number;
  readonly wire: Uint8Array;
  readonly tag: number;
}

const RX_CAPACITY = cobsMaxEncoded(MAX_FRAME);

export class PanelLink {
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly queueCapacity: number;
  private readonly validate: (type: number, payload: Uint8Array) => number;

  private readonly rx = new Uint8Array(RX_CAPACITY);
  private rxLen = 0;
  private rxOverflow = false;
  private readonly decoded = new Uint8Array(MAX_FRAME);

  private nextSeq = 0;
  private inFlight: Outgoing | null = null;
  private retries = 0;
  private deadline = -1;
  private readonly queue: Outgoing[] = [];
  private readonly transmit: Uint8Array[] = [];
  private readonly events: PanelLinkEvent[] = [];

  private lastAcceptedSeq = -1;
  private lastStatus: number = AckStatus.Ok;

  readonly stats: PanelLinkStats = { framesSent: 0, framesReceived: 0, retransmissions: 0, duplicates: 0, badFrames: 0, strayAcks: 0 };

  constructor(options: PanelLinkOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? PANEL_LINK_DEFAULTS.ackTimeoutMs;
    this.maxRetries = options.maxRetries ?? PANEL_LINK_DEFAULTS.maxRetries;
    this.queueCapacity = options.queueCapacity ?? PANEL_LINK_DEFAULTS.queueCapacity;
    this.validate = options.validate ?? (() => AckStatus.Ok);
  }

  /**
   * Queues a data frame. `tag` comes back in its delivered/failed event. Returns false when the
   * queue is full (the caller keeps the data and tries later).
   */
  send(type: number, payload: Uint8Array, now: number, tag = 0): boolean {
    if (this.queue.length >= this.queueCapacity) return false;
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    this.queue.push({ type, seq, wire: encodeFrame(type, seq, payload), tag });
    if (this.inFlight === null) this.sendNext(now);
    return true;
  }

  /** True when nothing is in flight or queued. */
  get idle(): boolean {
    return this.inFlight === null && this.queue.length === 0;
  }

  /** Data frames in flight or queued. */
  get backlog(): number {
    return this.queue.length + (this.inFlight === null ? 0 : 1);
  }

  handleBytes(buf: Uint8Array, off: number, len: number, now: number): void {
    const end = off + len;
    for (let i = off; i < end; i++) {
      const byte = buf[i]!;
      if (byte !== 0) {
        if (this.rxLen < RX_CAPACITY) this.rx[this.rxLen++] = byte;
        else this.rxOverflow = true;
        continue;
      }
      if (this.rxOverflow) this.stats.badFrames++;
      else if (this.rxLen > 0) this.handleChunk(now);
      this.rxLen = 0;
      this.rxOverflow = false;
    }
  }

  handleTimeout(now: number): void {
    if (this.inFlight === null || now < this.deadline) return;
    if (this.retries >= this.maxRetries) {
      const gone = this.inFlight;
      this.inFlight = null;
      this.events.push({ kind: 'failed', type: gone.type, seq: gone.seq, tag: gone.tag, reason: 'timeout', status: -1 });
      this.sendNext(now);
      return;
    }
    this.retries++;
    this.stats.retransmissions++;
    this.transmit.push(this.inFlight.wire);
    this.deadline = now + this.ackTimeoutMs;
  }

  pollTransmit(): Uint8Array | null {
    return this.transmit.shift() ?? null;
  }

  pollTimeout(): number {
    return this.inFlight === null ? -1 : this.deadline;
  }

  pollEvent(): PanelLinkEvent | null {
    return this.events.shift() ?? null;
  }

  private sendNext(now: number): void {
    const next = this.queue.shift();
    if (next === undefined) { this.deadline = -1; return; }
    this.inFlight = next;
    this.retries = 0;
    this.stats.framesSent++;
    this.transmit.push(next.wire);
    this.deadline = now + this.ackTimeoutMs;
  }

  private handleChunk(now: number): void {
    const n = cobsDecode(this.rx, 0, this.rxLen, this.decoded);
    if (n < 0) { this.stats.badFrames++; return; }
    const payloadLen = checkFrame(this.decoded, n);
    if (payloadLen < 0) { this.stats.badFrames++; return; }
    const type = this.decoded[0]!;
    const seq = this.decoded[1]!;
    if (type === FrameType.Ack) {
      this.handleAck(seq, payloadLen > 0 ? this.decoded[2]! : AckStatus.Ok, now);
      return;
    }
    this.stats.framesReceived++;
    const isHello = type === FrameType.Hello;
    if (!isHello && seq === this.lastAcceptedSeq) {
      this.stats.duplicates++;
      this.ack(seq, this.lastStatus);
      return;
    }
    const payload = this.decoded.slice(2, 2 + payloadLen);
    const status = this.validate(type, payload);
    this.lastAcceptedSeq = seq;
    this.lastStatus = status;
    this.ack(seq, status);
    if (status === AckStatus.Ok) this.events.push({ kind: 'frame', type, seq, payload });
  }

  private handleAck(seq: number, status: number, now: number): void {
    const current = this.inFlight;
    if (current === null || current.seq !== seq) { this.stats.strayAcks++; return; }
    this.inFlight = null;
    this.events.push(status === AckStatus.Ok
      ? { kind: 'delivered', type: current.type, seq, tag: current.tag }
      : { kind: 'failed', type: current.type, seq, tag: current.tag, reason: 'refused', status });
    this.sendNext(now);
  }

  private ack(seq: number, status: number): void {
    this.transmit.push(encodeFrame(FrameType.Ack, seq, Uint8Array.of(status)));
  }
}
