// boards: board definitions (one folder per board), their io-ts codec and the built-in registry.
export { loadBoard, loadBoardText } from './load.js';
export { builtinBoard, builtinBoardIds, BUILTIN_DEFINITIONS } from './registry.js';
export { indicatorLayout, boardPolicy, statusTextGrid, lampsWired } from './layout.js';
export { DEFAULT_SYSFS_ROOT, ALL_PATTERNS } from './normalize.js';
export type { Board, BoardLamp, BoardPanel, BoardIndicators } from './normalize.js';
export {
  BoardDefinition, LampWiring, KeyWiring, DisplayDefinition, Capabilities, Capacities,
} from './codec.js';
export { formatErrors, formatPath } from './report.js';
