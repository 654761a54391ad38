// platform/node/websocket.ts against a WebSocket server written in this test with the core codec
// (server role) over node:net / node:tls on loopback: handshake, queued sends flushed on open,
// pings answered, fragmented server messages delivered whole, close in both directions, refused
// handshakes, protocol errors, wss with certificate verification, and the ping keep-alive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWebSocket, type NodeWebSocketOptions, type WebSocketCloseInfo } from '../../platform/node/websocket.js';
import { WebSocketFrameReader, WebSocketFrameView, WS_EVENT_CLOSE, WS_EVENT_MESSAGE, WS_EVENT_NONE, WS_EVENT_PONG } from '../../core/transport/websocket-frame-reader.js';
import { WebSocketFrameWriter } from '../../core/transport/websocket-frame-writer.js';
import { websocketAccept } from '../../core/transport/websocket-handshake.js';

type Seen = { kind: 'message' | 'pong' | 'close'; text: string; code?: number };

/** One accepted connection on the test server: what the client sent, and ways to answer. */
class ServerSide {
  readonly seen: Seen[] = [];
  requestHead = '';
  private head = '';
  private open = false;
  private readonly reader = new WebSocketFrameReader(new Uint8Array(70_000), { role: 'server' });
  private readonly view = new WebSocketFrameView();
  readonly writer = new WebSocketFrameWriter({ role: 'server' });
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket, private readonly answer: (key: string) => string) {
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', () => {});
  }

  private data(chunk: Buffer): void {
    let rest = chunk;
    if (!this.open) {
      this.head += chunk.toString('latin1');
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.requestHead = this.head.slice(0, end);
      const key = /^Sec-WebSocket-Key: (.*)$/mi.exec(this.requestHead)?.[1]?.trim() ?? '';
      this.socket.write(this.answer(key));
      this.open = true;
      rest = Buffer.from(this.head.slice(end + 4), 'latin1');
    }
    const buf = Uint8Array.from(rest);
    let at = 0;
    while (at < buf.length) {
      const n = this.reader.read(buf, at, buf.length - at, this.view);
      if (n < 0) { this.seen.push({ kind: 'close', text: `protocol error ${n}` }); return; }
      at += n;
      const v = this.view;
      if (v.event === WS_EVENT_NONE) continue;
      const text = Buffer.from(v.buf.subarray(v.payloadOff, v.payloadOff + v.payloadLen)).toString('utf8');
      if (v.event === WS_EVENT_MESSAGE) this.seen.push({ kind: 'message', text });
      else if (v.event === WS_EVENT_PONG) this.seen.push({ kind: 'pong', text });
      else if (v.event === WS_EVENT_CLOSE) this.closed(v.closeCode), this.seen.push({ kind: 'close', text: Buffer.from(v.buf.subarray(v.reasonOff, v.reasonOff + v.reasonLen)).toString('utf8'), code: v.closeCode });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `pred` holds for what was seen (bounded). */
  until(pred: (seen: Seen[]) => boolean, timeoutMs = 3000): Promise<void> {
    if (pred(this.seen)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server: condition not met within ${timeoutMs} ms; seen ${JSON.stringify(this.seen)}`)), timeoutMs);
      const check = () => { if (pred(this.seen)) { clearTimeout(timer); resolve(); } else this.waiters.push(check); };
      this.waiters.push(check);
    });
  }

  private closeSent = false;

  /** §7.1.2/§7.1.1: answer a close with a close (unless ours went first), then the server ends TCP. */
  private closed(code: number): void {
    if (!this.closeSent) this.send('close', '', code === 1005 ? 1000 : code);
    this.socket.end();
  }

  send(kind: 'text' | 'ping' | 'close', text: string, code = 1000): void {
    if (kind === 'close') this.closeSent = true;
    const p = Buffer.from(text, 'utf8');
    const out = Buffer.alloc(200 + p.length);
    const n = kind === 'text' ? this.writer.text(out, 0, out.length, p, 0, p.length)
      : kind === 'ping' ? this.writer.ping(out, 0, out.length, p, 0, p.length)
        : this.writer.close(out, 0, out.length, code, p, 0, p.length);
    this.socket.write(out.subarray(0, n));
  }

  raw(bytes: number[]): void {
    this.socket.write(Buffer.from(bytes));
  }
}

function accept101(key: string, protocol = 'sip'): string {
  const out = new Uint8Array(28);
  websocketAccept(Buffer.from(key, 'latin1'), 0, key.length, out, 0);
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${Buffer.from(out).toString('latin1')}\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`;
}

interface TestServer { server: Server; port: number; next(): Promise<ServerSide> }

async function listen(answer: (key: string) => string = accept101, make: () => Server = () => createNetServer(), event: 'connection' | 'secureConnection' = 'connection'): Promise<TestServer> {
  const server = make();
  const queue: ServerSide[] = [];
  const waiting: ((s: ServerSide) => void)[] = [];
  server.on(event, (socket: Socket) => {
    const side = new ServerSide(socket, answer);
    const w = waiting.shift();
    if (w) w(side); else queue.push(side);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server, port,
    next: () => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no connection within 3 s')), 3000);
        waiting.push((s) => { clearTimeout(timer); resolve(s); });
      });
    },
  };
}

interface Client { ws: NodeWebSocket; messages: string[]; opened: Promise<void>; closed: Promise<WebSocketCloseInfo> }

function client(port: number, extra: Partial<NodeWebSocketOptions> = {}): Client {
  const messages: string[] = [];
  let opened!: () => void;
  let closed!: (i: WebSocketCloseInfo) => void;
  const openedP = new Promise<void>((r) => { opened = r; });
  const closedP = new Promise<WebSocketCloseInfo>((r) => { closed = r; });
  const ws = new NodeWebSocket({
    address: '127.0.0.1', port, connectTimeoutMs: 3000,
    onOpen() { opened(); },
    onMessage(b, off, len) { messages.push(Buffer.from(b.subarray(off, off + len)).toString('utf8')); },
    onClose(info) { closed(info); },
    ...extra,
  });
  return { ws, messages, opened: openedP, closed: closedP };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

async function waitUntil(pred: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const servers: Server[] = [];
test.after(() => { for (const s of servers) s.close(); });

test('handshake (RFC 7118 §4 request), queued send flushed on open, messages both ways, ping answered, close from the client', async () => {
  const srv = await listen();
  servers.push(srv.server);
  const c = client(srv.port, { path: '/sip' });
  assert.ok(c.ws.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n')), 'queued before open');
  const side = await srv.next();
  await within(c.opened, 3000, 'open');
  assert.match(side.requestHead, /^GET \/sip HTTP\/1\.1\r\n/);
  assert.match(side.requestHead, /\r\nHost: 127\.0\.0\.1:\d+\r\n/);
  assert.match(side.requestHead, /\r\nSec-WebSocket-Protocol: sip(\r\n|$)/);
  assert.match(side.requestHead, /\r\nSec-WebSocket-Version: 13(\r\n|$)/);
  await side.until((s) => s.some((x) => x.kind === 'message' && x.text.startsWith('OPTIONS')));
  side.send('text', 'SIP/2.0 200 OK\r\n\r\n');
  side.send('ping', 'are you there');
  // A fragmented message (§5.4) with a ping in between arrives whole.
  side.raw([0x01, 0x04, ...Buffer.from('MESS'), 0x89, 0x00, 0x80, 0x03, ...Buffer.from('AGE')]);
  await side.until((s) => s.filter((x) => x.kind === 'pong').length === 2);
  assert.equal(side.seen.filter((x) => x.kind === 'pong').map((x) => x.text), ['are you there', '']);
  await waitUntil(() => c.messages.length === 2, 3000, 'two messages');
  assert.equal(c.messages, ['SIP/2.0 200 OK\r\n\r\n', 'MESSAGE']);
  assert.is(c.ws.pingsAnswered, 2);
  c.ws.close(1000, 'bye');
  await side.until((s) => s.some((x) => x.kind === 'close'));
  assert.equal(side.seen.find((x) => x.kind === 'close'), { kind: 'close', text: 'bye', code: 1000 });
  const info = await within(c.closed, 3000, 'closed');
  assert.is(info.error, undefined);
  assert.is(info.code, 1000);
  assert.ok(info.wasOpen);
  assert.not.ok(c.ws.send(Buffer.from('late')), 'no send after close');
});

test('close from the server is echoed (§5.5.1) and reported with its code and reason', async () => {
  const srv = await listen();
  servers.push(srv.server);
  const c = client(srv.port);
  const side = await srv.next();
  await within(c.opened, 3000, 'open');
  side.send('close', 'shutting down', 1001);
  const info = await within(c.closed, 3000, 'closed');
  assert.equal([info.code, info.reason, info.error], [1001, 'shutting down', undefined]);
  await side.until((s) => s.some((x) => x.kind === 'close'));
  assert.is(side.seen.find((x) => x.kind === 'close')!.code, 1001);
});

test('refused handshakes and broken frames fail the flow with a reason', async () => {
  const cases: [string, (key: string) => string, RegExp][] = [
    ['404', () => 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', /E_WS_HS_NOT_101, HTTP 404/],
    ['no sip sub-protocol', (key) => accept101(key, ''), /E_WS_HS_BAD_PROTOCOL/],
    ['wrong accept', () => accept101('not-our-key'), /E_WS_HS_BAD_ACCEPT/],
  ];
  for (const [what, answer, message] of cases) {
    const srv = await listen(answer);
    servers.push(srv.server);
    const c = client(srv.port);
    let opened = false;
    void c.opened.then(() => { opened = true; });
    const info = await within(c.closed, 3000, what);
    assert.not.ok(opened, what);
    assert.not.ok(info.wasOpen, what);
    assert.match(info.error?.message ?? '', message, what);
  }
  // A masked frame from the server (§5.1) fails the connection with close 1002.
  const srv = await listen();
  servers.push(srv.server);
  const c = client(srv.port);
  const side = await srv.next();
  await within(c.opened, 3000, 'open');
  side.raw([0x81, 0x81, 1, 2, 3, 4, 0x41]);
  const info = await within(c.closed, 3000, 'closed after a protocol error');
  assert.match(info.error?.message ?? '', /E_WS_MASK_UNEXPECTED/);
  await side.until((s) => s.some((x) => x.kind === 'close'));
  assert.is(side.seen.find((x) => x.kind === 'close')!.code, 1002);
  // Nobody listening: refused, reported once.
  const refused = client(1);
  const r = await within(refused.closed, 3000, 'refused');
  assert.is(r.error?.code, 'ECONNREFUSED');
});

test('ping keep-alive: an unanswered ping fails the flow; answered pings keep it open', async () => {
  const srv = await listen();
  servers.push(srv.server);
  const c = client(srv.port, { pingIntervalMs: 50, pongTimeoutMs: 150 });
  const side = await srv.next();
  await within(c.opened, 3000, 'open');
  // The test server does not answer pings: the client must see that.
  const info = await within(c.closed, 3000, 'closed by the keep-alive');
  assert.match(info.error?.message ?? '', /no answer to a ping/);
  assert.ok(side.seen.length === 0 || side.seen.every((x) => x.kind !== 'message'));
  // Answered: the server replies with a pong to each ping it reads.
  const srv2 = await listen();
  servers.push(srv2.server);
  const c2 = client(srv2.port, { pingIntervalMs: 40, pongTimeoutMs: 150 });
  const side2 = await srv2.next();
  await within(c2.opened, 3000, 'open');
  side2.socket.on('data', (chunk: Buffer) => {
    // A client ping is 6 bytes (header + mask, no data): answer each with an unmasked pong.
    for (let i = 0; i + 1 < chunk.length; i++) if (chunk[i] === 0x89 && chunk[i + 1] === 0x80) side2.raw([0x8a, 0x00]);
  });
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(c2.ws.isOpen, 'still open after several answered pings');
  assert.ok(c2.ws.pongsSeen >= 2, `pongs seen: ${c2.ws.pongsSeen}`);
  c2.ws.close();
  await within(c2.closed, 3000, 'closed');
});

test('wss: TLS with the certificate verified against the CA; an unknown CA fails the flow', async () => {
  let dir: string;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'hardphone-wss-'));
  } catch {
    console.warn('!! SKIPPING wss test: openssl CLI not found');
    return;
  }
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
      '-days', '2', '-subj', '/CN=sip.test', '-addext', 'subjectAltName=DNS:sip.test,IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const key = readFileSync(join(dir, 'key.pem'));
    const srv = await listen(accept101, () => createTlsServer({ cert, key }), 'secureConnection');
    servers.push(srv.server);
    const c = client(srv.port, { host: 'sip.test', tls: { ca: cert } });
    const side = await srv.next();
    await within(c.opened, 3000, 'wss open');
    assert.match(side.requestHead, /\r\nHost: sip\.test\r\n/);
    c.ws.send(Buffer.from('REGISTER over wss'));
    await side.until((s) => s.some((x) => x.text === 'REGISTER over wss'));
    c.ws.close();
    await within(c.closed, 3000, 'closed');
    const untrusted = client(srv.port, { host: 'sip.test', tls: {} });
    const info = await within(untrusted.closed, 3000, 'refused certificate');
    assert.ok(info.error?.certificate, `certificate error: ${info.error?.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
