export * from './rlmi.js';
export * from './cid.js';
export * from './related-body.js';
export * from './resource-list.js';
export * from './byte-slot.js';
