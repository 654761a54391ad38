// Two sessions over real TCP on 127.0.0.1 (node:net): 1 MB in 16 KB chunks with a success
// REPORT, received byte for byte; and a 413 over the same path. Every wait is bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MSRP_EVENT } from '../../core/msrp/index.js';
import { transferOverTcp, lcg } from './support.js';

function content(n: number): Uint8Array {
  const rnd = lcg(4975);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

test('1 MB in 16 KB chunks with Success-Report: yes arrives byte-identical and is reported delivered', async () => {
  const data = content(1 << 20);
  const r = await transferOverTcp(data, { chunkSize: 16384, successReport: true, timeoutMs: 15000 });
  const done = r.senderEvents.filter((e) => e.kind === MSRP_EVENT.DELIVERED || e.kind === MSRP_EVENT.FAILED);
  assert.equal(done.map((e) => [e.kind, e.status, e.reason]), [[MSRP_EVENT.DELIVERED, 200, 'success report']]);
  assert.ok(r.senderEvents.some((e) => e.kind === MSRP_EVENT.BOUND), '§5.4 bind SEND answered');
  assert.ok(r.received, 'the receiver got a whole message');
  assert.is(r.received!.length, data.length);
  assert.equal(r.received!, data);
  const progress = r.receiverEvents.filter((e) => e.kind === MSRP_EVENT.RECEIVE_PROGRESS);
  assert.is(progress.length, 63, '64 chunks: 63 progress events, then RECEIVED');
  assert.is(r.receiverEvents.filter((e) => e.kind === MSRP_EVENT.PROTOCOL_ERROR).length, 0);
});

test('over TCP, a receiver with a 256 KB limit refuses 1 MB with 413 and the sender fails it', async () => {
  const data = content(1 << 20);
  const r = await transferOverTcp(data, { chunkSize: 16384, successReport: true, timeoutMs: 15000, bob: { maxMessageBytes: 256 * 1024 } });
  const done = r.senderEvents.filter((e) => e.kind === MSRP_EVENT.DELIVERED || e.kind === MSRP_EVENT.FAILED);
  assert.equal(done.map((e) => [e.kind, e.status]), [[MSRP_EVENT.FAILED, 413]]);
  assert.is(r.received, null);
});

test.run();
