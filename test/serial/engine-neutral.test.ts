// The protocol engines under platform/serial are meant to run unchanged on device engines
// (QuickJS, XS), like core/: no host APIs. This guards the rule cheaply; the full check is
// type-checking these files with `"types": [], "lib": ["ES2022"]` (see the serial report).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NEUTRAL = [
  'platform/serial/crc16.ts',
  'platform/serial/ymodem/blocks.ts',
  'platform/serial/ymodem/sender.ts',
  'platform/serial/panel/cobs.ts',
  'platform/serial/panel/frame.ts',
  'platform/serial/panel/link.ts',
];
const FORBIDDEN = [
  /\bBuffer\b/, /from ['"]node:/, /\brequire\(/, /\bsetTimeout\b/, /\bsetInterval\b/, /\bconsole\./,
  /\bDate\.now\b/, /\bperformance\./, /\bprocess\./, /\bTextEncoder\b/, /\bTextDecoder\b/, /\bcrypto\./, /#[a-z]\w*\s*[=;(]/,
];

test('sans-I/O serial engines use no host APIs', () => {
  for (const file of NEUTRAL) {
    const code = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line)) // comments may mention them
      .join('\n');
    for (const pattern of FORBIDDEN) assert.not.match(code, pattern, `${file} uses ${pattern}`);
    for (const m of code.matchAll(/from '([^']+)'/g)) {
      const target = m[1]!;
      assert.ok(target.startsWith('.'), `${file} imports package ${target}`);
      assert.not.match(target, /transfer|link-port|driver|emulator|open-port/, `${file} imports the Node adapter ${target}`);
    }
  }
});

test.run();
