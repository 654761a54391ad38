// YMODEM batch sender as a sans-I/O state machine (Forsberg, "XMODEM/YMODEM Protocol
// Reference", 1988, §6 "YMODEM Batch File Transmission"; CRC mode, 1 KB blocks).
//
// The host feeds it received bytes (`handleBytes`) and the clock (`handleTimeout`), and drains
// its outputs in this order after every call: `pollTransmit()` until null (bytes to write),
// `pollTimeout()` (absolute deadline in ms, -1 = none), `pollEvent()` until null. No I/O, no
// timers, no host APIs: it runs unchanged on a device engine.
//
// The exchange, per file, as lrzsz `rb --ymodem` runs it:
//
//   receiver            sender
//      C  ─────────────▶
//         ◀───────────── SOH 00 FF  name NUL size NUL…  CRC       (block 0, the header)
//    ACK  ─────────────▶
//      C  ─────────────▶
//         ◀───────────── STX 01 FE  data[1024]  CRC                (SOH + 128 for a short tail)
//    ACK  ─────────────▶  … one ACK per block, NAK = send it again …
//         ◀───────────── EOT
//    NAK  ─────────────▶
//         ◀───────────── EOT
//    ACK  ─────────────▶
//      C  ─────────────▶  next file's header, or, after the last file:
//         ◀───────────── SOH 00 FF  NUL×128  CRC                  (end of batch)
//    ACK  ─────────────▶
//
// CAN CAN from either side aborts (§4.3 "Transmission Aborts"). A receiver that sends ACK for the
// first EOT is accepted too (§4.4 allows it; some bootloaders do).
//
// Wake-up: opening a serial port flushes its input (serialport calls tcflush), so the 'C' a
// receiver sent before the port was open is lost, and rb only repeats it after 10 s. Until the
// first 'C' the sender therefore writes one NUL at start and every `wakeIntervalMs`: rb answers
// any junk header byte with a fresh 'C' at once, U-Boot's loady ignores junk while it polls, and
// NUL is inert at a shell prompt. Set `wakeIntervalMs: 0` to stay silent.

import {
  ACK, NAK, CAN, CRC_REQUEST, EOT, MAX_BLOCK_BYTES, SHORT_BLOCK, LONG_BLOCK, OVERHEAD,
  dataBlockSize, writeDataBlock, writeEndOfBatchBlock, writeHeaderBlock,
} from './blocks.js';

export interface YmodemFile {
  /** Name sent in the header (the receiver's file name); no directories. */
  readonly name: string;
  readonly data: Uint8Array;
}

export interface YmodemOptions {
  /** How long to wait for the receiver's first 'C' (ms). U-Boot and rb send one every 1–10 s. */
  readonly answerTimeoutMs?: number;
  /** How long to wait for the answer to a block, an EOT or an end-of-batch block (ms). */
  readonly ackTimeoutMs?: number;
  /** How many times one block (or EOT) is sent again, after a NAK or a timeout, before giving up. */
  readonly maxRetries?: number;
  /** Period of the wake-up NUL sent until the first 'C' (ms); 0 = never send it. */
  readonly wakeIntervalMs?: number;
  /** After cancel(): how long CAN CAN is repeated to whatever the receiver still sends (ms). */
  readonly cancelLingerMs?: number;
}

export const YMODEM_DEFAULTS = { answerTimeoutMs: 60_000, ackTimeoutMs: 10_000, maxRetries: 10, wakeIntervalMs: 2000, cancelLingerMs: 1000 } as const;

/** Why a transfer failed. */
export const YmodemError = {
  /** The receiver never sent its first 'C'. */
  NoAnswer: 1,
  /** The receiver stopped answering: `maxRetries` timeouts in a row on one block. */
  Timeout: 2,
  /** One block was refused (NAK) more than `maxRetries` times. */
  TooManyRetries: 3,
  /** The receiver sent CAN CAN. */
  CancelledByReceiver: 4,
  /** `cancel()` was called; CAN CAN was sent. */
  Cancelled: 5,
  /** A file name does not fit in a header block (or is empty / contains NUL). */
  BadFileName: 6,
} as const;
export type YmodemErrorCode = (typeof YmodemError)[keyof typeof YmodemError];

