// core/app: glue between the UA and what the phone shows (pure, engine-neutral).
export * from './phone-state.js';
export * from './messaging.js';
