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
// Forks (RFC 6665 §4.1.2.4): a SUBSCRIBE to an AOR that a proxy forks to the desk phone and the
// soft phone of one person is answered by each device from its own dialog, each with its own
// PIDF. Each source (the first dialog = fork 0, then the UA's fork indexes 1, 2, …) keeps what its
// last document said, in slots preallocated per subscription (sourcesPerState); the subscription
// shows the composition of its live sources, recomputed when one of them speaks or goes away.
// The composition rule treats the sources' documents as one presentity's document (RFC 3863 §2.2 /
// RFC 4479 §3: one presentity, several devices/services; the watcher composes them) and applies
// the same rule as pidf-effective.ts to the union:
//   - RPID activities of all sources are OR-ed (RFC 4480 §3.2: they describe the person, not the
//     device), so on-the-phone on the soft phone beats open on the desk phone: the person is busy;
//   - Offline only when every tuple of every source is closed; an open tuple anywhere → Available;
//   - no tuple and no person anywhere → Unknown.
// Note and mood come from the deciding source (the one holding the winning activity, else an open
// tuple, else any tuple), ties broken by the lowest fork index; if it has none, the first source
// (lowest fork index) that has one. A source with an unreadable PIDF keeps its last contribution.
// One source composes exactly as pidf-effective.ts composes its document.
//
// Partial presence (RFC 5263, format RFC 5262), opt-in with limits.partialDocumentBytes: a
// NOTIFY may carry application/pidf-diff+xml, either full state (<pidf-full>) or the changes since
// the previous version (<pidf-diff>, RFC 5261 patch operations). Each source keeps the PIDF its
// last full state or diff produced, as bytes in a slot preallocated per (subscription, source);
// a diff is applied to those bytes (partial/xml-patch.ts, no tree) and the result is read by the
// same PIDF reader and composed by the same rule as a plain PIDF. A diff that is not exactly one
// version above the kept document, or that cannot be applied, changes nothing and answers
// NeedFullState: the UA then refreshes the subscription, whose NOTIFY carries full state
// (RFC 5263: the first NOTIFY and the one after each refresh are full state; a watcher that lost
// track gets it back by refreshing). A document that outgrows its slot answers TooLarge (a
// refresh would not help: the UA warns, raise partialDocumentBytes).
//
// Time: the UA's `now` is a monotonic clock, RPID from/until (RFC 4480 §3.1) are wall-clock
// instants. `wallClockOffsetMs` (epoch ms − now) lets them count; while it is NaN they are ignored.
import { PidfReader } from './documents/pidf-reader.js';
import type { XmlScratch } from '../xml/scratch.js';
import { DEFAULT_PIDF_LIMITS, type PidfLimits } from './documents/pidf-model.js';
import { EffectivePresence, PresenceDisplay, activityDisplay, composeEffectivePresence, decidingActivityBit } from './documents/pidf-effective.js';
import { Basic } from './documents/pidf-model.js';
import { NO_VALUE } from './documents/rpid-vocabulary.js';
import { ContentTypeValue, decodeContentType } from '../sip/decode/content-type.js';
import { ByteSlot } from './rls/byte-slot.js';
import { PartialError, PartialKind, type PartialPidf } from './partial/partial-pidf.js';

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
  /** Every slot is taken (limits.maxStates), or every source slot of the subscription (limits.sourcesPerState). */
  NoRoom: 5,
  /**
   * application/pidf-diff+xml that cannot be applied (version gap, no full state kept, a patch
   * that fails or leaves no readable PIDF: lastPartialError): the state is unchanged and the
   * subscription must be refreshed for full state (RFC 5263).
   */
  NeedFullState: 6,
  /** Partial PIDF: the document does not fit limits.partialDocumentBytes; the state is unchanged. */
  TooLarge: 7,
} as const;
export type PresenceApply = typeof PresenceApply[keyof typeof PresenceApply];

/** Makes the partial-PIDF reader/patcher for documents of up to `documentBytes` (partial/partial-pidf.ts partialPidfModule). */
export type PartialPidfModule = (documentBytes: number) => PartialPidf;

