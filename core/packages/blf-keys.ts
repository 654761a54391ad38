// The busy-lamp-field keys of a phone: per key a monitored target URI, its dialog-info state
// (RFC 4235, kept by BusyLampTarget: full/partial versions, several dialogs bounded) and the
// state of the key's subscription (RFC 6665). The key shows Unknown — not Idle — whenever the
// subscription is not delivering state (failed, backing off, ended, not yet notified): a dead
// subscription must never look like a free line (user-demands row 2; tSIP #20).
import type { XmlScratch } from '../xml/scratch.js';
import { DialogInfoReader, DEFAULT_DIALOG_INFO_LIMITS, PresenceDocError, type DialogInfoLimits } from './dialog-info.js';
import { BusyLampTarget, BlfMerge, BlfState, DEFAULT_BLF_LIMITS, type BlfLimits } from './dialog-info-blf.js';
import { ContentTypeValue, decodeContentType } from '../sip/decode/content-type.js';
import { isLive, type SubscriptionState } from '../event/states.js';
import { ByteSlot } from '../presence/rls/byte-slot.js';

export { BlfState } from './dialog-info-blf.js';

export const BlfKeyUpdate = {
  Applied: 0,
  /** A repeated or older version: ignored. */
  Stale: 1,
  /** Applied, but a partial document came without its base: refresh the subscription. */
  NeedResubscribe: 2,
  /** Empty body (RFC 6665 §4.1.3): nothing changed. */
  NoChange: 3,
  /** Not application/dialog-info+xml: nothing changed. */
  WrongType: 4,
  /** Not a readable dialog-info document (see lastBodyError): nothing changed. */
  BadBody: 5,
  /** No configured key at that index. */
  NoKey: 6,
} as const;
export type BlfKeyUpdate = typeof BlfKeyUpdate[keyof typeof BlfKeyUpdate];

const MERGE_TO_UPDATE: Readonly<Record<BlfMerge, BlfKeyUpdate>> = {
  [BlfMerge.Applied]: BlfKeyUpdate.Applied,
  [BlfMerge.Stale]: BlfKeyUpdate.Stale,
  [BlfMerge.NeedFullState]: BlfKeyUpdate.NeedResubscribe,
};

const LABEL_BYTES = 32;
const REASON_BYTES = 24;

/** What an unconfigured key's text slots point at: no bytes (nothing reads them before configure()). */
const NO_TEXT = new ByteSlot(0);

export class BlfKey {
  inUse = false;
  /**
   * The monitored URI, the label and the reason share one buffer made by the first configure():
   * until then they are an empty placeholder, so the keys of a board that monitor nobody cost
   * no buffers (in QuickJS one buffer and its three views are ~0.7 KiB per key).
   */
  target: ByteSlot = NO_TEXT;
  label: ByteSlot = NO_TEXT;
  readonly lamp: BusyLampTarget;
  /** The key's subscription state as the UA's SubscriptionMachine reports it. */
  subscription: SubscriptionState = 'idle';
  /** Why the subscription is not live (status code or terminated reason), '' when it is. */
  reason: ByteSlot = NO_TEXT;
  constructor(blf: BlfLimits, private readonly uriBytes: number) {
    // The dialog slots (most of a key's memory) wait for configure() as well.
    this.lamp = new BusyLampTarget(blf, { deferSlots: true });
  }
  /** Allocates the text slots and the dialog slots (configuration time, once). */
  reserve(): void {
    if (this.target === NO_TEXT) {
      const uriBytes = this.uriBytes;
      const arena = new Uint8Array(uriBytes + LABEL_BYTES + REASON_BYTES);
      this.target = new ByteSlot(uriBytes, arena, 0);
      this.label = new ByteSlot(LABEL_BYTES, arena, uriBytes);
      this.reason = new ByteSlot(REASON_BYTES, arena, uriBytes + LABEL_BYTES);
    }
    this.lamp.reserveSlots();
  }
  /** What the key shows. */
  get state(): BlfState {
    return this.lamp.state;
  }
}

export interface BlfKeysConfig {
  readonly keys: number;
  readonly blf: BlfLimits;
  readonly dialogInfo: DialogInfoLimits;
  readonly uriBytes: number;
  /**
   * XML stacks and text shared with the application's other readers (core/xml/scratch.ts, sized
   * with dialogInfoScratchSize): a NOTIFY's dialog-info is read and merged within onDialogNotify.
   */
  readonly scratch?: XmlScratch;
}
export const DEFAULT_BLF_KEYS_CONFIG: BlfKeysConfig = { keys: 8, blf: DEFAULT_BLF_LIMITS, dialogInfo: DEFAULT_DIALOG_INFO_LIMITS, uriBytes: 128 };

export class BlfKeys {
  readonly keys: readonly BlfKey[];
  lastBodyError: PresenceDocError = PresenceDocError.None;
  private readonly reader: DialogInfoReader;
  private readonly contentType = new ContentTypeValue();

  constructor(readonly config: BlfKeysConfig = DEFAULT_BLF_KEYS_CONFIG) {
    this.keys = Array.from({ length: config.keys }, () => new BlfKey(config.blf, config.uriBytes));
    this.reader = new DialogInfoReader(config.dialogInfo, config.scratch);
  }

  /** Assigns a target to key `index` (configuration time); its state is Unknown until notified. */
  configure(index: number, targetUri: string, label: string): boolean {
    const key = this.keys[index];
    if (key === undefined) return false;
    key.reserve();
    key.inUse = true;
    key.target.setText(targetUri);
    key.label.setText(label);
    key.subscription = 'idle';
    key.reason.clear();
    key.lamp.subscriptionFailed();
    return true;
  }

  /** Key index monitoring this target URI, or -1. */
  find(uri: Uint8Array, start = 0, end = uri.length): number {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i]!.inUse && this.keys[i]!.target.equals(uri, start, end)) return i;
    return -1;
  }

  /** A dialog-package NOTIFY for key `index`: Content-Type value and body. */
  onDialogNotify(index: number, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number): BlfKeyUpdate {
    const key = this.keys[index];
    if (key === undefined || !key.inUse) return BlfKeyUpdate.NoKey;
    if (bodyEnd <= bodyOff) return BlfKeyUpdate.NoChange;
    const ct = this.contentType;
    if (decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0 || !ct.is(typeBuf, 'application', 'dialog-info+xml')) return BlfKeyUpdate.WrongType;
    const code = this.reader.read(body, bodyOff, bodyEnd);
    if (code !== PresenceDocError.None) { this.lastBodyError = code; return BlfKeyUpdate.BadBody; }
    return MERGE_TO_UPDATE[key.lamp.apply(this.reader.document)];
  }

  /**
   * The key's subscription moved (SubscriptionMachine 'state' events). A fresh subscription
   * starts a new version sequence (RFC 4235 §4.1.2); leaving the live states makes the key
   * Unknown. `reason`: the terminated reason or failing status, '' otherwise.
   */
  onSubscription(index: number, state: SubscriptionState, reason: string): void {
    const key = this.keys[index];
    if (key === undefined || !key.inUse) return;
    key.subscription = state;
    // 'subscribing' is only entered for a new dialog (initial, after 481, after re-registration;
    // refreshes go through 'refreshing'): its NOTIFYs start a new version sequence. The state
    // shown stays until the new subscription answers or fails.
    if (state === 'subscribing') key.lamp.newSubscription();
    if (!isLive(state) && state !== 'subscribing' && state !== 'notify-wait') {
      key.lamp.subscriptionFailed();
      key.reason.setText(reason);
    } else if (isLive(state)) {
      key.reason.clear();
    }
  }
}
