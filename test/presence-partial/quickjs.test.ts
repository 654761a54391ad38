// Partial presence is engine-neutral: bundled for a device, the writer and PresenceStates with
// partial PIDF on give the same results inside QuickJS as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { run } from './quickjs-entry.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">';
const doc = (basic: string, activity: string, note: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n${ROOT}` +
  `<tuple id="desk"><status><basic>${basic}</basic></status></tuple><tuple id="soft"><status><basic>open</basic></status></tuple>` +
  (activity !== '' ? `<dm:person id="p"><rpid:activities><rpid:${activity}/></rpid:activities><dm:note>${note}</dm:note></dm:person>` : '') + '</presence>';

test('same results in QuickJS and Node; partial NOTIFYs applied per second inside QuickJS reported', async () => {
  const input = {
    docs: [doc('open', '', ''), doc('open', 'busy', 'Busy'), doc('open', 'on-the-phone', 'On a call'), doc('closed', 'on-the-phone', 'On a call'), doc('closed', '', ''), doc('open', 'away', 'Lunch')],
    iterations: 30,
  };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const inQuickJS = await runInQuickJS<Record<string, unknown>>(code, input);
  const inNode = run({ ...input, iterations: 2 }) as Record<string, unknown>;
  const strip = ({ perSecond: _p, ...rest }: Record<string, unknown>) => rest;
  assert.equal(strip(inQuickJS.result), strip(inNode));
  assert.equal(inQuickJS.result.kinds, ['full', 'diff', 'diff', 'diff', 'diff', 'diff']);
  const shown = inQuickJS.result.shown as [number, number, number, string][];
  // Changed (0) each time but the 4th: the desk phone closes while the soft phone is open and the person on the phone.
  assert.equal(shown.map((s) => s[0]), [0, 0, 0, 1, 0, 0]);
  assert.is(shown[2]![3], 'On a call');
  console.log(`  QuickJS: partial PIDF NOTIFYs (mostly diffs) applied per second: ${inQuickJS.result.perSecond}`);
  assert.ok((inQuickJS.result.perSecond as number) > 0);
});

test.run();
