// Two engines over the fault-injecting virtual link (drop, duplicate, reorder, delay; seeded):
// every transaction must complete or time out exactly as RFC 3261 §17 says, none may hang, the
// server side must absorb retransmissions and resend its final response.
//
//   client (node 0)                     link (30% loss, dup, reorder)             server (node 1)
//   startRequest ── request ──────────────────── x ─────────────────────────────▶
//   Timer E ─────── request (retransmission) ─────────────────────────────────────▶ EVENT_REQUEST → TU answers
//               ◀────────────────────────────── x ──────────────────────── final response
//   Timer E ─────── request ──────────────────────────────────────────────────────▶ absorbed, final resent
//               ◀──────────────────────────────────────────────────────────  final response
//   EVENT_RESPONSE, Completed, Timer K                                           Completed, Timer J
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Prng, Simulation, VirtualLink, type LinkFaults } from '../support/virtual-link.js';
import { TransactionNode, type ClientRecord } from '../support/transaction-node.js';
import { sipCodec, tinyCodec, type HarnessCodec } from '../support/harness-codec.js';
import { METHOD_INVITE, METHOD_MESSAGE } from '../../core/transaction/index.js';

const T1 = 500;
const T4 = 5000;
const TIMEOUT = 64 * T1;
const NONE = -1;

function faults(dropRate: number): LinkFaults {
  return { dropRate, duplicateRate: 0.05, minDelayMs: 5, maxDelayMs: 80, reorderRate: 0.1, reorderDelayMs: 300 };
}

/** Timer E send times (relative): 0, 500, 1500, 3500, 7500, then every T2. */
function nonInviteSchedule(): number[] {
  const out = [0];
  let interval = T1;
  while (out[out.length - 1]! + interval < TIMEOUT) {
    out.push(out[out.length - 1]! + interval);
    interval = Math.min(2 * interval, 4000);
  }
  return out;
}

function pair(seed: number, dropRate: number, reliable = false, codec: HarnessCodec = tinyCodec) {
  const link = new VirtualLink(new Prng(seed), reliable ? { ...faults(0), duplicateRate: 0, reorderRate: 0 } : faults(dropRate));
  const client = new TransactionNode(0, 1, link, { maxTransactions: 2048 }, reliable, codec);
  const server = new TransactionNode(1, 0, link, { maxTransactions: 2048 }, reliable, codec);
  const sim = new Simulation(link, [client, server]);
  return { link, client, server, sim };
}

function runNonInvite(seed: number, dropRate: number, n: number, reliable = false, codec: HarnessCodec = tinyCodec) {
  const { link, client, server, sim } = pair(seed, dropRate, reliable, codec);
  // Server TU: most requests get 200 at once; every 10th a 100 Trying first and the final 2 s
  // later; every 25th is answered after 40 s, past the client's Timer F.
  server.onRequest = (node, rec, now) => {
    if (rec.seq % 25 === 0) node.schedule(now + 40_000, (t) => node.respond(rec, 200, t));
    else if (rec.seq % 10 === 3) {
      node.respond(rec, 100, now);
      node.schedule(now + 2000, (t) => node.respond(rec, 202, t));
    } else node.respond(rec, 200, now);
  };
  for (let i = 0; i < n; i++) client.schedule(i * 50, (t) => client.startRequest(METHOD_MESSAGE, i, t));
  assert.ok(sim.runToQuiescence(10_000_000), 'the simulation went quiet: nothing hangs');
  return { link, client, server, sim };
}

