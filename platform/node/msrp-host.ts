// The Node host of session-mode IM (issue #5 part 4): runs one core/msrp MsrpSession per chat
// over node:net, opening or awaiting the TCP connection as the UA's `msrp-connect` event says
// (RFC 6135 a=setup: active connects to the peer's first a=path URI, RFC 4975 §8.1, and sends the
// §5.4 bind SEND; passive accepts on our listener and binds the connection whose first frame's
// To-Path names the session, §6). A `chat-state` ended closes the connection.
//
// Feed it every UaEvent (`handleUaEvent`); it tells the application what happened on the MSRP
// side through `onEvent`. Incoming connections that name no known session yet are held (the
// peer's bind may beat our 2xx/ACK over another path) until `bindTimeoutMs`, then dropped.
//
// TLS (msrps, RFC 4975 §6, §14.2; `tls` option): a second listener, node:tls, for passive TLS
// sessions; active TLS sessions connect with node:tls as platform/node/tls.ts does for SIP: the
// peer certificate is verified unless `tls.verify === false` — it must chain to `tls.ca` (else
// Node's roots) and name the host of the msrps URI we connect to (SNI only for DNS names). When
// the peer's SDP carried a=fingerprint (RFC 8122), the certificate it presents must also match
// it (SHA-256, core/im/sdp-fingerprint.ts), on either end. A TLS connection binds only a TLS
// session and a TCP one only a TCP session. Nothing waits forever: connect + handshake within
// `connectTimeoutMs`, a passive session's connection within `awaitConnectionMs`; a failure is an
// `msrp-error` (`certificate: true` when the certificate was refused) then `msrp-closed`.
import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  createServer as createTlsServer, connect as tlsConnect, checkServerIdentity, type Server as TlsServer, type TLSSocket,
  type ConnectionOptions, type PeerCertificate,
} from 'node:tls';
import { performance } from 'node:perf_hooks';
import { randomInt, X509Certificate } from 'node:crypto';
import { MsrpSession, MsrpTransmit, MSRP_EVENT, MsrpFrameView, parseMsrp, frameSessionId, Span, sessionIdSpan } from '../../core/msrp/index.js';
import { certificateFingerprint, fingerprintMatches } from '../../core/im/sdp-fingerprint.js';
import type { UaEvent, ChatOptions } from '../../core/ua/index.js';
import { ipFamily } from './addresses.js';

export type MsrpHostEvent =
  /** The connection carries the session: bound (active: our bind SEND answered; passive: the peer's first frame named it). */
  | { kind: 'msrp-connected'; sessionId: number; setup: 'active' | 'passive' }
  /** A whole incoming message (copied). */
  | { kind: 'chat-message'; sessionId: number; messageId: string; contentType: string; bytes: Uint8Array }
  /** One of ours reached the peer: a success REPORT (when asked), else 200 to every chunk. */
  | { kind: 'chat-delivered'; sessionId: number; messageId: string; status: number; reason: string }
  | { kind: 'chat-failed'; sessionId: number; messageId: string; status: number; reason: string }
  | { kind: 'msrp-closed'; sessionId: number; reason: string }
  /** `certificate`: a TLS peer certificate was refused (chain, name or a=fingerprint). */
  | { kind: 'msrp-error'; sessionId: number; message: string; certificate?: boolean };

/** MSRP over TLS. PEM throughout, as node:tls takes it. */
export interface NodeMsrpTlsOptions {
  /** Trust anchors for peer certificates (default: Node's built-in roots). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Our certificate chain and key: needed by the TLS listener, presented as client certificate when we connect. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Verify the peer certificate (chain to `ca`, and the msrps URI's host when we connect). Default true. */
  readonly verify?: boolean;
  /** Passive TLS sessions: refuse a peer that presents no certificate chaining to `ca` (default false; an a=fingerprint is checked regardless). */
  readonly requireClientCertificate?: boolean;
  /** TLS listener port (default ephemeral, on the same address). No TLS listener without cert and key. */
  readonly port?: number;
}

