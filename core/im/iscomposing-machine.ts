// Per-peer isComposing state (RFC 3994 §3.2 composer, §3.3 receiver) for one account. Pure: the
// UA or the application feeds in what happened (local typing, a message sent, the final status
// of an isComposing MESSAGE, a document received, time passing) and drains actions (documents
// to send) and events (what to show). Time is `now` in milliseconds, from the caller.
//
// Decisions, and why:
// - Sending is opt-in per account (`enabled`, false by default): providers that answer 415 to
//   application/im-iscomposing+xml have broken the texts that follow (linphone-desktop #785).
// - A peer that answers 415 or 488 to an isComposing MESSAGE is never sent another one while
//   its slot lives (disabled slots are the last to be recycled).
// - Receiving always works, enabled or not: the document is recognised and never shown as text.
// - "active" is re-sent at most once per refresh interval, and only while the user is still
//   typing (the idle timer has not fired). The receiver keeps "active" for the refresh the
//   document announced (120 s when absent), capped so a peer cannot pin the indicator on.
// - Sending the message itself ends "active" without an "idle" document (RFC 3994 §3.2: the
//   message implies idle); receiving a message ends the peer's "active" likewise (§3.3).
// - Bounded: `maxPeers` slots, found by linear scan (a phone talks to a handful of peers).
//   When all slots are busy, typing is not announced and a remote document is dropped
//   (`dropped` counts them): failing quiet is safe for an advisory indicator.
import { DeadlineHeap, NO_TIMER } from '../timers/deadline-heap.js';
import type { ComposingState } from './iscomposing.js';

export interface IsComposingOptions {
  /** Send isComposing documents for this account (receiving is always on). */
  readonly enabled: boolean;
  /** Refresh interval announced in "active" documents, seconds (RFC 3994 §3.2 default 120). */
  readonly refreshSeconds: number;
  /** No typing for this long ends "active", seconds (RFC 3994 §3.2 recommends 15). */
  readonly idleSeconds: number;
  /** Longest remote refresh honoured, seconds. */
  readonly maxRemoteRefreshSeconds: number;
  /** Peers tracked at once. */
  readonly maxPeers: number;
}

export const DEFAULT_ISCOMPOSING_OPTIONS: IsComposingOptions = {
  enabled: false, refreshSeconds: 120, idleSeconds: 15, maxRemoteRefreshSeconds: 600, maxPeers: 16,
};

/** RFC 3994 §3.3: "active" without <refresh> lasts 120 seconds. */
export const DEFAULT_REMOTE_REFRESH_SECONDS = 120;

/** Final statuses to an isComposing MESSAGE that turn the indication off for that peer. */
export const DISABLING_STATUSES: readonly number[] = [415, 488];

/** Send an isComposing MESSAGE to `peer` (build it with writeIsComposing). */
export interface SendIsComposing {
  readonly kind: 'send';
  readonly peer: string;
  readonly state: ComposingState;
  /** For "active": the <refresh> to announce, seconds. */
  readonly refresh: number;
  /** For "idle": when the user last typed, in the caller's time base (for <lastactive>). */
  readonly lastActive: number;
}

export type IsComposingEvent =
  | { readonly kind: 'remote-composing'; readonly peer: string; readonly contentType: string }
  | { readonly kind: 'remote-idle'; readonly peer: string; readonly reason: 'idle-received' | 'refresh-expired' | 'message-received' }
  | { readonly kind: 'peer-disabled'; readonly peer: string; readonly status: number };

// ---- Composer (local side), RFC 3994 §3.2

const L_IDLE = 0, L_ACTIVE = 1, L_REFUSED = 2;
const IN_TYPING = 0, IN_IDLE_TIMER = 1, IN_REFRESH_TIMER = 2, IN_MESSAGE_SENT = 3, IN_REFUSED = 4, IN_ACCOUNT_OFF = 5;