export interface PresenceStatesLimits {
  /** Subscriptions whose state is kept (the UA's capacities.maxSubscriptions is enough). */
  readonly maxStates: number;
  /** Bytes of the note kept per subscription and per source (longer notes are truncated, `note.truncated`). */
  readonly noteBytes?: number;
  /**
   * Dialogs whose PIDF is kept per subscription: the first one plus its forks (RFC 6665 §4.1.2.4).
   * Default DEFAULT_SOURCES_PER_STATE = 1 + MAX_EXTRA_FORKS (core/ua/subscription-forks.ts).
   */
  readonly sourcesPerState?: number;
  readonly pidf?: PidfLimits;
  /**
   * Partial PIDF (RFC 5262/5263): bytes of the PIDF document kept per subscription and source, to
   * apply the next diff to. 0 (default): off, application/pidf-diff+xml is not read (WrongType)
   * and the UA does not ask for it. Memory: maxStates × sourcesPerState × this, plus two work
   * buffers of this size. A presence document of a few tuples is 1–2 KiB.
   */
  readonly partialDocumentBytes?: number;
  /**
   * The partial-PIDF reader and patcher, required when partialDocumentBytes > 0:
   * `partialPidfModule` from core/presence/partial. Passed in rather than imported so that a
   * phone which never takes partial PIDF carries none of its code (~40 KiB of QuickJS heap).
   */
  readonly partialPidf?: PartialPidfModule;
  /**
   * XML stacks and text shared with the application's other readers (core/xml/scratch.ts, sized
   * with pidfScratchSize): a NOTIFY's PIDF is read and composed within apply(), nothing read is
   * kept past it.
   */
  readonly scratch?: XmlScratch;
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
const PIDF_DIFF_SUBTYPE = 'pidf-diff+xml';
/** What a source's kept partial-PIDF document is. */
const enum DocState { None = 0, Kept = 1, TooLarge = 2 }
/** partialDocument(): the document to read is the partial result. */
const READ_RESULT = -1;
/** xs:unsignedInt wraps (RFC 5262 §3.1's version type). */
const VERSION_MODULUS = 4294967296;
const DEFAULT_NOTE_BYTES = 96;
/**
 * 1 + MAX_EXTRA_FORKS of core/ua/subscription-forks.ts: the UA never holds more dialogs per
 * subscription (not imported: the presence layer does not pull in the dialog layer; the fork
 * tests check the two agree).
 */
export const DEFAULT_SOURCES_PER_STATE = 4;

export class PresenceStates {
  readonly states: readonly PresenceState[];
  /** Epoch ms − the UA's `now`; NaN (default): RPID from/until are not evaluated. */
  wallClockOffsetMs = NaN;
  /** Preferred note language (null: the note without xml:lang, else the first). */
  lang: Uint8Array | null = null;
  /** PresenceDocError of the last unreadable body. */
  lastBodyError = 0;
  /** PartialError (partial/partial-pidf.ts) of the last pidf-diff+xml body that was not applied. */
  lastPartialError = 0;
  /** PatchError (partial/xml-patch.ts) when lastPartialError is PartialError.Patch. */
  lastPatchError = 0;
  /** Sources kept per subscription (its first dialog and its forks). */
  readonly sourcesPerState: number;
  private readonly ids: Int32Array;
  // What each source's last readable PIDF said, at [slot * sourcesPerState + k].
  /** Fork index of the source (0: the first dialog), -1: free. */
  private readonly srcFork: Int32Array;
  /** Activities that count (composeEffectivePresence), and what remains once srcUntil passes. */
  private readonly srcActivities: Int32Array;
  private readonly srcActivitiesAfter: Int32Array;
  /** RPID until of the source's person activities (wall ms), NaN: none. */
  private readonly srcUntil: Float64Array;
  private readonly srcTuples: Int32Array;
  private readonly srcOpen: Int32Array;
  private readonly srcClosed: Int32Array;
  private readonly srcPerson: Uint8Array;
  private readonly srcMood: Int32Array;
  /**
   * Each source's note: bytes [k * noteBytes, + srcNoteLength[k]) of one arena (no object per
   * source: in QuickJS every typed-array view costs ~100 bytes), truncated like a ByteSlot.
   */
  private readonly srcNoteBytes: Uint8Array;
  private readonly srcNoteLength: Int32Array;
  private readonly srcNoteTruncated: Uint8Array;
  private readonly noteBytes: number;
  /** Subscription id → slot: a NOTIFY finds its state without a scan over all of them. */
  private readonly slots = new Map<number, number>();
  /** Earliest RPID until of all states (wall ms, Infinity: none), recomputed only after an until changed. */
  private earliestUntil = Number.POSITIVE_INFINITY;
  private untilsChanged = false;
  private readonly pidf: PidfReader;
  private readonly effective = new EffectivePresence();
  private readonly contentType = new ContentTypeValue();
  /** Partial PIDF reader/patcher, null when limits.partialDocumentBytes is 0. */
  private readonly partial: PartialPidf | null;
  /** Each source's kept PIDF: bytes [k * partialBytes, + srcDocLength[k]) of one arena. */
  private readonly partialBytes: number;
  private readonly srcDocs: Uint8Array;
  private readonly srcDocLength: Int32Array;
  private readonly srcDocVersion: Float64Array;
  private readonly srcDocState: Uint8Array;

