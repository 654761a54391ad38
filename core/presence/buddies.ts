// The buddy table: per watched URI, the presence to show on the display, whether it came from a
// subscription of its own (PIDF NOTIFY bodies, RFC 3856) or from a resource-list subscription
// (RFC 4662, via ResourceList). Bounded: the table is sized at start-up (a board's maxBuddies).
//
// The one rule users keep asking for (user-demands row 6; Jitsi #388): "unknown" is not
// "offline". A buddy whose subscription failed, is pending authorisation, or ended shows
// Unknown; Offline only when a PIDF said every tuple is closed. An empty NOTIFY body is no
// change (RFC 6665 §4.1.3: the body is optional; the state stays what it was).
import type { XmlScratch } from '../xml/scratch.js';
import { PidfReader } from './documents/pidf-reader.js';
import { DEFAULT_PIDF_LIMITS, type PidfLimits } from './documents/pidf-model.js';
import { PresenceDisplay, EffectivePresence, composeEffectivePresence } from './documents/pidf-effective.js';
import { ContentTypeValue, decodeContentType } from '../sip/decode/content-type.js';
import { ResourceStatus, type ResourceList } from './rls/resource-list.js';
import { ByteSlot } from './rls/byte-slot.js';
import type { PresenceState } from './presence-states.js';

export const BuddySource = { None: 0, Direct: 1, List: 2 } as const;
export type BuddySource = typeof BuddySource[keyof typeof BuddySource];

/** Where the buddy's subscription stands (own subscription, or its instance in the list). */
export const BuddySubscription = { None: 0, Pending: 1, Active: 2, Failed: 3, Ended: 4 } as const;
export type BuddySubscription = typeof BuddySubscription[keyof typeof BuddySubscription];

export const BuddyUpdate = {
  Applied: 0,
  /** Empty body: nothing changed. */
  NoChange: 1,
  /** Not application/pidf+xml (or a bad Content-Type): nothing changed. */
  WrongType: 2,
  /** A PIDF that could not be read: nothing changed (see lastBodyError). */
  BadBody: 3,
  /** No such buddy slot. */
  NoBuddy: 4,
} as const;
export type BuddyUpdate = typeof BuddyUpdate[keyof typeof BuddyUpdate];

export interface BuddyTableLimits { readonly maxBuddies: number; readonly uriBytes: number; readonly nameBytes: number; readonly noteBytes: number; readonly reasonBytes: number }
export const DEFAULT_BUDDY_TABLE_LIMITS: BuddyTableLimits = { maxBuddies: 32, uriBytes: 128, nameBytes: 64, noteBytes: 96, reasonBytes: 24 };

export class Buddy {
  inUse = false;
  source: BuddySource = BuddySource.None;
  readonly uri: ByteSlot;
  readonly name: ByteSlot;
  subscription: BuddySubscription = BuddySubscription.None;
  /** Termination or failure reason ("rejected", "noresource", "489", ...). */
  readonly reason: ByteSlot;
  display: PresenceDisplay = PresenceDisplay.Unknown;
  activities = 0;
  readonly note: ByteSlot;
  /** RPID until of the deciding activity (epoch ms, NaN: none) and the state once it passes. */
  untilMs = NaN;
  displayAfterUntil: PresenceDisplay = PresenceDisplay.Unknown;
  /** `now` of the last change (ms). */
  updatedAt = NaN;
  constructor(limits: BuddyTableLimits) {
    // One buffer for the four slots (an ArrayBuffer each costs ~100 bytes more in QuickJS).
    const { uriBytes, nameBytes, reasonBytes, noteBytes } = limits;
    const arena = new Uint8Array(uriBytes + nameBytes + reasonBytes + noteBytes);
    this.uri = new ByteSlot(uriBytes, arena, 0);
    this.name = new ByteSlot(nameBytes, arena, uriBytes);
    this.reason = new ByteSlot(reasonBytes, arena, uriBytes + nameBytes);
    this.note = new ByteSlot(noteBytes, arena, uriBytes + nameBytes + reasonBytes);
  }
  reset(): void {
    this.inUse = false;
    this.source = BuddySource.None;
    this.uri.clear();
    this.name.clear();
    this.subscription = BuddySubscription.None;
    this.reason.clear();
    this.forget();
  }
  /** Presence no longer known: Unknown, never Offline. */
  forget(): void {
    this.display = PresenceDisplay.Unknown;
    this.activities = 0;
    this.note.clear();
    this.untilMs = NaN;
    this.displayAfterUntil = PresenceDisplay.Unknown;
  }
}

