// The four RFC 3261 §17 transaction state machines (Figures 5–8, with the RFC 6026 "Accepted"
// state for INVITE 2xx) written as data. Rule: everything that decides a transition lives in
// TRANSITIONS below; the engine (engine.ts) only looks rows up and executes their action bits in a
// fixed order. Timers are named after the RFC. A missing row means: a network or timer input is
// absorbed without effect; a TU command is refused (TX_ERROR_INVALID_STATE).
//
// Each transaction has two timer lanes:
//   lane 0, the retransmission timer: A (INVITE client), E (non-INVITE client), G (INVITE server);
//           armed on unreliable transports only (§17.1.1.2, §17.1.2.2, §17.2.1);
//   lane 1, the lifetime timer: B, F, H (timeouts), D, K, I, J, L, M (linger in a state to absorb
//           retransmissions, 0 on reliable transports).

// ---- Machines ----
export const MACHINE_NONE = 0;
/** INVITE client transaction, §17.1.1, Figure 5. */
export const MACHINE_ICT = 1;
/** Non-INVITE client transaction, §17.1.2, Figure 6. */
export const MACHINE_NICT = 2;
/** INVITE server transaction, §17.2.1, Figure 7. */
export const MACHINE_IST = 3;
/** Non-INVITE server transaction, §17.2.2, Figure 8. */
export const MACHINE_NIST = 4;
export const MACHINE_COUNT = 5;
export const MACHINE_NAMES = ['none', 'INVITE client', 'non-INVITE client', 'INVITE server', 'non-INVITE server'] as const;

// ---- States ----
/** The slot is free (also the "state" a transaction is created from). */
export const STATE_NONE = 0;
export const STATE_CALLING = 1;
export const STATE_TRYING = 2;
export const STATE_PROCEEDING = 3;
export const STATE_COMPLETED = 4;
export const STATE_CONFIRMED = 5;
/** RFC 6026 §7.1/§7.2: the INVITE got a 2xx; absorb or pass on retransmitted 2xx/ACKs for 64*T1. */
export const STATE_ACCEPTED = 6;
export const STATE_TERMINATED = 7;
export const STATE_COUNT = 8;
export const STATE_NAMES = ['None', 'Calling', 'Trying', 'Proceeding', 'Completed', 'Confirmed', 'Accepted', 'Terminated'] as const;

// ---- Inputs ----
/** The transaction is created (client: the TU sends a request; server: a new request arrived). */
export const INPUT_START = 0;
/** Client: a response arrived, by class. */
export const INPUT_RESPONSE_1XX = 1;
export const INPUT_RESPONSE_2XX = 2;
export const INPUT_RESPONSE_300_699 = 3;
/** Server: the TU passes a response, by class. */
export const INPUT_TU_1XX = 4;
export const INPUT_TU_2XX = 5;
export const INPUT_TU_300_699 = 6;
/** Server: a retransmission of the request arrived. */
export const INPUT_REQUEST_RETRANSMISSION = 7;
/** INVITE server: an ACK matched the transaction. */
export const INPUT_ACK = 8;
export const INPUT_TRANSPORT_ERROR = 9;
export const INPUT_TIMER_A = 10;
export const INPUT_TIMER_B = 11;
export const INPUT_TIMER_D = 12;
export const INPUT_TIMER_E = 13;
export const INPUT_TIMER_F = 14;
export const INPUT_TIMER_K = 15;
export const INPUT_TIMER_G = 16;
export const INPUT_TIMER_H = 17;
export const INPUT_TIMER_I = 18;
export const INPUT_TIMER_J = 19;
export const INPUT_TIMER_L = 20;
export const INPUT_TIMER_M = 21;
/** INVITE server: 200 ms passed without a provisional from the TU (§17.2.1). */
export const INPUT_TIMER_TRYING = 22;
export const INPUT_COUNT = 23;
export const INPUT_NAMES = [
  'start', '1xx', '2xx', '300-699', 'TU 1xx', 'TU 2xx', 'TU 300-699', 'request retransmission', 'ACK',
  'transport error', 'Timer A', 'Timer B', 'Timer D', 'Timer E', 'Timer F', 'Timer K', 'Timer G',
  'Timer H', 'Timer I', 'Timer J', 'Timer L', 'Timer M', '200 ms without provisional',
] as const;

