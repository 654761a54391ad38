// Error codes of the lazy header decoders (core/sip/decode/*). The range -100 … -199 is reserved
// for them by the core/sip contract (.tmp/SIP-API.md) so they never collide with parser codes.
// Every decoder that returns one of these also sets `out.errorOffset` to the absolute index of
// the offending byte (or `end` when the value stopped too early).

export const DECODE_OK = 0;

export const E_DEC_EMPTY = -100;
export const E_DEC_BAD_SCHEME = -101;
export const E_DEC_BAD_USER = -102;
export const E_DEC_BAD_PASSWORD = -103;
export const E_DEC_BAD_HOST = -104;
export const E_DEC_BAD_IPV6 = -105;
export const E_DEC_BAD_PORT = -106;
export const E_DEC_BAD_PARAM = -107;
export const E_DEC_BAD_URI_HEADER = -108;
export const E_DEC_BAD_ESCAPE = -109;
export const E_DEC_UNTERMINATED_QUOTE = -110;
export const E_DEC_BAD_DISPLAY_NAME = -111;
export const E_DEC_BAD_ADDR_SPEC = -112;
export const E_DEC_TRAILING_BYTES = -113;
export const E_DEC_BAD_NUMBER = -114;
export const E_DEC_OUT_OF_RANGE = -115;
export const E_DEC_BAD_METHOD = -116;
export const E_DEC_BAD_CALL_ID = -117;
export const E_DEC_BAD_SENT_PROTOCOL = -118;
export const E_DEC_BAD_TOKEN = -119;
export const E_DEC_BAD_MEDIA_TYPE = -120;
export const E_DEC_BAD_TEL = -121;
export const E_DEC_BAD_QVALUE = -122;
export const E_DEC_NO_ROOM = -123;
export const E_DEC_BAD_OPAQUE_URI = -124;
export const E_DEC_BAD_COMMENT = -125;
export const E_DEC_BAD_LIST = -126;

// Indexed by -code - 100: [name, message]. A table rather than a switch so the two functions
// cannot drift apart.
const TABLE: readonly (readonly [string, string])[] = [
  ['E_DEC_EMPTY', 'value is empty'],
  ['E_DEC_BAD_SCHEME', 'URI scheme is missing or malformed'],
  ['E_DEC_BAD_USER', 'URI user part contains a character not allowed there'],
  ['E_DEC_BAD_PASSWORD', 'URI password contains a character not allowed there'],
  ['E_DEC_BAD_HOST', 'host is not a valid hostname, IPv4 address or IPv6 reference'],
  ['E_DEC_BAD_IPV6', 'IPv6 reference is malformed'],
  ['E_DEC_BAD_PORT', 'port is not a number in 0..65535'],
  ['E_DEC_BAD_PARAM', 'parameter is malformed'],
  ['E_DEC_BAD_URI_HEADER', 'URI header (?name=value) is malformed'],
  ['E_DEC_BAD_ESCAPE', '% escape is not followed by two hex digits'],
  ['E_DEC_UNTERMINATED_QUOTE', 'quoted string is not terminated'],
  ['E_DEC_BAD_DISPLAY_NAME', 'display name is neither a quoted string nor a sequence of tokens'],
  ['E_DEC_BAD_ADDR_SPEC', 'address is malformed (<URI> or bare URI expected)'],
  ['E_DEC_TRAILING_BYTES', 'unexpected bytes after the value'],
  ['E_DEC_BAD_NUMBER', 'number expected'],
  ['E_DEC_OUT_OF_RANGE', 'number is out of range'],
  ['E_DEC_BAD_METHOD', 'method is not a token'],
  ['E_DEC_BAD_CALL_ID', 'Call-ID is not word[@word]'],
  ['E_DEC_BAD_SENT_PROTOCOL', 'Via sent-protocol is not name/version/transport'],
  ['E_DEC_BAD_TOKEN', 'token expected'],
  ['E_DEC_BAD_MEDIA_TYPE', 'media type is not type/subtype'],
  ['E_DEC_BAD_TEL', 'tel URI telephone-subscriber is malformed'],
  ['E_DEC_BAD_QVALUE', 'q value is not in 0..1 with at most 3 decimals'],
  ['E_DEC_NO_ROOM', 'output buffer too small'],
  ['E_DEC_BAD_OPAQUE_URI', 'absolute URI contains a character not allowed in a URI'],
  ['E_DEC_BAD_COMMENT', 'comment is not terminated or malformed'],
  ['E_DEC_BAD_LIST', 'empty or malformed element in a comma-separated list'],
];

export function decodeErrorName(code: number): string {
  if (code === DECODE_OK) return 'OK';
  const entry = TABLE[-code - 100];
  return entry === undefined ? 'E_DEC_UNKNOWN' : entry[0];
}

export function decodeErrorMessage(code: number): string {
  if (code === DECODE_OK) return 'ok';
  const entry = TABLE[-code - 100];
  return entry === undefined ? `unknown decoder error ${code}` : entry[1];
}
