// A SIP-over-WebSocket client flow (RFC 7118) over node:net (ws) or node:tls (wss), built on the
// core's sans-I/O codec (core/transport/websocket-*.ts) rather than an npm WebSocket library, so
// the bytes on the wire are the ones a device running the core would send.
//
// Shape (like the ECMA-419 sockets in tcp.ts): one options object with `on…` callbacks, called
// with `this` set to the flow and never from inside one of the flow's own methods; send() is
// all or nothing against a bounded queue; close() is idempotent.
//
//   connect ──► GET … Upgrade (§4.1) ──► 101 checked ──► open: onOpen, queued sends flushed
//   frames in: whole messages → onMessage (RFC 7118 §5: one SIP message each)
//              ping → pong with the same data (§5.5.2); pong → liveness; close → close back (§5.5.1)
//   any failure (refused, bad handshake, protocol error, peer gone) → one onClose with the reason
//
// Keep-alive: with `pingIntervalMs`, a ping goes out after that much silence and a pong (or any
// frame) must come back within `pongTimeoutMs`, else the flow fails — a WebSocket's own
// equivalent of RFC 5626's CRLF ping on a plain stream.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { randomFillSync } from 'node:crypto';
import {
  WebSocketFrameReader, WebSocketFrameView, WS_EVENT_CLOSE, WS_EVENT_MESSAGE, WS_EVENT_PING, WS_OP_BINARY,
} from '../../core/transport/websocket-frame-reader.js';
import { WebSocketFrameWriter, type RandomBytes } from '../../core/transport/websocket-frame-writer.js';
import { WebSocketClientHandshake, HS_OPEN, HS_PENDING } from '../../core/transport/websocket-handshake.js';
import {
  WS_CLOSE_ABNORMAL, WS_CLOSE_NORMAL, wsCloseStatusFor, wsErrorName,
} from '../../core/transport/websocket-errors.js';
import { isUtf8 } from '../../core/bytes/utf8.js';
import { socketError, type SocketError } from './socket-error.js';

export interface WebSocketCloseInfo {
  /** §7.1.5 status: the peer's close code, 1005 for a close without one, 1006 when no close frame came. */
  readonly code: number;
  readonly reason: string;
  /** True when the flow had completed its handshake before it ended. */
  readonly wasOpen: boolean;
  /** Why it ended when that was not a clean close: socket, handshake or protocol error. */
  readonly error?: SocketError;
}

export interface NodeWebSocketOptions {
  /** Remote address (IP literal or a name the OS resolves) and port. */
  readonly address: string;
  readonly port: number;
  /** Host header (default address:port); for wss also the TLS server name unless tls.servername says otherwise. */
  readonly host?: string;
  /** Request target of the handshake (default "/"). */
  readonly path?: string;
  /** Present: wss (TLS, certificate verified unless rejectUnauthorized is false). */
  readonly tls?: ConnectionOptions;
  /** Largest incoming message (default 65535: a SIP message bound). */
  readonly maxMessageBytes?: number;
  /** Bytes that may wait in the send queue before open (default 256 KiB); beyond, send() refuses. */
  readonly maxQueuedBytes?: number;
  /** Bound on connect + handshake (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Ping after this much silence (default 0: off). */
  readonly pingIntervalMs?: number;
  /** How long a ping may wait for an answer (default 10 s, as RFC 5626 §4.4.1 waits for its pong). */
  readonly pongTimeoutMs?: number;
  /** How long close() waits for the peer's close frame before tearing down (default 2 s). */
  readonly closeTimeoutMs?: number;
  /** Masking keys and nonce (default node:crypto randomFillSync). */
  readonly random?: RandomBytes;
  readonly onOpen?: (this: NodeWebSocket) => void;
  /** One whole message; `bytes` is only valid during the call (the reader reuses it). */
  readonly onMessage?: (this: NodeWebSocket, bytes: Uint8Array, off: number, len: number, binary: boolean) => void;
  readonly onClose?: (this: NodeWebSocket, info: WebSocketCloseInfo) => void;
}

type State = 'connecting' | 'handshake' | 'open' | 'closing' | 'closed';

const DEFAULT_MAX_MESSAGE = 65535;
const nodeRandom: RandomBytes = (out, off, len) => { randomFillSync(out, off, len); };

export class NodeWebSocket {
  /** Messages and control frames seen, for tests and logs. */
  messagesIn = 0;
  messagesOut = 0;
  pingsAnswered = 0;
  pongsSeen = 0;

  private readonly options: NodeWebSocketOptions;
  private readonly socket: Socket;
  private readonly handshake: WebSocketClientHandshake;
  private readonly reader: WebSocketFrameReader;
  private readonly writer: WebSocketFrameWriter;
  private readonly view = new WebSocketFrameView();
  private state: State = 'connecting';
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private peerClose: { code: number; reason: string } | null = null;
  private failure: SocketError | undefined;
  /** The close code we sent first (close()), or -1. */
  private localClose = -1;
  private reported = false;
  private wasOpen = false;

