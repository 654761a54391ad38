// RFC 3261 §17.1 client transactions: Figures 5 and 6, Timers A, B, D, E, F, K (+ RFC 6026 M).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TxDriver } from '../support/tx-driver.js';
import { tinyAckBuilder } from '../support/tiny-sip.js';
import {
  EVENT_RESPONSE, EVENT_TERMINATED, EVENT_TIMEOUT, EVENT_TRANSPORT_ERROR,
  TRANSMIT_ACK, TRANSMIT_REQUEST,
  DISPOSITION_ABSORBED, DISPOSITION_DELIVERED, DISPOSITION_NO_MATCH,
  STATE_ACCEPTED, STATE_CALLING, STATE_COMPLETED, STATE_NONE, STATE_PROCEEDING, STATE_TRYING,
  TIMER_A, TIMER_B, TIMER_D, TIMER_E, TIMER_F, TIMER_K, TIMER_M,
  METHOD_INVITE, METHOD_OPTIONS,
} from '../../core/transaction/index.js';

const B = 'z9hG4bK-c1';

/** Cumulative send times of an interval sequence. */
function sendTimes(intervals: number[]): number[] {
  const out = [0];
  for (const i of intervals) out.push(out[out.length - 1]! + i);
  return out;
}

test('non-INVITE on UDP: Timer E 500, 1000, 2000, 4000, 4000 ... (capped at T2), Timer F times out at 64*T1', () => {
  const d = new TxDriver();
  const id = d.send(METHOD_OPTIONS, B);
  assert.ok(id >= 0);
  assert.is(d.engine.stateOf(id), STATE_TRYING);
  assert.is(d.engine.timerArmed(id, 0), TIMER_E);
  assert.is(d.engine.timerArmed(id, 1), TIMER_F);
  assert.is(d.engine.timerDeadline(id, 1), 32000);
  d.advanceTo(40000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST, id), sendTimes([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]));
  const timeouts = d.eventsOf(EVENT_TIMEOUT, id);
  assert.is(timeouts.length, 1);
  assert.is(timeouts[0]!.t, 32000);
  assert.is(timeouts[0]!.status, 408); // §8.1.3.1
  assert.is(d.eventsOf(EVENT_TERMINATED, id)[0]!.t, 32000);
  assert.is(d.engine.stateOf(id), STATE_NONE);
  assert.is(d.engine.liveCount, 0);
  assert.is(d.engine.nextDeadline(), -1);
});

test('non-INVITE on TCP: sent once, no Timer E, Timer F still 64*T1', () => {
  const d = new TxDriver();
  const id = d.send(METHOD_OPTIONS, B, 1, true);
  assert.is(d.engine.timerArmed(id, 0), 0);
  d.advanceTo(40000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0]);
  assert.is(d.eventsOf(EVENT_TIMEOUT)[0]!.t, 32000);
});

test('non-INVITE: a provisional moves to Proceeding, where Timer E is reset to T2', () => {
  const d = new TxDriver();
  const id = d.send(METHOD_OPTIONS, B);
  d.advanceTo(600); // sent at 0 and 500; next E at 1500
  assert.is(d.receiveResponse(100, B, METHOD_OPTIONS), DISPOSITION_DELIVERED);
  assert.is(d.engine.stateOf(id), STATE_PROCEEDING);
  d.advanceTo(14000);
  // 1500 still fires at the old interval, then T2 = 4000 each time.
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0, 500, 1500, 5500, 9500, 13500]);
  assert.is(d.eventsOf(EVENT_RESPONSE)[0]!.status, 100);
});

test('non-INVITE final response on UDP: Completed, retransmissions absorbed, Timer K = T4', () => {
  const d = new TxDriver();
  const id = d.send(METHOD_OPTIONS, B);
  d.advanceTo(700);
  assert.is(d.receiveResponse(200, B, METHOD_OPTIONS), DISPOSITION_DELIVERED);
  assert.is(d.engine.stateOf(id), STATE_COMPLETED);
  assert.is(d.engine.timerArmed(id, 0), 0, 'Timer E stops');
  assert.is(d.engine.timerArmed(id, 1), TIMER_K);
  assert.is(d.engine.timerDeadline(id, 1), 5700);
  d.advanceTo(3000);
  assert.is(d.receiveResponse(200, B, METHOD_OPTIONS), DISPOSITION_ABSORBED);
  d.advanceTo(10000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0, 500]);
  assert.is(d.eventsOf(EVENT_RESPONSE).length, 1);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 5700);
  assert.is(d.eventsOf(EVENT_TIMEOUT).length, 0);
  assert.is(d.receiveResponse(200, B, METHOD_OPTIONS), DISPOSITION_NO_MATCH);
});

test('non-INVITE final response on TCP: Timer K = 0, terminated at once', () => {
  const d = new TxDriver();
  const id = d.send(METHOD_OPTIONS, B, 1, true);
  d.advanceTo(50);
  d.receiveResponse(404, B, METHOD_OPTIONS);
  assert.is(d.engine.stateOf(id), STATE_NONE);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 50);
  assert.is(d.engine.nextDeadline(), -1);
});

test('T1, T2, T4 are configurable', () => {
  const d = new TxDriver({ t1: 100, t2: 400, t4: 1000 });
  const id = d.send(METHOD_OPTIONS, B);
  d.advanceTo(7000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST, id).slice(0, 6), [0, 100, 300, 700, 1100, 1500]);
  assert.is(d.eventsOf(EVENT_TIMEOUT)[0]!.t, 6400);
  const id2 = d.send(METHOD_OPTIONS, 'z9hG4bK-c2');
  d.receiveResponse(200, 'z9hG4bK-c2', METHOD_OPTIONS);
  assert.is(d.engine.timerDeadline(id2, 1), 7000 + 1000);
});

