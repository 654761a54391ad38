// A small test-side host loop that runs one UserAgent on a node:dgram socket (127.0.0.1), in the
// order core/ua/README.md documents: after every input or command, drain pollTransmit, re-arm
// one timer at pollTimeout, drain pollEvent. Every wait the tests do here is bounded.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { UserAgent, Outgoing, type UaConfig, type UaEvent } from '../../core/ua/index.js';

const HOST = '127.0.0.1';

export class UdpUaHost {
  readonly events: UaEvent[] = [];
  readonly wire: string[] = [];
  ua!: UserAgent;
  port = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly out = new Outgoing();
  private readonly waiters: { pred: (e: UaEvent) => boolean; resolve: (e: UaEvent) => void }[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket, readonly name: string) {}

  static async open(name: string, config: (port: number) => Omit<UaConfig, 'random'>): Promise<UdpUaHost> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(0, HOST, () => resolve()); });
    const host = new UdpUaHost(socket, name);
    host.port = socket.address().port;
    host.ua = new UserAgent({ random: () => randomInt(0, 1 << 30) / (1 << 30), ...config(host.port) });
    socket.on('message', (msg, rinfo) => {
      if (host.closed) return;
      host.wire.push(`<< ${msg.toString('utf8').split('\r\n')[0]}`);
      host.ua.handleDatagram(msg, 0, msg.length, { transport: 'udp', address: rinfo.address, port: rinfo.port }, host.now());
      host.drain();
    });
    socket.on('error', () => { /* reported per send through handleSendFailed */ });
    return host;
  }

  now(): number {
    return performance.now();
  }

  /** Run a command and then the drain step. */
  run<T>(command: (ua: UserAgent, now: number) => T): T {
    const r = command(this.ua, this.now());
    this.drain();
    return r;
  }

  drain(): void {
    if (this.closed) return;
    const out = this.out;
    while (this.ua.pollTransmit(out)) {
      const token = out.token;
      // Copy: the UA's buffer may be reused once the transaction ends, and dgram sends asynchronously.
      const bytes = Buffer.from(out.bytes.subarray(out.off, out.off + out.len));
      this.wire.push(`>> ${bytes.toString('utf8').split('\r\n')[0]}`);
      this.socket.send(bytes, out.endpoint.port, out.endpoint.address, (err) => {
        if (err && !this.closed) { this.ua.handleSendFailed(token, this.now()); this.drain(); }
      });
    }
    const at = this.ua.pollTimeout();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(at)) {
      this.timer = setTimeout(() => { this.timer = undefined; if (!this.closed) { this.ua.handleTimeout(this.now()); this.drain(); } }, Math.max(0, Math.ceil(at - this.now())));
    }
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) {
      this.events.push(e);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.pred(e)) { this.waiters.splice(i, 1); w.resolve(e); }
      }
    }
  }

  /** Resolves with the first event (already seen since `sinceIndex`, or future) matching; rejects after timeoutMs. */
  waitFor<K extends UaEvent['kind']>(kind: K, pred: (e: Extract<UaEvent, { kind: K }>) => boolean, timeoutMs: number, sinceIndex = 0): Promise<Extract<UaEvent, { kind: K }>> {
    const match = (e: UaEvent): e is Extract<UaEvent, { kind: K }> => e.kind === kind && pred(e as Extract<UaEvent, { kind: K }>);
    for (let i = sinceIndex; i < this.events.length; i++) { const e = this.events[i]!; if (match(e)) return Promise.resolve(e); }
    return new Promise((resolve, reject) => {
      const waiter = { pred: match, resolve: (e: UaEvent) => { clearTimeout(t); resolve(e as Extract<UaEvent, { kind: K }>); } };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no ${kind} event within ${timeoutMs} ms; events: ${JSON.stringify(this.events.slice(-12), (_k, v) => v instanceof Uint8Array ? `<${v.length} bytes>` : v)}\nwire: ${this.wire.slice(-16).join('\n')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  mark(): number {
    return this.events.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket.close();
  }
}
