// The state of one resource-list subscription (RFC 4662) kept across NOTIFYs: per resource its
// URI, name, subscription instances and composed presence. Full-state notifications replace
// the list (§5.2: a resource not listed has left it); partial ones change only what they list,
// and their version must be exactly one above the last (§5.2: a gap means a notification was
// lost, so the subscriber refreshes the subscription to get full state). Everything lives in
// slots preallocated from the limits; a list bigger than the table is an error code.
//
// Per resource, RFC 4662 §5.4: each <instance> is one back-end subscription (several when the
// RLS's subscription forked); its state is active/pending/terminated, and `cid` names the MIME
// part with its latest state. An instance without cid keeps the state we had. A resource with
// no instance yet (RFC 4662 §6, "Ed at NET") has no known state: Unknown, never Offline.
import { PidfReader } from '../documents/pidf-reader.js';
import { PresenceDisplay, EffectivePresence, composeEffectivePresence } from '../documents/pidf-effective.js';
import { DEFAULT_PIDF_LIMITS } from '../documents/pidf-model.js';
import { InstanceState, type RlmiDocument, type RlmiInstance } from './rlmi.js';
import { RlsBodyError, RlsBodyReader } from './related-body.js';
import { ByteSlot } from './byte-slot.js';

export const RlsApply = {
  Applied: 0,
  /** Version not above the last applied one (a repeated or reordered NOTIFY): ignored. */
  Stale: 1,
  /** Applied, but a version was skipped or a partial came without a base: refresh the
   *  subscription to get full state (RFC 4662 §5.2). */
  NeedResubscribe: 2,
  /** More resources than the table holds: the list is only partly shown (see `overflowed`). */
  TooManyResources: 3,
  /** The body could not be read (see `bodyError`): nothing changed. */
  BadBody: 4,
} as const;
export type RlsApply = typeof RlsApply[keyof typeof RlsApply];

/** What the resource's back-end subscription(s) say, strongest first in `resourceStatus`. */
export const ResourceStatus = { Unknown: 0, Pending: 1, Active: 2, Terminated: 3 } as const;
export type ResourceStatus = typeof ResourceStatus[keyof typeof ResourceStatus];

export interface RlsListLimits {
  /** Resources over all nesting levels. */
  readonly maxResources: number;
  readonly maxInstancesPerResource: number;
  readonly uriBytes: number;
  readonly nameBytes: number;
  readonly noteBytes: number;
  readonly idBytes: number;
}
export const DEFAULT_RLS_LIST_LIMITS: RlsListLimits = { maxResources: 32, maxInstancesPerResource: 3, uriBytes: 128, nameBytes: 64, noteBytes: 96, idBytes: 48 };

export class ResourceInstance {
  inUse = false;
  readonly id: ByteSlot;
  state: InstanceState = InstanceState.Unknown;
  readonly reason: ByteSlot;
  /** Presence from the last PIDF part for this instance (Unknown when none yet). */
  display: PresenceDisplay = PresenceDisplay.Unknown;
  activities = 0;
  readonly note: ByteSlot;
  /** Listed in the notification being applied (full state drops the others). */
  seen = false;
  constructor(limits: RlsListLimits) {
    this.id = new ByteSlot(limits.idBytes);
    this.reason = new ByteSlot(32);
    this.note = new ByteSlot(limits.noteBytes);
  }
  reset(): void {
    this.inUse = false;
    this.state = InstanceState.Unknown;
    this.reason.clear();
    this.display = PresenceDisplay.Unknown;
    this.activities = 0;
    this.note.clear();
    this.seen = false;
  }
}

export class ListResource {
  inUse = false;
  /** Slot of the resource this one is listed under (a nested list), -1 at the top level. */
  parent = -1;
  readonly uri: ByteSlot;
  readonly name: ByteSlot;
  readonly instances: readonly ResourceInstance[];
  /** This resource is itself a list (its state came as a nested multipart/related). */
  isList = false;
  /** Version of the nested list last applied (-1: none). */
  subListVersion = -1;
  /** Composed for display: see recompute(). */
  status: ResourceStatus = ResourceStatus.Unknown;
  display: PresenceDisplay = PresenceDisplay.Unknown;
  activities = 0;
  /** The instance whose note and presence decided `display`, or -1. */
  deciding = -1;
  /** Seen in the notification being applied (for full-state removal). */
  seen = false;