  constructor(options: NodeWebSocketOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('WebSocket: options object required');
    if (typeof options.address !== 'string' || options.address.length === 0) throw new TypeError('WebSocket: address required');
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) throw new RangeError(`WebSocket: invalid port ${String(options.port)}`);
    this.options = options;
    const random = options.random ?? nodeRandom;
    this.handshake = new WebSocketClientHandshake({ random });
    this.reader = new WebSocketFrameReader(new Uint8Array(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE), { role: 'client' });
    this.writer = new WebSocketFrameWriter({ role: 'client', random });
    const host = options.host ?? (options.address.includes(':') ? `[${options.address}]:${options.port}` : `${options.address}:${options.port}`);
    if (options.tls !== undefined) {
      const servername = options.tls.servername ?? serverNameOf(options.host ?? options.address);
      this.socket = tlsConnect({ ...options.tls, host: options.address, port: options.port, ...(servername ? { servername } : {}) });
      this.socket.once('secureConnect', () => this.connected(host));
    } else {
      this.socket = connect({ host: options.address, port: options.port, noDelay: true });
      this.socket.once('connect', () => this.connected(host));
    }
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    // An 'error' listener must stay for the socket's whole life, or Node throws the error.
    this.socket.on('error', (err: Error) => { this.failure ??= socketError(err, this.label()); });
    this.socket.on('close', () => this.finished());
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    this.connectTimer = setTimeout(() => {
      if (this.state !== 'connecting' && this.state !== 'handshake') return;
      this.fail({ code: 'ETIMEDOUT', message: `${this.label()}: not open after ${timeoutMs} ms`, certificate: false });
    }, timeoutMs);
    this.connectTimer.unref();
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The handshake or frame error code that failed the flow (0 if none). */
  get protocolError(): number {
    return this.reader.failed ? this.view.errorCode : this.handshake.errorCode;
  }

  /**
   * Sends one SIP message as one WebSocket message (RFC 7118 §5): a text frame when the bytes are
   * UTF-8 (RFC 7118 §5.1 lets either carry SIP; text is what browsers and Kamailio use), else
   * binary. Before open it waits in a bounded queue. False: closed, or the queue is full.
   */
  send(bytes: Uint8Array, off = 0, len = bytes.length - off): boolean {
    if (this.state === 'closing' || this.state === 'closed') return false;
    const frame = Buffer.allocUnsafe(this.writer.frameLength(len));
    const n = isUtf8(bytes, off, len)
      ? this.writer.text(frame, 0, frame.length, bytes, off, len)
      : this.writer.binary(frame, 0, frame.length, bytes, off, len);
    if (n < 0) return false;
    if (this.state !== 'open') {
      if (this.queuedBytes + n > (this.options.maxQueuedBytes ?? 256 * 1024)) return false;
      this.queued.push(frame);
      this.queuedBytes += n;
      return true;
    }
    this.messagesOut++;
    this.socket.write(frame);
    return true;
  }