  constructor(limits: PresenceStatesLimits) {
    const noteBytes = limits.noteBytes ?? DEFAULT_NOTE_BYTES;
    this.states = Array.from({ length: limits.maxStates }, () => new PresenceState(noteBytes));
    this.ids = new Int32Array(limits.maxStates).fill(-1);
    const perState = Math.max(1, limits.sourcesPerState ?? DEFAULT_SOURCES_PER_STATE);
    this.sourcesPerState = perState;
    const sources = limits.maxStates * perState;
    this.srcFork = new Int32Array(sources).fill(-1);
    this.srcActivities = new Int32Array(sources);
    this.srcActivitiesAfter = new Int32Array(sources);
    this.srcUntil = new Float64Array(sources).fill(NaN);
    this.srcTuples = new Int32Array(sources);
    this.srcOpen = new Int32Array(sources);
    this.srcClosed = new Int32Array(sources);
    this.srcPerson = new Uint8Array(sources);
    this.srcMood = new Int32Array(sources).fill(NO_VALUE);
    this.noteBytes = noteBytes;
    this.srcNoteBytes = new Uint8Array(sources * noteBytes);
    this.srcNoteLength = new Int32Array(sources);
    this.srcNoteTruncated = new Uint8Array(sources);
    this.pidf = new PidfReader(limits.pidf ?? DEFAULT_PIDF_LIMITS, limits.scratch);
    // The document is only composed here: ids, contacts, timestamps and CIPID text are not copied.
    this.pidf.composeOnly = true;
    const partialBytes = Math.max(0, limits.partialDocumentBytes ?? 0);
    this.partialBytes = partialBytes;
    const keptSources = partialBytes > 0 ? sources : 0;
    if (partialBytes > 0 && limits.partialPidf === undefined) {
      throw new RangeError('presence states: partialDocumentBytes needs limits.partialPidf (partialPidfModule from core/presence/partial)');
    }
    this.partial = partialBytes > 0 ? limits.partialPidf!(partialBytes) : null;
    this.srcDocs = new Uint8Array(keptSources * partialBytes);
    this.srcDocLength = new Int32Array(keptSources);
    this.srcDocVersion = new Float64Array(keptSources);
    this.srcDocState = new Uint8Array(keptSources);
  }

  /** Partial PIDF is on (limits.partialDocumentBytes > 0): the UA then asks for application/pidf-diff+xml. */
  get partialPidf(): boolean {
    return this.partial !== null;
  }

