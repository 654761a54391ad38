// Public face of core/presence: publishing our state (RFC 3903), presence documents (PIDF/RPID/
// CIPID, watcher info), resource lists (RFC 4662), watcher approval (and its XCAP pres-rules), the buddy table.
export * from './publication.js';
export * from './documents/index.js';
export * from './rls/index.js';
export * from './watchers.js';
export * from './buddies.js';
export * from './presence-states.js';
export * from './partial/index.js';
export * from './xcap/index.js';
