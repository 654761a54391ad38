// Rule 1 of the core: it runs unchanged in a real embedded engine. The parser and decoders are
// bundled with esbuild the way firmware is (IIFE, es2022, no Node APIs) and run inside QuickJS
// over the whole torture corpus; their verdicts must equal Node's, field for field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { sipRows, readCorpus } from '../sip/corpus-helpers.js';
import { verdicts, type Verdict } from './sip-verdicts.js';

const here = dirname(fileURLToPath(import.meta.url));

test('QuickJS gives the same verdicts as Node on every corpus message', async () => {
  const rows = sipRows();
  const messages = rows.map((r) => Array.from(readCorpus(r.file)));
  const code = await bundleForEngine(join(here, 'sip-entry.ts'));
  assert.not.match(code, /\bBuffer\b|TextDecoder|TextEncoder|require\(/, 'the bundle uses no host API');
  const inEngine = await runInQuickJS<Verdict[]>(code, messages);
  const onNode = verdicts(messages);
  assert.is(inEngine.result.length, rows.length);
  for (let i = 0; i < rows.length; i++) assert.equal(inEngine.result[i], onNode[i], rows[i]!.file);
  // The verdicts mean something: every message the manifest calls valid parsed in QuickJS too.
  // (RFC 5118's archive copies use bare LF, which the strict parser refuses by design; their
  // wire/ twins are the ones that must parse; and a datagram whose Content-Length exceeds its
  // bytes is discarded per RFC 3261 §18.3 — the manifest flags those copying errors.)
  const framed = (r: (typeof rows)[number]) => r.contentLengthDeclared === '-' || r.contentLengthDeclared === r.bodyLengthActual || Number(r.contentLengthDeclared) < Number(r.bodyLengthActual);
  const valid = rows.map((r, i) => ({ r, v: inEngine.result[i]! })).filter(({ r }) => r.verdict === 'valid' && !r.file.startsWith('rfc5118/archive/') && framed(r));
  assert.ok(valid.length > 20);
  for (const { r, v } of valid) {
    assert.ok(v.consumed > 0, `${r.file} parses in QuickJS`);
    if (r.callId !== '-' && !r.callId.includes(' / ')) assert.is(v.callId, r.callId, `${r.file} Call-ID`);
  }
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log(`    QuickJS: bundle ${kb(inEngine.bundleBytes)} KiB, heap ${kb(inEngine.heapEmpty)} KiB empty → ${kb(inEngine.heapUsed)} KiB after parsing ${rows.length} messages`);
});

test.run();
