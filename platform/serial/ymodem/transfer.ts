// Drives a YmodemSender over a Node byte stream (a serialport SerialPort, or any Duplex): feeds it
// received bytes and the clock, writes what it emits, and arms one timer for its deadline.
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { YmodemEvent, YmodemSender, type YmodemErrorCode } from './sender.js';

const CANCEL_LINGER_MS = 250;

export interface TransferObserver {
  /** After every acknowledged data block (and once at each file start). */
  onProgress?(sender: YmodemSender): void;
}

export interface TransferOutcome {
  readonly ok: boolean;
  readonly error: YmodemErrorCode | 0;
  readonly message: string;
  readonly bytes: number;
  readonly retransmissions: number;
  readonly elapsedMs: number;
}

/**
 * Runs the whole batch. Aborting `signal` cancels (CAN CAN is written before the promise
 * resolves). Resolves, never rejects: stream errors become a failed outcome.
 */
export function runYmodemTransfer(
  link: Duplex,
  sender: YmodemSender,
  observer: TransferObserver = {},
  signal?: AbortSignal,
): Promise<TransferOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let streamError = '';
    let lastWrite: Promise<void> = Promise.resolve();

    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      link.off('data', onData);
      link.off('error', onError);
      // Writes still queued when the outcome is decided (the CAN CAN of a cancel, the last
      // block) can fail after the receiver hung up — rb exits on cancel and the pty then answers
      // EIO. The transfer's outcome is already known; without a listener that late 'error' would
      // be unhandled and kill the process.
      link.on('error', ignoreLateError);
      link.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      const outcome: TransferOutcome = {
        ok: sender.succeeded,
        error: sender.error,
        message: streamError || sender.errorMessage(),
        bytes: sender.bytesAcked,
        retransmissions: sender.retransmissions,
        elapsedMs: performance.now() - started,
      };
      // Let the last bytes (the final ACKed block's successor, or CAN CAN) leave before resolving.
      writeDone(link, lastWrite)
        // After a cancel, keep the line open a moment: closing a pty right after the last write
        // can drop bytes the other side has not read yet (seen with socat: rb then never got the
        // CAN CAN and waited 9 timeouts). A real UART is already empty after tcdrain.
        .then(() => (outcome.error !== 0 ? new Promise((r) => setTimeout(r, CANCEL_LINGER_MS)) : undefined))
        .then(() => resolve(outcome));
    };

    const pump = (): void => {
      for (let out = sender.pollTransmit(); out !== null; out = sender.pollTransmit()) {
        // serialport queues the buffer it is given; the sender reuses its block buffer.
        lastWrite = new Promise((done) => { link.write(Buffer.from(out), () => done()); });
      }
      for (let kind = sender.pollEvent(); kind !== 0; kind = sender.pollEvent()) {
        if (kind === YmodemEvent.Progress || kind === YmodemEvent.FileStarted) observer.onProgress?.(sender);
      }
      if (sender.finished) { finish(); return; }
      if (timer) clearTimeout(timer);
      const deadline = sender.pollTimeout();
      if (deadline >= 0) {
        timer = setTimeout(() => { sender.handleTimeout(performance.now()); pump(); }, Math.max(0, deadline - performance.now()) + 1);
      }
    };

    const onData = (chunk: Buffer): void => {
      sender.handleBytes(chunk, 0, chunk.length, performance.now());
      pump();
    };
    // A broken line cannot carry the cancel's linger: give up at once.
    const onError = (error: Error): void => {
      // During a cancel's linger the receiver may well hang up: that is not the news.
      if (!sender.cancelling) streamError = `serial line error: ${error.message}`;
      sender.cancel(performance.now());
      finish();
    };
    const onClose = (): void => {
      // Unplugged USB adapter: fail now rather than after every retry has timed out.
      if (!streamError && !sender.cancelling) streamError = 'the serial port was closed during the transfer (device unplugged?)';
      sender.cancel(performance.now());
      finish();
    };
    const onAbort = (): void => {
      sender.cancel(performance.now());
      pump();
    };

    link.on('data', onData);
    link.on('error', onError);
    link.on('close', onClose);
    if (signal?.aborted) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort, { once: true });
    sender.start(performance.now());
    pump();
  });
}

function ignoreLateError(): void {
  // See finish(): deliberately nothing to do.
}

/**
 * Resolves once the last write has left the stream's queue and, for a serial port, the OS has
 * sent it (tcdrain). serialport's drain() alone is not enough: it waits only for the write the
 * binding is doing, not for the ones still queued in the stream — the CAN CAN of a cancel sits
 * there while the block before it is written, and closing then would drop it. Bounded (2 s).
 */
function writeDone(link: Duplex, lastWrite: Promise<void>): Promise<void> {
  const drainable = link as Duplex & { drain?: (cb: (err?: Error | null) => void) => void };
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 2000);
    const done = (): void => { clearTimeout(fallback); resolve(); };
    lastWrite.then(() => {
      if (link.destroyed || !link.writable || typeof drainable.drain !== 'function') { done(); return; }
      drainable.drain(() => done());
    });
  });
}
