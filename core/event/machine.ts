// An RFC 6665 subscription seen from the subscriber: SUBSCRIBE (initial, refresh, remove),
// Subscription-State handling (§4.1.3), NOTIFY before the 2xx (§4.1.2.4), Timer N, 423 +
// Min-Expires, 481 ends the dialog and a fresh subscription starts (§4.1.2.2 / §4.1.2.3), 489
// and other refusals that must not be retried forever, backoff after failures, and a fresh
// subscription after re-registration (`restore`). Sans-I/O like the registration machine:
// outcomes in, actions and events out, one deadline.
import { SUBSCRIPTION_EDGES, type SubscriptionCause, type SubscriptionState } from './states.js';

export interface SubscriptionConfig {
  /** Expires to ask for (seconds); packages have defaults (presence 3600, dialog 3600, message-summary 3600). */
  readonly expires: number;
  /** Timer N = 64·T1 (§4.1.2.4). */
  readonly timerNMs: number;
  readonly backoffBaseS: number;
  readonly backoffMaxS: number;
  readonly random: () => number;
}

export const DEFAULT_SUBSCRIPTION_CONFIG: Omit<SubscriptionConfig, 'random'> = {
  expires: 3600,
  timerNMs: 32_000,
  backoffBaseS: 30,
  backoffMaxS: 1800,
};

/** Subscription-State of a NOTIFY (RFC 6665 §4.1.3), decoded by the UA. */
export interface NotifyState {
  readonly state: 'active' | 'pending' | 'terminated';
  /** expires parameter, or -1. */
  readonly expires: number;
  /** reason parameter for terminated ('' when absent). */
  readonly reason: string;
  /** retry-after parameter in seconds, or -1. */
  readonly retryAfter: number;
}

export interface SubscribeOutcome {
  readonly status: number;
  /** Expires of the 2xx, or -1. */
  readonly expires: number;
  readonly minExpires: number;
  readonly retryAfter: number;
}

export type SubscriptionAction =
  /** `fresh`: a new dialog (initial or after the old one ended); otherwise a refresh inside it. */
  { readonly kind: 'send-subscribe'; readonly expires: number; readonly fresh: boolean };

export type SubscriptionEvent = {
  readonly kind: 'state';
  readonly from: SubscriptionState;
  readonly to: SubscriptionState;
  readonly cause: SubscriptionCause;
  readonly at: number;
  readonly status: number;
  /** For terminated by the notifier: its reason, else ''. */
  readonly reason: string;
};

const NONE = Number.POSITIVE_INFINITY;

/**
 * Told whenever a machine has new output (an action or event to poll) or its deadline moved, so
 * an owner holding hundreds of machines polls and times only the ones concerned instead of all
 * of them on every message (smoltcp's poll_at; user-agent.ts with subscription-schedule.ts).
 * Hearing it from the machine itself, not from each place that feeds it, means no input can be
 * forgotten. `at` is Infinity when the machine has no deadline.
 */
export interface SubscriptionScheduler {
  outputReady(key: number): void;
  deadlineMoved(key: number, at: number): void;
}

export class SubscriptionMachine {
  state: SubscriptionState = 'idle';
  requestedExpires: number;
  /** When the notifier's state stops being valid (NONE when not subscribed). */
  expiresAt = NONE;
  consecutiveFailures = 0;
  /** A NOTIFY has been received in the current dialog. */
  private notified = false;
  private inFlight = false;
  private deadline = NONE;
  private deadlineKind: 'refresh' | 'retry' | 'timer-n' | 'none' = 'none';
  private readonly actions: SubscriptionAction[] = [];
  private readonly events: SubscriptionEvent[] = [];
  private readonly config: SubscriptionConfig;
  private scheduler: SubscriptionScheduler | null = null;
  private schedulerKey = -1;

  constructor(config: SubscriptionConfig) {
    this.config = config;
    this.requestedExpires = config.expires;
  }

