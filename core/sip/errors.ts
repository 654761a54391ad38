// Parser and framer error codes: negative integers so that `parse()` can return
// "bytes consumed (> 0) | NEED_MORE (0) | error (< 0)" in one number without allocating.
// The range -1 … -99 belongs to the parser/framer; -100 … -199 to core/sip/decode (decode/errors.ts).

/** Returned by parse()/next() when the bytes so far are a valid prefix of a message. */
export const NEED_MORE = 0;

export const E_BAD_START_LINE = -1;
export const E_BAD_METHOD = -2;
export const E_BAD_REQUEST_URI = -3;
export const E_BAD_VERSION = -4;
export const E_BAD_STATUS = -5;
export const E_BAD_REASON = -6;
export const E_EXTRA_WHITESPACE = -7;
export const E_BARE_LF = -8;
export const E_BAD_LINE_END = -9;
export const E_BAD_HEADER_NAME = -10;
export const E_NO_COLON = -11;
export const E_BAD_HEADER_VALUE = -12;
export const E_TOO_MANY_HEADERS = -13;
export const E_LINE_TOO_LONG = -14;
export const E_MESSAGE_TOO_LARGE = -15;
export const E_BODY_TOO_LARGE = -16;
export const E_BAD_CONTENT_LENGTH = -17;
export const E_MULTIPLE_CONTENT_LENGTH = -18;
export const E_MISSING_CONTENT_LENGTH = -19;
export const E_TRUNCATED_BODY = -20;
export const E_TRUNCATED_HEADERS = -21;
export const E_BAD_ARGUMENTS = -22;
export const E_FRAMER_OVERFLOW = -23;

const NAMES: readonly string[] = [
  'NEED_MORE', 'E_BAD_START_LINE', 'E_BAD_METHOD', 'E_BAD_REQUEST_URI', 'E_BAD_VERSION', 'E_BAD_STATUS',
  'E_BAD_REASON', 'E_EXTRA_WHITESPACE', 'E_BARE_LF', 'E_BAD_LINE_END', 'E_BAD_HEADER_NAME', 'E_NO_COLON',
  'E_BAD_HEADER_VALUE', 'E_TOO_MANY_HEADERS', 'E_LINE_TOO_LONG', 'E_MESSAGE_TOO_LARGE', 'E_BODY_TOO_LARGE',
  'E_BAD_CONTENT_LENGTH', 'E_MULTIPLE_CONTENT_LENGTH', 'E_MISSING_CONTENT_LENGTH', 'E_TRUNCATED_BODY',
  'E_TRUNCATED_HEADERS', 'E_BAD_ARGUMENTS', 'E_FRAMER_OVERFLOW',
];

const MESSAGES: readonly string[] = [
  'incomplete message: more bytes needed',
  'start line is neither a Request-Line nor a Status-Line (RFC 3261 §7.1, §7.2)',
  'method is empty or contains a non-token character (RFC 3261 §25.1 Method = token)',
  'Request-URI is empty, enclosed in <>, contains whitespace or a character not allowed in a URI (RFC 3261 §25.1)',
  'SIP-Version is malformed or not SIP/2.0 (RFC 3261 §7.1; 505 Version Not Supported)',
  'Status-Code must be exactly three digits in 100-699 followed by SP (RFC 3261 §7.2, §21)',
  'Reason-Phrase contains a control character or malformed UTF-8 (RFC 3261 §25.1)',
  'start line elements must be separated by exactly one SP, with none at the end (RFC 3261 §7.1)',
  'line ends with a bare LF; SIP requires CRLF (RFC 3261 §7)',
  'CR not followed by LF',
  'header name is empty or contains a non-token character (RFC 3261 §7.3.1)',
  'header line has no colon after the name (RFC 3261 §7.3.1 HCOLON)',
  'header value contains a control character (RFC 3261 §25.1)',
  'more header fields than the configured maxHeaders',
  'a line is longer than the configured maxLineBytes',
  'message is larger than the configured maxMessageBytes',
  'body is larger than the configured maxBodyBytes',
  'Content-Length is not a non-negative decimal number (RFC 3261 §20.14)',
  'several Content-Length header fields with different values: message framing is ambiguous',
  'Content-Length is required on stream transports (RFC 3261 §18.3, §20.14)',
  'body is shorter than Content-Length (RFC 3261 §18.3: the message must be discarded or answered 400)',
  'datagram ends before the empty line that closes the header section (RFC 3261 §7)',
  'offset/length outside the buffer',
  'stream framer buffer is full and holds no complete message',
];

export function errorName(code: number): string {
  const i = -code;
  return i >= 0 && i < NAMES.length ? NAMES[i] : `E_UNKNOWN(${code})`;
}

export function errorMessage(code: number): string {
  const i = -code;
  return i >= 0 && i < MESSAGES.length ? MESSAGES[i] : `unknown error ${code}`;
}
