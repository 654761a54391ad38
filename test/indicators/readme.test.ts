// The policy table in core/indicators/README.md is the one in presets.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRESETS, PRESET_NAMES, POLICY_KEYS } from '../../core/indicators/index.js';
import { show } from './helpers.js';

test('README policy table matches the presets', () => {
  const text = readFileSync(fileURLToPath(new URL('../../core/indicators/README.md', import.meta.url)), 'utf8');
  const m = /<!-- policy-table:start -->\n([\s\S]*?)\n<!-- policy-table:end -->/.exec(text);
  assert.ok(m, 'table markers present');
  const expected = [
    `| State | ${PRESET_NAMES.map((n) => `\`${n}\``).join(' | ')} |`,
    `|---|${PRESET_NAMES.map(() => '---').join('|')}|`,
    ...POLICY_KEYS.map((k) => `| \`${k}\` | ${PRESET_NAMES.map((n) => show(PRESETS[n][k])).join(' | ')} |`),
  ];
  assert.equal(m![1]!.split('\n'), expected);
});

test.run();
