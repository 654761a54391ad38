// Partial presence (RFC 5262 format, RFC 5263 usage): the application/pidf-diff+xml reader and the
// RFC 5261 byte-level patcher under it. PresenceStates (../presence-states.ts) uses them.
export * from './partial-pidf.js';
export * from './xml-patch.js';
export * from './patch-selector.js';
export * from './token-spans.js';
export * from './pidf-diff-writer.js';
