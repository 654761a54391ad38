// The TCP flavour of the test-side host loop: one listening socket (its port is our Via sent-by
// and Contact, so the server connects to it for requests it sends us), outgoing connections
// opened on demand per destination, every flow's bytes fed to handleStream, closes reported with
// handleFlowClosed, failed writes/connects with handleSendFailed. Same drain order as udp-host.ts.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { UserAgent, Outgoing, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';

const HOST = '127.0.0.1';
const keyOf = (ep: Endpoint) => `${ep.address}:${ep.port}`;

export class TcpUaHost {
  readonly events: UaEvent[] = [];
  readonly wire: string[] = [];
  ua!: UserAgent;
  port = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly out = new Outgoing();
  private readonly flows = new Map<string, Socket>();
  private readonly waiters: { pred: (e: UaEvent) => boolean; resolve: (e: UaEvent) => void }[] = [];
  private closed = false;

  private constructor(private readonly server: Server, readonly name: string) {}

  static async open(name: string, config: (port: number) => Omit<UaConfig, 'random'>): Promise<TcpUaHost> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, HOST, () => resolve()); });
    const host = new TcpUaHost(server, name);
    const addr = server.address();
    host.port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    host.ua = new UserAgent({ random: () => randomInt(0, 1 << 30) / (1 << 30), transport: 'tcp', ...config(host.port) });
    server.on('connection', (socket) => {
      const flow: Endpoint = { transport: 'tcp', address: socket.remoteAddress ?? HOST, port: socket.remotePort ?? 0 };
      host.attach(socket, flow);
    });
    return host;
  }

  private attach(socket: Socket, flow: Endpoint): void {
    this.flows.set(keyOf(flow), socket);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.wire.push(`<< ${chunk.toString('utf8').split('\r\n')[0]}`);
      this.ua.handleStream(flow, chunk, 0, chunk.length, this.now());
      this.drain();
    });
    socket.on('error', () => { /* 'close' follows */ });
    socket.on('close', () => {
      if (this.flows.get(keyOf(flow)) === socket) this.flows.delete(keyOf(flow));
      if (this.closed) return;
      this.wire.push(`-- closed ${keyOf(flow)}`);
      this.ua.handleFlowClosed(flow, this.now());
      this.drain();
    });
  }

  now(): number {
    return performance.now();
  }

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
      const ep = out.endpoint;
      const bytes = Buffer.from(out.bytes.subarray(out.off, out.off + out.len));
      this.wire.push(`>> ${bytes.toString('utf8').split('\r\n')[0]}`);
      let socket = this.flows.get(keyOf(ep));
      if (socket === undefined) {
        socket = connect(ep.port, ep.address);
        this.attach(socket, { transport: 'tcp', address: ep.address, port: ep.port });
      }
      socket.write(bytes, (err) => {
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
    for (const s of this.flows.values()) s.destroy();
    this.flows.clear();
    this.server.close();
  }
}
