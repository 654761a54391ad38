export * from './errors.js';
export * from './header-ids.js';
export * from './view.js';
export * from './parser.js';
export * from './writer.js';
export * from './reassembly.js';
