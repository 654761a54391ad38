// Busy-lamp-field state of one monitored user (one BLF key), kept across dialog-info NOTIFYs.
// RFC 4235 §4.1.2: full documents replace what we know; partial ones change only the dialogs
// they list, and versions must go up by exactly one. The key's state is derived from the
// tracked dialogs by the tables below; Unknown (the subscription failed or no state yet) is
// deliberately distinct from Idle, so a dead subscription never shows a free line.
import { DialogDirection, DialogState, type DialogEntry, type DialogInfoDocument } from './dialog-info.js';
import { utf8ToString } from '../xml/bytes.js';
import type { Span } from '../presence/documents/text-pool.js';
import { TypedArena } from '../bytes/typed-arena.js';

export const BlfState = { Unknown: 0, Idle: 1, Ringing: 2, Dialling: 3, Busy: 4, Held: 5 } as const;
export type BlfState = typeof BlfState[keyof typeof BlfState];

export const BlfMerge = {
  Applied: 0,
  /** version not newer than the last applied one: ignored (a reordered or repeated NOTIFY). */
  Stale: 1,
  /** A partial document without a base (no full state yet, or versions skipped): applied as far
   *  as possible, but the caller should refresh the subscription to get full state. */
  NeedFullState: 2,
} as const;
export type BlfMerge = typeof BlfMerge[keyof typeof BlfMerge];

// What one dialog means for the key: [state][direction: Unknown, Initiator, Recipient].
// An early dialog with no direction is taken as ringing: the usual reason a BLF key exists.
const DIALOG_MEANING: Readonly<Record<DialogState, readonly [BlfState, BlfState, BlfState]>> = {
  [DialogState.Unknown]: [BlfState.Busy, BlfState.Busy, BlfState.Busy],
  [DialogState.Trying]: [BlfState.Dialling, BlfState.Dialling, BlfState.Ringing],
  [DialogState.Proceeding]: [BlfState.Dialling, BlfState.Dialling, BlfState.Ringing],
  [DialogState.Early]: [BlfState.Ringing, BlfState.Dialling, BlfState.Ringing],
  [DialogState.Confirmed]: [BlfState.Busy, BlfState.Busy, BlfState.Busy],
  [DialogState.Terminated]: [BlfState.Idle, BlfState.Idle, BlfState.Idle],
};

// With several dialogs the strongest wins: a ringing call must show even during another call.
const PRECEDENCE: readonly BlfState[] = [BlfState.Idle, BlfState.Held, BlfState.Dialling, BlfState.Busy, BlfState.Ringing];
const RANK: Readonly<Record<BlfState, number>> = {
  [BlfState.Unknown]: -1, [BlfState.Idle]: 0, [BlfState.Held]: 1, [BlfState.Dialling]: 2, [BlfState.Busy]: 3, [BlfState.Ringing]: 4,
};

export interface BlfLimits {
  readonly maxDialogs: number;
  readonly idBytes: number;
  readonly identityBytes: number;
  readonly displayBytes: number;
}
export const DEFAULT_BLF_LIMITS: BlfLimits = { maxDialogs: 4, idBytes: 64, identityBytes: 128, displayBytes: 64 };

// Per tracked dialog, kept as columns (no object per dialog or per copied value: in QuickJS each
// object, and each view of the text buffer, costs ~80-150 bytes, which was most of a key):
//   meta[4i..4i+3]  in use, DialogState, DialogDirection, held (+sip.rendering=no, §6.2)
//   lens[3i..3i+2]  bytes kept of the id, the remote identity and the remote display name
//   text            copies of the id, identity and display, idBytes + identityBytes + displayBytes per dialog
// The document's pool is reused by the next NOTIFY, hence the copies; longer values are truncated.
const META = 4;
const M_IN_USE = 0;
const M_STATE = 1;
const M_DIRECTION = 2;
const M_HELD = 3;
const LENS = 3;
const L_ID = 0;
const L_IDENTITY = 1;
const L_DISPLAY = 2;
const NO_BYTES = new Uint8Array(0);
const NO_LENGTHS = new Uint16Array(0);

