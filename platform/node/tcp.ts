// ECMA-419 TCP socket and listener (platform/host/socket.ts TcpSocket, TcpListener) over
// node:net. node:tls sockets reuse the same class (tls.ts) because they are net.Sockets too.
//
// Node differences bridged here:
//   - A Node stream buffers writes without limit; ECMA-419 writes are all-or-nothing against the
//     free space the last onWritable reported. Free space is modelled as `writeCapacity` minus
//     what Node still holds unsent (`writableLength`): once the kernel's send buffer is full,
//     Node's queue grows, free space shrinks to 0, and write() refuses; each completed Node write
//     that frees space queues onWritable(free). The first onWritable means "connected".
//   - Reads: 'data' chunks are queued and copied into the caller's buffer by read(). Past
//     `readCapacity` unread bytes the socket is paused, so a slow reader pushes back on the peer
//     through TCP flow control instead of growing memory.
//   - Node may emit events synchronously from inside write() (nodejs/node#24111); every callback
//     is therefore flagged and delivered from a microtask, so none runs inside a method.
//   - A clean close by the peer and every failure arrive as one onError (the host interface's
//     rule); bytes that arrived before the close are reported (onReadable) first.
import { connect, createServer, Socket, type Server } from 'node:net';
import type {
  IpAddress, TcpListener, TcpListenerOptions, TcpSocket, TcpSocketOptions,
} from '../host/socket.js';
import { ipFamily, isPort, unmapIpv4 } from './addresses.js';
import { closedByPeer, socketError, type SocketError } from './socket-error.js';

export interface NodeTcpConfig {
  /** Bytes a socket accepts beyond what the kernel took (the free space onWritable reports). */
  readonly writeCapacity?: number;
  /** Unread bytes held before the socket stops reading from the kernel. */
  readonly readCapacity?: number;
  /** A connection attempt still pending after this long fails with ETIMEDOUT. */
  readonly connectTimeoutMs?: number;
  /** After close(), how long unsent bytes may take to drain before the socket is torn down. */
  readonly lingerMs?: number;
}

const DEFAULTS = { writeCapacity: 64 * 1024, readCapacity: 64 * 1024, connectTimeoutMs: 15_000, lingerMs: 2_000 };

/** The opaque handle TcpListener.read() returns, for TcpSocketOptions.from. */
export class AcceptedConnection {
  taken = false;
  constructor(readonly socket: Socket) {}
}

/** How a subclass (TLS) opens its connection; `readyEvent` is the event meaning "usable". */
export interface Connector {
  readonly label: string;
  /** The name the peer is checked against (TLS), for error messages. */
  readonly peerName?: string;
  open(options: TcpSocketOptions & { address: string; port: number }): Socket;
  readonly readyEvent: 'connect' | 'secureConnect';
}

const PLAIN: Connector = {
  label: 'TCP',
  readyEvent: 'connect',
  open: (o) => connect({ host: o.address, port: o.port, noDelay: o.noDelay === true, autoSelectFamily: false }),
};

type State = 'connecting' | 'open' | 'failed' | 'closed';

export class NodeTcpSocket implements TcpSocket {
  /** Why the last onError fired. */
  error: SocketError | undefined = undefined;
  remoteAddress: IpAddress | undefined;
  remotePort: number | undefined;

  protected readonly socket: Socket;
  private readonly options: TcpSocketOptions;
  private readonly label: string;
  private readonly peerName: string | undefined;
  private readonly writeCapacity: number;
  private readonly readCapacity: number;
  private readonly lingerMs: number;
  private state: State = 'connecting';
  private readonly chunks: Buffer[] = [];
  private headOffset = 0;
  private queuedBytes = 0;
  private paused = false;
  /** Free space the host was last told about (onWritable or write's return value). */
  private advertised = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private pendingReadable = false;
  private pendingWritable = false;
  private pendingError = false;
  private errorDelivered = false;
  private flushQueued = false;
  private readonly flush = (): void => this.deliver();
  private readonly afterWrite = (): void => {
    if (this.state === 'open' && this.free() > this.advertised) this.queue('writable');
  };

