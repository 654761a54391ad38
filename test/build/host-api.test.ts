// Code that reaches a device bundle must not use a host API the engine lacks: the build fails
// and names the file (and line) that does; names that merely look like host APIs pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_MODULES } from '../../tools/build/core-modules.js';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES, type EngineId } from '../../tools/build/engines.js';
import { ROOT, FIXTURES, tempDir } from './helpers.js';

const bundle = (fixture: string, engine: EngineId) => bundleEntry({ entry: join(FIXTURES, fixture), engine: ENGINES[engine], root: ROOT });

for (const engine of ['quickjs', 'xs'] as const) {
  test(`${engine}: Buffer in a module the entry imports fails the build, naming that module and line`, async () => {
    const r = await bundle('reaches-buffer.ts', engine);
    assert.not.ok(r.ok, 'the build fails');
    if (r.ok) return;
    assert.is(r.val.length, 1, r.val.join('\n'));
    assert.is(r.val[0], `test/build/fixtures/uses-buffer.ts:3:10: uses Buffer, which the ${engine} engine does not have`);
  });

  test(`${engine}: importing node:fs fails the build, naming the importer`, async () => {
    const r = await bundle('imports-node-fs.ts', engine);
    assert.not.ok(r.ok, 'the build fails');
    if (r.ok) return;
    assert.is(r.val.length, 1, r.val.join('\n'));
    assert.match(r.val[0]!, /^test\/build\/fixtures\/imports-node-fs\.ts:2:\d+: imports "node:fs", a Node built-in module/);
    assert.ok(r.val[0]!.includes(`the ${engine} engine does not have`));
  });
}

test('a Node built-in without the node: prefix is refused too', async () => {
  const r = await bundle('imports-bare-builtin.ts', 'quickjs');
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.match(r.val.join('\n'), /^test\/build\/fixtures\/imports-bare-builtin\.ts:2:\d+: imports "path"/);
});

test('a missing global reached through globalThis is a use', async () => {
  const r = await bundle('global-timer.ts', 'quickjs');
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.match(r.val.join('\n'), /^test\/build\/fixtures\/global-timer\.ts:2:\d+: uses setTimeout, which the quickjs engine/);
});

test('properties, strings, local bindings, parameters and a lone typeof are not uses', async () => {
  const r = await bundle('lookalikes.ts', 'quickjs');
  assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  if (!r.ok) return;
  const code = new TextDecoder().decode(r.val.bytes);
  assert.not.ok(code.includes('__hardphone_missing_'), 'no marker left in the output');
  assert.match(code, /typeof console/, 'feature detection tests the real global');
  assert.ok(code.includes('"Buffer process require"'), 'strings untouched');
});

test('the node engine may use Node APIs', async () => {
  for (const fixture of ['reaches-buffer.ts', 'imports-node-fs.ts', 'global-timer.ts']) {
    const r = await bundle(fixture, 'node');
    assert.ok(r.ok, `${fixture}: ${r.ok ? '' : r.val.join('; ')}`);
  }
});

test('the whole core bundle for a device engine passes the check (it is not vacuous)', async () => {
  // The same check that refuses the fixtures accepts every module a board can enable.
  const dir = tempDir();
  try {
    const present = CORE_MODULES.filter((m) => existsSync(join(ROOT, m.path.replace(/\.js$/, '.ts'))));
    assert.ok(present.length >= 20);
    const entry = join(dir.path, 'entry.js');
    writeFileSync(entry, present.map((m) => `import * as ${m.name} from ${JSON.stringify(join(ROOT, m.path))};`).join('\n') + `\nglobalThis.all = { ${present.map((m) => m.name).join(', ')} };\n`);
    // The check runs on esbuild's output; the terser pass after it would only cost time here.
    const r = await bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT, terser: false });
    assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  } finally {
    dir.remove();
  }
});

test.run();
