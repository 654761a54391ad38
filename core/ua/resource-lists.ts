// Resource-list subscriptions in the UA (RFC 4662): a NOTIFY on a subscription made with
// `eventlist: true` whose body is multipart/related (RLMI root + one part per resource) is read
// by the bounded RlsBodyReader, applied to that subscription's ResourceList (full and partial
// versions, §5.2), and turned into per-resource events plus one list event (list-events.ts).
//
// Optional like session-mode IM: the UA only holds a type-only reference; a phone that never
// calls `ua.enableResourceLists(resourceListsModule)` does not carry the RLS readers.
//
// Version gaps (RFC 4662 §5.2): a partial notification must be exactly one version above the
// last; after a gap a notification was lost. We apply what the partial says (it is newer than
// what we have) and refresh the subscription at once; the refresh's NOTIFY carries full state
// (RFC 6665 §4.2.2), which replaces the table. A version at or below the last is ignored.
import { RlsBodyReader, RlsBodyError, rlsBodyErrorName, DEFAULT_RLS_BODY_LIMITS, type RlsBodyLimits } from '../presence/rls/related-body.js';
import { ResourceList, RlsApply, ResourceStatus, DEFAULT_RLS_LIST_LIMITS, type RlsListLimits, type ListResource } from '../presence/rls/resource-list.js';
import { InstanceState } from '../presence/rls/rlmi.js';
import { ByteSlot } from '../presence/rls/byte-slot.js';
import { PresenceDisplay } from '../presence/documents/pidf-effective.js';
import { DialogInfoReader, DialogState } from '../packages/dialog-info.js';
import { stringToUtf8 } from '../xml/bytes.js';
import { decodeText, type SipMessageView } from '../sip/view.js';
import { H } from '../sip/header-ids.js';
import type { ListEvent, ListOutcome, ListPresenceDisplay, ListResourceDialogs, ListResourceState } from './list-events.js';

export interface ResourceListOptions {
  /** List subscriptions tracked at once (each holds a preallocated table); default 2. */
  readonly maxLists?: number;
  readonly listLimits?: RlsListLimits;
  readonly bodyLimits?: RlsBodyLimits;
  /** Preferred xml:lang of presence notes (default: the note without xml:lang). */
  readonly lang?: string;
}

/** What the list module may ask of the UA. */
export interface ResourceListPort {
  event(e: ListEvent): void;
  /** Refresh subscription `id` now (full state follows); false when it cannot go now. */
  refresh(id: number, now: number): boolean;
  warn(now: number, code: string, message: string): void;
}

const DISPLAY_NAMES: Readonly<Record<PresenceDisplay, ListPresenceDisplay>> = {
  [PresenceDisplay.Unknown]: 'unknown', [PresenceDisplay.Offline]: 'offline', [PresenceDisplay.Available]: 'available',
  [PresenceDisplay.Away]: 'away', [PresenceDisplay.Busy]: 'busy', [PresenceDisplay.OnThePhone]: 'on-the-phone', [PresenceDisplay.InMeeting]: 'in-meeting',
};
const STATUS_NAMES: Readonly<Record<ResourceStatus, ListResourceState>> = {
  [ResourceStatus.Unknown]: 'unknown', [ResourceStatus.Pending]: 'pending', [ResourceStatus.Active]: 'active', [ResourceStatus.Terminated]: 'terminated',
};
const OUTCOMES: Readonly<Record<RlsApply, ListOutcome>> = {
  [RlsApply.Applied]: 'applied', [RlsApply.Stale]: 'stale', [RlsApply.NeedResubscribe]: 'refreshing',
  [RlsApply.TooManyResources]: 'overflow', [RlsApply.BadBody]: 'bad-body',
};
// RFC 4235 §4.1.2 dialog states, the one a lamp must show first ranking highest; terminated
// dialogs are idle lines.
const DIALOG_RANK: Readonly<Record<DialogState, number>> = {
  [DialogState.Terminated]: 0, [DialogState.Unknown]: 1, [DialogState.Trying]: 2, [DialogState.Proceeding]: 3,
  [DialogState.Confirmed]: 4, [DialogState.Early]: 5,
};
const DIALOG_NAMES: Readonly<Record<DialogState, ListResourceDialogs['state']>> = {
  [DialogState.Terminated]: 'idle', [DialogState.Unknown]: 'unknown', [DialogState.Trying]: 'trying',
  [DialogState.Proceeding]: 'proceeding', [DialogState.Confirmed]: 'confirmed', [DialogState.Early]: 'early',
};

const NO_BODY = new Uint8Array(0);
// RFC 3261 §7.3.1: a header folded over lines means the same as one line with a space.
const FOLD = /\r?\n[ \t]+/g;

