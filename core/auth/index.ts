// Public face of core/auth: SIP digest authentication (RFC 2617, RFC 7616, RFC 3261 §22, RFC 8760).
export * from './errors.js';
export * from './algorithm.js';
export { AuthParamCursor, hashQuoted, quotedEquals } from './auth-params.js';
export { DigestChallenge, decodeChallenge } from './challenge.js';
export { DigestCredentials, decodeCredentials } from './credentials.js';
export { DigestComputer, DigestComputerBase, verifyDigest, writeNonceCount } from './digest.js';
export { AuthorizationFields, writeAuthorization } from './authorization-writer.js';
export { CnonceGenerator, CNONCE_LENGTH, type RandomSource } from './cnonce.js';
export { CredentialStore, type Credential } from './credential-store.js';
export { AUTH_RETRY, retryDecision, SENT_FRESH, SENT_PREEMPTIVE, SENT_ANSWERED } from './retry-policy.js';
export { DigestClient, DigestClientBase, DigestWorkspace, DigestWorkspaceBase, type DigestClientOptions, type HeaderSource } from './client.js';
