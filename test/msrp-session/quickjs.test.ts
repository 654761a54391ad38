// The MSRP session and the SDP offer/answer are engine-neutral: bundled as firmware would be,
// they run inside QuickJS and give the same events and bytes as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { createHash } from 'node:crypto';
import { run } from './quickjs-entry.js';

const here = dirname(fileURLToPath(import.meta.url));

test('64 KB in 4 KB chunks with a success report: same result in QuickJS and Node', async () => {
  const input = { size: 65536, chunkSize: 4096, readSize: 1000 };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const q = await runInQuickJS<{ roles: string[]; sum: number; want: number; events: string[]; tls: Record<string, unknown> }>(code, input);
  const n = run(input) as typeof q.result;
  assert.equal(q.result, n);
  assert.equal(q.result.roles, ['active', 'passive'], 'answerer behind NAT connects out');
  assert.is(q.result.sum, q.result.want, 'the message arrived intact');
  assert.equal(q.result.events, ['B1:200:65536', 'A4:200:65536'], 'RECEIVED at Bob, DELIVERED (success report) at Alice');
  // msrps offer/answer and the a=fingerprint check (RFC 8122) in QuickJS: the core's SHA-256 agrees with OpenSSL's.
  const content = new Uint8Array(700);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 8)) & 0xff;
  const want = createHash('sha256').update(content).digest('hex').toUpperCase().match(/../g)!.join(':');
  assert.equal(q.result.tls, { secure: [true, true], aliceFingerprint: `sha-256 ${want}`, bobChecksAlice: true, aliceChecksBob: true, aliceRefusesWrongCert: false });
});

test.run();
