import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MsrpFrameView, parseMsrp, writeMsrpSend, writeMsrpResponse, writeMsrpReport, randomIdent, MessageReassembly,
  REASSEMBLY_OK, E_RA_ABORTED, E_RA_TOO_FRAGMENTED, E_MSRP_NO_SPACE, MH, type MsrpSendFields,
} from '../../core/msrp/index.js';

let seed = 1;
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);

function chunkFrames(content: Uint8Array, chunk: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const scratch = new Uint8Array(chunk + 512);
  const messageId = randomIdent(random);
  for (let at = 0; at < content.length; at += chunk) {
    const len = Math.min(chunk, content.length - at);
    const f: MsrpSendFields = {
      transactionId: randomIdent(random), toPath: 'msrp://127.0.0.1:7777/bob;tcp', fromPath: 'msrp://127.0.0.1:7778/alice;tcp',
      messageId, rangeStart: at + 1, rangeEnd: at + len, total: content.length, contentType: 'application/octet-stream',
      successReport: 'yes', failureReport: '', continuation: at + len === content.length ? '$' : '+',
    };
    const n = writeMsrpSend(scratch, 0, scratch.length, f, content, at, len);
    assert.ok(n > 0);
    frames.push(scratch.slice(0, n));
  }
  return frames;
}

test('1 MB in 4 KB chunks, delivered out of order, reassembles byte for byte', () => {
  const content = new Uint8Array(1 << 20);
  for (let i = 0; i < content.length; i++) content[i] = (i * 131 + (i >> 9)) & 0xff;
  const frames = chunkFrames(content, 4096);
  assert.is(frames.length, 256);
  // Shuffle, but keep the '$' chunk anywhere: completion needs coverage and the last chunk both.
  for (let i = frames.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [frames[i], frames[j]] = [frames[j]!, frames[i]!]; }
  const view = new MsrpFrameView({ maxFrameBytes: 8192 });
  const ra = new MessageReassembly(new Uint8Array(2 << 20), 512);
  for (const frame of frames) {
    assert.is(parseMsrp(frame, 0, frame.length, view), frame.length);
    assert.is(view.headerValueText(view.find(MH.SUCCESS_REPORT)), 'yes');
    assert.is(ra.add(view.rangeStart, view.rangeTotal, frame, view.bodyOff, view.bodyLen, view.continuation), REASSEMBLY_OK);
  }
  assert.ok(ra.complete);
  assert.is(ra.received, content.length);
  assert.equal(ra.storage.subarray(0, content.length), content);
});

test('an interrupted message (#) is reported as aborted, not complete', () => {
  const ra = new MessageReassembly(new Uint8Array(100));
  assert.is(ra.add(1, 50, new Uint8Array(20), 0, 20, 43), REASSEMBLY_OK);
  assert.is(ra.add(21, 50, new Uint8Array(5), 0, 5, 35), E_RA_ABORTED);
  assert.not.ok(ra.complete);
  assert.is(ra.received, 25);
});

test('unknown total ("*") is fixed by the last chunk; fragmentation is bounded', () => {
  const ra = new MessageReassembly(new Uint8Array(64), 2);
  assert.is(ra.add(1, -1, new Uint8Array(4), 0, 4, 43), REASSEMBLY_OK);
  assert.is(ra.add(9, -1, new Uint8Array(4), 0, 4, 43), REASSEMBLY_OK);
  assert.is(ra.add(17, -1, new Uint8Array(4), 0, 4, 43), E_RA_TOO_FRAGMENTED, 'a third hole is refused, memory stays fixed');
  assert.is(ra.add(5, -1, new Uint8Array(4), 0, 4, 36), REASSEMBLY_OK);
  assert.is(ra.total, 8);
  assert.is(ra.received, 12, 'the chunk beyond the end was stored before the last chunk said where the end is');
});

test('responses and REPORTs written by us parse back; frames never half-written', () => {
  const buf = new Uint8Array(512);
  const view = new MsrpFrameView();
  let n = writeMsrpResponse(buf, 0, buf.length, 'a786hjs2', 200, 'OK', 'msrp://a/x;tcp', 'msrp://b/y;tcp');
  assert.is(parseMsrp(buf, 0, n, view), n);
  assert.is(view.statusCode, 200);
  assert.is(view.text(view.commentOff, view.commentLen), 'OK');
  n = writeMsrpReport(buf, 0, buf.length, 'dkei38sd', 'msrp://a/x;tcp', 'msrp://b/y;tcp', '12339sdqwer', 1, 106, 106, 200, 'OK');
  assert.is(parseMsrp(buf, 0, n, view), n);
  assert.is(view.statusHeaderCode, 200);
  assert.equal([view.rangeStart, view.rangeEnd, view.rangeTotal], [1, 106, 106]);
  for (let cap = 0; cap < n; cap++) assert.is(writeMsrpReport(buf, 0, cap, 'dkei38sd', 'msrp://a/x;tcp', 'msrp://b/y;tcp', '12339sdqwer', 1, 106, 106, 200, 'OK'), E_MSRP_NO_SPACE);
});

test.run();