class TrackedList {
  subscriptionId = -1;
  callId = '';
  readonly table: ResourceList;
  /** URI last reported per table slot (empty = none), to report resources a notification removed. */
  readonly reported: ByteSlot[];
  /** The same as text, for the `removed` event. */
  readonly reportedText: string[];
  constructor(limits: RlsListLimits) {
    this.table = new ResourceList(limits);
    this.reported = Array.from({ length: limits.maxResources }, () => new ByteSlot(limits.uriBytes));
    this.reportedText = new Array<string>(limits.maxResources).fill('');
  }

  forgetReported(): void {
    for (let i = 0; i < this.reported.length; i++) { this.reported[i]!.clear(); this.reportedText[i] = ''; }
  }
}

export class ResourceListSubscriptions {
  private readonly lists: TrackedList[];
  private readonly reader: RlsBodyReader;
  private readonly dialogReader = new DialogInfoReader();
  private readonly langBytes: Uint8Array | null;

  constructor(private readonly port: ResourceListPort, options: ResourceListOptions = {}) {
    const limits = options.listLimits ?? DEFAULT_RLS_LIST_LIMITS;
    this.lists = Array.from({ length: options.maxLists ?? 2 }, () => new TrackedList(limits));
    this.reader = new RlsBodyReader(options.bodyLimits ?? DEFAULT_RLS_BODY_LIMITS);
    if (options.lang !== undefined && options.lang !== '') {
      const buf = new Uint8Array(options.lang.length * 3);
      const end = stringToUtf8(options.lang, buf, 0, buf.length);
      this.langBytes = end < 0 ? null : buf.subarray(0, end);
    } else {
      this.langBytes = null;
    }
  }

  /** The table of subscription `id` (null when it has had no list NOTIFY). */
  table(id: number): ResourceList | null {
    const t = this.find(id);
    return t === null ? null : t.table;
  }

  /**
   * A NOTIFY the UA accepted (200) on list subscription `id` (dialog Call-ID `callId`). A body that
   * is not multipart/related (an empty pending NOTIFY, a single resource's document) is not a
   * list notification: nothing happens (the UA's `notify` event carries it).
   */
  onNotify(id: number, callId: string, event: string, view: SipMessageView, now: number): void {
    if (view.bodyLen === 0) return;
    const ct = view.find(H.CONTENT_TYPE);
    if (ct < 0) return;
    const reader = this.reader;
    const typeOff = view.valueOff[ct]!;
    const code = reader.read(view.buf, typeOff, typeOff + view.valueLen[ct]!, view.buf, view.bodyOff, view.bodyOff + view.bodyLen);
    if (code === RlsBodyError.NotRelated || code === RlsBodyError.BadContentType) return;
    const tracked = this.track(id, callId, now);
    if (tracked === null) return;
    const table = tracked.table;
    if (code !== RlsBodyError.None) {
      this.listEvent(tracked, event, RlsApply.BadBody, rlsBodyErrorName(code), now);
      return;
    }
    table.lang = this.langBytes;
    const before = table.version;
    const result = table.apply(reader, now);
    if (result !== RlsApply.Stale) {
      // The reader still holds the document just applied: report what it listed, then what left.
      this.reportListed(tracked, reader, event, table.uri.text(), now);
      this.reportRemoved(tracked, event, now);
    }
    if (result === RlsApply.NeedResubscribe) {
      this.port.warn(now, 'list-version-gap', `list subscription ${id}: version ${reader.rlmi.document.version} after ${before} (partial): refreshing for full state (RFC 4662 §5.2)`);
      this.port.refresh(id, now);
    }
    this.listEvent(tracked, event, result, '', now);
  }

  /** The subscription ended or failed: what the list said is no longer known. */
  ended(id: number): void {
    const t = this.find(id);
    if (t === null) return;
    t.table.clear();
    t.forgetReported();
    t.subscriptionId = -1;
    t.callId = '';
  }

  private find(id: number): TrackedList | null {
    for (let i = 0; i < this.lists.length; i++) if (this.lists[i]!.subscriptionId === id) return this.lists[i]!;
    return null;
  }

  private track(id: number, callId: string, now: number): TrackedList | null {
    let t = this.find(id);
    if (t === null) {
      for (let i = 0; i < this.lists.length && t === null; i++) if (this.lists[i]!.subscriptionId < 0) t = this.lists[i]!;
      if (t === null) {
        this.port.warn(now, 'lists-full', `list subscription ${id}: all ${this.lists.length} list tables are in use; raise maxLists`);
        return null;
      }
      t.subscriptionId = id;
      t.callId = callId;
      t.table.clear();
      t.forgetReported();
    } else if (t.callId !== callId) {
      // A new dialog (fresh SUBSCRIBE after a failure) starts a new version sequence (§5.2).
      t.callId = callId;
      t.table.newSubscription();
    }
    return t;
  }

