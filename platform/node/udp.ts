// ECMA-419 UDP socket (platform/host/socket.ts UdpSocket) over node:dgram.
//
// Node differences bridged here:
//   - dgram binds asynchronously, so `port` is only known once bound. The first onWritable
//     (count 1) marks that moment; `bound` resolves then (true) or after a bind failure (false).
//   - dgram keeps a reference to the buffer it sends until the send completes; the core reuses
//     one transmit buffer, so write() copies the datagram first.
//   - Without an `address` the socket is dual-stack ("::" with IPv6-only off) when the machine
//     has IPv6, so one socket reaches IPv4 and IPv6 peers; IPv4 peers are unmapped on read and
//     mapped on write (see addresses.ts).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { IpAddress, UdpSocket, UdpSocketOptions } from '../host/socket.js';
import { hostHasIpv6, ipFamily, isPort, mapIpv4, unmapIpv4 } from './addresses.js';
import { socketError, type SocketError } from './socket-error.js';

export interface NodeUdpConfig {
  /** Datagrams held for read() before new arrivals are dropped, like a full kernel buffer. */
  readonly maxQueued?: number;
  /** Dual-stack when no local address is given: 'auto' (if the machine has IPv6), true, false. */
  readonly ipv6?: boolean | 'auto';
}

const DEFAULT_MAX_QUEUED = 256;
// Largest UDP payload: 65535 − 8 (UDP header) − 20 (IPv4 header); IPv6 has no header in the count.
const MAX_PAYLOAD_V4 = 65507;
const MAX_PAYLOAD_V6 = 65527;

export class NodeUdpSocket implements UdpSocket {
  remoteAddress: IpAddress | undefined = undefined;
  remotePort: number | undefined = undefined;
  /** Why the last onError fired. */
  error: SocketError | undefined = undefined;
  /** Datagrams dropped because read() did not keep up. */
  dropped = 0;
  /** Resolves true once bound (`port` is then valid), false if binding failed. */
  readonly bound: Promise<boolean>;

  private readonly socket: Socket;
  private readonly options: UdpSocketOptions;
  private readonly dualStack: boolean;
  private readonly family: 4 | 6;
  private closed = false;
  private boundPort: number;
  // Ring of received datagrams: fixed capacity, no shifting.
  private readonly ringData: (Buffer | undefined)[];
  private readonly ringAddress: string[];
  private readonly ringPort: Int32Array;
  private ringHead = 0;
  private ringCount = 0;
  // Callbacks are flagged here and delivered from a microtask, never from inside a method.
  private pendingReadable = false;
  private pendingWritable = false;
  private pendingError = false;
  private flushQueued = false;
  private readonly flush = (): void => this.deliver();
  private readonly afterSend = (err: Error | null): void => {
    if (err && !this.closed) this.fail(err);
  };