  /**
   * From now on, reports new output and deadline moves to `scheduler` under `key` (null: stop,
   * e.g. when the owner frees the key for another machine). Reports what is pending right away.
   */
  scheduleWith(scheduler: SubscriptionScheduler | null, key: number): void {
    this.scheduler = scheduler;
    this.schedulerKey = key;
    if (scheduler === null) return;
    if (this.actions.length > 0 || this.events.length > 0) scheduler.outputReady(key);
    scheduler.deadlineMoved(key, this.deadline);
  }

  start(now: number): void {
    if (this.state === 'idle' || this.state === 'terminated' || this.state === 'failed' || this.state === 'backing-off') {
      this.consecutiveFailures = 0;
      this.fresh(now, 'start', 0);
    }
  }

  /** Remove the subscription (SUBSCRIBE with Expires: 0, §4.1.2.3) when one may exist. */
  stop(now: number): void {
    switch (this.state) {
      case 'subscribing':
      case 'notify-wait':
      case 'pending':
      case 'active':
      case 'refreshing':
        this.inFlight = true;
        this.clearDeadline();
        this.act({ kind: 'send-subscribe', expires: 0, fresh: false });
        this.move(now, 'unsubscribing', 'stop', 0, '');
        this.setDeadline(now + this.config.timerNMs, 'timer-n');
        break;
      case 'backing-off':
        this.clearDeadline();
        this.move(now, 'terminated', 'stop', 0, '');
        break;
      default:
        break;
    }
  }

  /**
   * Refresh at once instead of at the refresh deadline. Every SUBSCRIBE, a refresh included, makes
   * the notifier send a NOTIFY with full state (RFC 6665 §4.2.2): how a subscriber recovers from a
   * lost partial notification (RFC 4662 §5.2, RFC 3858 §4.2). False when no refresh can go now
   * (not established, or a SUBSCRIBE is already in flight — its NOTIFY brings full state anyway).
   */
  refreshNow(now: number): boolean {
    if ((this.state !== 'active' && this.state !== 'pending') || this.inFlight) return false;
    this.clearDeadline();
    this.inFlight = true;
    this.act({ kind: 'send-subscribe', expires: this.requestedExpires, fresh: false });
    this.move(now, 'refreshing', 'refresh-due', 0, '');
    return true;
  }

  /** Registration came back after a loss: the old dialog is gone; subscribe afresh (§4.2.2 notes). */
  restore(now: number): void {
    if (this.state === 'idle' || this.state === 'failed' || this.state === 'unsubscribing' || this.state === 'terminated') return;
    this.consecutiveFailures = 0;
    this.fresh(now, 'restore', 0);
  }

