// Rule 1 of the core on the WebSocket codec: bundled with esbuild like firmware (IIFE, es2022,
// no host API) and run inside QuickJS, the frame reader/writer, the handshake and SHA-1 give
// exactly Node's results, and those results are the RFC's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { runEngineProgram, type EngineResult } from './engine-program.js';

test('frame reader (every split of the §5.7 vectors), writer, handshake and SHA-1 agree in QuickJS and Node', async () => {
  const onNode = runEngineProgram();
  const code = await bundleForEngine(fileURLToPath(new URL('./quickjs-entry.ts', import.meta.url)));
  assert.not.match(code, /\bBuffer\b|TextDecoder|TextEncoder|require\(/, 'the bundle uses no host API');
  const run = await runInQuickJS<EngineResult>(code, null);
  assert.equal(run.result, onNode);
  // And they are the RFC's answers, not merely equal to each other.
  for (const seen of run.result.vectors) assert.is(new Set(seen).size, 1, 'every split gives the same events');
  assert.equal(run.result.vectors.slice(0, 5).map((v) => v[0]), [
    '1:1:48656c6c6f', '1:1:48656c6c6f', '1:1:48656c6c6f', '2:9:48656c6c6f', '3:10:48656c6c6f',
  ]);
  assert.ok(run.result.vectors[5]![0]!.startsWith('1:2:000102'));
  assert.ok(run.result.roundTrip.startsWith('1:1:4d455353414745'), run.result.roundTrip);
  assert.is(run.result.accept, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.is(run.result.handshakeState, 1);
  assert.equal(run.result.sha1, ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'a9993e364706816aba3e25717850c26c9cd0d89d', '84983e441c3bd26ebaae4aa1f95129e5e54670f1']);
  assert.equal(run.result.errors, [-901, -902, -903, -905, -908, -909, -914]);
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log(`    QuickJS: bundle ${kb(run.bundleBytes)} KiB, heap ${kb(run.heapEmpty)} KiB empty → ${kb(run.heapUsed)} KiB after the program`);
});

test.run();
