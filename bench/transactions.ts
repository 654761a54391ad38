// Transaction-layer benchmark (issue #3, item 9). `benchTransactions()` is called by the bench
// runner; `node --import tsx bench/transactions.ts [--quick]` runs it alone and prints JSON.
// Measures:
//   - non-INVITE transactions/s between two engines joined in memory (client → server → client,
//     keys prebuilt the way a host fills them from a parsed view), over UDP semantics (Timers E,
//     F, K, J armed and expiring in virtual time) and over a reliable transport (no timers linger);
//   - minor/major GCs per 100k transactions (PerformanceObserver 'gc' entries);
//   - heap bytes per live transaction with 10k live (engine storage is preallocated per slot, so
//     this is the per-slot cost; the incremental cost of making a slot live is also reported);
//   - timer operations/s with 10k live timers: the raw deadline heap, and the engine firing the
//     RFC retransmission schedule of 10k live non-INVITE transactions.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { countGcs } from './measure.js';
import {
  TransactionEngine, TransactionKey, OutgoingRequest, Transmit, TransactionEvent, hashBytes,
  METHOD_OPTIONS, EVENT_REQUEST, EVENT_RESPONSE,
} from '../core/transaction/index.js';
import { DeadlineHeap } from '../core/timers/deadline-heap.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const BRANCH_PREFIX = 'z9hG4bK-bench-';
const BRANCH_DIGITS = 10;
const REQUEST_TEXT =
  `OPTIONS sip:bob@192.0.2.20 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=${BRANCH_PREFIX}${'0'.repeat(BRANCH_DIGITS)}\r\n` +
  'Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.10>;tag=1928301774\r\nTo: <sip:bob@192.0.2.20>\r\n' +
  'Call-ID: a84b4c76e66710@192.0.2.10\r\nCSeq: 63104 OPTIONS\r\nContact: <sip:alice@192.0.2.10>\r\nContent-Length: 0\r\n\r\n';
const RESPONSE = ascii('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-x\r\nFrom: <sip:alice@192.0.2.10>;tag=1928301774\r\n' +
  'To: <sip:bob@192.0.2.20>;tag=a6c85cf\r\nCall-ID: a84b4c76e66710@192.0.2.10\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n');
const BRANCH_OFF = REQUEST_TEXT.indexOf(BRANCH_PREFIX);
const BRANCH_LEN = BRANCH_PREFIX.length + BRANCH_DIGITS;
const SENT_BY = ascii('192.0.2.10:5060');
const SENT_BY_HASH = hashBytes(SENT_BY, 0, SENT_BY.length);

/** A ring of request buffers (the engine keeps a reference to each until its transaction ends). */
function requestRing(size: number): Uint8Array[] {
  const template = ascii(REQUEST_TEXT);
  const ring: Uint8Array[] = [];
  for (let i = 0; i < size; i++) ring.push(template.slice());
  return ring;
}