export const YmodemEvent = {
  /** A data block was acknowledged: see `fileIndex`, `fileBytesAcked`, `bytesAcked`. */
  Progress: 1,
  /** The receiver acknowledged a file's header; its data follows. */
  FileStarted: 2,
  /** The receiver acknowledged a file's final EOT. */
  FileDone: 3,
  /** The end-of-batch block was acknowledged: the transfer succeeded. */
  Done: 4,
  /** The transfer failed: see `error` and `errorMessage()`. */
  Failed: 5,
} as const;
export type YmodemEventKind = (typeof YmodemEvent)[keyof typeof YmodemEvent];

const State = {
  WaitHeaderRequest: 0, // waiting for 'C' before a file's header
  HeaderSent: 1,
  WaitDataRequest: 2, // header acknowledged, waiting for 'C' before block 1
  BlockSent: 3,
  EotSent: 4,
  EotResent: 5,
  WaitNextHeaderRequest: 6, // file done, waiting for 'C' before the next header / end of batch
  EndOfBatchSent: 7,
  Done: 8,
  Failed: 9,
  // cancel() was called: CAN CAN went out; it goes again in answer to the receiver's next bytes,
  // because lrzsz rb discards its input after ACKing a block (wcrx: purgeline after the ACK), so
  // a CAN CAN that arrived while that block was still being checked is lost.
  Cancelling: 10,
} as const;
type StateId = (typeof State)[keyof typeof State];

const Input = { Ack: 0, Nak: 1, CrcRequest: 2, Timeout: 3 } as const;
type InputId = (typeof Input)[keyof typeof Input];

const Action = {
  SendHeader: 1,
  ResendHeader: 2,
  HeaderAcked: 3,
  SendFirstBlock: 4,
  WaitLonger: 5,
  BlockAcked: 6,
  ResendBlock: 7,
  SendSecondEot: 8,
  ResendEot: 9,
  FileAcked: 10,
  SendNextHeader: 11,
  BatchAcked: 12,
  ResendEndOfBatch: 13,
  Wake: 14,
  RepeatCancel: 15,
  StopCancelling: 16,
} as const;
type ActionId = (typeof Action)[keyof typeof Action];

/**
 * What each input does in each state; a missing entry means the byte is ignored. 'C' while a
 * block is outstanding is ignored on purpose: rb repeats 'C' while it waits, and treating a stale
 * one as a NAK would make a later ACK look like the answer to the wrong block.
 */
const TRANSITIONS: Readonly<Record<StateId, Partial<Record<InputId, ActionId>>>> = {
  [State.WaitHeaderRequest]: { [Input.CrcRequest]: Action.SendHeader, [Input.Timeout]: Action.Wake },
  [State.HeaderSent]: {
    [Input.Ack]: Action.HeaderAcked,
    [Input.Nak]: Action.ResendHeader,
    // rb asks for a header it could not read by sending 'C' again.
    [Input.CrcRequest]: Action.ResendHeader,
    [Input.Timeout]: Action.ResendHeader,
  },
  [State.WaitDataRequest]: {
    [Input.CrcRequest]: Action.SendFirstBlock,
    [Input.Nak]: Action.SendFirstBlock,
    [Input.Timeout]: Action.WaitLonger,
  },
  [State.BlockSent]: { [Input.Ack]: Action.BlockAcked, [Input.Nak]: Action.ResendBlock, [Input.Timeout]: Action.ResendBlock },
  [State.EotSent]: { [Input.Nak]: Action.SendSecondEot, [Input.Ack]: Action.FileAcked, [Input.Timeout]: Action.ResendEot },
  [State.EotResent]: { [Input.Ack]: Action.FileAcked, [Input.Nak]: Action.ResendEot, [Input.Timeout]: Action.ResendEot },
  [State.WaitNextHeaderRequest]: { [Input.CrcRequest]: Action.SendNextHeader, [Input.Timeout]: Action.WaitLonger },
  [State.EndOfBatchSent]: {
    [Input.Ack]: Action.BatchAcked,
    [Input.Nak]: Action.ResendEndOfBatch,
    [Input.CrcRequest]: Action.ResendEndOfBatch,
    [Input.Timeout]: Action.ResendEndOfBatch,
  },
  [State.Done]: {},
  [State.Failed]: {},
  [State.Cancelling]: {
    [Input.Ack]: Action.RepeatCancel,
    [Input.Nak]: Action.RepeatCancel,
    [Input.CrcRequest]: Action.RepeatCancel,
    [Input.Timeout]: Action.StopCancelling,
  },
};

const MAX_CANCEL_REPEATS = 4;

const EVENT_RING = 16;

export class YmodemSender {
  private readonly files: readonly YmodemFile[];
  private readonly answerTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly wakeIntervalMs: number;
  private readonly cancelLingerMs: number;
  private cancelRepeats = 0;