  /** The state of subscription `id`, or undefined before its first PIDF. */
  get(id: number): PresenceState | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.states[slot];
  }

  /**
   * A presence NOTIFY of subscription `id` from its dialog `fork` (0: the first dialog, else the
   * UA's fork index, RFC 6665 §4.1.2.4): its Content-Type value and body, both spans of the receive
   * buffer. Reads the PIDF into that source and composes the subscription's state (no allocation).
   */
  apply(id: number, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number, now: number, fork = 0): PresenceApply {
    const ct = this.contentType;
    if (typeOff < 0 || decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0) return PresenceApply.WrongType;
    let diff = false;
    if (!ct.is(typeBuf, 'application', PIDF_SUBTYPE)) {
      if (this.partial === null || !ct.is(typeBuf, 'application', PIDF_DIFF_SUBTYPE)) return PresenceApply.WrongType;
      diff = true;
    }
    if (bodyEnd <= bodyOff) return PresenceApply.NoBody;
    let slot = this.slotOf(id);
    if (slot < 0) {
      slot = this.freeSlot();
      if (slot < 0) return PresenceApply.NoRoom;
      this.ids[slot] = id;
      this.slots.set(id, slot);
      this.states[slot]!.reset(id);
      this.freeSources(slot);
    }
    let src = this.sourceOf(slot, fork);
    if (src < 0) {
      src = this.freeSource(slot);
      if (src < 0) return PresenceApply.NoRoom;
      this.srcFork[src] = fork;
      this.clearSource(src);
    }
    let docBuf = body;
    let docOff = bodyOff;
    let docEnd = bodyEnd;
    if (diff) {
      const r = this.partialDocument(src, body, bodyOff, bodyEnd);
      if (r !== READ_RESULT) return r as PresenceApply;
      docBuf = this.partial!.resultBuffer;
      docOff = 0;
      docEnd = this.partial!.resultLength;
    } else if (this.partial !== null) {
      // A plain PIDF replaces the state: the kept document is no longer what the next diff patches.
      this.srcDocState[src] = DocState.None;
    }
    const code = this.pidf.read(docBuf, docOff, docEnd);
    if (code !== 0) {
      this.lastBodyError = code;
      if (!diff) return PresenceApply.BadBody;
      // Full state that is no PIDF: nothing to keep; a patch that left no PIDF: this source lost track.
      this.srcDocState[src] = DocState.None;
      this.lastPartialError = PartialError.Xml;
      return this.partial!.kind === PartialKind.Full ? PresenceApply.BadBody : PresenceApply.NeedFullState;
    }
    if (diff) this.keepDocument(src);
    const doc = this.pidf.document;
    // NaN as a literal when there is no wall clock: a computed NaN passed on would be boxed.
    const offset = this.wallClockOffsetMs;
    const wallNow = offset === offset ? now + offset : NaN;
    const eff = composeEffectivePresence(doc, wallNow, this.lang, this.effective);
    const activities = eff.activities;
    const untilMs = eff.untilMs;
    const noteStart = eff.note >= 0 ? doc.notes[eff.note]!.text.start : 0;
    const noteEnd = eff.note >= 0 ? doc.notes[eff.note]!.text.end : 0;
    let open = 0;
    let closed = 0;
    const tupleCount = doc.tupleCount;
    for (let i = 0; i < tupleCount; i++) {
      const basic = doc.tuples[i]!.basic;
      if (basic === Basic.Open) open++;
      else if (basic === Basic.Closed) closed++;
    }
    this.srcActivities[src] = activities;
    if (this.srcUntil[src] === this.srcUntil[src] || untilMs === untilMs) this.untilsChanged = true;
    this.srcUntil[src] = untilMs;
    // RFC 4480 §3.1: what counts once the deciding activity's until passes; the document is gone by then.
    this.srcActivitiesAfter[src] = untilMs === untilMs ? composeEffectivePresence(doc, untilMs, this.lang, this.effective).activities : activities;
    this.srcTuples[src] = tupleCount;
    this.srcOpen[src] = open;
    this.srcClosed[src] = closed;
    this.srcPerson[src] = doc.hasPerson ? 1 : 0;
    this.srcMood[src] = doc.hasPerson ? doc.person.mood : NO_VALUE;
    this.copySourceNote(src, doc.pool.bytes, noteStart, noteEnd);
    return this.recompose(slot, now) ? PresenceApply.Changed : PresenceApply.Unchanged;
  }