// Effects of a transition, as bits.
const SEND_ACTIVE = 1, SEND_IDLE = 2, ARM_IDLE = 4, ARM_REFRESH = 8, CANCEL_LOCAL = 16, EMIT_DISABLED = 32;

type Transition = readonly [next: number, effects: number];
const STAY_IDLE: Transition = [L_IDLE, 0];
const STAY_REFUSED: Transition = [L_REFUSED, 0];

/** LOCAL_TRANSITIONS[state][input] = [next state, effects]. */
export const LOCAL_TRANSITIONS: readonly (readonly Transition[])[] = [
  /* idle */ [
    /* typing */ [L_ACTIVE, SEND_ACTIVE | ARM_IDLE | ARM_REFRESH],
    /* idle timer */ STAY_IDLE,
    /* refresh timer */ STAY_IDLE,
    /* message sent */ STAY_IDLE,
    /* 415/488 */ [L_REFUSED, CANCEL_LOCAL | EMIT_DISABLED],
    /* account off */ STAY_IDLE,
  ],
  /* active */ [
    /* typing */ [L_ACTIVE, ARM_IDLE],
    /* idle timer */ [L_IDLE, SEND_IDLE | CANCEL_LOCAL],
    /* refresh timer */ [L_ACTIVE, SEND_ACTIVE | ARM_REFRESH],
    /* message sent */ [L_IDLE, CANCEL_LOCAL],
    /* 415/488 */ [L_REFUSED, CANCEL_LOCAL | EMIT_DISABLED],
    /* account off */ [L_IDLE, CANCEL_LOCAL],
  ],
  /* refused by the peer: nothing more is sent */ [STAY_REFUSED, STAY_REFUSED, STAY_REFUSED, STAY_REFUSED, STAY_REFUSED, STAY_REFUSED],
];

// ---- Receiver (remote side), RFC 3994 §3.3

const R_IDLE = 0, R_ACTIVE = 1;
const RIN_ACTIVE = 0, RIN_IDLE = 1, RIN_MESSAGE = 2, RIN_EXPIRED = 3;
const ARM_REMOTE = 1, CANCEL_REMOTE = 2, EMIT_COMPOSING = 4, EMIT_IDLE = 8;

/** REMOTE_TRANSITIONS[state][input] = [next state, effects]. */
export const REMOTE_TRANSITIONS: readonly (readonly Transition[])[] = [
  /* idle */ [[R_ACTIVE, ARM_REMOTE | EMIT_COMPOSING], [R_IDLE, 0], [R_IDLE, 0], [R_IDLE, 0]],
  /* active */ [[R_ACTIVE, ARM_REMOTE], [R_IDLE, CANCEL_REMOTE | EMIT_IDLE], [R_IDLE, CANCEL_REMOTE | EMIT_IDLE], [R_IDLE, EMIT_IDLE]],
];
const REMOTE_IDLE_REASONS = ['', 'idle-received', 'message-received', 'refresh-expired'] as const;

// Timers per slot: key = slot * TIMERS + which.
const T_IDLE = 0, T_REFRESH = 1, T_REMOTE = 2, TIMERS = 3;

const FREE = -1;

export class IsComposingMachine {
  readonly options: IsComposingOptions;
  /** Remote documents or typing that could not be tracked because every slot was busy. */
  dropped = 0;
  private enabled: boolean;
  private readonly peers: (string | null)[];
  private readonly local: Uint8Array;
  private readonly remote: Uint8Array;
  private readonly lastTyping: Float64Array;
  private readonly lastUsed: Float64Array;
  private readonly remoteContentType: string[];
  private readonly timers: DeadlineHeap;
  private readonly actions: SendIsComposing[] = [];
  private readonly events: IsComposingEvent[] = [];