  private state: StateId = State.WaitHeaderRequest;
  private deadline = -1;
  private readonly block = new Uint8Array(MAX_BLOCK_BYTES);
  // Views made once, so that sending a block allocates nothing.
  private readonly shortBlockView = this.block.subarray(0, SHORT_BLOCK + OVERHEAD);
  private readonly longBlockView = this.block.subarray(0, LONG_BLOCK + OVERHEAD);
  private blockLength = 0;
  private transmissions = 0;
  private readonly eot = new Uint8Array([EOT]);
  private readonly wakeByte = new Uint8Array([0]);
  private answerDeadline = -1;
  private readonly cancelBytes = new Uint8Array([CAN, CAN]);
  private pending: Uint8Array | null = null;
  private lastByteWasCan = false;
  private retries = 0;
  private lastRetryWasTimeout = false;
  private started = false;

  private readonly events = new Uint8Array(EVENT_RING);
  private eventHead = 0;
  private eventCount = 0;

  /** Index of the file being sent. */
  fileIndex = 0;
  /** Bytes of the current file the receiver has acknowledged. */
  fileBytesAcked = 0;
  /** Bytes of all files the receiver has acknowledged. */
  bytesAcked = 0;
  /** Sum of all file sizes. */
  readonly totalBytes: number;
  /** Sequence number of the outstanding block (0 = header). */
  seq = 0;
  /** Blocks and EOTs sent again, over the whole transfer. */
  retransmissions = 0;
  /** Why the transfer failed, once `Failed` was emitted. */
  error: YmodemErrorCode | 0 = 0;

  constructor(files: readonly YmodemFile[], options: YmodemOptions = {}) {
    this.files = files;
    this.answerTimeoutMs = options.answerTimeoutMs ?? YMODEM_DEFAULTS.answerTimeoutMs;
    this.ackTimeoutMs = options.ackTimeoutMs ?? YMODEM_DEFAULTS.ackTimeoutMs;
    this.maxRetries = options.maxRetries ?? YMODEM_DEFAULTS.maxRetries;
    this.wakeIntervalMs = options.wakeIntervalMs ?? YMODEM_DEFAULTS.wakeIntervalMs;
    this.cancelLingerMs = options.cancelLingerMs ?? YMODEM_DEFAULTS.cancelLingerMs;
    let total = 0;
    for (let i = 0; i < files.length; i++) total += files[i]!.data.length;
    this.totalBytes = total;
  }

  /** Starts waiting for the receiver's first 'C'. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    this.answerDeadline = now + this.answerTimeoutMs;
    this.deadline = this.answerDeadline;
    if (this.wakeIntervalMs > 0) this.wake(now);
  }

  get finished(): boolean {
    return this.state === State.Done || this.state === State.Failed;
  }

  get succeeded(): boolean {
    return this.state === State.Done;
  }

  /** Bytes received from the receiver. */
  handleBytes(buf: Uint8Array, off: number, len: number, now: number): void {
    if (!this.started) this.start(now);
    const end = off + len;
    for (let i = off; i < end; i++) {
      if (this.finished) return;
      const byte = buf[i]!;
      if (byte === CAN) {
        // §4.3: two CANs in a row abort; a single one may be line noise.
        if (this.lastByteWasCan) {
          if (this.state === State.Cancelling) { this.state = State.Failed; this.deadline = -1; return; }
          this.fail(YmodemError.CancelledByReceiver);
          return;
        }
        this.lastByteWasCan = true;
        continue;
      }
      this.lastByteWasCan = false;
      const input = byte === ACK ? Input.Ack : byte === NAK ? Input.Nak : byte === CRC_REQUEST ? Input.CrcRequest : -1;
      if (input < 0) continue;
      const sentBefore = this.transmissions;
      this.apply(input as InputId, now);
      if (this.transmissions !== sentBefore) {
        // Like lrzsz's purgeline(): whatever else arrived with this byte answered something we
        // sent before this transmission, so it must not be taken as the answer to it. Only a
        // second CAN still counts.
        if (this.state === State.Cancelling) return;
        for (let k = i + 1; k < end; k++) {
          if (buf[k] === CAN && buf[k - 1] === CAN) { this.fail(YmodemError.CancelledByReceiver); return; }
        }
        return;
      }
    }
  }

