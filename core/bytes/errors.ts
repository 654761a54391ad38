// Error codes of the byte helpers. Negative so that a function can return either a count
// (>= 0) or a failure in one number, without allocating a result object on hot paths.
// The -400 range keeps them apart from the SIP parser (-1..-99), decoders (-100..-199),
// the SIP writer (-200..-299) and digest auth (-300..-399).

/** The output does not fit in the space the caller gave; nothing was written. */
export const E_BYTES_NO_SPACE = -401;
/** The input is not in the expected alphabet (base64, hex) or is not well-formed. */
export const E_BYTES_BAD_INPUT = -402;
/** A character outside US-ASCII where only ASCII is allowed. */
export const E_BYTES_NOT_ASCII = -403;

export function bytesErrorName(code: number): string {
  switch (code) {
    case E_BYTES_NO_SPACE: return 'E_BYTES_NO_SPACE';
    case E_BYTES_BAD_INPUT: return 'E_BYTES_BAD_INPUT';
    case E_BYTES_NOT_ASCII: return 'E_BYTES_NOT_ASCII';
    default: return 'E_BYTES_UNKNOWN';
  }
}
