// The decoders on a device engine: core/sip/decode bundled by esbuild (es2022, IIFE) and run in
// QuickJS (npm quickjs-emscripten) give exactly the codes and spans they give on Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { runDecodeProgram } from './engine-program.js';

const CASES: [string, string][] = [
  ['uri', 'sip:user;par=u%40example.net@example.com'],
  ['uri', 'sip:[2001:db8::10:5070]'],
  ['uri', 'sip:2001:db8::10'],
  ['uri', 'nobodyKnowsThisScheme:totallyopaquecontent'],
  ['uri', 'tel:7042;phone-context=example.com'],
  ['via', 'SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw'],
  ['via', 'SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3'],
  ['from', '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8'],
  ['from', 'Bell, Alexander <sip:a.g.bell@example.com>;tag=43'],
  ['contact', '"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33'],
  ['contact', 'sip:user@example.com?Route=%3Csip:sip.example.com%3E'],
  ['cseq', '0009\r\n  INVITE'],
  ['cseq', '36893488147419103232 REGISTER'],
  ['callId', 'wsinv.ndaksdj@192.0.2.1'],
  ['expires', '10000000000000000000000000000000000000000000'],
  ['retryAfter', "120 (I'm in a (meeting)) ;duration=60"],
  ['contentType', 'multipart/related;type="application/rlmi+xml";\r\n    boundary="tuLLl3lDyPZX0GMr2YOo"'],
  ['event', 'presence.winfo;id=1234'],
  ['subState', 'terminated;reason=timeout;retry-after=30'],
];

test('decoders give the same codes and spans in QuickJS as on Node', async () => {
  const onNode = runDecodeProgram(CASES);
  const code = await bundleForEngine(fileURLToPath(new URL('./quickjs-entry.ts', import.meta.url)));
  const run = await runInQuickJS<ReturnType<typeof runDecodeProgram>>(code, CASES);
  assert.equal(run.result, onNode);
  // The program is not trivially empty: a mix of successes and errors came back.
  assert.ok(onNode.some((r) => r.code === 0) && onNode.some((r) => r.code < 0));
});

test.run();
