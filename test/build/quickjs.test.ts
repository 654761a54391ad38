// The firmware bundle really runs on a device engine: the quickjs build of a board is evaluated
// as a script in QuickJS (quickjs-emscripten), exposes globalThis.hardphone, and the SIP parser
// inside it parses a message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runInQuickJS } from '../support/quickjs.js';
import { buildFirmware } from '../../tools/build/firmware.js';
import { ROOT, tempDir, board } from './helpers.js';

// Runs inside QuickJS after the bundle: only what the bundle put on globalThis is used.
const PROBE = `
globalThis.__run = function (input) {
  var hp = globalThis.hardphone;
  var text = JSON.parse(input);
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  var sip = hp.sip;
  var view = new sip.SipMessageView();
  var consumed = sip.parse(bytes, 0, bytes.length, view, sip.createParseOptions({ datagram: true }));
  var callId = view.find(sip.H.CALL_ID);
  return JSON.stringify({
    type: typeof hp, frozen: Object.isFrozen(hp), board: hp.board.id, engine: hp.engine, modules: hp.modules,
    msrp: typeof hp.msrp, consumed: consumed, method: view.method(), uri: view.requestUri(),
    callId: callId >= 0 ? view.headerValueText(callId) : null, body: view.bodyText(),
    noHostApis: typeof Buffer === 'undefined' && typeof process === 'undefined' && typeof setTimeout === 'undefined',
  });
};
`;

const MESSAGE = [
  'MESSAGE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776sgdkse',
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=49583',
  'To: <sip:bob@example.com>',
  'Call-ID: asd88asd77a@192.0.2.10',
  'CSeq: 1 MESSAGE',
  'Content-Type: text/plain',
  'Content-Length: 18',
  '',
  'Watson, come here.',
].join('\r\n');

interface Probe {
  type: string; frozen: boolean; board: string; engine: string; modules: string[]; msrp: string;
  consumed: number; method: string; uri: string; callId: string | null; body: string; noHostApis: boolean;
}

for (const id of ['sim-desk', 'linux-desk']) {
  test(`${id}: the quickjs bundle boots in QuickJS and its SIP parser parses a MESSAGE`, async () => {
    const dir = tempDir();
    try {
      const built = await buildFirmware({ root: ROOT, board: board(id), engine: 'quickjs', outDir: dir.path });
      assert.ok(built.ok, built.ok ? '' : built.val.join('\n'));
      if (!built.ok) return;
      const code = readFileSync(built.val.bundlePath, 'utf8');
      const run = await runInQuickJS<Probe>(code + PROBE, MESSAGE);
      const r = run.result;
      assert.is(r.type, 'object');
      assert.ok(r.frozen);
      assert.is(r.board, id);
      assert.is(r.engine, 'quickjs');
      assert.equal(r.modules, built.val.manifest.modules);
      assert.ok(r.noHostApis, 'the engine really lacks the Node APIs the check refuses');
      assert.is(r.consumed, Buffer.byteLength(MESSAGE));
      assert.is(r.method, 'MESSAGE');
      assert.is(r.uri, 'sip:bob@example.com');
      assert.is(r.callId, 'asd88asd77a@192.0.2.10');
      assert.is(r.body, 'Watson, come here.');
      assert.is(r.msrp, board(id).capabilities.modules.msrp ? 'object' : 'undefined');
      const kib = (n: number) => (n / 1024).toFixed(1);
      console.log(`    ${id}: bundle ${kib(built.val.manifest.bytes)} KiB; QuickJS heap ${kib(run.heapEmpty)} KiB empty → ${kib(run.heapUsed)} KiB loaded`);
    } finally {
      dir.remove();
    }
  });
}

test.run();