  constructor(limits: RlsListLimits) {
    this.uri = new ByteSlot(limits.uriBytes);
    this.name = new ByteSlot(limits.nameBytes);
    this.instances = Array.from({ length: limits.maxInstancesPerResource }, () => new ResourceInstance(limits));
  }

  reset(): void {
    this.inUse = false;
    this.parent = -1;
    this.uri.clear();
    this.name.clear();
    for (let k = 0, len = this.instances.length; k < len; k++) { const inst = this.instances[k]!; inst.reset(); }
    this.isList = false;
    this.subListVersion = -1;
    this.status = ResourceStatus.Unknown;
    this.display = PresenceDisplay.Unknown;
    this.activities = 0;
    this.deciding = -1;
    this.seen = false;
  }

  /** The note of the deciding instance ('' when none; allocates). */
  noteText(): string {
    return this.deciding >= 0 ? this.instances[this.deciding]!.note.text() : '';
  }

  /**
   * §5.4 → one status: any active instance makes the resource active; else pending; else
   * terminated when every known instance is; no instance at all is Unknown. The presence shown
   * is the strongest among active instances (two devices: one on the phone wins).
   */
  recompute(): void {
    let active = 0, pending = 0, terminated = 0;
    let best = -1, bestRank = -1;
    for (let i = 0; i < this.instances.length; i++) {
      const inst = this.instances[i]!;
      if (!inst.inUse) continue;
      if (inst.state === InstanceState.Active) {
        active++;
        const rank = DISPLAY_RANK[inst.display];
        if (rank > bestRank) { bestRank = rank; best = i; }
      } else if (inst.state === InstanceState.Pending) pending++;
      else if (inst.state === InstanceState.Terminated) terminated++;
    }
    this.status = active > 0 ? ResourceStatus.Active : pending > 0 ? ResourceStatus.Pending : terminated > 0 ? ResourceStatus.Terminated : ResourceStatus.Unknown;
    this.deciding = best;
    if (best >= 0) {
      this.display = this.instances[best]!.display;
      this.activities = this.instances[best]!.activities;
    } else {
      // Pending (awaiting authorisation), terminated or not yet subscribed: the presence is not
      // known — showing "offline" would be a lie.
      this.display = PresenceDisplay.Unknown;
      this.activities = 0;
    }
  }

  /** The reason of the first terminated instance (e.g. "rejected", "noresource"), '' if none. */
  terminationReason(): string {
    for (let k = 0, len = this.instances.length; k < len; k++) { const inst = this.instances[k]!; if (inst.inUse && inst.state === InstanceState.Terminated) return inst.reason.text(); }
    return '';
  }
}

// When instances disagree the more telling state wins; Unknown is weakest (a part with no PIDF).
const DISPLAY_RANK: Readonly<Record<PresenceDisplay, number>> = {
  [PresenceDisplay.Unknown]: 0, [PresenceDisplay.Offline]: 1, [PresenceDisplay.Available]: 2, [PresenceDisplay.Away]: 3,
  [PresenceDisplay.InMeeting]: 4, [PresenceDisplay.Busy]: 5, [PresenceDisplay.OnThePhone]: 6,
};

const TOP = -1;

export class ResourceList {
  /** Version of the top-level list last applied; -1 before the first one (§5.2). */
  version = -1;
  readonly uri: ByteSlot;
  readonly resources: readonly ListResource[];
  /** Resources that did not fit the table in the last notification. */
  overflowed = 0;
  /** Instances beyond maxInstancesPerResource in the last notification (dropped). */
  droppedInstances = 0;
  /** Instance parts whose body could not be read (bad PIDF, unknown type) in the last notification. */
  unreadableParts = 0;
  /** RlsBodyError of the last BadBody result. */
  bodyError: RlsBodyError = RlsBodyError.None;
  /** Preferred note language for composed presence (null: the note without xml:lang). */
  lang: Uint8Array | null = null;
  private readonly pidf = new PidfReader(DEFAULT_PIDF_LIMITS);
  private readonly effective = new EffectivePresence();
  private now = NaN;
  private result: RlsApply = RlsApply.Applied;

  constructor(readonly limits: RlsListLimits = DEFAULT_RLS_LIST_LIMITS) {
    this.uri = new ByteSlot(limits.uriBytes);
    this.resources = Array.from({ length: limits.maxResources }, () => new ListResource(limits));
  }

