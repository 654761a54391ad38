// Public face of core/presence: publishing our state (RFC 3903), presence documents (PIDF/RPID/
// CIPID, watcher info), resource lists (RFC 4662), watcher approval and the buddy table.
export * from './publication.js';
export * from './documents/index.js';
export * from './rls/index.js';
export * from './watchers.js';
export * from './buddies.js';
