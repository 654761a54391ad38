// The numbers the transaction engine answers with: what became of an incoming message
// (dispositions), what went wrong with a TU command (errors), and the kinds of its outputs
// (events and transmits). Plain numbers so the hot path allocates nothing.

// ---- Dispositions: returned by handleRequest / handleResponse ----
/** Matched a transaction and was handed to the TU (an event is queued). */
export const DISPOSITION_DELIVERED = 1;
/** Matched a transaction and was absorbed by it (a retransmission; maybe a response was resent). */
export const DISPOSITION_ABSORBED = 2;
/** A new server transaction was created; an EVENT_REQUEST is queued. */
export const DISPOSITION_CREATED = 3;
/** An ACK that matches no transaction (the ACK for a 2xx, §17.1.1.3): queued as EVENT_ACK with txId -1 for the dialog layer. */
export const DISPOSITION_STRAY_ACK = 4;
/** A response that matches no client transaction: §18.1.2 says discard it. */
export const DISPOSITION_NO_MATCH = -1;
/** No free transaction slot: the caller should answer 503 statelessly (§21.5.4) or drop the request. */
export const DISPOSITION_OVERLOADED = -2;
/** The key is unusable (status code outside 100..699, ...). */
export const DISPOSITION_MALFORMED = -3;

// ---- Errors for TU commands (negative; >= 0 means success / a transaction id) ----
export const TX_ERROR_CAPACITY = -1;
/** ACK is never a client transaction: non-2xx ACKs are generated here, 2xx ACKs by the TU (§17.1.1.3, §13.2.2.4). */
export const TX_ERROR_BAD_METHOD = -2;
/** INVITE client transactions need an AckBuilder to ACK non-2xx responses (§17.1.1.3). */
export const TX_ERROR_NO_ACK_BUILDER = -3;
/** A live client transaction already uses this branch with this method (§17.1.3 would mis-match). */
export const TX_ERROR_DUPLICATE = -4;
export const TX_ERROR_UNKNOWN_TRANSACTION = -5;
/** The command is not allowed in the transaction's state (e.g. a second final response). */
export const TX_ERROR_INVALID_STATE = -6;
export const TX_ERROR_BAD_STATUS = -7;
/** A request we send MUST carry a branch starting with the magic cookie "z9hG4bK" (§8.1.1.7). */
export const TX_ERROR_BAD_BRANCH = -8;

// A switch, not a module-level table with computed keys: bundlers keep such a table even where
// nothing asks for a name (issue #7's size budget), and drop an unused function.
export function txErrorName(code: number): string {
  switch (code) {
    case TX_ERROR_CAPACITY: return 'TX_ERROR_CAPACITY';
    case TX_ERROR_BAD_METHOD: return 'TX_ERROR_BAD_METHOD';
    case TX_ERROR_NO_ACK_BUILDER: return 'TX_ERROR_NO_ACK_BUILDER';
    case TX_ERROR_DUPLICATE: return 'TX_ERROR_DUPLICATE';
    case TX_ERROR_UNKNOWN_TRANSACTION: return 'TX_ERROR_UNKNOWN_TRANSACTION';
    case TX_ERROR_INVALID_STATE: return 'TX_ERROR_INVALID_STATE';
    case TX_ERROR_BAD_STATUS: return 'TX_ERROR_BAD_STATUS';
    case TX_ERROR_BAD_BRANCH: return 'TX_ERROR_BAD_BRANCH';
    default: return `TX_ERROR(${code})`;
  }
}

// ---- Events: drained with pollEvent ----
/** A response for client transaction txId, to be handed to the TU (statusCode, message bytes). */
export const EVENT_RESPONSE = 1;
/** A new request created server transaction txId (methodId, message bytes). */
export const EVENT_REQUEST = 2;
/** An ACK for the TU: matched an INVITE server transaction in Accepted (RFC 6026), or none (txId -1). */
export const EVENT_ACK = 3;
/** Timer B/F fired (statusCode 408, §8.1.3.1) or Timer H fired on the server side (no ACK came). */
export const EVENT_TIMEOUT = 4;
/** The host reported a transport failure for txId (statusCode 503 for client transactions, §8.1.3.1, §17.1.4). */
export const EVENT_TRANSPORT_ERROR = 5;
/** Transaction txId reached Terminated; its id is now stale. */
export const EVENT_TERMINATED = 6;
/** INVITE server transaction txId has had no provisional for 200 ms: respond(txId, 100, …) now (§17.2.1). */
export const EVENT_TRYING_DUE = 7;

// ---- Transmit kinds: drained with pollTransmit ----
export const TRANSMIT_REQUEST = 1;
export const TRANSMIT_RESPONSE = 2;
export const TRANSMIT_ACK = 3;
