// Child of steady-state.test.ts, run with a 1 MB young generation so that even one small object
// per frame shows up as scavenges: a session receives 2 KB chunks (whole reads), answers each
// with a 200 through pollTransmitInto and reassembles 32 KB messages the app reads in place.
// Prints {"frames", "minor", "messages", "checksum"} on stdout. `--regress` hands the frames in
// as sub-ranges of one buffer (one view per call): the control that shows the counter sees allocation.
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { MsrpSession, MsrpTransmit, MSRP_EVENT, writeMsrpSend } from '../../core/msrp/index.js';
import { lcg } from './support.js';

const BOB = 'msrp://127.0.0.1:2855/bobGc1;tcp';
const ALICE = 'msrp://127.0.0.1:2856/aliceGc2;tcp';
const size = 2048 * 16;
const content = new Uint8Array(size);
for (let i = 0; i < size; i++) content[i] = (i * 131 + 7) & 0xff;
const frames: Uint8Array[] = [];
const scratch = new Uint8Array(4096);
for (let at = 0, k = 0; at < size; at += 2048, k++) {
  const n = writeMsrpSend(scratch, 0, scratch.length, {
    transactionId: `gc${100000 + k}`, toPath: BOB, fromPath: ALICE, messageId: 'gcMsg001', rangeStart: at + 1, rangeEnd: at + 2048, total: size,
    contentType: 'application/octet-stream', successReport: '', failureReport: '', continuation: at + 2048 === size ? '$' : '+',
  }, content, at, 2048);
  frames.push(scratch.slice(0, n));
}
const packed = new Uint8Array(frames.reduce((n, f) => n + f.length, 0) + 1);
const offs: number[] = [];
for (let i = 0, at = 1; i < frames.length; at += frames[i]!.length, i++) { packed.set(frames[i]!, at); offs.push(at); }
const regress = process.argv.includes('--regress');

const session = new MsrpSession({ localUri: BOB, remotePath: ALICE, random: lcg(3), maxMessageBytes: 65536, progressEvents: true });
const out = new MsrpTransmit();
let messages = 0;

function run(count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const f = frames[i & 15]!;
    if (regress) session.handleBytes(packed, offs[i & 15]!, f.length, i);
    else session.handleBytes(f, 0, f.length, i);
    while (session.pollTransmitInto(out, i)) sum = (sum + out.len) | 0;
    for (let e = session.pollEvent(); e; e = session.pollEvent()) {
      if (e.kind === MSRP_EVENT.RECEIVED) { messages++; sum = (sum + e.dataBytes[e.dataOff + 12345]! + e.messageIdBytes[0]!) | 0; }
      else sum = (sum + e.done) | 0;
    }
  }
  return sum;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
run(20_000); // warm-up: JIT tiers, the event ring and the slot's Content-Type string
await flush();
// Start from an empty young generation (the parent runs us with --expose-gc): otherwise what the
// warm-up and tsx's loader left there decides whether a scavenge falls inside the measured loop,
// and the count was flaky (1 minor GC in one CI run). After this only the loop's own allocation
// can fill the 1 MB semi-space.
(globalThis as { gc?: () => void }).gc?.();
let minor = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
});
observer.observe({ entryTypes: ['gc'] });
await flush();
const frameCount = 100_000;
const heapBefore = getHeapStatistics().used_heap_size;
const checksum = run(frameCount);
// Without a GC in between, the growth of the heap is what the loop allocated.
const allocated = getHeapStatistics().used_heap_size - heapBefore;
await flush();
await flush();
observer.disconnect();
process.stdout.write(JSON.stringify({ frames: frameCount, minor, messages, errors: session.protocolErrors, checksum, allocated }) + '\n');
