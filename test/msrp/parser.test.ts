import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  MsrpFrameView, parseMsrp, MSRP_NEED_MORE, MH, MSRP_METHOD, msrpErrorName,
  E_MSRP_MISSING_PATH, E_MSRP_BAD_TRANSACTION_ID, E_MSRP_BAD_END_LINE, E_MSRP_FRAME_TOO_LARGE, E_MSRP_BAD_START,
} from '../../core/msrp/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'rfc4975');
const files = readdirSync(dir).filter((f) => f.endsWith('.msrp')).sort();
const load = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const LENIENT = { requirePaths: false };

// What the manifest says of each example: start line, Byte-Range, and the measured data length.
const expected: Record<string, { id: string; start: string; range?: [number, number, number]; data?: number; flag: string; paths: boolean }> = {
  'fig2-SEND.msrp': { id: 'a786hjs2', start: 'SEND', range: [1, 25, 25], data: 23, flag: '$', paths: true },
  'fig2-200.msrp': { id: 'a786hjs2', start: '200', flag: '$', paths: true },
  'fig3-chunk1.msrp': { id: 'dkei38sd', start: 'SEND', range: [1, -1, 8], data: 4, flag: '+', paths: false },
  'fig3-chunk2.msrp': { id: 'dkei38ia', start: 'SEND', range: [5, 8, 8], data: 4, flag: '$', paths: false },
  '11.1-step4-SEND.msrp': { id: 'd93kswow', start: 'SEND', range: [1, 16, 16], data: 14, flag: '$', paths: true },
  '11.1-step5-200.msrp': { id: 'd93kswow', start: '200', flag: '$', paths: true },
  '11.1-step6-SEND.msrp': { id: 'dkei38sd', start: 'SEND', range: [1, 21, 21], data: 20, flag: '$', paths: true },
  '11.1-step7-200.msrp': { id: 'dkei38sd', start: '200', flag: '$', paths: true },
  '11.4-chunk1-cpim.msrp': { id: 'd93kswow', start: 'SEND', range: [1, 137, 148], data: 137, flag: '+', paths: true },
  '11.4-chunk2-cpim.msrp': { id: 'op2nc9a', start: 'SEND', range: [138, 148, 148], data: 10, flag: '$', paths: true },
  '11.6-REPORT.msrp': { id: 'dkei38sd', start: 'REPORT', range: [1, 106, 106], flag: '$', paths: true },
};

test('every RFC 4975 example frame parses with the manifest\'s fields', () => {
  const view = new MsrpFrameView();
  assert.ok(files.length >= 14);
  for (const f of files) {
    const bytes = load(f);
    const n = parseMsrp(bytes, 0, bytes.length, view, LENIENT);
    assert.is(n, bytes.length, `${f}: ${msrpErrorName(n)} at ${view.errorOffset}`);
    const e = expected[f];
    if (!e) continue;
    assert.is(view.transactionId(), e.id, f);
    assert.is(view.isRequest ? view.text(view.methodOff, view.methodLen) : String(view.statusCode), e.start, f);
    assert.is(String.fromCharCode(view.continuation), e.flag, f);
    if (e.range) assert.equal([view.rangeStart, view.rangeEnd, view.rangeTotal], e.range, f);
    if (e.data !== undefined) assert.is(view.bodyLen, e.data, `${f} data length (the manifest measured it)`);
    // The strict default demands To-Path and From-Path first: the RFC's snippets lack them.
    const strict = parseMsrp(bytes, 0, bytes.length, view);
    assert.is(strict > 0, e.paths, f);
    if (!e.paths) assert.is(strict, E_MSRP_MISSING_PATH);
  }
});

