// NodeUdpSocket on loopback: echo between two sockets, the ECMA-419 rules (this, no re-entrancy,
// copy-on-write, truncation, close), dual-stack unmapping, and ::1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeUdpSocket } from '../../platform/node/index.js';
import type { UdpSocket } from '../../platform/host/index.js';
import { HAS_IPV6_LOOPBACK, signal, skipLoudly } from './helpers.js';

const TIMEOUT = 2000;
const text = (bytes: Uint8Array, n: number) => Buffer.from(bytes.subarray(0, n)).toString('latin1');

async function echoBetween(address: string): Promise<void> {
  const rx = new Uint8Array(2048);
  const reply = signal<string>();
  let serverThisOk = true;
  const server: NodeUdpSocket = new NodeUdpSocket({
    address,
    onReadable(this: UdpSocket, count: number) {
      serverThisOk &&= this === server && count >= 1;
      for (let i = 0; i < count; i++) {
        const n = this.read(rx);
        if (n === undefined) break;
        this.write(rx, this.remoteAddress!, this.remotePort!, n); // echo, straight from the rx buffer
      }
    },
  });
  const clientRx = new Uint8Array(2048);
  const client: NodeUdpSocket = new NodeUdpSocket({
    address,
    onReadable() {
      const n = client.read(clientRx)!;
      assert.is(client.remoteAddress, address);
      assert.is(client.remotePort, server.port);
      reply.resolve(text(clientRx, n));
    },
  });
  try {
    assert.ok(await server.bound, 'server bound');
    assert.ok(await client.bound, 'client bound');
    assert.ok(server.port > 0 && client.port > 0 && server.port !== client.port);
    const tx = new Uint8Array(64);
    const message = 'OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n';
    for (let i = 0; i < message.length; i++) tx[i] = message.charCodeAt(i);
    client.write(tx, address, server.port, message.length);
    // The caller reuses its transmit buffer at once: the datagram must already be a copy.
    tx.fill(0x58);
    assert.is(await reply.wait(TIMEOUT, 'echo'), message);
    assert.ok(serverThisOk, 'onReadable ran with this === socket and a count');
  } finally {
    server.close();
    client.close();
  }
}

test('UDP echo between two sockets on 127.0.0.1', async () => {
  await echoBetween('127.0.0.1');
});

test('UDP echo between two sockets on ::1', async () => {
  if (!HAS_IPV6_LOOPBACK) return skipLoudly('UDP ::1 echo', 'this machine has no IPv6 loopback (::1)');
  await echoBetween('::1');
});

test('first onWritable means bound; callbacks never run inside write()', async () => {
  let inWrite = false;
  let reentered = false;
  const rx = new Uint8Array(16);
  const writable = signal<number>();
  const got = signal<number>();
  const socket: NodeUdpSocket = new NodeUdpSocket({
    address: '127.0.0.1',
    onWritable(count) {
      reentered ||= inWrite;
      writable.resolve(count);
    },
    onReadable() {
      reentered ||= inWrite;
      got.resolve(socket.read(rx)!);
    },
  });
  try {
    assert.is(await writable.wait(TIMEOUT, 'onWritable after bind'), 1);
    assert.ok(socket.port > 0, 'port known at first onWritable');
    inWrite = true;
    socket.write(new Uint8Array([1, 2, 3]), '127.0.0.1', socket.port); // to itself
    inWrite = false;
    assert.is(await got.wait(TIMEOUT, 'datagram to self'), 3);
    assert.is(reentered, false);
  } finally {
    socket.close();
  }
});

test('read() truncates to the caller buffer and returns the full length; byteLength limits write', async () => {
  const got = signal<void>();
  const a = new NodeUdpSocket({ address: '127.0.0.1', onReadable: () => got.resolve() });
  const b = new NodeUdpSocket({ address: '127.0.0.1' });
  try {
    await a.bound;
    await b.bound;
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    b.write(big, '127.0.0.1', a.port, 300);
    await got.wait(TIMEOUT, 'datagram');
    const small = new Uint8Array(100);
    assert.is(a.read(small), 300, 'full length reported');
    assert.equal(Array.from(small), Array.from(big.subarray(0, 100)), 'first bytes copied');
    assert.is(a.read(small), undefined, 'nothing more waiting');
  } finally {
    a.close();
    b.close();
  }
});

test('a dual-stack socket (no address) reports IPv4 peers unmapped and answers them', async () => {
  if (!HAS_IPV6_LOOPBACK) return skipLoudly('UDP dual-stack', 'this machine has no IPv6 loopback (::1)');
  const rx = new Uint8Array(64);
  const seen = signal<string>();
  const back = signal<void>();
  const dual: NodeUdpSocket = new NodeUdpSocket({
    onReadable() {
      const n = dual.read(rx)!;
      seen.resolve(dual.remoteAddress!);
      dual.write(rx, dual.remoteAddress!, dual.remotePort!, n);
    },
  });
  const v4 = new NodeUdpSocket({ address: '127.0.0.1', onReadable: () => back.resolve() });
  try {
    await dual.bound;
    await v4.bound;
    v4.write(new Uint8Array([9, 9]), '127.0.0.1', dual.port);
    assert.is(await seen.wait(TIMEOUT, 'datagram at the dual-stack socket'), '127.0.0.1');
    await back.wait(TIMEOUT, 'answer from the dual-stack socket to an IPv4 peer');
    assert.is(v4.read(rx), 2);
  } finally {
    dual.close();
    v4.close();
  }
});

test('options are validated before a socket is taken; write checks its arguments', async () => {
  assert.throws(() => new NodeUdpSocket({ address: 'sip.example.com' }), /IP literal/);
  assert.throws(() => new NodeUdpSocket({ port: 70000 }), /port/);
  assert.throws(() => new NodeUdpSocket({ onReadable: 42 as never }), /function/);
  const s = new NodeUdpSocket({ address: '127.0.0.1' });
  try {
    await s.bound;
    assert.throws(() => s.write(new Uint8Array(1), 'example.com', 5060), /IP literal/);
    assert.throws(() => s.write(new Uint8Array(1), '::1', 5060), /IPv4 socket/);
    assert.throws(() => s.write(new Uint8Array(1), '127.0.0.1', 0), /port/);
    assert.throws(() => s.write(new Uint8Array(4), '127.0.0.1', 5060, 5), /byteLength/);
    assert.throws(() => s.write(new Uint8Array(70000), '127.0.0.1', 5060), /datagram/);
  } finally {
    s.close();
  }
});

test('bind failure arrives through onError with a reason; close is idempotent', async () => {
  const first = new NodeUdpSocket({ address: '127.0.0.1' });
  const failed = signal<string>();
  let second: NodeUdpSocket | undefined;
  try {
    await first.bound;
    second = new NodeUdpSocket({
      address: '127.0.0.1',
      port: first.port,
      onError(this: UdpSocket) { failed.resolve((this as NodeUdpSocket).error!.code); },
    });
    assert.is(await failed.wait(TIMEOUT, 'EADDRINUSE'), 'EADDRINUSE');
    assert.is(await second.bound, false);
  } finally {
    first.close();
    first.close();
    second?.close();
  }
  assert.throws(() => first.read(new Uint8Array(1)), /after close/);
  assert.throws(() => first.write(new Uint8Array(1), '127.0.0.1', 9), /after close/);
});

test.run();