export interface NodeMsrpHostOptions {
  /** Listener address (default 127.0.0.1) and port (default ephemeral). */
  readonly address?: string;
  readonly port?: number;
  /** Bytes of content per SEND chunk (default 16 KiB). */
  readonly chunkSize?: number;
  /** Largest incoming message reassembled (default 2 MiB). */
  readonly maxMessageBytes?: number;
  /** Active sessions: TCP connect (and TLS handshake) within this (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** How long an accepted connection may wait for its session to be known (default 5 s). */
  readonly bindTimeoutMs?: number;
  /** Passive sessions: the peer's connection must arrive and bind within this (default 10 s). */
  readonly awaitConnectionMs?: number;
  /** MSRP over TLS (msrps): listener, trust anchors, our certificate. */
  readonly tls?: NodeMsrpTlsOptions;
  readonly onEvent?: (e: MsrpHostEvent) => void;
}

interface Entry {
  readonly id: number;
  readonly setup: 'active' | 'passive';
  readonly secure: boolean;
  readonly localSessionId: string;
  readonly session: MsrpSession;
  /** Where the session's pollTransmitInto puts the next bytes (reused for every write). */
  readonly transmit: MsrpTransmit;
  /** Copies those bytes out for socket.write (see WriteCopier). */
  readonly copier: WriteCopier;
  /** The peer's SDP a=fingerprint values (TLS only). */
  readonly remoteFingerprints: readonly string[];
  socket: Socket | null;
  /** Connected (and TLS handshake done): bytes may go out. */
  ready: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Active: connect/handshake deadline; passive: the peer's connection deadline. */
  connectTimer: NodeJS.Timeout | undefined;
  closed: boolean;
}

interface HeldConnection {
  readonly socket: Socket;
  readonly secure: boolean;
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

/**
 * Copies a transmit span into a Buffer of its own for socket.write. The copy is required: Node's
 * socket.write keeps a reference to the Buffer it is given until the bytes reach the kernel
 * (after the call returns when the socket is busy or the write is large), while the span points
 * into the session's control/chunk buffer, which the very next pollTransmitInto overwrites (the
 * flush loop polls again at once). Writing the span in place would put later bytes on the wire;
 * waiting for each write's callback before polling again would serialise chunks on round trips.
 * The UA host copies its `Outgoing` spans for the same reason (ua-host.ts drain).
 * Node views over the session's buffers (at most two: control and chunk, fixed for its life)
 * are made once, so the copy itself is the only allocation per write.
 */
class WriteCopier {
  private sourceA: Uint8Array | null = null;
  private viewA: Buffer | null = null;
  private sourceB: Uint8Array | null = null;
  private viewB: Buffer | null = null;

  copy(t: MsrpTransmit): Buffer {
    const out = Buffer.allocUnsafe(t.len);
    this.view(t.bytes).copy(out, 0, t.off, t.off + t.len);
    return out;
  }