  /** §7.1.2: sends a close frame, waits for the peer's (or closeTimeoutMs), then ends the TCP connection. */
  close(code: number = WS_CLOSE_NORMAL, reason = ''): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.localClose = code;
    this.stopTimers();
    if (!wasOpen) {
      this.socket.destroy();
      return;
    }
    this.writeClose(code, reason);
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs ?? 2000);
    this.closeTimer.unref();
  }

  private label(): string {
    return `${this.options.tls ? 'WSS' : 'WS'} to ${this.options.address}:${this.options.port}`;
  }

  private connected(host: string): void {
    if (this.state !== 'connecting') return;
    this.state = 'handshake';
    const out = Buffer.allocUnsafe(1024);
    const n = this.handshake.writeRequest(out, 0, out.length, host, this.options.path ?? '/');
    if (n < 0) {
      this.fail({ code: wsErrorName(n), message: `${this.label()}: cannot write the handshake (bad host or path)`, certificate: false });
      return;
    }
    this.socket.write(out.subarray(0, n));
  }

  private received(chunk: Buffer): void {
    if (this.state === 'closed') return;
    let at = 0;
    if (this.handshake.state === HS_PENDING) {
      const n = this.handshake.push(chunk, 0, chunk.length);
      if (n < 0) {
        const status = this.handshake.status;
        this.fail({ code: wsErrorName(n), message: `${this.label()}: handshake refused (${wsErrorName(n)}${status ? `, HTTP ${status}` : ''})`, certificate: false });
        return;
      }
      // (push() moved the state on: read it afresh, not as narrowed above.)
      if ((this.handshake.state as number) !== HS_OPEN) return;
      at = n;
      this.opened();
      if (this.state !== 'open') return;
    }
    this.armIdle();
    this.pongDue(false);
    const view = this.view;
    while (at < chunk.length) {
      const n = this.reader.read(chunk, at, chunk.length - at, view);
      if (n < 0) {
        // §7.1.7: fail the connection, with the status the error calls for.
        if (this.state === 'open') this.writeClose(wsCloseStatusFor(n), '');
        this.fail({ code: wsErrorName(n), message: `${this.label()}: ${wsErrorName(n)} at byte ${view.errorPosition}`, certificate: false });
        return;
      }
      at += n;
      switch (view.event) {
        case WS_EVENT_MESSAGE:
          this.messagesIn++;
          if (this.state === 'open') this.options.onMessage?.call(this, view.buf, view.payloadOff, view.payloadLen, view.opcode === WS_OP_BINARY);
          break;
        case WS_EVENT_PING:
          // §5.5.2: answer with a pong carrying the ping's data, as soon as practical.
          if (this.state === 'open') {
            const pong = Buffer.allocUnsafe(this.writer.frameLength(view.payloadLen));
            this.writer.pong(pong, 0, pong.length, view.buf, view.payloadOff, view.payloadLen);
            this.socket.write(pong);
            this.pingsAnswered++;
          }
          break;
        case WS_EVENT_CLOSE: {
          this.peerClose = { code: view.closeCode, reason: Buffer.from(view.buf.subarray(view.reasonOff, view.reasonOff + view.reasonLen)).toString('utf8') };
          // §5.5.1: echo the close unless we sent ours first; then the TCP side ends (§7.1.1).
          if (this.state === 'open') this.writeClose(view.closeCode === 1005 ? -1 : view.closeCode, '');
          this.state = 'closing';
          this.stopTimers();
          this.socket.end();
          this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs ?? 2000);
          this.closeTimer.unref();
          return;
        }
        default:
          if (view.opcode === 0xa) this.pongsSeen++;
          break;
      }
      if (this.state !== 'open' && this.state !== 'closing') return;
    }
  }

  private opened(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.state = 'open';
    this.wasOpen = true;
    this.armIdle();
    this.options.onOpen?.call(this);
    if (this.state !== 'open') return;
    for (const frame of this.queued.splice(0)) {
      this.messagesOut++;
      this.socket.write(frame);
    }
    this.queuedBytes = 0;
  }

  private writeClose(code: number, reason: string): void {
    const text = Buffer.from(reason, 'utf8');
    const frame = Buffer.allocUnsafe(this.writer.frameLength(2 + text.length));
    const n = this.writer.close(frame, 0, frame.length, code, text, 0, text.length);
    if (n > 0 && !this.socket.destroyed) this.socket.write(frame.subarray(0, n));
  }

  private armIdle(): void {
    const every = this.options.pingIntervalMs ?? 0;
    if (every <= 0 || this.state !== 'open') return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.sendPing(), every);
    this.idleTimer.unref();
  }

  private sendPing(): void {
    if (this.state !== 'open') return;
    const ping = Buffer.allocUnsafe(this.writer.frameLength(0));
    this.writer.ping(ping, 0, ping.length, ping, 0, 0);
    this.socket.write(ping);
    this.pongDue(true);
  }

  /** Starts (true) or clears (false, something arrived) the wait for an answer to our ping. */
  private pongDue(start: boolean): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
    if (!start) return;
    const timeoutMs = this.options.pongTimeoutMs ?? 10_000;
    this.pongTimer = setTimeout(() => {
      this.fail({ code: 'ETIMEDOUT', message: `${this.label()}: no answer to a ping within ${timeoutMs} ms`, certificate: false });
    }, timeoutMs);
    this.pongTimer.unref();
  }

  private stopTimers(): void {
    for (const t of [this.connectTimer, this.idleTimer, this.pongTimer]) if (t) clearTimeout(t);
    this.connectTimer = this.idleTimer = this.pongTimer = undefined;
  }

  private fail(error: SocketError): void {
    this.failure ??= error;
    this.state = 'closing';
    this.stopTimers();
    this.socket.destroy();
  }

  private finished(): void {
    this.stopTimers();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.state = 'closed';
    this.queued.length = 0;
    if (this.reported) return;
    this.reported = true;
    // A close frame from the peer, or our own close(), is a clean end; anything else is an error.
    const clean = this.peerClose !== null || (this.localClose >= 0 && this.failure === undefined);
    const error = clean ? undefined
      : this.failure ?? { code: 'EOF', message: `${this.label()}: connection closed ${this.wasOpen ? 'without a close frame' : 'during the handshake'}`, certificate: false };
    const info: WebSocketCloseInfo = {
      code: this.peerClose?.code ?? (error === undefined ? this.localClose : WS_CLOSE_ABNORMAL),
      reason: this.peerClose?.reason ?? '',
      wasOpen: this.wasOpen,
      ...(error !== undefined ? { error } : {}),
    };
    // 'close' is a socket event, so this never runs inside one of our methods.
    this.options.onClose?.call(this, info);
  }
}

function serverNameOf(host: string): string | undefined {
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  // SNI never carries IP literals (RFC 6066 §3).
  return /^[\d.]+$/.test(bare) || bare.includes(':') ? undefined : bare;
}
