// core/display and core/keys are engine-neutral: bundled for es2022 they run inside QuickJS
// (no Node, no console, no TextDecoder) and give exactly the results they give under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { fileURLToPath } from 'node:url';
import { program } from './fixtures/engine-program.js';

const entry = fileURLToPath(new URL('./fixtures/engine-program.ts', import.meta.url));

test('the display and key models give identical results in QuickJS and Node', async () => {
  const bundle = await build({
    entryPoints: [entry], bundle: true, format: 'iife', target: 'es2022', platform: 'neutral',
    write: false, logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  const QuickJS = await getQuickJS();
  const vm = QuickJS.newContext();
  try {
    const evaluated = vm.evalCode(code, 'display-keys.js');
    if (evaluated.error) {
      const error = vm.dump(evaluated.error);
      evaluated.error.dispose();
      assert.unreachable(`QuickJS threw: ${JSON.stringify(error)}`);
      return;
    }
    evaluated.value.dispose();
    const handle = vm.getProp(vm.global, '__hardphoneResult');
    const inQuickJs = vm.getString(handle);
    handle.dispose();
    const inNode = program();
    assert.is(inQuickJs, inNode);
    const parsed = JSON.parse(inNode) as { rows: string[]; first: number; second: number; spans: number[] };
    assert.is(parsed.rows[1], 'Zoe: "back at 3" ?  ');
    assert.is(parsed.first, 1024);
    assert.equal(parsed.spans, [3, 19, 5], 'only the changed digit of row 3 is resent');
  } finally {
    vm.dispose();
  }
});

test.run();