test('REPORT Status header and SEND headers are located without allocation', () => {
  const view = new MsrpFrameView();
  const report = load('11.6-REPORT.msrp');
  parseMsrp(report, 0, report.length, view);
  assert.is(view.methodId, MSRP_METHOD.REPORT);
  assert.is(view.statusHeaderCode, 200);
  assert.is(view.hasBody, false);
  const send = load('fig2-SEND.msrp');
  parseMsrp(send, 0, send.length, view);
  assert.is(view.methodId, MSRP_METHOD.SEND);
  assert.is(view.headerValueText(view.find(MH.TO_PATH)), 'msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp');
  assert.is(view.headerValueText(view.find(MH.MESSAGE_ID)), '87652491');
  assert.is(view.text(view.bodyOff, view.bodyLen), 'Hey Bob, are you there?');
});

test('every frame split at every byte: NEED_MORE until complete, then the same result', () => {
  const view = new MsrpFrameView();
  for (const f of files) {
    const bytes = load(f);
    const whole = parseMsrp(bytes, 0, bytes.length, view, LENIENT);
    const bodyLen = view.bodyLen;
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = parseMsrp(bytes, 0, cut, view, LENIENT);
      assert.is(r, MSRP_NEED_MORE, `${f} cut at ${cut}: ${msrpErrorName(r)}`);
    }
    assert.is(parseMsrp(bytes, 0, bytes.length, view, LENIENT), whole);
    assert.is(view.bodyLen, bodyLen);
  }
});

test('several frames back to back in one buffer, at an offset', () => {
  const a = load('fig2-SEND.msrp');
  const b = load('fig2-200.msrp');
  const buf = new Uint8Array(7 + a.length + b.length);
  buf.set(a, 7);
  buf.set(b, 7 + a.length);
  const view = new MsrpFrameView();
  const n1 = parseMsrp(buf, 7, buf.length - 7, view);
  assert.is(n1, a.length);
  const n2 = parseMsrp(buf, 7 + n1, buf.length - 7 - n1, view);
  assert.is(n2, b.length);
  assert.is(view.statusCode, 200);
});

test('bad frames get precise errors', () => {
  const view = new MsrpFrameView({ maxFrameBytes: 300 });
  const cases: [string, number][] = [
    ['MSRP ab SEND\r\nTo-Path: x\r\nFrom-Path: y\r\n-------ab$\r\n', E_MSRP_BAD_TRANSACTION_ID],
    ['SIP/2.0 200 OK\r\n', E_MSRP_BAD_START],
    ['HTTP', E_MSRP_BAD_START],
    [`MSRP abcd SEND\r\nTo-Path: x\r\nFrom-Path: y\r\nContent-Type: text/plain\r\n\r\n${'x'.repeat(400)}`, E_MSRP_FRAME_TOO_LARGE],
  ];
  for (const [text, code] of cases) {
    const bytes = enc(text);
    assert.is(parseMsrp(bytes, 0, bytes.length, view), code, text.slice(0, 20));
  }
  void E_MSRP_BAD_END_LINE;
});

test('fuzz: mutated and truncated frames never throw and keep spans in range', () => {
  const view = new MsrpFrameView({ maxFrameBytes: 4096 });
  const seeds = files.map(load);
  let seed = 4975;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const pool = [13, 10, 45, 36, 43, 35, 32, 58, 48, 255, 0];
  const buf = new Uint8Array(8192);
  for (let i = 0; i < 50_000; i++) {
    const s = seeds[rnd(seeds.length)]!;
    const off = rnd(16);
    const len = rnd(s.length + 1);
    buf.fill(0xee);
    buf.set(s.subarray(0, len), off);
    for (let k = rnd(5); k > 0; k--) if (len) buf[off + rnd(len)] = pool[rnd(pool.length)]!;
    const r = parseMsrp(buf, off, len, view, LENIENT);
    if (r > 0) {
      assert.ok(r <= len);
      assert.ok(!view.hasBody || (view.bodyOff >= off && view.bodyOff + view.bodyLen <= off + r));
      for (let h = 0; h < view.headerCount; h++) assert.ok(view.valueOff[h]! + view.valueLen[h]! <= off + r);
    } else if (r < 0) {
      assert.ok(view.errorOffset >= off && view.errorOffset <= off + len, `error offset ${view.errorOffset} outside [${off}, ${off + len}]`);
    }
  }
});

test.run();
