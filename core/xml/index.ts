export * from './errors.js';
export * from './bytes.js';
export * from './reader.js';
export * from './writer.js';
export * from './scratch.js';