test('INVITE on UDP: Timer A doubles without cap, Timer B times out at 64*T1', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const id = d.send(METHOD_INVITE, B);
  assert.is(d.engine.stateOf(id), STATE_CALLING);
  assert.is(d.engine.timerArmed(id, 0), TIMER_A);
  assert.is(d.engine.timerArmed(id, 1), TIMER_B);
  d.advanceTo(60000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), sendTimes([500, 1000, 2000, 4000, 8000, 16000]));
  const t = d.eventsOf(EVENT_TIMEOUT);
  assert.is(t.length, 1);
  assert.is(t[0]!.t, 32000);
  assert.is(t[0]!.status, 408);
  assert.is(d.engine.liveCount, 0);
});

test('INVITE on TCP: no Timer A, Timer B still fires', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  d.send(METHOD_INVITE, B, 1, true);
  d.advanceTo(60000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0]);
  assert.is(d.eventsOf(EVENT_TIMEOUT)[0]!.t, 32000);
});

test('INVITE: a provisional stops retransmission and Timer B (Proceeding lasts until a final)', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const id = d.send(METHOD_INVITE, B);
  d.advanceTo(800);
  d.receiveResponse(180, B, METHOD_INVITE);
  assert.is(d.engine.stateOf(id), STATE_PROCEEDING);
  assert.is(d.engine.nextDeadline(), -1);
  d.advanceTo(100000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0, 500]);
  assert.is(d.eventsOf(EVENT_TIMEOUT).length, 0);
  d.receiveResponse(180, B, METHOD_INVITE);
  assert.is(d.eventsOf(EVENT_RESPONSE).length, 2);
});

test('INVITE non-2xx on UDP: the transaction ACKs every copy, delivers one, Timer D = 32 s', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const id = d.send(METHOD_INVITE, B, 5);
  d.advanceTo(1000);
  d.receiveResponse(180, B, METHOD_INVITE, 5);
  d.advanceTo(2000);
  assert.is(d.receiveResponse(486, B, METHOD_INVITE, 5), DISPOSITION_DELIVERED);
  assert.is(d.engine.stateOf(id), STATE_COMPLETED);
  assert.is(d.engine.timerArmed(id, 1), TIMER_D);
  const acks = d.sent.filter((s) => s.kind === TRANSMIT_ACK);
  assert.is(acks.length, 1);
  assert.is(acks[0]!.text, 'Q 2 z9hG4bK-c1 client.example:5060 5'); // same branch as the INVITE (§17.1.1.3)
  assert.is(acks[0]!.destination, 7);
  d.advanceTo(2500);
  assert.is(d.receiveResponse(486, B, METHOD_INVITE, 5), DISPOSITION_ABSORBED);
  assert.equal(d.sentTimes(TRANSMIT_ACK), [2000, 2500]);
  assert.is(d.eventsOf(EVENT_RESPONSE).filter((e) => e.status === 486).length, 1);
  d.advanceTo(40000);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 34000);
});

test('INVITE non-2xx on TCP: ACK sent once, Timer D = 0', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const id = d.send(METHOD_INVITE, B, 1, true);
  d.advanceTo(300);
  d.receiveResponse(603, B, METHOD_INVITE);
  assert.equal(d.sentTimes(TRANSMIT_ACK), [300]);
  assert.is(d.engine.stateOf(id), STATE_NONE);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 300);
});

test('INVITE 2xx (RFC 6026): Accepted for 64*T1, retransmitted 2xx go to the TU, no ACK from the transaction', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const id = d.send(METHOD_INVITE, B);
  d.advanceTo(200);
  d.receiveResponse(200, B, METHOD_INVITE);
  assert.is(d.engine.stateOf(id), STATE_ACCEPTED);
  assert.is(d.engine.timerArmed(id, 1), TIMER_M);
  d.advanceTo(700);
  assert.is(d.receiveResponse(200, B, METHOD_INVITE), DISPOSITION_DELIVERED);
  assert.is(d.receiveResponse(486, B, METHOD_INVITE), DISPOSITION_ABSORBED);
  d.advanceTo(40000);
  assert.equal(d.sentTimes(TRANSMIT_REQUEST), [0]);
  assert.is(d.sentTimes(TRANSMIT_ACK).length, 0);
  assert.is(d.eventsOf(EVENT_RESPONSE).length, 2);
  assert.is(d.eventsOf(EVENT_TERMINATED)[0]!.t, 32200);
});

test('transport errors end client transactions with a 503 event (§8.1.3.1, §17.1.4)', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const nict = d.send(METHOD_OPTIONS, B);
  const ict = d.send(METHOD_INVITE, 'z9hG4bK-c2');
  d.advanceTo(100);
  d.receiveResponse(500, 'z9hG4bK-c2', METHOD_INVITE);
  assert.is(d.engine.stateOf(ict), STATE_COMPLETED);
  assert.is(d.engine.handleTransportError(nict, d.now), 0);
  assert.is(d.engine.handleTransportError(ict, d.now), 0);
  d.drain();
  const errors = d.eventsOf(EVENT_TRANSPORT_ERROR);
  assert.equal(errors.map((e) => [e.txId, e.status]), [[nict, 503], [ict, 503]]);
  assert.is(d.engine.liveCount, 0);
  assert.ok(d.engine.handleTransportError(nict, d.now) < 0, 'stale id');
});

test('Timer F is exactly 64*T1 even with provisionals in between', () => {
  const d = new TxDriver();
  d.send(METHOD_OPTIONS, B);
  d.advanceTo(3000);
  d.receiveResponse(100, B, METHOD_OPTIONS);
  d.advanceTo(50000);
  assert.is(d.eventsOf(EVENT_TIMEOUT)[0]!.t, 32000);
});

test.run();
