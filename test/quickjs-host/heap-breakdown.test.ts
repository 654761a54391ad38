// Where the QuickJS heap of the firmware goes (no network): the code of the sim-desk application
// bundle once loaded — with QuickJS's default debug info and stripped, as the host loads it — by
// core area, and the data each component preallocates, measured one at a time inside QuickJS with
// computeMemoryUsage(). boot-kamailio.test.ts measures the whole phone with 50 subscriptions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { bundleEntry } from '../../tools/build/bundle.js';
import { selectModules } from '../../tools/build/core-modules.js';
import { entrySource, withEntryFile } from '../../tools/build/entry.js';
import { packageVersion } from '../../tools/build/firmware.js';
import { ENGINES } from '../../tools/build/engines.js';
import { indicatorLayout } from '../../boards/index.js';
import { QuickJsHost, type QuickJsDebugInfo, type QuickJsMemoryUsage } from '../../platform/quickjs/index.js';
import { DEVICE_CAPACITIES, simDesk } from './firmware.js';
import { heapTable, kib } from './heap-report.js';
import { BRANCH_BYTES } from '../../core/ua/request-writer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = fileURLToPath(new URL('../../tools/build/app/entry.ts', import.meta.url));
const PROBE = fileURLToPath(new URL('./heap-probe-entry.ts', import.meta.url));

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

/** `terser: false` only where the code's shape does not matter (the data probe). */
async function bundle(entry: string, terser = true) {
  const out = await bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT, terser });
  if (!out.ok) throw new Error(out.val.join('\n'));
  return { text: new TextDecoder().decode(out.val.bytes), metafile: out.val.metafile };
}

/** The stripped load cost of the application bundle (first test), for the library comparison. */
const appCode = { bytes: 0, bundle: 0 };

/** The bundle loaded into a fresh host with `debugInfo`: readings before and after. */
async function load(text: string, debugInfo: QuickJsDebugInfo): Promise<{ before: QuickJsMemoryUsage; after: QuickJsMemoryUsage }> {
  const host = await QuickJsHost.create({ debugInfo });
  try {
    assert.is(host.debugInfo, debugInfo, `this QuickJS build strips (${debugInfo})`);
    const before = host.memoryUsage();
    host.evalScript(text, 'app.js');
    return { before, after: host.memoryUsage() };
  } finally {
    host.dispose();
  }
}

test('code: the application bundle loaded into QuickJS, with and without debug info, by area', async () => {
  const { text, metafile } = await bundle(APP);
  const full = await load(text, 'full');
  const lines = await load(text, 'lines');
  const none = await load(text, 'none');
  const d = (m: { before: QuickJsMemoryUsage; after: QuickJsMemoryUsage }, k: string): number => (m.after[k] ?? 0) - (m.before[k] ?? 0);
  const cost = (m: { before: QuickJsMemoryUsage; after: QuickJsMemoryUsage }): number => d(m, 'memory_used_size');
  const areas = new Map<string, number>();
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('.js'))![1];
  for (const [file, info] of Object.entries(output.inputs)) {
    const m = /^(core\/[^/]+|platform\/[^/]+|tools\/[^/]+|node_modules\/[^/]+)/.exec(file);
    const area = m ? m[1]! : file;
    areas.set(area, (areas.get(area) ?? 0) + info.bytesInOutput);
  }
  const total = [...areas.values()].reduce((a, b) => a + b, 0);
  const rows = [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)
    .map(([area, bytes]) => `      ${area.padEnd(28)} ${kib(bytes).padStart(10)} minified ≈ ${kib(cost(none) * bytes / total).padStart(10)} heap`);
  const retained = retainedSourceBytes(text);
  const sourceDropped = d(full, 'js_func_size') - d(lines, 'js_func_size');
  console.log([
    `    bundle ${kib(text.length)} loaded into QuickJS (Δ memory_used_size and categories, per debug info):`,
    ...heapTable([
      { name: 'host + shim', usage: none.before },
      { name: 'full', usage: { ...full.after, ...diffOn(none.before, full) } },
      { name: 'lines', usage: { ...lines.after, ...diffOn(none.before, lines) } },
      { name: 'none', usage: none.after },
    ]),
    `      full (QuickJS default) ${kib(cost(full))} = ${(cost(full) / text.length).toFixed(1)}× the bundle; ` +
      `lines (JS_STRIP_SOURCE) ${kib(cost(lines))}; none (JS_STRIP_DEBUG, what the host uses) ${kib(cost(none))} = ${(cost(none) / text.length).toFixed(1)}×`,
    `      source text dropped ${kib(sourceDropped)} (estimate from the bundle's live functions ${kib(retained)}), line tables ${kib(d(full, 'js_func_pc2line_size'))}`,
    `      stripped code by area (heap shared out by minified bytes):`,
    ...rows,
  ].join('\n'));
  assert.ok(cost(full) > cost(lines) && cost(lines) > cost(none), 'each level of stripping saves heap');
  assert.is(d(none, 'js_func_pc2line_size'), 0, 'no line tables when stripped');
  assert.ok(d(lines, 'js_func_pc2line_size') > 0, 'line tables kept with JS_STRIP_SOURCE');
  assert.is(d(lines, 'js_func_code_size'), d(full, 'js_func_code_size'), 'stripping leaves the bytecode alone');
  // The model of what QuickJS keeps (each live function its own text) matches the measurement.
  assert.ok(Math.abs(sourceDropped - retained) < 0.1 * retained, `source dropped ${sourceDropped} B vs estimate ${retained} B`);
  assert.ok(cost(none) > text.length, 'loaded code still takes more heap than its source');
  appCode.bytes = cost(none);
  appCode.bundle = text.length;
});

