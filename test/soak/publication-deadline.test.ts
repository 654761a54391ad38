// Found by the soak (soak-scenario.ts, hour 31 of a 46-hour run): a modify PUBLISH sent shortly
// before the refresh deadline of the last 2xx, then held up by an outage. The deadline came due
// while the PUBLISH was in flight; Publication.handleTimeout ignores a deadline then, and
// nextDeadline() stayed in the past, so the UA's pollTimeout() did too: the host loop spun
// (setTimeout 0 after setTimeout 0) until the PUBLISH ended — up to Timer F, 32 s, at 100 % CPU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Publication } from '../../core/presence/publication.js';
import { UserAgent, Outgoing } from '../../core/ua/index.js';
import { xorshift } from './soak-scenario.js';

const doc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

test('a PUBLISH in flight owns the deadline: the refresh deadline of the previous 2xx does not stay due', () => {
  const p = new Publication({ expires: 240, backoffBaseS: 30, backoffMaxS: 1800, random: () => 0 });
  p.set(0, doc('open'), 'application/pidf+xml');
  p.pollAction();
  p.onResponse(10, { status: 200, etag: 'e1', expires: 240, minExpires: -1, retryAfter: -1 });
  const refreshAt = p.nextDeadline();
  assert.ok(refreshAt > 10 && refreshAt < 240_000);
  // A modify just before the refresh is due, and no answer to it for a while.
  p.set(refreshAt - 100, doc('busy'), 'application/pidf+xml');
  assert.is(p.pollAction()?.ifMatch, 'e1');
  p.handleTimeout(refreshAt);
  assert.ok(p.nextDeadline() > refreshAt, `deadline ${p.nextDeadline()} still due at ${refreshAt} while the PUBLISH is in flight`);
  assert.is(p.pollAction(), undefined, 'no second PUBLISH while one is in flight');
  // Its answer schedules the next refresh; a timeout would schedule the retry.
  p.onResponse(refreshAt + 50, { status: 200, etag: 'e2', expires: 240, minExpires: -1, retryAfter: -1 });
  assert.ok(p.nextDeadline() > refreshAt + 50 && p.nextDeadline() < Infinity);
});

test('through the UA: pollTimeout() moves past now after handleTimeout while a modify PUBLISH hangs', () => {
  const ua = new UserAgent({ aor: 'sip:carol@10.0.0.3', registrar: 'sip:10.0.0.9:5060', localAddress: '10.0.0.3', localPort: 5060, random: xorshift(7) });
  const out = new Outgoing();
  const drain = () => { let n = 0; while (ua.pollTransmit(out)) n++; while (ua.pollEvent() !== undefined); return n; };
  ua.publish(doc('open'), 'application/pidf+xml', 0);
  drain();
  // The 200 to the PUBLISH, written by hand (the UA's own request echoed back).
  const publish = new TextDecoder().decode(out.bytes.subarray(out.off, out.off + out.len));
  const via = /\r\nVia: ([^\r]*)/.exec(publish)![1];
  const header = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r]*)`).exec(publish)![1];
  const ok = `SIP/2.0 200 OK\r\nVia: ${via}\r\nFrom: ${header('From')}\r\nTo: ${header('To')};tag=s1\r\nCall-ID: ${header('Call-ID')}\r\nCSeq: ${header('CSeq')}\r\nSIP-ETag: e1\r\nExpires: 240\r\nContent-Length: 0\r\n\r\n`;
  const bytes = Uint8Array.from(ok, (c) => c.charCodeAt(0));
  ua.handleDatagram(bytes, 0, bytes.length, { transport: 'udp', address: '10.0.0.9', port: 5060 }, 20);
  drain();
  // Timer K ends the PUBLISH transaction; then only the refresh is scheduled (carol never registered).
  while (ua.pollTimeout() < 60_000) { ua.handleTimeout(ua.pollTimeout()); drain(); }
  const refreshAt = ua.pollTimeout();
  assert.ok(refreshAt > 60_000 && refreshAt < 240_000, `a refresh deadline: ${refreshAt}`);
  ua.publish(doc('busy'), 'application/pidf+xml', refreshAt - 100);
  assert.ok(drain() >= 1, 'the modify went out');
  // No answer: the modify retransmits (Timer E) and the old refresh deadline passes.
  let now = refreshAt - 100;
  for (let i = 0; i < 50 && now < refreshAt + 5000; i++) {
    const at = ua.pollTimeout();
    assert.ok(at > now || i === 0 || at === now, 'monotonic');
    now = Math.max(now, at);
    ua.handleTimeout(now);
    drain();
    assert.ok(ua.pollTimeout() > now, `pollTimeout() ${ua.pollTimeout()} still due at ${now}: the host would spin`);
  }
});

test.run();
