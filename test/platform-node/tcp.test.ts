// NodeTcpSocket and NodeTcpListener on loopback: connect/accept/exchange, backpressure with
// all-or-nothing writes and onWritable, peer close, connection refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeTcpListener, NodeTcpSocket } from '../../platform/node/index.js';
import type { TcpSocket, TcpSocketOptions } from '../../platform/host/index.js';
import { HAS_IPV6_LOOPBACK, patternByte, signal, skipLoudly, until, type Signal } from './helpers.js';

const TIMEOUT = 3000;

interface Pair { listener: NodeTcpListener; client: NodeTcpSocket; server: NodeTcpSocket }

/** A listener, a client connected to it and the adopted server side; handlers per side. */
type Handlers = Pick<TcpSocketOptions, 'onReadable' | 'onWritable' | 'onError'>;

async function connectPair(
  address: string,
  client: Handlers,
  server: Handlers,
  serverConfig: { readCapacity?: number } = {},
): Promise<Pair> {
  const accepted = signal<NodeTcpSocket>();
  const listener: NodeTcpListener = new NodeTcpListener({
    address,
    port: 0,
    onReadable(count) {
      assert.ok(this === listener && count >= 1);
      const from = listener.read();
      accepted.resolve(new NodeTcpSocket({ from, ...server }, serverConfig));
    },
  });
  assert.ok(await listener.bound, 'listening');
  const connected = signal<void>();
  const c = new NodeTcpSocket({
    address,
    port: listener.port,
    ...client,
    onWritable(n) {
      connected.resolve();
      client.onWritable?.call(this, n);
    },
  });
  await connected.wait(TIMEOUT, 'first onWritable (connected)');
  return { listener, client: c, server: await accepted.wait(TIMEOUT, 'accepted connection') };
}

