// Hostile and broken input never reaches the machines as an impossible edge: thousands of mutated
// copies of real traffic (NOTIFYs for live subscriptions, responses to our requests, MESSAGEs,
// requests of every method) fed to a UA that has a registration, subscriptions and a publication
// under way. Nothing may throw, and no `internal-error` warning may appear (that would mean a
// machine refused an edge: a bug, even though the façade catches it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H } from '../../core/sip/header-ids.js';
import { MemoryNet, enc, seededRandom } from './memory-net.js';

test('5000 mutated messages: no throw, no internal error, the UA still works afterwards', () => {
  const net = new MemoryNet();
  const server = net.addPeer('10.0.0.100', 5060);
  const captured: Uint8Array[] = [];
  let n = 0;
  server.handler = (p, text, from) => {
    if (text.startsWith('SIP/2.0')) return;
    n++;
    const method = text.slice(0, text.indexOf(' '));
    if (method === 'REGISTER') p.reply(from, 200, 'OK', [['Contact', `${p.header(H.CONTACT)};expires=60`]]);
    else if (method === 'SUBSCRIBE') {
      p.reply(from, 200, 'OK', [['Expires', '60'], ['Contact', '<sip:10.0.0.100:5060>']], `s${n}`);
      const fromTag = /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]!;
      const lines = [
        'NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0', `Via: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKnot${n}`, 'Max-Forwards: 70',
        `From: <sip:x@10.0.0.100>;tag=s${n}`, `To: <sip:bob@10.0.0.100>;tag=${fromTag}`, `Call-ID: ${p.header(H.CALL_ID)}`,
        'CSeq: 1 NOTIFY', 'Contact: <sip:10.0.0.100:5060>', `Event: ${p.header(H.EVENT)}`, 'Subscription-State: active;expires=60',
        'Content-Type: application/pidf+xml',
      ];
      p.request({ transport: 'udp', address: '10.0.0.2', port: 5070 }, lines, '<presence/>');
      captured.push(enc(`${lines.join('\r\n')}\r\nContent-Length: 11\r\n\r\n<presence/>`));
    } else if (method === 'PUBLISH') p.reply(from, 200, 'OK', [['SIP-ETag', `e${n}`], ['Expires', '60']]);
    else p.reply(from, 200, 'OK');
  };
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.100', registrar: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070, expires: 60,
    backoff: { baseS: 1, maxS: 2 }, inboundMessagePolicy: 'open',
  }, 4);
  bob.ua.register(net.now);
  bob.ua.subscribe('sip:alice@10.0.0.100', 'presence', net.now);
  bob.ua.subscribe('sip:carol@10.0.0.100', 'dialog', net.now);
  bob.ua.publish(enc('<presence/>'), 'application/pidf+xml', net.now);
  bob.drain();
  net.run(200);
  // Everything bob sent and received so far is material for mutation, plus hand-made requests.
  const corpus: Uint8Array[] = [...captured, ...server.received.map(enc), ...bob.sent.map(enc)];
  for (const m of ['MESSAGE', 'OPTIONS', 'INVITE', 'BYE', 'CANCEL', 'ACK', 'SUBSCRIBE', 'NOTIFY', 'FOO']) {
    corpus.push(enc([`${m} sip:bob@10.0.0.2:5070 SIP/2.0`, 'Via: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKhand', 'Max-Forwards: 70',
      'From: <sip:x@10.0.0.100>;tag=h1', 'To: <sip:bob@10.0.0.100>', 'Call-ID: hand@x', `CSeq: 7 ${m}`, 'Event: message-summary',
      'Subscription-State: terminated;reason=deactivated', 'Content-Length: 0', '', ''].join('\r\n')));
  }
  const rnd = seededRandom(77);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  const from = { transport: 'udp' as const, address: '10.0.0.100', port: 5060 };
  const mutate = (src: Uint8Array): Uint8Array => {
    const b = src.slice();
    switch (Math.floor(rnd() * 5)) {
      case 0: for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); return b;
      case 1: return b.subarray(0, Math.floor(rnd() * b.length));
      case 2: { // swap the status / state words for others the machines know
        const t = new TextDecoder().decode(b)
          .replace(/SIP\/2\.0 \d{3}/, `SIP/2.0 ${pick([100, 180, 200, 202, 401, 407, 412, 423, 481, 489, 500, 503, 603])}`)
          .replace(/Subscription-State: [a-z]+/, `Subscription-State: ${pick(['active', 'pending', 'terminated', 'weird'])}`)
          .replace(/reason=[a-z]+/, `reason=${pick(['deactivated', 'timeout', 'rejected', 'giveup', 'noresource', 'probation'])}`);
        return enc(t);
      }
      case 3: return enc(new TextDecoder().decode(b).replace(/CSeq: \d+/, `CSeq: ${Math.floor(rnd() * 10)}`));
      default: return b;
    }
  };
  for (let i = 0; i < 5000; i++) {
    let m = mutate(pick(corpus));
    // Most requests get a new branch, so they are new transactions rather than absorbed retransmissions.
    if (rnd() < 0.7) m = enc(new TextDecoder().decode(m).replace(/branch=z9hG4bK[^;\r,]*/, `branch=z9hG4bKm${i}`));
    assert.not.throws(() => bob.ua.handleDatagram(m, 0, m.length, from, net.now));
    bob.drain();
    if (i % 50 === 0) net.run(rnd() * 3000);
  }
  if (process.env.UA_DEBUG) { const c: Record<string, number> = {}; for (const e of bob.events) { const k = e.kind === "warning" ? `warning:${e.code}` : e.kind === "subscription" ? `sub:${e.state}/${e.cause}` : e.kind; c[k] = (c[k] ?? 0) + 1; } console.log(c); }
  const internal = bob.events.filter((e) => e.kind === 'warning' && e.code === 'internal-error');
  assert.equal(internal, [], 'no machine was driven into an impossible edge');
  // Still alive: a MESSAGE round trip to the server works.
  const id = bob.ua.sendMessage('sip:alice@10.0.0.100', 'text/plain', enc('still here'), net.now).unwrap();
  bob.drain();
  net.run(100);
  assert.ok(bob.of('message-status').some((s) => s.id === id && s.outcome === 'accepted'));
});

test.run();
