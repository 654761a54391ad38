// Presence benchmark (issue #4 item 10): NOTIFY with a PIDF body → updated presence state, per
// second, on Node and inside QuickJS; minor/major GCs in the steady state; heap per subscription
// with 50 subscriptions. The world (UA, 50 subscriptions set up through subscribe + 200 + first
// NOTIFY, the NOTIFY bodies, the host loop) is bench/presence-harness.ts, shared with QuickJS.
// `benchPresence()` is called by bench/run.ts; `node --import tsx bench/presence.ts [--quick]
// [--text]` runs it alone and prints JSON (or the lines `npm run bench` prints).
import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import type { PresencePath } from './presence-harness.js';
import { bundleForEngine } from '../test/support/quickjs.js';

type Harness = typeof import('./presence-harness.js');

setFlagsFromString('--expose-gc');
// Bytecode of functions not run for a while is dropped at GC: it would make the heap figure swing by
// hundreds of kilobytes either way.
setFlagsFromString('--no-flush-bytecode');
const collect = runInNewContext('gc') as () => void;
const here = dirname(fileURLToPath(import.meta.url));
const SUBSCRIPTIONS = 50;

export interface PresenceRate {
  path: PresencePath;
  engine: 'node' | 'quickjs-wasm';
  /** 'changing': every NOTIFY changes the shown state; 'unchanged': it repeats the state. */
  kind: 'changing' | 'unchanged';
  /** Tuples in each PIDF: 3 devices (≈1.5 KB body, the issue's figure) or 1. */
  devices: 1 | 3;
  bodyBytes: number;
  subscriptions: number;
  notifies: number;
  /** Wall-clock rate (the machine is shared: see cpuNotifiesPerSec). */
  notifiesPerSec: number;
  usPerNotify: number;
  /** The same from this process's CPU time (user + system), less sensitive to other load. */
  cpuNotifiesPerSec: number;
  minorGcPer100k: number | null;
  majorGcPer100k: number | null;
}

/**
 * The harness as the library ships (esbuild ESM, like dist/ and firmware bundles), not through
 * tsx's loader (about 10% slower here; far slower when a file is loaded as CommonJS).
 */
