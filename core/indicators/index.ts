// core/indicators: from phone state to lamps and display lines, pure and engine-neutral.
export * from './frame.js';
export * from './input.js';
export * from './blf-state.js';
export * from './policy.js';
export * from './presets.js';
export * from './roles.js';
export * from './degrade.js';
export * from './text-fit.js';
export * from './status-lines.js';
export * from './engine.js';
export * from './scheduler.js';
export * from './route.js';
export * from './soft-blink.js';
