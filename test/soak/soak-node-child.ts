// The soak on Node, in a child started with --expose-gc (soak-node.test.ts, run-soak.ts): runs
// the scenario hour by hour, reads the V8 heap after full collections at the end of every
// virtual hour, then lets the phones go quiet and shut down, and prints one JSON line.
// At the warm-up hour and the last one it also writes a heap snapshot and, once the run is over,
// sums the program data in each (heap-snapshot.ts says why heapUsed alone cannot show a leak).
// `--hours N` (default 24), `--warmup N` (default 2), `--leak` (the control run: one object kept
// per request sent), `--seed N` (another schedule), `--dir D` (where the snapshots go; default a
// fresh temp directory, removed), `--flows` (the second scenario, soak-flows-scenario.ts: TCP flows,
// keep-alives, forked subscriptions, RFC 3263 failover), `--streams` (the third, soak-streams-scenario.ts:
// WebSocket and TLS flows, connections the server opens to the phone).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { SoakScenario } from './soak-scenario.js';
import { FlowSoakScenario } from './soak-flows-scenario.js';
import { StreamSoakScenario } from './soak-streams-scenario.js';
import { readHeapData, topGrowth } from './heap-snapshot.js';
import { UaOccupancy } from '../../core/ua/index.js';

export interface NodeSoakHour {
  hour: number;
  /** V8 heapUsed after full GCs (bytes). */
  heap: number;
  wallMs: number;
  requests: number;
  occupancy: UaOccupancy;
}

export interface NodeSoakResult {
  hours: NodeSoakHour[];
  baseline: UaOccupancy;
  /** After quiesce() and 15 quiet minutes: subscriptions, refreshes and watchers only. */
  quiet: UaOccupancy;
  intendedSubscriptions: number;
  activeSubscriptions: number;
  /** After every phone's shutdown() and 5 minutes. */
  afterShutdown: UaOccupancy;
  counters: Record<string, number>;
  leakedObjects: number;
  wallMs: number;
  warmupHour: number;
  /** Requests sent at the end of the warm-up hour and of the last hour. */
  warmupRequests: number;
  /** Program data in the heap snapshots (heap-snapshot.ts) at the warm-up hour and the last hour. */
  dataAtWarmup: number;
  dataAtEnd: number;
  /** Everything else in those snapshots (code, feedback, V8 internals): grows with JIT tier-up. */
  otherAtWarmup: number;
  otherAtEnd: number;
  /** The largest data growths between the two snapshots. */
  growth: string[];
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/** Full collections until the heap stops shrinking (weak callbacks and finalizers settle in a few). */
function settledHeap(): number {
  let last = Infinity;
  for (let i = 0; i < 6; i++) {
    gc!();
    const used = process.memoryUsage().heapUsed;
    if (used >= last) return Math.min(used, last);
    last = used;
  }
  return last;
}

const args = process.argv.slice(2);
const hoursAt = args.indexOf('--hours');
const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 24;
const leak = args.includes('--leak');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : undefined;
const warmupAt = args.indexOf('--warmup');
const warmupHour = Math.min(warmupAt >= 0 ? Number(args[warmupAt + 1]) : 2, hours - 1);
const dirAt = args.indexOf('--dir');
const dir = dirAt >= 0 ? args[dirAt + 1]! : mkdtempSync(join(tmpdir(), 'soak-'));
const warmupSnapshot = join(dir, `warmup-${process.pid}.heapsnapshot`);
const endSnapshot = join(dir, `end-${process.pid}.heapsnapshot`);
let warmupRequests = 0;

const t0 = performance.now();
const flows = args.includes('--flows');
const options = seed === undefined ? { leak } : { leak, seed };
const streams = args.includes('--streams');
const s = streams ? new StreamSoakScenario(options) : flows ? new FlowSoakScenario(options) : new SoakScenario(options);
const baseline = s.occupancy();
s.start();
// The figures of every hour go into records made before the run, so the harness's own table
// does not grow between the two snapshots (the diff is then the UA's alone).
const rows: NodeSoakHour[] = Array.from({ length: hours }, () => ({ hour: 0, heap: 0, wallMs: 0, requests: 0, occupancy: new UaOccupancy() }));
for (let h = 1; h <= hours; h++) {
  s.run(1);
  const row = rows[h - 1]!;
  row.hour = h;
  row.heap = settledHeap();
  row.wallMs = Math.round(performance.now() - t0);
  row.requests = s.counters.requestsSent;
  s.occupancy(row.occupancy);
  // The snapshot is taken after the figures of the hour: its own cost stays out of the wall time.
  if (h === warmupHour) { warmupRequests = s.counters.requestsSent; writeHeapSnapshot(warmupSnapshot); }
  if (h === hours) writeHeapSnapshot(endSnapshot);
}
s.quiesce();
s.run(0.25);
const quiet = s.occupancy();
const intendedSubscriptions = s.intendedSubscriptions;
const activeSubscriptions = s.activeSubscriptions;
s.shutdown();
s.run(5 / 60);
const wallMs = Math.round(performance.now() - t0);
const afterShutdown = s.occupancy();
const counters: Record<string, number> = { ...s.counters };
const leakedObjects = s.leakedObjects;
const a = readHeapData(warmupSnapshot);
const b = readHeapData(endSnapshot);
if (dirAt < 0) rmSync(dir, { recursive: true, force: true });
const result: NodeSoakResult = {
  hours: rows, baseline, quiet, intendedSubscriptions, activeSubscriptions, afterShutdown, counters, leakedObjects, wallMs,
  warmupHour, warmupRequests, dataAtWarmup: a.dataBytes, dataAtEnd: b.dataBytes, otherAtWarmup: a.otherBytes, otherAtEnd: b.otherBytes,
  growth: topGrowth(a, b),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
