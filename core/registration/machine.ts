// Registration that stays registered: RFC 3261 §10.2 (REGISTER, Expires negotiation, 423 +
// Min-Expires), RFC 5626 §4.4–4.5 (re-register on flow failure, exponential backoff with
// jitter), RFC 3261 §21.5.4 / §20.33 (Retry-After). Sans-I/O: the UA feeds it the outcome of
// each REGISTER transaction and `now`; it answers with actions to poll (send a REGISTER with
// this Expires), one event per state edge, and the next deadline. It never reads a clock and
// draws randomness (jitter) only from the injected source.
import { REGISTRATION_EDGES, isRegistered, type RegistrationCause, type RegistrationState } from './states.js';

export interface RegistrationConfig {
  /** Expires (seconds) asked for in REGISTER. */
  readonly expires: number;
  /** RFC 5626 §4.5 base-time in seconds (30 when all flows have failed). */
  readonly backoffBaseS: number;
  /** RFC 5626 §4.5 max-time in seconds. */
  readonly backoffMaxS: number;
  /** Uniform random number in [0, 1): the host's source (Math.random on Node). */
  readonly random: () => number;
  /** How many 423s in a row are followed before treating the registrar as broken. */
  readonly max423InARow: number;
}

export const DEFAULT_REGISTRATION_CONFIG: Omit<RegistrationConfig, 'random'> = {
  expires: 3600,
  backoffBaseS: 30,
  backoffMaxS: 1800,
  max423InARow: 3,
};

/** What the UA learned from a final response to our REGISTER. */
export interface RegisterOutcome {
  readonly status: number;
  /**
   * For 2xx: the expiry the registrar granted to *our* binding (its Contact `expires` param, else
   * the Expires header), or -1 when our binding is not among the returned Contacts.
   */
  readonly grantedExpires: number;
  /** Min-Expires of a 423, else -1. */
  readonly minExpires: number;
  /** Retry-After in seconds on a failure response, else -1. */
  readonly retryAfter: number;
}

export type RegistrationAction = { readonly kind: 'send-register'; readonly expires: number };

export type RegistrationEvent =
  | {
      readonly kind: 'state';
      readonly from: RegistrationState;
      readonly to: RegistrationState;
      readonly cause: RegistrationCause;
      readonly at: number;
      /** The SIP status that caused the edge, when one did. */
      readonly status: number;
      /** When the next attempt is planned (backing-off) or the refresh is due (registered). */
      readonly nextAttemptAt: number;
    }
  /** An established registration was lost: layers above should expect their dialogs to be gone. */
  | { readonly kind: 'lost'; readonly at: number; readonly cause: RegistrationCause }
  /**
   * Registered again after a loss (flow failure, server restart, expired binding): layers above
   * must restore subscriptions and publications now (the step users of other stacks hand-roll).
   */
  | { readonly kind: 'restored'; readonly at: number };

const NO_DEADLINE = Number.POSITIVE_INFINITY;

export class RegistrationMachine {
  state: RegistrationState = 'unregistered';
  /** The Expires value the next REGISTER asks for (raised by 423, §10.2.8). */
  requestedExpires: number;
  /** What the registrar granted last, in seconds (0 when not registered). */
  grantedExpires = 0;
  /** Absolute time the binding expires at the registrar (NO_DEADLINE when none). */
  expiresAt = NO_DEADLINE;
  /** RFC 5626 §4.5 consecutive-failures. */
  consecutiveFailures = 0;

  private readonly config: RegistrationConfig;
  private deadline = NO_DEADLINE;
  private deadlineKind: 'refresh' | 'retry' | 'none' = 'none';
  private readonly actions: RegistrationAction[] = [];
  private readonly events: RegistrationEvent[] = [];
  private inFlight = false;
  private in423Row = 0;
  /** Set when an established registration was lost and not yet restored. */
  private lostSinceRegistered = false;
  private hadRegistration = false;

  constructor(config: RegistrationConfig) {
    this.config = config;
    this.requestedExpires = config.expires;
  }

  /** The application wants to be registered. */
  start(now: number): void {
    if (this.state === 'unregistered' || this.state === 'failed') {
      this.consecutiveFailures = 0;
      this.requestedExpires = this.config.expires;
      this.sendRegister(now, 'registering', 'start', 0, this.requestedExpires);
    } else if (this.state === 'backing-off') {
      this.sendRegister(now, 'registering', 'start', 0, this.requestedExpires);
    }
  }

