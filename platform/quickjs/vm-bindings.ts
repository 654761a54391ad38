// Inside the engine: the shim that turns the flat native functions (native.ts) into HostBindings
// (platform/host), so SDK code written against platform/host runs unchanged in QuickJS. Plain
// ES2022, no host globals: this file is bundled into the engine (vm-shim-entry.ts), never run by
// Node directly except in type checks.
//
// Callbacks: the native side calls the one dispatcher from its event loop; the dispatcher finds
// the socket or timer by id and calls its `on…` with `this` = the object (ECMA-419 §8).
import type { Clock, Timer, TimerOptions } from '../host/clock.js';
import type { HostBindings, LogLevel } from '../host/host.js';
import type { IpAddress, TcpSocket, TcpSocketOptions, UdpSocket, UdpSocketOptions } from '../host/socket.js';
import type { LampState } from '../../core/indicators/frame.js';
import { NativeEvent, type QuickJsNative } from './native.js';

const MAX_UDP_PAYLOAD = 65507;

function isPort(value: unknown, allowZero: boolean): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= (allowZero ? 0 : 1) && value <= 65535;
}

export function quickJsHostBindings(native: QuickJsNative): HostBindings {
  const sockets = new Map<number, QuickJsUdpSocket | QuickJsTcpSocket>();
  const timers = new Map<number, QuickJsTimer>();

  class QuickJsUdpSocket implements UdpSocket {
    remoteAddress: IpAddress | undefined = undefined;
    remotePort: number | undefined = undefined;
    private readonly id: number;
    private readonly options: UdpSocketOptions;
    private closed = false;

    constructor(options: UdpSocketOptions) {
      // Validate before taking the socket (ECMA-419 §8).
      if (options === null || typeof options !== 'object') throw new TypeError('UDP: options object required');
      if (options.address !== undefined && typeof options.address !== 'string') throw new TypeError('UDP: address must be a string');
      if (options.port !== undefined && !isPort(options.port, true)) throw new RangeError(`UDP: invalid port ${String(options.port)}`);
      for (const name of ['onReadable', 'onWritable', 'onError'] as const) {
        if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`UDP: ${name} must be a function`);
      }
      this.options = options;
      this.id = native.udpOpen(options.address ?? '', options.port ?? 0);
      sockets.set(this.id, this);
    }

    get port(): number {
      return native.udpPort(this.id);
    }

    read(buffer: Uint8Array): number | undefined {
      if (this.closed) throw new Error('UDP: read after close');
      const datagram = native.udpRead(this.id);
      if (datagram === undefined) return undefined;
      const length = datagram.byteLength;
      // Truncate like MSG_TRUNC: copy what fits, return the full length.
      buffer.set(length <= buffer.byteLength ? new Uint8Array(datagram) : new Uint8Array(datagram, 0, buffer.byteLength));
      this.remoteAddress = native.udpRemoteAddress(this.id);
      this.remotePort = native.udpRemotePort(this.id);
      return length;
    }

    write(buffer: Uint8Array, address: IpAddress, port: number, byteLength?: number): void {
      if (this.closed) throw new Error('UDP: write after close');
      const length = byteLength ?? buffer.byteLength;
      if (!Number.isInteger(length) || length < 0 || length > buffer.byteLength) throw new RangeError(`UDP: byteLength ${String(byteLength)} outside the buffer`);
      if (length > MAX_UDP_PAYLOAD) throw new RangeError(`UDP: ${length} bytes do not fit in one datagram`);
      if (!isPort(port, false)) throw new RangeError(`UDP: invalid destination port ${String(port)}`);
      // The native side copies an ArrayBuffer whole, so hand it exactly the datagram: the core's
      // transmit buffers are views into larger pools.
      const whole = buffer.byteOffset === 0 && length === buffer.buffer.byteLength;
      native.udpWrite(this.id, whole ? (buffer.buffer as ArrayBuffer) : buffer.slice(0, length).buffer, address, port);
    }

    close(): void {
      if (this.closed) return;
      this.closed = true;
      sockets.delete(this.id);
      native.udpClose(this.id);
    }

    deliver(kind: number, value: number): void {
      if (this.closed) return;
      if (kind === NativeEvent.UdpReadable) this.options.onReadable?.call(this, value);
      else if (kind === NativeEvent.UdpWritable) this.options.onWritable?.call(this, value);
      else if (kind === NativeEvent.UdpError) this.options.onError?.call(this);
    }
  }

  class QuickJsTcpSocket implements TcpSocket {
    readonly remoteAddress: IpAddress | undefined;
    readonly remotePort: number | undefined;
    private readonly id: number;
    private readonly options: TcpSocketOptions;
    private closed = false;

    constructor(options: TcpSocketOptions) {
      if (options === null || typeof options !== 'object') throw new TypeError('TCP: options object required');
      if (options.from !== undefined) throw new TypeError('TCP: adopting accepted connections is not supported by this host');
      if (typeof options.address !== 'string') throw new TypeError('TCP: address must be a string');
      if (!isPort(options.port, false)) throw new RangeError(`TCP: invalid port ${String(options.port)}`);
      for (const name of ['onReadable', 'onWritable', 'onError'] as const) {
        if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`TCP: ${name} must be a function`);
      }
      this.options = options;
      this.id = native.tcpOpen(options.address, options.port, options.noDelay === true);
      this.remoteAddress = native.tcpRemoteAddress(this.id);
      this.remotePort = native.tcpRemotePort(this.id);
      sockets.set(this.id, this);
    }

    read(buffer: Uint8Array): number {
      if (this.closed) throw new Error('TCP: read after close');
      const bytes = native.tcpRead(this.id, buffer.byteLength);
      const n = bytes.byteLength;
      if (n > 0) buffer.set(new Uint8Array(bytes));
      return n;
    }

    write(buffer: Uint8Array, byteLength?: number): number {
      if (this.closed) throw new Error('TCP: write after close');
      const length = byteLength ?? buffer.byteLength;
      if (!Number.isInteger(length) || length < 0 || length > buffer.byteLength) throw new RangeError(`TCP: byteLength ${String(byteLength)} outside the buffer`);
      const whole = buffer.byteOffset === 0 && length === buffer.buffer.byteLength;
      return native.tcpWrite(this.id, whole ? (buffer.buffer as ArrayBuffer) : buffer.slice(0, length).buffer);
    }

    close(): void {
      if (this.closed) return;
      this.closed = true;
      sockets.delete(this.id);
      native.tcpClose(this.id);
    }

    deliver(kind: number, value: number): void {
      if (this.closed) return;
      if (kind === NativeEvent.TcpReadable) this.options.onReadable?.call(this, value);
      else if (kind === NativeEvent.TcpWritable) this.options.onWritable?.call(this, value);
      else if (kind === NativeEvent.TcpError) this.options.onError?.call(this);
    }
  }

  class QuickJsTimer implements Timer {
    private readonly id: number;
    private readonly onExpired: TimerOptions['onExpired'];
    private closed = false;

    constructor(options: TimerOptions) {
      if (options === null || typeof options !== 'object' || typeof options.onExpired !== 'function') {
        throw new TypeError('Timer: options.onExpired must be a function');
      }
      this.onExpired = options.onExpired;
      this.id = native.timerOpen();
      timers.set(this.id, this);
    }

    schedule(at: number): void {
      if (this.closed) throw new Error('Timer: schedule after close');
      if (typeof at !== 'number' || at !== at) throw new TypeError('Timer: at must be a number');
      native.timerSchedule(this.id, at);
    }

    cancel(): void {
      if (this.closed) throw new Error('Timer: cancel after close');
      native.timerCancel(this.id);
    }

    close(): void {
      if (this.closed) return;
      this.closed = true;
      timers.delete(this.id);
      native.timerClose(this.id);
    }

    expire(now: number): void {
      if (!this.closed) this.onExpired.call(this, now);
    }
  }

  native.setDispatcher((kind, id, value) => {
    if (kind === NativeEvent.TimerExpired) timers.get(id)?.expire(value);
    else sockets.get(id)?.deliver(kind, value);
  });

  const clock: Clock = {
    now: () => native.now(),
    wallTime: () => {
      const t = native.wallTime();
      return t < 0 ? undefined : t;
    },
  };
  const rows = native.displayRows();
  const cols = native.displayCols();
  return {
    clock,
    Timer: QuickJsTimer,
    network: { UDP: QuickJsUdpSocket, TCP: QuickJsTcpSocket },
    lamps: {
      setLamp(role: string, state: LampState): void {
        native.lamp(role, state.pattern, state.color ?? '', state.onMs, state.offMs);
      },
    },
    ...(rows > 0 && cols > 0
      ? { display: { showLines: (lines: readonly string[]) => native.display(lines.join('\n')) }, displayGeometry: { rows, cols } }
      : {}),
    log: (level: LogLevel, message: string) => native.log(level, message),
  };
}