/** Readings of a load in another host re-based on `base` (each host's empty runtime is identical). */
function diffOn(base: QuickJsMemoryUsage, m: { before: QuickJsMemoryUsage; after: QuickJsMemoryUsage }): QuickJsMemoryUsage {
  const out: Record<string, number> = {};
  for (const k of Object.keys(m.after)) out[k] = (base[k] ?? 0) + (m.after[k] ?? 0) - (m.before[k] ?? 0);
  return out;
}

test('code: the sim-desk library bundle (`hardphone build --board sim-desk`), for comparison', async () => {
  // The library bundle exposes every module the board enables whole (the user agent, MSRP,
  // RLS, ...) under globalThis.hardphone; no phone application is in it, so it loads but does not boot. The
  // issue's figure is measured on the application bundle (boot-kamailio.test.ts), which carries
  // only what the application calls.
  const board = simDesk();
  const selection = selectModules(board, ROOT, false);
  const source = entrySource({ root: ROOT, board, engine: 'quickjs', version: packageVersion(ROOT), modules: selection.modules, withInfo: true });
  const out = await withEntryFile(source, (entry) => bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT }));
  if (!out.ok) throw new Error(out.val.join('\n'));
  const text = new TextDecoder().decode(out.val.bytes);
  const none = await load(text, 'none');
  const cost = none.after.memory_used_size! - none.before.memory_used_size!;
  assert.ok(appCode.bytes > 0, 'the application bundle was measured first');
  console.log([
    `    sim-desk library bundle ${kib(text.length)} (${selection.modules.length} modules) loaded: ${kib(cost)} stripped`,
    `      the application bundle ${kib(appCode.bundle)} loaded: ${kib(appCode.bytes)} stripped; the library bundle costs ${kib(cost - appCode.bytes)} more`,
  ].join('\n'));
  assert.ok(cost > appCode.bytes, 'the library bundle carries more code than the application uses');
});

test('code: the budgeted part alone (core + presence + page-mode IM), against the 256 KiB heap target', async () => {
  // Issue #7's heap target counts code: the budget entry (tools/build/app/budget-entry.ts), what
  // every phone carries, is the least a phone can load. Printed so the target can be judged.
  const { text } = await bundle(fileURLToPath(new URL('../../tools/build/app/budget-entry.ts', import.meta.url)));
  const none = await load(text, 'none');
  const cost = none.after.memory_used_size! - none.before.memory_used_size!;
  console.log(`    budget bundle (core + presence + page-mode IM) ${kib(text.length)} loaded: ${kib(cost)} stripped (the heap target: 256.0 KiB)`);
  assert.ok(appCode.bytes > 0 && cost < appCode.bytes, 'the application carries more than the budgeted part');
});

test('data: what each component preallocates (device profile vs the core defaults)', async () => {
  // Data, not code, is measured here: the probe's code need not be minified as firmware is.
  const { text } = await bundle(PROBE, false);
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
      phoneStateKey1: cost('phoneState', { keys: 16, buddies: 1, configured: 1 }),
      phoneStateKeys16: cost('phoneState', { keys: 16, buddies: 1, configured: 16 }),
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
      `      PhoneState, 1 of 16 keys monitoring .. ${kib(figures.phoneStateKey1)}  (the firmware test's board)`,
      `      PhoneState, 16 of 16 keys monitoring . ${kib(figures.phoneStateKeys16)}  (${kib((figures.phoneStateKeys16 - figures.phoneStateKey1) / 15)} per monitoring key)`,
    ].join('\n'));
    assert.ok(figures.uaDevice < figures.uaDefault, 'the device profile is smaller than the defaults');
    assert.ok(figures.uaMinimal < figures.uaDevice);
    assert.ok(figures.phoneState16 > figures.phoneState1, 'buddies are preallocated per slot');
    assert.ok(figures.phoneStateKeys16 > figures.phoneStateKey1, 'a key monitoring someone gets its dialog slots');
  } finally {
    host.dispose();
  }
});

