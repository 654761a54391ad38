// `npm run soak` — the full leak soak: 24 virtual hours (or `-- --hours N`; `--seed N` for another
// schedule than the default 2026) of the churn of
// soak-scenario.ts on Node (a child with --expose-gc: heap after gc per hour, program data in
// heap snapshots at the warm-up hour and the last) and inside QuickJS (memory_used_size per
// hour), printed as one table with a verdict; then the same for the second scenario
// (soak-flows-scenario.ts: TCP flows, keep-alives, forked subscriptions, failover), and for the
// third (soak-streams-scenario.ts: WebSocket and TLS flows, connections the server opens to the
// phone). Exit code 1 when a verdict fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeSoakResult } from './soak-node-child.js';
import { flatness, startQuickJsSoak, type QuickJsSlice } from './quickjs-soak.js';
import { occupancyLine } from './soak-scenario.js';
import { flowOccupancyLine } from './soak-flows-scenario.js';
import { streamOccupancyLine } from './soak-streams-scenario.js';

const args = process.argv.slice(2);
const hoursAt = args.indexOf('--hours');
const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 24;
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 2026;
const WARMUP = 2;
/** QuickJS: at most this above the warm-up hour's figure (soak-quickjs.test.ts). */
const QUICKJS_FLAT = 16 * 1024;
if (!(hours >= WARMUP + 1)) throw new Error(`--hours must be at least ${WARMUP + 1}`);
const kib = (n: number) => (n / 1024).toFixed(1);

process.stdout.write(`soak: ${hours} virtual hours (seed ${seed}) on Node (child with --expose-gc)…\n`);
const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./soak-node-child.ts', import.meta.url)), '--hours', String(hours), '--warmup', String(WARMUP), '--seed', String(seed)],
  { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 });
if (child.status !== 0) throw new Error(`node soak child failed: ${child.stderr}`);
const node = JSON.parse(child.stdout.trim().split('\n').pop()!) as NodeSoakResult;

process.stdout.write(`soak: ${hours} virtual hours inside QuickJS…\n`);
const qjs = await startQuickJsSoak({ seed });
const slices: QuickJsSlice[] = [];
for (let h = 1; h <= hours; h++) slices.push(qjs.run(1));
const quiet = qjs.run(0.25, 'quiesce');
const down = qjs.run(5 / 60, 'shutdown');
const qjsBaseline = qjs.baseline;
qjs.dispose();

const rows: string[][] = [['hour', 'requests', 'node wall s', 'node heapUsed KiB', 'qjs wall s', 'qjs memory_used B', 'qjs objects', 'occupancy (QuickJS; Node is the same)']];
for (let h = 1; h <= hours; h++) {
  const n = node.hours[h - 1]!;
  const q = slices[h - 1]!;
  rows.push([String(h), String(n.requests), (n.wallMs / 1000).toFixed(1), kib(n.heap), (q.wallMs / 1000).toFixed(1), String(q.memory), String(q.objects), occupancyLine(q.occupancy)]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padStart(widths[i]!))).join('  ')}\n`);

const c = node.counters;
process.stdout.write(`\nchurn: ${c.requestsSent} requests (${c.subscribes} SUBSCRIBE, ${c.notifies} NOTIFY, ${c.messages} MESSAGE, ${c.registers} REGISTER, ${c.publishes} PUBLISH, ${c.options} OPTIONS), `
  + `${c.retransmissions} retransmissions, ${c.packetsDropped} packets dropped in ${c.lossPeriods} loss periods and ${c.outages} outages, ${c.refreshes} refreshes, `
  + `${c.unsubscribes} unsubscribe/resubscribe cycles, ${c.subscriptionFailures} subscription failures / ${c.subscriptionRecoveries} recoveries, ${c.challenges} digest challenges, `
  + `MESSAGE outcomes ${c.messageAccepted} accepted / ${c.messageRefused} refused / ${c.messageTimeout} timed out, ${c.answeredTooLate} answered after the UA's deadline, `
  + `${c.chatsStarted} chats (${c.chatsConnected} connected, ${c.chatsRejected} refused, ${c.chatsLeftUnanswered} left to the 480, ${c.chatsCancelled} cancelled), `
  + `${c.cleanRestarts} clean restarts and ${c.powerCuts} power cuts\n`);