  /** The clock moved; call when `now` reaches `pollTimeout()`. */
  handleTimeout(now: number): void {
    if (!this.started || this.finished || this.deadline < 0 || now < this.deadline) return;
    this.apply(Input.Timeout, now);
  }

  /**
   * Aborts the transfer: sends CAN CAN (§4.3) and emits Failed with `Cancelled` at once. The
   * sender then stays unfinished for up to `cancelLingerMs`, answering the receiver's ACK/NAK/'C'
   * with CAN CAN again (see State.Cancelling), until the receiver echoes CAN CAN or time is up.
   */
  cancel(now: number): void {
    if (this.finished || this.state === State.Cancelling) return;
    this.fail(YmodemError.Cancelled);
    this.state = State.Cancelling;
    this.cancelRepeats = 0;
    this.deadline = this.started ? now + this.cancelLingerMs : -1;
    if (!this.started) this.state = State.Failed;
    this.pending = this.cancelBytes;
  }

  /** Next bytes to write, or null. The view stays valid until the next call into the sender. */
  pollTransmit(): Uint8Array | null {
    const out = this.pending;
    this.pending = null;
    return out;
  }

  /** Absolute time (ms) at which `handleTimeout` must be called, or -1. */
  pollTimeout(): number {
    return this.finished ? -1 : this.deadline;
  }

  /** True between cancel() and the end of its linger. */
  get cancelling(): boolean {
    return this.state === State.Cancelling;
  }

  /** Next event kind, or 0 when there is none. Details are in the public fields. */
  pollEvent(): YmodemEventKind | 0 {
    if (this.eventCount === 0) return 0;
    const kind = this.events[this.eventHead]! as YmodemEventKind;
    this.eventHead = (this.eventHead + 1) % EVENT_RING;
    this.eventCount--;
    return kind;
  }

  /** A readable sentence for `error`. */
  errorMessage(): string {
    const file = this.files[this.fileIndex]?.name ?? '';
    const where = this.seq === 0 ? `the header of "${file}"` : `block ${this.seq} of "${file}"`;
    switch (this.error) {
      case YmodemError.NoAnswer:
        return `the receiver never answered (no 'C' within ${Math.round(this.answerTimeoutMs / 1000)} s); is it waiting for a YMODEM upload (e.g. U-Boot "loady", "rb --ymodem")?`;
      case YmodemError.Timeout:
        return `the receiver stopped answering at ${where} (${this.maxRetries} timeouts of ${this.ackTimeoutMs} ms)`;
      case YmodemError.TooManyRetries:
        return `the receiver refused ${where} ${this.maxRetries} times (NAK); check the line`;
      case YmodemError.CancelledByReceiver:
        return `the receiver cancelled the transfer (CAN CAN) at ${where}`;
      case YmodemError.Cancelled:
        return `transfer cancelled at ${where} (CAN CAN sent)`;
      case YmodemError.BadFileName:
        return `file name "${file}" does not fit in a YMODEM header block`;
      default:
        return '';
    }
  }

  private apply(input: InputId, now: number): void {
    const action = TRANSITIONS[this.state][input];
    if (action === undefined) return;
    switch (action) {
      case Action.SendHeader:
        if (this.fileIndex >= this.files.length) { this.sendEndOfBatch(now); return; }
        this.sendHeader(now);
        return;
      case Action.SendNextHeader:
        if (this.fileIndex >= this.files.length) { this.sendEndOfBatch(now); return; }
        this.sendHeader(now);
        return;
      case Action.ResendHeader:
        this.retry(input, now, State.HeaderSent);
        return;
      case Action.HeaderAcked:
        this.retries = 0;
        this.push(YmodemEvent.FileStarted);
        this.state = State.WaitDataRequest;
        this.deadline = now + this.ackTimeoutMs;
        return;
      case Action.SendFirstBlock:
        this.retries = 0;
        this.fileBytesAcked = 0;
        this.seq = 0;
        this.sendNextBlock(now);
        return;
      case Action.WaitLonger:
        if (++this.retries > this.maxRetries) { this.fail(YmodemError.Timeout); return; }
        this.deadline = now + this.ackTimeoutMs;
        return;
      case Action.BlockAcked: {
        this.retries = 0;
        const acked = Math.min(this.blockLength - 5, this.currentFile().data.length - this.fileBytesAcked);
        this.fileBytesAcked += acked;
        this.bytesAcked += acked;
        this.pushProgress();
        this.sendNextBlock(now);
        return;
      }
      case Action.ResendBlock:
        this.retry(input, now, State.BlockSent);
        return;
      case Action.SendSecondEot:
        this.state = State.EotResent;
        this.transmit(this.eot, now);
        return;
      case Action.ResendEot:
        if (this.countRetry(input)) this.transmit(this.eot, now);
        return;
      case Action.FileAcked:
        this.retries = 0;
        this.push(YmodemEvent.FileDone);
        this.fileIndex++;
        this.seq = 0;
        this.fileBytesAcked = 0;
        this.state = State.WaitNextHeaderRequest;
        this.deadline = now + this.ackTimeoutMs;
        return;
      case Action.BatchAcked:
        this.state = State.Done;
        this.deadline = -1;
        this.push(YmodemEvent.Done);
        return;
      case Action.ResendEndOfBatch:
        this.retry(input, now, State.EndOfBatchSent);
        return;
      case Action.RepeatCancel:
        if (this.cancelRepeats++ < MAX_CANCEL_REPEATS) { this.transmissions++; this.pending = this.cancelBytes; }
        return;
      case Action.StopCancelling:
        this.state = State.Failed;
        this.deadline = -1;
        return;
      case Action.Wake:
        if (now >= this.answerDeadline) { this.fail(YmodemError.NoAnswer); return; }
        this.wake(now);
        return;
    }
  }