function closeAll(pair: Partial<Pair>): void {
  pair.client?.close();
  pair.server?.close();
  pair.listener?.close();
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function exchange(address: string): Promise<void> {
  const rx = new Uint8Array(256);
  const atServer = signal<string>();
  const atClient = signal<string>();
  let pair: Partial<Pair> = {};
  try {
    pair = await connectPair(
      address,
      { onReadable(n) { const k = this.read(rx); atClient.resolve(Buffer.from(rx.subarray(0, k)).toString()); assert.ok(n >= k); } },
      { onReadable() { const k = this.read(rx); atServer.resolve(Buffer.from(rx.subarray(0, k)).toString()); } },
    );
    assert.is(pair.server!.remoteAddress, address);
    assert.is(pair.server!.remotePort !== undefined && pair.server!.remotePort > 0, true);
    const ping = ascii('\r\n\r\n');
    const left = pair.client!.write(ping);
    assert.ok(left > 0, 'write returns the space left');
    ping.fill(0); // reused at once: the bytes must have been copied
    assert.is(await atServer.wait(TIMEOUT, 'bytes at the server'), '\r\n\r\n');
    pair.server!.write(ascii('\r\n'));
    assert.is(await atClient.wait(TIMEOUT, 'bytes at the client'), '\r\n');
  } finally {
    closeAll(pair);
  }
}

test('TCP client ↔ listener exchange on 127.0.0.1', async () => {
  await exchange('127.0.0.1');
});

test('TCP client ↔ listener exchange on ::1', async () => {
  if (!HAS_IPV6_LOOPBACK) return skipLoudly('TCP ::1 exchange', 'this machine has no IPv6 loopback (::1)');
  await exchange('::1');
});

test('backpressure: writes are all-or-nothing, onWritable resumes a blocked writer, every byte arrives in order', async () => {
  const CHUNK = 16 * 1024;
  const AFTER_BLOCK = 1024 * 1024; // keep writing this much after the first block
  const LIMIT = 256 * 1024 * 1024; // the kernel buffers cannot be this large: fail instead of looping
  const chunk = new Uint8Array(CHUNK);
  let written = 0;
  let target = LIMIT;
  let blockedAt = -1;
  let refusals = 0;
  let resumes = 0;
  let serverReading = false;
  let received = 0;
  let mismatch = -1;
  const rx = new Uint8Array(8192);
  const blocked = signal<void>();
  const done = signal<void>();
  let clientRef: NodeTcpSocket | undefined;

  function pump(socket: TcpSocket, free: number): void {
    while (written < target) {
      const n = Math.min(CHUNK, target - written);
      for (let i = 0; i < n; i++) chunk[i] = patternByte(written + i);
      if (n > free) {
        // All or nothing: a write beyond the free space throws and sends nothing.
        assert.throws(() => socket.write(chunk, n), /do not fit/);
        refusals++;
        if (blockedAt < 0) {
          blockedAt = written;
          target = written + AFTER_BLOCK;
          blocked.resolve();
        }
        return;
      }
      free = socket.write(chunk, n);
      written += n;
    }
    if (written >= target) socket.close(); // graceful: queued bytes drain, then FIN
  }

  function drain(socket: TcpSocket): void {
    for (;;) {
      const k = socket.read(rx);
      if (k === 0) return;
      for (let i = 0; i < k; i++) {
        if (mismatch < 0 && rx[i] !== patternByte(received + i)) mismatch = received + i;
      }
      received += k;
    }
  }

  let pair: Partial<Pair> = {};
  try {
    pair = await connectPair(
      '127.0.0.1',
      { onWritable(free) { if (blockedAt >= 0) resumes++; pump(this, free); } },
      {
        onReadable() { if (serverReading) drain(this); },
        onError() { drain(this); done.resolve(); }, // clean close by the client, after its last byte
      },
      { readCapacity: 32 * 1024 },
    );
    clientRef = pair.client;
    await blocked.wait(10_000, 'the writer to block (free space exhausted while the reader is paused)');
    assert.ok(blockedAt > 0 && blockedAt < LIMIT, `blocked after ${blockedAt} bytes`);
    if (process.env.VERBOSE) console.log(`blocked after ${blockedAt} bytes`);
    // The reader wakes up: it drains what is queued, the sender gets onWritable and goes on.
    serverReading = true;
    drain(pair.server!);
    await done.wait(10_000, 'every byte at the server and the clean close');
    assert.is(mismatch, -1, 'bytes arrived in order and intact');
    assert.is(received, written, 'exactly the bytes that write() accepted arrived');
    assert.is(written, blockedAt + AFTER_BLOCK);
    assert.ok(resumes >= 1, 'onWritable resumed the blocked writer');
    assert.ok(refusals >= 1);
    assert.is((pair.server as NodeTcpSocket).error?.code, 'EOF');
  } finally {
    clientRef?.close();
    closeAll(pair);
  }
});

test('peer close: bytes first (onReadable), then onError with code EOF; read still drains', async () => {
  const order: string[] = [];
  const ended = signal<void>();
  const rx = new Uint8Array(64);
  let pair: Partial<Pair> = {};
  try {
    pair = await connectPair(
      '127.0.0.1',
      {
        onReadable(n) { order.push(`readable:${n}`); },
        onError(this: TcpSocket) { order.push(`error:${(this as NodeTcpSocket).error?.code}`); ended.resolve(); },
      },
      {},
    );
    pair.server!.write(ascii('BYE'));
    pair.server!.close();
    await ended.wait(TIMEOUT, 'onError after the peer closed');
    assert.equal(order, ['readable:3', 'error:EOF']);
    assert.is(pair.client!.read(rx), 3, 'bytes before the FIN stay readable');
    assert.throws(() => pair.client!.write(ascii('x')), /not connected/);
  } finally {
    closeAll(pair);
  }
});

test('connection refused arrives through onError (ECONNREFUSED), never a throw; write before connect throws', async () => {
  // A port that was just free: listen, note it, close.
  const probe = new NodeTcpListener({ address: '127.0.0.1', port: 0 });
  await probe.bound;
  const port = probe.port;
  probe.close();
  await new Promise((r) => setTimeout(r, 20));
  const failed: Signal<string> = signal<string>();
  let writable = false;
  const socket = new NodeTcpSocket({
    address: '127.0.0.1',
    port,
    onWritable() { writable = true; },
    onError(this: TcpSocket) { failed.resolve((this as NodeTcpSocket).error!.message); },
  });
  try {
    assert.throws(() => socket.write(ascii('REGISTER')), /not connected/);
    const message = await failed.wait(TIMEOUT, 'onError for a refused connection');
    assert.is(socket.error?.code, 'ECONNREFUSED');
    assert.match(message, /ECONNREFUSED/);
    assert.is(writable, false);
  } finally {
    socket.close();
    socket.close();
  }
  assert.throws(() => socket.read(new Uint8Array(1)), /after close/);
});

test('options are validated before any connection is made', () => {
  assert.throws(() => new NodeTcpSocket({ address: 'sip.example.com', port: 5060 }), /IP literal/);
  assert.throws(() => new NodeTcpSocket({ address: '127.0.0.1', port: 0 }), /port/);
  assert.throws(() => new NodeTcpSocket({ from: {} }), /TcpListener/);
  assert.throws(() => new NodeTcpListener({ port: -1 }), /port/);
});

test('no callback after close(), even with data in flight', async () => {
  let calls = 0;
  let pair: Partial<Pair> = {};
  try {
    pair = await connectPair('127.0.0.1', {}, { onReadable() { calls++; }, onError() { calls++; } });
    pair.client!.write(ascii('MESSAGE'));
    pair.server!.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.is(calls, 0);
    await until(() => pair.client!.error !== undefined, TIMEOUT, 'client to see the close');
  } finally {
    closeAll(pair);
  }
});

test.run();
