// The engines a firmware bundle can target, as data: how esbuild packages the code for each, and
// which host APIs the engine does not have (code that reaches the bundle must not use them).

export type EngineId = 'quickjs' | 'xs' | 'node';

export interface EngineProfile {
  readonly id: EngineId;
  /** QuickJS and XS evaluate a script; Node imports a module. */
  readonly format: 'iife' | 'esm';
  readonly platform: 'neutral' | 'node';
  /** File name extension of the bundle. */
  readonly extension: '.js' | '.mjs';
  /** Free globals the engine lacks. A reference to one in the bundle fails the build. */
  readonly missingGlobals: readonly string[];
  /** Whether `node:*` and other Node built-in module imports may reach the bundle. */
  readonly nodeBuiltins: boolean;
  /**
   * Whether terser minifies esbuild's output once more (bundle.ts). Device engines: yes, the
   * bundle's size is the flash and RAM budget of issue #7 (QuickJS even keeps each live
   * function's source text in its heap). Node: no, it runs on hosts with RAM to spare, no budget
   * is measured on it, and a build stays seconds faster.
   */
  readonly terser: boolean;
}

// A bare embedded engine has none of these (see the device-engine notes: bellard's QuickJS and
// Moddable XS on a device ship only the ECMAScript language; the host adds what it binds itself).
// Time, timers and I/O reach core/ through the host loop, never through globals.
const DEVICE_MISSING: readonly string[] = [
  // Node
  'Buffer', 'process', 'require', 'module', 'exports', '__dirname', '__filename', 'global',
  'setImmediate', 'clearImmediate',
  // timers
  'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask',
  // web platform
  'TextEncoder', 'TextDecoder', 'fetch', 'console', 'structuredClone', 'Intl', 'URL',
  'URLSearchParams', 'atob', 'btoa', 'crypto', 'performance', 'AbortController', 'EventTarget',
  'Blob', 'WebSocket', 'XMLHttpRequest', 'navigator', 'window', 'document', 'self',
];

export const ENGINES: Readonly<Record<EngineId, EngineProfile>> = {
  quickjs: { id: 'quickjs', format: 'iife', platform: 'neutral', extension: '.js', missingGlobals: DEVICE_MISSING, nodeBuiltins: false, terser: true },
  xs: { id: 'xs', format: 'iife', platform: 'neutral', extension: '.js', missingGlobals: DEVICE_MISSING, nodeBuiltins: false, terser: true },
  node: { id: 'node', format: 'esm', platform: 'node', extension: '.mjs', missingGlobals: [], nodeBuiltins: true, terser: false },
};

export const ENGINE_IDS = Object.keys(ENGINES) as EngineId[];

export function isEngineId(s: string): s is EngineId {
  return Object.prototype.hasOwnProperty.call(ENGINES, s);
}
