// From a SIP URI string (an application's target, the registrar, a route, a remote target) to
// the parts the UA needs: user and host for comparisons, and the Endpoint a request to it goes
// to (RFC 3263 without DNS: host literal, port or the transport's default, `transport=` param).
// Runs per command, not per packet, so it may allocate its small result.
import { utf8Bytes } from '../bytes/utf8.js';
import { decodeText } from '../sip/view.js';
import { SCHEME_SIP, SCHEME_SIPS, UriValue, decodeUri } from '../sip/decode/uri.js';
import { defaultPort, transportFromParam, type TransportKind } from '../transport/kinds.js';
import type { Endpoint } from './config.js';

export interface SipUriParts {
  readonly secure: boolean;
  /** User part as written (still %-escaped), '' when absent. */
  readonly user: string;
  /** Host without IPv6 brackets, lower case. */
  readonly host: string;
  /** -1 when the URI names no port. */
  readonly port: number;
  readonly transport: TransportKind | null;
  /** The URI without user part (for a REGISTER Request-URI, RFC 3261 §10.2: "the userinfo and @ components MUST NOT be present"). */
  readonly withoutUser: string;
}

const scratch = new UriValue();

/** Parses a sip:/sips: URI; null when it is not one (the caller reports a `local` error). */
export function parseSipUri(uri: string): SipUriParts | null {
  const bytes = utf8Bytes(uri.trim());
  if (decodeUri(bytes, 0, bytes.length, scratch) !== 0) return null;
  if (scratch.schemeId !== SCHEME_SIP && scratch.schemeId !== SCHEME_SIPS) return null;
  const text = (off: number, len: number) => (off >= 0 && len > 0 ? decodeText(bytes, off, len) : '');
  let host = text(scratch.hostOff, scratch.hostLen).toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const transportText = text(scratch.transportOff, scratch.transportLen);
  const transport = transportText === '' ? null : transportFromParam(transportText);
  const scheme = text(scratch.schemeOff, scratch.schemeLen);
  const hostPort = text(scratch.hostOff, scratch.hostLen) + (scratch.port >= 0 ? `:${scratch.port}` : '');
  const params = text(scratch.paramsOff, scratch.paramsLen);
  return {
    secure: scratch.schemeId === SCHEME_SIPS,
    user: text(scratch.userOff, scratch.userLen),
    host,
    port: scratch.port,
    transport,
    withoutUser: `${scheme}:${hostPort}${params}`,
  };
}

/** Where a request for this URI goes: its host, its port or the transport default, its transport or ours. */
export function endpointOf(parts: SipUriParts, fallback: TransportKind): Endpoint {
  const transport = parts.transport ?? (parts.secure ? 'tls' : fallback);
  return { transport, address: parts.host, port: parts.port >= 0 ? parts.port : defaultPort(transport) };
}

/**
 * The hop a request inside a dialog goes to: the first Route, else the remote target (RFC 3261
 * §12.2.1.1) — except for a WebSocket client, whose requests all go over `flow`, its connection
 * to the server. RFC 7118 §5: a WebSocket client only opens connections, to its server (a browser
 * can reach nothing else), while a remote target such as the Contact of Kamailio's presence
 * module names a UDP address; the Request-URI and Route headers still say where the request goes,
 * and the server relays it on.
 */
export function dialogHop(first: SipUriParts | null, transport: TransportKind, flow: Endpoint | null): Endpoint | null {
  if (flow !== null && (transport === 'ws' || transport === 'wss')) return flow;
  return first !== null ? endpointOf(first, transport) : null;
}

/** The URI inside a name-addr or the string itself ("<sip:a;lr>" → "sip:a;lr"). */
export function bareUri(nameAddrOrUri: string): string {
  const open = nameAddrOrUri.indexOf('<');
  if (open < 0) return nameAddrOrUri.trim();
  const close = nameAddrOrUri.indexOf('>', open);
  return nameAddrOrUri.slice(open + 1, close < 0 ? undefined : close).trim();
}

/** RFC 3261 §19.1.4 in the small: same user, host (caseless) and port (default applied) — what policy checks need. */
export function sameAddressOfRecord(a: SipUriParts, b: SipUriParts): boolean {
  return a.user === b.user && a.host === b.host && (a.port < 0 ? 5060 : a.port) === (b.port < 0 ? 5060 : b.port);
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.transport === b.transport && a.address === b.address;
}
