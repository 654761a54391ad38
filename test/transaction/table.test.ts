// The transition tables (core/transaction/table.ts) checked as data: the timers each state
// starts follow RFC 3261 Table 4 / Figures 5–8, no state is a trap, the diagrams render.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  TRANSITIONS, transitionDiagram, findTransition,
  MACHINE_ICT, MACHINE_NICT, MACHINE_IST, MACHINE_NIST,
  STATE_NONE, STATE_TERMINATED, STATE_COMPLETED, STATE_CONFIRMED, STATE_ACCEPTED, STATE_NAMES,
  ACT_START_LIFETIME, ACT_RETRANSMIT_START, ACT_SEND_ACK, ACT_DELIVER,
  INPUT_START, INPUT_RESPONSE_300_699, INPUT_RESPONSE_2XX,
  TIMER_B, TIMER_D, TIMER_F, TIMER_H, TIMER_I, TIMER_J, TIMER_K, TIMER_L, TIMER_M,
} from '../../core/transaction/index.js';

const MACHINES = [MACHINE_ICT, MACHINE_NICT, MACHINE_IST, MACHINE_NIST];

test('entering each state arms the RFC timer (Table 4)', () => {
  const expect: [number, number, number][] = [
    [MACHINE_ICT, STATE_COMPLETED, TIMER_D], [MACHINE_ICT, STATE_ACCEPTED, TIMER_M],
    [MACHINE_NICT, STATE_COMPLETED, TIMER_K],
    [MACHINE_IST, STATE_COMPLETED, TIMER_H], [MACHINE_IST, STATE_CONFIRMED, TIMER_I], [MACHINE_IST, STATE_ACCEPTED, TIMER_L],
    [MACHINE_NIST, STATE_COMPLETED, TIMER_J],
  ];
  for (const [machine, state, timer] of expect) {
    const entering = TRANSITIONS.filter((r) => r.machine === machine && r.to === state && r.from !== state);
    assert.ok(entering.length > 0);
    for (const r of entering) {
      assert.ok(r.actions & ACT_START_LIFETIME, `${STATE_NAMES[state]} starts its timer`);
      assert.is(r.timer, timer);
    }
  }
  assert.is(findTransition(MACHINE_ICT, STATE_NONE, INPUT_START)!.timer, TIMER_B);
  assert.is(findTransition(MACHINE_NICT, STATE_NONE, INPUT_START)!.timer, TIMER_F);
  assert.ok(findTransition(MACHINE_ICT, STATE_NONE, INPUT_START)!.actions & ACT_RETRANSMIT_START, 'Timer A');
  assert.ok(findTransition(MACHINE_NICT, STATE_NONE, INPUT_START)!.actions & ACT_RETRANSMIT_START, 'Timer E');
});

test('INVITE client: ACK only for 300-699, and the 2xx goes to the TU without one', () => {
  for (const r of TRANSITIONS.filter((x) => x.machine === MACHINE_ICT)) {
    if (r.actions & ACT_SEND_ACK) assert.is(r.input, INPUT_RESPONSE_300_699);
    if (r.input === INPUT_RESPONSE_2XX) assert.ok(r.actions & ACT_DELIVER);
  }
});

test('no trap states: from every state a machine can reach, Terminated is reachable', () => {
  for (const m of MACHINES) {
    const rows = TRANSITIONS.filter((r) => r.machine === m);
    const reachable = new Set<number>([STATE_NONE]);
    for (let grew = true; grew;) {
      grew = false;
      for (const r of rows) if (reachable.has(r.from) && !reachable.has(r.to)) { reachable.add(r.to); grew = true; }
    }
    assert.ok(reachable.has(STATE_TERMINATED));
    for (const s of reachable) {
      if (s === STATE_TERMINATED) continue;
      const seen = new Set<number>([s]);
      for (let grew = true; grew;) {
        grew = false;
        for (const r of rows) if (seen.has(r.from) && !seen.has(r.to)) { seen.add(r.to); grew = true; }
      }
      assert.ok(seen.has(STATE_TERMINATED), `machine ${m}: ${STATE_NAMES[s]} cannot end`);
    }
  }
});

test('Mermaid diagrams are generated from the tables', () => {
  const ict = transitionDiagram(MACHINE_ICT);
  assert.match(ict, /^stateDiagram-v2/);
  assert.match(ict, /Calling --> Completed: 300-699 \/ stop retransmit, send ACK, deliver, start Timer D/);
  assert.match(transitionDiagram(MACHINE_NIST), /Completed --> \[\*\]: Timer J/);
  assert.match(transitionDiagram(MACHINE_IST), /Completed --> Confirmed: ACK \/ stop retransmit, start Timer I/);
});

test.run();
