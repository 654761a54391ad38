// Random interleavings of every input the engine takes (responses of any class, requests,
// ACKs, TU responses, transport errors, time jumps) on a small engine: nothing throws, ids are
// consistent (one TERMINATED per id, nothing after it), and once the TU stops, every transaction
// that does not wait for the TU or the peer ends within 64*T1 + T4.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Prng } from '../support/virtual-link.js';
import { TxDriver } from '../support/tx-driver.js';
import { tinyAckBuilder } from '../support/tiny-sip.js';
import {
  EVENT_REQUEST, EVENT_TERMINATED, MACHINE_ICT, MACHINE_IST, MACHINE_NIST, STATE_PROCEEDING, STATE_TRYING,
  METHOD_ACK, METHOD_CANCEL, METHOD_INVITE, METHOD_MESSAGE, METHOD_OPTIONS,
} from '../../core/transaction/index.js';

const METHODS = [METHOD_INVITE, METHOD_ACK, METHOD_CANCEL, METHOD_MESSAGE, METHOD_OPTIONS];
const STATUSES = [100, 180, 183, 200, 202, 302, 404, 486, 500, 603];

for (const seed of [1, 2, 3, 4, 5, 6]) {
  test(`random inputs, seed ${seed}`, () => {
    const rnd = new Prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd.next() * xs.length)]!;
    const d = new TxDriver({ maxTransactions: 32 }, tinyAckBuilder);
    const branches = Array.from({ length: 12 }, (_, i) => `z9hG4bK-r${i}`).concat(['legacy-1', 'legacy-2']);
    const serverIds: number[] = [];
    const clientIds: number[] = [];
    for (let step = 0; step < 4000; step++) {
      const r = rnd.next();
      const reliable = rnd.next() < 0.3;
      if (r < 0.2) {
        const id = d.send(pick([METHOD_INVITE, METHOD_MESSAGE, METHOD_OPTIONS, METHOD_CANCEL, METHOD_ACK]), pick(branches), 1, reliable);
        if (id >= 0) clientIds.push(id);
      } else if (r < 0.45) {
        d.receiveResponse(pick(STATUSES), pick(branches), pick(METHODS));
      } else if (r < 0.65) {
        d.receiveRequest(pick(METHODS), pick(branches), 1, reliable, pick(['a:5060', 'b:5060']), (k) => { k.legacyHash = 1 + Math.floor(rnd.next() * 3); });
      } else if (r < 0.8) {
        const created = d.eventsOf(EVENT_REQUEST);
        if (created.length) d.respond(pick(created).txId, pick(STATUSES), METHOD_INVITE, pick(branches));
      } else if (r < 0.83) {
        if (clientIds.length) d.engine.handleTransportError(pick(clientIds), d.now);
        d.drain();
      } else {
        d.advanceTo(d.now + Math.floor(rnd.next() * 3000));
      }
      assert.ok(d.engine.liveCount <= 32);
      assert.ok(d.engine.liveTimers <= 2 * d.engine.liveCount);
    }
    for (const e of d.eventsOf(EVENT_REQUEST)) serverIds.push(e.txId);
    // Stop the TU; let time run out.
    d.advanceTo(d.now + 64 * 500 + 5000 + 1);
    const terminated = new Map<number, number>();
    for (const e of d.events) {
      if (e.txId < 0) continue;
      assert.ok(!terminated.has(e.txId), `event ${e.kind} after TERMINATED for ${e.txId}`);
      if (e.kind === EVENT_TERMINATED) terminated.set(e.txId, e.t);
    }
    // What may still be live: transactions waiting for the TU (server Trying/Proceeding) or for
    // a final response after a provisional (INVITE client Proceeding, RFC 3261 has no timer there).
    for (const id of [...clientIds, ...serverIds]) {
      if (terminated.has(id)) continue;
      const m = d.engine.machineOf(id);
      const s = d.engine.stateOf(id);
      const waiting = (m === MACHINE_ICT && s === STATE_PROCEEDING) || ((m === MACHINE_IST || m === MACHINE_NIST) && (s === STATE_TRYING || s === STATE_PROCEEDING));
      assert.ok(waiting, `transaction ${id} (machine ${m}, state ${s}) should have ended`);
    }
    assert.ok(terminated.size > 50 && clientIds.length > 50 && serverIds.length > 50, 'the run exercised many transactions');
    assert.is(d.engine.droppedEvents + d.engine.droppedTransmits, 0);
  });
}

test.run();
