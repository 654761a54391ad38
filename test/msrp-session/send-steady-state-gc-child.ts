// Child of steady-state.test.ts, the send side, run with a 1 MB young generation so that even one
// small object per chunk shows up as scavenges: a session chunks messages of 128 chunks into SENDs
// (pollTransmitInto) and each chunk's 200 comes back as a whole read; a message is queued again
// when the previous one is DELIVERED. Prints {"chunks", "minor", "delivered", "checksum"} on
// stdout. `--regress` makes one transaction-id string per chunk in the loop (what the session did
// before its ids became bytes): the control that shows the counter sees such allocation.
// `--chunk=N` sets the chunk size (default 48: chunks under 64 bytes are copied without a view;
// a larger chunk costs the writer one view per chunk for its native copy, see writer.ts).
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { MsrpSession, MsrpTransmit, MSRP_EVENT } from '../../core/msrp/index.js';
import { lcg } from './support.js';

const BOB = 'msrp://127.0.0.1:2855/bobGc1;tcp';
const ALICE = 'msrp://127.0.0.1:2856/aliceGc2;tcp';
const chunkSize = Number(process.argv.find((a) => a.startsWith('--chunk='))?.slice(8) ?? 48);
const size = chunkSize * 128;
const content = new Uint8Array(size);
for (let i = 0; i < size; i++) content[i] = (i * 131 + 7) & 0xff;
const regress = process.argv.includes('--regress');

// The peer's 200 (§7.2), with room for the 12-character transaction id at two fixed places.
const ID = 'XXXXXXXXXXXX';
const response = new Uint8Array(Array.from(`MSRP ${ID} 200 OK\r\nTo-Path: ${ALICE}\r\nFrom-Path: ${BOB}\r\n-------${ID}$\r\n`, (c) => c.charCodeAt(0)));
const tidAt1 = 5;
const tidAt2 = response.length - 3 - ID.length;

const session = new MsrpSession({ localUri: ALICE, remotePath: BOB, random: lcg(5), chunkSize, progressEvents: true });
const out = new MsrpTransmit();
let delivered = 0;
let idle = true;
let kept = '';

function run(count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (idle) { if (!session.sendMessage('application/octet-stream', content, i).ok) throw new Error('no slot'); idle = false; }
    if (!session.pollTransmitInto(out, i)) throw new Error('no chunk to send');
    const b = out.bytes;
    const tid = out.off + 5;
    if (b[tid + ID.length] !== 32) throw new Error('unexpected transaction id length');
    for (let k = 0; k < ID.length; k++) { response[tidAt1 + k] = b[tid + k]!; response[tidAt2 + k] = b[tid + k]!; }
    if (regress) { let s = ''; for (let k = 0; k < ID.length; k++) s += String.fromCharCode(b[tid + k]!); kept = s; }
    sum = (sum + out.len) | 0;
    if (session.handleBytes(response, 0, response.length, i) !== response.length) throw new Error('response not taken');
    for (let e = session.pollEvent(); e; e = session.pollEvent()) {
      if (e.kind === MSRP_EVENT.DELIVERED) { delivered++; idle = true; }
      else if (e.kind !== MSRP_EVENT.SEND_PROGRESS) throw new Error(`unexpected event ${e.kind} ${e.reason}`);
      sum = (sum + e.done + e.messageIdBytes[0]!) | 0;
    }
  }
  return sum + kept.length;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
run(20_000); // warm-up: JIT tiers and the event ring
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
const chunkCount = Number(process.argv.find((a) => a.startsWith('--chunks='))?.slice(9) ?? 100_000);
const heapBefore = getHeapStatistics().used_heap_size;
const checksum = run(chunkCount);
// Without a GC in between, the growth of the heap is what the loop allocated.
const allocated = getHeapStatistics().used_heap_size - heapBefore;
await flush();
await flush();
observer.disconnect();
process.stdout.write(JSON.stringify({ chunks: chunkCount, minor, delivered, errors: session.protocolErrors, checksum, allocated }) + '\n');
