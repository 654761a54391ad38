// Who watches my presence (RFC 3857 presence.winfo, RFC 3858 documents), kept across NOTIFYs so the
// phone can show "Bob wants to see your presence — allow / deny". Built on WatcherinfoReader.
//
// RFC 3858 §4.2: state="full" lists every watcher; state="partial" only the ones that changed, and
// its version must be exactly one above the last (a gap means a NOTIFY was lost: resubscribe to
// get full state). A watcher whose status becomes terminated is dropped. RFC 3857 §5.1 leaves how
// a decision reaches the server open (e.g. XCAP pres-rules, RFC 5025): decisions are queued here
// for the application to carry out, and a decided watcher is not offered again.
import { WatcherinfoReader, WatcherStatus, type WatcherinfoDocument } from './documents/watcherinfo.js';
import { PresenceDocError } from './documents/pidf-reader.js';
import { ByteSlot } from './rls/byte-slot.js';

export const WatcherDecision = { Undecided: 0, Approved: 1, Denied: 2 } as const;
export type WatcherDecision = typeof WatcherDecision[keyof typeof WatcherDecision];

export const WinfoApply = {
  Applied: 0,
  /** Version not above the last one: ignored. */
  Stale: 1,
  /** Applied, but a version was skipped (or a partial came first): refresh for full state. */
  NeedResubscribe: 2,
  /** More watchers than the table holds: some are not shown (see `overflowed`). */
  TooManyWatchers: 3,
  /** The body is not a watcherinfo document (see `bodyError`): nothing changed. */
  BadBody: 4,
} as const;
export type WinfoApply = typeof WinfoApply[keyof typeof WinfoApply];

export interface WatcherTableLimits { readonly maxWatchers: number; readonly idBytes: number; readonly uriBytes: number; readonly nameBytes: number }
export const DEFAULT_WATCHER_TABLE_LIMITS: WatcherTableLimits = { maxWatchers: 16, idBytes: 48, uriBytes: 128, nameBytes: 64 };

export class TrackedWatcher {
  inUse = false;
  readonly id: ByteSlot;
  readonly uri: ByteSlot;
  readonly displayName: ByteSlot;
  status: WatcherStatus = WatcherStatus.Unknown;
  /** WATCHER_EVENTS index of the last transition (-1 when not given). */
  event = -1;
  decision: WatcherDecision = WatcherDecision.Undecided;
  seen = false;
  constructor(limits: WatcherTableLimits) {
    this.id = new ByteSlot(limits.idBytes);
    this.uri = new ByteSlot(limits.uriBytes);
    this.displayName = new ByteSlot(limits.nameBytes);
  }
  reset(): void {
    this.inUse = false;
    this.id.clear();
    this.uri.clear();
    this.displayName.clear();
    this.status = WatcherStatus.Unknown;
    this.event = -1;
    this.decision = WatcherDecision.Undecided;
    this.seen = false;
  }
  /** Waiting for the user: pending (RFC 3857 §3.3: authorisation needed) or waiting (a
   *  subscription attempt that was polite enough to wait, §3.2), and not decided yet. */
  get needsDecision(): boolean {
    return this.inUse && this.decision === WatcherDecision.Undecided && (this.status === WatcherStatus.Pending || this.status === WatcherStatus.Waiting);
  }
}

export class WatcherTable {
  /** Last applied version, -1 before the first document of a subscription. */
  version = -1;
  /** Whether the winfo subscription delivers state; false = the watcher list is not known. */
  known = false;
  readonly watchers: readonly TrackedWatcher[];
  overflowed = 0;
  bodyError: PresenceDocError = PresenceDocError.None;
  private readonly decisions: Int16Array;
  private decisionCount = 0;

  constructor(readonly limits: WatcherTableLimits = DEFAULT_WATCHER_TABLE_LIMITS) {
    this.watchers = Array.from({ length: limits.maxWatchers }, () => new TrackedWatcher(limits));
    this.decisions = new Int16Array(limits.maxWatchers);
  }

  /** A new winfo subscription starts a new version sequence. */
  newSubscription(): void {
    this.version = -1;
  }

  /** The winfo subscription failed or ended: the list is unknown (not "nobody watches"). */
  subscriptionFailed(): void {
    this.version = -1;
    this.known = false;
    for (let k = 0, len = this.watchers.length; k < len; k++) { const w = this.watchers[k]!; w.reset(); }
    this.decisionCount = 0;
  }

