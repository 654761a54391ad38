// Runs inside QuickJS on top of the shim: exercises every binding through `globalThis.host`
// (platform/host shapes) and leaves what it saw in `globalThis.__probe` for the test to read.
import type { HostBindings } from '../../platform/host/host.js';
import type { UdpSocket } from '../../platform/host/socket.js';

const host = (globalThis as unknown as { host: HostBindings }).host;

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}
function text(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const probe = {
  port: 0,
  writable: 0,
  received: [] as { text: string; length: number; from: string }[],
  emptyRead: 'not tried',
  fired: [] as { name: string; late: boolean }[],
  cancelledFired: false,
  wallTime: host.clock.wallTime?.() ?? -1,
  geometry: host.displayGeometry ?? null,
  errors: [] as string[],
};
(globalThis as unknown as { __probe: typeof probe }).__probe = probe;

const small = new Uint8Array(16);
// A transmit pool like the core's: datagrams are views into one larger buffer.
const pool = new Uint8Array(256);

const udp: UdpSocket = new host.network.UDP({
  address: '127.0.0.1',
  onWritable() {
    probe.writable++;
    probe.port = this.port;
  },
  onReadable(count) {
    for (let i = 0; i < count; i++) {
      const n = this.read(small);
      if (n === undefined) break;
      const seen = text(small, Math.min(n, small.length));
      probe.received.push({ text: seen, length: n, from: `${this.remoteAddress}:${this.remotePort}` });
      // Echo "echo:<what fitted>" from the middle of the pool, with the byteLength extension.
      const reply = ascii(`echo:${seen}`);
      pool.set(reply, 100);
      this.write(pool.subarray(100), this.remoteAddress!, this.remotePort!, reply.length);
    }
    probe.emptyRead = String(this.read(small));
  },
});

// Timers scheduled out of order must fire in deadline order, each no earlier than asked.
const t0 = host.clock.now();
for (const [name, delay] of [['third', 90], ['first', 30], ['second', 60]] as const) {
  const timer = new host.Timer({
    onExpired(now) {
      probe.fired.push({ name, late: now >= t0 + delay });
      this.close();
    },
  });
  timer.schedule(t0 + 500);
  timer.schedule(t0 + delay); // replaces the first schedule
}
const cancelled = new host.Timer({ onExpired() { probe.cancelledFired = true; } });
cancelled.schedule(t0 + 10);
cancelled.cancel();

try {
  udp.write(ascii('x'), '127.0.0.1', 0);
} catch (e) {
  probe.errors.push(String((e as Error).message));
}

host.lamps!.setLamp('led.mwi', { pattern: 'slow-blink', color: 'red', onMs: 1000, offMs: 1000 });
host.lamps!.setLamp('led.blf.0', { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 });
host.display!.showLines(['Alice', 'registered']);
host.log?.('info', 'bindings probe started');
