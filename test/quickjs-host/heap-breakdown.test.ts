// Where the QuickJS heap of the firmware goes (no network): the code of the sim-desk application
// bundle once loaded, by core area, and the data each component preallocates, measured one at a
// time inside QuickJS with computeMemoryUsage(). boot-kamailio.test.ts measures the whole phone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES } from '../../tools/build/engines.js';
import { indicatorLayout } from '../../boards/index.js';
import { QuickJsHost } from '../../platform/quickjs/index.js';
import { DEVICE_CAPACITIES, simDesk } from './firmware.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = fileURLToPath(new URL('../../tools/build/app/entry.ts', import.meta.url));
const PROBE = fileURLToPath(new URL('./heap-probe-entry.ts', import.meta.url));

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

/**
 * Source text QuickJS keeps for Function.prototype.toString: every function still alive holds its
 * own text (nested functions' text included, so nesting multiplies it; a class's constructor holds
 * the whole class). The outermost IIFE has run and is freed. Measured in this engine with padded
 * functions: js_func_size grows by exactly the text length per live function that contains it.
 */
function retainedSourceBytes(code: string): number {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  let total = 0;
  const walk = (node: ts.Node, insideIife: boolean): void => {
    const isFunction = (ts.isFunctionLike(node) && !ts.isConstructorDeclaration(node)) || ts.isClassLike(node);
    if (isFunction && insideIife) total += node.getEnd() - node.getStart();
    node.forEachChild((child) => walk(child, insideIife || isFunction));
  };
  walk(file, false);
  return total;
}

async function bundle(entry: string) {
  const out = await bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT });
  if (!out.ok) throw new Error(out.val.join('\n'));
  return { text: new TextDecoder().decode(out.val.bytes), metafile: out.val.metafile };
}

test('code: the application bundle loaded into QuickJS, by area', async () => {
  const { text, metafile } = await bundle(APP);
  const host = await QuickJsHost.create();
  try {
    const before = host.memoryUsage();
    host.evalScript(text, 'app.js');
    const after = host.memoryUsage();
    const loadCost = after.memory_used_size! - before.memory_used_size!;
    const areas = new Map<string, number>();
    const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('.js'))![1];
    for (const [file, info] of Object.entries(output.inputs)) {
      const m = /^(core\/[^/]+|platform\/[^/]+|tools\/[^/]+|node_modules\/[^/]+)/.exec(file);
      const area = m ? m[1]! : file;
      areas.set(area, (areas.get(area) ?? 0) + info.bytesInOutput);
    }
    const total = [...areas.values()].reduce((a, b) => a + b, 0);
    const rows = [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)
      .map(([area, bytes]) => `      ${area.padEnd(28)} ${kib(bytes).padStart(10)} minified ≈ ${kib(loadCost * bytes / total).padStart(10)} heap`);
    const d = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    const retained = retainedSourceBytes(text);
    assert.ok(retained < d('js_func_size'), 'the estimate of retained source fits inside js_func_size');
    console.log([
      `    bundle ${kib(text.length)} → ${kib(loadCost)} of heap once loaded (${(loadCost / text.length).toFixed(1)}× its size):`,
      `      function objects + retained source text ${kib(d('js_func_size'))}, bytecode ${kib(d('js_func_code_size'))}, line tables ${kib(d('js_func_pc2line_size'))},`,
      `      atoms ${kib(d('atom_size'))}, objects/properties/shapes ${kib(d('obj_size') + d('prop_size') + d('shape_size'))}`,
      `      of js_func_size, source text kept for toString ≈ ${kib(retained)}: a stripped precompiled build (qjsc -s, JS_SetStripInfo)`,
      `      would drop it and the line tables, ≈ ${kib(retained + d('js_func_pc2line_size'))}, leaving ≈ ${kib(loadCost - retained - d('js_func_pc2line_size'))} for the code`,
      ...rows,
    ].join('\n'));
    assert.ok(loadCost > text.length, 'loaded code takes more heap than its source');
    assert.ok(d('js_func_code_size') > 0 && d('js_func_size') > 0);
  } finally {
    host.dispose();
  }
});

test('data: what each component preallocates (device profile vs the core defaults)', async () => {
  const { text } = await bundle(PROBE);
  const host = await QuickJsHost.create();
  try {
    host.evalScript(text, 'probe.js');
    const cost = (kind: string, arg: unknown): number => {
      const before = host.memoryUsed();
      host.evalJson(`globalThis.__make(${JSON.stringify(kind)}, ${JSON.stringify(arg === undefined ? '' : JSON.stringify(arg))})`);
      return host.memoryUsed() - before;
    };
    const minimal = { maxTransactions: 1, maxSubscriptions: 1, maxDialogs: 1, requestBuffers: 1, requestBufferBytes: 512, responseBuffers: 1, responseBufferBytes: 512, maxFlows: 1, maxQueuedRequests: 1, maxPendingMessages: 1, maxEndpoints: 1 };
    const figures = {
      uaDefault: cost('ua', undefined),
      uaDevice: cost('ua', DEVICE_CAPACITIES),
      uaMinimal: cost('ua', minimal),
      indicators: cost('indicators', indicatorLayout(simDesk())),
      phoneState1: cost('phoneState', { keys: 16, buddies: 1 }),
      phoneState16: cost('phoneState', { keys: 16, buddies: 16 }),
    };
    assert.equal(host.errors, []);
    console.log([
      '    data preallocated, per component (QuickJS heap):',
      `      UserAgent, core defaults ............. ${kib(figures.uaDefault)}`,
      `      UserAgent, device profile ............ ${kib(figures.uaDevice)}  (${JSON.stringify(DEVICE_CAPACITIES)})`,
      `      UserAgent, every capacity 1 .......... ${kib(figures.uaMinimal)}  (fixed cost)`,
      `      indicators (sim-desk, 18 lamps) ...... ${kib(figures.indicators)}`,
      `      PhoneState, 16 keys + MWI, 1 buddy ... ${kib(figures.phoneState1)}`,
      `      PhoneState, 16 keys + MWI, 16 buddies  ${kib(figures.phoneState16)}  (${kib((figures.phoneState16 - figures.phoneState1) / 15)} per buddy)`,
    ].join('\n'));
    assert.ok(figures.uaDevice < figures.uaDefault, 'the device profile is smaller than the defaults');
    assert.ok(figures.uaMinimal < figures.uaDevice);
    assert.ok(figures.phoneState16 > figures.phoneState1, 'buddies are preallocated per slot');
  } finally {
    host.dispose();
  }
});

test.run();