const perRequest = (node.hours[hours - 1]!.requests - node.warmupRequests) * 50;
const nodeBound = perRequest / 10;
const nodeGrowth = node.dataAtEnd - node.dataAtWarmup;
const flat = flatness(slices, WARMUP);
const qjsWorst = flat.worst;
const qjsGrowth = flat.last.memory - flat.base.memory;
const zero = (o: object) => Object.values(o).every((v) => v === 0);
const verdicts: [string, boolean][] = [
  [`Node program data, hour ${WARMUP} → ${hours}: ${nodeGrowth >= 0 ? '+' : ''}${nodeGrowth} B (bound ${kib(nodeBound)} KiB = 5 B per request; heapUsed ${kib(node.hours[WARMUP - 1]!.heap)} → ${kib(node.hours[hours - 1]!.heap)} KiB, the difference being JIT code and feedback: ${kib(node.otherAtWarmup)} → ${kib(node.otherAtEnd)} KiB)`, nodeGrowth < nodeBound],
  [`QuickJS memory_used_size, hour ${flat.base.now / 3_600_000} → ${flat.last.now / 3_600_000}: ${qjsGrowth >= 0 ? '+' : ''}${qjsGrowth} B, worst of ${flat.comparable} hours without a live chat +${qjsWorst} B (bound ${kib(QUICKJS_FLAT)} KiB)`, qjsWorst < QUICKJS_FLAT && flat.comparable >= (hours - WARMUP) / 2],
  [`occupancy after shutdown equals a fresh UA's (Node and QuickJS)`, zero(node.afterShutdown) && zero(down.occupancy) && zero(qjsBaseline)],
  [`quiet: ${node.activeSubscriptions}/8 subscriptions active on Node, ${quiet.activeSubscriptions}/8 in QuickJS`, node.activeSubscriptions === 8 && quiet.activeSubscriptions === 8],
  [`no host busy loop (handleTimeout always moved pollTimeout on): ${c.stuckDeadlines} stuck`, c.stuckDeadlines === 0],
  [`buffers held only by live transactions at every hour (Node and QuickJS)`, [...node.hours.map((h) => h.occupancy), ...slices.map((q) => q.occupancy)].every((o) => o.requestBuffersInUse <= o.clientTransactions && o.responseBuffersInUse <= o.serverTransactions)],
  [`the same run in both engines (requests sent equal at every hour)`, slices.every((q, i) => q.counters.requestsSent === node.hours[i]!.requests)],
  [`harness faults: ${c.harnessFaults}`, c.harnessFaults === 0],
];

// The second scenario (soak-flows-scenario.ts): TCP flows and keep-alives, forked subscriptions, RFC 3263 failover.
process.stdout.write(`\nflow soak: ${hours} virtual hours on Node…\n`);
const flowChild = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./soak-node-child.ts', import.meta.url)), '--flows', '--hours', String(hours), '--warmup', String(WARMUP), '--seed', String(seed)],
  { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 });
if (flowChild.status !== 0) throw new Error(`node flow soak child failed: ${flowChild.stderr}`);
const fnode = JSON.parse(flowChild.stdout.trim().split('\n').pop()!) as NodeSoakResult;
process.stdout.write(`flow soak: ${hours} virtual hours inside QuickJS…\n`);
const fq = await startQuickJsSoak({ seed, flows: true });
const fslices: QuickJsSlice[] = [];
for (let h = 1; h <= hours; h++) fslices.push(fq.run(1));
const fquiet = fq.run(0.25, 'quiesce');
const fdown = fq.run(5 / 60, 'shutdown');
fq.dispose();
const frows: string[][] = [['hour', 'requests', 'node heapUsed KiB', 'qjs memory_used B', 'occupancy (QuickJS)']];
for (let h = 1; h <= hours; h++) frows.push([String(h), String(fnode.hours[h - 1]!.requests), kib(fnode.hours[h - 1]!.heap), String(fslices[h - 1]!.memory), flowOccupancyLine(fslices[h - 1]!.occupancy)]);
const fwidths = frows[0]!.map((_, i) => Math.max(...frows.map((r) => r[i]!.length)));
for (const r of frows) process.stdout.write(`${r.map((x, i) => (i === r.length - 1 ? x : x.padStart(fwidths[i]!))).join('  ')}\n`);
const fc = fnode.counters;
process.stdout.write(`\nflow churn: ${fc.requestsSent} requests, ${fc.flowsOpened} TCP flows opened / ${fc.flowsClosed} closed (${fc.flowDrops} NAT drops, ${fc.sendFailures} sends refused), `
  + `${fc.pings} keep-alive pings / ${fc.pongs} pongs (${fc.registrationLostFlow} registrations lost to a failed flow), ${fc.splitDeliveries} reads cut mid-message, `
  + `${fc.failovers} failovers (${fc.noNextTarget} with no target left, ${fc.retryAfterHolds} Retry-After holds), `
  + `${fc.challenges} digest challenges (${fc.challenges401} 401, ${fc.challenges407} 407, ${fc.staleChallenges} stale) of which ${fc.challengesAnswered} answered `
  + `(${fc.answeredAfterFailover503} after a failover on 503, ${fc.answeredAfterTimeout} after a timeout at the other target, ${fc.answeredAfterReconnect} after a reconnect), `
  + `${fc.forksCreated} fork dialogs made (${fc.forksTerminated} terminated, ${fc.forksSilenced} silenced, ${fc.forksRefused} refused refreshes), ${fc.presenceEvents} presence events, `
  + `${fc.listNotifies} list NOTIFYs (${fc.listFullStates} full state, ${fc.listGaps} versions skipped → ${fc.listRefreshing} refreshes for full state), ${fc.listResourceEvents} list-resource events\n`);
