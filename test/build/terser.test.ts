// The terser pass after esbuild (tools/build/terser-pass.ts): device bundles get it and Node
// bundles do not, it keeps ES2022 syntax, strict mode and the program's meaning inside QuickJS,
// a failure comes back as an error rather than a throw, and its cache (in this process and on
// disk, terser-cache.ts) gives back exactly what terser wrote.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES } from '../../tools/build/engines.js';
import { terserPass } from '../../tools/build/terser-pass.js';
import { readCached, writeCached } from '../../tools/build/terser-cache.js';
import { runInQuickJS } from '../support/quickjs.js';
import { ROOT, FIXTURES, tempDir } from './helpers.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test('quickjs and xs bundles go through terser, node bundles do not', async () => {
  const entry = join(FIXTURES, 'lookalikes.ts');
  for (const engine of ['quickjs', 'xs'] as const) {
    const shipped = await bundleEntry({ entry, engine: ENGINES[engine], root: ROOT });
    const esbuildOnly = await bundleEntry({ entry, engine: ENGINES[engine], root: ROOT, terser: false });
    assert.ok(shipped.ok && esbuildOnly.ok);
    if (!shipped.ok || !esbuildOnly.ok) return;
    const minified = await terserPass(text(esbuildOnly.val.bytes), 'iife');
    assert.ok(minified.ok);
    assert.is(text(shipped.val.bytes), minified.val, `${engine}: the bundle is esbuild's output through terser`);
    assert.is.not(text(shipped.val.bytes), text(esbuildOnly.val.bytes));
  }
  const node = await bundleEntry({ entry, engine: ENGINES.node, root: ROOT });
  const nodeEsbuildOnly = await bundleEntry({ entry, engine: ENGINES.node, root: ROOT, terser: false });
  assert.ok(node.ok && nodeEsbuildOnly.ok);
  if (node.ok && nodeEsbuildOnly.ok) assert.is(text(node.val.bytes), text(nodeEsbuildOnly.val.bytes));
});

// ES2022 a device engine runs: class fields, static blocks, #private, ??=, ?., ** and a
// strict-mode check (a script needs its "use strict"; terser must not drop it).
const ES2022 = `"use strict";(()=>{
  class Counter {
    static created = 0;
    static { Counter.created = 10; }
    #count = 0;
    label;
    constructor(label) { this.label = label; Counter.created++; }
    add(n) { this.#count += n ?? 1; return this; }
    get value() { return this.#count; }
  }
  function sloppyThis() { return this === undefined ? 'strict' : 'sloppy'; }
  globalThis.__run = function (input) {
    const cfg = JSON.parse(input);
    cfg.step ??= 2;
    const c = new Counter(cfg.name?.toUpperCase());
    for (let i = 0; i < 5; i++) c.add(cfg.step ** 2);
    return JSON.stringify({ value: c.value, label: c.label, created: Counter.created, mode: sloppyThis(), missing: cfg.none?.deep ?? 'none' });
  };
})();
`;

test('terser keeps ES2022 syntax, strict mode and the result in QuickJS', async () => {
  const minified = await terserPass(ES2022, 'iife');
  assert.ok(minified.ok, minified.ok ? '' : minified.val.join('\n'));
  if (!minified.ok) return;
  assert.ok(minified.val.startsWith('"use strict";'), minified.val.slice(0, 40));
  assert.ok(minified.val.length < ES2022.length);
  const input = { name: 'desk' };
  const before = await runInQuickJS<unknown>(ES2022, input);
  const after = await runInQuickJS<unknown>(minified.val, input);
  assert.equal(before.result, { value: 20, label: 'DESK', created: 11, mode: 'strict', missing: 'none' });
  assert.equal(after.result, before.result);
});

test('code terser cannot parse is an error, not a throw', async () => {
  const r = await terserPass('let x = ;', 'iife');
  assert.not.ok(r.ok);
  if (!r.ok) assert.match(r.val.join('\n'), /^terser failed on esbuild's output at line 1, column \d+: /);
});

test('the same text is minified once per process', async () => {
  const code = '(()=>{globalThis.once = function (a, b) { var sum = a + b; return sum * 2; };})();';
  const first = terserPass(code, 'iife');
  assert.is(terserPass(code, 'iife'), first, 'the second call gets the first result');
  assert.is.not(terserPass(code, 'esm'), first, 'other options, other result');
  const r = await first;
  assert.ok(r.ok);
});

test('the disk cache returns what terser wrote, and nothing for a torn or edited entry', async () => {
  const dir = tempDir();
  try {
    const code = '(()=>{globalThis.cached = function (first, second) { return [first, second].join("-"); };})();';
    const r = await terserPass(code, 'iife', dir.path);
    assert.ok(r.ok);
    if (!r.ok) return;
    const files = readdirSync(dir.path);
    assert.is(files.length, 1, files.join(' '));
    const key = files[0]!.replace(/\.js$/, '');
    assert.is(readCached(dir.path, key), r.val, 'a hit is the code terser wrote');
    const stored = readFileSync(join(dir.path, files[0]!), 'utf8');
    writeFileSync(join(dir.path, files[0]!), stored.replace('cached', 'hacked'));
    assert.is(readCached(dir.path, key), null, 'an edited entry is not used');
    writeFileSync(join(dir.path, files[0]!), stored.slice(0, stored.length - 3));
    assert.is(readCached(dir.path, key), null, 'a torn entry is not used');
    assert.is(readCached(dir.path, 'f'.repeat(64)), null, 'no entry, no hit');
  } finally {
    dir.remove();
  }
});

test('the disk cache keeps its newest 40 entries', () => {
  const dir = tempDir();
  try {
    // File times one second apart, in the past: the clock's granularity cannot tie them.
    const past = Date.now() / 1000 - 3600;
    const name = (i: number) => `k${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 45; i++) {
      writeCached(dir.path, name(i), `/* ${i} */`);
      utimesSync(join(dir.path, `${name(i)}.js`), past + i, past + i);
    }
    const left = readdirSync(dir.path).sort();
    assert.equal(left, Array.from({ length: 40 }, (_, i) => `${name(i + 5)}.js`), 'the five oldest went');
    assert.is(readCached(dir.path, 'k44'), '/* 44 */');
  } finally {
    dir.remove();
  }
});

test.run();