const PIDF_TYPE = 'pidf+xml';

export class BuddyTable {
  readonly buddies: readonly Buddy[];
  lastBodyError = 0;
  /** Preferred note language (null: the note without xml:lang). */
  lang: Uint8Array | null = null;
  /**
   * Made by the first PIDF this table reads itself (onPresenceNotify), once: a table fed by the
   * UA's PresenceStates (onPresenceState, the allocation-free path) never reads a document, and
   * a reader is ~20 KiB of QuickJS heap (its document model, text pool and XML stacks).
   */
  private pidf: PidfReader | null = null;
  private readonly pidfLimits: PidfLimits;
  private readonly scratch: XmlScratch | undefined;
  private readonly effective = new EffectivePresence();
  private readonly contentType = new ContentTypeValue();

  /**
   * `scratch`: the PIDF reader's XML stacks and text shared with the application's other readers
   * (core/xml/scratch.ts, sized with pidfScratchSize); a NOTIFY is read and copied out within
   * onPresenceNotify.
   */
  constructor(readonly limits: BuddyTableLimits = DEFAULT_BUDDY_TABLE_LIMITS, pidfLimits: PidfLimits = DEFAULT_PIDF_LIMITS, scratch?: XmlScratch) {
    this.buddies = Array.from({ length: limits.maxBuddies }, () => new Buddy(limits));
    this.pidfLimits = pidfLimits;
    this.scratch = scratch;
  }

  /** Adds a buddy (configuration time). Returns its slot, the existing slot for a known URI, or -1 when full. */
  add(uri: string, name: string, source: BuddySource): number {
    for (let i = 0; i < this.buddies.length; i++) {
      const b = this.buddies[i]!;
      if (b.inUse && b.uri.text() === uri) return i;
    }
    for (let i = 0; i < this.buddies.length; i++) {
      const b = this.buddies[i]!;
      if (b.inUse) continue;
      b.reset();
      b.inUse = true;
      b.source = source;
      b.uri.setText(uri);
      b.name.setText(name);
      return i;
    }
    return -1;
  }

  remove(slot: number): void {
    this.buddies[slot]?.reset();
  }

  /** Slot of the buddy with exactly this URI, or -1. */
  find(uri: Uint8Array, start = 0, end = uri.length): number {
    for (let i = 0; i < this.buddies.length; i++) {
      const b = this.buddies[i]!;
      if (b.inUse && b.uri.equals(uri, start, end)) return i;
    }
    return -1;
  }

  get count(): number {
    let n = 0;
    for (let k = 0, len = this.buddies.length; k < len; k++) { const b = this.buddies[k]!; if (b.inUse) n++; }
    return n;
  }

  /**
   * A presence NOTIFY of the buddy's own subscription: Content-Type value and body. An empty body
   * changes nothing; a PIDF is composed into the display state (`now` in epoch ms for RPID
   * from/until).
   */
  onPresenceNotify(slot: number, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number, now: number): BuddyUpdate {
    const b = this.buddies[slot];
    if (b === undefined || !b.inUse) return BuddyUpdate.NoBuddy;
    if (bodyEnd <= bodyOff) return BuddyUpdate.NoChange;
    const ct = this.contentType;
    if (decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0 || !ct.is(typeBuf, 'application', PIDF_TYPE)) return BuddyUpdate.WrongType;
    const pidf = this.pidf ??= new PidfReader(this.pidfLimits, this.scratch);
    const code = pidf.read(body, bodyOff, bodyEnd);
    if (code !== 0) { this.lastBodyError = code; return BuddyUpdate.BadBody; }
    const doc = pidf.document;
    const eff = composeEffectivePresence(doc, now, this.lang, this.effective);
    b.display = eff.state;
    b.activities = eff.activities;
    b.untilMs = eff.untilMs;
    if (eff.note >= 0) {
      const span = doc.notes[eff.note]!.text;
      b.note.copy(doc.pool.bytes, span.start, span.end);
    } else {
      b.note.clear();
    }
    // What the display falls back to once the deciding activity's `until` passes (RFC 4480 §3.1),
    // computed now because the document is gone by then.
    b.displayAfterUntil = eff.untilMs === eff.untilMs ? composeEffectivePresence(doc, eff.untilMs, this.lang, this.effective).state : b.display;
    // A NOTIFY with state means the subscription delivers (it may still say pending elsewhere).
    if (b.subscription !== BuddySubscription.Pending) b.subscription = BuddySubscription.Active;
    b.reason.clear();
    b.updatedAt = now;
    return BuddyUpdate.Applied;
  }

