// Public face of core/packages: the event packages a desk phone's lamps come from — dialog
// (RFC 4235, busy-lamp keys) and message-summary (RFC 3842, the message-waiting lamp).
export * from './dialog-info.js';
export * from './dialog-info-blf.js';
export * from './dialog-info-writer.js';
export * from './blf-keys.js';
export * from './message-summary.js';
export * from './mwi.js';
