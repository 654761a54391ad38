// Found by the flow soak (soak-flows-scenario.ts): every TCP flow the host reopened (after an
// outage, a NAT drop, a failed keep-alive) made a new 16 KiB framer buffer in the UA, and the
// UA's view could keep a dead flow's buffer alive (a 16 KiB heap step between soak hours). Now a
// table slot keeps its framer and buffer across flows (core/ua/stream-flows.ts). Checked here:
// reconnects allocate no flow buffer, the slot comes back on close (occupancy.streamFlows), and
// bytes left half-read by a dead flow never prefix the next flow's first message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, UaOccupancy, streamModule, STREAM_BUFFER_BYTES, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { xorshift } from './soak-scenario.js';

const FLOW: Endpoint = { transport: 'tcp', address: '10.0.0.11', port: 5060 };

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function text(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[off + i]!);
  return s;
}

function okFor(request: string): Uint8Array {
  const v = new SipMessageView();
  const b = ascii(request);
  assert.ok(parse(b, 0, b.length, v, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => v.headerText(id)!;
  return ascii(['SIP/2.0 200 OK', `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=s1`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    `Contact: ${h(H.CONTACT)};expires=600`, 'Content-Length: 0', '', ''].join('\r\n'));
}

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
    const ok = okFor(register);
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
    register = sent().find((s) => s.startsWith('REGISTER '))!;
    assert.ok(register !== undefined, 're-REGISTER after the flow closed');
  };
  reconnect(); // the first flow makes the slot's buffer
  const made = bigAllocations(() => { for (let i = 0; i < 40; i++) reconnect(); });
  assert.is(made, 0, `${made} flow buffers made for 40 reconnects`);
  // The last re-REGISTER's 200 on the new flow is read whole: nothing of the dead flow's NOTIFY precedes it.
  events.length = 0;
  const ok = okFor(register);
  ua.handleStream(FLOW, ok, 0, ok.length, now);
  sent();
  assert.ok(events.some((e) => e.kind === 'registration-restored' || (e.kind === 'registration' && e.state === 'registered')), JSON.stringify(events.map((e) => e.kind)));
  assert.not.ok(events.some((e) => e.kind === 'warning'), JSON.stringify(events.filter((e) => e.kind === 'warning')));
  assert.ok(registered > 0);
});

test.run();
