// core/timers: deadline tables for the state machines (see deadline-heap.ts).
export * from './deadline-heap.js';