test('data: the UserAgent at the device profile, part by part, and what is shared or deferred', async () => {
  const { text } = await bundle(PROBE);
  const host = await QuickJsHost.create();
  try {
    host.evalScript(text, 'probe.js');
    const cost = (kind: string, arg?: unknown): number => {
      const before = host.memoryUsed();
      host.evalJson(`globalThis.__make(${JSON.stringify(kind)}, ${JSON.stringify(arg === undefined ? '' : JSON.stringify(arg))})`);
      return host.memoryUsed() - before;
    };
    const caps = { ...DEVICE_CAPACITIES } as Required<typeof DEVICE_CAPACITIES>;
    // Each kind once first: classes create their shapes on first use, which is not per instance.
    for (const [kind, arg] of [['ua', caps], ['transactions', { slots: 4, branchBytes: 64 }], ['digestSharing'], ['pool', { count: 1, bytes: 8 }], ['echo', 64], ['clientRecords', 1],
      ['presenceStates', 1], ['buddies', 1], ['blfKeys', { keys: 2, configured: 1 }], ['dialogInfoReader'], ['readersApart', 2], ['readersShared', 2]] as const) cost(kind, arg);
    const f = {
      ua: cost('ua', caps),
      // The UA's client engine keeps its own branches whole (BRANCH_BYTES), the server engine 64 bytes of the peers'.
      transactions: cost('transactions', { slots: caps.maxTransactions, branchBytes: BRANCH_BYTES }) + cost('transactions', { slots: caps.maxTransactions, branchBytes: 64 }),
      digest: cost('digest'),
      digestSharing: cost('digestSharing'),
      requestPool: cost('pool', { count: caps.requestBuffers, bytes: caps.requestBufferBytes }),
      responsePool: cost('pool', { count: caps.responseBuffers, bytes: caps.responseBufferBytes }),
      echo: cost('echo', caps.responseBufferBytes),
      clientRecords: cost('clientRecords', caps.maxTransactions),
      presenceStates: cost('presenceStates', 1),
      buddies: cost('buddies', 1),
      keysIdle: cost('blfKeys', { keys: 16, configured: 0 }),
      keysOne: cost('blfKeys', { keys: 16, configured: 1 }),
      dialogInfoReader: cost('dialogInfoReader'),
      readersApart: cost('readersApart', 16),
      readersShared: cost('readersShared', 16),
    };
    assert.equal(host.errors, []);
    const parts = f.transactions + f.digestSharing + f.requestPool + f.responsePool + (1 + caps.maxPendingMessages) * f.echo + f.clientRecords;
    const row = (label: string, bytes: number, note = ''): string => `      ${label.padEnd(44, '.')} ${kib(bytes).padStart(10)}${note}`;
    console.log([
      '    the UserAgent at the device profile, part by part (QuickJS heap):',
      row('UserAgent ', f.ua),
      row(`2 transaction engines, ${caps.maxTransactions} slots each `, f.transactions),
      row(`request pool ${caps.requestBuffers} × ${caps.requestBufferBytes} B `, f.requestPool),
      row(`response pool ${caps.responseBuffers} × ${caps.responseBufferBytes} B `, f.responsePool),
      row('2 digest clients sharing their scratch ', f.digestSharing, `  (apart: ${kib(2 * f.digest)})`),
      row(`${caps.maxTransactions} client transaction records `, f.clientRecords),
      row(`${1 + caps.maxPendingMessages} request echoes of ${caps.responseBufferBytes} B `, (1 + caps.maxPendingMessages) * f.echo),
      row('the rest (parser view, key reader, tables) ', f.ua - parts),
      '    the phone state, part by part:',
      row('PresenceStates, 1 state (its PIDF reader) ', f.presenceStates),
      row('BuddyTable, 1 buddy (no reader until used) ', f.buddies),
      row('BlfKeys, 16 keys, none monitoring ', f.keysIdle, `  (its dialog-info reader: ${kib(f.dialogInfoReader)})`),
      row('BlfKeys, 16 keys, 1 monitoring ', f.keysOne),
      row('PresenceStates + BlfKeys sharing an XmlScratch ', f.readersShared, `  (apart: ${kib(f.readersApart)})`),
    ].join('\n'));
    assert.ok(parts < f.ua, `the parts (${kib(parts)}) are inside the UserAgent (${kib(f.ua)})`);
    assert.ok(f.digestSharing < 2 * f.digest - 4096, 'two clients sharing a workspace save its computer and scratch');
    // A buddy table fed by PresenceStates never reads a PIDF itself: no reader until it must.
    assert.ok(f.buddies < f.presenceStates / 4, `BuddyTable ${kib(f.buddies)} carries no PIDF reader (PresenceStates ${kib(f.presenceStates)})`);
    // Keys that monitor nobody cost little beyond the shared reader; configuring one adds its slots.
    assert.ok(f.keysIdle - f.dialogInfoReader < 16 * 512, `16 idle keys ${kib(f.keysIdle - f.dialogInfoReader)} beyond the reader`);
    assert.ok(f.keysOne > f.keysIdle, 'a monitoring key gets its text and dialog slots');
    // One set of XML stacks and one 4 KiB text pool instead of two of each.
    assert.ok(f.readersShared < f.readersApart - 4096, `readers sharing a scratch ${kib(f.readersShared)} vs apart ${kib(f.readersApart)}`);
  } finally {
    host.dispose();
  }
});

test.run();
