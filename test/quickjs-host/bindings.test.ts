// The QuickJS host's bindings round-trip: a script inside QuickJS, written against platform/host
// only, echoes UDP datagrams from a real node:dgram socket on loopback (truncation, sender,
// byteLength extension), its timers fire in deadline order, and its lamps and display reach the
// Node-side sinks; a TCP client talks to a node:net server. Every handle is disposed at the end
// (a leak would abort the process).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bundleForEngine } from '../support/quickjs.js';
import { QuickJsHost } from '../../platform/quickjs/index.js';
import { waitUntil } from './wait.js';

const ENTRY = fileURLToPath(new URL('./bindings-entry.ts', import.meta.url));

interface Probe {
  port: number;
  writable: number;
  received: { text: string; length: number; from: string }[];
  emptyRead: string;
  fired: { name: string; late: boolean }[];
  cancelledFired: boolean;
  wallTime: number;
  geometry: { rows: number; cols: number } | null;
  errors: string[];
}

test('UDP echo, timers in order, lamps and display through the shim', async () => {
  const host = await QuickJsHost.create({ display: { rows: 4, cols: 20 } });
  let peer: Socket | undefined;
  try {
    host.evalScript(await bundleForEngine(ENTRY), 'bindings-entry.js');
    const probe = (): Probe => host.evalJson<Probe>('globalThis.__probe');
    await waitUntil(() => probe().port > 0, 2000, 'the socket to bind');
    assert.is(probe().writable, 1, 'onWritable once when bound');
    assert.equal(probe().errors.length, 1, 'write to port 0 throws inside the engine');
    assert.match(probe().errors[0]!, /port/);

    const replies: string[] = [];
    const p = createSocket('udp4');
    peer = p;
    await new Promise<void>((resolve) => p.bind(0, '127.0.0.1', () => resolve()));
    p.on('message', (msg) => replies.push(msg.toString('latin1')));
    const port = probe().port;
    p.send(Buffer.from('hello'), port, '127.0.0.1');
    p.send(Buffer.from('a datagram longer than sixteen bytes'), port, '127.0.0.1');
    await waitUntil(() => replies.length === 2, 2000, () => `two echoes, got ${JSON.stringify(replies)}`);
    assert.equal(replies, ['echo:hello', 'echo:a datagram longe']);
    const seen = probe().received;
    assert.is(seen[0]!.length, 5);
    assert.is(seen[1]!.length, 36, 'read() returns the full length of a truncated datagram');
    assert.is(seen[0]!.from, `127.0.0.1:${p.address().port}`);
    assert.is(probe().emptyRead, 'undefined', 'read() with nothing waiting');

    await waitUntil(() => probe().fired.length === 3, 2000, 'three timers');
    await new Promise((r) => setTimeout(r, 50));
    const fired = probe().fired;
    assert.equal(fired.map((f) => f.name), ['first', 'second', 'third']);
    assert.ok(fired.every((f) => f.late), 'no timer fires before its instant');
    assert.is(probe().cancelledFired, false, 'a cancelled timer stays quiet');

    assert.equal(host.lamps.get('led.mwi'), { pattern: 'slow-blink', color: 'red', onMs: 1000, offMs: 1000 });
    assert.equal(host.lamps.get('led.blf.0'), { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 });
    assert.equal(host.displayLines, ['Alice', 'registered']);
    assert.equal(probe().geometry, { rows: 4, cols: 20 });
    assert.ok(probe().wallTime > 1.6e12, 'wall time in epoch ms');
    assert.ok(host.logs.some((l) => l.level === 'info' && l.message === 'bindings probe started'));
    assert.equal(host.errors, [], 'no exception escaped a callback');
    assert.ok(host.heapEmpty > 0 && host.memoryUsed() > host.heapEmpty);
  } finally {
    peer?.close();
    host.dispose();
  }
});

test('TCP through the shim: connect, all-or-nothing write, reads in pieces, the peer closing is onError', async () => {
  const received: Buffer[] = [];
  let server: Server | undefined;
  const host = await QuickJsHost.create();
  try {
    const srv = createServer((conn) => {
      conn.on('data', (d) => {
        received.push(d);
        // Answer once the request is whole, then close: the engine sees the bytes, then onError.
        if (Buffer.concat(received).toString('latin1').endsWith('\n')) conn.end('pong from node: 24 bytes');
      });
    });
    server = srv;
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    const port = (srv.address() as { port: number }).port;
    host.evalScript(`
      globalThis.__tcp = { writable: [], text: '', reads: 0, errors: 0, remote: '', left: -1, tooBig: '' };
      const t = globalThis.__tcp;
      const small = new Uint8Array(8);
      const sock = new host.network.TCP({
        address: '127.0.0.1', port: ${port},
        onWritable(count) {
          t.writable.push(count);
          if (t.writable.length === 1) {
            try { this.write(new Uint8Array(count + 1)); } catch (e) { t.tooBig = String(e.message); }
            const pool = new Uint8Array(64);
            const req = 'ping from quickjs\\n';
            for (let i = 0; i < req.length; i++) pool[10 + i] = req.charCodeAt(i);
            t.left = this.write(pool.subarray(10), req.length);
          }
        },
        onReadable(count) {
          for (let n = this.read(small); n > 0; n = this.read(small)) {
            t.reads++;
            for (let i = 0; i < n; i++) t.text += String.fromCharCode(small[i]);
          }
        },
        onError() { t.errors++; this.close(); },
      });
      t.remote = sock.remoteAddress + ':' + sock.remotePort;
    `, 'tcp.js');
    type Tcp = { writable: number[]; text: string; reads: number; errors: number; remote: string; left: number; tooBig: string };
    const tcp = (): Tcp => host.evalJson<Tcp>('globalThis.__tcp');
    await waitUntil(() => tcp().errors === 1, 3000, () => `the peer's close: ${JSON.stringify(tcp())}`);
    assert.is(Buffer.concat(received).toString('latin1'), 'ping from quickjs\n');
    assert.is(tcp().text, 'pong from node: 24 bytes', 'every byte before the close was read');
    assert.ok(tcp().reads >= 3, 'read in 8-byte pieces');
    assert.is(tcp().remote, `127.0.0.1:${port}`);
    assert.ok(tcp().writable[0]! > 0, 'the first onWritable (connected) reports free space');
    // Loopback usually takes the bytes at once, so the space left may be all of it again.
    assert.ok(tcp().left > 0 && tcp().left <= tcp().writable[0]!, 'write returns the space left');
    assert.match(tcp().tooBig, /do not fit/, 'a write larger than the free space throws, nothing is sent');
    assert.equal(host.errors, []);
  } finally {
    host.dispose();
    server?.close();
  }
});

test('an exception in a callback is recorded, the host keeps running', async () => {
  const host = await QuickJsHost.create();
  try {
    host.evalScript(`
      globalThis.__n = 0;
      new host.Timer({ onExpired() { globalThis.__n++; throw new Error('boom in a timer'); } }).schedule(host.clock.now());
      const t = new host.Timer({ onExpired() { globalThis.__n++; } }); t.schedule(host.clock.now() + 20);
    `, 'throwing.js');
    await waitUntil(() => host.evalJson<number>('globalThis.__n') === 2, 2000, 'both timers');
    assert.is(host.errors.length, 1);
    assert.match(host.errors[0]!, /boom in a timer/);
  } finally {
    host.dispose();
  }
});

test.run();
