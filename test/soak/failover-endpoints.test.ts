// Found by the flow soak (soak-flows-scenario.ts): every RFC 3263 failover after a timeout kept
// one reference to the named destination in the UA's endpoint table for ever (endpointsInUse
// never went back to 0, even after shutdown). Cause: the transaction engine frees a slot when
// Timer F fires and queues EVENT_TERMINATED behind EVENT_TIMEOUT; the UA's TIMEOUT handler sends
// the failover retry at once, which takes the same slot (and the same record index), so the
// TERMINATED of the first attempt found the new record and returned without releasing the old
// one's endpoint. Fixed in UserAgent.sendInSlot (retireStaleRecord).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, UaOccupancy, type Endpoint } from '../../core/ua/index.js';
import { xorshift } from './soak-base.js';
import { text, okFor } from './register-ok.js';

const S2: Endpoint = { transport: 'udp', address: '10.0.0.12', port: 5060 };

test('REGISTER to a name: the first target stays silent (Timer F), the retry succeeds at the second; no endpoint reference is left behind', () => {
  const ua = new UserAgent({ aor: 'sip:frank@example.test', registrar: 'sip:registrar.test', localAddress: '10.0.0.22', localPort: 5060, expires: 600, random: xorshift(5) });
  const out = new Outgoing();
  const occ = new UaOccupancy();
  let now = 0;
  const advance = (to: number): string[] => {
    const sent: string[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      while (ua.pollTransmit(out)) sent.push(text(out.bytes, out.off, out.len));
      while (ua.pollEvent() !== undefined) { /* drained */ }
      const t = ua.pollTimeout();
      if (t > to) break;
      now = Math.max(now, t);
      ua.handleTimeout(now);
    }
    now = to;
    return sent;
  };
  for (let round = 0; round < 3; round++) {
    assert.ok((round % 2 === 0 ? ua.register(now) : ua.unregister(now)).ok);
    // The first attempt: S1 (the host's first target) never answers; Timer F fires at 64·T1.
    assert.ok(ua.pollTransmit(out) && out.failoverOf === -1 && text(out.bytes, out.off, 9) === 'REGISTER ', `round ${round}: the first attempt`);
    const sent = advance(now + 40_000);
    // The last REGISTER sent is the retry (a new branch, §4.3; the ones before are Timer E's copies of the first).
    const registers = sent.filter((s) => s.startsWith('REGISTER '));
    const retry = registers[registers.length - 1];
    assert.ok(retry !== undefined && out.failoverOf >= 0, 'failed over after Timer F');
    // S2 answers it.
    const ok = okFor(retry!, 's2');
    ua.handleDatagram(ok, 0, ok.length, S2, now);
    assert.is(ua.registrationState, round % 2 === 0 ? 'registered' : 'unregistered');
    advance(now + 60_000); // Timer K and every other timer run out
    ua.occupancy(occ);
    assert.is(occ.clientTransactions, 0);
    assert.is(occ.endpointsInUse, 0, `round ${round}: an endpoint reference outlived its transactions`);
  }
});

test.run();
