export * from './cpim.js';
