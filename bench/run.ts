// `npm run bench` — the SIP message benchmark of issue #2 (and the transaction benchmark when
// present). Measures, in one run and on the same corpus of realistic messages:
//   - hardphone: parse into the reusable view + read Via branch, From tag, Call-ID, CSeq;
//   - the npm peers sip.js, jssip and sip doing the same from a string;
//   - a byte-scan floor: a loop that touches every byte of each message once;
//   - hardphone inside QuickJS (wasm), the kind of engine a desk phone runs.
// Then transactions (bench/transactions.ts), MSRP (bench/msrp.ts) and NOTIFY + PIDF → presence
// state on Node and inside QuickJS (bench/presence.ts), each printed as its own section.
// Prints msgs/s, ns/msg, minor GCs per 1M messages and ratios; `--json` prints
// {"results":[{"name","engine","msgsPerSec","nsPerMsg","gcPer1M"}]}.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { measure, type Measurement } from './measure.js';
import { peers } from './peers/peers.js';
import { RouteReader } from './hardphone-route.js';
import { bundleForEngine, runInQuickJS } from '../test/support/quickjs.js';
import { benchTransactions } from './transactions.js';
import { benchMsrp } from './msrp.js';
import { benchPresence, presenceLines } from './presence.js';

const here = dirname(fileURLToPath(import.meta.url));
const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const log = (s: string) => { if (!json) process.stdout.write(s + '\n'); };

const files = readdirSync(join(here, 'corpus')).filter((f) => f.endsWith('.sip')).sort();
const raw = files.map((f) => new Uint8Array(readFileSync(join(here, 'corpus', f))));
const texts = raw.map((b) => Buffer.from(b).toString('latin1'));
const count = raw.length;
const total = raw.reduce((n, b) => n + b.length, 0);
const buf = new Uint8Array(total);
const offs = new Uint32Array(count);
const lens = new Uint32Array(count);
{
  let at = 0;
  for (let i = 0; i < count; i++) { offs[i] = at; lens[i] = raw[i]!.length; buf.set(raw[i]!, at); at += raw[i]!.length; }
}
log(`corpus: ${count} messages (${files.map((f) => f.replace('.sip', '')).join(', ')}), ${Math.round(total / count)} bytes on average`);

// Every parser must agree on what it read before its speed means anything.
const reader = new RouteReader();
for (let i = 0; i < count; i++) {
  const ours = reader.read(buf, offs[i]!, lens[i]!);
  for (const p of peers) {
    const theirs = p.parse(texts[i]!);
    if (theirs !== ours) throw new Error(`${files[i]}: hardphone read ${ours}, ${p.name} read ${theirs}`);
  }
}

const million = quick ? 200_000 : 1_000_000;
const results: Measurement[] = [];

const floor = await measure('byte-scan floor', 'node', million, (i) => {
  const k = i % count;
  const start = offs[k]!;
  const end = start + lens[k]!;
  let h = 0;
  for (let j = start; j < end; j++) h = (h + buf[j]!) | 0;
  return h & 1;
});
const ours = await measure('hardphone', 'node', million, (i) => {
  const k = i % count;
  return reader.read(buf, offs[k]!, lens[k]!);
});
results.push(ours, floor);
// The peers differ a thousandfold in speed: give each about the same time (~2 s, 0.5 s quick)
// rather than the same count, measured from a short calibration run.
for (const p of peers) {
  const probe = 200;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < probe; i++) p.parse(texts[i % count]!);
  const nsEach = Math.max(1, Number(process.hrtime.bigint() - t0) / probe);
  const n = Math.max(2_000, Math.min(quick ? 20_000 : 200_000, Math.round((quick ? 0.5e9 : 2e9) / nsEach)));
  results.push(await measure(p.name, 'node', n, (i) => p.parse(texts[i % count]!)));
}

// The same parser inside QuickJS: far slower (an interpreter in wasm), so fewer iterations.
const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
const qjsIterations = quick ? 5_000 : 40_000;
const run = await runInQuickJS<{ elapsedMs: number; sink: number }>(code, { messages: raw.map((b) => Array.from(b)), iterations: qjsIterations });
results.push({
  name: 'hardphone',
  engine: 'quickjs-wasm',
  messages: qjsIterations,
  msgsPerSec: Math.round((qjsIterations * 1000) / Math.max(run.result.elapsedMs, 1)),
  nsPerMsg: Math.round((run.result.elapsedMs * 1e6) / qjsIterations),
  gcPer1M: null,
});