export async function loadHarness(): Promise<Harness> {
  const out = await build({
    entryPoints: [join(here, 'presence-harness.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral',
    target: 'es2022', mainFields: ['module', 'main'], logLevel: 'silent',
  });
  const file = join(tmpdir(), `hardphone-presence-bench-${process.pid}.mjs`);
  writeFileSync(file, out.outputFiles[0]!.text);
  try {
    return (await import(pathToFileURL(file).href)) as Harness;
  } finally {
    rmSync(file, { force: true });
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * GCs whose start lies inside the timed window: PerformanceObserver delivers entries late, so
 * one from set-up may arrive during the run (and one from the run after it).
 */
async function gcsDuring<T>(run: () => T): Promise<{ value: T; minor: number; major: number }> {
  const entries: { start: number; kind: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push({ start: e.startTime, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  });
  observer.observe({ entryTypes: ['gc'] });
  await flush();
  const from = performance.now();
  const value = run();
  const to = performance.now();
  await flush();
  await flush();
  observer.disconnect();
  let minor = 0;
  let major = 0;
  for (const e of entries) {
    if (e.start < from || e.start > to) continue;
    // perf_hooks constants: 1 scavenge (minor), 2 mark-sweep-compact (major); 4 (incremental
    // marking steps of a major GC) and 8 (weak callbacks) are not collections of their own.
    if (e.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else if (e.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
  }
  return { value, minor, major };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function nodeRate(h: Harness, path: PresencePath, kind: 'changing' | 'unchanged', total: number): Promise<PresenceRate> {
  const world = new h.PresenceWorld({ subscriptions: SUBSCRIPTIONS, path });
  const same = kind === 'unchanged';
  let i = 0;
  let sink = 0;
  const warm = Math.min(total, 20_000);
  for (; i < warm; i++) sink += world.step(i, same);
  collect();
  const { value: t, minor, major } = await gcsDuring(() => {
    let local = 0;
    const cpu0 = cpuMicros();
    const start = process.hrtime.bigint();
    for (let k = 0; k < total; k++, i++) local += world.step(i, same);
    const ns = Number(process.hrtime.bigint() - start);
    const cpuUs = cpuMicros() - cpu0;
    sink += local;
    return { ns, cpuUs };
  });
  if (sink !== warm + total || world.mismatches !== 0) throw new Error(`${path}: ${world.mismatches} NOTIFYs did not give the state their body describes`);
  return {
    path, engine: 'node', kind, devices: 3, bodyBytes: world.bodyBytes(), subscriptions: SUBSCRIPTIONS, notifies: total,
    notifiesPerSec: Math.round((total * 1e9) / t.ns),
    usPerNotify: Math.round(t.ns / total / 10) / 100,
    cpuNotifiesPerSec: Math.round((total * 1e6) / Math.max(1, t.cpuUs)),
    minorGcPer100k: Math.round((minor * 100_000) / total),
    majorGcPer100k: Math.round((major * 100_000) / total),
  };
}

/**
 * V8 heap bytes holding data after full GCs (code space left out: it grows and shrinks as functions
 * are optimised). Synchronous on purpose: a suspended async function keeps its temporaries alive,
 * which made an earlier version of this figure swing by 200 KB. Array buffers are left out too:
 * the UA's are its preallocated pools, allocated before any subscription.
 */
function dataHeap(): number {
  collect();
  collect();
  let heap = 0;
  for (const space of getHeapSpaceStatistics()) if (!space.space_name.startsWith('code')) heap += space.space_used_size;
  return heap;
}

function warmWorld(h: Harness, path: PresencePath): number {
  return new h.PresenceWorld({ subscriptions: SUBSCRIPTIONS, path, templates: false }).ids.length;
}

/** Heap after GC with 50 established subscriptions (subscribe, 200, first NOTIFY), less the UA before them, / 50. */
export function heapPerSubscription(h: Harness, path: PresencePath) {
  // A first world warms every lazy path (JIT, first events) so that its cost is not counted.
  warmWorld(h, path);
  const before = dataHeap();
  let world: InstanceType<Harness['PresenceWorld']> | null = new h.PresenceWorld({ subscriptions: 0, path, templates: false });
  const empty = dataHeap();
  world.addSubscriptions(SUBSCRIPTIONS);
  const after = dataHeap();
  if (world.ids.length !== SUBSCRIPTIONS) throw new Error('not all subscriptions established');
  world = null;
  return {
    path,
    subscriptions: SUBSCRIPTIONS,
    bytesPerSubscription: Math.round((after - empty) / SUBSCRIPTIONS),
    /** The UA (and state table) with every slot preallocated, before any subscription (its buffer pools not counted). */
    uaBytesAtStart: empty - before,
  };
}

/** Five runs, the median (a run can still catch a lazily made structure). */
function medianHeap(h: Harness, path: PresencePath) {
  const runs = [];
  heapPerSubscription(h, path); // the first run after the rates still sees their garbage go
  for (let k = 0; k < 9; k++) runs.push(heapPerSubscription(h, path));
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
  return {
    path, subscriptions: SUBSCRIPTIONS,
    bytesPerSubscription: median(runs.map((r) => r.bytesPerSubscription)),
    uaBytesAtStart: median(runs.map((r) => r.uaBytesAtStart)),
    runs: runs.map((r) => r.bytesPerSubscription),
  };
}

/** The steady state inside QuickJS (wasm): set-up and warm-up in one call, the timed NOTIFYs in the next. */
async function quickjsRate(path: PresencePath, iterations: number, devices: 1 | 3): Promise<PresenceRate & { heapUsedBytes: number; heapEmptyBytes: number; bundleBytes: number; floor: { notifiesPerSec: number; cpuNotifiesPerSec: number }; split: { usPerNotify: number; usPidfRead: number } }> {
  const code = await bundleForEngine(join(here, 'presence-quickjs-entry.ts'));
  const quickjs = await getQuickJS();
  const runtime = quickjs.newRuntime();
  runtime.setMaxStackSize(512 * 1024);
  const context = runtime.newContext();
  const memoryUsed = (): number => {
    const handle = runtime.computeMemoryUsage();
    try { return (runtime.context!.dump(handle) as { memory_used_size: number }).memory_used_size; } finally { handle.dispose(); }
  };
  const call = (js: string): string => {
    const r = context.evalCode(js, 'call.js');
    if (r.error) { const err = context.dump(r.error); r.error.dispose(); throw new Error(`QuickJS: ${JSON.stringify(err)}`); }
    const text = context.getString(r.value);
    r.value.dispose();
    return text;
  };
  try {
    const heapEmpty = memoryUsed();
    call(`${code};''`);
    const setup = JSON.parse(call(`globalThis.__setup(${JSON.stringify(JSON.stringify({ subscriptions: SUBSCRIPTIONS, warm: 300, path, devices }))})`)) as { mismatches: number; bodyBytes: number };
    const cpu0 = cpuMicros();
    const r = JSON.parse(call(`globalThis.__run(${iterations})`)) as { elapsedMs: number; sink: number; mismatches: number };
    const cpuUs = cpuMicros() - cpu0;
    const floorIterations = iterations * 4;
    call(`globalThis.__floor(${Math.min(500, floorIterations)})`);
    const f0 = cpuMicros();
    const floor = JSON.parse(call(`globalThis.__floor(${floorIterations})`)) as { elapsedMs: number };
    const floorCpuUs = cpuMicros() - f0;
    call(`globalThis.__body(${Math.min(500, iterations)})`);
    const b0 = cpuMicros();
    const body = JSON.parse(call(`globalThis.__body(${iterations})`)) as { elapsedMs: number; sink: number };
    const bodyCpuUs = cpuMicros() - b0;
    if (body.sink !== iterations) throw new Error(`QuickJS ${path}: ${iterations - body.sink} PIDF bodies did not read`);
    if (setup.mismatches !== 0 || r.mismatches !== 0 || r.sink !== iterations) throw new Error(`QuickJS ${path}: ${r.mismatches} NOTIFYs did not give the state their body describes`);
    return {
      path, engine: 'quickjs-wasm', kind: 'changing', devices, bodyBytes: setup.bodyBytes, subscriptions: SUBSCRIPTIONS, notifies: iterations,
      notifiesPerSec: Math.round((iterations * 1000) / Math.max(r.elapsedMs, 1)),
      usPerNotify: Math.round((r.elapsedMs * 1000) / iterations),
      cpuNotifiesPerSec: Math.round((iterations * 1e6) / Math.max(1, cpuUs)),
      minorGcPer100k: null, majorGcPer100k: null,
      heapUsedBytes: memoryUsed(), heapEmptyBytes: heapEmpty, bundleBytes: code.length,
      // CPU time of the same NOTIFYs, whole and their PIDF read alone: the rest is the SIP path.
      split: { usPerNotify: Math.round(cpuUs / iterations), usPidfRead: Math.round(bodyCpuUs / iterations) },
      floor: {
        notifiesPerSec: Math.round((floorIterations * 1000) / Math.max(floor.elapsedMs, 1)),
        cpuNotifiesPerSec: Math.round((floorIterations * 1e6) / Math.max(1, floorCpuUs)),
      },
    };
  } finally {
    context.dispose();
    runtime.dispose();
  }
}

export async function benchPresence(options: { quick?: boolean } = {}) {
  const total = options.quick ? 20_000 : 100_000;
  const h = await loadHarness();
  const rates: PresenceRate[] = [];
  rates.push(await nodeRate(h, 'presence-state', 'changing', total));
  rates.push(await nodeRate(h, 'presence-state', 'unchanged', total));
  rates.push(await nodeRate(h, 'notify+buddies', 'changing', total));
  const quickjs = await quickjsRate('presence-state', options.quick ? 1_000 : 5_000, 3);
  rates.push(quickjs);
  // The same with a single phone's PIDF (one tuple): what most NOTIFYs to a desk phone carry.
  const quickjsOneDevice = await quickjsRate('presence-state', options.quick ? 1_000 : 5_000, 1);
  rates.push(quickjsOneDevice);
  const heap = [medianHeap(h, 'presence-state'), medianHeap(h, 'notify+buddies')];
  const tracked = rates.filter((r) => r.path === 'presence-state' && r.engine === 'node');
  return {
    name: 'presence',
    rates,
    heapPerSubscription: heap,
    quickjsHeap: { usedBytes: quickjs.heapUsedBytes, emptyBytes: quickjs.heapEmptyBytes, bundleBytes: quickjs.bundleBytes },
    /** A loop touching each byte of the same NOTIFYs once, inside QuickJS: what no implementation can beat there. */
    quickjsByteScanFloor: quickjs.floor,
    /** Where a NOTIFY's CPU time goes inside QuickJS: its PIDF read, and the rest (SIP parse, transaction, 200 OK, state). */
    quickjsSplit: [quickjs, quickjsOneDevice].map((r) => ({ devices: r.devices, bodyBytes: r.bodyBytes, ...r.split })),
    targets: {
      /** The issue's figure: the three-device document. */
      quickjsAtLeast2000PerSec: Math.max(quickjs.notifiesPerSec, quickjs.cpuNotifiesPerSec) >= 2000,
      quickjsOneDeviceAtLeast2000PerSec: Math.max(quickjsOneDevice.notifiesPerSec, quickjsOneDevice.cpuNotifiesPerSec) >= 2000,
      zeroGcsOnNode: tracked.every((r) => r.minorGcPer100k === 0 && r.majorGcPer100k === 0),
    },
  };
}

export type PresenceBench = Awaited<ReturnType<typeof benchPresence>>;

/** The lines bench/run.ts prints. */
export function presenceLines(p: PresenceBench): string[] {
  const lines = ['presence (NOTIFY + PIDF → presence state, 50 subscriptions, each NOTIFY answered 200 and its event drained):'];
  for (const r of p.rates) {
    const gc = r.minorGcPer100k === null ? '' : `  ${r.minorGcPer100k} minor / ${r.majorGcPer100k} major GCs per 100k`;
    lines.push(`  ${r.path.padEnd(15)} ${r.engine.padEnd(13)} ${r.kind.padEnd(10)} ${`${r.devices} device${r.devices === 1 ? '' : 's'} ${r.bodyBytes} B`.padEnd(17)} ${r.notifiesPerSec.toLocaleString('en-US').padStart(9)} NOTIFY/s ${String(r.usPerNotify).padStart(7)} µs each (CPU time: ${r.cpuNotifiesPerSec.toLocaleString('en-US')}/s)${gc}`);
  }
  const q = p.rates.find((r) => r.engine === 'quickjs-wasm')!;
  lines.push(`  QuickJS byte-scan floor over the same NOTIFYs: ${p.quickjsByteScanFloor.notifiesPerSec.toLocaleString('en-US')} NOTIFY/s (CPU time: ${p.quickjsByteScanFloor.cpuNotifiesPerSec.toLocaleString('en-US')}/s); hardphone reaches ${Math.round((q.cpuNotifiesPerSec / p.quickjsByteScanFloor.cpuNotifiesPerSec) * 100)}% of it`);
  for (const s of p.quickjsSplit) {
    const rest = s.usPerNotify - s.usPidfRead;
    lines.push(`  QuickJS CPU time per NOTIFY (${s.devices} device${s.devices === 1 ? '' : 's'}, ${s.bodyBytes} B PIDF): ${s.usPerNotify} µs = PIDF read ${s.usPidfRead} µs + SIP path and state ${rest} µs; 2,000/s leaves 500 µs (the SIP path alone would run at ${Math.round(1e6 / Math.max(1, rest)).toLocaleString('en-US')}/s)`);
  }
  for (const h of p.heapPerSubscription) lines.push(`  heap per subscription (${h.path}, ${h.subscriptions} established, median of ${h.runs.join(', ')}): ${h.bytesPerSubscription.toLocaleString('en-US')} bytes (the UA before them, buffer pools aside: ${h.uaBytesAtStart.toLocaleString('en-US')} bytes)`);
  lines.push(`  targets: >= 2,000 NOTIFY/s inside QuickJS (3-device PIDF): ${p.targets.quickjsAtLeast2000PerSec ? 'met' : 'missed'} (1-device PIDF: ${p.targets.quickjsOneDeviceAtLeast2000PerSec ? 'met' : 'missed'}); 0 GCs in the steady state on Node: ${p.targets.zeroGcsOnNode ? 'met' : 'missed'}`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchPresence({ quick: process.argv.includes('--quick') });
  if (process.argv.includes('--text')) process.stdout.write(presenceLines(result).join('\n') + '\n');
  else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
