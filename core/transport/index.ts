export * from './kinds.js';
export * from './size-rule.js';
export * from './targets.js';
export * from './keepalive.js';
export * from './websocket-errors.js';
export * from './websocket-frame-reader.js';
export * from './websocket-frame-writer.js';
export * from './websocket-handshake.js';
