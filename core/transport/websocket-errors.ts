// Error codes of the WebSocket codec (RFC 6455) in the -900 range, apart from the SIP parser
// (-1..-99), decoders (-100s), writer (-200s), digest auth (-300s), bytes (-400s), and the
// -600..-899 codes of other modules. Every one of them fails the connection (§7.1.7); the close
// status to send first comes from wsCloseStatusFor().

// ---- frames (§5) ----
/** RSV1-3 set although no extension was negotiated (§5.2). */
export const E_WS_RESERVED_BITS = -901;
/** Opcode %x3-7 or %xB-F: reserved (§5.2). */
export const E_WS_BAD_OPCODE = -902;
/** Control frame with more than 125 payload bytes (§5.5). */
export const E_WS_CONTROL_TOO_LONG = -903;
/** Control frame with FIN clear: control frames are never fragmented (§5.5). */
export const E_WS_CONTROL_FRAGMENTED = -904;
/** Continuation frame with no fragmented message open (§5.4). */
export const E_WS_UNEXPECTED_CONTINUATION = -905;
/** New text/binary frame while a fragmented message is still open (§5.4). */
export const E_WS_EXPECTED_CONTINUATION = -906;
/** Frame from a client that is not masked (§5.1: the server MUST close). */
export const E_WS_MASK_EXPECTED = -907;
/** Masked frame from a server (§5.1: the client MUST close). */
export const E_WS_MASK_UNEXPECTED = -908;
/** Payload length not in its minimal encoding (§5.2). */
export const E_WS_NON_MINIMAL_LENGTH = -909;
/** 64-bit payload length with the most significant bit set (§5.2). */
export const E_WS_BAD_LENGTH = -910;
/** The message would exceed the configured maximum (§10.4: implementations limit it). */
export const E_WS_MESSAGE_TOO_BIG = -911;
/** Close frame with a one-byte payload (§5.5.1: a body starts with a 2-byte status code). */
export const E_WS_BAD_CLOSE_PAYLOAD = -912;
/** Close status code that must not be sent on the wire (§7.4.1, §7.4.2). */
export const E_WS_BAD_CLOSE_CODE = -913;
/** Text message or close reason that is not UTF-8 (§5.6, §8.1). */
export const E_WS_BAD_UTF8 = -914;
/** The frame does not fit in the output buffer (writer); nothing was written. */
export const E_WS_NO_SPACE = -915;

// ---- opening handshake (§4.1, §4.2.2, RFC 7118 §4) ----
/** The response head grew past the handshake buffer before its blank line. */
export const E_WS_HS_TOO_LONG = -921;
/** Not "HTTP/1.1 NNN reason". */
export const E_WS_HS_BAD_STATUS_LINE = -922;
/** The status is not 101 (the code is in `status`). */
export const E_WS_HS_NOT_101 = -923;
/** A header line without a colon, with a bad name, or folded. */
export const E_WS_HS_BAD_HEADER = -924;
/** No "Upgrade: websocket" (§4.1 item 2). */
export const E_WS_HS_NO_UPGRADE = -925;
/** No "Connection: Upgrade" (§4.1 item 3). */
export const E_WS_HS_NO_CONNECTION = -926;
/** Sec-WebSocket-Accept missing or not base64(SHA-1(key + GUID)) (§4.1 item 4). */
export const E_WS_HS_BAD_ACCEPT = -927;
/** An extension we did not ask for (§4.1 item 5). */
export const E_WS_HS_EXTENSION = -928;
/** Sub-protocol missing or not "sip" (§4.1 item 6, RFC 7118 §4). */
export const E_WS_HS_BAD_PROTOCOL = -929;
/** The request does not fit in the output buffer, or a field holds a non-ASCII or CR/LF character. */
export const E_WS_HS_NO_SPACE = -930;

export function wsErrorName(code: number): string {
  switch (code) {
    case E_WS_RESERVED_BITS: return 'E_WS_RESERVED_BITS';
    case E_WS_BAD_OPCODE: return 'E_WS_BAD_OPCODE';
    case E_WS_CONTROL_TOO_LONG: return 'E_WS_CONTROL_TOO_LONG';
    case E_WS_CONTROL_FRAGMENTED: return 'E_WS_CONTROL_FRAGMENTED';
    case E_WS_UNEXPECTED_CONTINUATION: return 'E_WS_UNEXPECTED_CONTINUATION';
    case E_WS_EXPECTED_CONTINUATION: return 'E_WS_EXPECTED_CONTINUATION';
    case E_WS_MASK_EXPECTED: return 'E_WS_MASK_EXPECTED';
    case E_WS_MASK_UNEXPECTED: return 'E_WS_MASK_UNEXPECTED';
    case E_WS_NON_MINIMAL_LENGTH: return 'E_WS_NON_MINIMAL_LENGTH';
    case E_WS_BAD_LENGTH: return 'E_WS_BAD_LENGTH';
    case E_WS_MESSAGE_TOO_BIG: return 'E_WS_MESSAGE_TOO_BIG';
    case E_WS_BAD_CLOSE_PAYLOAD: return 'E_WS_BAD_CLOSE_PAYLOAD';
    case E_WS_BAD_CLOSE_CODE: return 'E_WS_BAD_CLOSE_CODE';
    case E_WS_BAD_UTF8: return 'E_WS_BAD_UTF8';
    case E_WS_NO_SPACE: return 'E_WS_NO_SPACE';
    case E_WS_HS_TOO_LONG: return 'E_WS_HS_TOO_LONG';
    case E_WS_HS_BAD_STATUS_LINE: return 'E_WS_HS_BAD_STATUS_LINE';
    case E_WS_HS_NOT_101: return 'E_WS_HS_NOT_101';
    case E_WS_HS_BAD_HEADER: return 'E_WS_HS_BAD_HEADER';
    case E_WS_HS_NO_UPGRADE: return 'E_WS_HS_NO_UPGRADE';
    case E_WS_HS_NO_CONNECTION: return 'E_WS_HS_NO_CONNECTION';
    case E_WS_HS_BAD_ACCEPT: return 'E_WS_HS_BAD_ACCEPT';
    case E_WS_HS_EXTENSION: return 'E_WS_HS_EXTENSION';
    case E_WS_HS_BAD_PROTOCOL: return 'E_WS_HS_BAD_PROTOCOL';
    case E_WS_HS_NO_SPACE: return 'E_WS_HS_NO_SPACE';
    default: return 'E_WS_UNKNOWN';
  }
}

// §7.4.1 status codes.
export const WS_CLOSE_NORMAL = 1000;
export const WS_CLOSE_GOING_AWAY = 1001;
export const WS_CLOSE_PROTOCOL_ERROR = 1002;
/** Reported (never sent) when a close frame carried no status (§7.1.5). */
export const WS_CLOSE_NO_STATUS = 1005;
/** Reported (never sent) when the connection ended without a close frame (§7.1.5). */
export const WS_CLOSE_ABNORMAL = 1006;
export const WS_CLOSE_INVALID_DATA = 1007;
export const WS_CLOSE_TOO_BIG = 1009;

/** The status code to put in our close frame after a frame error (§7.4.1). */
export function wsCloseStatusFor(code: number): number {
  switch (code) {
    case E_WS_MESSAGE_TOO_BIG: return WS_CLOSE_TOO_BIG;
    case E_WS_BAD_UTF8: return WS_CLOSE_INVALID_DATA;
    default: return WS_CLOSE_PROTOCOL_ERROR;
  }
}
