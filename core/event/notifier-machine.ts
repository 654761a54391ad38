// The notifier side of one RFC 6665 subscription (someone watches our dialog or presence
// state), as data: states, the edges allowed between them, and the few decisions a notifier
// makes — how long to grant, whether a refresh may skip its NOTIFY (RFC 5839), what a NOTIFY's
// Subscription-State says. Sans-I/O: the UA (core/ua/notifier.ts) feeds it and writes the bytes.
//
// One NOTIFY is in flight per watcher at a time: its CSeq order is then also its arrival order,
// and state that changes meanwhile is coalesced into the next one (RFC 6665 §4.2.2 lets a
// notifier send only the newest state; §6.1 rate control).

export type WatcherState =
  | 'pending'      // authorisation asked of the application; NOTIFYs say "pending" (§4.2.1.3)
  | 'active'
  | 'terminating'  // the final NOTIFY (terminated) is sent or due; then the record is freed
  | 'terminated';

export type WatcherCause = 'subscribe' | 'authorized' | 'refresh' | 'unsubscribe' | 'expired' | 'rejected' | 'notify-failed' | 'shutdown' | 'fetch';

export const WATCHER_EDGES: Readonly<Record<WatcherState, readonly WatcherState[]>> = {
  'pending': ['pending', 'active', 'terminating', 'terminated'],
  'active': ['active', 'terminating', 'terminated'],
  'terminating': ['terminated'],
  'terminated': [],
};

/** RFC 6665 §4.2.2: the reason of a terminated NOTIFY, by what ended the subscription. */
const TERMINATION_REASON: Readonly<Record<WatcherCause, string>> = {
  subscribe: '', authorized: '', refresh: '',
  // §4.1.2.3 / §4.2.2: an unsubscribe and an expiry both end with "timeout".
  unsubscribe: 'timeout', expired: 'timeout', fetch: 'timeout',
  rejected: 'rejected',
  'notify-failed': 'noresource',
  // The phone goes away for a while (restart, shutdown): watchers SHOULD retry later, not never.
  shutdown: 'probation',
};

const NONE = Number.POSITIVE_INFINITY;

export class WatcherMachine {
  state: WatcherState;
  /** When the subscription ends unless refreshed (ms, the UA's clock). */
  expiresAt = NONE;
  /** A NOTIFY of this watcher awaits its final response. */
  inFlight = false;
  /** State changed while a NOTIFY was in flight: send the newest once it is answered. */
  dirty = false;
  /** NOTIFYs sent in this subscription. */
  sent = 0;
  /** Why it is ending (Subscription-State reason), '' while live. */
  reason = '';
  /** retry-after of the final NOTIFY (seconds), -1 for none (§4.1.3: with probation / giveup). */
  retryAfter = -1;

  constructor(pending: boolean) {
    this.state = pending ? 'pending' : 'active';
  }

  /** The Subscription-State value of the next NOTIFY (RFC 6665 §4.1.3 / §8.2.3). */
  subscriptionState(now: number): string {
    if (this.state === 'terminating' || this.state === 'terminated') {
      return this.retryAfter >= 0 ? `terminated;reason=${this.reason};retry-after=${this.retryAfter}` : `terminated;reason=${this.reason}`;
    }
    // Never more than is left (the subscriber refreshes by it); +1 ms absorbs the rounding of
    // fractional clocks (performance.now(): now + 60000 - now may be 60000.000000001).
    const left = Math.max(0, Math.floor((this.expiresAt - now + 1) / 1000));
    return `${this.state};expires=${left}`;
  }

  grant(now: number, seconds: number): void {
    this.expiresAt = now + seconds * 1000;
  }

  /** A NOTIFY may go now (false: one is in flight, the newest state follows when it is answered). */
  claimNotify(): boolean {
    if (this.state === 'terminated') return false;
    if (this.inFlight) { this.dirty = true; return false; }
    this.inFlight = true;
    this.dirty = false;
    this.sent++;
    return true;
  }

  /** Its NOTIFY was answered with a 2xx: true when a newer state waits to be sent. */
  notifyAnswered(): boolean {
    this.inFlight = false;
    return this.dirty && this.state !== 'terminated';
  }

  /** Starts the end: the final NOTIFY carries terminated;reason=… (§4.2.2). */
  end(cause: WatcherCause): void {
    this.reason = TERMINATION_REASON[cause] || 'noresource';
    this.move('terminating');
    this.expiresAt = NONE;
  }

  /** Gone for good: failed NOTIFY (§4.2.2: 481 or a timeout means the subscriber is gone) or final NOTIFY answered. */
  drop(): void {
    if (this.state !== 'terminated') this.move('terminated');
    this.inFlight = false;
    this.dirty = false;
  }

  activate(): void {
    this.move('active');
  }

  move(to: WatcherState): void {
    if (!WATCHER_EDGES[this.state].includes(to)) throw new Error(`watcher: no edge ${this.state} -> ${to}`);
    this.state = to;
  }
}

/**
 * RFC 6665 §4.2.1.1: the notifier may shorten the duration the subscriber asked for, never
 * lengthen it; a SUBSCRIBE without Expires gets the package default. `requested` is -1 when absent.
 */
export function grantedExpires(requested: number, packageDefault: number, max: number): number {
  const asked = requested < 0 ? packageDefault : requested;
  return Math.min(asked, max);
}

/**
 * RFC 5839 §6 (notifier behaviour; the 204 code is §7.1, the header §7.2): a SUBSCRIBE whose Suppress-If-Match names the
 * entity-tag of the current state ("*" matches any), on a subscription whose state does not change
 * with it, is answered 204 (No Notification) and no NOTIFY is sent.
 */
export function suppressesNotify(suppressIfMatch: string, currentEtag: string): boolean {
  if (suppressIfMatch === '' || currentEtag === '') return false;
  return suppressIfMatch === '*' || suppressIfMatch === currentEtag;
}
