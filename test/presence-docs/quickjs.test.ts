// The XML reader, PIDF/RPID, dialog-info/BLF and message-summary code is engine-neutral:
// bundled for a device it runs inside QuickJS and gives the same results as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { run } from './quickjs-entry.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '..', 'corpus', 'bodies');
const text = (rel: string): string => readFileSync(join(corpus, rel), 'utf8');

test('same results in QuickJS and Node; PIDF throughput inside QuickJS reported', async () => {
  const input = {
    pidf: text('rfc4480/body-4-L866-presence.xml'),
    pidfSmall: text('rfc3863/body-4.2.2-L508-presence.xml'),
    dialogs: ['L1205', 'L1213', 'L1224', 'L1245', 'L1261', 'L1290'].map((l) => text(`rfc4235/body-6.2-${l}-dialog-info.xml`)),
    mwi: 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n',
    now: Date.UTC(2005, 4, 30, 10, 0, 0),
    iterations: 200,
  };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const inQuickJS = await runInQuickJS<Record<string, unknown>>(code, input);
  const inNode = run({ ...input, iterations: 10 }) as Record<string, unknown>;
  const strip = ({ perSecondLarge: _l, perSecondSmall: _s, sum: _n, ...rest }: Record<string, unknown>) => rest;
  assert.equal(strip(inQuickJS.result), strip(inNode));
  assert.is(inQuickJS.result.code, 0);
  assert.equal(inQuickJS.result.activities, ['away']);
  assert.equal(inQuickJS.result.blf, [1, 3, 3, 3, 4, 4]);
  assert.is(inQuickJS.result.caller, 'Cathy Jones');
  console.log(`  QuickJS: PIDF read+compose per second: ${inQuickJS.result.perSecondSmall} (RFC 3863 §4.2.2, 277 B), ${inQuickJS.result.perSecondLarge} (RFC 4480 §4, 2.4 kB)`);
  assert.ok((inQuickJS.result.perSecondSmall as number) > 0 && (inQuickJS.result.perSecondLarge as number) > 0);
});

test.run();
