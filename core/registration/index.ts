export * from './states.js';
export * from './machine.js';
