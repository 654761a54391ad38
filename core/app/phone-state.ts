// The phone's state as the lamps and the display see it, kept up to date from the UA's events.
// Pure glue between core/ua (what happened on the wire) and core/indicators (what to show): UA
// events in → IndicatorInput out, through the tables that already know the rules —
// core/packages/blf-keys (RFC 4235 dialog state per key; a dead subscription is Unknown, never
// Idle), core/packages/mwi (RFC 3842 message-summary, solicited or unsolicited) and
// core/presence/buddies (RFC 3856 PIDF per watched URI; Unknown is not Offline).
//
// The UA never calls back and this class never sends: the application subscribes with the UA,
// tells this class which subscription id feeds what (`watch`), and hands every UA event to
// `onUaEvent`. When it returns `changed`, the host gives `input` to the IndicatorScheduler.
// One thing needs a command from the host: a partial dialog-info without its base (RFC 4235
// §4.1.2) asks for a fresh subscription (`resubscribe` in the returned effect).
import type { UaEvent } from '../ua/events.js';
import type { RegistrationState as UaRegistrationState } from '../registration/states.js';
import type { SubscriptionState } from '../event/states.js';
import { initialIndicatorInput, type BlfState, type IndicatorInput, type PresenceStatus, type RegistrationState } from '../indicators/input.js';
import { BlfKeys, BlfKeyUpdate, BlfState as DialogBlfState, DEFAULT_BLF_KEYS_CONFIG } from '../packages/blf-keys.js';
import { MwiLamps } from '../packages/mwi.js';
import { MessagesWaiting } from '../packages/message-summary.js';
import { BuddySource, BuddySubscription, BuddyTable, DEFAULT_BUDDY_TABLE_LIMITS } from '../presence/buddies.js';
import type { PresenceStates } from '../presence/presence-states.js';
import { DEFAULT_PIDF_LIMITS } from '../presence/documents/pidf-model.js';
import { utf8Encode, utf8Length } from '../bytes/utf8.js';
import type { XmlScratch } from '../xml/scratch.js';

/** What a subscription of the UA feeds. */
export type WatchKind = 'blf' | 'mwi' | 'buddy';

export interface PhoneStateOptions {
  /** Own name or number, shown on the first display line. */
  readonly identity: string;
  /** BLF keys of the board (IndicatorInput.blf has this many entries). */
  readonly blfKeys: number;
  /** Buddy table size (default 32). */
  readonly maxBuddies?: number;
  /**
   * XML stacks and text for the BLF keys' dialog-info reader and the buddies' PIDF reader, shared
   * with the application's other readers (core/xml/scratch.ts; size it with dialogInfoScratchSize()
   * and pidfScratchSize()).
   */
  readonly scratch?: XmlScratch;
}

/** What one UA event did to the phone state. The object is reused by the next call. */
export interface PhoneStateEffect {
  /** `input` differs from before the event: hand it to the indicator scheduler. */
  changed: boolean;
  /** A subscription id to restart (unsubscribe + subscribe again), or -1. */
  resubscribe: number;
}

// UA registration machine → the four states the indicators distinguish. A refresh in flight is
// still registered; backing off after a failure is not (the phone cannot be reached).
const REGISTRATION: Readonly<Record<UaRegistrationState, RegistrationState>> = {
  'unregistered': 'unregistered',
  'registering': 'registering',
  'registered': 'registered',
  'refreshing': 'registered',
  'backing-off': 'failed',
  'unregistering': 'unregistered',
  'failed': 'failed',
};

// core/packages BLF states (numbers, RFC 4235 meaning) → core/indicators key states (names).
const BLF_STATE: Readonly<Record<DialogBlfState, BlfState>> = {
  [DialogBlfState.Unknown]: 'unknown',
  [DialogBlfState.Idle]: 'idle',
  [DialogBlfState.Ringing]: 'ringing',
  [DialogBlfState.Dialling]: 'dialling',
  [DialogBlfState.Busy]: 'talking',
  [DialogBlfState.Held]: 'held',
};