/** Writes `n` as fixed-width decimal into the branch of `buf` (no allocation). */
function stampBranch(buf: Uint8Array, n: number): void {
  let at = BRANCH_OFF + BRANCH_LEN - 1;
  for (let i = 0; i < BRANCH_DIGITS; i++) {
    buf[at--] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/**
 * Client engine → server engine → client engine, all in memory. Each transaction: startClient,
 * the request reaches the server (new server transaction, EVENT_REQUEST), the TU answers 200,
 * the response reaches the client (EVENT_RESPONSE). Virtual time advances `stepMs` per
 * transaction and both engines fire their timers as it does.
 */
class InMemoryPair {
  readonly client: TransactionEngine;
  readonly server: TransactionEngine;
  private readonly ring: Uint8Array[];
  private readonly req = new OutgoingRequest();
  private readonly key = new TransactionKey();
  private readonly tx = new Transmit();
  private readonly ev = new TransactionEvent();
  now = 0;
  count = 0;

  constructor(capacity: number, private readonly reliable: boolean, private readonly stepMs: number) {
    this.client = new TransactionEngine({ maxTransactions: capacity });
    this.server = new TransactionEngine({ maxTransactions: capacity });
    this.ring = requestRing(capacity);
  }

  /** Runs one transaction; returns 1 when the client got its 200 (a checksum for the loop). */
  one(): number {
    const { client, server, key, tx, ev, req } = this;
    const bytes = this.ring[this.count % this.ring.length]!;
    stampBranch(bytes, this.count++);
    req.methodId = METHOD_OPTIONS;
    req.bytes = bytes;
    req.off = 0;
    req.len = bytes.length;
    req.branchBuf = bytes;
    req.branchOff = BRANCH_OFF;
    req.branchLen = BRANCH_LEN;
    req.destination = 1;
    req.reliable = this.reliable;
    if (client.startClient(req, this.now) < 0) throw new Error('client capacity');
    let ok = 0;
    while (client.pollTransmit(tx)) {
      key.isRequest = true;
      key.methodId = METHOD_OPTIONS;
      key.cseqMethodId = METHOD_OPTIONS;
      key.setBranch(tx.bytes, BRANCH_OFF, BRANCH_LEN);
      key.sentByHash = SENT_BY_HASH;
      server.handleRequest(key, tx.bytes, tx.off, tx.len, 0, this.reliable, this.now);
    }
    while (server.pollEvent(ev)) {
      if (ev.kind === EVENT_REQUEST) server.respond(ev.txId, 200, RESPONSE, 0, RESPONSE.length, this.now);
    }
    while (server.pollTransmit(tx)) {
      key.isRequest = false;
      key.statusCode = 200;
      key.cseqMethodId = METHOD_OPTIONS;
      key.setBranch(bytes, BRANCH_OFF, BRANCH_LEN);
      client.handleResponse(key, tx.bytes, tx.off, tx.len, this.now);
    }
    while (client.pollEvent(ev)) if (ev.kind === EVENT_RESPONSE && ev.statusCode === 200) ok = 1;
    this.now += this.stepMs;
    client.handleTimeout(this.now);
    server.handleTimeout(this.now);
    while (client.pollEvent(ev));
    while (server.pollEvent(ev));
    return ok;
  }
}

async function transactionsPerSecond(reliable: boolean, total: number) {
  // UDP: Timer J keeps server transactions 32 s; at 1 ms of virtual time per transaction about
  // 32k are live at once, so the run also exercises a large heap of timers.
  const stepMs = 1;
  const capacity = reliable ? 1024 : 40_000;
  const pair = new InMemoryPair(capacity, reliable, stepMs);
  let sink = 0;
  for (let i = 0; i < Math.min(total, 50_000); i++) sink += pair.one();
  collect();
  const { value: elapsedNs, minor, major } = await countGcs(() => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < total; i++) sink += pair.one();
    return Number(process.hrtime.bigint() - start);
  });
  if (sink !== Math.min(total, 50_000) + total) throw new Error(`only ${sink} transactions completed`);
  return {
    transport: reliable ? 'reliable' : 'udp',
    transactions: total,
    txPerSec: Math.round((total * 1e9) / elapsedNs),
    nsPerTx: Math.round(elapsedNs / total),
    liveClientAtEnd: pair.client.liveCount,
    liveServerAtEnd: pair.server.liveCount,
    liveTimersAtEnd: pair.client.liveTimers + pair.server.liveTimers,
    minorGcPer100k: Math.round((minor * 100_000) / total),
    majorGcPer100k: Math.round((major * 100_000) / total),
  };
}