  private reportListed(tracked: TrackedList, reader: RlsBodyReader, event: string, listUri: string, now: number): void {
    const table = tracked.table;
    const doc = reader.rlmi.document;
    const pool = doc.pool.bytes;
    for (let ri = 0; ri < doc.resourceCount; ri++) {
      const res = doc.resources[ri]!;
      const slot = table.find(pool, res.uri.start, res.uri.end);
      if (slot < 0) continue; // did not fit the table (counted in `overflowed`)
      const entry = table.resources[slot]!;
      // The part of the latest instance that has one (active instances first).
      let part = -1;
      let partActive = false;
      for (let k = 0; k < res.instanceCount; k++) {
        const inst = doc.instances[res.firstInstance + k]!;
        if (inst.cid.isEmpty) continue;
        const p = reader.partForCid(inst.cid);
        if (p < 0) continue;
        const active = inst.state === InstanceState.Active;
        if (part < 0 || active || !partActive) { part = p; partActive = active; }
      }
      const uri = entry.uri.text();
      // A slot freed by a nested list's full state and reused here: its old resource left.
      if (tracked.reportedText[slot] !== '' && !entry.uri.equalsSlot(tracked.reported[slot]!)) this.removed(tracked, slot, event, now);
      tracked.reported[slot]!.copyFrom(entry.uri);
      tracked.reportedText[slot] = uri;
      const isNested = part >= 0 && reader.partIsList(part);
      const contentType = part >= 0 && reader.partTypeOff[part]! >= 0 ? decodeText(reader.buffer, reader.partTypeOff[part]!, reader.partTypeEnd[part]! - reader.partTypeOff[part]!).replace(FOLD, ' ') : '';
      const body = part >= 0 && !isNested ? reader.buffer.slice(reader.partBodyOff[part]!, reader.partBodyEnd[part]!) : NO_BODY;
      this.port.event({
        kind: 'list-resource', subscriptionId: tracked.subscriptionId, event, list: listUri, uri, name: entry.name.text(),
        state: STATUS_NAMES[entry.status], reason: entry.terminationReason(), isList: entry.isList || isNested,
        contentType, body,
        presence: event === 'presence' && !entry.isList ? { display: DISPLAY_NAMES[entry.display], note: entry.noteText(), activities: entry.activities } : null,
        dialog: part >= 0 && !isNested && reader.partIs(part, 'application', 'dialog-info+xml') ? this.dialogSummary(reader, part) : null,
        at: now,
      });
      // Members of a nested list (RFC 4662 §6 step 13) follow as their own events.
      if (isNested && reader.readNested(part) === RlsBodyError.None && reader.child !== null) {
        this.reportListed(tracked, reader.child, event, uri, now);
      }
    }
  }

  private reportRemoved(tracked: TrackedList, event: string, now: number): void {
    const table = tracked.table;
    for (let i = 0; i < table.resources.length; i++) {
      if (tracked.reportedText[i] === '') continue;
      const r: ListResource = table.resources[i]!;
      if (r.inUse && r.uri.equalsSlot(tracked.reported[i]!)) continue;
      this.removed(tracked, i, event, now);
    }
  }

  private removed(tracked: TrackedList, slot: number, event: string, now: number): void {
    const was = tracked.reportedText[slot]!;
    tracked.reported[slot]!.clear();
    tracked.reportedText[slot] = '';
    this.port.event({
      kind: 'list-resource', subscriptionId: tracked.subscriptionId, event, list: tracked.table.uri.text(), uri: was, name: '',
      state: 'removed', reason: '', isList: false, contentType: '', body: NO_BODY, presence: null, dialog: null, at: now,
    });
  }

  private dialogSummary(reader: RlsBodyReader, part: number): ListResourceDialogs | null {
    const d = this.dialogReader;
    if (d.read(reader.buffer, reader.partBodyOff[part]!, reader.partBodyEnd[part]!) !== 0) return null;
    const doc = d.document;
    let best: DialogState = DialogState.Terminated;
    for (let i = 0; i < doc.dialogCount; i++) {
      const s = doc.dialogs[i]!.state;
      if (DIALOG_RANK[s] > DIALOG_RANK[best]) best = s;
    }
    return { dialogs: doc.dialogCount, state: DIALOG_NAMES[best], version: doc.version };
  }

  private listEvent(tracked: TrackedList, event: string, result: RlsApply, error: string, now: number): void {
    const t = tracked.table;
    const doc = this.reader.rlmi.document;
    this.port.event({
      kind: 'list', subscriptionId: tracked.subscriptionId, event, uri: t.uri.text(), version: t.version,
      fullState: result === RlsApply.BadBody ? false : doc.fullState, outcome: OUTCOMES[result], resources: t.count,
      overflowed: t.overflowed, unreadableParts: t.unreadableParts, error, at: now,
    });
  }
}

/** Pass to `UserAgent.enableResourceLists` (rather than imported by the UA, so it stays optional). */
export function resourceListsModule(port: ResourceListPort, options?: ResourceListOptions): ResourceListSubscriptions {
  return new ResourceListSubscriptions(port, options);
}
