export * from './dialog.js';
export * from './table.js';