// RFC 6665 subscriber states → the buddy table's subscription column; null: no change (a
// request in flight keeps what the buddy showed until the answer decides).
const BUDDY_SUBSCRIPTION: Readonly<Record<SubscriptionState, BuddySubscription | null>> = {
  'idle': null,
  'subscribing': null,
  'notify-wait': null,
  'pending': BuddySubscription.Pending,
  'active': BuddySubscription.Active,
  'refreshing': null,
  'backing-off': BuddySubscription.Failed,
  'unsubscribing': null,
  'terminated': BuddySubscription.Ended,
  'failed': BuddySubscription.Failed,
};

/** The MWI account slot: one account per phone here (the UA has one AoR). */
const MWI_ACCOUNT = 0;
const CONTENT_TYPE_SCRATCH = 256;

interface Watch { kind: WatchKind; index: number }

export class PhoneState {
  /** What the indicator engine reads; mutated in place (the scheduler expects that). */
  readonly input: IndicatorInput;
  readonly blf: BlfKeys;
  readonly mwi: MwiLamps;
  readonly buddies: BuddyTable;
  private readonly watches = new Map<number, Watch>();
  private readonly effect: PhoneStateEffect = { changed: false, resubscribe: -1 };
  private readonly typeBytes = new Uint8Array(CONTENT_TYPE_SCRATCH);
  private presenceStates: PresenceStates | null = null;

  constructor(options: PhoneStateOptions) {
    this.input = initialIndicatorInput(options.identity, options.blfKeys);
    this.blf = new BlfKeys({ ...DEFAULT_BLF_KEYS_CONFIG, keys: options.blfKeys, ...(options.scratch !== undefined ? { scratch: options.scratch } : {}) });
    this.mwi = new MwiLamps(1);
    this.buddies = new BuddyTable({ ...DEFAULT_BUDDY_TABLE_LIMITS, maxBuddies: options.maxBuddies ?? DEFAULT_BUDDY_TABLE_LIMITS.maxBuddies }, DEFAULT_PIDF_LIMITS, options.scratch);
  }

  /**
   * The table the UA keeps presence in (ua.trackPresence(states)): buddies then follow `presence`
   * events, read from that table, instead of `notify` events with a copy of the body — the
   * allocation-free path (bench/presence.ts).
   */
  usePresenceStates(states: PresenceStates): void {
    this.presenceStates = states;
  }

  /** Key `index` monitors `target` (its dialog state); it shows Unknown until notified. */
  configureBlfKey(index: number, target: string, label: string): boolean {
    if (!this.blf.configure(index, target, label)) return false;
    this.sync();
    return true;
  }

  /** The own voicemail account; `acceptUnsolicited`: take MWI the server pushes without a SUBSCRIBE. */
  configureMwi(aor: string, acceptUnsolicited = true): void {
    this.mwi.configure(MWI_ACCOUNT, aor, acceptUnsolicited);
    this.sync();
  }

  /** A watched buddy (own presence subscription); returns its slot or -1 when the table is full. */
  addBuddy(uri: string, name: string): number {
    return this.buddies.add(uri, name, BuddySource.Direct);
  }

  /**
   * `subscriptionId` (from ua.subscribe) feeds BLF key `index`, the MWI account, or buddy slot
   * `index`. Call it right after subscribe(), before handing the UA's next events in.
   */
  watch(subscriptionId: number, kind: WatchKind, index = 0): void {
    this.watches.set(subscriptionId, { kind, index });
  }

  /** Own presence as the user set it (the application also PUBLISHes it). */
  setOwnPresence(status: PresenceStatus, note: string): boolean {
    const changed = this.input.presence !== status || this.input.presenceNote !== note;
    this.input.presence = status;
    this.input.presenceNote = note;
    return changed;
  }

  /** The user read the page-mode messages: the message lamp stops showing them. */
  markImRead(): boolean {
    const changed = this.input.unreadIm !== 0;
    this.input.unreadIm = 0;
    return changed;
  }