  /** A new subscription starts a new version sequence (§5.2); state is kept until its first NOTIFY. */
  newSubscription(): void {
    this.version = -1;
    for (let k = 0, len = this.resources.length; k < len; k++) { const r = this.resources[k]!; if (r.inUse) r.subListVersion = -1; }
  }

  /** The list subscription failed or ended: nothing about the resources is known any more. */
  clear(): void {
    this.version = -1;
    this.uri.clear();
    for (let k = 0, len = this.resources.length; k < len; k++) { const r = this.resources[k]!; r.reset(); }
    this.overflowed = 0;
    this.droppedInstances = 0;
    this.unreadableParts = 0;
  }

  get count(): number {
    let n = 0;
    for (let k = 0, len = this.resources.length; k < len; k++) { const r = this.resources[k]!; if (r.inUse) n++; }
    return n;
  }

  /** Slot of the resource with this URI (any nesting level), or -1. */
  find(uri: Uint8Array, start = 0, end = uri.length): number {
    for (let i = 0; i < this.resources.length; i++) {
      const r = this.resources[i]!;
      if (r.inUse && r.uri.equals(uri, start, end)) return i;
    }
    return -1;
  }

  /**
   * Reads a NOTIFY body (Content-Type value + body bytes) with `reader` and applies it.
   * `now` (epoch ms) bounds RPID from/until in the composed presence.
   */
  applyNotify(reader: RlsBodyReader, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number, now: number): RlsApply {
    const code = reader.read(typeBuf, typeOff, typeEnd, body, bodyOff, bodyEnd);
    if (code !== RlsBodyError.None) { this.bodyError = code; return RlsApply.BadBody; }
    return this.apply(reader, now);
  }

  /** Applies a body `reader` has already read without error. */
  apply(reader: RlsBodyReader, now: number): RlsApply {
    this.now = now;
    this.result = RlsApply.Applied;
    this.overflowed = 0;
    this.droppedInstances = 0;
    this.unreadableParts = 0;
    this.bodyError = RlsBodyError.None;
    const doc = reader.rlmi.document;
    const verdict = versionVerdict(this.version, doc);
    if (verdict === RlsApply.Stale) return RlsApply.Stale;
    if (verdict === RlsApply.NeedResubscribe) this.result = RlsApply.NeedResubscribe;
    this.version = doc.version;
    this.uri.copy(doc.pool.bytes, doc.uri.start, doc.uri.end);
    this.applyList(reader, TOP);
    return this.result;
  }

  private applyList(reader: RlsBodyReader, parent: number): void {
    const doc = reader.rlmi.document;
    const pool = doc.pool.bytes;
    if (doc.fullState) for (let k = 0, len = this.resources.length; k < len; k++) { const r = this.resources[k]!; if (r.inUse && r.parent === parent) r.seen = false; }
    for (let ri = 0; ri < doc.resourceCount; ri++) {
      const res = doc.resources[ri]!;
      let slot = this.findUnder(parent, pool, res.uri.start, res.uri.end);
      if (slot < 0) {
        slot = this.freeSlot();
        if (slot < 0) {
          this.overflowed++;
          // NeedResubscribe is the more actionable answer; `overflowed` still tells.
          if (this.result === RlsApply.Applied) this.result = RlsApply.TooManyResources;
          continue;
        }
        const fresh = this.resources[slot]!;
        fresh.reset();
        fresh.inUse = true;
        fresh.parent = parent;
        fresh.uri.copy(pool, res.uri.start, res.uri.end);
      }
      const entry = this.resources[slot]!;
      entry.seen = true;
      if (!res.name.isEmpty) entry.name.copy(pool, res.name.start, res.name.end);
      // A full-state list lists every instance of every resource (the others are gone); a
      // partial one only the changed ones. An instance listed again without cid keeps its state.
      const instances = entry.instances;
      const instanceSlots = instances.length;
      for (let k = 0; k < instanceSlots; k++) instances[k]!.seen = false;
      for (let k = 0; k < res.instanceCount; k++) this.applyInstance(reader, entry, slot, doc.instances[res.firstInstance + k]!);
      if (doc.fullState) for (let k = 0; k < instanceSlots; k++) if (!instances[k]!.seen) instances[k]!.reset();
      entry.recompute();
    }
    if (doc.fullState) {
      for (let i = 0; i < this.resources.length; i++) {
        const r = this.resources[i]!;
        if (r.inUse && r.parent === parent && !r.seen) this.remove(i);
      }
    }
  }

