// XCAP (RFC 4825) for presence: document URIs, pres-rules (RFC 5025) and rls-services (RFC 4826)
// writers, a bounded HTTP/1.1 request writer + response reader, and the sans-I/O publisher that
// keeps a document (the watcher policy) on the server.
export * from './uri.js';
export * from './pres-rules.js';
export * from './rls-services.js';
export * from './http.js';
export * from './policy-client.js';
