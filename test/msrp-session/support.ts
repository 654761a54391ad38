// Helpers shared by the MSRP session tests and bench/msrp.ts: a deterministic random source,
// draining a session's outputs, and two sessions joined over real TCP (or TLS) on 127.0.0.1.
import { createServer, connect, type Socket, type Server } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { MsrpSession, MSRP_EVENT, type MsrpEvent, type MsrpSessionConfig } from '../../core/msrp/index.js';

export function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

/** A plain copy of the fields of a polled event (records are reused by the session). */
export interface EventCopy {
  kind: number;
  messageId: string;
  contentType: string;
  data: Uint8Array | null;
  status: number;
  reason: string;
  done: number;
  total: number;
  errorCode: number;
}

export function copyEvent(e: MsrpEvent): EventCopy {
  return { kind: e.kind, messageId: e.messageId, contentType: e.contentType, data: e.data ? e.data.slice() : null,
    status: e.status, reason: e.reason, done: e.done, total: e.total, errorCode: e.errorCode };
}

export function drainEvents(s: MsrpSession, into: EventCopy[]): void {
  for (let e = s.pollEvent(); e; e = s.pollEvent()) into.push(copyEvent(e));
}

export function drainTransmit(s: MsrpSession, now: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let b = s.pollTransmit(now); b; b = s.pollTransmit(now)) parts.push(b.slice());
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Feeds bytes, honouring back-pressure: drain events and transmit (into `sent`) whenever it stops taking. */
export function feed(s: MsrpSession, bytes: Uint8Array, now: number, events: EventCopy[], sent: Uint8Array[]): void {
  let off = 0;
  for (let guard = 0; guard < 100000; guard++) {
    off += s.handleBytes(bytes, off, bytes.length - off, now);
    const out = drainTransmit(s, now);
    if (out.length) sent.push(out);
    drainEvents(s, events);
    if (off >= bytes.length) return;
  }
  throw new Error('feed made no progress');
}

/** Runs `s` against a socket: reads go in with back-pressure, outputs are copied out. */
export function attach(s: MsrpSession, sock: Socket, onEvent: (e: EventCopy) => void, clock: () => number): { flush: () => void } {
  const flush = () => {
    const now = clock();
    for (let b = s.pollTransmit(now); b; b = s.pollTransmit(now)) sock.write(Buffer.from(b)); // the view is reused: copy
    for (let e = s.pollEvent(); e; e = s.pollEvent()) onEvent(copyEvent(e));
  };
  sock.on('data', (chunk: Buffer) => {
    let off = 0;
    const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let guard = 0; off < view.length && guard < 10000; guard++) {
      off += s.handleBytes(view, off, view.length - off, clock());
      flush();
    }
    flush();
  });
  return { flush };
}

export interface TransferResult {
  ms: number;
  received: Uint8Array | null;
  senderEvents: EventCopy[];
  receiverEvents: EventCopy[];
}

/** PEM material for a TLS transfer: Bob's certificate and key, and the CA Alice trusts. */
export interface TransferTls {
  cert: string | Buffer;
  key: string | Buffer;
  ca: string | Buffer;
}

/**
 * Alice connects (a=setup:active) to Bob's listener on 127.0.0.1, binds (§5.4), and sends
 * `content` in chunks. Resolves when Alice sees DELIVERED or FAILED; rejects after `timeoutMs`.
 * With `tls` the connection is TLS (msrps, RFC 4975 §6), Bob's certificate verified by Alice;
 * the timing starts once the handshake is done, as it does once TCP is connected.
 */
export async function transferOverTcp(content: Uint8Array, opts: { chunkSize: number; successReport: boolean; timeoutMs: number;
  alice?: Partial<MsrpSessionConfig>; bob?: Partial<MsrpSessionConfig>; tls?: TransferTls }): Promise<TransferResult> {
  const clock = () => performance.now();
  const scheme = opts.tls ? 'msrps' : 'msrp';
  const aliceUri = `${scheme}://127.0.0.1:0/alice83hd;tcp`;
  let server: Server | null = null;
  const sockets: Socket[] = [];
  try {
    const bobEvents: EventCopy[] = [];
    let received: Uint8Array | null = null;
    let bobUri = '';
    let bob: MsrpSession | null = null;
    const onConnection = (sock: Socket) => {
      sockets.push(sock);
      sock.setNoDelay(true);
      bob = new MsrpSession({ localUri: bobUri, remotePath: aliceUri, random: lcg(2), chunkSize: opts.chunkSize,
        maxMessageBytes: content.length + 1024, maxFrameBytes: opts.chunkSize + 1024, ...opts.bob });
      attach(bob, sock, (e) => { bobEvents.push(e); if (e.kind === MSRP_EVENT.RECEIVED) received = e.data; }, clock);
    };
    server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, onConnection) : createServer(onConnection);
    await new Promise<void>((resolve, reject) => { server!.once('error', reject); server!.listen(0, '127.0.0.1', resolve); });
    const port = (server.address() as { port: number }).port;
    bobUri = `${scheme}://127.0.0.1:${port}/bob7sj2k;tcp`;
    const sock = opts.tls ? tlsConnect({ host: '127.0.0.1', port, ca: opts.tls.ca, minVersion: 'TLSv1.2' }) : connect(port, '127.0.0.1');
    sockets.push(sock);
    sock.setNoDelay(true);
    await new Promise<void>((resolve, reject) => { sock.once(opts.tls ? 'secureConnect' : 'connect', resolve); sock.once('error', reject); });
    const alice = new MsrpSession({ localUri: aliceUri, remotePath: bobUri, random: lcg(1), chunkSize: opts.chunkSize, maxFrameBytes: opts.chunkSize + 1024, ...opts.alice });
    const aliceEvents: EventCopy[] = [];
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const a = attach(alice, sock, (e) => {
      aliceEvents.push(e);
      if (e.kind === MSRP_EVENT.DELIVERED || e.kind === MSRP_EVENT.FAILED) finish();
    }, clock);
    const start = clock();
    alice.sendBind(start);
    const sent = alice.sendMessage('application/octet-stream', content, start, { successReport: opts.successReport });
    if (!sent.ok) throw new Error(`sendMessage refused: ${sent.val}`);
    a.flush();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`transfer did not finish in ${opts.timeoutMs} ms`)), opts.timeoutMs); });
    try { await Promise.race([done, timeout]); } finally { clearTimeout(timer); }
    const ms = clock() - start;
    // Bob's RECEIVED is queued before his REPORT goes out, so it is in by now.
    return { ms, received, senderEvents: aliceEvents, receiverEvents: bobEvents };
  } finally {
    for (const s of sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
}
