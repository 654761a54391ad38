// RFC 3261 §17.2 server transactions: Figures 7 and 8, Timers G, H, I, J (+ RFC 6026 L).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TxDriver } from '../support/tx-driver.js';
import {
  EVENT_ACK, EVENT_REQUEST, EVENT_TERMINATED, EVENT_TIMEOUT, EVENT_TRANSPORT_ERROR, EVENT_TRYING_DUE,
  TRANSMIT_RESPONSE,
  DISPOSITION_ABSORBED, DISPOSITION_CREATED, DISPOSITION_DELIVERED, DISPOSITION_STRAY_ACK,
  STATE_ACCEPTED, STATE_COMPLETED, STATE_CONFIRMED, STATE_NONE, STATE_PROCEEDING, STATE_TRYING,
  TIMER_G, TIMER_H, TIMER_I, TIMER_J, TIMER_L, TIMER_TRYING,
  TX_ERROR_BAD_STATUS, TX_ERROR_INVALID_STATE, TX_ERROR_UNKNOWN_TRANSACTION,
  METHOD_ACK, METHOD_INVITE, METHOD_MESSAGE,
} from '../../core/transaction/index.js';

const B = 'z9hG4bK-s1';

function newServerTx(d: TxDriver, methodId: number, reliable = false, branch = B): number {
  assert.is(d.receiveRequest(methodId, branch, 1, reliable), DISPOSITION_CREATED);
  const ev = d.eventsOf(EVENT_REQUEST);
  const last = ev[ev.length - 1]!;
  assert.is(last.method, methodId);
  return last.txId;
}

test('non-INVITE server on UDP: Trying absorbs, Proceeding resends the provisional, Completed resends the final, Timer J = 64*T1', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_MESSAGE);
  assert.is(d.engine.stateOf(id), STATE_TRYING);
  d.advanceTo(500);
  assert.is(d.receiveRequest(METHOD_MESSAGE, B), DISPOSITION_ABSORBED);
  assert.is(d.sent.length, 0, 'Trying: a retransmission is discarded');
  assert.is(d.respond(id, 100, METHOD_MESSAGE, B), 0);
  assert.is(d.engine.stateOf(id), STATE_PROCEEDING);
  d.advanceTo(1500);
  d.receiveRequest(METHOD_MESSAGE, B);
  assert.equal(d.sent.map((s) => [s.t, s.text]), [[500, 'S 100 z9hG4bK-s1 10 1'], [1500, 'S 100 z9hG4bK-s1 10 1']]);
  d.advanceTo(2000);
  assert.is(d.respond(id, 200, METHOD_MESSAGE, B), 0);
  assert.is(d.engine.stateOf(id), STATE_COMPLETED);
  assert.is(d.engine.timerArmed(id, 1), TIMER_J);
  assert.is(d.engine.timerDeadline(id, 1), 2000 + 32000);
  d.advanceTo(3500);
  assert.is(d.receiveRequest(METHOD_MESSAGE, B), DISPOSITION_ABSORBED);
  assert.equal(d.sent.slice(2).map((s) => [s.t, s.text]), [[2000, 'S 200 z9hG4bK-s1 10 1'], [3500, 'S 200 z9hG4bK-s1 10 1']]);
  assert.is(d.respond(id, 404, METHOD_MESSAGE, B), TX_ERROR_INVALID_STATE, 'one final response only');
  d.advanceTo(40000);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 34000);
  assert.is(d.eventsOf(EVENT_REQUEST).length, 1, 'the TU saw the request once');
  assert.is(d.respond(id, 200, METHOD_MESSAGE, B), TX_ERROR_UNKNOWN_TRANSACTION);
});

test('non-INVITE server on TCP: Timer J = 0', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_MESSAGE, true);
  d.advanceTo(10);
  d.respond(id, 202, METHOD_MESSAGE, B);
  assert.is(d.engine.stateOf(id), STATE_NONE);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 10);
  assert.is(d.sent.length, 1);
  assert.is(d.sent[0]!.destination, 9, 'responses go to the source the host gave');
});

test('respond() rejects bad status codes', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_MESSAGE);
  assert.is(d.engine.respond(id, 99, new Uint8Array(1), 0, 1, 0), TX_ERROR_BAD_STATUS);
  assert.is(d.engine.respond(id, 700, new Uint8Array(1), 0, 1, 0), TX_ERROR_BAD_STATUS);
});

test('INVITE server non-2xx on UDP: Timer G 500, 1000, 2000, 4000, 4000 ... until Timer H (64*T1) reports the missing ACK', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE);
  assert.is(d.engine.stateOf(id), STATE_PROCEEDING);
  d.advanceTo(1000);
  d.respond(id, 486, METHOD_INVITE, B);
  assert.is(d.engine.stateOf(id), STATE_COMPLETED);
  assert.is(d.engine.timerArmed(id, 0), TIMER_G);
  assert.is(d.engine.timerArmed(id, 1), TIMER_H);
  d.advanceTo(60000);
  const expected = [1000];
  for (const i of [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]) expected.push(expected[expected.length - 1]! + i);
  assert.equal(d.sentTimes(TRANSMIT_RESPONSE), expected);
  const t = d.eventsOf(EVENT_TIMEOUT);
  assert.is(t.length, 1);
  assert.is(t[0]!.t, 33000);
  assert.is(d.engine.liveCount, 0);
});