  /** Shutdown: remove our binding (Expires: 0) if we may have one. */
  stop(now: number): void {
    switch (this.state) {
      case 'registered':
      case 'refreshing':
      case 'registering':
        this.clearDeadline();
        this.sendRegister(now, 'unregistering', 'stop', 0, 0);
        break;
      case 'backing-off':
      case 'failed':
        this.clearDeadline();
        this.move(now, 'unregistered', 'stop', 0, NO_DEADLINE);
        break;
      default:
        break;
    }
  }

  /** A final response to our REGISTER arrived (after any auth retry the UA did itself). */
  onResponse(now: number, r: RegisterOutcome): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unregistering') {
      this.finishUnregister(now, r.status);
      return;
    }
    const status = r.status;
    if (status >= 200 && status < 300) {
      if (r.grantedExpires < 0) {
        // The registrar answered but does not list our Contact: it lost or refused the binding.
        this.fail(now, 'binding-missing', status, -1);
        return;
      }
      this.accepted(now, r.grantedExpires, status);
      return;
    }
    if (status === 423 && r.minExpires > 0 && this.in423Row < this.config.max423InARow) {
      // §10.2.8: retry at once with at least Min-Expires; not a failure of the flow.
      this.in423Row++;
      this.requestedExpires = Math.max(this.requestedExpires, r.minExpires);
      this.sendRegister(now, this.state, 'interval-too-brief', status, this.requestedExpires);
      return;
    }
    if (status === 403 || status === 404 || status === 604 || status === 603) {
      this.permanentFailure(now, 'rejected', status);
      return;
    }
    if (status === 401 || status === 407) {
      // The UA only passes a challenge through when it cannot answer it (no or wrong credentials).
      this.permanentFailure(now, 'auth-failed', status);
      return;
    }
    this.fail(now, r.retryAfter >= 0 ? 'retry-after' : 'server-error', status, r.retryAfter);
  }

  /** The REGISTER transaction timed out (Timer F). */
  onTimeout(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unregistering') this.finishUnregister(now, 408);
    else this.fail(now, 'timeout', 408, -1);
  }

  /** The transport reported an error while sending (§8.1.3.1: treated like a 503). */
  onTransportError(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unregistering') this.finishUnregister(now, 503);
    else this.fail(now, 'transport-error', 503, -1);
  }

  /** The credentials were refused (same nonce challenged again): no point retrying by ourselves. */
  onAuthFailed(now: number, status: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'unregistering') {
      this.finishUnregister(now, status);
      return;
    }
    this.permanentFailure(now, 'auth-failed', status);
  }

  /**
   * The flow under our registration died (RFC 5626 §4.4.1: keep-alive pong missing, socket
   * closed, server restarted). Re-register at once over a new flow (§4.5); a second failure backs
   * off. "At once" is the next timer tick (due now), not this call: the host hears of the failure
   * first (registration-lost) and drops the dead connection, so the REGISTER opens a new one.
   */
  onFlowFailed(now: number): void {
    if (this.state === 'registered' || this.state === 'refreshing') {
      this.inFlight = false;
      this.markLost(now, 'flow-failed');
      this.setDeadline(now, 'retry');
      this.move(now, 'backing-off', 'flow-failed', 0, now);
    } else if (this.state === 'registering' && this.inFlight) {
      this.inFlight = false;
      this.fail(now, 'flow-failed', 0, -1);
    }
  }

  handleTimeout(now: number): void {
    if (now < this.deadline) return;
    const kind = this.deadlineKind;
    this.clearDeadline();
    if (kind === 'refresh' && this.state === 'registered') {
      this.sendRegister(now, 'refreshing', 'refresh-due', 0, this.requestedExpires);
    } else if (kind === 'retry' && this.state === 'backing-off') {
      this.sendRegister(now, 'registering', 'retry-due', 0, this.requestedExpires);
    }
  }

  nextDeadline(): number {
    return this.deadline;
  }

  pollAction(): RegistrationAction | undefined {
    return this.actions.shift();
  }

  pollEvent(): RegistrationEvent | undefined {
    return this.events.shift();
  }

  // ---- edges ----

  private accepted(now: number, granted: number, status: number): void {
    this.in423Row = 0;
    this.consecutiveFailures = 0;
    this.grantedExpires = granted;
    this.expiresAt = now + granted * 1000;
    const refreshAt = now + this.refreshDelayMs(granted);
    this.setDeadline(refreshAt, 'refresh');
    this.move(now, 'registered', 'accepted', status, refreshAt);
    if (this.lostSinceRegistered) {
      this.lostSinceRegistered = false;
      this.events.push({ kind: 'restored', at: now });
    }
    this.hadRegistration = true;
  }

  private fail(now: number, cause: RegistrationCause, status: number, retryAfterS: number): void {
    if (isRegistered(this.state) || cause === 'binding-missing') this.markLost(now, cause);
    // A binding still valid at the registrar keeps working while we retry a failed refresh, but
    // the state must say we are not sure any more: backing-off is honest, 'registered' is not.
    this.consecutiveFailures++;
    const waitMs = retryAfterS >= 0 ? retryAfterS * 1000 : this.backoffMs();
    const at = now + waitMs;
    this.setDeadline(at, 'retry');
    this.move(now, 'backing-off', cause, status, at);
  }

  private permanentFailure(now: number, cause: RegistrationCause, status: number): void {
    if (isRegistered(this.state)) this.markLost(now, cause);
    this.clearDeadline();
    this.grantedExpires = 0;
    this.expiresAt = NO_DEADLINE;
    this.move(now, 'failed', cause, status, NO_DEADLINE);
  }

  private finishUnregister(now: number, status: number): void {
    this.grantedExpires = 0;
    this.expiresAt = NO_DEADLINE;
    this.lostSinceRegistered = false;
    this.hadRegistration = false;
    this.move(now, 'unregistered', 'removed', status, NO_DEADLINE);
  }

  private markLost(now: number, cause: RegistrationCause): void {
    if (this.hadRegistration && !this.lostSinceRegistered) {
      this.lostSinceRegistered = true;
      this.events.push({ kind: 'lost', at: now, cause });
    }
    this.grantedExpires = 0;
    this.expiresAt = NO_DEADLINE;
  }

  private sendRegister(now: number, to: RegistrationState, cause: RegistrationCause, status: number, expires: number): void {
    this.inFlight = true;
    this.actions.push({ kind: 'send-register', expires });
    if (to !== this.state || cause === 'interval-too-brief' || cause === 'flow-failed') this.move(now, to, cause, status, NO_DEADLINE);
  }

  private move(now: number, to: RegistrationState, cause: RegistrationCause, status: number, nextAttemptAt: number): void {
    const from = this.state;
    if (!REGISTRATION_EDGES[from].includes(to)) {
      // A bug in this file, never the network's doing: keep the old state and say so loudly.
      throw new Error(`registration: no edge ${from} -> ${to} (${cause})`);
    }
    this.state = to;
    this.events.push({ kind: 'state', from, to, cause, at: now, status, nextAttemptAt });
  }

  /**
   * Refresh well before expiry, with jitter so a building of phones rebooted together does not
   * refresh in lockstep: half the interval for short grants, otherwise the grant less a margin
   * of 10% (at least 32 s = 64·T1, the longest a REGISTER transaction can take, at most 10 min),
   * less up to 5% more at random.
   */
  refreshDelayMs(granted: number): number {
    const grantedMs = granted * 1000;
    if (granted <= 64) return Math.max(1000, Math.floor(grantedMs / 2 - grantedMs * 0.1 * this.config.random()));
    const margin = Math.min(600_000, Math.max(32_000, grantedMs * 0.1));
    return Math.floor(grantedMs - margin - grantedMs * 0.05 * this.config.random());
  }

  /** RFC 5626 §4.5: a random wait between 50% and 100% of min(max-time, base-time·2^failures). */
  backoffMs(): number {
    const upper = Math.min(this.config.backoffMaxS, this.config.backoffBaseS * 2 ** this.consecutiveFailures) * 1000;
    return Math.floor(upper * (0.5 + 0.5 * this.config.random()));
  }

  private setDeadline(at: number, kind: 'refresh' | 'retry'): void {
    this.deadline = at;
    this.deadlineKind = kind;
  }

  private clearDeadline(): void {
    this.deadline = NO_DEADLINE;
    this.deadlineKind = 'none';
  }
}
