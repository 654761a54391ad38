import { chatModule } from '../../core/ua/invite-sessions.js';
// Hostile input to the chat side of the UA (issue #5: never throw on network input): 3000
// mutated copies of a real chat's traffic (INVITE with an MSRP offer, 180/200 with the answer,
// ACK, BYE, CANCEL) fed to both ends while chats are offered, accepted and ended. Nothing may
// throw, no `internal-error` warning may appear, and a clean chat still works afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, enc, seededRandom } from '../ua/memory-net.js';

test('3000 mutated chat messages: no throw, no internal error, chats still work afterwards', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 1);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 2);
  alice.ua.enableChat(chatModule, { listener: { address: '10.0.0.1', port: 2855 } });
  bob.ua.enableChat(chatModule, { listener: { address: '10.0.0.2', port: 2856 }, maxChats: 4 });

  // One clean chat to collect real traffic.
  const aId = alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  bob.ua.acceptChat(bob.of('chat-offer')[0]!.sessionId, net.now).unwrap();
  bob.drain();
  net.run(100);
  alice.ua.endChat(aId, net.now).unwrap();
  alice.drain();
  net.run(100);
  const corpus = [...alice.sent, ...bob.sent].map(enc);
  assert.ok(corpus.length >= 6);

  const rnd = seededRandom(4975);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  const mutate = (src: Uint8Array): Uint8Array => {
    const b = src.slice();
    switch (Math.floor(rnd() * 6)) {
      case 0: for (let k = 0; k < 4; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); return b;
      case 1: return b.subarray(0, Math.floor(rnd() * b.length));
      case 2: return enc(new TextDecoder().decode(b).replace(/SIP\/2\.0 \d{3}/, `SIP/2.0 ${pick([100, 180, 183, 200, 202, 401, 481, 486, 487, 488, 500, 603])}`));
      case 3: return enc(new TextDecoder().decode(b).replace(/a=setup:[a-z]+/, `a=setup:${pick(['active', 'passive', 'actpass', 'holdconn', 'bogus'])}`)
        .replace(/msrp:\/\/[^\r ]*/, pick(['msrp://x', 'msrps://10.0.0.9:1/a;tcp', 'msrp://[::1]:99999/s;tcp', 'http://x/y'])));
      case 4: return enc(new TextDecoder().decode(b).replace(/;tag=[0-9a-z]+/, pick(['', ';tag=other', ';tag='])).replace(/CSeq: \d+/, `CSeq: ${Math.floor(rnd() * 5)}`));
      default: return b;
    }
  };
  const fromAlice = { transport: 'udp' as const, address: '10.0.0.1', port: 5060 };
  const fromBob = { transport: 'udp' as const, address: '10.0.0.2', port: 5070 };
  for (let i = 0; i < 3000; i++) {
    let m = mutate(pick(corpus));
    if (rnd() < 0.6) m = enc(new TextDecoder().decode(m).replace(/branch=z9hG4bK[^;\r,]*/, `branch=z9hG4bKm${i}`));
    const toBob = rnd() < 0.5;
    assert.not.throws(() => (toBob ? bob : alice).ua.handleDatagram(m, 0, m.length, toBob ? fromAlice : fromBob, net.now));
    (toBob ? bob : alice).drain();
    // The application plays along: accept or reject what is offered, sometimes end chats.
    for (const o of bob.of('chat-offer').slice(-2)) {
      if (rnd() < 0.5) bob.ua.acceptChat(o.sessionId, net.now); else bob.ua.rejectChat(o.sessionId, pick([486, 488, 603]), net.now);
    }
    if (i % 40 === 0) { for (const s of bob.of('chat-state').slice(-3)) bob.ua.endChat(s.sessionId, net.now); }
    bob.drain();
    if (i % 50 === 0) net.run(rnd() * 3000);
  }
  net.run(130_000);
  if (process.env.UA_DEBUG) { const c: Record<string, number> = {}; for (const e of [...alice.events, ...bob.events]) { const k = e.kind === 'warning' ? `warning:${e.code}` : e.kind === 'chat-state' ? `state:${e.state}/${e.status}` : e.kind; c[k] = (c[k] ?? 0) + 1; } console.log(c); }
  const internal = [...alice.events, ...bob.events].filter((e) => e.kind === 'warning' && e.code === 'internal-error');
  assert.equal(internal, []);

  // Still works: a fresh chat connects.
  const before = alice.of('msrp-connect').length;
  const id = alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  const offer = bob.of('chat-offer').at(-1)!;
  bob.ua.acceptChat(offer.sessionId, net.now).unwrap();
  bob.drain();
  net.run(100);
  assert.ok(alice.of('chat-state').some((e) => e.sessionId === id && e.state === 'connected'));
  assert.is(alice.of('msrp-connect').length, before + 1);
});

test.run();
