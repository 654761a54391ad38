// Presence state per subscription, kept by the UA itself (ua.trackPresence): each PIDF NOTIFY
// (RFC 3856) is read in place from the receive buffer, composed into one display state
// (pidf-effective.ts: Unknown is not Offline) and compared with what the subscription showed
// before. Only a real change is reported, so the application redraws a lamp or a line only when
// something it shows moved, and a NOTIFY that repeats the state costs a parse and nothing else.
//
// Why the UA and not the application: the older path (a `notify` event carrying a copy of the
// body, read by the application's BuddyTable) allocates the body copy, the Content-Type string
// and the event on every NOTIFY. Here the document is read straight from the parsed message into
// one preallocated PidfDocument, and every state lives in a slot sized at start-up: a presence
// NOTIFY allocates nothing, whether the state changed or not (bench/presence.ts measures it).
//
// Time: the UA's `now` is a monotonic clock, RPID from/until (RFC 4480 §3.1) are wall-clock
// instants. `wallClockOffsetMs` (epoch ms − now) lets them count; while it is NaN they are ignored.
import { PidfReader } from './documents/pidf-reader.js';
import { DEFAULT_PIDF_LIMITS, type PidfLimits } from './documents/pidf-model.js';
import { EffectivePresence, PresenceDisplay, composeEffectivePresence } from './documents/pidf-effective.js';
import { NO_VALUE } from './documents/rpid-vocabulary.js';
import { ContentTypeValue, decodeContentType } from '../sip/decode/content-type.js';
import { ByteSlot } from './rls/byte-slot.js';

export const PresenceApply = {
  /** The display state, activities, mood, note or until changed (version bumped). */
  Changed: 0,
  /** A readable PIDF that says what the subscription already showed. */
  Unchanged: 1,
  /** Empty body (RFC 6665 §4.1.3: optional; the state stays what it was). */
  NoBody: 2,
  /** Not application/pidf+xml: the UA hands such a body to the application as a `notify` event. */
  WrongType: 3,
  /** A PIDF that could not be read (lastBodyError); the state stays what it was. */
  BadBody: 4,
  /** Every slot is taken (limits.maxStates). */
  NoRoom: 5,
} as const;
export type PresenceApply = typeof PresenceApply[keyof typeof PresenceApply];

export interface PresenceStatesLimits {
  /** Subscriptions whose state is kept (the UA's capacities.maxSubscriptions is enough). */
  readonly maxStates: number;
  /** Bytes of the note kept per subscription (longer notes are truncated, `note.truncated`). */
  readonly noteBytes?: number;
  readonly pidf?: PidfLimits;
}

/** What one subscription shows. Read it; the UA writes it. */
export class PresenceState {
  subscriptionId = -1;
  display: PresenceDisplay = PresenceDisplay.Unknown;
  /** RPID activities that count now, as a bit mask over ACTIVITY_NAMES (activityNames() for text). */
  activities = 0;
  /** RPID mood of the person: index into MOOD_NAMES, or NO_VALUE. */
  mood = NO_VALUE;
  /** The note to show (person's, else the best open tuple's, else the document's), UTF-8. */
  readonly note: ByteSlot;
  /** When the deciding activity ends (RPID until, epoch ms), NaN when it does not. */
  untilMs = NaN;
  /** What the display becomes once `untilMs` passes (computed while the document was at hand). */
  displayAfterUntil: PresenceDisplay = PresenceDisplay.Unknown;
  /** Grows by one on every change. */
  version = 0;
  /** `now` of the last change. */
  updatedAt = NaN;
  private noteCache: string | null = null;

  constructor(noteBytes: number) {
    this.note = new ByteSlot(noteBytes);
  }

  /** The note as text (allocates once per change; for the display, not for comparing). */
  noteText(): string {
    if (this.noteCache === null) this.noteCache = this.note.text();
    return this.noteCache;
  }

  /** @internal */
  reset(id: number): void {
    this.subscriptionId = id;
    this.display = PresenceDisplay.Unknown;
    this.activities = 0;
    this.mood = NO_VALUE;
    this.note.clear();
    this.untilMs = NaN;
    this.displayAfterUntil = PresenceDisplay.Unknown;
    this.version = 0;
    this.updatedAt = NaN;
    this.noteCache = null;
  }

  /** @internal */
  changed(now: number): void {
    this.version++;
    this.updatedAt = now;
    this.noteCache = null;
  }
}

const PIDF_SUBTYPE = 'pidf+xml';
const DEFAULT_NOTE_BYTES = 96;

export class PresenceStates {
  readonly states: readonly PresenceState[];
  /** Epoch ms − the UA's `now`; NaN (default): RPID from/until are not evaluated. */
  wallClockOffsetMs = NaN;
  /** Preferred note language (null: the note without xml:lang, else the first). */
  lang: Uint8Array | null = null;
  /** PresenceDocError of the last unreadable body. */
  lastBodyError = 0;
  private readonly ids: Int32Array;
  /** Subscription id → slot: a NOTIFY finds its state without a scan over all of them. */
  private readonly slots = new Map<number, number>();
  /** Earliest RPID until of all states (wall ms, Infinity: none), recomputed only after an until changed. */
  private earliestUntil = Number.POSITIVE_INFINITY;
  private untilsChanged = false;
  private readonly pidf: PidfReader;
  private readonly effective = new EffectivePresence();
  private readonly contentType = new ContentTypeValue();

