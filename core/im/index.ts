export * from './cpim.js';
export * from './body-kind.js';
export * from './text-body.js';
export { formatRfc3339 } from './datetime.js';
export * from './iscomposing.js';
export * from './iscomposing-machine.js';
export * from './imdn.js';
export * from './imdn-machine.js';
export * from './conversation-store.js';
