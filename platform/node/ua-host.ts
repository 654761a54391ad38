// The Node host loop for one UserAgent (issue #3 part 7): a UDP socket and a TCP listener on the
// same local port (our Via sent-by and Contact), outgoing TCP/TLS connections opened on demand
// per destination, one timer re-armed at pollTimeout. It follows core/ua/README.md: after every
// input or command, drain pollTransmit → pollTimeout → pollEvent. TLS verifies the server
// certificate by default (node:tls rejectUnauthorized), with the target host as SNI.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { UserAgent, Outgoing, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';

export interface NodeUaHostOptions {
  /** Local address to bind and advertise (default 127.0.0.1). */
  readonly address?: string;
  /** Local port (default: ephemeral; the same number is used for UDP and TCP). */
  readonly port?: number;
  /** Extra TLS options for outgoing TLS flows (CA, client certificate). */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
  /** Called for every event after the UA emitted it. */
  readonly onEvent?: (event: UaEvent) => void;
  /** Called with the first line of every message sent ('>>') or received ('<<'), for logs. */
  readonly onWire?: (direction: '>>' | '<<', firstLine: string) => void;
}

function firstLine(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && end < 200 && bytes[end] !== 13 && bytes[end] !== 10) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}

const keyOf = (ep: Endpoint) => `${ep.transport}:${ep.address}:${ep.port}`;

export class NodeUaHost {
  ua!: UserAgent;
  port = 0;
  address: string;
  private udp: UdpSocket | null = null;
  private server: Server | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly out = new Outgoing();
  private readonly flows = new Map<string, Socket>();
  private closed = false;
  private readonly options: NodeUaHostOptions;

  private constructor(options: NodeUaHostOptions) {
    this.options = options;
    this.address = options.address ?? '127.0.0.1';
  }

  /** Binds the sockets, then builds the UA with our port filled in. */
  static async start(options: NodeUaHostOptions, config: (local: { address: string; port: number }) => Omit<UaConfig, 'random'>): Promise<NodeUaHost> {
    const host = new NodeUaHost(options);
    const udp = createSocket(host.address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(options.port ?? 0, host.address, () => resolve()); });
    host.udp = udp;
    host.port = udp.address().port;
    const server = createServer();
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(host.port, host.address, () => resolve()); });
    host.server = server;
    host.ua = new UserAgent({ random: () => randomInt(0, 1 << 30) / (1 << 30), ...config({ address: host.address, port: host.port }) });
    udp.on('message', (msg, rinfo) => {
      if (host.closed) return;
      options.onWire?.('<<', firstLine(msg));
      host.ua.handleDatagram(msg, 0, msg.length, { transport: 'udp', address: rinfo.address, port: rinfo.port }, host.now());
      host.drain();
    });
    udp.on('error', () => { /* send failures are reported per datagram */ });
    server.on('connection', (socket) => {
      host.attach(socket, { transport: 'tcp', address: socket.remoteAddress ?? host.address, port: socket.remotePort ?? 0 });
    });
    return host;
  }

  now(): number {
    return performance.now();
  }

  /** Runs a command against the UA, then drains its outputs. */
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
      // Copied: sockets send asynchronously and the UA may reuse its buffer.
      const bytes = Buffer.from(out.bytes.subarray(out.off, out.off + out.len));
      this.options.onWire?.('>>', firstLine(bytes));
      const failed = (err: Error | null | undefined) => {
        if (err && !this.closed) { this.ua.handleSendFailed(token, this.now()); this.drain(); }
      };
      if (ep.transport === 'udp') {
        this.udp!.send(bytes, ep.port, ep.address, failed);
      } else {
        this.flowTo(ep).write(bytes, failed);
      }
    }
    const at = this.ua.pollTimeout();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(at)) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.closed) return;
        this.ua.handleTimeout(this.now());
        this.drain();
      }, Math.max(0, Math.ceil(at - this.now())));
    }
    for (let e = this.ua.pollEvent(); e !== undefined; e = this.ua.pollEvent()) this.options.onEvent?.(e);
  }

  private flowTo(ep: Endpoint): Socket {
    const existing = this.flows.get(keyOf(ep));
    if (existing) return existing;
    const socket = ep.transport === 'tls' || ep.transport === 'wss'
      ? tlsConnect({ host: ep.address, port: ep.port, servername: /^[\d.]+$|:/.test(ep.address) ? undefined : ep.address, ...this.options.tls })
      : connect(ep.port, ep.address);
    this.attach(socket, ep);
    return socket;
  }

  private attach(socket: Socket, flow: Endpoint): void {
    this.flows.set(keyOf(flow), socket);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.options.onWire?.('<<', firstLine(chunk));
      this.ua.handleStream(flow, chunk, 0, chunk.length, this.now());
      this.drain();
    });
    socket.on('error', () => { /* 'close' follows and reports the flow */ });
    socket.on('close', () => {
      if (this.flows.get(keyOf(flow)) === socket) this.flows.delete(keyOf(flow));
      if (this.closed) return;
      this.ua.handleFlowClosed(flow, this.now());
      this.drain();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.flows.values()) s.destroy();
    this.flows.clear();
    this.udp?.close();
    this.server?.close();
  }
}