  onUaEvent(e: UaEvent, now: number): PhoneStateEffect {
    const effect = this.effect;
    effect.changed = false;
    effect.resubscribe = -1;
    switch (e.kind) {
      case 'registration': {
        const next = REGISTRATION[e.state];
        if (next !== this.input.registration) { this.input.registration = next; effect.changed = true; }
        return effect;
      }
      case 'message':
        this.input.unreadIm++;
        effect.changed = true;
        return effect;
      case 'subscription':
        this.onSubscription(e.id, e.state, e.reason !== '' ? e.reason : e.status > 0 ? String(e.status) : '', now);
        break;
      case 'notify':
        this.onNotify(e.subscriptionId, e.event, e.contentType, e.body, now);
        break;
      case 'presence': {
        const w = this.watches.get(e.subscriptionId);
        const s = this.presenceStates?.get(e.subscriptionId);
        if (w === undefined || w.kind !== 'buddy' || s === undefined) return effect;
        this.buddies.onPresenceState(w.index, s, now);
        break;
      }
      default:
        return effect;
    }
    effect.changed = this.sync();
    return effect;
  }

  private onSubscription(id: number, state: SubscriptionState, reason: string, now: number): void {
    const w = this.watches.get(id);
    if (w === undefined) return;
    switch (w.kind) {
      case 'blf':
        this.blf.onSubscription(w.index, state, reason);
        return;
      case 'mwi':
        this.mwi.onSubscription(MWI_ACCOUNT, state, now);
        return;
      case 'buddy': {
        const mapped = BUDDY_SUBSCRIPTION[state];
        if (mapped !== null) this.buddies.onSubscription(w.index, mapped, reason, now);
        return;
      }
    }
  }

  private onNotify(id: number | null, event: string, contentType: string, body: Uint8Array, now: number): void {
    const typeLen = this.contentTypeBytes(contentType);
    const type = typeLen <= CONTENT_TYPE_SCRATCH ? this.typeBytes : encoded(contentType);
    // RFC 3842 §3: a message-summary NOTIFY outside any subscription (the server pushes MWI).
    if (id === null) {
      if (event === 'message-summary') this.mwi.onNotify(MWI_ACCOUNT, false, type, 0, typeLen, body, 0, body.length, now);
      return;
    }
    const w = this.watches.get(id);
    if (w === undefined) return;
    switch (w.kind) {
      case 'blf':
        if (this.blf.onDialogNotify(w.index, type, 0, typeLen, body, 0, body.length) === BlfKeyUpdate.NeedResubscribe) this.effect.resubscribe = id;
        return;
      case 'mwi':
        this.mwi.onNotify(MWI_ACCOUNT, true, type, 0, typeLen, body, 0, body.length, now);
        return;
      case 'buddy':
        this.buddies.onPresenceNotify(w.index, type, 0, typeLen, body, 0, body.length, now);
        return;
    }
  }

  /** The Content-Type value as bytes in the scratch buffer; returns its length. */
  private contentTypeBytes(text: string): number {
    const n = utf8Length(text);
    if (n <= CONTENT_TYPE_SCRATCH) utf8Encode(text, this.typeBytes, 0);
    return n;
  }

  /** Copies the tables into `input`; true when something the indicators read changed. */
  private sync(): boolean {
    let changed = false;
    const keys = this.blf.keys;
    const blf = this.input.blf as { state: BlfState; label: string; caller: string }[];
    for (let i = 0, n = blf.length; i < n; i++) {
      const key = keys[i];
      const entry = blf[i]!;
      if (key === undefined || !key.inUse) continue;
      const state = BLF_STATE[key.state];
      const label = key.label.text();
      const caller = state === 'ringing' ? (key.lamp.callerDisplay || key.lamp.callerIdentity) : '';
      if (entry.state !== state || entry.label !== label || entry.caller !== caller) {
        entry.state = state;
        entry.label = label;
        entry.caller = caller;
        changed = true;
      }
    }
    const a = this.mwi.accounts[MWI_ACCOUNT]!;
    const m = this.input.messages;
    const waiting = a.inUse && a.waiting === MessagesWaiting.Yes;
    const newCount = a.inUse ? Math.max(0, a.newMessages) : 0;
    const oldCount = a.inUse ? Math.max(0, a.oldMessages) : 0;
    const urgentNew = a.inUse ? Math.max(0, a.urgentNew) : 0;
    if (m.waiting !== waiting || m.newCount !== newCount || m.oldCount !== oldCount || m.urgentNew !== urgentNew) {
      m.waiting = waiting;
      m.newCount = newCount;
      m.oldCount = oldCount;
      m.urgentNew = urgentNew;
      changed = true;
    }
    return changed;
  }
}

function encoded(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  utf8Encode(text, out, 0);
  return out;
}