function checkNonInvite(client: TransactionNode, server: TransactionNode, n: number, reliable: boolean) {
  const schedule = nonInviteSchedule();
  let completed = 0;
  let timedOut = 0;
  assert.is(client.clients.size, n);
  for (const c of client.clients.values()) {
    const done = c.finalAt !== NONE;
    const timeout = c.timeoutAt !== NONE;
    assert.ok(done !== timeout, `seq ${c.seq}: exactly one outcome (final ${c.finalAt}, timeout ${c.timeoutAt})`);
    assert.is(c.transportErrorAt, NONE);
    if (timeout) {
      timedOut++;
      assert.is(c.timeoutAt, c.start + TIMEOUT, `seq ${c.seq}: Timer F fires at exactly 64*T1`);
      assert.is(c.terminatedAt, c.timeoutAt);
    } else {
      completed++;
      assert.ok(c.finalAt <= c.start + TIMEOUT);
      assert.is(c.terminatedAt, c.finalAt + (reliable ? 0 : T4), `seq ${c.seq}: Timer K`);
    }
    const end = done ? c.finalAt : c.timeoutAt;
    const gotProvisional = c.responses.some((r) => r.status < 200);
    if (reliable) assert.equal(c.sends, [c.start], 'no retransmission on reliable transports');
    else if (!gotProvisional) {
      assert.equal(c.sends.map((t) => t - c.start), schedule.filter((x) => c.start + x < end), `seq ${c.seq}: Timer E schedule`);
    }
    if (c.seq % 25 === 0) assert.ok(timeout, `seq ${c.seq}: the late answer comes after Timer F`);
  }
  for (const s of server.servers.values()) {
    assert.is(s.deliveredToTu, 1, `seq ${s.seq}: the TU sees each request once`);
    const finals = s.responsesSent.filter((r) => r.status >= 200);
    assert.is(finals.length, 1 + s.absorbedCompleted, `seq ${s.seq}: every retransmission in Completed gets the final again`);
    if (reliable) assert.is(s.terminatedAt, finals[0]!.t, 'Timer J = 0');
    else assert.is(s.terminatedAt, finals[0]!.t + TIMEOUT, `seq ${s.seq}: Timer J = 64*T1`);
  }
  assert.is(client.engine.liveCount, 0);
  assert.is(server.engine.liveCount, 0);
  assert.is(client.engine.droppedEvents + client.engine.droppedTransmits + server.engine.droppedEvents + server.engine.droppedTransmits, 0);
  return { completed, timedOut };
}

test('500 non-INVITE transactions over UDP with 30% loss, duplicates and reordering', () => {
  const n = 500;
  const { link, client, server } = runNonInvite(0xc0ffee, 0.3, n);
  const { completed, timedOut } = checkNonInvite(client, server, n, false);
  assert.ok(link.dropped > 0.25 * link.sent && link.duplicated > 0, 'the link really was lossy');
  assert.is(completed + timedOut, n);
  assert.ok(timedOut >= n / 25, 'the late answers timed out');
  assert.ok(client.noMatch > 0, 'late responses after Timer F/K match nothing (§18.1.2)');
});

for (const [seed, rate] of [[1, 0], [2, 0.1], [3, 0.2], [4, 0.3]] as const) {
  test(`200 non-INVITE transactions over UDP, seed ${seed}, loss ${rate * 100}%`, () => {
    const { client, server } = runNonInvite(seed, rate, 200);
    checkNonInvite(client, server, 200, false);
  });
}

test('200 non-INVITE transactions over a reliable transport: no retransmissions, Timers K and J = 0', () => {
  const { client, server, link } = runNonInvite(9, 0, 200, true);
  checkNonInvite(client, server, 200, true);
  assert.is(link.sent, client.clients.size + [...server.servers.values()].reduce((n, s) => n + s.responsesSent.length, 0));
});

test('real SIP bytes (core/sip parser + key reader): 200 non-INVITE transactions over UDP with 30% loss', () => {
  const { client, server, link } = runNonInvite(0x5eed, 0.3, 200, false, sipCodec());
  checkNonInvite(client, server, 200, false);
  assert.ok(link.dropped > 0.25 * link.sent);
});

