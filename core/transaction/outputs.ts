// The engine's output records and the one hook it needs from the message layer. Both records
// are owned by the caller, allocated once and refilled by pollTransmit / pollEvent.

const EMPTY = new Uint8Array(0);

/** One datagram/stream write the host must perform: bytes[off, off+len) to `destination`. */
export class Transmit {
  /** TRANSMIT_REQUEST, TRANSMIT_RESPONSE or TRANSMIT_ACK. */
  kind = 0;
  txId = -1;
  destination = 0;
  reliable = false;
  bytes: Uint8Array = EMPTY;
  off = 0;
  len = 0;
}

/** Something the TU must know. `bytes` is the caller's own message (not a copy) for deliveries. */
export class TransactionEvent {
  /** EVENT_* from codes.ts. */
  kind = 0;
  /** The transaction, or -1 (stray ACK). */
  txId = -1;
  /** Responses: the status; timeouts 408 and transport errors 503 (§8.1.3.1). */
  statusCode = 0;
  methodId = 0;
  bytes: Uint8Array = EMPTY;
  off = 0;
  len = 0;
}

/**
 * Builds the ACK for a non-2xx final response to an INVITE (§17.1.1.3): same Request-URI,
 * Call-ID, From, CSeq number and top Via as the request, To from the response, CSeq method ACK,
 * the request's Route headers. The transaction layer decides when to send it (once per final
 * response received in Completed); the message layer knows how to write it. May return null when
 * the response is unusable (no ACK is sent then). Called only on this rare path, so it may allocate.
 */
export interface AckBuilder {
  buildAck(request: Uint8Array, requestOff: number, requestLen: number, response: Uint8Array, responseOff: number, responseLen: number): Uint8Array | null;
}
