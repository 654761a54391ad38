// RFC 3261 §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than
// 1300 bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion
// controlled transport protocol, such as TCP." A NOTIFY with a resource list or a big PIDF
// easily crosses that line; sending it over UDP anyway means IP fragments that NATs drop.
import type { TransportKind } from './kinds.js';

/** Path MTU when the host does not know better (Ethernet). */
export const DEFAULT_PATH_MTU = 1500;

export type SizeVerdict =
  /** Send on the transport asked for. */
  | 'as-is'
  /** Too big for UDP: send over TCP (or TLS for a sips target) instead. */
  | 'switch-to-stream'
  /** Too big for UDP and the target cannot take a stream: the caller must refuse with an error. */
  | 'too-big';

export function sizeRule(messageBytes: number, kind: TransportKind, targetAcceptsStream: boolean, pathMtu: number = DEFAULT_PATH_MTU): SizeVerdict {
  if (kind !== 'udp') return 'as-is';
  const limit = pathMtu > 0 ? pathMtu - 200 : 1300;
  if (messageBytes <= limit) return 'as-is';
  return targetAcceptsStream ? 'switch-to-stream' : 'too-big';
}