function memory(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function heapPerLiveTransaction(live: number) {
  const ring = requestRing(live);
  for (let i = 0; i < live; i++) stampBranch(ring[i]!, i);
  const requestBytes = ring.reduce((n, b) => n + b.length, 0);
  const before = memory();
  const engine = new TransactionEngine({ maxTransactions: live });
  const afterCreate = memory();
  const req = new OutgoingRequest();
  for (let i = 0; i < live; i++) {
    const b = ring[i]!;
    req.methodId = METHOD_OPTIONS;
    req.bytes = b; req.off = 0; req.len = b.length;
    req.branchBuf = b; req.branchOff = BRANCH_OFF; req.branchLen = BRANCH_LEN;
    req.destination = 1;
    req.reliable = false;
    if (engine.startClient(req, 0) < 0) throw new Error('capacity');
  }
  const tx = new Transmit();
  while (engine.pollTransmit(tx));
  const afterLive = memory();
  if (engine.liveCount !== live || engine.liveTimers !== 2 * live) throw new Error('not all live');
  return {
    liveTransactions: live,
    liveTimers: engine.liveTimers,
    engineBytesPerTransaction: Math.round((afterLive - before) / live),
    preallocatedBytesPerSlot: Math.round((afterCreate - before) / live),
    incrementalBytesPerLiveTransaction: Math.round((afterLive - afterCreate) / live),
    callerRequestBytesPerTransaction: Math.round(requestBytes / live),
  };
}

function heapTimerOps(live: number, ops: number) {
  const heap = new DeadlineHeap(live);
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
  for (let k = 0; k < live; k++) heap.set(k, Math.floor(rnd() * 32_000));
  const keys = new Int32Array(ops);
  const deltas = new Float64Array(ops);
  for (let i = 0; i < ops; i++) { keys[i] = Math.floor(rnd() * live); deltas[i] = Math.floor(rnd() * 32_000); }
  let now = 0;
  // A mix like the engine's: reschedule (set), cancel + re-arm, and expire + re-arm. The first
  // pass warms the JIT; the second is measured.
  const pass = (): void => {
  for (let i = 0; i < ops; i += 3) {
    heap.set(keys[i]!, now + deltas[i]!);
    const k = keys[i + 1]!;
    heap.cancel(k);
    heap.set(k, now + deltas[i + 1]!);
    now += 1;
    const fired = heap.popExpired(now);
    if (fired >= 0) heap.set(fired, now + deltas[i + 2]!);
    else heap.set(keys[i + 2]!, now + deltas[i + 2]!);
  }
  };
  pass();
  const start = process.hrtime.bigint();
  pass();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  // Each loop iteration is 5 heap operations (set, cancel, set, pop, set).
  const done = Math.floor(ops / 3) * 5;
  if (heap.size !== live) throw new Error('heap lost timers');
  return { liveTimers: live, operations: done, opsPerSec: Math.round((done * 1e9) / elapsedNs), nsPerOp: Math.round((elapsedNs / done) * 10) / 10 };
}

/** 10k live non-INVITE UDP transactions with no answer: every Timer E and Timer F of RFC 3261 fires. */
function engineTimerFires(live: number) {
  const engine = new TransactionEngine({ maxTransactions: live });
  const ring = requestRing(live);
  const req = new OutgoingRequest();
  const tx = new Transmit();
  const ev = new TransactionEvent();
  for (let i = 0; i < live; i++) {
    const b = ring[i]!;
    stampBranch(b, i);
    req.methodId = METHOD_OPTIONS;
    req.bytes = b; req.off = 0; req.len = b.length;
    req.branchBuf = b; req.branchOff = BRANCH_OFF; req.branchLen = BRANCH_LEN;
    req.reliable = false;
    engine.startClient(req, i % 500);
  }
  while (engine.pollTransmit(tx));
  let fires = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    const d = engine.nextDeadline();
    if (d < 0) break;
    engine.handleTimeout(d);
    while (engine.pollTransmit(tx)) fires++;
    while (engine.pollEvent(ev));
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  // Each retransmission is a pop + re-arm of Timer E; each Timer F a pop + the cancel of Timer E.
  const timerOps = 2 * fires + 2 * live;
  return { liveTransactions: live, retransmissions: fires, timerOps, timerOpsPerSec: Math.round((timerOps * 1e9) / elapsedNs), live: engine.liveCount };
}

export async function benchTransactions(options: { quick?: boolean } = {}): Promise<object> {
  const total = options.quick ? 50_000 : 100_000;
  const udp = await transactionsPerSecond(false, total);
  const reliable = await transactionsPerSecond(true, total);
  const heap = heapPerLiveTransaction(10_000);
  const timerHeap = heapTimerOps(10_000, options.quick ? 300_000 : 3_000_000);
  const engineTimers = engineTimerFires(10_000);
  return {
    name: 'transactions',
    nonInvite: [udp, reliable],
    heapPerLiveTransaction: heap,
    timerOps: { deadlineHeap: timerHeap, engineRetransmissionSchedule: engineTimers },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchTransactions({ quick: process.argv.includes('--quick') });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
