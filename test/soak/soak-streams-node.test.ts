// The third leak soak on Node (soak-streams-scenario.ts says what churns): 16 virtual hours of
// SIP over WebSocket (the core's handshake, masked frames, fragmented and split server frames,
// pings both ways, close frames, drops, a server that hangs), SIP over TLS (sips: URIs, CRLF
// keep-alives, reconnects) and connections the server opens to the phone to deliver NOTIFYs and
// MESSAGEs and then closes, in a child with --expose-gc (soak-node-child.ts --streams).
// Same measure as soak-flows-node.test.ts: program data in heap snapshots at hour 2 and the last,
// bound 5 bytes per request sent in between; a control run keeping one object per request must
// break it. Besides: every request the server sent is answered or accounted for, the UA forgets
// each connection the server closed, and the new paths ran (counters). The same run inside
// QuickJS gives the same counters hour by hour (the scenario is engine-neutral).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeSoakResult } from './soak-node-child.js';
import { StreamSoakScenario } from './soak-streams-scenario.js';
import { startQuickJsSoak, type QuickJsSlice } from './quickjs-soak.js';

const child = fileURLToPath(new URL('./soak-node-child.ts', import.meta.url));
// CI runs 16 virtual hours (~2 s plus the snapshots); SOAK_STREAMS_HOURS=24 or `npm run soak` the whole day.
const HOURS = Number(process.env.SOAK_STREAMS_HOURS ?? 16);
/** Hours run inside QuickJS for the same-counters and flat-memory checks (~0.7 s wall each). */
const QUICKJS_HOURS = 6;
/** QuickJS memory_used_size: at most this above the warm-up hour's (as soak-quickjs.test.ts). */
const QUICKJS_FLAT = 16 * 1024;

