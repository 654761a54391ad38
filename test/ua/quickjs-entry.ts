// Runs inside QuickJS (bundled by test/support/quickjs.ts): two UserAgents joined in memory with
// virtual time exchange OPTIONS and MESSAGE both ways; the event trail comes back as JSON. The
// same function runs on Node in quickjs.test.ts, and both trails must be equal.
import { UserAgent, Outgoing, notifierModule, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { PresenceStates } from '../../core/presence/presence-states.js';

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}

const pidf = (basic: string, note: string) =>
  `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@10.0.0.2"><tuple id="t"><status><basic>${basic}</basic></status><note>${note}</note></tuple></presence>`;

export function twoPhones(presence = false): string[] {
  const trail: string[] = [];
  const a = new UserAgent({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060, random: seeded(1) });
  const b = new UserAgent({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5060, random: seeded(2) });
  const states = new PresenceStates({ maxStates: 4 });
  const eps: Endpoint[] = [{ transport: 'udp', address: '10.0.0.1', port: 5060 }, { transport: 'udp', address: '10.0.0.2', port: 5060 }];
  const uas = [a, b];
  const out = new Outgoing();
  const queue: { to: number; from: number; bytes: Uint8Array; at: number }[] = [];
  let now = 0;
  const drain = (i: number) => {
    while (uas[i]!.pollTransmit(out)) {
      const to = out.endpoint.address === '10.0.0.1' ? 0 : 1;
      queue.push({ to, from: i, bytes: out.bytes.slice(out.off, out.off + out.len), at: now + 5 });
    }
    let e: UaEvent | undefined;
    while ((e = uas[i]!.pollEvent()) !== undefined) {
      trail.push(`${i === 0 ? 'alice' : 'bob'}:${e.kind}:${'status' in e ? e.status : ''}:${'body' in e ? e.body.length : ''}`);
      if (e.kind === 'presence') { const st = states.get(e.subscriptionId)!; trail.push(`alice:presence-state:${st.display}:${st.noteText()}:${st.version}`); }
      if (e.kind === 'message') uas[i]!.respondToMessage(e.id, i === 0 ? 200 : 202, now);
    }
  };
  const run = (until: number) => {
    for (let guard = 0; guard < 10000; guard++) {
      let next = Infinity;
      for (const p of queue) next = Math.min(next, p.at);
      const ta = a.pollTimeout();
      const tb = b.pollTimeout();
      const t = Math.min(next, ta, tb);
      if (t > until) return;
      now = t;
      if (next === t) {
        const p = queue.splice(queue.findIndex((q) => q.at === t), 1)[0]!;
        uas[p.to]!.handleDatagram(p.bytes, 0, p.bytes.length, eps[p.from]!, now);
        drain(p.to);
        drain(p.to);
      } else {
        const i = ta <= tb ? 0 : 1;
        uas[i]!.handleTimeout(now);
        drain(i);
      }
    }
  };
  if (presence) {
    // Peer to peer (RFC 3856 §5): bob is his own presence agent; alice keeps his state in her table.
    b.enableNotifier(notifierModule);
    b.serve('presence', { policy: 'everyone' });
    b.notify('presence', 'application/pidf+xml', ascii(pidf('open', 'at my desk')), now); drain(1);
    a.trackPresence(states);
    a.subscribe('sip:bob@10.0.0.2', 'presence', now); drain(0);
    run(1000);
    b.notify('presence', 'application/pidf+xml', ascii(pidf('closed', 'gone home')), now); drain(1);
    run(2000);
    return trail;
  }
  a.sendOptions('sip:bob@10.0.0.2', now); drain(0);
  a.sendMessage('sip:bob@10.0.0.2', 'text/plain', ascii('hello from quickjs'), now); drain(0);
  b.sendMessage('sip:alice@10.0.0.1', 'text/plain', ascii('hi alice'), now); drain(1);
  run(40000);
  return trail;
}

(globalThis as { __run?: (input: string) => string }).__run = (input: string) => JSON.stringify(twoPhones(JSON.parse(input) === 'presence'));
