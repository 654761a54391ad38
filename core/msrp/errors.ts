// MSRP parse results share the SIP parser's convention: bytes consumed (> 0), MSRP_NEED_MORE (0),
// or a negative code, so the hot path returns one number and allocates nothing.

export const MSRP_NEED_MORE = 0;
export const E_MSRP_BAD_START = -701;
export const E_MSRP_BAD_TRANSACTION_ID = -702;
export const E_MSRP_BAD_METHOD = -703;
export const E_MSRP_BAD_STATUS = -704;
export const E_MSRP_BAD_HEADER = -705;
export const E_MSRP_TOO_MANY_HEADERS = -706;
export const E_MSRP_MISSING_PATH = -707;
export const E_MSRP_FRAME_TOO_LARGE = -708;
export const E_MSRP_BAD_END_LINE = -709;
export const E_MSRP_BAD_BYTE_RANGE = -710;
export const E_MSRP_BODY_WITHOUT_TYPE = -711;
export const E_MSRP_LINE_TOO_LONG = -712;

const NAMES: Readonly<Record<number, [string, string]>> = {
  [E_MSRP_BAD_START]: ['E_MSRP_BAD_START', 'the first line is not "MSRP <transaction-id> <method|status>"'],
  [E_MSRP_BAD_TRANSACTION_ID]: ['E_MSRP_BAD_TRANSACTION_ID', 'transaction id must be 4 to 32 characters of ALPHANUM . - + % = starting with ALPHANUM (RFC 4975 §9)'],
  [E_MSRP_BAD_METHOD]: ['E_MSRP_BAD_METHOD', 'method must be upper-case letters'],
  [E_MSRP_BAD_STATUS]: ['E_MSRP_BAD_STATUS', 'status code must be three digits'],
  [E_MSRP_BAD_HEADER]: ['E_MSRP_BAD_HEADER', 'header line is not "Name: value"'],
  [E_MSRP_TOO_MANY_HEADERS]: ['E_MSRP_TOO_MANY_HEADERS', 'more header fields than the configured limit'],
  [E_MSRP_MISSING_PATH]: ['E_MSRP_MISSING_PATH', 'To-Path and From-Path must be the first two headers (RFC 4975 §9)'],
  [E_MSRP_FRAME_TOO_LARGE]: ['E_MSRP_FRAME_TOO_LARGE', 'frame is larger than the configured maximum'],
  [E_MSRP_BAD_END_LINE]: ['E_MSRP_BAD_END_LINE', 'end-line must be "-------<transaction-id>" followed by +, $ or #'],
  [E_MSRP_BAD_BYTE_RANGE]: ['E_MSRP_BAD_BYTE_RANGE', 'Byte-Range must be start-end/total with end and total numbers or *'],
  [E_MSRP_BODY_WITHOUT_TYPE]: ['E_MSRP_BODY_WITHOUT_TYPE', 'a body needs a Content-Type header (RFC 4975 §9 content-stuff)'],
  [E_MSRP_LINE_TOO_LONG]: ['E_MSRP_LINE_TOO_LONG', 'start line or header line is longer than the configured limit'],
};

export function msrpErrorName(code: number): string {
  return code === MSRP_NEED_MORE ? 'MSRP_NEED_MORE' : NAMES[code]?.[0] ?? `E_MSRP_${-code}`;
}

export function msrpErrorMessage(code: number): string {
  return code === MSRP_NEED_MORE ? 'the frame is incomplete' : NAMES[code]?.[1] ?? `MSRP error ${code}`;
}