export class BusyLampTarget {
  state: BlfState = BlfState.Unknown;
  /** Last applied dialog-info version, -1 before the first full document. */
  version = -1;
  /** Dialogs that did not fit (maxDialogs) in the last document. */
  dropped = 0;
  /** Dialog slots reserved (0 until reserveSlots(), then limits.maxDialogs). */
  private slots = 0;
  private meta: Uint8Array = NO_BYTES;
  private lens: Uint16Array = NO_LENGTHS;
  private text: Uint8Array = NO_BYTES;
  private deciding = -1;

  /**
   * `deferSlots`: allocate the dialog slots only when reserveSlots() is called (BlfKeys does at
   * configuration time), so the keys of a board that monitor nobody cost no slots.
   */
  constructor(readonly limits: BlfLimits = DEFAULT_BLF_LIMITS, options: { readonly deferSlots?: boolean } = {}) {
    if (options.deferSlots !== true) this.reserveSlots();
  }

  /** Allocates the maxDialogs slots (configuration time, once). Before it, every dialog is dropped. */
  reserveSlots(): void {
    const limits = this.limits;
    if (this.slots > 0 || limits.maxDialogs <= 0) return;
    if (Math.max(limits.idBytes, limits.identityBytes, limits.displayBytes) > 0xffff) throw new RangeError('BlfLimits: idBytes, identityBytes and displayBytes must be at most 65535');
    const n = limits.maxDialogs;
    // One buffer for the three columns (core/bytes/typed-arena.ts says why).
    const arena = new TypedArena(n * (2 * LENS + META + this.perDialog()) + 8);
    this.lens = arena.u16(n * LENS);
    this.meta = arena.u8(n * META);
    this.text = arena.u8(n * this.perDialog());
    this.slots = n;
  }

  /** A new subscription starts a new version sequence (§4.1.2); state stays until the first NOTIFY. */
  newSubscription(): void {
    this.version = -1;
  }

  /** The subscription failed or ended: the key's state is not known (not the same as idle). */
  subscriptionFailed(): void {
    this.version = -1;
    for (let i = 0; i < this.slots; i++) this.meta[i * META + M_IN_USE] = 0;
    this.state = BlfState.Unknown;
    this.deciding = -1;
  }

  apply(doc: DialogInfoDocument): BlfMerge {
    const pool = doc.pool.bytes;
    let result: BlfMerge = BlfMerge.Applied;
    if (doc.full) {
      if (this.version >= 0 && doc.version >= 0 && doc.version <= this.version) return BlfMerge.Stale;
      for (let i = 0; i < this.slots; i++) this.meta[i * META + M_IN_USE] = 0;
    } else {
      if (this.version >= 0 && doc.version >= 0 && doc.version <= this.version) return BlfMerge.Stale;
      if (this.version < 0 || doc.version !== this.version + 1) result = BlfMerge.NeedFullState;
    }
    this.dropped = doc.dropped;
    for (let i = 0; i < doc.dialogCount; i++) {
      const entry = doc.dialogs[i]!;
      let slot = this.find(pool, entry.id);
      if (entry.state === DialogState.Terminated) {
        if (slot >= 0) this.meta[slot * META + M_IN_USE] = 0;
        continue;
      }
      if (slot < 0) slot = this.freeSlot();
      if (slot < 0) { this.dropped++; continue; }
      this.set(slot, pool, entry);
    }
    if (doc.version >= 0) this.version = doc.version;
    this.recompute();
    return result;
  }

  /** The dialog that decided the state (for Ringing: the caller), or '' when idle/unknown. */
  get callerIdentity(): string {
    return this.deciding >= 0 ? this.textOf(this.deciding, L_IDENTITY) : '';
  }
  get callerDisplay(): string {
    return this.deciding >= 0 ? this.textOf(this.deciding, L_DISPLAY) : '';
  }
  get activeDialogs(): number {
    let n = 0;
    for (let i = 0; i < this.slots; i++) if (this.meta[i * META + M_IN_USE] !== 0) n++;
    return n;
  }

  private perDialog(): number {
    return this.limits.idBytes + this.limits.identityBytes + this.limits.displayBytes;
  }

