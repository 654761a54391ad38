// Found by the stream soak (soak-streams-scenario.ts) once tess's TLS flow could die silently (a
// NAT forgetting it, no FIN) while the server kept connections it had opened to her alive with
// double-CRLF keep-alives: her keep-alive took 150 s and more to find the dead flow, or never
// found it, instead of interval + answer timeout. Cause: the stream module reported every CRLF
// between messages as "the pong" (StreamPort.pong(now)) whatever connection it came on, so a CRLF
// on a server-opened connection answered the ping sent on the registration flow (RFC 5626 §4.4.1:
// the pong must come back on the flow pinged). Fixed: StreamPort.pong names the flow, and the UA
// takes it as the pong only on the flow its keep-alive pings (the proxy endpoint).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, streamModule, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';
import { xorshift } from './soak-base.js';
import { ascii, text, okFor } from './register-ok.js';

const FLOW: Endpoint = { transport: 'tls', address: '10.0.0.11', port: 5061 };
/** A connection the server opened to the phone (from an ephemeral port). */
const INBOUND: Endpoint = { transport: 'tls', address: '10.0.0.11', port: 40002 };
const ANSWER_MS = 10_000;

/** A TLS phone registered over FLOW, run to its first double-CRLF ping; returns it with the ping's time. */
function pinged(): { ua: UserAgent; events: UaEvent[]; pingAt: number; drain: () => void } {
  const ua = new UserAgent({
    aor: 'sips:tess@example.test', registrar: 'sips:10.0.0.11:5061', transport: 'tls', localAddress: '10.0.0.32', localPort: 5061,
    expires: 600, random: xorshift(3), keepalive: { mode: 'stream-ping', intervalMs: 30_000, answerTimeoutMs: ANSWER_MS },
  }, { streams: streamModule, keepalive: keepaliveModule });
  const out = new Outgoing();
  const events: UaEvent[] = [];
  let ping = false;
  const drain = () => {
    while (ua.pollTransmit(out)) if (out.len === 4 && text(out.bytes, out.off, 4) === '\r\n\r\n') { assert.equal(out.endpoint, FLOW, 'pinged on the registration flow'); ping = true; }
    let e: UaEvent | undefined;
    while ((e = ua.pollEvent()) !== undefined) events.push(e);
  };
  assert.ok(ua.register(0).ok);
  let register = '';
  while (ua.pollTransmit(out)) register = text(out.bytes, out.off, out.len);
  const ok = okFor(register, 'r1');
  ua.handleStream(FLOW, ok, 0, ok.length, 10);
  drain();
  assert.ok(events.some((e) => e.kind === 'registration' && e.state === 'registered'));
  let now = 10;
  for (let i = 0; i < 100 && !ping; i++) { now = ua.pollTimeout(); ua.handleTimeout(now); drain(); }
  assert.ok(ping, 'a keep-alive ping went out');
  return { ua, events, pingAt: now, drain };
}

/** Runs the UA's timers up to `until`. */
function runUntil(ua: UserAgent, until: number, drain: () => void): void {
  for (let i = 0; i < 1000 && ua.pollTimeout() <= until; i++) { ua.handleTimeout(ua.pollTimeout()); drain(); }
}

const flowFailed = (events: UaEvent[]) => events.some((e) => e.kind === 'registration-lost' && e.cause === 'flow-failed');

test('CRLFs on a connection the server opened do not answer the ping sent on the registration flow', () => {
  const { ua, events, pingAt, drain } = pinged();
  // The server's own keep-alive on its connection (a double CRLF), and a stray CRLF before a request there.
  const crlfs = ascii('\r\n\r\n');
  ua.handleStream(INBOUND, crlfs, 0, 4, pingAt + 1000);
  ua.handleStream(INBOUND, crlfs, 0, 2, pingAt + 2000);
  drain();
  runUntil(ua, pingAt + ANSWER_MS, drain);
  assert.ok(flowFailed(events), `no pong on the pinged flow within ${ANSWER_MS} ms: the flow is failed (RFC 5626 §4.4.1); events: ${events.map((e) => e.kind).join(', ')}`);
});

test('the pong on the registration flow keeps it', () => {
  const { ua, events, pingAt, drain } = pinged();
  const pong = ascii('\r\n');
  ua.handleStream(FLOW, pong, 0, 2, pingAt + 20);
  drain();
  runUntil(ua, pingAt + ANSWER_MS + 1000, drain);
  assert.not.ok(flowFailed(events), 'a pong on the flow pinged answers the ping');
});

test.run();