for (const codec of [tinyCodec, sipCodec()]) test(`300 INVITE transactions over UDP with 30% loss (${codec.name} messages): non-2xx ACKed by the transaction, 2xx ACKed by the TU`, () => {
  const n = 300;
  const { client, server, sim, link } = pair(0xbeef, 0.3, false, codec);
  // Server TU: seq%3 = 0 → 486 at once; 1 → 180, then 486 a second later; 2 → 200, retransmitted
  // by the TU at T1, 2T1 … T2 until the ACK arrives or 64*T1 passed (§13.3.1.4).
  server.onRequest = (node, rec, now) => {
    if (rec.seq % 3 === 0) node.respond(rec, 486, now);
    else if (rec.seq % 3 === 1) {
      node.respond(rec, 180, now);
      node.schedule(now + 1000, (t) => node.respond(rec, 486, t));
    } else {
      node.respond(rec, 200, now);
      let interval = T1;
      const started = now;
      const again = (t: number) => {
        if (rec.ackFor2xxAt !== NONE || t - started >= TIMEOUT) return;
        node.respond(rec, 200, t);
        interval = Math.min(2 * interval, 4000);
        node.schedule(t + interval, again);
      };
      node.schedule(now + interval, again);
    }
  };
  client.onResponse = (node, rec, status, now) => {
    if (status >= 200 && status < 300) node.ack2xx(rec, now);
  };
  for (let i = 0; i < n; i++) client.schedule(i * 40, (t) => client.startRequest(METHOD_INVITE, i, t));
  assert.ok(sim.runToQuiescence(10_000_000), 'nothing hangs');
  assert.ok(link.dropped > 0.25 * link.sent);

  const byOutcome = { ok: 0, rejected: 0, timedOut: 0 };
  for (const c of client.clients.values() as IterableIterator<ClientRecord>) {
    const done = c.finalAt !== NONE;
    assert.ok(done !== (c.timeoutAt !== NONE), `seq ${c.seq}: exactly one outcome`);
    if (!done) {
      byOutcome.timedOut++;
      assert.is(c.timeoutAt, c.start + TIMEOUT, 'Timer B = 64*T1');
      assert.ok(c.responses.length === 0, 'Timer B only fires in Calling');
      continue;
    }
    if (c.finalStatus === 486) {
      byOutcome.rejected++;
      assert.ok(c.acksSent.length >= 1, 'the client transaction ACKs the non-2xx');
      assert.is(c.terminatedAt, c.finalAt + 32_000, 'Timer D');
      assert.is(c.responses.filter((r) => r.status >= 300).length, 1, 'retransmitted 486s are absorbed');
    } else {
      byOutcome.ok++;
      assert.is(c.finalStatus, 200);
      assert.is(c.terminatedAt, c.finalAt + TIMEOUT, 'Timer M (RFC 6026)');
      assert.is(c.acksSent.length, c.responses.filter((r) => r.status === 200).length, 'the TU ACKs every 2xx it is given');
    }
    // Timer A doubles: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 until the first response.
    const firstResponse = c.responses.length ? c.responses[0]!.t : c.timeoutAt;
    const schedule = [0, 500, 1500, 3500, 7500, 15500, 31500].filter((x) => c.start + x < firstResponse);
    assert.equal(c.sends.map((t) => t - c.start), schedule, `seq ${c.seq}: Timer A schedule`);
  }
  for (const s of server.servers.values()) {
    assert.is(s.deliveredToTu, 1);
    const finals = s.responsesSent.filter((r) => r.status >= 200);
    if (finals.length === 0) continue;
    const firstFinal = finals[0]!.t;
    if (finals[0]!.status === 486) {
      if (s.acksReceived > 0) {
        assert.is(s.timeoutAt, NONE);
        assert.is(s.terminatedAt, s.firstAckAt + T4, 'Timer I = T4');
      } else {
        assert.is(s.timeoutAt, firstFinal + TIMEOUT, 'Timer H = 64*T1 reports the missing ACK');
        assert.is(s.terminatedAt, s.timeoutAt);
      }
    } else {
      assert.is(s.terminatedAt, firstFinal + TIMEOUT, 'Timer L (RFC 6026)');
    }
  }
  assert.ok(byOutcome.ok > 50 && byOutcome.rejected > 100, JSON.stringify(byOutcome));
  assert.ok(server.strayAcks > 0, 'ACKs for 2xx reach the server TU as stray ACKs');
  assert.is(client.engine.liveCount + server.engine.liveCount, 0);
});

test.run();
