// Error and decision codes of digest auth: negative numbers in the -300 range (the SIP parser
// uses -1..-99, decoders -100..-199, the writer -200..-299, core/bytes -400..).

/** Header text is not a well-formed challenge/credentials list (see errorOffset). */
export const E_AUTH_SYNTAX = -301;
/** A scheme other than Digest (Basic, Bearer, NTLM ...): its span is reported, nothing else decoded. */
export const E_AUTH_UNKNOWN_SCHEME = -302;
/** A parameter the scheme requires is missing (realm/nonce in a challenge; username ... in credentials). */
export const E_AUTH_MISSING_PARAM = -303;
/** The same parameter twice in one challenge (RFC 7235 §2.1: each name only once). */
export const E_AUTH_DUPLICATE_PARAM = -304;
/** An algorithm the core does not implement (e.g. SHA-512-256, AKAv1-MD5). */
export const E_AUTH_UNSUPPORTED_ALGORITHM = -305;
/** A qop list offering nothing we implement (neither auth nor auth-int). */
export const E_AUTH_UNSUPPORTED_QOP = -306;
/** Output buffer too small; nothing usable was written. */
export const E_AUTH_NO_SPACE = -307;
/** A value longer than the fixed storage kept for it (realm, nonce, opaque). */
export const E_AUTH_TOO_LONG = -308;
/** A parameter value of the wrong form (nc not 8 hex digits, stale not true/false ...). */
export const E_AUTH_BAD_VALUE = -309;
/** No credentials for the challenge's realm. */
export const E_AUTH_NO_CREDENTIALS = -310;
/** Retry refused: the server rejected the nonce we had just answered (same nonce again). */
export const E_AUTH_SAME_NONCE = -311;
/** Retry refused: credentials sent in answer to a challenge were rejected without stale=true. */
export const E_AUTH_REJECTED = -312;
/** Retry refused: too many stale=true rounds in one request chain. */
export const E_AUTH_TOO_MANY_STALE = -313;
/** No Digest challenge we can answer in the response. */
export const E_AUTH_NO_CHALLENGE = -314;
/** More realms challenged at once than the client has slots for. */
export const E_AUTH_TOO_MANY_REALMS = -315;

const NAMES: readonly string[] = ['E_AUTH_SYNTAX', 'E_AUTH_UNKNOWN_SCHEME', 'E_AUTH_MISSING_PARAM',
  'E_AUTH_DUPLICATE_PARAM', 'E_AUTH_UNSUPPORTED_ALGORITHM', 'E_AUTH_UNSUPPORTED_QOP', 'E_AUTH_NO_SPACE',
  'E_AUTH_TOO_LONG', 'E_AUTH_BAD_VALUE', 'E_AUTH_NO_CREDENTIALS', 'E_AUTH_SAME_NONCE', 'E_AUTH_REJECTED',
  'E_AUTH_TOO_MANY_STALE', 'E_AUTH_NO_CHALLENGE', 'E_AUTH_TOO_MANY_REALMS'];

const MESSAGES: readonly string[] = [
  'malformed authentication header (RFC 3261 §25.1 challenge / credentials ABNF)',
  'authentication scheme is not Digest',
  'a required digest parameter is missing',
  'a digest parameter appears twice (RFC 7235 §2.1)',
  'digest algorithm not supported (MD5, MD5-sess, SHA-256, SHA-256-sess are)',
  'qop offers neither auth nor auth-int',
  'output buffer too small',
  'value longer than the storage kept for it',
  'digest parameter value has the wrong form',
  'no credentials for this realm',
  'the server rejected the same nonce again: giving up',
  'credentials were rejected: giving up (no stale=true)',
  'too many stale nonces in one request: giving up',
  'no Digest challenge that can be answered',
  'more challenged realms than client slots',
];

export function authErrorName(code: number): string {
  const i = -code - 301;
  return i >= 0 && i < NAMES.length ? NAMES[i] : 'E_AUTH_UNKNOWN';
}

export function authErrorMessage(code: number): string {
  const i = -code - 301;
  return i >= 0 && i < MESSAGES.length ? MESSAGES[i] : 'unknown auth error';
}