  /** Where value `which` (L_*) of dialog `slot` starts in `text`. */
  private offsetOf(slot: number, which: number): number {
    const l = this.limits;
    return slot * this.perDialog() + (which === L_ID ? 0 : which === L_IDENTITY ? l.idBytes : l.idBytes + l.identityBytes);
  }

  private capacityOf(which: number): number {
    const l = this.limits;
    return which === L_ID ? l.idBytes : which === L_IDENTITY ? l.identityBytes : l.displayBytes;
  }

  /** Copies src[span] into value `which` of `slot`, truncated to its capacity. */
  private copy(slot: number, which: number, src: Uint8Array, span: Span): void {
    const n = span.end - span.start;
    const cap = this.capacityOf(which);
    const len = n <= 0 ? 0 : n > cap ? cap : n;
    const at = this.offsetOf(slot, which);
    const text = this.text;
    for (let i = 0; i < len; i++) text[at + i] = src[span.start + i]!;
    this.lens[slot * LENS + which] = len;
  }

  /** Same bytes as src[span] (a truncated copy matches input that starts with it). */
  private equals(slot: number, which: number, src: Uint8Array, span: Span): boolean {
    const n = span.end - span.start;
    const cap = this.capacityOf(which);
    const len = this.lens[slot * LENS + which]!;
    if (n > cap ? len !== cap : n !== len) return false;
    const at = this.offsetOf(slot, which);
    const text = this.text;
    for (let i = 0; i < len; i++) if (text[at + i] !== src[span.start + i]) return false;
    return true;
  }

  private textOf(slot: number, which: number): string {
    const at = this.offsetOf(slot, which);
    return utf8ToString(this.text, at, at + this.lens[slot * LENS + which]!);
  }

  /** Takes what `d` says about the dialog in `slot` (new, or known from an earlier document). */
  private set(slot: number, pool: Uint8Array, d: DialogEntry): void {
    const m = slot * META;
    const meta = this.meta;
    if (meta[m + M_IN_USE] === 0) {
      this.lens[slot * LENS + L_IDENTITY] = 0;
      this.lens[slot * LENS + L_DISPLAY] = 0;
      meta[m + M_DIRECTION] = DialogDirection.Unknown;
    }
    meta[m + M_IN_USE] = 1;
    this.copy(slot, L_ID, pool, d.id);
    meta[m + M_STATE] = d.state;
    // Partial updates may omit attributes and elements they do not change; keep what we knew.
    if (d.direction !== DialogDirection.Unknown) meta[m + M_DIRECTION] = d.direction;
    // §6.2: the monitored user's own target carrying +sip.rendering=no means they hold the call.
    meta[m + M_HELD] = d.local.renderingNo ? 1 : 0;
    if (!d.remote.identity.isEmpty) this.copy(slot, L_IDENTITY, pool, d.remote.identity);
    if (!d.remote.display.isEmpty) this.copy(slot, L_DISPLAY, pool, d.remote.display);
  }

  /** What the dialog in `slot` means for the key. */
  private meaning(slot: number): BlfState {
    const m = slot * META;
    const state = this.meta[m + M_STATE]! as DialogState;
    const s = DIALOG_MEANING[state][this.meta[m + M_DIRECTION]! as DialogDirection];
    return s === BlfState.Busy && state === DialogState.Confirmed && this.meta[m + M_HELD] !== 0 ? BlfState.Held : s;
  }

  private find(pool: Uint8Array, id: Span): number {
    for (let i = 0; i < this.slots; i++) {
      if (this.meta[i * META + M_IN_USE] !== 0 && this.equals(i, L_ID, pool, id)) return i;
    }
    return -1;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.slots; i++) if (this.meta[i * META + M_IN_USE] === 0) return i;
    return -1;
  }

  private recompute(): void {
    let best = 0;
    this.deciding = -1;
    for (let i = 0; i < this.slots; i++) {
      if (this.meta[i * META + M_IN_USE] === 0) continue;
      const rank = RANK[this.meaning(i)];
      if (rank > best || (rank === best && this.deciding < 0 && rank > 0)) { best = rank; this.deciding = i; }
    }
    this.state = PRECEDENCE[best]!;
  }
}
