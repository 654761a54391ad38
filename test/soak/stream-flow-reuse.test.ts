// Found by the flow soak (soak-flows-scenario.ts): every TCP flow the host reopened (after an
// outage, a NAT drop, a failed keep-alive) made a new 16 KiB framer buffer in the UA, and the
// UA's view could keep a dead flow's buffer alive (a 16 KiB heap step between soak hours). Now a
// table slot keeps its framer and buffer across flows (core/ua/stream-flows.ts). Checked here:
// reconnects allocate no flow buffer, the slot comes back on close (occupancy.streamFlows), and
// bytes left half-read by a dead flow never prefix the next flow's first message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, UaOccupancy, streamModule, STREAM_BUFFER_BYTES, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { xorshift } from './soak-base.js';
import { ascii, text, okFor } from './register-ok.js';

const FLOW: Endpoint = { transport: 'tcp', address: '10.0.0.11', port: 5060 };

/** Counts typed arrays of at least STREAM_BUFFER_BYTES made while `run` runs (core code resolves the global Uint8Array at each `new`). */
function bigAllocations(run: () => void): number {
  const g = globalThis as { Uint8Array: Uint8ArrayConstructor };
  const original = g.Uint8Array;
  let n = 0;
  g.Uint8Array = new Proxy(original, {
    construct(target, args, newTarget) {
      const a = Reflect.construct(target, args, newTarget) as Uint8Array;
      if (a.byteLength >= STREAM_BUFFER_BYTES) n++;
      return a;
    },
  });
  try { run(); } finally { g.Uint8Array = original; }
  return n;
}

test('a flow reopened 40 times reuses its slot\'s buffer; a dead flow\'s half message does not reach the next flow', () => {
  const ua = new UserAgent({
    aor: 'sip:eve@example.test', registrar: 'sip:10.0.0.11:5060;transport=tcp', transport: 'tcp',
    localAddress: '10.0.0.21', localPort: 5060, expires: 600, random: xorshift(3),
  }, { streams: streamModule });
  const out = new Outgoing();
  const occ = new UaOccupancy();
  const events: UaEvent[] = [];
  let now = 0;
  const sent = (): string[] => {
    const r: string[] = [];
    while (ua.pollTransmit(out)) r.push(text(out.bytes, out.off, out.len));
    for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) events.push(e);
    return r;
  };
  assert.ok(ua.register(now).ok);
  let register = sent().find((s) => s.startsWith('REGISTER '))!;
  let registered = 0;
  const reconnect = (): void => {
    const ok = okFor(register, 's1');
    // Half of an unrelated message, then the flow dies: its bytes must go with it.
    const junk = ascii('NOTIFY sip:eve@10.0.0.21:5060;transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.11:5060;branch=z9hG4bKx\r\nContent-Len');
    ua.handleStream(FLOW, ok, 0, ok.length, now);
    registered += events.length;
    sent();
    ua.handleStream(FLOW, junk, 0, junk.length, now);
    ua.occupancy(occ);
    assert.is(occ.streamFlows, 1);
    now += 1000;
    ua.handleFlowClosed(FLOW, now); // RFC 5626 §4.4.1: the phone registers again at once, on a new flow
    ua.occupancy(occ);
    assert.is(occ.streamFlows, 0, 'the closed flow gave its slot back');
    sent(); // the host hears of the loss first ...
    assert.is(ua.pollTimeout(), now, '... and the REGISTER is due at once');
    ua.handleTimeout(now);
    register = sent().find((s) => s.startsWith('REGISTER '))!;
    assert.ok(register !== undefined, 're-REGISTER after the flow closed');
  };
  reconnect(); // the first flow makes the slot's buffer
  const made = bigAllocations(() => { for (let i = 0; i < 40; i++) reconnect(); });
  assert.is(made, 0, `${made} flow buffers made for 40 reconnects`);
  // The last re-REGISTER's 200 on the new flow is read whole: nothing of the dead flow's NOTIFY precedes it.
  events.length = 0;
  const ok = okFor(register, 's1');
  ua.handleStream(FLOW, ok, 0, ok.length, now);
  sent();
  assert.ok(events.some((e) => e.kind === 'registration-restored' || (e.kind === 'registration' && e.state === 'registered')), JSON.stringify(events.map((e) => e.kind)));
  assert.not.ok(events.some((e) => e.kind === 'warning'), JSON.stringify(events.filter((e) => e.kind === 'warning')));
  assert.ok(registered > 0);
});

test.run();
