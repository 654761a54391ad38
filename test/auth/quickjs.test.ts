// core/bytes, core/auth and the SIP writer on a device engine: bundled by esbuild (es2022,
// IIFE) and run in QuickJS, they give exactly the results they give on Node, and the RFC 7616
// examples come out right there too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { runEngineProgram, type EngineResult } from './engine-program.js';

test('hashes, UTF-8, digest auth and the writer give the same results in QuickJS as on Node', async () => {
  const onNode = runEngineProgram();
  const code = await bundleForEngine(fileURLToPath(new URL('./quickjs-entry.ts', import.meta.url)));
  const run = await runInQuickJS<EngineResult>(code, null);
  assert.equal(run.result, onNode);
  assert.equal(run.result.rfc, ['8ca523f5e9506fed4657c9700eebdbec',
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1']);
  assert.is(run.result.hashes[2], '900150983cd24fb0d6963f7d28e17f72');
  assert.ok(run.result.authorization.startsWith('Authorization: Digest username="alice", realm="127.0.0.1"'));
  assert.ok(run.result.register.endsWith('Content-Length: 0\r\n\r\n'));
});

test.run();
