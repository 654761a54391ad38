// Busy-lamp-field state of one monitored user (one BLF key), kept across dialog-info NOTIFYs.
// RFC 4235 §4.1.2: full documents replace what we know; partial ones change only the dialogs
// they list, and versions must go up by exactly one. The key's state is derived from the
// tracked dialogs by the tables below; Unknown (the subscription failed or no state yet) is
// deliberately distinct from Idle, so a dead subscription never shows a free line.
import { DialogDirection, DialogState, type DialogEntry, type DialogInfoDocument } from './dialog-info.js';
import { utf8ToString } from '../xml/bytes.js';
import type { Span } from '../presence/documents/text-pool.js';

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

/**
 * A fixed-size copy of some bytes (the document's pool is reused by the next NOTIFY). A view into
 * its target's single arena: in QuickJS an ArrayBuffer of its own would cost ~100 bytes more per slot.
 */
class ByteSlot {
  readonly bytes: Uint8Array;
  length = 0;
  truncated = false;
  constructor(arena: Uint8Array, offset: number, size: number) { this.bytes = arena.subarray(offset, offset + size); }
  copy(src: Uint8Array, span: Span): void {
    const n = span.end - span.start;
    this.truncated = n > this.bytes.length;
    this.length = this.truncated ? this.bytes.length : n;
    for (let i = 0; i < this.length; i++) this.bytes[i] = src[span.start + i]!;
  }
  equals(src: Uint8Array, span: Span): boolean {
    const n = span.end - span.start;
    if (n > this.bytes.length ? this.length !== this.bytes.length : n !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (this.bytes[i] !== src[span.start + i]) return false;
    return true;
  }
  text(): string { return utf8ToString(this.bytes, 0, this.length); }
}

class TrackedDialog {
  inUse = false;
  state: DialogState = DialogState.Unknown;
  direction: DialogDirection = DialogDirection.Unknown;
  held = false;
  readonly id: ByteSlot;
  readonly remoteIdentity: ByteSlot;
  readonly remoteDisplay: ByteSlot;
  constructor(limits: BlfLimits, arena: Uint8Array, offset: number) {
    this.id = new ByteSlot(arena, offset, limits.idBytes);
    this.remoteIdentity = new ByteSlot(arena, offset + limits.idBytes, limits.identityBytes);
    this.remoteDisplay = new ByteSlot(arena, offset + limits.idBytes + limits.identityBytes, limits.displayBytes);
  }
  set(pool: Uint8Array, d: DialogEntry): void {
    const known = this.inUse;
    if (!known) {
      this.remoteIdentity.length = 0;
      this.remoteDisplay.length = 0;
      this.direction = DialogDirection.Unknown;
    }
    this.inUse = true;
    this.id.copy(pool, d.id);
    this.state = d.state;
    // Partial updates may omit attributes and elements they do not change; keep what we knew.
    if (d.direction !== DialogDirection.Unknown) this.direction = d.direction;
    // §6.2: the monitored user's own target carrying +sip.rendering=no means they hold the call.
    this.held = d.local.renderingNo;
    if (!d.remote.identity.isEmpty) this.remoteIdentity.copy(pool, d.remote.identity);
    if (!d.remote.display.isEmpty) this.remoteDisplay.copy(pool, d.remote.display);
  }
  meaning(): BlfState {
    const s = DIALOG_MEANING[this.state][this.direction];
    return s === BlfState.Busy && this.state === DialogState.Confirmed && this.held ? BlfState.Held : s;
  }
}

export class BusyLampTarget {
  state: BlfState = BlfState.Unknown;
  /** Last applied dialog-info version, -1 before the first full document. */
  version = -1;
  /** Dialogs that did not fit (maxDialogs) in the last document. */
  dropped = 0;
  private readonly dialogs: TrackedDialog[] = [];
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
    if (this.dialogs.length > 0 || limits.maxDialogs <= 0) return;
    const perDialog = limits.idBytes + limits.identityBytes + limits.displayBytes;
    const arena = new Uint8Array(limits.maxDialogs * perDialog);
    for (let i = 0; i < limits.maxDialogs; i++) this.dialogs.push(new TrackedDialog(limits, arena, i * perDialog));
  }

  /** A new subscription starts a new version sequence (§4.1.2); state stays until the first NOTIFY. */
  newSubscription(): void {
    this.version = -1;
  }

  /** The subscription failed or ended: the key's state is not known (not the same as idle). */
  subscriptionFailed(): void {
    this.version = -1;
    for (const d of this.dialogs) d.inUse = false;
    this.state = BlfState.Unknown;
    this.deciding = -1;
  }

  apply(doc: DialogInfoDocument): BlfMerge {
    const pool = doc.pool.bytes;
    let result: BlfMerge = BlfMerge.Applied;
    if (doc.full) {
      if (this.version >= 0 && doc.version >= 0 && doc.version <= this.version) return BlfMerge.Stale;
      for (const d of this.dialogs) d.inUse = false;
    } else {
      if (this.version >= 0 && doc.version >= 0 && doc.version <= this.version) return BlfMerge.Stale;
      if (this.version < 0 || doc.version !== this.version + 1) result = BlfMerge.NeedFullState;
    }
    this.dropped = doc.dropped;
    for (let i = 0; i < doc.dialogCount; i++) {
      const entry = doc.dialogs[i]!;
      let slot = this.find(pool, entry.id);
      if (entry.state === DialogState.Terminated) {
        if (slot >= 0) this.dialogs[slot]!.inUse = false;
        continue;
      }
      if (slot < 0) slot = this.freeSlot();
      if (slot < 0) { this.dropped++; continue; }
      this.dialogs[slot]!.set(pool, entry);
    }
    if (doc.version >= 0) this.version = doc.version;
    this.recompute();
    return result;
  }

  /** The dialog that decided the state (for Ringing: the caller), or undefined when idle/unknown. */
  get callerIdentity(): string {
    return this.deciding >= 0 ? this.dialogs[this.deciding]!.remoteIdentity.text() : '';
  }
  get callerDisplay(): string {
    return this.deciding >= 0 ? this.dialogs[this.deciding]!.remoteDisplay.text() : '';
  }
  get activeDialogs(): number {
    let n = 0;
    for (const d of this.dialogs) if (d.inUse) n++;
    return n;
  }

  private find(pool: Uint8Array, id: Span): number {
    for (let i = 0; i < this.dialogs.length; i++) {
      const d = this.dialogs[i]!;
      if (d.inUse && d.id.equals(pool, id)) return i;
    }
    return -1;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.dialogs.length; i++) if (!this.dialogs[i]!.inUse) return i;
    return -1;
  }

  private recompute(): void {
    let best = 0;
    this.deciding = -1;
    for (let i = 0; i < this.dialogs.length; i++) {
      const d = this.dialogs[i]!;
      if (!d.inUse) continue;
      const rank = RANK[d.meaning()];
      if (rank > best || (rank === best && this.deciding < 0 && rank > 0)) { best = rank; this.deciding = i; }
    }
    this.state = PRECEDENCE[best]!;
  }
}