const fGrowth = fnode.dataAtEnd - fnode.dataAtWarmup;
const fBound = (fnode.hours[hours - 1]!.requests - fnode.warmupRequests) * 5;
const fflat = fslices.slice(WARMUP - 1);
let fWorst = 0;
for (const q of fflat) fWorst = Math.max(fWorst, q.memory - fflat[0]!.memory);
verdicts.push(
  [`flow soak, Node program data, hour ${WARMUP} → ${hours}: ${fGrowth >= 0 ? '+' : ''}${fGrowth} B (bound ${kib(fBound)} KiB)`, fGrowth < fBound],
  [`flow soak, QuickJS memory_used_size above hour ${WARMUP}: worst +${fWorst} B (bound ${kib(QUICKJS_FLAT)} KiB)`, fWorst < QUICKJS_FLAT],
  [`flow soak: occupancy after shutdown equals a fresh UA's (Node and QuickJS), ${fnode.activeSubscriptions}/6 and ${fquiet.activeSubscriptions}/6 subscriptions active when quiet`,
    zero(fnode.afterShutdown) && zero(fdown.occupancy) && fnode.activeSubscriptions === 6 && fquiet.activeSubscriptions === 6],
  [`flow soak: endpoint references only held by live transactions at every hour`, [...fnode.hours.map((h) => h.occupancy), ...fslices.map((q) => q.occupancy)].every((o) => o.endpointsInUse <= o.clientTransactions + o.serverTransactions)],
  [`flow soak: the same run in both engines, no harness fault (${fc.harnessFaults}), no stuck deadline (${fc.stuckDeadlines})`,
    fslices.every((q, i) => q.counters.requestsSent === fnode.hours[i]!.requests) && fc.harnessFaults === 0 && fc.stuckDeadlines === 0],
);
// The third scenario (soak-streams-scenario.ts): WebSocket, TLS, connections the server opens.
process.stdout.write(`\nstream soak: ${hours} virtual hours on Node…\n`);
const streamChild = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./soak-node-child.ts', import.meta.url)), '--streams', '--hours', String(hours), '--warmup', String(WARMUP), '--seed', String(seed)],
  { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 });
if (streamChild.status !== 0) throw new Error(`node stream soak child failed: ${streamChild.stderr}`);
const snode = JSON.parse(streamChild.stdout.trim().split('\n').pop()!) as NodeSoakResult;
process.stdout.write(`stream soak: ${hours} virtual hours inside QuickJS…\n`);
const sq = await startQuickJsSoak({ seed, streams: true });
const sslices: QuickJsSlice[] = [];
for (let h = 1; h <= hours; h++) sslices.push(sq.run(1));
const squiet = sq.run(0.25, 'quiesce');
const sdown = sq.run(5 / 60, 'shutdown');
sq.dispose();
const srows: string[][] = [['hour', 'requests', 'node heapUsed KiB', 'qjs memory_used B', 'occupancy (QuickJS)']];
for (let h = 1; h <= hours; h++) srows.push([String(h), String(snode.hours[h - 1]!.requests), kib(snode.hours[h - 1]!.heap), String(sslices[h - 1]!.memory), streamOccupancyLine(sslices[h - 1]!.occupancy)]);
const swidths = srows[0]!.map((_, i) => Math.max(...srows.map((r) => r[i]!.length)));
for (const r of srows) process.stdout.write(`${r.map((x, i) => (i === r.length - 1 ? x : x.padStart(swidths[i]!))).join('  ')}\n`);
const sc = snode.counters;
process.stdout.write(`\nstream churn: ${sc.requestsSent} requests; WebSocket: ${sc.wsOpened} connections (${sc.wsHandshakes} handshakes, ${sc.wsHandshakeTimeouts} timed out), ${sc.wsMessages} messages in ${sc.wsFramesRead} frames `
  + `(${sc.wsFragmented} fragmented, ${sc.wsSplitReads} reads cut), ${sc.wsPings} host pings / ${sc.wsPongs} pongs (${sc.wsPingTimeouts} timeouts in ${sc.wsHangs} hangs), ${sc.wsServerPings} server pings, `
  + `${sc.wsServerCloses} close frames echoed, ${sc.wsDrops} drops; TLS: ${sc.tlsOpened} flows (${sc.tlsDrops} drops, ${sc.tlsBlackholes} silent deaths found in at most ${(sc.maxBlackholeDetectMs! / 1000).toFixed(1)} s), `
  + `${sc.tlsPings} CRLF pings; server-opened connections: ${sc.inboundOpened} (${sc.inboundReused} reuses, ${sc.inboundRequests} requests, ${sc.inboundAnswered} answered on them, ${sc.inboundForgotten} forgotten after their close); `
  + `server requests ${sc.serverRequests}: ${sc.answered} answered (${sc.answeredAfterClose} over a new connection), ${sc.requestsLostInFlight} requests and ${sc.responsesLostInFlight} answers died in flight, `
  + `${sc.answersLostWithWebSocket} with a closed WebSocket, ${sc.lostToOutage} in outages, ${sc.unanswered} unanswered\n`);