  onSubscribeResponse(now: number, r: SubscribeOutcome): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    const status = r.status;
    if (this.state === 'unsubscribing') {
      // The final NOTIFY (terminated) is what ends it; a failure here ends it at once.
      if (status >= 300) this.end(now, 'terminated', 'stop', status, '');
      return;
    }
    if (status >= 200 && status < 300) {
      this.consecutiveFailures = 0;
      if (r.expires >= 0) this.granted(now, r.expires);
      if (this.state === 'refreshing') this.move(now, 'active', 'accepted', status, '');
      else if (!this.notified) {
        this.move(now, 'notify-wait', 'accepted', status, '');
        this.setDeadline(now + this.config.timerNMs, 'timer-n');
      }
      return;
    }
    if (status === 423 && r.minExpires > 0) {
      this.requestedExpires = Math.max(this.requestedExpires, r.minExpires);
      this.inFlight = true;
      this.act({ kind: 'send-subscribe', expires: this.requestedExpires, fresh: this.state !== 'refreshing' });
      this.move(now, this.state, 'interval-too-brief', status, '');
      return;
    }
    if (status === 481) {
      // §4.1.2.2: the refresh failed because the notifier forgot us: start over in a new dialog.
      this.fresh(now, 'no-such-subscription', status);
      return;
    }
    if (status === 489) {
      this.end(now, 'failed', 'bad-event', status, '');
      return;
    }
    if (status === 403 || status === 404 || status === 405 || status === 501 || status === 603 || status === 401 || status === 407) {
      this.end(now, 'failed', 'rejected', status, '');
      return;
    }
    this.backoff(now, r.retryAfter >= 0 ? 'retry-after' : 'server-error', status, r.retryAfter, '');
  }

  onTimeout(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unsubscribing') this.end(now, 'terminated', 'timeout', 408, '');
    else this.backoff(now, 'timeout', 408, -1, '');
  }

  onTransportError(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unsubscribing') this.end(now, 'terminated', 'transport-error', 503, '');
    else this.backoff(now, 'transport-error', 503, -1, '');
  }

  /**
   * A NOTIFY for this subscription. Returns the status the UA answers it with: 200, or 481 when
   * no subscription is expected (RFC 6665 §4.1.3: a NOTIFY for nothing we know gets 481).
   */
  onNotify(now: number, n: NotifyState): number {
    if (this.state === 'idle' || this.state === 'terminated' || this.state === 'failed' || this.state === 'backing-off') return 481;
    this.notified = true;
    if (n.state === 'terminated') {
      this.inFlight = false;
      this.terminatedByNotifier(now, n.reason, n.retryAfter);
      return 200;
    }
    if (this.state === 'unsubscribing') return 200;
    // No expires parameter: keep what the 2xx granted, or assume what we asked for.
    const expires = n.expires >= 0 ? n.expires
      : this.expiresAt !== NONE ? Math.max(0, Math.floor((this.expiresAt - now) / 1000))
      : this.requestedExpires;
    this.granted(now, expires);
    const to: SubscriptionState = n.state === 'active' ? 'active' : 'pending';
    if (this.state === 'refreshing' && this.inFlight) {
      // The refresh's 2xx is still due; the NOTIFY confirms the state meanwhile.
      if (to === 'pending') this.move(now, 'pending', 'notify-pending', 0, '');
      return 200;
    }
    // Another NOTIFY in the same state is no edge: no event (a presence NOTIFY every few seconds
    // must not raise a `subscription` event, nor allocate one, each time).
    if (this.state !== to) this.move(now, to, to === 'active' ? 'notify-active' : 'notify-pending', 0, '');
    return 200;
  }

  handleTimeout(now: number): void {
    if (now < this.deadline) return;
    const kind = this.deadlineKind;
    this.clearDeadline();
    switch (kind) {
      case 'refresh':
        if (this.state === 'active' || this.state === 'pending') {
          this.inFlight = true;
          this.act({ kind: 'send-subscribe', expires: this.requestedExpires, fresh: false });
          this.move(now, 'refreshing', 'refresh-due', 0, '');
        }
        break;
      case 'retry':
        if (this.state === 'backing-off') this.fresh(now, 'retry-due', 0);
        break;
      case 'timer-n':
        // §4.1.2.4: no NOTIFY within Timer N of the 2xx: the subscription failed.
        if (this.state === 'notify-wait' || this.state === 'subscribing') {
          // The SUBSCRIBE itself may still be in flight (or queued by the UA): its late answer
          // must not move a machine that has given up on it (backing-off has no edge to notify-wait).
          this.inFlight = false;
          this.backoff(now, 'timer-n', 0, -1, '');
        }
        else if (this.state === 'unsubscribing') this.end(now, 'terminated', 'timer-n', 0, '');
        break;
      default:
        break;
    }
  }

  nextDeadline(): number {
    return this.deadline;
  }

  pollAction(): SubscriptionAction | undefined {
    return this.actions.shift();
  }

  pollEvent(): SubscriptionEvent | undefined {
    return this.events.shift();
  }

  /** §4.1.3 reasons: what to do when the notifier ends the subscription. */
  private terminatedByNotifier(now: number, reason: string, retryAfter: number): void {
    this.expiresAt = NONE;
    if (this.state === 'unsubscribing') {
      this.end(now, 'terminated', 'stop', 0, reason);
      return;
    }
    switch (reason) {
      case 'deactivated':
      case 'timeout':
        // "the subscriber SHOULD retry immediately with a new subscription"
        this.move(now, 'terminated', 'notify-terminated', 0, reason);
        this.fresh(now, 'notify-terminated', 0);
        return;
      case 'rejected':
      case 'noresource':
      case 'invariant':
        // "the subscriber SHOULD NOT attempt to re-subscribe"
        this.end(now, 'failed', 'notify-terminated', 0, reason);
        return;
      case 'probation':
      case 'giveup':
      default:
        // "MAY retry at a later time" — after retry-after if given, else our backoff.
        this.backoff(now, 'notify-terminated', 0, retryAfter, reason);
        return;
    }
  }

  private granted(now: number, expires: number): void {
    this.expiresAt = now + expires * 1000;
    // Refresh ahead of expiry: half for short grants, else expiry less max(32 s, 10%), with jitter.
    const ms = expires * 1000;
    const delay = expires <= 64
      ? Math.max(1000, Math.floor(ms / 2 - ms * 0.1 * this.config.random()))
      : Math.floor(ms - Math.min(600_000, Math.max(32_000, ms * 0.1)) - ms * 0.05 * this.config.random());
    this.setDeadline(now + delay, 'refresh');
  }

  private fresh(now: number, cause: SubscriptionCause, status: number): void {
    this.notified = false;
    this.inFlight = true;
    this.expiresAt = NONE;
    this.requestedExpires = Math.max(this.requestedExpires, this.config.expires);
    this.act({ kind: 'send-subscribe', expires: this.requestedExpires, fresh: true });
    this.move(now, 'subscribing', cause, status, '');
    this.setDeadline(now + 2 * this.config.timerNMs, 'timer-n');
  }

  private backoff(now: number, cause: SubscriptionCause, status: number, retryAfterS: number, reason: string): void {
    this.consecutiveFailures++;
    this.expiresAt = NONE;
    const upper = Math.min(this.config.backoffMaxS, this.config.backoffBaseS * 2 ** this.consecutiveFailures) * 1000;
    const wait = retryAfterS >= 0 ? retryAfterS * 1000 : Math.floor(upper * (0.5 + 0.5 * this.config.random()));
    this.move(now, 'backing-off', cause, status, reason);
    this.setDeadline(now + wait, 'retry');
  }

  private end(now: number, to: 'terminated' | 'failed', cause: SubscriptionCause, status: number, reason: string): void {
    this.clearDeadline();
    this.expiresAt = NONE;
    this.inFlight = false;
    this.move(now, to, cause, status, reason);
  }

  private move(now: number, to: SubscriptionState, cause: SubscriptionCause, status: number, reason: string): void {
    const from = this.state;
    if (!SUBSCRIPTION_EDGES[from].includes(to)) throw new Error(`subscription: no edge ${from} -> ${to} (${cause})`);
    this.state = to;
    this.events.push({ kind: 'state', from, to, cause, at: now, status, reason });
    if (this.scheduler !== null) this.scheduler.outputReady(this.schedulerKey);
  }

  private act(action: SubscriptionAction): void {
    this.actions.push(action);
    if (this.scheduler !== null) this.scheduler.outputReady(this.schedulerKey);
  }

  private setDeadline(at: number, kind: 'refresh' | 'retry' | 'timer-n'): void {
    this.deadline = at;
    this.deadlineKind = kind;
    if (this.scheduler !== null) this.scheduler.deadlineMoved(this.schedulerKey, at);
  }

  private clearDeadline(): void {
    if (this.deadline === NONE) return;
    this.deadline = NONE;
    this.deadlineKind = 'none';
    if (this.scheduler !== null) this.scheduler.deadlineMoved(this.schedulerKey, NONE);
  }
}
