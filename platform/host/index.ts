// The host-binding interface: what a firmware integrator implements for a new engine or board.
// Types only — nothing here runs; see docs/porting.md.
export type {
  IpAddress, UdpSocket, UdpSocketOptions, UdpSocketConstructor, TcpSocket, TcpSocketOptions,
  TcpSocketConstructor, TcpListener, TcpListenerOptions, TcpListenerConstructor, TlsOptions,
  DnsRecord, DnsResolver,
} from './socket.js';
export type { Clock, Timer, TimerOptions, TimerConstructor } from './clock.js';
export type { KeySource, KeySourceOptions, KeySourceConstructor } from './keys.js';
export type { KeyValueStorage } from './storage.js';
export type { HostBindings, HostNetwork, LogLevel } from './host.js';
export type { DisplayDriver, LampDriver, LampState, IndicatorFrame } from '../../core/indicators/frame.js';