  private view(bytes: Uint8Array): Buffer {
    if (bytes === this.sourceA) return this.viewA!;
    if (bytes === this.sourceB) return this.viewB!;
    const v = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    // Two slots, the older one replaced: a session has only two buffers, so they stay cached.
    this.sourceB = this.sourceA; this.viewB = this.viewA;
    this.sourceA = bytes; this.viewA = v;
    return v;
  }
}

/** Host name of a URI authority without IPv6 brackets (for SNI and the name check). */
function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export class NodeMsrpHost {
  readonly address: string;
  port = 0;
  /** The TLS listener's port, 0 without one. */
  securePort = 0;
  /** a=fingerprint of our certificate ("sha-256 AB:…"), '' without one. */
  readonly fingerprint: string;
  private server: Server | null = null;
  private secureServer: TlsServer | null = null;
  /** The last incoming TLS connection that failed (handshake, or closed before any frame): named when a passive TLS session times out. */
  private lastHandshakeFailure = '';
  private lastHandshakeFailureAt = -1;
  private readonly entries = new Map<number, Entry>();
  private readonly held = new Set<HeldConnection>();
  private readonly view = new MsrpFrameView();
  private readonly span = new Span();
  private closedAll = false;

  private constructor(private readonly options: NodeMsrpHostOptions) {
    this.address = options.address ?? '127.0.0.1';
    const cert = options.tls?.cert;
    // The first certificate of the PEM chain is ours (RFC 8122 §5: the hash is over its DER).
    this.fingerprint = cert !== undefined ? certificateFingerprint(new Uint8Array(new X509Certificate(cert).raw)) : '';
  }

  /** Starts the listener(s) for passive sessions; hand `chatOptions()` (or `listener`) to ua.enableChat. */
  static async listen(options: NodeMsrpHostOptions = {}): Promise<NodeMsrpHost> {
    const tls = options.tls;
    if (tls !== undefined && (tls.cert === undefined) !== (tls.key === undefined)) throw new TypeError('MSRP TLS: cert and key go together');
    const host = new NodeMsrpHost(options);
    const server = createServer((socket) => host.accepted(socket, false));
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port ?? 0, host.address, () => resolve()); });
    host.server = server;
    host.port = (server.address() as { port: number }).port;
    if (tls !== undefined && tls.cert !== undefined && tls.key !== undefined) {
      // A client certificate is asked for (to check an a=fingerprint) but not demanded at the
      // handshake: the session it belongs to is known only from its first frame (§6).
      const secure = createTlsServer({
        cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false,
        handshakeTimeout: options.connectTimeoutMs ?? 5000,
        ...(tls.ca !== undefined ? { ca: tls.ca as ConnectionOptions['ca'] } : {}),
      }, (socket) => host.accepted(socket, true));
      secure.on('tlsClientError', (err: Error & { code?: string }, socket) => {
        const from = socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : 'a peer';
        // A client that refuses our certificate just closes (TLS 1.3: after our Finished): say so.
        const hint = err.code === 'ECONNRESET' || /hang up/.test(err.message) ? ' (closed by the peer: did it refuse our certificate?)' : '';
        host.tlsFailure(`TLS handshake from ${from} failed: ${err.message}${hint}`);
      });
      try {
        await new Promise<void>((resolve, reject) => { secure.once('error', reject); secure.listen(tls.port ?? 0, host.address, () => resolve()); });
      } catch (err) {
        server.close();
        throw err;
      }
      host.secureServer = secure;
      host.securePort = (secure.address() as { port: number }).port;
    }
    return host;
  }

  get listener(): { address: string; port: number } {
    return { address: this.address, port: this.port };
  }

  /** The TLS listener, null without one. */
  get secureListener(): { address: string; port: number } | null {
    return this.secureServer !== null ? { address: this.address, port: this.securePort } : null;
  }

  /** What ua.enableChat needs to know about this host; `msrpTransport` picks what our own offers use. */
  chatOptions(msrpTransport: 'tcp' | 'tls' = this.options.tls !== undefined ? 'tls' : 'tcp'): Pick<ChatOptions, 'listener' | 'secureListener' | 'msrpTransport' | 'tls' | 'fingerprint'> {
    return {
      listener: this.listener, secureListener: this.secureListener, msrpTransport, tls: this.options.tls !== undefined,
      ...(this.fingerprint !== '' ? { fingerprint: this.fingerprint } : {}),
    };
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
    return !!e && !e.closed && e.ready && e.socket !== null && !e.socket.destroyed;
  }

  /** Does this chat run over TLS? */
  isSecure(sessionId: number): boolean {
    return this.entries.get(sessionId)?.secure === true;
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
    this.secureServer?.close();
  }

  // ---------------------------------------------------------------------------------

  private emit(e: MsrpHostEvent): void {
    this.options.onEvent?.(e);
  }

  private open(e: Extract<UaEvent, { kind: 'msrp-connect' }>): void {
    if (this.entries.has(e.sessionId)) return;
    if (e.secure && e.setup === 'passive' && this.secureServer === null) {
      const message = 'a passive msrps (TLS) session needs a TLS listener (NodeMsrpHost tls: { cert, key })';
      this.emit({ kind: 'msrp-error', sessionId: e.sessionId, message });
      this.emit({ kind: 'msrp-closed', sessionId: e.sessionId, reason: message });
      return;
    }
    const openedAt = this.now();
    const chunkSize = this.options.chunkSize ?? 16384;
    const session = new MsrpSession({
      localUri: e.localPath, remotePath: e.remotePath, random, chunkSize,
      maxMessageBytes: this.options.maxMessageBytes ?? 2 * 1024 * 1024, maxFrameBytes: Math.max(chunkSize, 65536) + 1024,
      remoteMaxSize: e.remoteMaxSize, acceptTypes: ['*'],
    });
    const entry: Entry = {
      id: e.sessionId, setup: e.setup, secure: e.secure, localSessionId: sessionIdOf(e.localPath), session,
      transmit: new MsrpTransmit(), copier: new WriteCopier(),
      remoteFingerprints: e.secure ? (e.remoteFingerprints ?? []) : [], socket: null, ready: false, timer: undefined, connectTimer: undefined, closed: false,
    };
    this.entries.set(e.sessionId, entry);
    if (e.setup === 'active') {
      const socket = e.secure ? this.connectTls(e.remoteHost, e.remotePort) : connect(e.remotePort, e.remoteHost);
      socket.setNoDelay(true);
      const limit = this.options.connectTimeoutMs ?? 5000;
      entry.connectTimer = setTimeout(() => {
        entry.connectTimer = undefined;
        if (!entry.ready) this.fail(entry, `${e.secure ? 'TLS' : 'TCP'} connection to ${e.remoteHost}:${e.remotePort} not established within ${limit} ms`, false);
      }, limit);
      socket.once(e.secure ? 'secureConnect' : 'connect', () => {
        if (entry.closed) { socket.destroy(); return; }
        if (e.secure && !this.certificateAccepted(entry, socket as TLSSocket, `${e.remoteHost}:${e.remotePort}`)) return;
        this.ready(entry);
        // §5.4: the active end sends a SEND at once so the passive end can bind the connection.
        session.sendBind(this.now());
        this.flush(entry);
      });
      this.attach(entry, socket);
    } else {
      const limit = this.options.awaitConnectionMs ?? 10000;
      entry.connectTimer = setTimeout(() => {
        entry.connectTimer = undefined;
        if (entry.ready) return;
        // The peer may have tried before our msrp-connect (its 2xx/ACK raced ours): as far back as a held connection waits.
        const why = e.secure && this.lastHandshakeFailureAt >= openedAt - (this.options.bindTimeoutMs ?? 5000) ? ` (last: ${this.lastHandshakeFailure})` : '';
        this.fail(entry, `no MSRP${e.secure ? ' TLS' : ''} connection from the peer within ${limit} ms${why}`, e.secure && why !== '');
      }, limit);
      // A held connection may already carry this session's first frame.
      for (const h of this.held) {
        if (h.secure === entry.secure && this.heldSessionId(h) === entry.localSessionId) { this.bindHeld(h, entry); break; }
      }
    }
  }

  /** RFC 4975 §14.2 / RFC 5922 §7 as tls.ts does it: chain to the CA, identity = the msrps URI's host. */
  private connectTls(host: string, port: number): TLSSocket {
    const t = this.options.tls ?? {};
    const name = bareHost(host);
    const o: ConnectionOptions = {
      host: name, port, minVersion: 'TLSv1.2',
      rejectUnauthorized: t.verify !== false,
      checkServerIdentity: (_connected: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
    };
    if (ipFamily(name) === 0) o.servername = name; // RFC 6066 §3: no IP literals in SNI
    if (t.ca !== undefined) o.ca = t.ca as ConnectionOptions['ca'];
    if (t.cert !== undefined && t.key !== undefined) { o.cert = t.cert; o.key = t.key; }
    return tlsConnect(o);
  }

  /** The a=fingerprint check (RFC 8122 §5), and on the passive end the optional client-certificate demand. */
  private certificateAccepted(entry: Entry, socket: TLSSocket, peer: string): boolean {
    const cert = socket.getPeerCertificate();
    const der = cert && cert.raw ? new Uint8Array(cert.raw) : null;
    if (entry.setup === 'passive' && this.options.tls?.requireClientCertificate === true && !socket.authorized) {
      this.fail(entry, `TLS peer ${peer} presented no acceptable client certificate (${String(socket.authorizationError ?? 'none given')})`, true);
      return false;
    }
    if (entry.remoteFingerprints.length === 0) return true;
    if (der === null) {
      this.fail(entry, `TLS peer ${peer} presented no certificate to match its a=fingerprint`, true);
      return false;
    }
    const m = fingerprintMatches(entry.remoteFingerprints, der);
    if (m.ok && m.val) return true;
    this.fail(entry, m.ok
      ? `TLS peer ${peer} certificate ${certificateFingerprint(der)} does not match its a=fingerprint ${entry.remoteFingerprints.join(', ')}`
      : `TLS peer ${peer}: no SHA-256 a=fingerprint to check its certificate against (code ${m.val})`, true);
    return false;
  }

  private tlsFailure(message: string): void {
    this.lastHandshakeFailure = message;
    this.lastHandshakeFailureAt = this.now();
  }

  private ready(entry: Entry): void {
    entry.ready = true;
    if (entry.connectTimer) clearTimeout(entry.connectTimer);
    entry.connectTimer = undefined;
  }

  /** A session that cannot run: the reason, then closed. */
  private fail(entry: Entry, message: string, certificate: boolean): void {
    if (entry.closed) return;
    this.emit(certificate ? { kind: 'msrp-error', sessionId: entry.id, message, certificate } : { kind: 'msrp-error', sessionId: entry.id, message });
    this.closeSession(entry.id, message);
  }

  private accepted(socket: Socket, secure: boolean): void {
    socket.setNoDelay(true);
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    const h: HeldConnection = {
      socket, secure, bytes: Buffer.alloc(0),
      timer: setTimeout(() => { this.held.delete(h); socket.destroy(); }, this.options.bindTimeoutMs ?? 5000),
      onData: () => {},
    };
    this.held.add(h);
    h.onData = (chunk: Buffer) => {
      h.bytes = Buffer.concat([h.bytes, chunk]);
      const sid = this.heldSessionId(h);
      if (sid === null) return;
      for (const entry of this.entries.values()) {
        if (entry.setup === 'passive' && entry.secure === secure && entry.socket === null && !entry.closed && entry.localSessionId === sid) { this.bindHeld(h, entry); return; }
      }
    };
    socket.on('data', h.onData);
    socket.on('error', () => { /* close follows */ });
    socket.on('close', () => {
      if (!this.held.delete(h)) return;
      clearTimeout(h.timer);
      // TLS 1.3: a client refusing our certificate may close only after the handshake completed here.
      if (secure && h.bytes.length === 0) {
        this.tlsFailure(`TLS connection from ${from} closed before its first MSRP frame (did the peer refuse our certificate?)`);
      }
    });
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
    if (entry.secure) {
      const s = h.socket as TLSSocket;
      if (!this.certificateAccepted(entry, s, `${s.remoteAddress}:${s.remotePort}`)) { s.destroy(); return; }
    }
    this.attach(entry, h.socket);
    this.ready(entry);
    this.emit({ kind: 'msrp-connected', sessionId: entry.id, setup: 'passive' });
    this.input(entry, h.bytes);
  }

  private attach(entry: Entry, socket: Socket): void {
    entry.socket = socket;
    socket.on('data', (chunk: Buffer) => this.input(entry, chunk));
    socket.on('error', (err: Error & { code?: string }) => {
      if (entry.closed) return;
      // node:tls names a refused certificate with an OpenSSL code (CERT_*, *_CERT_*, ERR_TLS_CERT_ALTNAME_INVALID…).
      const code = err.code ?? '';
      const certificate = entry.secure && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/.test(code);
      const message = certificate ? `TLS: certificate of ${entry.setup === 'active' ? 'the peer' : 'a client'} refused: ${err.message} (${code})` : err.message;
      this.emit(certificate ? { kind: 'msrp-error', sessionId: entry.id, message, certificate } : { kind: 'msrp-error', sessionId: entry.id, message });
    });
    socket.on('close', () => {
      if (entry.closed) return;
      entry.session.handleConnectionLost(this.now());
      this.flush(entry);
      this.closeSession(entry.id, 'connection closed');
    });
  }

  private input(entry: Entry, chunk: Buffer): void {
    if (entry.closed) return;
    // A Buffer is a Uint8Array: the read goes in as is (off 0, whole length: copied without a view).
    const len = chunk.length;
    let off = 0;
    // Back-pressure (session.ts): it takes what it can; drain, then hand in the rest.
    for (let guard = 0; off < len && guard < 100000; guard++) {
      off += entry.session.handleBytes(chunk, off, len - off, this.now());
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
    if (sock !== null && entry.ready && !sock.destroyed) {
      // The span is in the session's buffer, reused by the next poll: copied (WriteCopier says why).
      const t = entry.transmit;
      while (s.pollTransmitInto(t, now)) sock.write(entry.copier.copy(t));
    }
    for (let e = s.pollEvent(); e; e = s.pollEvent()) {
      switch (e.kind) {
        case MSRP_EVENT.RECEIVED:
          this.emit({ kind: 'chat-message', sessionId: entry.id, messageId: e.messageId, contentType: e.contentType, bytes: e.hasData ? e.dataBytes.slice(e.dataOff, e.dataOff + e.dataLen) : new Uint8Array(0) });
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
    if (entry.connectTimer) clearTimeout(entry.connectTimer);
    entry.connectTimer = undefined;
    entry.socket?.end();
    entry.socket?.destroy();
    this.emit({ kind: 'msrp-closed', sessionId: id, reason });
  }
}
