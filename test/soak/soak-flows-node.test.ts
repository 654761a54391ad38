// The second leak soak on Node (soak-flows-scenario.ts says what churns): 16 virtual hours of SIP
// over TCP (flows dying and reopened, CRLF keep-alives, bytes cut anywhere), forked presence
// subscriptions (extra notifiers appearing, terminating, going silent, refusing refreshes),
// resource lists (RFC 4662 full and partial versions, skipped versions) and RFC 3263 failover
// between two servers that both ask for digest credentials (each its own realm and nonces,
// rotated: stale=true), in a child with --expose-gc (soak-node-child.ts --flows).
// Same measure as soak-node.test.ts: program data in heap snapshots at hour 2 and the last, bound
// 5 bytes per request sent in between; a control run keeping one object per request must break it.
// Occupancy: fork dialogs, stream flows and endpoint references come back (this soak found an
// endpoint reference leaked per failover after a timeout, failover-endpoints.test.ts, and a flow
// buffer made per reconnect, stream-flow-reuse.test.ts). Challenges: every one is answered (this soak
// found stale challenges given up when another request had refreshed the shared nonce cache,
// stale-nonce-shared-cache.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeSoakResult } from './soak-node-child.js';

const child = fileURLToPath(new URL('./soak-node-child.ts', import.meta.url));
// CI runs 16 virtual hours (~3 s plus the snapshots; the suite's soak files stay near 50 s);
// SOAK_FLOWS_HOURS=24 or `npm run soak` the whole day.
const HOURS = Number(process.env.SOAK_FLOWS_HOURS ?? 16);

function runChild(args: string[]): NodeSoakResult {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, '--flows', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  assert.is(r.status, 0, `flow soak child failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NodeSoakResult;
}

const perRequestLeak = (r: NodeSoakResult) => (r.hours[r.hours.length - 1]!.requests - r.warmupRequests) * 50;
const boundOf = (r: NodeSoakResult) => perRequestLeak(r) / 10;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

let soak: NodeSoakResult;

test(`${HOURS} virtual hours of TCP flows, forks and failover: the program data in the heap does not grow from hour 2 to hour ${HOURS}`, () => {
  soak = runChild(['--hours', String(HOURS)]);
  const last = soak.hours[soak.hours.length - 1]!;
  const growth = soak.dataAtEnd - soak.dataAtWarmup;
  const bound = boundOf(soak);
  console.log(`    Node (flows): ${last.requests} requests in ${HOURS} virtual hours, ${(soak.wallMs / 1000).toFixed(1)} s wall`);
  console.log(`    program data: ${kib(soak.dataAtWarmup)} at hour ${soak.warmupHour} → ${kib(soak.dataAtEnd)} at hour ${HOURS} (${growth >= 0 ? '+' : ''}${growth} B; bound ${kib(bound)})`);
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

test('the new paths really ran: flows opened and closed, keep-alives, forks made and ended four ways, failovers, digest challenges, list versions and gaps', () => {
  const c = soak.counters;
  const f = HOURS / 24; // minimums scale with the hours run (SOAK_FLOWS_HOURS)
  const min: [string, number][] = [
    ['flowsOpened', 15], ['flowsClosed', 15], ['flowDrops', 8], ['sendFailures', 10], ['splitDeliveries', 1500],
    ['pings', 1000], ['pongs', 1000], ['pongSpells', 3], ['registrationLostFlow', 10], ['registrationRestored', 20],
    ['failovers', 100], ['failoverEvents', 100], ['noNextTarget', 10], ['retryAfterHolds', 20], ['sentToS2', 100], ['troubleSpells', 8],
    ['forksCreated', 100], ['forksTerminated', 8], ['forksSilenced', 8], ['forksRefused', 8], ['forkRefreshes', 500], ['forkNotifies', 800],
    ['listNotifies', 600], ['listFullStates', 400], ['listEvents', 600], ['listResourceEvents', 2500], ['listGaps', 3], ['listRefreshing', 3],
    ['presenceEvents', 1000], ['refreshes', 800], ['subscriptionFailures', 50], ['subscriptionRecoveries', 20], ['unsubscribes', 20],
    ['registrations', 100], ['published', 200], ['messageAccepted', 400], ['outages', 4], ['restarts', 2],
    // Digest on the failover path: 401 (REGISTER) and 407 (the rest), mostly stale nonces; answered
    // right after a failover (after a 503, after a timeout at the other target) and after a reconnect.
    ['challenges', 200], ['challenges401', 90], ['challenges407', 100], ['staleChallenges', 180], ['challengesAnswered', 200], ['authorized', 1200],
    ['challengesAfterFailover503', 6], ['answeredAfterFailover503', 6], ['challengesAfterTimeout', 18], ['answeredAfterTimeout', 18],
    ['challengesAfterReconnect', 9], ['answeredAfterReconnect', 9],
  ];
  for (const [k, n] of min) assert.ok(c[k]! >= Math.floor(n * f), `${k}: ${c[k]} < ${Math.floor(n * f)}`);
  assert.ok(c.challenges! > c.staleChallenges!, 'first challenges of a realm (no stale) as well as stale ones');
  // An unanswered challenge is a request the UA gave up (or a lost response, which this scenario does not make).
  assert.is(c.challengesAnswered, c.challenges, `challenges answered: ${c.challengesAnswered} of ${c.challenges}`);
  assert.is(c.answeredAfterFailover503! + c.answeredAfterTimeout! + c.answeredAfterReconnect!, c.challengesAfterFailover503! + c.challengesAfterTimeout! + c.challengesAfterReconnect!);
  assert.ok(c.maxForkDialogs! >= 2, `at most ${c.maxForkDialogs} fork dialogs held at once`);
  assert.is(c.harnessFaults, 0);
  assert.is(c.stuckDeadlines, 0);
  assert.is(c.warnings, 0, 'no warning but the expected list-version-gap (forks-full, too-many-flows, endpoint-table-full, …)');
  assert.ok(c.listGapWarnings! >= 1 && c.listGapWarnings! <= c.listGaps!, `list-version-gap warnings ${c.listGapWarnings} for ${c.listGaps} skipped versions`);
});

test('occupancy: flows, fork dialogs and endpoint references come back; nothing held after shutdown', () => {
  assert.ok(Object.values(soak.baseline).every((v) => v === 0), JSON.stringify(soak.baseline));
  assert.equal(soak.afterShutdown, soak.baseline, 'after shutdown, the TCP connection closed, and 5 minutes');
  const q = soak.quiet;
  assert.is(soak.intendedSubscriptions, 6);
  assert.is(soak.activeSubscriptions, 6, 'every subscription recovered');
  assert.is(q.subscriptions, 6);
  assert.ok(q.forkDialogs <= 4 * 2 && q.streamFlows === 1 && q.queuedRequests === 0 && q.queuedEvents === 0, JSON.stringify(q));
  for (const h of soak.hours) {
    const o = h.occupancy;
    assert.ok(o.subscriptions <= 6 && o.forkDialogs <= 4 * 2 && o.streamFlows <= 1 && o.queuedEvents === 0, `hour ${h.hour}: ${JSON.stringify(o)}`);
    // Each live transaction holds one endpoint reference; an entry referenced by none is a leak (the failover bug).
    assert.ok(o.endpointsInUse <= o.clientTransactions + o.serverTransactions, `hour ${h.hour}: endpoints without a transaction: ${JSON.stringify(o)}`);
    assert.ok(o.requestBuffersInUse <= o.clientTransactions && o.responseBuffersInUse <= o.serverTransactions, `hour ${h.hour}: ${JSON.stringify(o)}`);
  }
});

test.run();
