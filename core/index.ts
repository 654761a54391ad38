// `hardphone/core`: every layer of the engine under its own namespace, so names never collide
// and a firmware build can still import a single layer directly (`hardphone/core/sip`).
// Layers, transport → application: sip (messages), transaction, transport, dialog, auth,
// registration, event, presence, packages, im, msrp, indicators, display, keys, and ua — the
// façade a host drives.
export * as bytes from './bytes/index.js';
export * as sip from './sip/index.js';
export * as sipDecode from './sip/decode/index.js';
export * as transaction from './transaction/index.js';
export * as timers from './timers/index.js';
export * as transport from './transport/index.js';
export * as stun from './stun/index.js';
export * as dialog from './dialog/index.js';
export * as auth from './auth/index.js';
export * as registration from './registration/index.js';
export * as event from './event/index.js';
export * as xml from './xml/index.js';
export * as mime from './mime/index.js';
export * as presence from './presence/index.js';
export * as packages from './packages/index.js';
export * as im from './im/index.js';
export * as msrp from './msrp/index.js';
export * as indicators from './indicators/index.js';
export * as display from './display/index.js';
export * as keys from './keys/index.js';
export * as ua from './ua/index.js';
export * as app from './app/index.js';
export { Ok, Err, type Result } from './result.js';
