// Formats computeMemoryUsage() readings of the QuickJS heap as a table for the CI log: one row
// per QuickJS category, one column per stage (the first absolute, the others as growth above it).
import type { QuickJsMemoryUsage } from '../../platform/quickjs/index.js';

export interface HeapStage {
  readonly name: string;
  readonly usage: QuickJsMemoryUsage;
}

/** QuickJS categories (JSMemoryUsage): bytes, and the count printed beside them. */
const ROWS: readonly { readonly label: string; readonly size: string; readonly count?: string }[] = [
  { label: 'memory_used_size (total)', size: 'memory_used_size', count: 'memory_used_count' },
  { label: 'js_func_size (functions)', size: 'js_func_size', count: 'js_func_count' },
  { label: 'js_func_code_size (bytecode)', size: 'js_func_code_size' },
  { label: 'js_func_pc2line_size (lines)', size: 'js_func_pc2line_size', count: 'js_func_pc2line_count' },
  { label: 'atom_size', size: 'atom_size', count: 'atom_count' },
  { label: 'str_size', size: 'str_size', count: 'str_count' },
  { label: 'obj_size', size: 'obj_size', count: 'obj_count' },
  { label: 'prop_size', size: 'prop_size', count: 'prop_count' },
  { label: 'shape_size', size: 'shape_size', count: 'shape_count' },
  { label: 'binary_object_size', size: 'binary_object_size', count: 'binary_object_count' },
];
const CATEGORIES = ROWS.slice(1).map((r) => r.size);

export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** What no category holds: typed-array and ArrayBuffer storage, malloc overhead, runtime tables. */
export function uncategorised(u: QuickJsMemoryUsage): number {
  return (u.memory_used_size ?? 0) - CATEGORIES.reduce((sum, k) => sum + (u[k] ?? 0), 0);
}

/** The table; `stages[0]` is the base the others are measured against. */
export function heapTable(stages: readonly HeapStage[]): string[] {
  const base = stages[0]!.usage;
  const pad = (text: string): string => text.padStart(22);
  const signed = (n: number, i: number): string => (i > 0 && n >= 0 ? '+' : '');
  const row = (label: string, size: ((u: QuickJsMemoryUsage) => number) | null, count: ((u: QuickJsMemoryUsage) => number) | null): string =>
    `      ${label.padEnd(30)}${stages.map((s, i) => {
      const b = size === null ? 0 : i === 0 ? size(s.usage) : size(s.usage) - size(base);
      const n = count === null ? 0 : i === 0 ? count(s.usage) : count(s.usage) - count(base);
      const bytes = size === null ? '' : `${signed(b, i)}${kib(b)}`;
      const number = count === null ? '' : ` ${size === null ? '' : '#'}${signed(n, i)}${n}`;
      return pad(bytes + number);
    }).join('')}`;
  const lines = [`      ${''.padEnd(30)}${stages.map((s, i) => pad(i === 0 ? s.name : `${s.name} (Δ)`)).join('')}`];
  for (const r of ROWS) {
    lines.push(row(r.label, (u) => u[r.size] ?? 0, r.count === undefined ? null : (u) => u[r.count!] ?? 0));
  }
  lines.push(row('fast_array_elements (count)', null, (u) => u.fast_array_elements ?? 0));
  lines.push(row('other (typed arrays, malloc)', uncategorised, null));
  return lines;
}