  constructor(options: Partial<IsComposingOptions> = {}) {
    this.options = { ...DEFAULT_ISCOMPOSING_OPTIONS, ...options };
    const n = Math.max(1, Math.floor(this.options.maxPeers));
    this.enabled = this.options.enabled;
    this.peers = new Array<string | null>(n).fill(null);
    this.local = new Uint8Array(n);
    this.remote = new Uint8Array(n);
    this.lastTyping = new Float64Array(n);
    this.lastUsed = new Float64Array(n);
    this.remoteContentType = new Array<string>(n).fill('');
    this.timers = new DeadlineHeap(n * TIMERS);
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turns sending on or off for the account. Turning it off stops at once, without "idle". */
  setEnabled(enabled: boolean, now: number): void {
    this.enabled = enabled;
    if (enabled) return;
    for (let slot = 0; slot < this.peers.length; slot++) if (this.peers[slot] !== null) this.stepLocal(slot, IN_ACCOUNT_OFF, now);
  }

  /** True when `peer` refused an isComposing MESSAGE with 415/488. */
  isDisabledFor(peer: string): boolean {
    const slot = this.find(peer);
    return slot !== FREE && this.local[slot] === L_REFUSED;
  }

  /** The peer is shown as composing. */
  isRemoteComposing(peer: string): boolean {
    const slot = this.find(peer);
    return slot !== FREE && this.remote[slot] === R_ACTIVE;
  }

  // ---------------------------------------------------------------- inputs: local side

  /** The user typed (or recorded) in the conversation with `peer`. */
  localTyping(peer: string, now: number): void {
    if (!this.enabled) return;
    const slot = this.slotFor(peer, now);
    if (slot === FREE) { this.dropped++; return; }
    this.lastTyping[slot] = now;
    this.stepLocal(slot, IN_TYPING, now);
  }

  /** The composed message was sent: "active" ends without an "idle" document (§3.2). */
  localMessageSent(peer: string, now: number): void {
    const slot = this.find(peer);
    if (slot !== FREE) this.stepLocal(slot, IN_MESSAGE_SENT, now);
  }

  /** The final status of an isComposing MESSAGE sent to `peer` (a 2xx, or 415/488 to stop). */
  sendOutcome(peer: string, status: number, now: number): void {
    if (DISABLING_STATUSES.indexOf(status) < 0) return;
    // Remember the refusal even when the peer's slot was recycled meanwhile.
    const slot = this.slotFor(peer, now);
    if (slot === FREE) { this.dropped++; return; }
    this.stepLocal(slot, IN_REFUSED, now, status);
  }

  // ---------------------------------------------------------------- inputs: remote side

  /** An isComposing document arrived from `peer` (fields from IsComposingReader). */
  remoteDocument(peer: string, state: ComposingState, refreshSeconds: number, contentType: string, now: number): void {
    // "idle" from a peer not shown as composing changes nothing: do not spend a slot on it.
    if (state === 'idle' && this.find(peer) === FREE) return;
    const slot = this.slotFor(peer, now);
    if (slot === FREE) { this.dropped++; return; }
    if (state === 'active') {
      const max = this.options.maxRemoteRefreshSeconds;
      const seconds = refreshSeconds > 0 ? Math.min(refreshSeconds, max) : Math.min(DEFAULT_REMOTE_REFRESH_SECONDS, max);
      this.remoteContentType[slot] = contentType;
      this.timers.set(slot * TIMERS + T_REMOTE, now + seconds * 1000);
      this.stepRemote(slot, RIN_ACTIVE);
    } else {
      this.stepRemote(slot, RIN_IDLE);
    }
  }

  /** A message with content arrived from `peer`: its composing indication ends (§3.3). */
  remoteMessageReceived(peer: string, now: number): void {
    const slot = this.find(peer);
    if (slot === FREE) return;
    this.lastUsed[slot] = now;
    this.stepRemote(slot, RIN_MESSAGE);
  }

  // ---------------------------------------------------------------- time

  /** When handleTimeout should next be called (caller's time base), or NO_DEADLINE. */
  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  handleTimeout(now: number): void {
    let key: number;
    while ((key = this.timers.popExpired(now)) !== NO_TIMER) {
      const slot = Math.floor(key / TIMERS);
      const which = key - slot * TIMERS;
      if (which === T_IDLE) this.stepLocal(slot, IN_IDLE_TIMER, now);
      else if (which === T_REFRESH) this.stepLocal(slot, IN_REFRESH_TIMER, now);
      else this.stepRemote(slot, RIN_EXPIRED);
    }
  }

  // ---------------------------------------------------------------- outputs

  /** Next isComposing MESSAGE to send, oldest first. */
  pollAction(): SendIsComposing | undefined {
    return this.actions.shift();
  }

  /** Next thing to show, oldest first. */
  pollEvent(): IsComposingEvent | undefined {
    return this.events.shift();
  }

  // ---------------------------------------------------------------- internals

  private stepLocal(slot: number, input: number, now: number, status = 0): void {
    const [next, effects] = LOCAL_TRANSITIONS[this.local[slot]!]![input]!;
    this.local[slot] = next;
    this.lastUsed[slot] = now;
    const peer = this.peers[slot]!;
    const o = this.options;
    if (effects & CANCEL_LOCAL) {
      this.timers.cancel(slot * TIMERS + T_IDLE);
      this.timers.cancel(slot * TIMERS + T_REFRESH);
    }
    if (effects & ARM_IDLE) this.timers.set(slot * TIMERS + T_IDLE, this.lastTyping[slot]! + o.idleSeconds * 1000);
    if (effects & ARM_REFRESH) this.timers.set(slot * TIMERS + T_REFRESH, now + o.refreshSeconds * 1000);
    if (effects & SEND_ACTIVE) this.actions.push({ kind: 'send', peer, state: 'active', refresh: o.refreshSeconds, lastActive: this.lastTyping[slot]! });
    if (effects & SEND_IDLE) this.actions.push({ kind: 'send', peer, state: 'idle', refresh: 0, lastActive: this.lastTyping[slot]! });
    if (effects & EMIT_DISABLED) this.events.push({ kind: 'peer-disabled', peer, status });
  }

  private stepRemote(slot: number, input: number): void {
    const [next, effects] = REMOTE_TRANSITIONS[this.remote[slot]!]![input]!;
    this.remote[slot] = next;
    const peer = this.peers[slot]!;
    if (effects & CANCEL_REMOTE) this.timers.cancel(slot * TIMERS + T_REMOTE);
    if (effects & EMIT_COMPOSING) this.events.push({ kind: 'remote-composing', peer, contentType: this.remoteContentType[slot]! });
    if (effects & EMIT_IDLE) this.events.push({ kind: 'remote-idle', peer, reason: REMOTE_IDLE_REASONS[input]! as 'idle-received' | 'refresh-expired' | 'message-received' });
    // ARM_REMOTE: the deadline was set by remoteDocument, which knows the refresh.
  }

  private find(peer: string): number {
    const peers = this.peers;
    for (let i = 0; i < peers.length; i++) if (peers[i] === peer) return i;
    return FREE;
  }

  /**
   * The slot of `peer`, taking a free one or recycling the least recently used quiet one
   * (no timers running); peers that refused are recycled only when no other quiet slot exists.
   */
  private slotFor(peer: string, now: number): number {
    const found = this.find(peer);
    if (found !== FREE) return found;
    let best = FREE;
    let bestRank = Infinity;
    for (let i = 0; i < this.peers.length; i++) {
      if (this.peers[i] === null) { best = i; break; }
      if (this.local[i] === L_ACTIVE || this.remote[i] === R_ACTIVE) continue;
      const rank = this.lastUsed[i]! + (this.local[i] === L_REFUSED ? 1e15 : 0);
      if (rank < bestRank) { bestRank = rank; best = i; }
    }
    if (best === FREE) return FREE;
    this.peers[best] = peer;
    this.local[best] = L_IDLE;
    this.remote[best] = R_IDLE;
    this.lastTyping[best] = now;
    this.lastUsed[best] = now;
    this.remoteContentType[best] = '';
    for (let t = 0; t < TIMERS; t++) this.timers.cancel(best * TIMERS + t);
    return best;
  }
}


