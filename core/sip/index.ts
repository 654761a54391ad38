// Public face of core/sip. Each module's owner appends its export line here.
export * from './errors.js';
export * from './header-ids.js';
export * from './view.js';
export { parse, createParseOptions, type ParseOptions } from './parser.js';
export * from './values.js';
export * from './framer.js';
export * from './writer.js';
