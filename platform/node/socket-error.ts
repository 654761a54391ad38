// Why a socket failed, in words. The platform/host interfaces call onError with no argument
// (ECMA-419 shape); the Node adapters also pass this object as the callback's first argument
// and keep it on the socket's `error` property, so a host can log "certificate has expired"
// rather than "error". Callbacks written for the bare interface simply ignore it.

export interface SocketError {
  /** Node/OpenSSL code: ECONNREFUSED, ECONNRESET, EOF (clean close by the peer), ETIMEDOUT,
   *  DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, … */
  readonly code: string;
  readonly message: string;
  /** True when TLS server-certificate verification refused the peer. */
  readonly certificate: boolean;
}

// OpenSSL X509 verification codes as Node reports them (X509_V_ERR_* without the prefix), plus
// Node's own host-name mismatch.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD', 'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'OUT_OF_MEM',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED', 'INVALID_CA',
  'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function socketError(cause: unknown, context: string): SocketError {
  const e = cause as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : 'EIO';
  const detail = typeof e?.message === 'string' ? e.message : String(cause);
  const certificate = CERTIFICATE_CODES.has(code);
  const message = certificate
    ? `${context}: TLS certificate verification failed: ${detail} (${code})`
    : `${context}: ${detail}${detail.includes(code) ? '' : ` (${code})`}`;
  return { code, message, certificate };
}

export function closedByPeer(context: string): SocketError {
  return { code: 'EOF', message: `${context}: connection closed by the peer`, certificate: false };
}
