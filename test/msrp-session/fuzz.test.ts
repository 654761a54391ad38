// Fuzzing the session's input: mutated, truncated and re-spliced frame streams in random read
// sizes. The session must never throw, must keep answering in well-formed frames, and must
// still work for a clean message afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { MsrpSession, MSRP_EVENT, MsrpFrameView, parseMsrp, writeMsrpSend } from '../../core/msrp/index.js';
import { lcg, concat } from './support.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'rfc4975');
const seeds: Uint8Array[] = readdirSync(corpus).filter((f) => f.endsWith(".msrp")).map((f) => new Uint8Array(readFileSync(join(corpus, f))));
const BOB = 'msrp://bob.example.com:8888/9di4eae923wzd;tcp';
const ALICE = 'msrp://alicepc.example.com:7777/iau39soe2843z;tcp';

function ownFrame(i: number, flag: '+' | '$' | '#'): Uint8Array {
  const data = Uint8Array.from({ length: 40 }, (_, k) => 97 + ((i + k) % 26));
  const b = new Uint8Array(1024);
  const n = writeMsrpSend(b, 0, 1024, { transactionId: `fz${1000 + i}x`, toPath: BOB, fromPath: ALICE, messageId: `m${i % 3}zz`,
    rangeStart: 1 + (i % 4) * 40, rangeEnd: (i % 4) * 40 + 40, total: 160, contentType: 'text/plain', successReport: i % 2 ? 'yes' : '',
    failureReport: '', continuation: flag }, data, 0, 40);
  return b.slice(0, n);
}
for (let i = 0; i < 8; i++) seeds.push(ownFrame(i, i % 4 === 3 ? '$' : i === 5 ? '#' : '+'));

test('20k mutated streams: no throw, outputs always parse, the session still works after', () => {
  const rnd = lcg(31337);
  const pick = (n: number) => Math.floor(rnd() * n);
  const pool = [13, 10, 45, 36, 43, 35, 32, 58, 48, 49, 255, 0, 77, 83];
  const view = new MsrpFrameView();
  let frames = 0;
  for (let round = 0; round < 400; round++) {
    const s = new MsrpSession({ localUri: BOB, remotePath: ALICE, random: lcg(round + 1), maxFrameBytes: 1024, maxMessageBytes: 512, incomingSlots: 2, eventQueueSize: 8 });
    for (let k = 0; k < 50; k++) {
      const parts: Uint8Array[] = [];
      for (let j = 1 + pick(4); j > 0; j--) {
        const src = seeds[pick(seeds.length)]!;
        const f = src.slice(0, pick(3) === 0 ? pick(src.length + 1) : src.length);
        for (let m = pick(4); m > 0; m--) if (f.length) f[pick(f.length)] = pool[pick(pool.length)]!;
        parts.push(f);
      }
      const stream = concat(parts);
      let off = 0;
      for (let guard = 0; off < stream.length && guard < 1000; guard++) {
        const len = 1 + pick(stream.length - off);
        off += s.handleBytes(stream, off, len, k * 100);
        for (let out = s.pollTransmit(); out; out = s.pollTransmit()) {
          for (let at = 0; at < out.length;) {
            const n = parseMsrp(out, at, out.length - at, view);
            assert.ok(n > 0, 'every byte the session writes is a whole, valid frame');
            at += n;
            frames++;
          }
        }
        while (s.pollEvent()) { /* drain */ }
      }
      if (k % 10 === 9) s.handleTimeout(k * 100 + 60_000);
    }
    // After all that, a clean message on a fresh Message-ID is still received.
    s.handleConnectionLost(0);
    while (s.pollEvent()) { /* drain */ }
    const ok = ownFrame(3, '$');
    const data = new Uint8Array(40).fill(122);
    const b = new Uint8Array(1024);
    const n = writeMsrpSend(b, 0, 1024, { transactionId: 'fin0001', toPath: BOB, fromPath: ALICE, messageId: `final${round}`, rangeStart: 1, rangeEnd: 40, total: 40,
      contentType: 'text/plain', successReport: '', failureReport: '', continuation: '$' }, data, 0, 40);
    assert.is(s.handleBytes(b, 0, n, 1), n);
    let got: Uint8Array | null = null;
    for (let e = s.pollEvent(); e; e = s.pollEvent()) if (e.kind === MSRP_EVENT.RECEIVED) got = e.data!.slice();
    assert.equal(got, data, `round ${round}`);
    void ok;
  }
  assert.ok(frames > 1000, `the fuzz reached the response path (${frames} frames written)`);
});

test.run();
