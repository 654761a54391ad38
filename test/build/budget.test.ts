// The size budget of issue #7: core + presence + page-mode IM ≤ 60 KiB min+gzip, measured as
// sim-desk would carry it on QuickJS (the default board), and how the CLI reports it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import { measureBudget } from '../../tools/build/firmware.js';
import { BUDGET_GZIP_BYTES } from '../../tools/build/budget.js';
import { GROUP_RULES, CORE_MODULES } from '../../tools/build/core-modules.js';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES } from '../../tools/build/engines.js';
import { entrySource, withEntryFile } from '../../tools/build/entry.js';
import { ROOT, board, runBuild, tempDir } from './helpers.js';

test('the budget bundle holds exactly the budgeted groups, and its figure is gzip -9 of it', async () => {
  const budgeted = GROUP_RULES.filter((r) => r.budget).map((r) => r.group);
  assert.equal(budgeted, ['core', 'presence', 'page-im']);
  const expected = CORE_MODULES.filter((m) => budgeted.includes(m.group)).map((m) => m.name);
  const measured = await measureBudget(ROOT, board('sim-desk'), 'quickjs');
  assert.ok(measured.ok, measured.ok ? '' : measured.val.join('\n'));
  if (!measured.ok) return;
  assert.equal(measured.val.modules, expected);
  assert.not.ok(measured.val.modules.includes('msrp'), 'optional modules are outside the budget');
  // Recompute independently from the same modules.
  const b = board('sim-desk');
  const modules = CORE_MODULES.filter((m) => budgeted.includes(m.group));
  const source = entrySource({ root: ROOT, board: b, engine: 'quickjs', version: '0', modules, withInfo: false });
  const bundled = await withEntryFile(source, (entry) => bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT }));
  assert.ok(bundled.ok);
  if (!bundled.ok) return;
  assert.is(measured.val.bytes, bundled.val.bytes.length);
  assert.is(measured.val.gzipBytes, gzipSync(bundled.val.bytes, { level: 9 }).length);
  assert.is(measured.val.limit, 60 * 1024);
  assert.is(measured.val.pass, measured.val.gzipBytes <= 60 * 1024);
});

test('the CLI prints PASS/FAIL and fails only with --check-budget', async () => {
  const dir = tempDir();
  try {
    const plain = await runBuild(['--board', 'sim-desk', '--engine', 'quickjs', '--out', dir.path]);
    const checked = await runBuild(['--board', 'sim-desk', '--engine', 'quickjs', '--out', dir.path, '--check-budget']);
    const line = /budget: core \+ presence \+ page-mode IM = ([\d,]+) B min\+gzip .*limit 61,440 B .*: (PASS|FAIL)/.exec(plain.stdout);
    assert.ok(line, plain.stdout);
    const pass = line![2] === 'PASS';
    assert.is(pass, Number(line![1]!.replace(/,/g, '')) <= BUDGET_GZIP_BYTES);
    assert.is(plain.code, 0, 'without --check-budget the verdict is informational');
    assert.is(checked.code, pass ? 0 : 1);
  } finally {
    dir.remove();
  }
});

test('core + presence + page-mode IM fits in 60 KiB min+gzip (sim-desk, quickjs)', async () => {
  const measured = await measureBudget(ROOT, board('sim-desk'), 'quickjs');
  assert.ok(measured.ok);
  if (!measured.ok) return;
  const { gzipBytes, limit, largest } = measured.val;
  console.log(`    budget: ${gzipBytes} B min+gzip of ${limit} B`);
  assert.ok(gzipBytes <= limit, `${gzipBytes} B > ${limit} B; largest folders: ${largest.slice(0, 6).map((f) => `${f.folder} ${f.bytes} B`).join(', ')}`);
});

test.run();
