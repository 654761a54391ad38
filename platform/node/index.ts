// The Node host: HostBindings (platform/host/host.ts) for running the SDK on a laptop or a
// Linux phone with Node. Each constructor the core receives is a subclass with this host's
// configuration bound, because the core constructs sockets with the interface's options only.
import type { HostBindings, LogLevel } from '../host/host.js';
import type { TcpSocketOptions, UdpSocketOptions } from '../host/socket.js';
import type { TimerOptions } from '../host/clock.js';
import { nodeClock, NodeTimer } from './clock.js';
import { NodeDnsResolver, type NodeDnsConfig } from './dns.js';
import { NodeTcpListener, NodeTcpSocket, type NodeTcpConfig } from './tcp.js';
import { NodeTlsSocket, type NodeTlsConfig } from './tls.js';
import { NodeUdpSocket, type NodeUdpConfig } from './udp.js';

export interface NodeHostOptions {
  readonly udp?: NodeUdpConfig;
  readonly tcp?: NodeTcpConfig;
  /** CA bundle / client certificate (PEM) and stream settings for TLS sockets. */
  readonly tls?: NodeTlsConfig;
  /** DNS servers and timeouts; `false` leaves `network.dns` out (numeric hosts only). */
  readonly dns?: NodeDnsConfig | false;
  /** Timers do not keep the process alive on their own. */
  readonly unrefTimers?: boolean;
  /** Where diagnostics go; default: the console (debug suppressed). */
  readonly log?: (level: LogLevel, message: string) => void;
}

function consoleLog(level: LogLevel, message: string): void {
  if (level === 'debug') return;
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(`[${level}] ${message}`);
}

export function nodeHost(options: NodeHostOptions = {}): HostBindings {
  const { udp = {}, tcp = {}, tls = {}, unrefTimers = false } = options;
  const timerConfig = { clock: nodeClock, unref: unrefTimers };
  class Timer extends NodeTimer {
    constructor(o: TimerOptions) { super(o, timerConfig); }
  }
  class UDP extends NodeUdpSocket {
    constructor(o: UdpSocketOptions) { super(o, udp); }
  }
  class TCP extends NodeTcpSocket {
    constructor(o: TcpSocketOptions) { super(o, tcp); }
  }
  const tlsConfig: NodeTlsConfig = { ...tcp, ...tls };
  class TLS extends NodeTlsSocket {
    constructor(o: TcpSocketOptions) { super(o, tlsConfig); }
  }
  return {
    clock: nodeClock,
    Timer,
    network: {
      UDP,
      TCP,
      TLS,
      TCPListener: NodeTcpListener,
      ...(options.dns === false ? {} : { dns: new NodeDnsResolver(options.dns ?? {}) }),
    },
    log: options.log ?? consoleLog,
  };
}

export { nodeClock, NodeTimer, type NodeTimerConfig } from './clock.js';
export { NodeUdpSocket, type NodeUdpConfig } from './udp.js';
export { NodeTcpSocket, NodeTcpListener, AcceptedConnection, type NodeTcpConfig } from './tcp.js';
export { NodeTlsSocket, nodeTlsOptions, type NodeTlsConfig } from './tls.js';
export { NodeWebSocket, type NodeWebSocketOptions, type WebSocketCloseInfo } from './websocket.js';
export { NodeDnsResolver, resolveTargets, type DnsBackend, type NodeDnsConfig, type ResolveTargetsOptions } from './dns.js';
export { ipFamily, unmapIpv4, hostHasIpv6 } from './addresses.js';
export type { SocketError } from './socket-error.js';
