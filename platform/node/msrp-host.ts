// The Node host of session-mode IM (issue #5 part 4): runs one core/msrp MsrpSession per chat
// over node:net, opening or awaiting the TCP connection as the UA's `msrp-connect` event says
// (RFC 6135 a=setup: active connects to the peer's first a=path URI, RFC 4975 §8.1, and sends the
// §5.4 bind SEND; passive accepts on our listener and binds the connection whose first frame's
// To-Path names the session, §6). A `chat-state` ended closes the connection.
//
// Feed it every UaEvent (`handleUaEvent`); it tells the application what happened on the MSRP
// side through `onEvent`. Incoming connections that name no known session yet are held (the
// peer's bind may beat our 2xx/ACK over another path) until `bindTimeoutMs`, then dropped.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { MsrpSession, MSRP_EVENT, MsrpFrameView, parseMsrp, frameSessionId, Span, sessionIdSpan } from '../../core/msrp/index.js';
import type { UaEvent } from '../../core/ua/index.js';

export type MsrpHostEvent =
  /** The connection carries the session: bound (active: our bind SEND answered; passive: the peer's first frame named it). */
  | { kind: 'msrp-connected'; sessionId: number; setup: 'active' | 'passive' }
  /** A whole incoming message (copied). */
  | { kind: 'chat-message'; sessionId: number; messageId: string; contentType: string; bytes: Uint8Array }
  /** One of ours reached the peer: a success REPORT (when asked), else 200 to every chunk. */
  | { kind: 'chat-delivered'; sessionId: number; messageId: string; status: number; reason: string }
  | { kind: 'chat-failed'; sessionId: number; messageId: string; status: number; reason: string }
  | { kind: 'msrp-closed'; sessionId: number; reason: string }
  | { kind: 'msrp-error'; sessionId: number; message: string };

export interface NodeMsrpHostOptions {
  /** Listener address (default 127.0.0.1) and port (default ephemeral). */
  readonly address?: string;
  readonly port?: number;
  /** Bytes of content per SEND chunk (default 16 KiB). */
  readonly chunkSize?: number;
  /** Largest incoming message reassembled (default 2 MiB). */
  readonly maxMessageBytes?: number;
  readonly connectTimeoutMs?: number;
  /** How long an accepted connection may wait for its session to be known (default 5 s). */
  readonly bindTimeoutMs?: number;
  readonly onEvent?: (e: MsrpHostEvent) => void;
}

interface Entry {
  readonly id: number;
  readonly setup: 'active' | 'passive';
  readonly localSessionId: string;
  readonly session: MsrpSession;
  socket: Socket | null;
  timer: NodeJS.Timeout | undefined;
  closed: boolean;
}

interface HeldConnection {
  readonly socket: Socket;
  bytes: Buffer;
  readonly timer: NodeJS.Timeout;
  onData: (chunk: Buffer) => void;
}

const random = () => randomInt(0, 1 << 30) / (1 << 30);

function sessionIdOf(uri: string): string {
  const b = Buffer.from(uri, 'latin1');
  const s = new Span();
  return sessionIdSpan(b, 0, b.length, s) ? b.toString('latin1', s.off, s.off + s.len) : '';
}

export class NodeMsrpHost {
  readonly address: string;
  port = 0;
  private server: Server | null = null;
  private readonly entries = new Map<number, Entry>();
  private readonly held = new Set<HeldConnection>();
  private readonly view = new MsrpFrameView();
  private readonly span = new Span();
  private closedAll = false;

  private constructor(private readonly options: NodeMsrpHostOptions) {
    this.address = options.address ?? '127.0.0.1';
  }

