// The resource-list reader and the presence-state tables are engine-neutral: bundled for a
// device they run inside QuickJS and give the same results as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { run, type Input } from './quickjs-entry.js';
import { corpusNotify, corpusDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('same results in QuickJS and Node; list NOTIFY throughput inside QuickJS reported', async () => {
  const n3 = corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', (t) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"'));
  const n13 = corpusNotify('rfc4662/13-NOTIFY-multipart-related-nested.sip', (t) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml'));
  const body = (rel: string) => readFileSync(join(corpusDir, 'bodies', rel), 'utf8');
  const input: Input = {
    notifies: [n3, n13].map((n) => ({ contentType: latin1(n.contentType), body: latin1(n.body) })),
    dialogs: ['L1100', 'L1123', 'L1147', 'L1167', 'L1184'].map((l) => body(`rfc4235/body-6.1-${l}-dialog-info.xml`)),
    winfo: body('rfc3858/body-5-L253-watcherinfo.xml'),
    mwi: 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n',
    now: Date.UTC(2005, 4, 30, 10, 0, 0),
    iterations: 200,
  };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const inQuickJS = await runInQuickJS<Record<string, unknown>>(code, input);
  const inNode = run({ ...input, iterations: 5 });
  const strip = ({ listNotifiesPerSecond: _r, sum: _s, ...rest }: Record<string, unknown>) => rest;
  assert.equal(strip(inQuickJS.result), strip(inNode));
  const r = inQuickJS.result;
  assert.equal(r.results, [0, 0]);
  assert.is((r.resources as unknown[]).length, 6);
  assert.equal(r.blf, [3, 3, 3, 4, 1, 0], 'Dialling ×3, Busy, Idle, then Unknown after the subscription failed');
  assert.equal(r.pending, ['sip:userB@example.org']);
  assert.equal(r.mwi, [200, true, 3, 4]);
  assert.is(r.sum, 0, 'every timed NOTIFY applied');
  console.log(`  QuickJS: RFC 4662 §6 step 3 NOTIFY (RLMI + 2 PIDF, ${n3.body.length} B) read+applied per second: ${r.listNotifiesPerSecond}`);
  assert.ok((r.listNotifiesPerSecond as number) > 0);
});

test.run();
