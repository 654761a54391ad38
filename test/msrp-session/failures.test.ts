// Two sessions joined in memory: delivery and every way a message can fail — 413, 415, 481,
// transaction timeout (§7.1.1), interrupted message ('#'), failure REPORT — plus back-pressure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MsrpSession, MSRP_EVENT, MsrpFrameView, parseMsrp, writeMsrpReport, writeMsrpSend, NO_DEADLINE, type MsrpSessionConfig } from '../../core/msrp/index.js';
import { MsrpEventQueue } from '../../core/msrp/session-events.js';
import { lcg, feed, drainTransmit, drainEvents, concat, type EventCopy } from './support.js';

const A = 'msrp://127.0.0.1:7001/aliceSid1;tcp';
const B = 'msrp://127.0.0.1:7002/bobSid22;tcp';

function pair(alice: Partial<MsrpSessionConfig> = {}, bob: Partial<MsrpSessionConfig> = {}) {
  const a = new MsrpSession({ localUri: A, remotePath: B, random: lcg(11), chunkSize: 100, ...alice });
  const b = new MsrpSession({ localUri: B, remotePath: A, random: lcg(12), ...bob });
  const ae: EventCopy[] = [];
  const be: EventCopy[] = [];
  /** Moves bytes both ways until quiet. */
  const pump = (now: number, dropToAlice = false) => {
    for (let round = 0; round < 1000; round++) {
      const ab = drainTransmit(a, now);
      const sentByBob: Uint8Array[] = [];
      if (ab.length) feed(b, ab, now, be, sentByBob);
      const ba = concat([...sentByBob, drainTransmit(b, now)]);
      if (ba.length && !dropToAlice) feed(a, ba, now, ae, []);
      drainEvents(a, ae);
      drainEvents(b, be);
      if (!ab.length && !ba.length) return;
    }
    throw new Error('pump did not settle');
  };
  return { a, b, ae, be, pump };
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const terminal = (es: EventCopy[]) => es.filter((e) => e.kind === MSRP_EVENT.DELIVERED || e.kind === MSRP_EVENT.FAILED);

test('delivered on 200 to every chunk when no report is asked; on the REPORT when one is', () => {
  const { a, ae, be, pump } = pair();
  const m1 = a.sendMessage('text/plain', bytes(250), 0);
  pump(0);
  assert.equal(terminal(ae).map((e) => [e.kind, e.messageId, e.status]), [[MSRP_EVENT.DELIVERED, m1.val, 200]]);
  assert.equal(ae.filter((e) => e.kind === MSRP_EVENT.SEND_PROGRESS).map((e) => e.done), [100, 200, 250]);
  const m2 = a.sendMessage('text/plain', bytes(50), 1, { successReport: true });
  pump(1);
  assert.equal(terminal(ae).map((e) => [e.kind, e.messageId, e.reason]).slice(1), [[MSRP_EVENT.DELIVERED, m2.val, 'success report']]);
  const got = be.filter((e) => e.kind === MSRP_EVENT.RECEIVED);
  assert.equal(got.map((e) => e.data), [bytes(250), bytes(50)]);
  assert.is(a.nextDeadline(), NO_DEADLINE, 'nothing left in flight');
});

test('413: a message larger than the receiver takes fails once, all later chunks refused', () => {
  const { a, ae, be, pump } = pair({}, { maxMessageBytes: 1000 });
  const m = a.sendMessage('text/plain', bytes(5000), 0);
  pump(0);
  assert.equal(terminal(ae).map((e) => [e.kind, e.messageId, e.status]), [[MSRP_EVENT.FAILED, m.val, 413]]);
  assert.equal(be.map((e) => [e.kind, e.status]), [[MSRP_EVENT.RECEIVE_ABORTED, 413]]);
  // The next message still goes through.
  a.sendMessage('text/plain', bytes(300), 1);
  pump(1);
  assert.is(terminal(ae)[1]!.kind, MSRP_EVENT.DELIVERED);
});

test('a chunk bigger than the receive buffer gets 413 at once (not a 30 s timeout); the session goes on', () => {
  const { a, ae, be, pump } = pair({ chunkSize: 8192 }, { maxFrameBytes: 4096 });
  const big = a.sendMessage('text/plain', bytes(20000), 0);
  pump(0);
  assert.equal(terminal(ae).map((e) => [e.kind, e.messageId, e.status]), [[MSRP_EVENT.FAILED, big.val, 413]]);
  assert.is(be.filter((e) => e.kind === MSRP_EVENT.PROTOCOL_ERROR).length, 1, 'one event for the skipped bytes');
  a.sendMessage('text/plain', bytes(3000), 1);
  pump(1);
  assert.equal(terminal(ae).map((e) => e.kind), [MSRP_EVENT.FAILED, MSRP_EVENT.DELIVERED]);
  assert.equal(be.filter((e) => e.kind === MSRP_EVENT.RECEIVED).map((e) => e.data), [bytes(3000)]);
});

test('415: content types outside a=accept-types are refused', () => {
  const { a, ae, be, pump } = pair({}, { acceptTypes: ['text/*', 'message/cpim'] });
  a.sendMessage('image/png', bytes(10), 0);
  a.sendMessage('text/plain; charset=utf-8', bytes(10), 0);
  a.sendMessage('Message/CPIM', bytes(10), 0);
  pump(0);
  assert.equal(terminal(ae).map((e) => [e.kind, e.status]), [[MSRP_EVENT.FAILED, 415], [MSRP_EVENT.DELIVERED, 200], [MSRP_EVENT.DELIVERED, 200]]);
  assert.is(be.filter((e) => e.kind === MSRP_EVENT.RECEIVED).length, 2);
});

test('481 when To-Path names another session; 403 when From-Path is not our peer', () => {
  const stranger = new MsrpSession({ localUri: 'msrp://127.0.0.1:7001/someoneElse;tcp', remotePath: B, random: lcg(5), chunkSize: 100 });
  const b = new MsrpSession({ localUri: B, remotePath: A, random: lcg(6) });
  stranger.sendMessage('text/plain', bytes(10), 0);
  const sent: Uint8Array[] = [];
  const be: EventCopy[] = [];
  feed(b, drainTransmit(stranger, 0), 0, be, sent);
  const view = new MsrpFrameView();
  const out = concat(sent);
  assert.is(parseMsrp(out, 0, out.length, view), out.length);
  assert.is(view.statusCode, 403);
  const wrongTo = new MsrpSession({ localUri: A, remotePath: 'msrp://127.0.0.1:7002/notBob;tcp', random: lcg(5), chunkSize: 100 });
  wrongTo.sendMessage('text/plain', bytes(10), 0);
  const sent2: Uint8Array[] = [];
  feed(b, drainTransmit(wrongTo, 0), 0, be, sent2);
  const out2 = concat(sent2);
  assert.is(parseMsrp(out2, 0, out2.length, view), out2.length);
  assert.is(view.statusCode, 481);
  const we: EventCopy[] = [];
  feed(wrongTo, out2, 1, we, []);
  assert.equal(terminal(we).map((e) => [e.kind, e.status]), [[MSRP_EVENT.FAILED, 481]]);
  assert.is(be.length, 0, 'nothing reached the app');
});

test('§7.1.1 timeout: no response within 30 s is a 408 failure, exactly at the deadline', () => {
  const { a, ae, pump } = pair();
  const m = a.sendMessage('text/plain', bytes(150), 1000);
  pump(1000, true);
  assert.is(a.nextDeadline(), 31000);
  a.handleTimeout(30999);
  drainEvents(a, ae);
  assert.is(terminal(ae).length, 0);
  a.handleTimeout(31000);
  drainEvents(a, ae);
  assert.equal(terminal(ae).map((e) => [e.kind, e.messageId, e.status, e.reason]), [[MSRP_EVENT.FAILED, m.val, 408, 'transaction timeout']]);
  assert.is(a.nextDeadline(), NO_DEADLINE);
});

test('a success REPORT that never comes fails the message after successReportTimeoutMs', () => {
  const { a, b, ae, pump } = pair({ successReportTimeoutMs: 5000 });
  a.sendMessage('text/plain', bytes(10), 0, { successReport: true });
  // Deliver the chunk, let the 200 through, but lose Bob's REPORT.
  const sentByBob: Uint8Array[] = [];
  feed(b, drainTransmit(a, 0), 0, [], sentByBob);
  const view = new MsrpFrameView();
  const out = concat(sentByBob);
  const n = parseMsrp(out, 0, out.length, view);
  assert.is(view.statusCode, 200);
  feed(a, out.subarray(0, n), 0, ae, []);
  assert.is(terminal(ae).length, 0);
  assert.is(a.nextDeadline(), 5000);
  a.handleTimeout(5000);
  drainEvents(a, ae);
  assert.equal(terminal(ae).map((e) => [e.kind, e.status, e.reason]), [[MSRP_EVENT.FAILED, 408, 'no success report']]);
  void pump;
});

test("interrupted message ('#'): the receiver drops it and says so, the sender reports it aborted", () => {
  const { a, b, ae, be } = pair();
  const m = a.sendMessage('text/plain', bytes(1000), 0);
  const first = a.pollTransmit(0)!.slice();
  assert.ok(a.abortMessage(m.val as string, 0));
  const second = a.pollTransmit(0)!.slice();
  assert.is(a.pollTransmit(0), null, 'nothing more of that message');
  const view = new MsrpFrameView();
  assert.is(parseMsrp(second, 0, second.length, view), second.length);
  assert.is(String.fromCharCode(view.continuation), '#');
  feed(b, concat([first, second]), 0, be, []);
  assert.equal(be.map((e) => [e.kind, e.done, e.reason]), [[MSRP_EVENT.RECEIVE_PROGRESS, 100, ''], [MSRP_EVENT.RECEIVE_ABORTED, 100, 'interrupted']]);
  drainEvents(a, ae);
  assert.equal(terminal(ae).map((e) => [e.kind, e.reason]), [[MSRP_EVENT.FAILED, 'aborted']]);
});

test('a failure REPORT fails the message', () => {
  const { a, ae } = pair();
  const m = a.sendMessage('text/plain', bytes(10), 0, { failureReport: 'no' });
  drainTransmit(a, 0);
  drainEvents(a, ae);
  // Failure-Report: no → no responses expected, so it counts as sent at once.
  assert.equal(terminal(ae).map((e) => [e.kind, e.status]), [[MSRP_EVENT.DELIVERED, 0]]);
  const m2 = a.sendMessage('text/plain', bytes(10), 0, { successReport: true });
  drainTransmit(a, 0);
  const rep = new Uint8Array(512);
  const n = writeMsrpReport(rep, 0, 512, 'rep0001x', A, B, m2.val as string, 1, 10, 10, 415, 'Unsupported Media Type');
  feed(a, rep.subarray(0, n), 1, ae, []);
  assert.equal(terminal(ae).map((e) => [e.kind, e.status]).slice(1), [[MSRP_EVENT.FAILED, 415]]);
  void m;
});

test('back-pressure: with one slot and two whole messages in one read, the second waits for the app', () => {
  const { a, b } = pair({}, { incomingSlots: 1 });
  a.sendMessage('text/plain', bytes(30, 1), 0);
  a.sendMessage('text/plain', bytes(30, 2), 0);
  const wire = drainTransmit(a, 0);
  const taken = b.handleBytes(wire, 0, wire.length, 0);
  assert.ok(taken < wire.length, 'stops taking bytes');
  assert.ok(b.inputBlocked);
  const e1 = b.pollEvent();
  assert.is(e1!.kind, MSRP_EVENT.RECEIVED);
  assert.equal(e1!.data!.slice(), bytes(30, 1), 'the first message is intact while the app holds it');
  assert.is(b.pollEvent(), null);
  const rest = b.handleBytes(wire, taken, wire.length - taken, 0);
  assert.is(taken + rest, wire.length);
  const e2 = b.pollEvent();
  assert.equal(e2!.data!.slice(), bytes(30, 2));
});

test('connection loss ends everything in progress, nothing silently', () => {
  const { a, b, ae, be } = pair();
  a.sendMessage('text/plain', bytes(500), 0);
  const first = a.pollTransmit(0)!.slice();
  feed(b, first, 0, be, []);
  a.handleConnectionLost(1);
  b.handleConnectionLost(1);
  drainEvents(a, ae);
  drainEvents(b, be);
  assert.equal(terminal(ae).map((e) => [e.kind, e.reason]), [[MSRP_EVENT.FAILED, 'connection lost']]);
  assert.equal(be.filter((e) => e.kind === MSRP_EVENT.RECEIVE_ABORTED).map((e) => e.reason), ['connection lost']);
  void writeMsrpSend;
});

test('an incoming message that stops mid-way is dropped after incomingIdleTimeoutMs, freeing its slot', () => {
  const { a, b, be } = pair({}, { incomingIdleTimeoutMs: 10_000, incomingSlots: 1 });
  a.sendMessage('text/plain', bytes(300), 0);
  feed(b, a.pollTransmit(0)!.slice(), 500, be, []);
  assert.is(b.nextDeadline(), 10_500);
  b.handleTimeout(10_499);
  drainEvents(b, be);
  assert.equal(be.map((e) => e.kind), [MSRP_EVENT.RECEIVE_PROGRESS]);
  b.handleTimeout(10_500);
  drainEvents(b, be);
  assert.equal(be.map((e) => [e.kind, e.status, e.done, e.total]).slice(1), [[MSRP_EVENT.RECEIVE_ABORTED, 408, 100, 300]]);
  assert.is(b.nextDeadline(), NO_DEADLINE);
});

test('event ring: progress gives way to terminal events; the ring never grows', () => {
  const q = new MsrpEventQueue(3);
  q.push(MSRP_EVENT.SEND_PROGRESS, 0, 'm1', '', null, 200, '', 1, 9, 0);
  q.push(MSRP_EVENT.SEND_PROGRESS, 0, 'm1', '', null, 200, '', 2, 9, 0);
  q.push(MSRP_EVENT.DELIVERED, 0, 'm1', '', null, 200, '', 9, 9, 0);
  q.push(MSRP_EVENT.SEND_PROGRESS, 1, 'm2', '', null, 200, '', 1, 9, 0);
  assert.is(q.dropped, 1, 'a progress event is dropped when full');
  q.push(MSRP_EVENT.FAILED, 1, 'm2', '', null, 413, '', 1, 9, 0);
  q.push(MSRP_EVENT.FAILED, 2, 'm3', '', null, 408, '', 1, 9, 0);
  assert.is(q.dropped, 1, 'terminal events displaced the two progress events');
  const kinds: [number, string][] = [];
  for (let e = q.shift(); e; e = q.shift()) kinds.push([e.kind, e.messageId]);
  assert.equal(kinds, [[MSRP_EVENT.DELIVERED, 'm1'], [MSRP_EVENT.FAILED, 'm2'], [MSRP_EVENT.FAILED, 'm3']]);
  q.push(MSRP_EVENT.FAILED, 3, 'm4', '', null, 0, '', 0, 0, 0);
  q.push(MSRP_EVENT.FAILED, 3, 'm5', '', null, 0, '', 0, 0, 0);
  q.push(MSRP_EVENT.FAILED, 3, 'm6', '', null, 0, '', 0, 0, 0);
  q.push(MSRP_EVENT.FAILED, 3, 'm7', '', null, 0, '', 0, 0, 0);
  assert.is(q.dropped, 2, 'only with no progress event left is a terminal event lost, and counted');
});

test.run();
