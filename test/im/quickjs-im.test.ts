// core/im runs unchanged in an embedded engine: the same scenario in QuickJS and on Node must
// give the same results, field for field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { scenario, type ScenarioInput } from './im-scenario.js';

const here = dirname(fileURLToPath(import.meta.url));
const bytes = (f: string) => Array.from(readFileSync(join(here, '..', 'corpus', f)));

test('isComposing, IMDN, store and text body: QuickJS gives what Node gives', async () => {
  const input: ScenarioInput = {
    iscomposing: [bytes('rfc3994/5-iscomposing-active.xml'), bytes('rfc3994/5-iscomposing-idle.xml')],
    cpim: [bytes('rfc5438/7.1.1-cpim-im.cpim'), bytes('rfc5438/7.2.1.1-cpim-imdn-delivery.cpim'), bytes('rfc5438/7.2.1.2-cpim-imdn-display.cpim')],
  };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  assert.not.match(code, /\bBuffer\b|TextDecoder|TextEncoder|require\(/, 'the bundle uses no host API');
  const inEngine = await runInQuickJS<unknown[]>(code, input);
  const onNode = JSON.parse(JSON.stringify(scenario(input))) as unknown[];
  assert.equal(inEngine.result, onNode);
  // Spot checks, so equal-but-empty cannot pass.
  assert.equal(onNode[0], [0, 'active', 90, null, 'text/plain']);
  assert.equal(onNode[3], [0, 1, 'd834jied93rf', 0, 0, '34jk324j', 'delivered']);
  assert.ok(onNode.some((x) => JSON.stringify(x) === '["isc","idle",130000]'));
  assert.equal(onNode.slice(-3), ['Grüße', 'iscomposing', '2006-04-04T17:16:49Z']);
});

test.run();