  constructor(options: TcpSocketOptions, config: NodeTcpConfig = {}, connector: Connector = PLAIN) {
    if (options === null || typeof options !== 'object') throw new TypeError(`${connector.label}: options object required`);
    const label = connector.label;
    for (const name of ['onReadable', 'onWritable', 'onError'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`${label}: ${name} must be a function`);
    }
    if (options.noDelay !== undefined && typeof options.noDelay !== 'boolean') throw new TypeError(`${label}: noDelay must be a boolean`);
    if (options.keepAlive !== undefined && !(typeof options.keepAlive === 'number' && options.keepAlive >= 0)) {
      throw new RangeError(`${label}: keepAlive must be milliseconds`);
    }
    const from = options.from;
    if (from !== undefined) {
      if (!(from instanceof AcceptedConnection)) throw new TypeError(`${label}: from must come from TcpListener.read()`);
      if (from.taken) throw new Error(`${label}: this connection was already adopted`);
      if (connector !== PLAIN) throw new TypeError(`${label}: adopting an accepted connection is plain TCP only`);
    } else {
      if (typeof options.address !== 'string' || ipFamily(options.address) === 0) {
        throw new TypeError(`${label}: address must be an IP literal, got ${String(options.address)}`);
      }
      if (!isPort(options.port, false)) throw new RangeError(`${label}: invalid port ${String(options.port)}`);
    }
    const writeCapacity = config.writeCapacity ?? DEFAULTS.writeCapacity;
    const readCapacity = config.readCapacity ?? DEFAULTS.readCapacity;
    if (!(writeCapacity > 0) || !(readCapacity > 0)) throw new RangeError(`${label}: capacities must be positive`);

    this.options = options;
    this.label = label;
    this.peerName = connector.peerName;
    this.writeCapacity = writeCapacity;
    this.readCapacity = readCapacity;
    this.lingerMs = config.lingerMs ?? DEFAULTS.lingerMs;

    if (from instanceof AcceptedConnection) {
      from.taken = true;
      this.socket = from.socket;
      this.attach();
      this.remoteAddress = this.socket.remoteAddress !== undefined ? unmapIpv4(this.socket.remoteAddress) : undefined;
      this.remotePort = this.socket.remotePort;
      this.opened();
      // The listener accepted it paused (pauseOnConnect) so no byte is lost before adoption.
      this.socket.resume();
    } else {
      this.remoteAddress = options.address;
      this.remotePort = options.port;
      this.socket = connector.open(options as TcpSocketOptions & { address: string; port: number });
      this.attach();
      this.socket.once(connector.readyEvent, () => this.opened());
      const timeoutMs = config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
      this.connectTimer = setTimeout(() => {
        if (this.state !== 'connecting') return;
        this.fail(Object.assign(new Error(`no connection after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
        this.socket.destroy();
      }, timeoutMs);
      this.connectTimer.unref();
    }
    if (options.keepAlive !== undefined && options.keepAlive > 0) this.socket.setKeepAlive(true, options.keepAlive);
    if (options.noDelay === true) this.socket.setNoDelay(true);
  }

  read(buffer: Uint8Array): number {
    if (this.state === 'closed') throw new Error(`${this.label}: read after close`);
    const want = buffer.byteLength;
    let copied = 0;
    while (copied < want && this.chunks.length > 0) {
      const head = this.chunks[0]!;
      const available = head.byteLength - this.headOffset;
      const n = available <= want - copied ? available : want - copied;
      head.copy(buffer, copied, this.headOffset, this.headOffset + n); // no view allocated
      copied += n;
      this.headOffset += n;
      if (this.headOffset === head.byteLength) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    }
    this.queuedBytes -= copied;
    // Resume below half capacity so reads and arrivals do not alternate byte by byte.
    if (this.paused && this.queuedBytes <= this.readCapacity / 2 && this.state !== 'failed') {
      this.paused = false;
      this.socket.resume();
    }
    return copied;
  }

  write(buffer: Uint8Array, byteLength?: number): number {
    if (this.state === 'closed') throw new Error(`${this.label}: write after close`);
    const length = byteLength ?? buffer.byteLength;
    if (!Number.isInteger(length) || length < 0 || length > buffer.byteLength) {
      throw new RangeError(`${this.label}: byteLength ${String(byteLength)} outside the buffer (${buffer.byteLength})`);
    }
    if (this.state !== 'open') {
      throw new Error(`${this.label}: not connected (${this.state === 'connecting' ? 'wait for the first onWritable' : this.error?.message ?? 'failed'})`);
    }
    const free = this.free();
    if (length > free) throw new RangeError(`${this.label}: ${length} bytes do not fit in the ${free} bytes free`);
    if (length > 0) {
      // Node keeps a reference until the bytes reach the kernel; the caller reuses its buffer.
      const copy = Buffer.allocUnsafe(length);
      copy.set(length === buffer.byteLength ? buffer : buffer.subarray(0, length));
      this.socket.write(copy, this.afterWrite);
    }
    this.advertised = this.free();
    return this.advertised;
  }

  close(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.chunks.length = 0;
    this.queuedBytes = 0;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (!wasOpen || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    // Let queued bytes (a final REGISTER with Expires: 0) reach the peer, then FIN; tear down
    // once that is done or after lingerMs. Reading continues (discarding) so the peer's FIN is seen.
    this.socket.once('finish', () => this.socket.destroy());
    this.socket.end();
    this.socket.resume();
    setTimeout(() => this.socket.destroy(), this.lingerMs).unref();
  }

  private attach(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.state === 'closed') return;
      this.chunks.push(chunk);
      this.queuedBytes += chunk.byteLength;
      if (this.queuedBytes >= this.readCapacity && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.queue('readable');
    });
    socket.on('end', () => this.fail(undefined));
    // An 'error' listener must stay for the socket's whole life, or Node throws the error.
    socket.on('error', (err: Error) => this.fail(err));
    socket.on('close', () => this.fail(undefined));
  }

  private describePeer(): string {
    const address = this.remoteAddress?.includes(':') ? `[${this.remoteAddress}]` : this.remoteAddress;
    const where = `${address}:${this.remotePort}`;
    return this.peerName !== undefined && this.peerName !== this.remoteAddress
      ? `${this.label} to ${this.peerName} (${where})` : `${this.label} to ${where}`;
  }

  private opened(): void {
    if (this.state !== 'connecting') return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.state = 'open';
    this.queue('writable');
  }

  private free(): number {
    const free = this.writeCapacity - this.socket.writableLength;
    return free > 0 ? free : 0;
  }

  /** err undefined: the peer closed (FIN) or the socket closed without an error of its own. */
  private fail(err: unknown): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.state = 'failed';
    this.error = err === undefined ? closedByPeer(this.label) : socketError(err, this.describePeer());
    this.queue('error');
  }

  private queue(kind: 'readable' | 'writable' | 'error'): void {
    if (kind === 'readable') this.pendingReadable = true;
    else if (kind === 'writable') this.pendingWritable = true;
    else this.pendingError = true;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
  }

  private deliver(): void {
    this.flushQueued = false;
    // Order: bytes that arrived, then space to write, then the end of the connection.
    if (this.pendingReadable) {
      this.pendingReadable = false;
      if (this.state !== 'closed' && this.queuedBytes > 0) this.options.onReadable?.call(this, this.queuedBytes);
    }
    if (this.pendingWritable) {
      this.pendingWritable = false;
      if (this.state === 'open') {
        this.advertised = this.free();
        this.options.onWritable?.call(this, this.advertised);
      }
    }
    if (this.pendingError) {
      this.pendingError = false;
      if (this.state === 'failed' && !this.errorDelivered) {
        this.errorDelivered = true;
        const onError = this.options.onError as ((this: TcpSocket, error?: SocketError) => void) | undefined;
        onError?.call(this, this.error);
      }
    }
  }
}

export class NodeTcpListener implements TcpListener {
  error: SocketError | undefined = undefined;
  /** Resolves true once listening (`port` is then valid), false if binding failed. */
  readonly bound: Promise<boolean>;

  private readonly server: Server;
  private readonly options: TcpListenerOptions;
  private readonly waiting: AcceptedConnection[] = [];
  private closed = false;
  private boundPort: number;
  private pendingReadable = false;
  private pendingError = false;
  private flushQueued = false;
  private readonly flush = (): void => this.deliver();

  constructor(options: TcpListenerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('TCPListener: options object required');
    if (!isPort(options.port, true)) throw new RangeError(`TCPListener: invalid port ${String(options.port)}`);
    if (options.address !== undefined && (typeof options.address !== 'string' || ipFamily(options.address) === 0)) {
      throw new TypeError(`TCPListener: address must be an IP literal, got ${String(options.address)}`);
    }
    for (const name of ['onReadable', 'onError'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`TCPListener: ${name} must be a function`);
    }
    this.options = options;
    this.boundPort = options.port;
    // pauseOnConnect: nothing is read until a TcpSocket adopts the connection.
    this.server = createServer({ pauseOnConnect: true, noDelay: false });
    this.server.on('connection', (socket: Socket) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      socket.on('error', () => {}); // until adopted; the adopting TcpSocket adds its own
      this.waiting.push(new AcceptedConnection(socket));
      this.queue('readable');
    });
    let settle: (ok: boolean) => void = () => {};
    this.bound = new Promise<boolean>((resolve) => { settle = resolve; });
    this.server.on('error', (err: Error) => {
      settle(false);
      if (this.closed) return;
      this.error = socketError(err, 'TCPListener');
      this.queue('error');
    });
    this.server.once('listening', () => {
      const address = this.server.address();
      if (address !== null && typeof address === 'object') this.boundPort = address.port;
      settle(true);
    });
    this.server.listen({ port: options.port, host: options.address, exclusive: true });
  }

  /** The listening port (the requested one until `bound` resolves). Node extension. */
  get port(): number {
    return this.boundPort;
  }

  read(): unknown {
    if (this.closed) throw new Error('TCPListener: read after close');
    return this.waiting.shift();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.waiting) c.socket.destroy();
    this.waiting.length = 0;
    this.server.close();
  }

  private queue(kind: 'readable' | 'error'): void {
    if (kind === 'readable') this.pendingReadable = true;
    else this.pendingError = true;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
  }

  private deliver(): void {
    this.flushQueued = false;
    if (this.pendingReadable) {
      this.pendingReadable = false;
      if (!this.closed && this.waiting.length > 0) this.options.onReadable?.call(this, this.waiting.length);
    }
    if (this.pendingError) {
      this.pendingError = false;
      const onError = this.options.onError as ((this: TcpListener, error?: SocketError) => void) | undefined;
      if (!this.closed) onError?.call(this, this.error);
    }
  }
}