test('INVITE server: the ACK stops Timer G and starts Timer I = T4; later ACKs are absorbed', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE);
  d.respond(id, 180, METHOD_INVITE, B);
  d.advanceTo(100);
  assert.is(d.receiveRequest(METHOD_INVITE, B), DISPOSITION_ABSORBED);
  assert.equal(d.sent.map((s) => [s.t, s.text]), [[0, 'S 180 z9hG4bK-s1 1 1'], [100, 'S 180 z9hG4bK-s1 1 1']], 'Proceeding: the provisional is resent');
  d.advanceTo(200);
  d.respond(id, 404, METHOD_INVITE, B);
  d.advanceTo(900);
  assert.is(d.receiveRequest(METHOD_INVITE, B), DISPOSITION_ABSORBED);
  assert.is(d.sent[d.sent.length - 1]!.text, 'S 404 z9hG4bK-s1 1 1', 'Completed: the final is resent');
  d.advanceTo(1000);
  assert.is(d.receiveRequest(METHOD_ACK, B), DISPOSITION_ABSORBED);
  assert.is(d.engine.stateOf(id), STATE_CONFIRMED);
  assert.is(d.engine.timerArmed(id, 0), 0);
  assert.is(d.engine.timerArmed(id, 1), TIMER_I);
  assert.is(d.engine.timerDeadline(id, 1), 6000);
  const sentBefore = d.sent.length;
  d.advanceTo(3000);
  assert.is(d.receiveRequest(METHOD_ACK, B), DISPOSITION_ABSORBED);
  assert.is(d.receiveRequest(METHOD_INVITE, B), DISPOSITION_ABSORBED);
  d.advanceTo(10000);
  assert.is(d.sent.length, sentBefore, 'nothing sent in Confirmed');
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 6000);
  assert.is(d.eventsOf(EVENT_TIMEOUT).length, 0);
  assert.is(d.eventsOf(EVENT_ACK).length, 0, 'the ACK for a non-2xx never reaches the TU');
});

test('INVITE server on TCP: no Timer G, Timer I = 0', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE, true);
  d.respond(id, 480, METHOD_INVITE, B);
  assert.is(d.engine.timerArmed(id, 0), 0);
  assert.is(d.engine.timerArmed(id, 1), TIMER_H);
  d.advanceTo(20);
  d.receiveRequest(METHOD_ACK, B, 1, true);
  assert.is(d.engine.stateOf(id), STATE_NONE);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 20);
  assert.is(d.sent.length, 1);
});

test('INVITE server 2xx (RFC 6026): Accepted absorbs INVITE copies, passes further 2xx, Timer L = 64*T1', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE);
  d.advanceTo(100);
  d.respond(id, 200, METHOD_INVITE, B);
  assert.is(d.engine.stateOf(id), STATE_ACCEPTED);
  assert.is(d.engine.timerArmed(id, 1), TIMER_L);
  assert.is(d.engine.timerArmed(id, 0), 0, 'the TU, not the transaction, retransmits 2xx (§13.3.1.4)');
  d.advanceTo(600);
  assert.is(d.receiveRequest(METHOD_INVITE, B), DISPOSITION_ABSORBED);
  assert.is(d.respond(id, 200, METHOD_INVITE, B), 0);
  assert.equal(d.sentTimes(TRANSMIT_RESPONSE), [100, 600]);
  // The ACK for a 2xx carries a new branch: it matches no transaction and goes to the TU.
  assert.is(d.receiveRequest(METHOD_ACK, 'z9hG4bK-ack2xx'), DISPOSITION_STRAY_ACK);
  // One that does match (same branch) is passed up too (RFC 6026 §7.1).
  assert.is(d.receiveRequest(METHOD_ACK, B), DISPOSITION_DELIVERED);
  const acks = d.eventsOf(EVENT_ACK);
  assert.equal(acks.map((a) => a.txId), [-1, id]);
  d.advanceTo(40000);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 32100);
});

test('INVITE server: transport error → EVENT_TRANSPORT_ERROR and Terminated (§17.2.4)', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE);
  d.respond(id, 500, METHOD_INVITE, B);
  d.engine.handleTransportError(id, 0);
  d.drain();
  assert.is(d.eventsOf(EVENT_TRANSPORT_ERROR).length, 1);
  assert.is(d.engine.liveCount, 0);
});

test('INVITE server: no provisional from the TU within 200 ms → EVENT_TRYING_DUE asks for a 100 (§17.2.1)', () => {
  const d = new TxDriver();
  const id = newServerTx(d, METHOD_INVITE);
  assert.is(d.engine.timerArmed(id, 0), TIMER_TRYING);
  d.advanceTo(1000);
  const due = d.eventsOf(EVENT_TRYING_DUE);
  assert.equal(due.map((e) => [e.t, e.txId]), [[200, id]]);
  assert.is(d.respond(id, 100, METHOD_INVITE, B), 0);
  assert.is(d.engine.nextDeadline(), -1);
  // A TU that answers in time is not asked.
  const d2 = new TxDriver();
  const id2 = newServerTx(d2, METHOD_INVITE, true);
  d2.advanceTo(150);
  d2.respond(id2, 180, METHOD_INVITE, B);
  d2.advanceTo(5000);
  assert.is(d2.eventsOf(EVENT_TRYING_DUE).length, 0);
  assert.is(d2.engine.timerArmed(id2, 0), 0);
  // Non-INVITE server transactions never ask (§17.2.2 has no such rule).
  const d3 = new TxDriver();
  newServerTx(d3, METHOD_MESSAGE);
  d3.advanceTo(5000);
  assert.is(d3.eventsOf(EVENT_TRYING_DUE).length, 0);
});

test.run();