// ---- Timers (the values are their INPUT_TIMER_* inputs, so a fired timer is its own input) ----
export const TIMER_NONE = 0;
export const TIMER_A = INPUT_TIMER_A;
export const TIMER_B = INPUT_TIMER_B;
export const TIMER_D = INPUT_TIMER_D;
export const TIMER_E = INPUT_TIMER_E;
export const TIMER_F = INPUT_TIMER_F;
export const TIMER_K = INPUT_TIMER_K;
export const TIMER_G = INPUT_TIMER_G;
export const TIMER_H = INPUT_TIMER_H;
export const TIMER_I = INPUT_TIMER_I;
export const TIMER_J = INPUT_TIMER_J;
export const TIMER_L = INPUT_TIMER_L;
export const TIMER_M = INPUT_TIMER_M;
/** Not an RFC letter: the 200 ms after which §17.2.1 wants a 100 Trying (lane 0, before Timer G). */
export const TIMER_TRYING = INPUT_TIMER_TRYING;
/** §17.2.1: "...generate a 100 (Trying) response unless it knows that the TU will generate a provisional or final response within 200 ms". */
export const TRYING_DELAY_MS = 200;

/** The retransmission timer (lane 0) of each machine. */
export const RETRANSMIT_TIMER_OF: readonly number[] = [TIMER_NONE, TIMER_A, TIMER_E, TIMER_G, TIMER_NONE];

// ---- Actions (bits, executed by the engine in this order) ----
/** Disarm the retransmission timer (lane 0). */
export const ACT_STOP_RETRANSMIT = 1 << 0;
/** Disarm the lifetime timer (lane 1). */
export const ACT_STOP_LIFETIME = 1 << 1;
/** Client: pass the request to the transport (again). */
export const ACT_SEND_REQUEST = 1 << 2;
/** INVITE client: send (or resend) the ACK for the non-2xx final response (§17.1.1.3). */
export const ACT_SEND_ACK = 1 << 3;
/** Server: pass the most recent response to the transport (again); nothing if there is none yet. */
export const ACT_SEND_RESPONSE = 1 << 4;
/** Hand the current message to the TU (EVENT_RESPONSE, EVENT_REQUEST or EVENT_ACK). */
export const ACT_DELIVER = 1 << 5;
/** Tell the TU the transaction timed out (EVENT_TIMEOUT). */
export const ACT_REPORT_TIMEOUT = 1 << 6;
/** Tell the TU the transport failed (EVENT_TRANSPORT_ERROR). */
export const ACT_REPORT_TRANSPORT_ERROR = 1 << 7;
/** Arm the retransmission timer at T1 (unreliable transports only). */
export const ACT_RETRANSMIT_START = 1 << 8;
/** Re-arm the retransmission timer at twice its interval (Timer A: no cap, §17.1.1.2). */
export const ACT_RETRANSMIT_DOUBLE = 1 << 9;
/** Re-arm at min(2 × interval, T2) (Timers E and G, §17.1.2.2, §17.2.1). */
export const ACT_RETRANSMIT_DOUBLE_CAPPED = 1 << 10;
/** Re-arm at T2 (Timer E in Proceeding, §17.1.2.2). */
export const ACT_RETRANSMIT_AT_T2 = 1 << 11;
/** Arm the row's lifetime timer (lane 1); a zero duration fires it at once. */
export const ACT_START_LIFETIME = 1 << 12;
/** INVITE server: arm the 200 ms Trying timer on lane 0 (any transport). */
export const ACT_START_TRYING = 1 << 13;
/** Ask the TU for a 100 Trying (EVENT_TRYING_DUE): the engine does not write messages. */
export const ACT_REPORT_TRYING_DUE = 1 << 14;

export const ACTION_NAMES: readonly string[] = [
  'stop retransmit', 'stop lifetime', 'send request', 'send ACK', 'send response', 'deliver',
  'report timeout', 'report transport error', 'retransmit at T1', 'retransmit ×2', 'retransmit ×2 ≤ T2',
  'retransmit at T2', 'start lifetime', 'start 200 ms Trying timer', 'ask TU for 100 Trying',
];

