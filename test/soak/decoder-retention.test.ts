// Found by the flow soak (soak-flows-scenario.ts, heap snapshot retainers): the Retry-After
// decoder in core/ua/message-reading.ts is module-level, shared by every UserAgent, and used only
// for 503s; its parameter cursor kept the buffer of the last 503 it read. Over TCP that buffer is
// the flow's 16 KiB framer buffer, so a phone restarted in software (a new UserAgent) left its
// old flow buffer alive until some later 503. Now the cursor lets go of the bytes once read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UserAgent, Outgoing, type Endpoint } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { xorshift } from './soak-scenario.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const REGISTRAR: Endpoint = { transport: 'udp', address: '10.0.0.11', port: 5060 };

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A UA that reads a 503 with Retry-After from a 16 KiB buffer of its own; returns a weak handle on the buffer. */
function phoneReads503(): { buffer: WeakRef<Uint8Array>; retry: number } {
  const ua = new UserAgent({ aor: 'sip:frank@example.test', registrar: 'sip:10.0.0.11:5060', localAddress: '10.0.0.22', localPort: 5060, expires: 600, random: xorshift(8) });
  const out = new Outgoing();
  assert.ok(ua.register(0).ok);
  assert.ok(ua.pollTransmit(out));
  const v = new SipMessageView();
  const req = out.bytes.slice(out.off, out.off + out.len);
  assert.ok(parse(req, 0, req.length, v, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => v.headerText(id)!;
  const text = ['SIP/2.0 503 Service Unavailable', `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=x`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    'Retry-After: 120;duration=60', 'Content-Length: 0', '', ''].join('\r\n');
  const flowBuffer = new Uint8Array(16384);
  flowBuffer.set(ascii(text), 100);
  ua.handleDatagram(flowBuffer, 100, text.length, REGISTRAR, 10);
  let retry = -1;
  for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) if (e.kind === 'registration' && e.nextAttemptAt > 0) retry = e.nextAttemptAt;
  return { buffer: new WeakRef(flowBuffer), retry };
}

test('a UserAgent gone after reading a 503 with Retry-After leaves no buffer of its own behind', async () => {
  const { buffer, retry } = phoneReads503();
  assert.ok(retry >= 120_000, `the Retry-After was read (next attempt at ${retry} ms)`);
  for (let i = 0; i < 4 && buffer.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r)); // a WeakRef target survives the turn that made it
    gc();
  }
  assert.is(buffer.deref(), undefined, 'the message buffer is still reachable after its UserAgent is gone');
});

test.run();
