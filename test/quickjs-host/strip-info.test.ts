// What the QuickJS host keeps of compiled code (platform/quickjs/strip-info.ts): by default
// nothing but bytecode, like a `qjsc -s` device build; `lines` and `full` on request, for debugging.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QuickJsHost, type QuickJsDebugInfo } from '../../platform/quickjs/index.js';

const PROGRAM = [
  'function failing(n) {',
  '  if (n > 0) throw new Error("boom " + n);',
  '  return 0;',
  '}',
  'globalThis.probe = () => { try { failing(1); return ""; } catch (e) { return String(e.stack); } };',
].join('\n');

interface Seen { readonly source: string; readonly stack: string; readonly pc2line: number }

async function compileIn(debugInfo: QuickJsDebugInfo | undefined): Promise<Seen & { readonly kept: QuickJsDebugInfo }> {
  const host = await QuickJsHost.create(debugInfo === undefined ? {} : { debugInfo });
  try {
    const before = host.memoryUsage();
    host.evalScript(PROGRAM, 'probe.js');
    const after = host.memoryUsage();
    return {
      kept: host.debugInfo,
      source: host.evalJson<string>('String(failing)'),
      stack: host.evalJson<string>('probe()'),
      pc2line: after.js_func_pc2line_size! - before.js_func_pc2line_size!,
    };
  } finally {
    host.dispose();
  }
}

test('default: no source text, no line tables; stack traces name the function without a line', async () => {
  const seen = await compileIn(undefined);
  const chosen = process.env.HARDPHONE_QUICKJS_DEBUG_INFO;
  if (chosen === 'full' || chosen === 'lines') { assert.is(seen.kept, chosen, 'the environment chose the default'); return; }
  assert.is(seen.kept, 'none');
  assert.not.match(seen.source, /boom/, 'toString() has no source');
  assert.match(seen.stack, /at failing/);
  assert.not.match(seen.stack, /probe\.js:\d/);
  assert.is(seen.pc2line, 0);
});

test('lines: line numbers kept, source text dropped', async () => {
  const seen = await compileIn('lines');
  assert.is(seen.kept, 'lines');
  assert.not.match(seen.source, /boom/);
  assert.match(seen.stack, /at failing \(probe\.js:2:/);
  assert.ok(seen.pc2line > 0);
});

test('full: QuickJS default, source text and line numbers', async () => {
  const seen = await compileIn('full');
  assert.is(seen.kept, 'full');
  assert.match(seen.source, /throw new Error\("boom " \+ n\)/);
  assert.match(seen.stack, /at failing \(probe\.js:2:/);
  assert.ok(seen.pc2line > 0);
});

test('the setting is per runtime: a stripped host and a full one side by side', async () => {
  const stripped = await QuickJsHost.create({ debugInfo: 'none' });
  const full = await QuickJsHost.create({ debugInfo: 'full' });
  try {
    stripped.evalScript(PROGRAM, 'probe.js');
    full.evalScript(PROGRAM, 'probe.js');
    assert.not.match(stripped.evalJson<string>('String(failing)'), /boom/);
    assert.match(full.evalJson<string>('String(failing)'), /boom/);
  } finally {
    stripped.dispose();
    full.dispose();
  }
});

test.run();