  /**
   * Fork `fork` of subscription `id` ended (terminated NOTIFY, refresh refused, RFC 6665
   * §4.1.2.4 / §4.1.2.2): its contribution goes, the rest is composed again. True when the shown state changed.
   */
  forgetFork(id: number, fork: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const src = this.sourceOf(slot, fork);
    if (src < 0) return false;
    this.srcFork[src] = -1;
    return this.states[slot]!.version > 0 && this.recompose(slot, now);
  }

  /** Every fork of subscription `id` ended (the UA's fork table was emptied): only the first dialog's state stays. True when the shown state changed. */
  forgetForks(id: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const base = slot * this.sourcesPerState;
    let any = false;
    for (let i = base, end = base + this.sourcesPerState; i < end; i++) {
      if (this.srcFork[i]! > 0) { this.srcFork[i] = -1; any = true; }
    }
    return any && this.states[slot]!.version > 0 && this.recompose(slot, now);
  }

  /** The subscription stopped delivering (failed, ended, backing off): Unknown, never Offline. True when that changed it. */
  forget(id: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const s = this.states[slot]!;
    this.freeSources(slot);
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
    if (slot >= 0) { this.ids[slot] = -1; this.slots.delete(id); this.states[slot]!.reset(-1); this.freeSources(slot); this.untilsChanged = true; }
  }

