// The leak soak on Node (soak-scenario.ts says what churns): 24 virtual hours of subscription,
// presence, MESSAGE, chat, registration and restart churn with loss and outages, in a child with --expose-gc
// (soak-node-child.ts). The heap is compared at hour 2 (after warm-up) and hour 24, by the
// program data in heap snapshots (heap-snapshot.ts: heapUsed also counts JIT code, which keeps
// growing for hours with no leak at all). The bound is a tenth of what one 50-byte object kept
// per request would add; a control run that keeps one object per request must break it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeSoakResult } from './soak-node-child.js';

const child = fileURLToPath(new URL('./soak-node-child.ts', import.meta.url));

function runChild(args: string[]): NodeSoakResult {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  assert.is(r.status, 0, `soak child failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NodeSoakResult;
}

/** A leak of one small object (~50 B) per request sent after warm-up adds this much. */
const perRequestLeak = (r: NodeSoakResult) => (r.hours[r.hours.length - 1]!.requests - r.warmupRequests) * 50;
/** The bound: a tenth of that, 5 bytes per request (the smallest V8 object kept in an array costs ~20). */
const boundOf = (r: NodeSoakResult) => perRequestLeak(r) / 10;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

let soak: NodeSoakResult;

test('24 virtual hours of churn (phone restarts among it): the program data in the heap does not grow from hour 2 to hour 24', () => {
  soak = runChild(['--hours', '24']);
  const last = soak.hours[soak.hours.length - 1]!;
  const growth = soak.dataAtEnd - soak.dataAtWarmup;
  const bound = boundOf(soak);
  console.log(`    Node: ${last.requests} requests in 24 virtual hours, ${(soak.wallMs / 1000).toFixed(1)} s wall`);
  console.log(`    program data: ${kib(soak.dataAtWarmup)} at hour ${soak.warmupHour} → ${kib(soak.dataAtEnd)} at hour 24 (${growth >= 0 ? '+' : ''}${growth} B; bound ${kib(bound)}, one 50 B object per request would be ${kib(perRequestLeak(soak))})`);
  console.log(`    heapUsed after gc: ${kib(soak.hours[soak.warmupHour - 1]!.heap)} → ${kib(last.heap)} (code and feedback: ${kib(soak.otherAtWarmup)} → ${kib(soak.otherAtEnd)}: JIT tier-up, not a leak)`);
  assert.ok(growth < bound, `program data grew ${growth} B from hour ${soak.warmupHour} to 24 (bound ${bound} B):\n${soak.growth.join('\n')}`);
});

test('the control run keeps one small object per request sent: the same measure catches it', () => {
  const control = runChild(['--hours', '8', '--leak']);
  const growth = control.dataAtEnd - control.dataAtWarmup;
  const leaked = control.hours[control.hours.length - 1]!.requests - control.warmupRequests;
  console.log(`    control: ${leaked} objects kept over hours ${control.warmupHour}-8 → program data +${kib(growth)} (${(growth / leaked).toFixed(1)} B per request)`);
  assert.ok(control.leakedObjects > 0);
  assert.ok(growth > boundOf(control), `the deliberate leak (+${growth} B) stayed under its bound ${boundOf(control)} B: the measure cannot see leaks`);
  // And under the 24-hour run's bound too: a third of the hours already breaks it.
  assert.ok(growth > boundOf(soak), `the deliberate leak (+${growth} B) stayed under the 24-hour bound ${boundOf(soak)} B`);
});

test('the scenario really churned: refreshes, NOTIFYs, MESSAGEs, retransmissions, failures and recoveries', () => {
  const c = soak.counters;
  const min: [keyof typeof c, number][] = [
    ['refreshes', 2000], ['subscribes', 3000], ['notifies', 1500], ['messages', 2000], ['messagesReceived', 1500],
    ['retransmissions', 1000], ['packetsDropped', 500], ['lossPeriods', 10], ['outages', 2],
    ['subscriptionFailures', 10], ['subscriptionRecoveries', 5], ['unsubscribes', 50], ['resubscribes', 50],
    ['presenceEvents', 500], ['notifyEvents', 500], ['watchersStarted', 50], ['watchersEnded', 50], ['stateChanges', 500],
    ['answeredAtOnce', 500], ['answeredLate', 100], ['answeredTooLate', 50], ['leftToDeadline', 50],
    ['messageAccepted', 1000], ['messageRefused', 100], ['messageTimeout', 50],
    ['registrations', 200], ['registrationLost', 1], ['challenges', 50], ['published', 200], ['options', 100], ['optionsAnswered', 100],
    ['chatsStarted', 150], ['chatsConnected', 100], ['chatsAcceptedLate', 20], ['chatsRejected', 20], ['chatsLeftUnanswered', 10], ['chatsCancelled', 10], ['chatsFailed', 30],
  ];
  for (const [k, n] of min) assert.ok(c[k]! >= n, `${k}: ${c[k]} < ${n}`);
  assert.is(c.harnessFaults, 0, 'the harness dropped nothing and every command was accepted');
  assert.is(c.stuckDeadlines, 0, 'pollTimeout() always moved past now after handleTimeout (no host busy loop)');
  assert.is(c.presenceUntracked, 0, 'every presence NOTIFY found room in the tracked states (no slot left behind by churn)');
  assert.is(c.messageTransportFailed, 0);
  assert.is(c.chatsEnded + c.chatsLostToRestart, c.chatsStarted, 'every chat ended at the caller (BYE, CANCEL, refusal, 480 or timeout) or went with its restart');
  assert.ok(c.cleanRestarts + c.powerCuts >= 4 && c.powerCuts >= 1 && c.cleanRestarts >= 1, `restarts: ${c.cleanRestarts} clean, ${c.powerCuts} power cuts`);
});

test('occupancy: every table and pool back to the fresh UA\'s after shutdown; only the held subscriptions while quiet', () => {
  const zero = soak.baseline;
  assert.ok(Object.values(zero).every((v) => v === 0), `a fresh UA holds nothing: ${JSON.stringify(zero)}`);
  assert.equal(soak.afterShutdown, zero, 'after shutdown and 5 minutes');
  const q = soak.quiet;
  // 15 quiet minutes after the churn: each held subscription has its dialog at the subscriber
  // and its watcher at the notifier; nothing waits in a queue; no MESSAGE waits for an answer.
  assert.is(soak.intendedSubscriptions, 8);
  assert.is(soak.activeSubscriptions, 8, 'every subscription recovered');
  assert.is(q.subscriptions, 8);
  assert.is(q.dialogs, 8);
  assert.is(q.watchers, 8);
  assert.is(q.pendingMessages, 0);
  assert.is(q.chats, 0);
  assert.is(q.queuedRequests, 0);
  assert.is(q.queuedEvents, 0);
  assert.is(q.queuedTransmits, 0);
  // In flight while quiet: a few refreshes and their NOTIFYs (UDP server transactions live 32 s).
  assert.ok(q.clientTransactions + q.serverTransactions <= 12, JSON.stringify(q));
  assert.is(q.responseBuffersInUse, q.serverTransactions, 'one response buffer per live server transaction');
  // At the end of every hour of the churn: the same bounds, and buffers held only by live
  // transactions. (This is what caught the two chat buffer leaks, chat-buffers.test.ts: pools
  // are allocated once, so a slot that never comes back leaves the heap flat.)
  for (const h of soak.hours) {
    const o = h.occupancy;
    // (After a power cut the notifiers keep the dead phone's watchers until they expire or a
    // NOTIFY to it fails: up to 8 more for a few minutes. The quiet check above says they go.)
    assert.ok(o.subscriptions <= 8 && o.watchers <= 16 && o.dialogs <= 8 && o.queuedEvents === 0 && o.queuedRequests === 0 && o.chats <= 16, `hour ${h.hour}: ${JSON.stringify(o)}`);
    assert.ok(o.requestBuffersInUse <= o.clientTransactions && o.responseBuffersInUse <= o.serverTransactions, `hour ${h.hour}: buffers without a transaction: ${JSON.stringify(o)}`);
    // Each live transaction holds one endpoint reference (what caught the failover leak, failover-endpoints.test.ts).
    assert.ok(o.endpointsInUse <= o.clientTransactions + o.serverTransactions, `hour ${h.hour}: endpoints without a transaction: ${JSON.stringify(o)}`);
    assert.is(o.forkDialogs + o.streamFlows, 0, `hour ${h.hour}: UDP peers that never fork`);
  }
});

test.run();
