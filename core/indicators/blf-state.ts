// RFC 4235 dialog state (+ direction, + the hold hint) → the BLF key state the lamps show.
//
// RFC 4235 §3.7.1: dialog states are Trying, Proceeding, Early, Confirmed, Terminated; the
// `direction` attribute is "initiator" or "recipient". Desk phones split `early` by direction
// (recipient = the monitored user is ringing, initiator = dialling out; see the vendor table in
// the device notes §1.2), and treat "held" as confirmed + `+sip.rendering="no"` (RFC 3840 §10.1),
// which is a server-side hint, not an RFC 4235 state.

import type { BlfState } from './input.js';

export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';
export type DialogDirection = 'initiator' | 'recipient' | 'unspecified';

/** [dialog state][direction] → key state, for a dialog that is not on hold. */
const DIALOG_TO_BLF: Readonly<Record<DialogState, Readonly<Record<DialogDirection, BlfState>>>> = {
  trying:     { initiator: 'dialling', recipient: 'ringing', unspecified: 'dialling' },
  proceeding: { initiator: 'dialling', recipient: 'ringing', unspecified: 'dialling' },
  early:      { initiator: 'dialling', recipient: 'ringing', unspecified: 'ringing' },
  confirmed:  { initiator: 'talking',  recipient: 'talking', unspecified: 'talking' },
  terminated: { initiator: 'idle',     recipient: 'idle',    unspecified: 'idle' },
};

/**
 * Urgency when one key watches several dialogs (RFC 4235 allows many `<dialog>` elements):
 * the most urgent wins, so a second line ringing shows even while the user talks on the first.
 */
const URGENCY: Readonly<Record<BlfState, number>> = {
  unknown: 0, idle: 1, parked: 2, held: 3, talking: 4, dialling: 5, ringing: 6,
};

export function blfStateOfDialog(state: DialogState, direction: DialogDirection, held: boolean): BlfState {
  const mapped = DIALOG_TO_BLF[state][direction];
  return held && mapped === 'talking' ? 'held' : mapped;
}

/** Combine the states of all dialogs a key watches; an empty list (empty dialog-info) is idle. */
export function mostUrgentBlfState(states: readonly BlfState[]): BlfState {
  let best: BlfState = 'idle';
  for (let i = 0, n = states.length; i < n; i++) {
    const s = states[i]!;
    if (s !== 'unknown' && URGENCY[s] > URGENCY[best]) best = s;
  }
  return best;
}
