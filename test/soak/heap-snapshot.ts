// The JavaScript data a V8 heap holds, read from a heap snapshot (Node only; the soak's child
// writes the snapshots, soak-node-child.ts). Why not process.memoryUsage().heapUsed: over a
// 24-hour soak V8 keeps tiering functions up (Sparkplug, Maglev, TurboFan) and allocating
// feedback vectors, and flushes old bytecode: measured, heapUsed grows by ~0.8 MB between hours
// 2 and 24 while the application's objects do not grow at all — every byte of that growth is
// in snapshot nodes of type "code" (and WeakArrayLists of code dependencies, type "hidden").
// A leak is something else: objects, arrays (Map and Set tables are arrays too), strings,
// numbers, closures, ArrayBuffer data. Those are summed here; code, V8-internal ("hidden")
// nodes and hidden classes ("object shape") are left out.
import { readFileSync } from 'node:fs';

/** Node types that hold the program's data (a leak lives in these). */
const DATA_TYPES = new Set(['object', 'array', 'string', 'concatenated string', 'sliced string', 'number', 'closure', 'regexp', 'native', 'symbol', 'bigint']);

export interface HeapData {
  /** Bytes of program data (self sizes of DATA_TYPES nodes). */
  dataBytes: number;
  /** Bytes of everything else (code, feedback, V8 internals, hidden classes). */
  otherBytes: number;
  /** Self size per "type name" of data nodes, for diffs when a bound is exceeded. */
  byName: Map<string, { count: number; bytes: number }>;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function readHeapData(path: string): HeapData {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const typeNames = snap.snapshot.meta.node_types[0];
  const nodes = snap.nodes;
  const byName = new Map<string, { count: number; bytes: number }>();
  let dataBytes = 0;
  let otherBytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + typeAt]!]!;
    const size = nodes[i + sizeAt]!;
    if (!DATA_TYPES.has(type)) { otherBytes += size; continue; }
    dataBytes += size;
    const name = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${snap.strings[nodes[i + nameAt]!]!.slice(0, 50)}` : type;
    const e = byName.get(name);
    if (e === undefined) byName.set(name, { count: 1, bytes: size }); else { e.count++; e.bytes += size; }
  }
  return { dataBytes, otherBytes, byName };
}

/** The largest growths from `a` to `b` (for a failure message). */
export function topGrowth(a: HeapData, b: HeapData, n = 8): string[] {
  const rows: [string, number, number][] = [];
  for (const [k, v] of b.byName) {
    const o = a.byName.get(k) ?? { count: 0, bytes: 0 };
    if (v.bytes !== o.bytes) rows.push([k, v.count - o.count, v.bytes - o.bytes]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  return rows.slice(0, n).map(([k, c, bytes]) => `${k}: ${c >= 0 ? '+' : ''}${c} objects, ${bytes >= 0 ? '+' : ''}${bytes} B`);
}
