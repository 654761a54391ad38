// core/transaction (and the two-party harness) run unchanged inside QuickJS, the kind of engine
// a desk phone runs, and give the same outcome as under Node for the same seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';

test('100 non-INVITE transactions over a 30% lossy link inside QuickJS', async () => {
  const entry = fileURLToPath(new URL('./quickjs-entry.ts', import.meta.url));
  const code = await bundleForEngine(entry);
  const input = { n: 100, dropRate: 0.3, seed: 77 };
  const run = await runInQuickJS<{ quiet: boolean; completed: number; timedOutExactly: number; dropped: number; sent: number; live: number }>(code, input);
  const r = run.result;
  assert.is(r.quiet, true);
  assert.is(r.live, 0);
  assert.is(r.completed + r.timedOutExactly, 100);
  assert.ok(r.timedOutExactly >= 10, 'the late answers time out at exactly 64*T1');
  assert.ok(r.dropped > 0.2 * r.sent);
  // Same seed under Node: identical outcome (deterministic, engine-independent).
  (globalThis as unknown as { __run?: (s: string) => string }).__run = undefined;
  await import('./quickjs-entry.js');
  const node = JSON.parse((globalThis as unknown as { __run: (s: string) => string }).__run(JSON.stringify(input)));
  assert.equal(node, r);
});

test.run();
