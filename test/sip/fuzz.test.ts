// Seeded mutator fuzz: >= 100k mutated and truncated messages per run through parse() (four option
// sets, random offsets inside sentinel-filled buffers, a read guard on a sample), plus framer
// streams. Runs in a worker thread with a deadline, so a parser that loops fails instead of hanging.
// Reproduce a failure with SIP_FUZZ_SEED=<seed>.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { sipRows, readCorpus } from './corpus-helpers.js';
import type { FuzzReport } from './fuzz-core.js';

const ITERATIONS = 120_000;
const STREAMS = 1_500;
const DEADLINE_MS = 60_000;
const SEED = Number(process.env.SIP_FUZZ_SEED ?? 20261125);

function seeds(): Uint8Array[] {
  // Valid corpus messages, plus the torture tests that probe edge cases, capped in size for speed.
  return sipRows().map((r) => readCorpus(r.file)).filter((b) => b.length <= 4096);
}

test(`fuzz: ${ITERATIONS} mutated messages and ${STREAMS} framer streams (seed ${SEED})`, async () => {
  const started = Date.now();
  // Worker threads do not inherit tsx's loader, so the worker is bundled to plain JS first.
  const bundle = buildSync({
    entryPoints: [fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url))],
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false,
  });
  const worker = new Worker(bundle.outputFiles[0].text, {
    eval: true,
    workerData: { seeds: seeds(), iterations: ITERATIONS, streams: STREAMS, seed: SEED },
  });
  const report = await new Promise<FuzzReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`fuzz did not finish within ${DEADLINE_MS} ms: the parser or framer hangs (seed ${SEED})`));
    }, DEADLINE_MS);
    worker.once('message', (m: FuzzReport) => { clearTimeout(timer); resolve(m); });
    worker.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
  await worker.terminate();
  const elapsed = Date.now() - started;
  assert.equal(report.failures, [], report.failures.join('\n'));
  assert.is(report.iterations, ITERATIONS);
  assert.ok(report.accepted > 1000 && report.rejected > 1000 && report.needMore > 100,
    `the mutator reaches every outcome: ${JSON.stringify(report)}`);
  assert.ok(report.proxyChecked >= ITERATIONS / 50, 'read guard sample');
  assert.is(report.framerStreams, STREAMS);
  assert.ok(report.framerRecoveries > STREAMS / 10, `recoveries after rejected mutants: ${report.framerRecoveries}`);
  console.log(`    fuzz: ${JSON.stringify({ ...report, failures: report.failures.length })} in ${elapsed} ms`);
});

test.run();