export interface TransitionRow {
  readonly machine: number;
  readonly from: number;
  readonly input: number;
  readonly to: number;
  readonly actions: number;
  /** The lifetime timer ACT_START_LIFETIME arms. */
  readonly timer: number;
}

function row(machine: number, from: number, input: number, to: number, actions: number, timer = TIMER_NONE): TransitionRow {
  return { machine, from, input, to, actions, timer };
}

const ICT = MACHINE_ICT;
const NICT = MACHINE_NICT;
const IST = MACHINE_IST;
const NIST = MACHINE_NIST;

/** Leaving the sending states of a client transaction for good: no more retransmission. */
const CLIENT_FINAL = ACT_STOP_RETRANSMIT | ACT_DELIVER | ACT_START_LIFETIME;

export const TRANSITIONS: readonly TransitionRow[] = [
  // ---- INVITE client, §17.1.1.2, Figure 5 (+ RFC 6026 §8.4 Accepted) ----
  row(ICT, STATE_NONE, INPUT_START, STATE_CALLING, ACT_SEND_REQUEST | ACT_RETRANSMIT_START | ACT_START_LIFETIME, TIMER_B),
  row(ICT, STATE_CALLING, INPUT_TIMER_A, STATE_CALLING, ACT_SEND_REQUEST | ACT_RETRANSMIT_DOUBLE),
  row(ICT, STATE_CALLING, INPUT_TIMER_B, STATE_TERMINATED, ACT_REPORT_TIMEOUT),
  // Timer B only guards Calling: once a provisional arrived the INVITE may ring for as long as the
  // TU lets it (the TU CANCELs); hence both timers stop.
  row(ICT, STATE_CALLING, INPUT_RESPONSE_1XX, STATE_PROCEEDING, ACT_STOP_RETRANSMIT | ACT_STOP_LIFETIME | ACT_DELIVER),
  row(ICT, STATE_PROCEEDING, INPUT_RESPONSE_1XX, STATE_PROCEEDING, ACT_DELIVER),
  row(ICT, STATE_CALLING, INPUT_RESPONSE_300_699, STATE_COMPLETED, CLIENT_FINAL | ACT_SEND_ACK, TIMER_D),
  row(ICT, STATE_PROCEEDING, INPUT_RESPONSE_300_699, STATE_COMPLETED, CLIENT_FINAL | ACT_SEND_ACK, TIMER_D),
  row(ICT, STATE_CALLING, INPUT_RESPONSE_2XX, STATE_ACCEPTED, CLIENT_FINAL, TIMER_M),
  row(ICT, STATE_PROCEEDING, INPUT_RESPONSE_2XX, STATE_ACCEPTED, CLIENT_FINAL, TIMER_M),
  row(ICT, STATE_CALLING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(ICT, STATE_PROCEEDING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  // Completed: every retransmission of the final response is ACKed again, none reaches the TU.
  row(ICT, STATE_COMPLETED, INPUT_RESPONSE_300_699, STATE_COMPLETED, ACT_SEND_ACK),
  row(ICT, STATE_COMPLETED, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(ICT, STATE_COMPLETED, INPUT_TIMER_D, STATE_TERMINATED, 0),
  // Accepted (RFC 6026 §8.4): retransmitted 2xx go to the TU, which ACKs them (§13.2.2.4).
  row(ICT, STATE_ACCEPTED, INPUT_RESPONSE_2XX, STATE_ACCEPTED, ACT_DELIVER),
  row(ICT, STATE_ACCEPTED, INPUT_TIMER_M, STATE_TERMINATED, 0),

  // ---- Non-INVITE client, §17.1.2.2, Figure 6 ----
  row(NICT, STATE_NONE, INPUT_START, STATE_TRYING, ACT_SEND_REQUEST | ACT_RETRANSMIT_START | ACT_START_LIFETIME, TIMER_F),
  row(NICT, STATE_TRYING, INPUT_TIMER_E, STATE_TRYING, ACT_SEND_REQUEST | ACT_RETRANSMIT_DOUBLE_CAPPED),
  row(NICT, STATE_PROCEEDING, INPUT_TIMER_E, STATE_PROCEEDING, ACT_SEND_REQUEST | ACT_RETRANSMIT_AT_T2),
  row(NICT, STATE_TRYING, INPUT_TIMER_F, STATE_TERMINATED, ACT_REPORT_TIMEOUT),
  row(NICT, STATE_PROCEEDING, INPUT_TIMER_F, STATE_TERMINATED, ACT_REPORT_TIMEOUT),
  row(NICT, STATE_TRYING, INPUT_RESPONSE_1XX, STATE_PROCEEDING, ACT_DELIVER),
  row(NICT, STATE_PROCEEDING, INPUT_RESPONSE_1XX, STATE_PROCEEDING, ACT_DELIVER),
  row(NICT, STATE_TRYING, INPUT_RESPONSE_2XX, STATE_COMPLETED, CLIENT_FINAL, TIMER_K),
  row(NICT, STATE_TRYING, INPUT_RESPONSE_300_699, STATE_COMPLETED, CLIENT_FINAL, TIMER_K),
  row(NICT, STATE_PROCEEDING, INPUT_RESPONSE_2XX, STATE_COMPLETED, CLIENT_FINAL, TIMER_K),
  row(NICT, STATE_PROCEEDING, INPUT_RESPONSE_300_699, STATE_COMPLETED, CLIENT_FINAL, TIMER_K),
  row(NICT, STATE_TRYING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(NICT, STATE_PROCEEDING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(NICT, STATE_COMPLETED, INPUT_TIMER_K, STATE_TERMINATED, 0),

  // ---- INVITE server, §17.2.1, Figure 7 (+ RFC 6026 §7.1 Accepted) ----
  row(IST, STATE_NONE, INPUT_START, STATE_PROCEEDING, ACT_DELIVER | ACT_START_TRYING),
  row(IST, STATE_PROCEEDING, INPUT_TIMER_TRYING, STATE_PROCEEDING, ACT_REPORT_TRYING_DUE),
  // A retransmitted INVITE gets the most recent provisional response again (if any).
  row(IST, STATE_PROCEEDING, INPUT_REQUEST_RETRANSMISSION, STATE_PROCEEDING, ACT_SEND_RESPONSE),
  row(IST, STATE_PROCEEDING, INPUT_TU_1XX, STATE_PROCEEDING, ACT_STOP_RETRANSMIT | ACT_SEND_RESPONSE),
  row(IST, STATE_PROCEEDING, INPUT_TU_2XX, STATE_ACCEPTED, ACT_STOP_RETRANSMIT | ACT_SEND_RESPONSE | ACT_START_LIFETIME, TIMER_L),
  row(IST, STATE_PROCEEDING, INPUT_TU_300_699, STATE_COMPLETED, ACT_STOP_RETRANSMIT | ACT_SEND_RESPONSE | ACT_RETRANSMIT_START | ACT_START_LIFETIME, TIMER_H),
  row(IST, STATE_PROCEEDING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(IST, STATE_COMPLETED, INPUT_REQUEST_RETRANSMISSION, STATE_COMPLETED, ACT_SEND_RESPONSE),
  row(IST, STATE_COMPLETED, INPUT_TIMER_G, STATE_COMPLETED, ACT_SEND_RESPONSE | ACT_RETRANSMIT_DOUBLE_CAPPED),
  row(IST, STATE_COMPLETED, INPUT_ACK, STATE_CONFIRMED, ACT_STOP_RETRANSMIT | ACT_START_LIFETIME, TIMER_I),
  row(IST, STATE_COMPLETED, INPUT_TIMER_H, STATE_TERMINATED, ACT_STOP_RETRANSMIT | ACT_REPORT_TIMEOUT),
  row(IST, STATE_COMPLETED, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(IST, STATE_CONFIRMED, INPUT_TIMER_I, STATE_TERMINATED, 0),
  // Accepted (RFC 6026 §7.1): retransmitted INVITEs are absorbed (no row), further 2xx from the
  // TU pass through, a matching ACK goes to the TU.
  row(IST, STATE_ACCEPTED, INPUT_TU_2XX, STATE_ACCEPTED, ACT_SEND_RESPONSE),
  row(IST, STATE_ACCEPTED, INPUT_ACK, STATE_ACCEPTED, ACT_DELIVER),
  row(IST, STATE_ACCEPTED, INPUT_TIMER_L, STATE_TERMINATED, 0),

  // ---- Non-INVITE server, §17.2.2, Figure 8 ----
  row(NIST, STATE_NONE, INPUT_START, STATE_TRYING, ACT_DELIVER),
  // Trying: a retransmitted request is discarded (no row).
  row(NIST, STATE_TRYING, INPUT_TU_1XX, STATE_PROCEEDING, ACT_SEND_RESPONSE),
  row(NIST, STATE_TRYING, INPUT_TU_2XX, STATE_COMPLETED, ACT_SEND_RESPONSE | ACT_START_LIFETIME, TIMER_J),
  row(NIST, STATE_TRYING, INPUT_TU_300_699, STATE_COMPLETED, ACT_SEND_RESPONSE | ACT_START_LIFETIME, TIMER_J),
  // Trying has no timer: a request the TU gives up on (unanswerable, or its flow closed) must end
  // here, or its slot is held forever and enough of them deafen the phone.
  row(NIST, STATE_TRYING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(NIST, STATE_PROCEEDING, INPUT_TU_1XX, STATE_PROCEEDING, ACT_SEND_RESPONSE),
  row(NIST, STATE_PROCEEDING, INPUT_TU_2XX, STATE_COMPLETED, ACT_SEND_RESPONSE | ACT_START_LIFETIME, TIMER_J),
  row(NIST, STATE_PROCEEDING, INPUT_TU_300_699, STATE_COMPLETED, ACT_SEND_RESPONSE | ACT_START_LIFETIME, TIMER_J),
  row(NIST, STATE_PROCEEDING, INPUT_REQUEST_RETRANSMISSION, STATE_PROCEEDING, ACT_SEND_RESPONSE),
  row(NIST, STATE_PROCEEDING, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(NIST, STATE_COMPLETED, INPUT_REQUEST_RETRANSMISSION, STATE_COMPLETED, ACT_SEND_RESPONSE),
  row(NIST, STATE_COMPLETED, INPUT_TRANSPORT_ERROR, STATE_TERMINATED, ACT_REPORT_TRANSPORT_ERROR),
  row(NIST, STATE_COMPLETED, INPUT_TIMER_J, STATE_TERMINATED, 0),
];

/**
 * TRANSITIONS compiled into a flat lookup: index (machine, state, input) → row index + 1
 * (0 = no row). Built once at module load; the only allocation of this module.
 */
export const TRANSITION_INDEX: Int16Array = (() => {
  const index = new Int16Array(MACHINE_COUNT * STATE_COUNT * INPUT_COUNT);
  for (let i = 0; i < TRANSITIONS.length; i++) {
    const r = TRANSITIONS[i]!;
    const at = (r.machine * STATE_COUNT + r.from) * INPUT_COUNT + r.input;
    if (index[at] !== 0) throw new Error(`duplicate transition row ${MACHINE_NAMES[r.machine]} ${STATE_NAMES[r.from]} ${INPUT_NAMES[r.input]}`);
    index[at] = i + 1;
  }
  return index;
})();

/** The row for (machine, state, input), or undefined when there is none. */
export function findTransition(machine: number, state: number, input: number): TransitionRow | undefined {
  const at = TRANSITION_INDEX[(machine * STATE_COUNT + state) * INPUT_COUNT + input]!;
  return at === 0 ? undefined : TRANSITIONS[at - 1];
}

/** A Mermaid state diagram of one machine, generated from the table (for docs and reviews). */
export function transitionDiagram(machine: number): string {
  const lines = ['stateDiagram-v2'];
  for (const r of TRANSITIONS) {
    if (r.machine !== machine) continue;
    const from = r.from === STATE_NONE ? '[*]' : STATE_NAMES[r.from];
    const to = r.to === STATE_TERMINATED ? '[*]' : STATE_NAMES[r.to];
    const acts: string[] = [];
    for (let bit = 0; bit < ACTION_NAMES.length; bit++) {
      if (r.actions & (1 << bit)) acts.push((1 << bit) === ACT_START_LIFETIME ? `start ${INPUT_NAMES[r.timer]}` : ACTION_NAMES[bit]!);
    }
    lines.push(`  ${from} --> ${to}: ${INPUT_NAMES[r.input]}${acts.length ? ' / ' + acts.join(', ') : ''}`);
  }
  return lines.join('\n');
}
