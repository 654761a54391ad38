// The receive path allocates nothing in the steady state (core rule 2): events carry spans
// (Message-ID bytes, the message in place), strings and views are made only when the app asks,
// pollTransmitInto fills a caller's record. The GC check runs in a child with a 1 MB young
// generation (steady-state-gc-child.ts), where one small object per frame means scavenges.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MsrpSession, MsrpTransmit, MSRP_EVENT, writeMsrpSend, type MsrpEvent } from '../../core/msrp/index.js';
import { lcg } from './support.js';

const BOB = 'msrp://127.0.0.1:7002/bobSpan2;tcp';
const ALICE = 'msrp://127.0.0.1:7001/aliceSpan1;tcp';
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function chunk(tid: string, messageId: string, content: Uint8Array, at: number, len: number, flag: '+' | '$' | '#'): Uint8Array {
  const buf = new Uint8Array(len + 1024);
  const n = writeMsrpSend(buf, 0, buf.length, {
    transactionId: tid, toPath: BOB, fromPath: ALICE, messageId, rangeStart: at + 1, rangeEnd: flag === '#' ? -1 : at + len, total: content.length,
    contentType: 'text/plain', successReport: '', failureReport: '', continuation: flag,
  }, content, at, len);
  return buf.slice(0, n);
}

const bob = (incomingSlots = 2) => new MsrpSession({ localUri: BOB, remotePath: ALICE, random: lcg(5), incomingSlots, progressEvents: false });

function events(s: MsrpSession, each: (e: MsrpEvent) => void): void {
  for (let e = s.pollEvent(); e; e = s.pollEvent()) each(e);
}

test('a RECEIVED event reads in place; messageId and data are made on demand and cached', () => {
  const s = bob();
  const content = bytes(300);
  for (let k = 0; k < 3; k++) {
    const f = chunk(`tid${k}xy`, 'msgSpan1', content, k * 100, 100, k === 2 ? '$' : '+');
    assert.is(s.handleBytes(f, 0, f.length, 0), f.length);
  }
  let seen = 0;
  events(s, (e) => {
    if (e.kind !== MSRP_EVENT.RECEIVED) return;
    seen++;
    assert.is(e.dataLen, 300);
    assert.equal(e.dataBytes.slice(e.dataOff, e.dataOff + e.dataLen), content, 'the span holds the message');
    assert.equal(e.messageIdBytes.slice(0, e.messageIdLen), ascii('msgSpan1'));
    assert.is(e.messageId, 'msgSpan1');
    assert.is(e.contentType, 'text/plain');
    const view = e.data;
    assert.ok(view !== null && view === e.data, 'the view is made once per record');
    assert.equal(view!.slice(), content);
  });
  assert.is(seen, 1);
});

test("an event keeps its own Message-ID when the slot is reused before it is polled", () => {
  const s = bob(1);
  const content = bytes(200, 3);
  const first = chunk('tidA0001', 'msgGone1', content, 0, 100, '+');
  const abort = chunk('tidA0002', 'msgGone1', content, 100, 0, '#');
  const next = chunk('tidB0001', 'msgNew22', content, 0, 100, '+');
  for (const f of [first, abort, next]) assert.is(s.handleBytes(f, 0, f.length, 0), f.length);
  const got: [number, string][] = [];
  events(s, (e) => got.push([e.kind, e.messageId]));
  assert.equal(got, [[MSRP_EVENT.RECEIVE_ABORTED, 'msgGone1']], 'the one slot now holds msgNew22; the queued event still names msgGone1');
});

test('pollTransmitInto gives the bytes pollTransmit gives, as a span', () => {
  const a = bob();
  const b = bob();
  const content = bytes(250, 9);
  const out = new MsrpTransmit();
  for (let k = 0; k < 3; k++) {
    const f = chunk(`tx${k}abcd`, 'msgInto1', content, k * 100, Math.min(100, 250 - k * 100), k === 2 ? '$' : '+');
    a.handleBytes(f, 0, f.length, 0);
    b.handleBytes(f, 0, f.length, 0);
    const viaView = a.pollTransmit(0);
    assert.ok(b.pollTransmitInto(out, 0));
    assert.ok(viaView !== null);
    assert.equal(out.bytes.slice(out.off, out.off + out.len), viaView!.slice());
    assert.ok(new TextDecoder().decode(viaView!).startsWith(`MSRP tx${k}abcd 200 OK\r\n`));
    assert.is(a.pollTransmit(0), null);
    assert.not.ok(b.pollTransmitInto(out, 0));
  }
});

test('steady state: 100k frames received, answered and reassembled with no minor GC', () => {
  const child = fileURLToPath(new URL('./steady-state-gc-child.ts', import.meta.url));
  const runChild = (extra: string[]) => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=1', '--expose-gc', '--import', 'tsx', child, ...extra], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, `child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { frames: number; minor: number; messages: number; errors: number };
  };
  const steady = runChild([]);
  assert.is(steady.errors, 0);
  assert.is(steady.messages, steady.frames / 16 + 1250, 'every 16th frame completes a message (warm-up included)');
  assert.is(steady.minor, 0, `${steady.minor} minor GCs in ${steady.frames} frames`);
  // The control: one view per handleBytes call (sub-range input) must register, or the check proves nothing.
  const control = runChild(['--regress']);
  assert.ok(control.minor >= 3, `the GC counter saw only ${control.minor} minor GCs for ~100 bytes a frame`);
});

test('steady state, send side: 100k chunks sent and answered with no minor GC', () => {
  const child = fileURLToPath(new URL('./send-steady-state-gc-child.ts', import.meta.url));
  const runChild = (extra: string[]) => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=1', '--expose-gc', '--import', 'tsx', child, ...extra], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, `child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { chunks: number; minor: number; delivered: number; errors: number; allocated: number };
  };
  const steady = runChild([]);
  assert.is(steady.errors, 0);
  assert.is(steady.delivered, Math.floor((steady.chunks + 20_000) / 128), 'every 128th chunk completes a message (warm-up included)');
  assert.is(steady.minor, 0, `${steady.minor} minor GCs in ${steady.chunks} chunks`);
  console.log(`    MSRP send: ${steady.minor} minor GCs, heap grew ${steady.allocated} B over ${steady.chunks} chunks (${steady.delivered} messages; each returns a Message-ID string)`);
  // The control: one 12-character string per chunk (what the session made before) must register.
  const control = runChild(['--regress']);
  assert.ok(control.minor >= 3, `the GC counter saw only ${control.minor} minor GCs for one id string a chunk`);
});

test.run();
