// Transport kinds a SIP flow can ride on (RFC 3261 §18, RFC 7118 for WebSocket) and the facts
// the rest of the core needs about each: reliability decides retransmission (§17.1.1.2) and
// Content-Length framing (§18.3), the Via token names it on the wire, the default port comes
// from the scheme (§19.1.2).

export type TransportKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export const TRANSPORT_KINDS: readonly TransportKind[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** Reliable transports get no retransmissions and stream framing (§17.1.1.2, §18.3). */
export function isReliable(kind: TransportKind): boolean {
  return kind !== 'udp';
}

/** Streams carry several messages per read and need Content-Length framing; WebSocket frames do not. */
export function isStream(kind: TransportKind): boolean {
  return kind === 'tcp' || kind === 'tls';
}

export function isSecure(kind: TransportKind): boolean {
  return kind === 'tls' || kind === 'wss';
}

/** The Via transport token (RFC 3261 §20.42, RFC 7118 §5.2). */
export function viaToken(kind: TransportKind): string {
  switch (kind) {
    case 'udp': return 'UDP';
    case 'tcp': return 'TCP';
    case 'tls': return 'TLS';
    case 'ws': return 'WS';
    case 'wss': return 'WSS';
  }
}

/** Default ports: 5060 for sip over UDP/TCP, 5061 for TLS (§19.1.2), 80/443 for WebSocket. */
export function defaultPort(kind: TransportKind): number {
  switch (kind) {
    case 'udp':
    case 'tcp': return 5060;
    case 'tls': return 5061;
    case 'ws': return 80;
    case 'wss': return 443;
  }
}

/** Parses a `transport=` URI parameter value (case-insensitive), or null when unknown. */
export function transportFromParam(value: string): TransportKind | null {
  switch (value.toLowerCase()) {
    case 'udp': return 'udp';
    case 'tcp': return 'tcp';
    case 'tls': return 'tls';
    case 'ws': return 'ws';
    case 'wss': return 'wss';
    default: return null;
  }
}
