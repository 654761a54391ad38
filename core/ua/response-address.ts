// Where the responses of a server transaction go: RFC 3261 §18.2.2 with RFC 3581 §4 (rport).
//
//   §18.2.2  reliable transport   → the connection the request came on; if it is gone, a new
//                                   connection to the `received` address, at the sent-by port
//                                   (or the transport's default port).
//            maddr in the top Via → that address, at the sent-by port or 5060.
//            otherwise (unreliable) → the `received` address (the datagram's source address: we
//                                   act as if we had added received=, §18.2.1), at the sent-by
//                                   port or 5060;
//   RFC 3581 §4                     unless the Via carries rport: then the datagram's source port.
//
// The common cases (stream, rport, sent-by port equal to the source port) answer `from` itself,
// without allocating. Multicast TTL (the `ttl` parameter) is a socket option no host of ours sets.
import { type SipMessageView, decodeText } from '../sip/view.js';
import { ViaValue, decodeVia } from '../sip/decode/via.js';
import { defaultPort, isReliable } from '../transport/kinds.js';
import type { Endpoint } from './config.js';

const scratch = new ViaValue();

/** §18.2.2 "the default port for the transport" of a sent-by without one. */
function sentByPort(v: ViaValue, from: Endpoint): number {
  return v.port >= 0 ? v.port : defaultPort(from.transport);
}

/**
 * The endpoint the responses to the request in `view` (top Via at [viaOff, viaOff+viaLen)) go to,
 * arriving from `from` over a reliable (stream) transport or not. `decoded`: that Via already
 * decoded (e.g. by the transaction key reader), so it is not decoded twice.
 */
export function responseEndpoint(view: SipMessageView, viaOff: number, viaLen: number, from: Endpoint, reliable: boolean, decoded: ViaValue | null = null): Endpoint {
  // WebSocket messages arrive through handleDatagram but their flow is reliable (RFC 7118 §5:
  // responses go back over the same connection).
  if (reliable || isReliable(from.transport)) return from;
  const buf = view.buf;
  let via = decoded;
  if (via === null) {
    via = scratch;
    if (decodeVia(buf, viaOff, viaOff + viaLen, via) !== 0) return from;
  }
  if (via.maddrOff >= 0 && via.maddrLen > 0) {
    let maddr = decodeText(buf, via.maddrOff, via.maddrLen);
    if (maddr.startsWith('[') && maddr.endsWith(']')) maddr = maddr.slice(1, -1);
    return { transport: from.transport, address: maddr, port: sentByPort(via, from) };
  }
  if (via.rportPresent) return from;
  const port = sentByPort(via, from);
  return port === from.port ? from : { transport: from.transport, address: from.address, port };
}

/**
 * §18.2.2: the connection a request came on closed before its response went out: where a new
 * connection goes (the `received` address, i.e. the source address, at the sent-by port).
 * `sentBy` is the top Via's port as read when the request arrived (-1: none).
 */
export function reconnectEndpoint(flow: Endpoint, sentBy: number): Endpoint {
  return { transport: flow.transport, address: flow.address, port: sentBy >= 0 ? sentBy : defaultPort(flow.transport) };
}

/** The top Via's sent-by port of the request in `view` (-1 when it names none or does not decode). */
export function topViaPort(view: SipMessageView, viaOff: number, viaLen: number, decoded: ViaValue | null = null): number {
  if (decoded !== null) return decoded.port;
  return decodeVia(view.buf, viaOff, viaOff + viaLen, scratch) === 0 ? scratch.port : -1;
}
