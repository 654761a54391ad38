// core/indicators is engine-neutral: bundled with esbuild it runs in QuickJS and computes the
// same frame as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { fileURLToPath } from 'node:url';
import { IndicatorEngine, PRESETS, initialIndicatorInput } from '../../core/indicators/index.js';

const entry = fileURLToPath(new URL('../../core/indicators/index.ts', import.meta.url));

// The same program for both engines: `lib` is the core/indicators module.
const SCENARIO = `
  const layout = {
    lamps: [
      { role: 'led.mwi', colors: ['red'], patterns: ['off', 'solid', 'slow-blink', 'fast-blink'] },
      { role: 'led.blf.0', colors: ['red', 'green', 'amber'], patterns: ['off', 'solid', 'slow-blink'] },
      { role: 'led.blf.1', colors: ['red', 'green', 'amber'], patterns: ['off', 'solid', 'slow-blink', 'fast-blink'] },
    ],
    display: { cols: 20, rows: 4 },
    policy: lib.PRESETS['snom-like'],
  };
  const input = lib.initialIndicatorInput('Zoë 2\\u{1F4DE}', 2);
  input.registration = 'registered';
  input.presence = 'away';
  input.presenceNote = 'lunch';
  input.blf[0].state = 'ringing'; input.blf[0].caller = 'Bob'; input.blf[0].label = 'Carol';
  input.blf[1].state = 'unknown';
  input.messages.waiting = true;
  input.softKeys = ['DND', 'Back'];
  const frame = new lib.IndicatorEngine(layout).compute(input, 123456789);
  JSON.stringify({ lamps: [...frame.lamps], lit: [...frame.lit].sort(), lines: frame.lines });
`;

test('the same frame in QuickJS and in Node', async () => {
  const bundle = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'iife', globalName: 'lib',
    platform: 'neutral', target: 'es2022', logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  const QuickJS = await getQuickJS();
  const vm = QuickJS.newContext();
  try {
    const result = vm.evalCode(`${code}\n${SCENARIO}`);
    if (result.error) {
      const err = vm.dump(result.error);
      result.error.dispose();
      throw new Error(`QuickJS: ${JSON.stringify(err)}`);
    }
    const inQuickJS = JSON.parse(vm.getString(result.value));
    result.value.dispose();
    const lib = { IndicatorEngine, PRESETS, initialIndicatorInput };
    const inNode = JSON.parse((0, eval)(`(lib) => { ${SCENARIO.replace(/JSON\.stringify/, 'return JSON.stringify')} }`)(lib));
    assert.equal(inQuickJS, inNode);
    assert.is(inQuickJS.lines.length, 4);
    assert.equal(inQuickJS.lamps.map(([role]: [string]) => role), ['led.mwi', 'led.blf.0', 'led.blf.1']);
  } finally {
    vm.dispose();
  }
});

test.run();