// Issue #3's figures: non-INVITE transactions between two engines joined in memory.
const tx = (await benchTransactions({ quick })) as {
  nonInvite: { transport: string; txPerSec: number; nsPerTx: number; minorGcPer100k: number }[];
  heapPerLiveTransaction: { liveTransactions: number; engineBytesPerTransaction: number };
  timerOps: { deadlineHeap: { liveTimers: number; opsPerSec: number; nsPerOp: number } };
};

// Issue #5's figures: MSRP frames parsed per second and the 1 MB transfer over loopback TCP.
const msrp = await benchMsrp({ quick });

// Issue #4 item 10: NOTIFY + PIDF → presence state, on Node and inside QuickJS.
const presence = await benchPresence({ quick });

if (json) {
  process.stdout.write(JSON.stringify({ transactions: tx, msrp, presence, results: results.map(({ name, engine, msgsPerSec, nsPerMsg, gcPer1M }) => ({ name, engine, msgsPerSec, nsPerMsg, gcPer1M })) }) + '\n');
} else {
  const pad = (s: string, n: number) => s.padEnd(n);
  const padl = (s: string, n: number) => s.padStart(n);
  log('');
  log(`${pad('parser', 18)}${pad('engine', 14)}${padl('msgs/s', 12)}${padl('ns/msg', 10)}${padl('GC/1M', 8)}   hardphone is`);
  for (const r of results) {
    const ratio = r === ours ? ''
      : r.name === 'byte-scan floor' ? `${((ours.msgsPerSec / r.msgsPerSec) * 100).toFixed(0)}% of the floor`
      : r.name === 'hardphone' ? `(the same parser runs ${(ours.msgsPerSec / r.msgsPerSec).toFixed(0)}× slower in QuickJS than in Node's JIT)`
      : `${(ours.msgsPerSec / r.msgsPerSec).toFixed(1)}× faster`;
    log(`${pad(r.name, 18)}${pad(r.engine, 14)}${padl(r.msgsPerSec.toLocaleString('en-US'), 12)}${padl(String(r.nsPerMsg), 10)}${padl(r.gcPer1M === null ? '-' : String(r.gcPer1M), 8)}   ${ratio}`);
  }
  const fastestPeer = Math.max(...results.filter((r) => peers.some((p) => p.name === r.name)).map((r) => r.msgsPerSec));
  log('');
  log(`targets: >= 10x the fastest npm peer: ${(ours.msgsPerSec / fastestPeer).toFixed(1)}x; >= 50% of the byte-scan floor: ${((ours.msgsPerSec / floor.msgsPerSec) * 100).toFixed(0)}%; 0 GCs in 1M parses: ${ours.gcPer1M}`);
  log(`QuickJS heap: ${run.heapEmpty} bytes empty, ${run.heapUsed} after the run; bundle ${run.bundleBytes} bytes`);
  log('');
  log('transactions (two engines joined in memory, non-INVITE):');
  for (const r of tx.nonInvite) log(`  ${r.transport.padEnd(9)} ${r.txPerSec.toLocaleString('en-US').padStart(10)} tx/s  ${String(r.nsPerTx).padStart(7)} ns/tx  ${r.minorGcPer100k} minor GCs per 100k`);
  log(`  heap per live transaction (${tx.heapPerLiveTransaction.liveTransactions.toLocaleString('en-US')} live): ${tx.heapPerLiveTransaction.engineBytesPerTransaction} bytes, preallocated`);
  log(`  timer operations with ${tx.timerOps.deadlineHeap.liveTimers.toLocaleString('en-US')} live timers: ${tx.timerOps.deadlineHeap.opsPerSec.toLocaleString('en-US')} ops/s (${tx.timerOps.deadlineHeap.nsPerOp} ns each)`);
  log('');
  log(`msrp: ${JSON.stringify(msrp, null, 1).replace(/\n\s*/g, ' ')}`);
  log('');
  for (const line of presenceLines(presence)) log(line);
}