function runChild(args: string[]): NodeSoakResult {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, '--streams', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  assert.is(r.status, 0, `stream soak child failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NodeSoakResult;
}

const perRequestLeak = (r: NodeSoakResult) => (r.hours[r.hours.length - 1]!.requests - r.warmupRequests) * 50;
const boundOf = (r: NodeSoakResult) => perRequestLeak(r) / 10;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Least-squares slope of heapUsed after gc over the hours from `from` on (bytes per virtual hour): reported, not judged (JIT code grows it). */
function heapSlope(r: NodeSoakResult, from: number): number {
  const pts = r.hours.filter((h) => h.hour >= from);
  const n = pts.length;
  const mx = pts.reduce((a, h) => a + h.hour, 0) / n;
  const my = pts.reduce((a, h) => a + h.heap, 0) / n;
  let num = 0;
  let den = 0;
  for (const h of pts) { num += (h.hour - mx) * (h.heap - my); den += (h.hour - mx) ** 2; }
  return den === 0 ? 0 : num / den;
}

let soak: NodeSoakResult;

test(`${HOURS} virtual hours of WebSocket and TLS flows and server-opened connections: the program data in the heap does not grow from hour 2 to hour ${HOURS}`, () => {
  soak = runChild(['--hours', String(HOURS)]);
  const last = soak.hours[soak.hours.length - 1]!;
  const growth = soak.dataAtEnd - soak.dataAtWarmup;
  const bound = boundOf(soak);
  console.log(`    Node (streams): ${last.requests} requests in ${HOURS} virtual hours, ${(soak.wallMs / 1000).toFixed(1)} s wall`);
  console.log(`    program data: ${kib(soak.dataAtWarmup)} at hour ${soak.warmupHour} → ${kib(soak.dataAtEnd)} at hour ${HOURS} (${growth >= 0 ? '+' : ''}${growth} B; bound ${kib(bound)})`);
  console.log(`    heapUsed after gc: ${kib(soak.hours[soak.warmupHour - 1]!.heap)} → ${kib(last.heap)}, slope ${(heapSlope(soak, soak.warmupHour) / 1024).toFixed(2)} KiB per virtual hour (code and feedback ${kib(soak.otherAtWarmup)} → ${kib(soak.otherAtEnd)})`);
  assert.ok(growth < bound, `program data grew ${growth} B from hour ${soak.warmupHour} to ${HOURS} (bound ${bound} B):\n${soak.growth.join('\n')}`);
});

test('control: one small object kept per request sent breaks the same bound', () => {
  const control = runChild(['--hours', '6', '--leak']);
  const growth = control.dataAtEnd - control.dataAtWarmup;
  const kept = control.hours[control.hours.length - 1]!.requests - control.warmupRequests;
  console.log(`    control: ${kept} objects kept over hours ${control.warmupHour}-6 → +${kib(growth)}`);
  assert.ok(control.leakedObjects > 0);
  assert.ok(growth > boundOf(control), `the deliberate leak (+${growth} B) stayed under its bound ${boundOf(control)} B`);
  assert.ok(growth > boundOf(soak), `the deliberate leak (+${growth} B) stayed under the ${HOURS}-hour bound ${boundOf(soak)} B`);
});

test('the new paths really ran: WebSocket handshakes, frames, pings, closes; TLS reconnects; connections opened by the server, answered over and forgotten', () => {
  const c = soak.counters;
  const f = HOURS / 24; // minimums scale with the hours run (SOAK_STREAMS_HOURS)
  const min: [string, number][] = [
    // WebSocket (RFC 6455 / RFC 7118): reconnects with a handshake each, whole and fragmented messages, reads cut anywhere.
    ['wsOpened', 30], ['wsHandshakes', 25], ['wsClosed', 30], ['wsMessages', 2000], ['wsFramesRead', 4000], ['wsFragmented', 400],
    ['wsPingsBetweenFragments', 100], ['wsSplitReads', 1000], ['wsQueuedBehindHandshake', 50],
    // Keep-alive both ways, S1's close frames echoed, TCP drops, hangs caught by the host's ping.
    ['wsPings', 600], ['wsPongs', 600], ['wsServerPings', 500], ['wsPingsAnswered', 500], ['wsServerCloses', 10], ['wsCloseEchoes', 10],
    ['wsDrops', 6], ['wsHangs', 4], ['wsPingTimeouts', 4], ['wsHandshakeTimeouts', 4],
    // TLS: flows reopened after drops and outages, CRLF keep-alives.
    ['tlsOpened', 20], ['tlsClosed', 20], ['tlsDrops', 10], ['tlsPings', 1500], ['tlsPongs', 1500], ['splitDeliveries', 2000],
    // Her flow dying silently (no FIN): found by her keep-alive while S1 pings the connections it opened to her.
    ['tlsBlackholes', 9], ['blackholesDetected', 8], ['inboundServerPings', 5000],
    // Connections S1 opened to tess: requests over them, answers back on them, some reused, each forgotten after its close.
    ['inboundOpened', 800], ['inboundClosed', 800], ['inboundReused', 250], ['inboundRequests', 1000], ['inboundAnswered', 800], ['inboundForgotten', 800],
    ['answeredAfterClose', 40], ['requestsLostInFlight', 20], ['responsesLostInFlight', 20],
    ['serverRequests', 2500], ['serverNotifies', 2000], ['serverMessages', 400], ['messageEvents', 400],
    ['messagesAnsweredAtOnce', 200], ['messagesAnsweredLater', 100], ['messagesLeftToDeadline', 60],
    ['registrations', 150], ['registrationLostFlow', 40], ['registrationRestored', 40], ['refreshes', 1000], ['notifyEvents', 2000],
    ['published', 300], ['messageAccepted', 400], ['unsubscribes', 30], ['outages', 3], ['sendFailures', 20],
  ];
  for (const [k, n] of min) assert.ok(c[k]! >= Math.floor(n * f), `${k}: ${c[k]} < ${Math.floor(n * f)}`);
  // Nothing lost: every request S1 sent was answered, or died with its connection (in flight, in an outage, a WebSocket closed before the answer).
  const accounted = c.answered! + c.requestsLostInFlight! + c.responsesLostInFlight! + c.answersLostWithWebSocket! + c.lostToOutage!;
  assert.is(c.unanswered, 0, 'requests delivered on a live connection and never answered');
  assert.is(c.orphanedUnanswered, 0, 'TLS requests whose connection closed before the answer and that were never answered over a new one (§18.2.2)');
  assert.is(accounted, c.serverRequests, `S1 sent ${c.serverRequests} requests; answered ${c.answered}, accounted for ${accounted - c.answered!}`);
  assert.is(c.messageEvents, c.messagesDelivered, 'one message event per MESSAGE delivered');
  assert.is(c.messageEvents, c.messagesAnsweredAtOnce! + c.messagesAnsweredLater! + c.lateAnswersRefused! + c.messagesLeftToDeadline!, 'every message event answered by the application or left to the deadline');
  // RFC 5626 §4.4.1: a dead flow is found within the ping interval (45 s) plus the answer timeout (10 s), whatever
  // CRLFs arrive on other connections meanwhile (keepalive-pong-flow.test.ts: they were taken for the pong).
  assert.is(c.blackholesMissed, 0, 'silently dead flows never found by the keep-alive');
  assert.is(c.blackholesDetected! + c.blackholesCut!, c.tlsBlackholes, 'every silent death found or ended by an outage');
  assert.ok(c.maxBlackholeDetectMs! <= 55_000 + 2 * 10, `a silently dead flow was found only after ${c.maxBlackholeDetectMs} ms`);
  assert.is(c.falseFlowFailures, 0, 'no live flow declared dead');
  assert.is(c.flowTableMismatches, 0, 'after every close the UA held a framer for exactly the open connections it had read from');
  assert.is(c.sendsToDeadFlow, 0, 'no answer sent to a connection the UA had been told was closed');
  assert.is(c.wsErrors, 0, 'every frame and handshake the host read was valid');
  assert.is(c.harnessFaults, 0);
  assert.is(c.stuckDeadlines, 0);
  assert.is(c.warnings, 0, 'no warning (too-many-flows, endpoint-table-full, malformed, …)');
});

test('occupancy: framers, endpoints and buffers come back; nothing held after shutdown', () => {
  assert.ok(Object.values(soak.baseline).every((v) => v === 0), JSON.stringify(soak.baseline));
  assert.equal(soak.afterShutdown, soak.baseline, 'after shutdown, every connection closed, and 5 minutes');
  const q = soak.quiet;
  assert.is(soak.intendedSubscriptions, 4);
  assert.is(soak.activeSubscriptions, 4, 'every subscription recovered');
  assert.ok(q.subscriptions === 4 && q.streamFlows <= 3 && q.queuedRequests === 0 && q.queuedEvents === 0 && q.pendingMessages === 0, JSON.stringify(q));
  for (const h of soak.hours) {
    const o = h.occupancy;
    // tess's own flow and at most two the server opened.
    assert.ok(o.subscriptions <= 4 && o.streamFlows <= 3 && o.queuedEvents === 0, `hour ${h.hour}: ${JSON.stringify(o)}`);
    assert.ok(o.endpointsInUse <= o.clientTransactions + o.serverTransactions, `hour ${h.hour}: endpoints without a transaction: ${JSON.stringify(o)}`);
    assert.ok(o.requestBuffersInUse <= o.clientTransactions && o.responseBuffersInUse <= o.serverTransactions, `hour ${h.hour}: ${JSON.stringify(o)}`);
  }
});

test(`the same run inside QuickJS: the same counters hour by hour, memory_used_size flat after hour 2 (${QUICKJS_HOURS} hours), nothing held after shutdown`, async () => {
  const qjs = await startQuickJsSoak({ streams: true });
  const slices: QuickJsSlice[] = [];
  try {
    for (let h = 1; h <= QUICKJS_HOURS; h++) slices.push(qjs.run(1));
    const down = qjs.run(5 / 60, 'shutdown');
    assert.equal(down.occupancy, qjs.baseline, 'every table and pool as in a fresh UA');
  } finally {
    qjs.dispose();
  }
  const node = new StreamSoakScenario();
  node.start();
  for (const s of slices) {
    node.run(1);
    assert.equal(s.counters, { ...node.counters }, `hour ${s.now / 3_600_000}`);
  }
  let worst = 0;
  for (const s of slices.slice(2)) worst = Math.max(worst, s.memory - slices[1]!.memory);
  console.log(`    QuickJS: ${slices[slices.length - 1]!.counters.requestsSent} requests in ${QUICKJS_HOURS} virtual hours, ${(slices[slices.length - 1]!.wallMs / 1000).toFixed(1)} s wall; memory_used_size ${slices.map((s) => s.memory).join(' → ')} B (worst +${worst} B above hour 2)`);
  assert.ok(worst < QUICKJS_FLAT, `QuickJS memory rose ${worst} B above hour 2`);
});

test.run();