const sGrowth = snode.dataAtEnd - snode.dataAtWarmup;
const sBound = (snode.hours[hours - 1]!.requests - snode.warmupRequests) * 5;
const sflat = sslices.slice(WARMUP - 1);
let sWorst = 0;
for (const q of sflat) sWorst = Math.max(sWorst, q.memory - sflat[0]!.memory);
const sAccounted = sc.answered! + sc.requestsLostInFlight! + sc.responsesLostInFlight! + sc.answersLostWithWebSocket! + sc.lostToOutage!;
verdicts.push(
  [`stream soak, Node program data, hour ${WARMUP} → ${hours}: ${sGrowth >= 0 ? '+' : ''}${sGrowth} B (bound ${kib(sBound)} KiB)`, sGrowth < sBound],
  [`stream soak, QuickJS memory_used_size above hour ${WARMUP}: worst +${sWorst} B (bound ${kib(QUICKJS_FLAT)} KiB)`, sWorst < QUICKJS_FLAT],
  [`stream soak: occupancy after shutdown equals a fresh UA's (Node and QuickJS), ${snode.activeSubscriptions}/4 and ${squiet.activeSubscriptions}/4 subscriptions active when quiet`,
    zero(snode.afterShutdown) && zero(sdown.occupancy) && snode.activeSubscriptions === 4 && squiet.activeSubscriptions === 4],
  [`stream soak: every server request answered or accounted for (${sAccounted}/${sc.serverRequests}), none left unanswered (${sc.unanswered}, ${sc.orphanedUnanswered} orphaned)`,
    sAccounted === sc.serverRequests && sc.unanswered === 0 && sc.orphanedUnanswered === 0],
  [`stream soak: closed connections forgotten (${sc.flowTableMismatches} mismatches, ${sc.sendsToDeadFlow} sends to a closed one), dead flows found (${sc.blackholesMissed} missed)`,
    sc.flowTableMismatches === 0 && sc.sendsToDeadFlow === 0 && sc.blackholesMissed === 0],
  [`stream soak: the same run in both engines, no harness fault (${sc.harnessFaults}), no stuck deadline (${sc.stuckDeadlines}), no warning (${sc.warnings})`,
    sslices.every((q, i) => q.counters.requestsSent === snode.hours[i]!.requests) && sc.harnessFaults === 0 && sc.stuckDeadlines === 0 && sc.warnings === 0],
);
process.stdout.write('\n');
for (const [text, ok] of verdicts) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${text}\n`);
// What grew, when Node's program data did: a leak shows as UA objects (Dialog, RequestSpec, …)
// growing with the requests; a V8-internal array that the snapshot filed as data does not.
if (!(nodeGrowth < nodeBound)) process.stdout.write(`\nNode program data, largest growths hour ${WARMUP} → ${hours}:\n${node.growth.slice(0, 12).map((g) => `  ${g}`).join('\n')}\n`);
const failed = verdicts.filter(([, ok]) => !ok).length;
process.stdout.write(`\nverdict: ${failed === 0 ? 'no leak' : `${failed} check(s) failed`} (Node ${(node.wallMs / 1000).toFixed(1)} s, QuickJS ${(slices[hours - 1]!.wallMs / 1000).toFixed(1)} s wall for ${hours} virtual hours)\n`);
process.exitCode = failed === 0 ? 0 : 1;