  constructor(options: UdpSocketOptions, config: NodeUdpConfig = {}) {
    // Validate everything before taking the socket (ECMA-419 §8).
    if (options === null || typeof options !== 'object') throw new TypeError('UDP: options object required');
    const { address, port } = options;
    if (address !== undefined && (typeof address !== 'string' || ipFamily(address) === 0)) {
      throw new TypeError(`UDP: address must be an IP literal, got ${String(address)}`);
    }
    if (port !== undefined && !isPort(port, true)) throw new RangeError(`UDP: invalid port ${String(port)}`);
    for (const name of ['onReadable', 'onWritable', 'onError'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`UDP: ${name} must be a function`);
    }
    const maxQueued = config.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError('UDP: maxQueued must be a positive integer');

    this.options = options;
    this.boundPort = port ?? 0;
    const wantIpv6 = config.ipv6 === 'auto' || config.ipv6 === undefined ? hostHasIpv6() : config.ipv6;
    this.family = address !== undefined ? (ipFamily(address) as 4 | 6) : wantIpv6 ? 6 : 4;
    this.dualStack = address === undefined && this.family === 6;
    this.ringData = new Array<Buffer | undefined>(maxQueued);
    this.ringAddress = new Array<string>(maxQueued).fill('');
    this.ringPort = new Int32Array(maxQueued);

    this.socket = createSocket({ type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: false });
    this.socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.receive(msg, rinfo));
    this.socket.on('error', (err: Error) => this.fail(err));
    let settle: (ok: boolean) => void = () => {};
    this.bound = new Promise<boolean>((resolve) => { settle = resolve; });
    this.socket.once('listening', () => {
      this.boundPort = this.socket.address().port;
      settle(true);
      if (!this.closed) this.queue('writable');
    });
    this.socket.once('close', () => settle(false));
    this.socket.on('error', () => settle(false));
    this.socket.bind({
      port: port ?? 0,
      address: address ?? (this.family === 6 ? '::' : '0.0.0.0'),
      exclusive: true,
    });
  }

  /** The bound local port (the requested one, or 0, until the first onWritable). */
  get port(): number {
    return this.boundPort;
  }

  read(buffer: Uint8Array): number | undefined {
    if (this.closed) throw new Error('UDP: read after close');
    if (this.ringCount === 0) return undefined;
    const slot = this.ringHead;
    const data = this.ringData[slot]!;
    this.ringData[slot] = undefined;
    this.ringHead = (slot + 1) % this.ringData.length;
    this.ringCount--;
    const length = data.byteLength;
    // Truncate like MSG_TRUNC: copy what fits, return the full length.
    data.copy(buffer, 0, 0, length <= buffer.byteLength ? length : buffer.byteLength);
    this.remoteAddress = this.ringAddress[slot];
    this.remotePort = this.ringPort[slot];
    return length;
  }

  write(buffer: Uint8Array, address: IpAddress, port: number, byteLength?: number): void {
    if (this.closed) throw new Error('UDP: write after close');
    const length = byteLength ?? buffer.byteLength;
    if (!Number.isInteger(length) || length < 0 || length > buffer.byteLength) {
      throw new RangeError(`UDP: byteLength ${String(byteLength)} outside the buffer (${buffer.byteLength})`);
    }
    const family = typeof address === 'string' ? ipFamily(address) : 0;
    if (family === 0) throw new TypeError(`UDP: destination must be an IP literal, got ${String(address)}`);
    if (!isPort(port, false)) throw new RangeError(`UDP: invalid destination port ${String(port)}`);
    if (family === 6 && this.family === 4) throw new TypeError(`UDP: IPv4 socket cannot send to ${address}`);
    if (family === 4 && this.family === 6 && !this.dualStack) throw new TypeError(`UDP: IPv6-only socket cannot send to ${address}`);
    if (length > (family === 4 ? MAX_PAYLOAD_V4 : MAX_PAYLOAD_V6)) {
      throw new RangeError(`UDP: ${length} bytes do not fit in one datagram`);
    }
    const copy = Buffer.allocUnsafe(length);
    copy.set(length === buffer.byteLength ? buffer : buffer.subarray(0, length));
    const destination = family === 4 && this.family === 6 ? mapIpv4(address) : address;
    this.socket.send(copy, 0, length, port, destination, this.afterSend);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = 0; i < this.ringData.length; i++) this.ringData[i] = undefined;
    this.ringCount = 0;
    try {
      this.socket.close();
    } catch {
      // Already closed by a bind failure: nothing left to release.
    }
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    const capacity = this.ringData.length;
    if (this.ringCount === capacity) {
      this.dropped++;
      return;
    }
    const slot = (this.ringHead + this.ringCount) % capacity;
    this.ringData[slot] = msg;
    this.ringAddress[slot] = unmapIpv4(rinfo.address);
    this.ringPort[slot] = rinfo.port;
    this.ringCount++;
    this.queue('readable');
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.error = socketError(err, 'UDP');
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
    if (this.pendingWritable) {
      this.pendingWritable = false;
      if (!this.closed) this.options.onWritable?.call(this, 1);
    }
    if (this.pendingReadable) {
      this.pendingReadable = false;
      if (!this.closed && this.ringCount > 0) this.options.onReadable?.call(this, this.ringCount);
    }
    if (this.pendingError) {
      this.pendingError = false;
      const onError = this.options.onError as ((this: UdpSocket, error?: SocketError) => void) | undefined;
      if (!this.closed) onError?.call(this, this.error);
    }
  }
}
