// One display state composed from a whole PIDF document, for a phone's lamp and status line.
// Why composition is needed: a PIDF has several tuples (one per device/service) plus a <person>;
// "open" on the IM tuple says nothing about whether the person is on the phone. Rules:
//   - no tuple and no person                                   → Unknown
//   - tuples exist and every <basic> is closed                 → Offline (closed everywhere)
//   - otherwise the first activity in ACTIVITY_PRECEDENCE that holds (person's RPID activities
//     inside their from/until window, plus legacy activities / <im:im> on open tuples) wins,
//     even over an open tuple (RFC 4480 §3.2: activities describe the person)
//   - otherwise an open tuple                                  → Available
//   - otherwise                                                → Unknown
import { Basic, NOTE_OF_DOCUMENT, NOTE_OF_PERSON, type PidfDocument, type PresenceHolder } from './pidf-model.js';
import { ACTIVITY_NAMES, activityCode, NO_VALUE, type ActivityName } from './rpid-vocabulary.js';

export const PresenceDisplay = {
  Unknown: 0, Offline: 1, Available: 2, Away: 3, Busy: 4, OnThePhone: 5, InMeeting: 6,
} as const;
export type PresenceDisplay = typeof PresenceDisplay[keyof typeof PresenceDisplay];

/** Activity → display state, strongest first. Activities not listed do not change the state. */
export const ACTIVITY_PRECEDENCE: ReadonlyArray<readonly [ActivityName, PresenceDisplay]> = [
  ['on-the-phone', PresenceDisplay.OnThePhone],
  ['busy', PresenceDisplay.Busy],
  ['meeting', PresenceDisplay.InMeeting],
  ['presentation', PresenceDisplay.InMeeting],
  ['appointment', PresenceDisplay.InMeeting],
  ['performance', PresenceDisplay.Busy],
  ['steering', PresenceDisplay.Busy],
  ['vacation', PresenceDisplay.Away],
  ['holiday', PresenceDisplay.Away],
  ['permanent-absence', PresenceDisplay.Away],
  ['travel', PresenceDisplay.Away],
  ['in-transit', PresenceDisplay.Away],
  ['sleeping', PresenceDisplay.Away],
  ['meal', PresenceDisplay.Away],
  ['breakfast', PresenceDisplay.Away],
  ['dinner', PresenceDisplay.Away],
  ['away', PresenceDisplay.Away],
];
const PRECEDENCE_BITS = ACTIVITY_PRECEDENCE.map(([name]) => 1 << ACTIVITY_NAMES.indexOf(name));
const PRECEDENCE_STATES = ACTIVITY_PRECEDENCE.map(([, state]) => state);

/** The strongest activity of `activities` in ACTIVITY_PRECEDENCE, as its bit; 0 when none of them changes the state. */
export function decidingActivityBit(activities: number): number {
  if (activities === 0) return 0;
  const count = PRECEDENCE_BITS.length;
  for (let p = 0; p < count; p++) if (activities & PRECEDENCE_BITS[p]!) return PRECEDENCE_BITS[p]!;
  return 0;
}

/** The display state the strongest activity of `activities` sets (ACTIVITY_PRECEDENCE); Unknown when none does. */
export function activityDisplay(activities: number): PresenceDisplay {
  if (activities === 0) return PresenceDisplay.Unknown;
  const count = PRECEDENCE_BITS.length;
  for (let p = 0; p < count; p++) if (activities & PRECEDENCE_BITS[p]!) return PRECEDENCE_STATES[p]!;
  return PresenceDisplay.Unknown;
}

export class EffectivePresence {
  state: PresenceDisplay = PresenceDisplay.Unknown;
  /** The activity mask that counted (after the from/until window). */
  activities = 0;
  /** Index into document.notes of the note to show, or -1. */
  note = -1;
  /** When the deciding person activity ends (RPID until), epoch ms, or NaN. */
  untilMs = NaN;
  /** The open tuple with the highest priority (its contact is the one to use), or -1. */
  bestTuple = -1;
}

function activeActivities(holder: PresenceHolder, now: number): number {
  if (holder.activities === 0) return 0;
  // RFC 4480 §3.1: from/until bound the validity of the element.
  if (now === now) {
    if (holder.activitiesUntilMs === holder.activitiesUntilMs && now >= holder.activitiesUntilMs) return 0;
    if (holder.activitiesFromMs === holder.activitiesFromMs && now < holder.activitiesFromMs) return 0;
  }
  return holder.activities;
}

/**
 * Composes doc into out (no allocation). `now` is epoch ms (NaN: ignore from/until);
 * `lang` picks the note language (null: the note without xml:lang, else the first).
 */
export function composeEffectivePresence(doc: PidfDocument, now: number, lang: Uint8Array | null, out: EffectivePresence): EffectivePresence {
  out.state = PresenceDisplay.Unknown;
  out.activities = 0;
  out.note = -1;
  out.untilMs = NaN;
  out.bestTuple = -1;
  const tupleCount = doc.tupleCount;
  if (tupleCount === 0 && !doc.hasPerson) return out;

  let open = 0;
  let closed = 0;
  let bestPriority = -2;
  let activities = doc.hasPerson ? activeActivities(doc.person, now) : 0;
  for (let i = 0; i < tupleCount; i++) {
    const tuple = doc.tuples[i]!;
    if (tuple.basic === Basic.Closed) { closed++; continue; }
    if (tuple.basic !== Basic.Open) continue;
    open++;
    activities |= activeActivities(tuple, now);
    if (!tuple.imStatus.isEmpty) {
      const code = activityCode(doc.pool.bytes, tuple.imStatus.start, tuple.imStatus.end);
      if (code !== NO_VALUE) activities |= 1 << code;
    }
    if (tuple.priority > bestPriority) { bestPriority = tuple.priority; out.bestTuple = i; }
  }
  out.activities = activities;

  if (tupleCount > 0 && closed === tupleCount) {
    out.state = PresenceDisplay.Offline;
  } else {
    out.state = activityDisplay(activities);
    if (out.state === PresenceDisplay.Unknown && open > 0) out.state = PresenceDisplay.Available;
    if (doc.hasPerson && (doc.person.activities & activities) !== 0) out.untilMs = doc.person.activitiesUntilMs;
  }

  // The note to show: the person's, else the best open tuple's, else the document's.
  out.note = doc.hasPerson ? doc.noteFor(NOTE_OF_PERSON, lang) : -1;
  if (out.note < 0 && out.bestTuple >= 0) out.note = doc.noteFor(out.bestTuple, lang);
  if (out.note < 0) out.note = doc.noteFor(NOTE_OF_DOCUMENT, lang);
  if (out.note < 0) {
    for (let i = 0; i < tupleCount && out.note < 0; i++) out.note = doc.noteFor(i, lang);
  }
  return out;
}