  private wake(now: number): void {
    this.pending = this.wakeByte;
    const next = this.wakeIntervalMs > 0 ? now + this.wakeIntervalMs : this.answerDeadline;
    this.deadline = Math.min(next, this.answerDeadline);
  }

  private currentFile(): YmodemFile {
    return this.files[this.fileIndex]!;
  }

  private sendHeader(now: number): void {
    const file = this.currentFile();
    const n = writeHeaderBlock(this.block, file.name, file.data.length);
    if (n < 0) { this.fail(YmodemError.BadFileName); return; }
    this.blockLength = n;
    this.seq = 0;
    this.retries = 0;
    this.state = State.HeaderSent;
    this.transmit(this.blockView(), now);
  }

  private sendEndOfBatch(now: number): void {
    this.blockLength = writeEndOfBatchBlock(this.block);
    this.seq = 0;
    this.retries = 0;
    this.state = State.EndOfBatchSent;
    this.transmit(this.blockView(), now);
  }

  private sendNextBlock(now: number): void {
    const data = this.currentFile().data;
    const remaining = data.length - this.fileBytesAcked;
    if (remaining <= 0) {
      this.state = State.EotSent;
      this.transmit(this.eot, now);
      return;
    }
    const size = dataBlockSize(remaining);
    this.seq = (this.seq + 1) & 0xff;
    this.blockLength = writeDataBlock(this.block, this.seq, size, data, this.fileBytesAcked, Math.min(size, remaining));
    this.state = State.BlockSent;
    this.transmit(this.blockView(), now);
  }

  /** Counts one retry; false (and failed) when the limit is passed. */
  private countRetry(input: InputId): boolean {
    this.lastRetryWasTimeout = input === Input.Timeout;
    if (++this.retries > this.maxRetries) {
      this.fail(this.lastRetryWasTimeout ? YmodemError.Timeout : YmodemError.TooManyRetries);
      return false;
    }
    this.retransmissions++;
    return true;
  }

  private retry(input: InputId, now: number, state: StateId): void {
    if (!this.countRetry(input)) return;
    this.state = state;
    this.transmit(this.blockView(), now);
  }

  private blockView(): Uint8Array {
    return this.blockLength === LONG_BLOCK + OVERHEAD ? this.longBlockView : this.shortBlockView;
  }

  private transmit(bytes: Uint8Array, now: number): void {
    this.transmissions++;
    this.pending = bytes;
    this.deadline = now + this.ackTimeoutMs;
  }

  private fail(code: YmodemErrorCode): void {
    this.state = State.Failed;
    this.error = code;
    this.deadline = -1;
    this.pending = null;
    this.push(YmodemEvent.Failed);
  }

  private pushProgress(): void {
    // Consecutive progress events collapse into one: the fields hold the latest figures.
    if (this.eventCount > 0) {
      const last = this.events[(this.eventHead + this.eventCount - 1) % EVENT_RING];
      if (last === YmodemEvent.Progress) return;
    }
    this.push(YmodemEvent.Progress);
  }

  private push(kind: YmodemEventKind): void {
    if (this.eventCount === EVENT_RING) return; // the host stopped draining; the fields stay current
    this.events[(this.eventHead + this.eventCount) % EVENT_RING] = kind;
    this.eventCount++;
  }
}
