// Public face of core/bytes: byte-level helpers the SIP layers share. (chars.ts, the character
// classes of the SIP grammar, belongs to the parser and is exported from core/sip.)
export * from './errors.js';
export * from './utf8.js';
export * from './ascii.js';
export * from './hex.js';
export * from './base64.js';
export type { Hasher } from './hasher.js';
export { Md5, md5Hex } from './md5.js';
export { Sha256, sha256Hex, sha256Module } from './sha256.js';
export { Sha1, sha1Hex } from './sha1.js';
