// The host side of the soak inside QuickJS (soak-quickjs.test.ts, run-soak.ts): the scenario
// bundled like firmware (test/support/quickjs.ts), one runtime, driven a slice at a time so the
// engine's memory can be read between slices. QuickJS accounts memory exactly (every malloc of
// the runtime is counted) and frees by reference counting, so after
// executePendingJobs() and a forced cycle collection (collectCycles below) memory_used_size is
// what the program holds.
import { fileURLToPath } from 'node:url';
import { getQuickJS, type QuickJSContext, type QuickJSRuntime } from 'quickjs-emscripten';
import { bundleForEngine } from '../support/quickjs.js';
import type { SoakCounters } from './soak-scenario.js';
import type { UaOccupancy } from '../../core/ua/index.js';

export interface QuickJsSlice {
  /** Virtual ms at the end of the slice. */
  now: number;
  counters: SoakCounters;
  occupancy: UaOccupancy;
  intendedSubscriptions: number;
  activeSubscriptions: number;
  leakedObjects: number;
  /** memory_used_size / obj_count of the runtime after the slice. */
  memory: number;
  objects: number;
  wallMs: number;
}

export interface QuickJsSoak {
  readonly bundleBytes: number;
  readonly code: string;
  readonly baseline: UaOccupancy;
  /** `phase`: '' to go on churning, 'quiesce' or 'shutdown' first (SoakScenario). */
  run(hours: number, phase?: '' | 'quiesce' | 'shutdown'): QuickJsSlice;
  dispose(): void;
}

let bundled: Promise<string> | null = null;

export function soakBundle(): Promise<string> {
  return bundled ??= bundleForEngine(fileURLToPath(new URL('./soak-quickjs-entry.ts', import.meta.url)));
}

function memoryOf(runtime: QuickJSRuntime): { memory: number; objects: number } {
  const handle = runtime.computeMemoryUsage();
  try {
    const u = runtime.context!.dump(handle) as { memory_used_size: number; obj_count: number };
    return { memory: u.memory_used_size, objects: u.obj_count };
  } finally {
    handle.dispose();
  }
}

/**
 * Runs QuickJS's cycle collector. Reference counting frees everything else at once, but garbage
 * in cycles (a restarted phone's old UserAgent: its closures for the notifier and chat ports
 * point back at it) waits for JS_RunGC, which QuickJS runs by itself only once its allocations
 * pass a threshold — and quickjs-emscripten exposes no call to it. So: a sentinel cycle behind a
 * WeakRef, then small garbage cycles, one at a time, until the sentinel is gone: a collection
 * has just run (~30 000 cycles here), freeing every cycle, the junk included, and setting the
 * threshold again from what is really live. Held temporaries would not do: the threshold is
 * then set from them and the next hour needs twice as many (measured).
 */
const COLLECT = `globalThis.__collectCycles = () => {
  let s = {}; s.self = s; const w = new WeakRef(s); s = null;
  let n = 0;
  while (w.deref() !== undefined) { if (++n > 10000000) throw new Error('no collection after 10M garbage cycles'); const a = { n }; a.self = a; }
  return String(n);
};`;

function collectCycles(context: QuickJSContext): number {
  return Number(call(context, '__collectCycles()'));
}

function call(context: QuickJSContext, src: string): string {
  const r = context.evalCode(src, 'call.js');
  if (r.error) {
    const err = context.dump(r.error);
    r.error.dispose();
    throw new Error(`QuickJS: ${JSON.stringify(err)}`);
  }
  const text = context.getString(r.value);
  r.value.dispose();
  return text;
}

/** `flows`: the second scenario (soak-flows-scenario.ts), `streams` the third (soak-streams-scenario.ts); their slices carry their own counters. */
export async function startQuickJsSoak(options: { seed?: number; leak?: boolean; flows?: boolean; streams?: boolean } = {}): Promise<QuickJsSoak> {
  const code = await soakBundle();
  const quickjs = await getQuickJS();
  const runtime = quickjs.newRuntime();
  runtime.setMaxStackSize(512 * 1024);
  const context = runtime.newContext();
  const loaded = context.evalCode(code, 'soak.js');
  if (loaded.error) {
    const err = context.dump(loaded.error);
    loaded.error.dispose();
    context.dispose();
    runtime.dispose();
    throw new Error(`QuickJS failed to load the soak bundle: ${JSON.stringify(err)}`);
  }
  loaded.value.dispose();
  call(context, `${COLLECT} 'ok'`);
  const start = JSON.parse(call(context, `__soakStart(${JSON.stringify(JSON.stringify(options))})`)) as { baseline: UaOccupancy };
  const t0 = performance.now();
  return {
    bundleBytes: code.length,
    code,
    baseline: start.baseline,
    run(hours, phase = '') {
      const slice = JSON.parse(call(context, `__soakRun(${hours}, ${JSON.stringify(phase)})`)) as Omit<QuickJsSlice, 'memory' | 'objects' | 'wallMs'>;
      runtime.executePendingJobs();
      collectCycles(context);
      return { ...slice, ...memoryOf(runtime), wallMs: Math.round(performance.now() - t0) };
    },
    dispose() {
      context.dispose();
      runtime.dispose();
    },
  };
}

/**
 * The largest rise of memory_used_size above the first hour ≥ `warmup`, over the hours that end
 * without a live chat: one holds ~10 KiB (its response and ACK buffers, SDP), so an hour that
 * ends with one is not comparable with one that does not. Most hours end without.
 */
export function flatness(all: QuickJsSlice[], warmup: number): { base: QuickJsSlice; last: QuickJsSlice; worst: number; comparable: number } {
  const quiet = all.slice(warmup - 1).filter((s) => s.occupancy.chats === 0);
  const base = quiet[0]!;
  let worst = 0;
  for (const s of quiet) worst = Math.max(worst, s.memory - base.memory);
  return { base, last: quiet[quiet.length - 1]!, worst, comparable: quiet.length - 1 };
}
