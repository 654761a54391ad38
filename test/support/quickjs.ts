// Runs project code inside a real embedded engine: QuickJS compiled to wasm (npm
// quickjs-emscripten). The code is bundled by esbuild exactly as a firmware build would be
// (IIFE, es2022, no Node APIs), evaluated as a script, and talks to the host only through a
// JSON string, so nothing of Node leaks into the engine.
import { build } from 'esbuild';
import { getQuickJS, type QuickJSRuntime } from 'quickjs-emscripten';

export interface QuickJsRun<T> {
  result: T;
  /** Bytes in use inside the QuickJS heap after the run (computeMemoryUsage().memory_used_size). */
  heapUsed: number;
  /** The same figure for an empty runtime and context, measured just before. */
  heapEmpty: number;
  bundleBytes: number;
}

/** Bundles `entry` (which must assign `globalThis.__run = (input: string) => string`). */
export async function bundleForEngine(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    minify: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function memoryUsed(runtime: QuickJSRuntime): number {
  const handle = runtime.computeMemoryUsage();
  try {
    // The handle belongs to the runtime's own system context, created on demand by the call.
    const usage = runtime.context!.dump(handle) as { memory_used_size: number };
    return usage.memory_used_size;
  } finally {
    handle.dispose();
  }
}

/** Evaluates the bundle in a fresh QuickJS runtime, calls `__run(JSON.stringify(input))`. */
export async function runInQuickJS<T>(code: string, input: unknown): Promise<QuickJsRun<T>> {
  const quickjs = await getQuickJS();
  const runtime = quickjs.newRuntime();
  runtime.setMaxStackSize(512 * 1024);
  const context = runtime.newContext();
  try {
    const heapEmpty = memoryUsed(runtime);
    const loaded = context.evalCode(code, 'bundle.js');
    if (loaded.error) {
      const err = context.dump(loaded.error);
      loaded.error.dispose();
      throw new Error(`QuickJS failed to load the bundle: ${JSON.stringify(err)}`);
    }
    loaded.value.dispose();
    const call = context.evalCode(`globalThis.__run(${JSON.stringify(JSON.stringify(input))})`, 'call.js');
    if (call.error) {
      const err = context.dump(call.error);
      call.error.dispose();
      throw new Error(`QuickJS run failed: ${JSON.stringify(err)}`);
    }
    const text = context.getString(call.value);
    call.value.dispose();
    runtime.executePendingJobs();
    const heapUsed = memoryUsed(runtime);
    return { result: JSON.parse(text) as T, heapUsed, heapEmpty, bundleBytes: code.length };
  } finally {
    context.dispose();
    runtime.dispose();
  }
}
