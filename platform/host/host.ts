// Everything a firmware integrator implements to run the SDK on a new engine or board, in one
// object. docs/porting.md walks through it; platform/node and platform/quickjs are worked
// examples. Only `clock`, `Timer` and `network.UDP` are required: a phone without a display,
// lamps or storage still registers, subscribes and messages.

import type { DisplayDriver, LampDriver } from '../../core/indicators/frame.js';
import type { Clock, TimerConstructor } from './clock.js';
import type { KeySourceConstructor } from './keys.js';
import type {
  DnsResolver, TcpListenerConstructor, TcpSocketConstructor, UdpSocketConstructor,
} from './socket.js';
import type { KeyValueStorage } from './storage.js';

export interface HostNetwork {
  readonly UDP: UdpSocketConstructor;
  /** Needed for SIP over TCP and for MSRP. */
  readonly TCP?: TcpSocketConstructor;
  /** TCP with `tls` options honoured; needed for sips: and TLS transports. */
  readonly TLS?: TcpSocketConstructor;
  /** Accepting connections (peer-to-peer mode, MSRP passive side). */
  readonly TCPListener?: TcpListenerConstructor;
  /** Without one, only numeric hosts work (no RFC 3263 NAPTR/SRV lookups). */
  readonly dns?: DnsResolver;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface HostBindings {
  readonly clock: Clock;
  readonly Timer: TimerConstructor;
  readonly network: HostNetwork;
  /** Applies lamp states (Linux LED class, a serial panel, GPIO, the simulator). */
  readonly lamps?: LampDriver;
  /** Shows the status lines (character LCD, pixel panel, terminal). */
  readonly display?: DisplayDriver;
  /** Text rows × columns of `display`, so the indicator engine fits lines to it. */
  readonly displayGeometry?: { readonly rows: number; readonly cols: number };
  readonly keys?: KeySourceConstructor;
  readonly storage?: KeyValueStorage;
  /** Device engines have no console: where diagnostics go (a UART, syslog, nowhere). */
  readonly log?: (level: LogLevel, message: string) => void;
}