  /** Starts the listener for passive sessions; hand `listener` to ua.enableChat. */
  static async listen(options: NodeMsrpHostOptions = {}): Promise<NodeMsrpHost> {
    const host = new NodeMsrpHost(options);
    const server = createServer((socket) => host.accepted(socket));
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port ?? 0, host.address, () => resolve()); });
    host.server = server;
    host.port = (server.address() as { port: number }).port;
    return host;
  }

  get listener(): { address: string; port: number } {
    return { address: this.address, port: this.port };
  }

  now(): number {
    return performance.now();
  }

  /** Every UaEvent goes through here: msrp-connect opens a session, chat-state ended closes it. */
  handleUaEvent(e: UaEvent): void {
    if (this.closedAll) return;
    if (e.kind === 'msrp-connect') this.open(e);
    else if (e.kind === 'chat-state' && e.state === 'ended') this.closeSession(e.sessionId, 'chat ended');
  }

  /** Queues a message on a chat's MSRP session (chunked per chunkSize). Returns the Message-ID or why not. */
  sendChatMessage(sessionId: number, contentType: string, bytes: Uint8Array, opts: { successReport?: boolean } = {}): { ok: true; messageId: string } | { ok: false; error: string } {
    const entry = this.entries.get(sessionId);
    if (!entry || entry.closed) return { ok: false, error: `no MSRP session for chat ${sessionId}` };
    const r = entry.session.sendMessage(contentType, bytes, this.now(), { successReport: opts.successReport === true });
    if (!r.ok) return { ok: false, error: `session refused the message (code ${r.val})` };
    this.flush(entry);
    return { ok: true, messageId: r.val };
  }

  /** Is there an open connection for this chat? */
  isConnected(sessionId: number): boolean {
    const e = this.entries.get(sessionId);
    return !!e && !e.closed && e.socket !== null && !e.socket.destroyed;
  }

  get openSockets(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.socket && !e.socket.destroyed) n++;
    return n + this.held.size;
  }

  close(): void {
    if (this.closedAll) return;
    for (const id of [...this.entries.keys()]) this.closeSession(id, 'host closed');
    for (const h of this.held) { clearTimeout(h.timer); h.socket.destroy(); }
    this.held.clear();
    this.closedAll = true;
    this.server?.close();
  }

  // ---------------------------------------------------------------------------------

  private emit(e: MsrpHostEvent): void {
    this.options.onEvent?.(e);
  }

  private open(e: Extract<UaEvent, { kind: 'msrp-connect' }>): void {
    if (this.entries.has(e.sessionId)) return;
    if (e.secure) { this.emit({ kind: 'msrp-error', sessionId: e.sessionId, message: 'msrps (TLS) is not supported by this host yet' }); return; }
    const chunkSize = this.options.chunkSize ?? 16384;
    const session = new MsrpSession({
      localUri: e.localPath, remotePath: e.remotePath, random, chunkSize,
      maxMessageBytes: this.options.maxMessageBytes ?? 2 * 1024 * 1024, maxFrameBytes: Math.max(chunkSize, 65536) + 1024,
      remoteMaxSize: e.remoteMaxSize, acceptTypes: ['*'],
    });
    const entry: Entry = { id: e.sessionId, setup: e.setup, localSessionId: sessionIdOf(e.localPath), session, socket: null, timer: undefined, closed: false };
    this.entries.set(e.sessionId, entry);
    if (e.setup === 'active') {
      const socket = connect(e.remotePort, e.remoteHost);
      socket.setNoDelay(true);
      const timeout = setTimeout(() => { if (socket.connecting) socket.destroy(new Error('connect timeout')); }, this.options.connectTimeoutMs ?? 5000);
      socket.once('connect', () => {
        clearTimeout(timeout);
        if (entry.closed) { socket.destroy(); return; }
        // §5.4: the active end sends a SEND at once so the passive end can bind the connection.
        session.sendBind(this.now());
        this.flush(entry);
      });
      socket.once('error', () => clearTimeout(timeout));
      this.attach(entry, socket);
    } else {
      // A held connection may already carry this session's first frame.
      for (const h of this.held) {
        if (this.heldSessionId(h) === entry.localSessionId) { this.bindHeld(h, entry); break; }
      }
    }
  }

  private accepted(socket: Socket): void {
    socket.setNoDelay(true);
    const h: HeldConnection = {
      socket, bytes: Buffer.alloc(0),
      timer: setTimeout(() => { this.held.delete(h); socket.destroy(); }, this.options.bindTimeoutMs ?? 5000),
      onData: () => {},
    };
    this.held.add(h);
    h.onData = (chunk: Buffer) => {
      h.bytes = Buffer.concat([h.bytes, chunk]);
      const sid = this.heldSessionId(h);
      if (sid === null) return;
      for (const entry of this.entries.values()) {
        if (entry.setup === 'passive' && entry.socket === null && !entry.closed && entry.localSessionId === sid) { this.bindHeld(h, entry); return; }
      }
    };
    socket.on('data', h.onData);
    socket.on('error', () => { /* close follows */ });
    socket.on('close', () => { if (this.held.delete(h)) clearTimeout(h.timer); });
  }

  /** The session-id the first frame's To-Path names; null until a whole frame is in. */
  private heldSessionId(h: HeldConnection): string | null {
    const b = new Uint8Array(h.bytes.buffer, h.bytes.byteOffset, h.bytes.length);
    const n = parseMsrp(b, 0, b.length, this.view);
    if (n <= 0) return n === 0 ? null : '';
    return frameSessionId(this.view, this.span) ? Buffer.from(b.subarray(this.span.off, this.span.off + this.span.len)).toString('latin1') : '';
  }

  private bindHeld(h: HeldConnection, entry: Entry): void {
    this.held.delete(h);
    clearTimeout(h.timer);
    h.socket.off('data', h.onData);
    this.attach(entry, h.socket);
    this.emit({ kind: 'msrp-connected', sessionId: entry.id, setup: 'passive' });
    this.input(entry, h.bytes);
  }

  private attach(entry: Entry, socket: Socket): void {
    entry.socket = socket;
    socket.on('data', (chunk: Buffer) => this.input(entry, chunk));
    socket.on('error', (err) => { if (!entry.closed) this.emit({ kind: 'msrp-error', sessionId: entry.id, message: err.message }); });
    socket.on('close', () => {
      if (entry.closed) return;
      entry.session.handleConnectionLost(this.now());
      this.flush(entry);
      this.closeSession(entry.id, 'connection closed');
    });
  }

  private input(entry: Entry, chunk: Buffer): void {
    if (entry.closed) return;
    const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    let off = 0;
    // Back-pressure (session.ts): it takes what it can; drain, then hand in the rest.
    for (let guard = 0; off < view.length && guard < 100000; guard++) {
      off += entry.session.handleBytes(view, off, view.length - off, this.now());
      this.flush(entry);
      if (entry.closed) return;
    }
    this.flush(entry);
  }

  private flush(entry: Entry): void {
    if (entry.closed) return;
    const s = entry.session;
    const now = this.now();
    const sock = entry.socket;
    if (sock !== null && !sock.connecting && !sock.destroyed) {
      // The session's buffer is reused: copy before the socket keeps it.
      for (let b = s.pollTransmit(now); b; b = s.pollTransmit(now)) sock.write(Buffer.from(b));
    }
    for (let e = s.pollEvent(); e; e = s.pollEvent()) {
      switch (e.kind) {
        case MSRP_EVENT.RECEIVED:
          this.emit({ kind: 'chat-message', sessionId: entry.id, messageId: e.messageId, contentType: e.contentType, bytes: e.data ? e.data.slice() : new Uint8Array(0) });
          break;
        case MSRP_EVENT.DELIVERED:
          this.emit({ kind: 'chat-delivered', sessionId: entry.id, messageId: e.messageId, status: e.status, reason: e.reason });
          break;
        case MSRP_EVENT.FAILED:
          this.emit({ kind: 'chat-failed', sessionId: entry.id, messageId: e.messageId, status: e.status, reason: e.reason });
          break;
        case MSRP_EVENT.BOUND:
          this.emit({ kind: 'msrp-connected', sessionId: entry.id, setup: 'active' });
          break;
        case MSRP_EVENT.PROTOCOL_ERROR:
          this.emit({ kind: 'msrp-error', sessionId: entry.id, message: `bad MSRP bytes skipped (code ${e.errorCode})` });
          break;
        default:
          break; // progress
      }
      if (entry.closed) return;
    }
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const at = s.nextDeadline();
    if (Number.isFinite(at) && at >= 0) {
      entry.timer = setTimeout(() => { entry.timer = undefined; if (!entry.closed) { s.handleTimeout(this.now()); this.flush(entry); } }, Math.max(0, Math.ceil(at - this.now())));
    }
  }

  private closeSession(id: number, reason: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.closed) return;
    entry.closed = true;
    this.entries.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.socket?.end();
    entry.socket?.destroy();
    this.emit({ kind: 'msrp-closed', sessionId: id, reason });
  }
}