  /** RPID until passed for subscription `id` (UA timer): the display falls back; true when it changed. */
  expire(id: number, now: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    const s = this.states[slot]!;
    const wallNow = now + this.wallClockOffsetMs;
    if (s.untilMs !== s.untilMs || wallNow < s.untilMs) return false;
    // The sources whose until passed fall back to what remains after it; the rest is composed again.
    const base = slot * this.sourcesPerState;
    for (let i = base, end = base + this.sourcesPerState; i < end; i++) {
      const until = this.srcUntil[i]!;
      if (this.srcFork[i]! < 0 || until !== until || wallNow < until) continue;
      this.srcActivities[i] = this.srcActivitiesAfter[i]!;
      this.srcUntil[i] = NaN;
    }
    this.untilsChanged = true;
    return this.recompose(slot, now);
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

  /**
   * The shown state of `slot` from its live sources (rule: file comment; RFC 3863 §2.2, RFC 4480
   * §3.2). True when anything shown changed (then the version grows).
   */
  private recompose(slot: number, now: number): boolean {
    const perState = this.sourcesPerState;
    const base = slot * perState;
    const end = base + perState;
    const forks = this.srcFork;
    let activities = 0;
    let tuples = 0;
    let open = 0;
    let closed = 0;
    let known = false;
    let untilSource = -1;
    for (let i = base; i < end; i++) {
      if (forks[i]! < 0) continue;
      activities |= this.srcActivities[i]!;
      tuples += this.srcTuples[i]!;
      open += this.srcOpen[i]!;
      closed += this.srcClosed[i]!;
      if (this.srcTuples[i]! > 0 || this.srcPerson[i] !== 0) known = true;
      const until = this.srcUntil[i]!;
      if (until === until && (untilSource < 0 || until < this.srcUntil[untilSource]!)) untilSource = i;
    }
    const display = composedDisplay(known, tuples, open, closed, activities);
    let after = display;
    if (untilSource >= 0) {
      let remaining = 0;
      for (let i = base; i < end; i++) {
        if (forks[i]! >= 0) remaining |= i === untilSource ? this.srcActivitiesAfter[i]! : this.srcActivities[i]!;
      }
      after = composedDisplay(known, tuples, open, closed, remaining);
    }
    // The deciding source: the one that holds the winning activity, else an open tuple, else a tuple.
    const bit = decidingActivityBit(activities);
    let decider = -1;
    for (let i = base; i < end; i++) {
      if (forks[i]! < 0 || (decider >= 0 && forks[i]! > forks[decider]!)) continue;
      const decides = display === PresenceDisplay.Offline ? this.srcTuples[i]! > 0
        : bit !== 0 ? (this.srcActivities[i]! & bit) !== 0
        : display === PresenceDisplay.Available ? this.srcOpen[i]! > 0
        : true;
      if (decides) decider = i;
    }
    // Its note and mood; what it lacks, the first source (lowest fork index) that has one gives.
    const noteLength = this.srcNoteLength;
    let noteSource = decider >= 0 && noteLength[decider]! > 0 ? decider : -1;
    let moodSource = decider >= 0 && this.srcMood[decider] !== NO_VALUE ? decider : -1;
    const needNote = noteSource < 0;
    const needMood = moodSource < 0;
    if (needNote || needMood) {
      for (let i = base; i < end; i++) {
        const f = forks[i]!;
        if (f < 0) continue;
        if (needNote && noteLength[i]! > 0 && (noteSource < 0 || f < forks[noteSource]!)) noteSource = i;
        if (needMood && this.srcMood[i] !== NO_VALUE && (moodSource < 0 || f < forks[moodSource]!)) moodSource = i;
      }
    }
    const mood = moodSource >= 0 ? this.srcMood[moodSource]! : NO_VALUE;
    const untilMs = untilSource >= 0 ? this.srcUntil[untilSource]! : NaN;
    const s = this.states[slot]!;
    const noteStart = noteSource >= 0 ? noteSource * this.noteBytes : 0;
    const noteEnd = noteSource >= 0 ? noteStart + noteLength[noteSource]! : 0;
    const noteTruncated = noteSource >= 0 && this.srcNoteTruncated[noteSource] !== 0;
    if (s.version > 0 && s.display === display && s.activities === activities && s.mood === mood && sameTime(s.untilMs, untilMs)
      && s.displayAfterUntil === after && s.note.truncated === noteTruncated && s.note.equals(this.srcNoteBytes, noteStart, noteEnd)) {
      return false;
    }
    s.display = display;
    s.activities = activities;
    s.mood = mood;
    if (s.untilMs === s.untilMs || untilMs === untilMs) this.untilsChanged = true;
    s.untilMs = untilMs;
    s.displayAfterUntil = after;
    s.note.copy(this.srcNoteBytes, noteStart, noteEnd);
    s.note.truncated = s.note.truncated || noteTruncated;
    s.changed(now);
    return true;
  }

  /**
   * A pidf-diff+xml body of source `src` (RFC 5262) into a PIDF document: READ_RESULT when the
   * partial reader's result is to be read, else the PresenceApply to answer (state unchanged).
   */
  private partialDocument(src: number, body: Uint8Array, bodyOff: number, bodyEnd: number): number {
    const p = this.partial!;
    this.lastPatchError = 0;
    let e = p.open(body, bodyOff, bodyEnd);
    if (e !== PartialError.None) {
      this.lastPartialError = e;
      // A diff we cannot read: only full state can set this source right again.
      if (p.kind === PartialKind.Diff) { this.srcDocState[src] = DocState.None; return PresenceApply.NeedFullState; }
      return PresenceApply.BadBody;
    }
    if (p.kind === PartialKind.Full) {
      // RFC 5263: full state whatever version it carries; it starts the sequence of diffs.
      e = p.toPresence();
      if (e === PartialError.None) return READ_RESULT;
      this.lastPartialError = e;
      if (e !== PartialError.Overflow) return PresenceApply.BadBody;
      this.srcDocState[src] = DocState.TooLarge;
      return PresenceApply.TooLarge;
    }
    const state = this.srcDocState[src];
    if (state === DocState.TooLarge) { this.lastPartialError = PartialError.Overflow; return PresenceApply.TooLarge; }
    if (state !== DocState.Kept) { this.lastPartialError = PartialError.NoBase; return PresenceApply.NeedFullState; }
    // RFC 5263 / RFC 5262 §3.1: each diff is exactly one version above the previous document; any
    // other number means a NOTIFY was lost (or came out of order): refresh for full state.
    if (p.version !== (this.srcDocVersion[src]! + 1) % VERSION_MODULUS) { this.lastPartialError = PartialError.VersionGap; return PresenceApply.NeedFullState; }
    const at = src * this.partialBytes;
    e = p.patch(this.srcDocs, at, at + this.srcDocLength[src]!);
    if (e === PartialError.None) return READ_RESULT;
    this.lastPartialError = e;
    this.lastPatchError = p.patchError;
    if (e === PartialError.Overflow) { this.srcDocState[src] = DocState.TooLarge; return PresenceApply.TooLarge; }
    // The kept document stays as it was, but the notifier's next diff builds on a version we do not have.
    this.srcDocState[src] = DocState.None;
    return PresenceApply.NeedFullState;
  }

  /** The PIDF the partial reader produced becomes source `src`'s kept document, at the version it carried. */
  private keepDocument(src: number): void {
    const p = this.partial!;
    const n = p.resultLength;
    const out = this.srcDocs;
    const buf = p.resultBuffer;
    const at = src * this.partialBytes;
    if (buf !== out) for (let i = 0; i < n; i++) out[at + i] = buf[i]!;
    this.srcDocLength[src] = n;
    this.srcDocVersion[src] = p.version;
    this.srcDocState[src] = DocState.Kept;
  }

  /** ByteSlot.copy into source `src`'s note (longer notes are truncated and flagged). */
  private copySourceNote(src: number, bytes: Uint8Array, start: number, end: number): void {
    const size = this.noteBytes;
    const n = end > start ? end - start : 0;
    const length = n > size ? size : n;
    const out = this.srcNoteBytes;
    const at = src * size;
    for (let i = 0; i < length; i++) out[at + i] = bytes[start + i]!;
    this.srcNoteLength[src] = length;
    this.srcNoteTruncated[src] = n > size ? 1 : 0;
  }

  private sourceOf(slot: number, fork: number): number {
    const base = slot * this.sourcesPerState;
    for (let i = base, end = base + this.sourcesPerState; i < end; i++) if (this.srcFork[i] === fork) return i;
    return -1;
  }

  private freeSource(slot: number): number {
    return this.sourceOf(slot, -1);
  }

  private freeSources(slot: number): void {
    const base = slot * this.sourcesPerState;
    for (let i = base, end = base + this.sourcesPerState; i < end; i++) {
      if (this.srcFork[i] !== -1 && this.srcUntil[i] === this.srcUntil[i]) this.untilsChanged = true;
      this.srcFork[i] = -1;
    }
  }

  private clearSource(src: number): void {
    this.srcActivities[src] = 0;
    this.srcActivitiesAfter[src] = 0;
    this.srcUntil[src] = NaN;
    this.srcTuples[src] = 0;
    this.srcOpen[src] = 0;
    this.srcClosed[src] = 0;
    this.srcPerson[src] = 0;
    this.srcMood[src] = NO_VALUE;
    this.srcNoteLength[src] = 0;
    this.srcNoteTruncated[src] = 0;
    if (this.partial !== null) this.srcDocState[src] = DocState.None;
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

/** pidf-effective.ts's rule over the union of the sources (RFC 4480 §3.2: activities win over an open tuple). */
function composedDisplay(known: boolean, tuples: number, open: number, closed: number, activities: number): PresenceDisplay {
  if (!known) return PresenceDisplay.Unknown;
  if (tuples > 0 && closed === tuples) return PresenceDisplay.Offline;
  const byActivity = activityDisplay(activities);
  if (byActivity !== PresenceDisplay.Unknown) return byActivity;
  return open > 0 ? PresenceDisplay.Available : PresenceDisplay.Unknown;
}

function sameTime(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