  /** Reads a NOTIFY body with `reader` and applies it. An empty body changes nothing (RFC 6665 §4.1.3). */
  applyNotify(reader: WatcherinfoReader, body: Uint8Array, start: number, end: number): WinfoApply {
    if (end <= start) return WinfoApply.Applied;
    const code = reader.read(body, start, end);
    if (code !== PresenceDocError.None) { this.bodyError = code; return WinfoApply.BadBody; }
    return this.apply(reader.document);
  }

  apply(doc: WatcherinfoDocument): WinfoApply {
    this.overflowed = 0;
    this.bodyError = PresenceDocError.None;
    if (this.version >= 0 && doc.version >= 0 && doc.version <= this.version) return WinfoApply.Stale;
    let result: WinfoApply = WinfoApply.Applied;
    if (!doc.full && (this.version < 0 || doc.version !== this.version + 1)) result = WinfoApply.NeedResubscribe;
    if (doc.full) for (let k = 0, len = this.watchers.length; k < len; k++) { const w = this.watchers[k]!; w.seen = false; }
    const pool = doc.pool.bytes;
    for (let i = 0; i < doc.watcherCount; i++) {
      const src = doc.watchers[i]!;
      // §4.3: id identifies the watcher; without one, the URI is the best key we have.
      const key = src.id.isEmpty ? src.uri : src.id;
      if (key.isEmpty) continue;
      let slot = this.find(pool, key.start, key.end);
      if (src.status === WatcherStatus.Terminated) {
        if (slot >= 0) this.removeAt(slot);
        continue;
      }
      if (slot < 0) {
        slot = this.freeSlot();
        if (slot < 0) {
          this.overflowed++;
          // NeedResubscribe is the more actionable answer; `overflowed` still tells.
          if (result === WinfoApply.Applied) result = WinfoApply.TooManyWatchers;
          continue;
        }
        const fresh = this.watchers[slot]!;
        fresh.reset();
        fresh.inUse = true;
        fresh.id.copy(pool, key.start, key.end);
      }
      const w = this.watchers[slot]!;
      w.seen = true;
      if (!src.uri.isEmpty) w.uri.copy(pool, src.uri.start, src.uri.end);
      if (!src.displayName.isEmpty) w.displayName.copy(pool, src.displayName.start, src.displayName.end);
      w.status = src.status;
      w.event = src.event;
    }
    if (doc.full) for (let i = 0; i < this.watchers.length; i++) if (this.watchers[i]!.inUse && !this.watchers[i]!.seen) this.removeAt(i);
    if (doc.version >= 0) this.version = doc.version;
    this.known = true;
    return result;
  }

  /** Slots of watchers waiting for the user's decision, written into out; returns the count. */
  pending(out: Int16Array): number {
    let n = 0;
    for (let i = 0; i < this.watchers.length && n < out.length; i++) if (this.watchers[i]!.needsDecision) out[n++] = i;
    return n;
  }

  /** The user's answer for watcher `slot`; queued for the application (takeDecision). */
  decide(slot: number, approve: boolean): boolean {
    const w = this.watchers[slot];
    if (w === undefined || !w.needsDecision) return false;
    w.decision = approve ? WatcherDecision.Approved : WatcherDecision.Denied;
    this.decisions[this.decisionCount++] = slot;
    return true;
  }

  /** The next decided watcher slot to carry out (the watcher keeps its decision), or -1. */
  takeDecision(): number {
    if (this.decisionCount === 0) return -1;
    const slot = this.decisions[0]!;
    this.decisions.copyWithin(0, 1, this.decisionCount);
    this.decisionCount--;
    return slot;
  }

  get count(): number {
    let n = 0;
    for (let k = 0, len = this.watchers.length; k < len; k++) { const w = this.watchers[k]!; if (w.inUse) n++; }
    return n;
  }

  private removeAt(slot: number): void {
    this.watchers[slot]!.reset();
    // A queued decision for a watcher that is gone has nothing left to act on.
    let o = 0;
    for (let i = 0; i < this.decisionCount; i++) if (this.decisions[i] !== slot) this.decisions[o++] = this.decisions[i]!;
    this.decisionCount = o;
  }

  private find(src: Uint8Array, start: number, end: number): number {
    if (end <= start) return -1;
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i]!;
      if (w.inUse && w.id.equals(src, start, end)) return i;
    }
    return -1;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.watchers.length; i++) if (!this.watchers[i]!.inUse) return i;
    return -1;
  }
}
