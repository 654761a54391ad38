// Timing and garbage-collection counting shared by the benchmarks. GCs are counted from
// PerformanceObserver 'gc' entries (minor = scavenges of the young generation), which Node
// delivers asynchronously: `countGcs` waits a macrotask after the run so none are missed.
import { PerformanceObserver, constants } from 'node:perf_hooks';

export interface Measurement {
  name: string;
  engine: string;
  msgsPerSec: number;
  nsPerMsg: number;
  /** Minor GCs per 1M messages (null when not measurable, e.g. inside QuickJS). */
  gcPer1M: number | null;
  messages: number;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function countGcs<T>(run: () => T): Promise<{ value: T; minor: number; major: number }> {
  let minor = 0;
  let major = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
      else major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await flush();
  const value = run();
  await flush();
  await flush();
  observer.disconnect();
  return { value, minor, major };
}

/**
 * Runs `parseOne(i)` for `messages` iterations after a warm-up and returns the rate. `sink`
 * accumulates results so the JIT cannot drop the work.
 */
export async function measure(name: string, engine: string, messages: number, parseOne: (i: number) => number): Promise<Measurement & { checksum: number }> {
  let sink = 0;
  const warm = Math.min(20000, Math.max(200, Math.floor(messages / 4)));
  for (let i = 0; i < warm; i++) sink += parseOne(i);
  // The timed loop keeps its sum in a local (an int, unboxed): a captured variable would box a
  // fresh heap number on every += and the GC column would count the benchmark, not the parser.
  const { value: timed, minor } = await countGcs(() => {
    let local = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < messages; i++) local = (local + parseOne(i)) | 0;
    return { ns: Number(process.hrtime.bigint() - start), local };
  });
  sink += timed.local;
  const elapsedNs = timed.ns;
  return {
    name,
    engine,
    messages,
    msgsPerSec: Math.round((messages * 1e9) / elapsedNs),
    nsPerMsg: Math.round((elapsedNs / messages) * 10) / 10,
    gcPer1M: Math.round((minor * 1e6) / messages),
    checksum: sink,
  };
}
