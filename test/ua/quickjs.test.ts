// Rule 1 of the core, for the UA: core/ua and everything it glues run unchanged inside QuickJS
// (bundled like firmware: IIFE, es2022, no Node APIs) and behave exactly as on Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { twoPhones } from './quickjs-entry.js';

const here = dirname(fileURLToPath(import.meta.url));

test('two UAs exchange OPTIONS and MESSAGE inside QuickJS, with the same event trail as on Node', async () => {
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  assert.not.match(code, /\bBuffer\.|new TextDecoder|new TextEncoder|require\(|setTimeout\(|Date\.now\(|Math\.random\(/, 'the bundle uses no host API');
  const inEngine = await runInQuickJS<string[]>(code, null);
  const trail = inEngine.result;
  const onNode = twoPhones();
  assert.equal(trail, onNode);
  assert.ok(onNode.includes('alice:options-status:200:'));
  assert.ok(onNode.includes('bob:message::18'));
  assert.ok(onNode.includes('alice:message-status:202:'));
  assert.ok(onNode.includes('bob:message-status:200:'));
  console.log(`    QuickJS: UA bundle ${(inEngine.bundleBytes / 1024).toFixed(1)} KiB, heap ${(inEngine.heapUsed / 1024).toFixed(1)} KiB after the run`);
});

test('peer-to-peer presence inside QuickJS: bob serves it (enableNotifier), alice tracks it (trackPresence)', async () => {
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const inEngine = await runInQuickJS<string[]>(code, 'presence');
  const onNode = twoPhones(true);
  assert.equal(inEngine.result, onNode);
  // PresenceDisplay: Offline 1, Available 2 (core/presence/documents/pidf-effective.ts).
  assert.ok(onNode.includes('alice:presence-state:2:at my desk:1'), onNode.join(' '));
  assert.ok(onNode.includes('alice:presence-state:1:gone home:2'), onNode.join(' '));
  assert.ok(onNode.some((t) => t.startsWith('bob:watcher:')), 'bob saw alice as a watcher');
});

test.run();