  constructor(limits: PresenceStatesLimits) {
    const noteBytes = limits.noteBytes ?? DEFAULT_NOTE_BYTES;
    this.states = Array.from({ length: limits.maxStates }, () => new PresenceState(noteBytes));
    this.ids = new Int32Array(limits.maxStates).fill(-1);
    this.pidf = new PidfReader(limits.pidf ?? DEFAULT_PIDF_LIMITS);
    // The document is only composed here: ids, contacts, timestamps and CIPID text are not copied.
    this.pidf.composeOnly = true;
  }

  /** The state of subscription `id`, or undefined before its first PIDF. */
  get(id: number): PresenceState | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.states[slot];
  }

  /**
   * A presence NOTIFY of subscription `id`: its Content-Type value and body, both spans of the
   * receive buffer. Reads the PIDF and composes the state (no allocation).
   */
  apply(id: number, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number, now: number): PresenceApply {
    const ct = this.contentType;
    if (typeOff < 0 || decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0 || !ct.is(typeBuf, 'application', PIDF_SUBTYPE)) return PresenceApply.WrongType;
    if (bodyEnd <= bodyOff) return PresenceApply.NoBody;
    let slot = this.slotOf(id);
    if (slot < 0) {
      slot = this.freeSlot();
      if (slot < 0) return PresenceApply.NoRoom;
      this.ids[slot] = id;
      this.slots.set(id, slot);
      this.states[slot]!.reset(id);
    }
    const code = this.pidf.read(body, bodyOff, bodyEnd);
    if (code !== 0) { this.lastBodyError = code; return PresenceApply.BadBody; }
    const doc = this.pidf.document;
    // NaN as a literal when there is no wall clock: a computed NaN passed on would be boxed.
    const offset = this.wallClockOffsetMs;
    const wallNow = offset === offset ? now + offset : NaN;
    const eff = composeEffectivePresence(doc, wallNow, this.lang, this.effective);
    const display = eff.state;
    const activities = eff.activities;
    const untilMs = eff.untilMs;
    const mood = doc.hasPerson ? doc.person.mood : NO_VALUE;
    const noteStart = eff.note >= 0 ? doc.notes[eff.note]!.text.start : 0;
    const noteEnd = eff.note >= 0 ? doc.notes[eff.note]!.text.end : 0;
    // RFC 4480 §3.1: what shows once the deciding activity's until passes; the document is gone by then.
    const after = untilMs === untilMs ? composeEffectivePresence(doc, untilMs, this.lang, this.effective).state : display;
    const s = this.states[slot]!;
    if (s.version > 0 && s.display === display && s.activities === activities && s.mood === mood && sameTime(s.untilMs, untilMs)
      && s.displayAfterUntil === after && s.note.equals(doc.pool.bytes, noteStart, noteEnd)) {
      return PresenceApply.Unchanged;
    }
    s.display = display;
    s.activities = activities;
    s.mood = mood;
    if (s.untilMs === s.untilMs || untilMs === untilMs) this.untilsChanged = true;
    s.untilMs = untilMs;
    s.displayAfterUntil = after;
    s.note.copy(doc.pool.bytes, noteStart, noteEnd);
    s.changed(now);
    return PresenceApply.Changed;
  }

  /** The subscription stopped delivering (failed, ended, backing off): Unknown, never Offline. True when that changed it. */
  forget(id: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const s = this.states[slot]!;
    if (s.display === PresenceDisplay.Unknown && s.activities === 0 && s.note.isEmpty && s.untilMs !== s.untilMs) return false;
    s.display = PresenceDisplay.Unknown;
    s.activities = 0;
    s.mood = NO_VALUE;
    s.note.clear();
    if (s.untilMs === s.untilMs) this.untilsChanged = true;
    s.untilMs = NaN;
    s.displayAfterUntil = PresenceDisplay.Unknown;
    s.changed(now);
    return true;
  }

  /** The subscription is gone: its slot is free again. */
  release(id: number): void {
    const slot = this.slotOf(id);
    if (slot >= 0) { this.ids[slot] = -1; this.slots.delete(id); this.states[slot]!.reset(-1); this.untilsChanged = true; }
  }

  /** RPID until passed for subscription `id` (UA timer): the display falls back; true when it changed. */
  expire(id: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const s = this.states[slot]!;
    if (s.untilMs !== s.untilMs || now + this.wallClockOffsetMs < s.untilMs) return false;
    s.untilMs = NaN;
    this.untilsChanged = true;
    if (s.display === s.displayAfterUntil) return false;
    s.display = s.displayAfterUntil;
    s.changed(now);
    return true;
  }

  /** The earliest pending RPID until on the UA's clock, Infinity when none (or no wall clock). */
  nextDeadline(): number {
    const offset = this.wallClockOffsetMs;
    if (offset !== offset) return Infinity;
    // The UA asks after every message: scan the states only when an until changed since.
    if (this.untilsChanged) {
      this.untilsChanged = false;
      let next = Infinity;
      for (let i = 0, n = this.states.length; i < n; i++) {
        const s = this.states[i]!;
        if (this.ids[i]! >= 0 && s.untilMs === s.untilMs && s.untilMs < next) next = s.untilMs;
      }
      this.earliestUntil = next;
    }
    return this.earliestUntil - offset;
  }

  private slotOf(id: number): number {
    return this.slots.get(id) ?? -1;
  }

  private freeSlot(): number {
    const ids = this.ids;
    for (let i = 0, n = ids.length; i < n; i++) if (ids[i] === -1) return i;
    return -1;
  }
}

function sameTime(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