  /**
   * The state the UA already composed from a PIDF NOTIFY (ua.trackPresence, presence-states.ts):
   * copied into the buddy's preallocated fields, so a presence update allocates nothing end to end.
   */
  onPresenceState(slot: number, state: PresenceState, now: number): BuddyUpdate {
    const b = this.buddies[slot];
    if (b === undefined || !b.inUse) return BuddyUpdate.NoBuddy;
    b.display = state.display;
    b.activities = state.activities;
    b.untilMs = state.untilMs;
    b.displayAfterUntil = state.displayAfterUntil;
    b.note.copyFrom(state.note);
    if (b.subscription !== BuddySubscription.Pending) b.subscription = BuddySubscription.Active;
    b.reason.clear();
    b.updatedAt = now;
    return BuddyUpdate.Applied;
  }

  /**
   * The buddy's own subscription changed (the UA maps RFC 6665 states: `active`, `pending`,
   * `failed`, `ended`; `reason` is the terminated reason or the failing status code).
   * Anything but active leaves the presence Unknown.
   */
  onSubscription(slot: number, state: BuddySubscription, reason: string, now: number): void {
    const b = this.buddies[slot];
    if (b === undefined || !b.inUse) return;
    b.subscription = state;
    b.reason.setText(reason);
    if (state !== BuddySubscription.Active) b.forget();
    b.updatedAt = now;
  }

  /** RPID until passed: the display falls back (call from the UA's timer with `now`). */
  tick(now: number): number {
    let changed = 0;
    for (let k = 0, len = this.buddies.length; k < len; k++) {
      const b = this.buddies[k]!;
      if (!b.inUse || b.untilMs !== b.untilMs || now < b.untilMs) continue;
      b.display = b.displayAfterUntil;
      b.untilMs = NaN;
      b.updatedAt = now;
      changed++;
    }
    return changed;
  }

  /** The earliest pending RPID until (ms), Infinity when none: the UA's next timer for tick(). */
  nextDeadline(): number {
    let next = Infinity;
    for (let k = 0, len = this.buddies.length; k < len; k++) { const b = this.buddies[k]!; if (b.inUse && b.untilMs === b.untilMs && b.untilMs < next) next = b.untilMs; }
    return next;
  }

  /**
   * Copies the state of list-sourced buddies from a resource-list subscription. A buddy the
   * list does not (or no longer) carry shows Unknown with reason "not-in-list".
   */
  fromList(list: ResourceList, now: number): number {
    let updated = 0;
    for (let k = 0, len = this.buddies.length; k < len; k++) {
      const b = this.buddies[k]!;
      if (!b.inUse || b.source !== BuddySource.List) continue;
      const slot = list.find(b.uri.bytes, 0, b.uri.length);
      if (slot < 0) {
        if (b.subscription !== BuddySubscription.Ended || b.display !== PresenceDisplay.Unknown) updated++;
        b.subscription = BuddySubscription.Ended;
        b.reason.setText('not-in-list');
        b.forget();
        b.updatedAt = now;
        continue;
      }
      const r = list.resources[slot]!;
      b.subscription = LIST_STATUS[r.status];
      if (r.status === ResourceStatus.Terminated) b.reason.setText(r.terminationReason()); else b.reason.clear();
      b.display = r.display;
      b.activities = r.activities;
      b.untilMs = NaN;
      b.displayAfterUntil = r.display;
      if (r.deciding >= 0) b.note.copyFrom(r.instances[r.deciding]!.note); else b.note.clear();
      if (b.name.isEmpty && !r.name.isEmpty) b.name.copyFrom(r.name);
      b.updatedAt = now;
      updated++;
    }
    return updated;
  }

  /** The list subscription failed or ended: every list-sourced buddy is Unknown. */
  listFailed(reason: string, now: number): void {
    for (let i = 0; i < this.buddies.length; i++) {
      const b = this.buddies[i]!;
      if (b.inUse && b.source === BuddySource.List) this.onSubscription(i, BuddySubscription.Failed, reason, now);
    }
  }
}

// RFC 4662 §5.4 resource status → the buddy's subscription column.
const LIST_STATUS: Readonly<Record<ResourceStatus, BuddySubscription>> = {
  [ResourceStatus.Unknown]: BuddySubscription.None,
  [ResourceStatus.Pending]: BuddySubscription.Pending,
  [ResourceStatus.Active]: BuddySubscription.Active,
  [ResourceStatus.Terminated]: BuddySubscription.Ended,
};