  private applyInstance(reader: RlsBodyReader, entry: ListResource, slot: number, inst: RlmiInstance): void {
    const pool = reader.rlmi.document.pool.bytes;
    let k = findInstance(entry, pool, inst.id.start, inst.id.end);
    if (k < 0) {
      for (let i = 0; i < entry.instances.length && k < 0; i++) if (!entry.instances[i]!.inUse) k = i;
      if (k < 0) { this.droppedInstances++; return; }
      const fresh = entry.instances[k]!;
      fresh.reset();
      fresh.inUse = true;
      fresh.id.copy(pool, inst.id.start, inst.id.end);
    }
    const target = entry.instances[k]!;
    target.seen = true;
    target.state = inst.state;
    target.reason.copy(pool, inst.reason.start, inst.reason.end);
    if (inst.state !== InstanceState.Active) {
      // Pending or terminated: whatever presence we had is no longer valid.
      target.display = PresenceDisplay.Unknown;
      target.activities = 0;
      target.note.clear();
    }
    if (inst.cid.isEmpty) return;
    const part = reader.partForCid(inst.cid);
    if (part < 0) { this.unreadableParts++; return; }
    if (reader.partIs(part, 'application', 'pidf+xml')) {
      this.readPidf(reader, part, target);
    } else if (reader.partIsList(part)) {
      const code = reader.readNested(part);
      if (code !== RlsBodyError.None || reader.child === null) { this.unreadableParts++; return; }
      entry.isList = true;
      const sub = reader.child.rlmi.document;
      const verdict = versionVerdict(entry.subListVersion, sub);
      if (verdict === RlsApply.Stale) return;
      if (verdict === RlsApply.NeedResubscribe) this.result = RlsApply.NeedResubscribe;
      entry.subListVersion = sub.version;
      this.applyList(reader.child, slot);
      // A nested list is "available" when its subscription is; its members carry the presence.
      if (inst.state === InstanceState.Active) target.display = PresenceDisplay.Unknown;
    } else if (!reader.partIs(part, 'application', 'dialog-info+xml')) {
      // Dialog-info parts (RFC 4662 over the dialog package) are read by their consumer, not by
      // this presence table: only a part nobody can read is unreadable.
      this.unreadableParts++;
    }
  }

  private readPidf(reader: RlsBodyReader, part: number, target: ResourceInstance): void {
    const pidf = this.pidf;
    if (pidf.read(reader.buffer, reader.partBodyOff[part]!, reader.partBodyEnd[part]!) !== 0) { this.unreadableParts++; return; }
    const eff = composeEffectivePresence(pidf.document, this.now, this.lang, this.effective);
    target.display = eff.state;
    target.activities = eff.activities;
    if (eff.note >= 0) {
      const span = pidf.document.notes[eff.note]!.text;
      target.note.copy(pidf.document.pool.bytes, span.start, span.end);
    } else {
      target.note.clear();
    }
  }

  private remove(slot: number): void {
    this.resources[slot]!.reset();
    // Members of a removed nested list go with it (bounded: each pass frees at least one level).
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < this.resources.length; i++) {
        const r = this.resources[i]!;
        if (r.inUse && r.parent >= 0 && !this.resources[r.parent]!.inUse) { r.reset(); changed = true; }
      }
    }
  }

  private findUnder(parent: number, src: Uint8Array, start: number, end: number): number {
    for (let i = 0; i < this.resources.length; i++) {
      const r = this.resources[i]!;
      if (r.inUse && r.parent === parent && r.uri.equals(src, start, end)) return i;
    }
    return -1;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.resources.length; i++) if (!this.resources[i]!.inUse) return i;
    return -1;
  }
}

function findInstance(entry: ListResource, src: Uint8Array, start: number, end: number): number {
  for (let i = 0; i < entry.instances.length; i++) {
    const inst = entry.instances[i]!;
    if (inst.inUse && inst.id.equals(src, start, end)) return i;
  }
  return -1;
}

/**
 * RFC 4662 §5.2 version rules for one list: at or below the last → Stale; a full-state list
 * after a gap is fine (it replaces everything); a partial one must be exactly last + 1.
 */
function versionVerdict(last: number, doc: RlmiDocument): RlsApply {
  if (last >= 0 && doc.version <= last) return RlsApply.Stale;
  if (doc.fullState) return RlsApply.Applied;
  return last < 0 || doc.version !== last + 1 ? RlsApply.NeedResubscribe : RlsApply.Applied;
}
