export * from './kinds.js';
export * from './size-rule.js';
export * from './targets.js';
export * from './keepalive.js';
