// ts-results in a firmware bundle (tools/build/ts-results-plugin.ts): core code reaches only Ok
// and Err, so the Result and Option namespaces stay out of the budget entry, while an
// application that uses them itself still gets them whole; and the rewrite still matches the
// installed ts-results (else the bundles only grow back, silently).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES } from '../../tools/build/engines.js';
import { pureNamespaces } from '../../tools/build/ts-results-plugin.js';
import { runInQuickJS } from '../support/quickjs.js';
import { ROOT, FIXTURES } from './helpers.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const esmDir = join(dirname(createRequire(import.meta.url).resolve('ts-results/package.json')), 'esm');

test('the rewrite matches the installed ts-results: both namespaces become pure initializers', () => {
  for (const [file, name] of [['result.js', 'Result'], ['option.js', 'Option']] as const) {
    const source = readFileSync(join(esmDir, file), 'utf8');
    const out = pureNamespaces(source);
    assert.is.not(out, source, `${file} was rewritten`);
    assert.ok(out.includes(`export var ${name} = /* @__PURE__ */ (function (${name}) {`), file);
    assert.not.ok(out.includes(`})(${name} || (${name} = {}));`), file);
    // The rewritten module means the same: evaluate the namespace part alone.
    const body = out.slice(out.indexOf(`export var ${name} =`)).replace(`export var ${name} =`, `var ${name} =`).replace(/\/\/# sourceMappingURL.*$/, '');
    const members = new Function('Ok', 'Err', 'Some', 'None', 'toString', `${body}; return Object.keys(${name}).sort();`)(null, null, null, null, null) as string[];
    assert.equal(members, name === 'Result' ? ['all', 'any', 'isResult', 'wrap', 'wrapAsync'] : ['all', 'any', 'isOption']);
  }
  assert.is(pureNamespaces('unrelated text'), 'unrelated text', 'other text is left alone');
});

test('core code through core/result.ts: Ok and Err work in QuickJS, the namespaces are not bundled', async () => {
  const r = await bundleEntry({ entry: join(FIXTURES, 'ts-results-core-entry.ts'), engine: ENGINES.quickjs, root: ROOT });
  assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  if (!r.ok) return;
  const code = text(r.val.bytes);
  for (const gone of ['wrapAsync', 'isResult', 'isOption']) assert.not.ok(code.includes(gone), `${gone} is not in the bundle`);
  const out = await runInQuickJS<unknown>(code, null);
  assert.equal(out.result, { a: 4, b: '3 is odd', mapped: 40, option: true, errOption: true, fallback: -1 });
});

test('an application using the namespaces itself keeps them whole', async () => {
  const r = await bundleEntry({ entry: join(FIXTURES, 'ts-results-direct-entry.ts'), engine: ENGINES.quickjs, root: ROOT });
  assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  if (!r.ok) return;
  const out = await runInQuickJS<unknown>(text(r.val.bytes), null);
  assert.equal(out.result, { all: [1, 2], any: 3, isResult: true, isOption: true, wrapped: false });
});

test.run();
