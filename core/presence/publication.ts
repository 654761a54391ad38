// Publishing our own state (RFC 3903): initial PUBLISH with a body, refresh without one
// (SIP-If-Match, §4.2), modify (new body with SIP-If-Match), remove (Expires: 0), 412 → forget
// the entity tag and publish afresh (§4.4 / §6), 423 → Min-Expires. Only one PUBLISH is in
// flight per publication; a newer state set meanwhile replaces any older unsent one (users of
// other stacks get "cannot update presence while a PUBLISH is in progress" or stale state).
// 405/501/489 mean the server cannot take publications: remembered and reported once, not
// retried forever. The body is opaque here (the PIDF writer makes it); time is injected.

export type PublicationState = 'idle' | 'publishing' | 'published' | 'backing-off' | 'removing' | 'unsupported' | 'failed';

export interface PublishOutcome {
  readonly status: number;
  /** SIP-ETag of a 2xx ('' when absent). */
  readonly etag: string;
  /** Expires of a 2xx, or -1. */
  readonly expires: number;
  readonly minExpires: number;
  readonly retryAfter: number;
}

export interface PublishAction {
  readonly kind: 'send-publish';
  /** null for a refresh (no body, §4.2); otherwise the document to send. */
  readonly body: Uint8Array | null;
  readonly contentType: string;
  /** SIP-If-Match value, or '' for an initial PUBLISH. */
  readonly ifMatch: string;
  readonly expires: number;
}

export type PublicationEvent =
  | { readonly kind: 'state'; readonly from: PublicationState; readonly to: PublicationState; readonly at: number; readonly status: number }
  /** Every set() ends in one of these: the state reached the server, or why not. */
  | { readonly kind: 'published'; readonly at: number; readonly etag: string; readonly expires: number }
  | { readonly kind: 'publish-failed'; readonly at: number; readonly status: number; readonly willRetry: boolean };

export interface PublicationConfig {
  readonly expires: number;
  readonly backoffBaseS: number;
  readonly backoffMaxS: number;
  readonly random: () => number;
}

const NONE = Number.POSITIVE_INFINITY;

export class Publication {
  state: PublicationState = 'idle';
  etag = '';
  requestedExpires: number;
  private current: Uint8Array | null = null;
  private currentType = '';
  /** A state set while a request was in flight: sent when that request ends (coalescing). */
  private pending: Uint8Array | null = null;
  private pendingType = '';
  private hasPending = false;
  private removeRequested = false;
  private inFlight = false;
  private inFlightBody: Uint8Array | null = null;
  private failures = 0;
  private deadline = NONE;
  private deadlineKind: 'refresh' | 'retry' | 'none' = 'none';
  private readonly actions: PublishAction[] = [];
  private readonly events: PublicationEvent[] = [];
  private readonly config: PublicationConfig;

  constructor(config: PublicationConfig) {
    this.config = config;
    this.requestedExpires = config.expires;
  }

  /** Publish this document (initial or modify). Coalesced if a PUBLISH is in flight. */
  set(now: number, body: Uint8Array, contentType: string): void {
    if (this.state === 'unsupported') {
      this.events.push({ kind: 'publish-failed', at: now, status: 501, willRetry: false });
      return;
    }
    this.removeRequested = false;
    if (this.inFlight) {
      this.pending = body;
      this.pendingType = contentType;
      this.hasPending = true;
      return;
    }
    this.current = body;
    this.currentType = contentType;
    this.send(now, body, this.requestedExpires);
  }

  /** Remove the publication (Expires: 0 with SIP-If-Match, §4.5), e.g. at shutdown. */
  remove(now: number): void {
    this.hasPending = false;
    this.pending = null;
    if (this.inFlight) {
      this.removeRequested = true;
      return;
    }
    this.clearDeadline();
    if (this.etag === '') {
      if (this.state !== 'idle' && this.state !== 'unsupported') this.move(now, 'idle', 0);
      return;
    }
    this.inFlight = true;
    this.inFlightBody = null;
    this.actions.push({ kind: 'send-publish', body: null, contentType: '', ifMatch: this.etag, expires: 0 });
    this.move(now, 'removing', 0);
  }

  /** Registration came back after a loss: the server may have lost our publication too. */
  restore(now: number): void {
    if (this.current && !this.inFlight && this.state !== 'unsupported' && this.state !== 'removing') {
      this.etag = '';
      this.send(now, this.current, this.requestedExpires);
    }
  }

  onResponse(now: number, r: PublishOutcome): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    const status = r.status;
    if (this.state === 'removing') {
      this.etag = '';
      this.current = null;
      this.move(now, 'idle', status);
      this.flushPending(now);
      return;
    }
    if (status >= 200 && status < 300) {
      this.failures = 0;
      if (r.etag !== '') this.etag = r.etag;
      const expires = r.expires >= 0 ? r.expires : this.requestedExpires;
      this.scheduleRefresh(now, expires);
      this.move(now, 'published', status);
      this.events.push({ kind: 'published', at: now, etag: this.etag, expires });
      if (this.removeRequested) {
        this.removeRequested = false;
        this.remove(now);
        return;
      }
      this.flushPending(now);
      return;
    }
    if (status === 412) {
      // §6: the entity tag is unknown to the server (it restarted or expired us): start over.
      this.etag = '';
      const body = this.hasPending ? this.takePending() : this.current;
      if (body) {
        this.send(now, body, this.requestedExpires);
        return;
      }
    }
    if (status === 423 && r.minExpires > 0) {
      this.requestedExpires = Math.max(this.requestedExpires, r.minExpires);
      const body = this.inFlightBody ?? this.current;
      if (body) {
        this.send(now, body, this.requestedExpires, this.inFlightBody === null && this.etag !== '');
        return;
      }
    }
    if (status === 405 || status === 501 || status === 489) {
      this.clearDeadline();
      this.hasPending = false;
      this.pending = null;
      this.move(now, 'unsupported', status);
      this.events.push({ kind: 'publish-failed', at: now, status, willRetry: false });
      return;
    }
    if (status === 403 || status === 404 || status === 401 || status === 407) {
      this.clearDeadline();
      this.move(now, 'failed', status);
      this.events.push({ kind: 'publish-failed', at: now, status, willRetry: false });
      return;
    }
    this.retryLater(now, status, r.retryAfter);
  }

  onTimeout(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'removing') {
      this.etag = '';
      this.move(now, 'idle', 408);
      return;
    }
    this.retryLater(now, 408, -1);
  }

  onTransportError(now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.state === 'removing') {
      this.etag = '';
      this.move(now, 'idle', 503);
      return;
    }
    this.retryLater(now, 503, -1);
  }

  handleTimeout(now: number): void {
    if (now < this.deadline || this.inFlight) return;
    const kind = this.deadlineKind;
    this.clearDeadline();
    if (kind === 'refresh' && this.state === 'published' && this.etag !== '') {
      // §4.2: a refresh carries no body, only SIP-If-Match.
      this.inFlight = true;
      this.inFlightBody = null;
      this.actions.push({ kind: 'send-publish', body: null, contentType: '', ifMatch: this.etag, expires: this.requestedExpires });
      this.move(now, 'publishing', 0);
    } else if (kind === 'retry' && this.state === 'backing-off') {
      const body = this.hasPending ? this.takePending() : this.current;
      if (body) this.send(now, body, this.requestedExpires);
    }
  }

  nextDeadline(): number {
    return this.deadline;
  }

  pollAction(): PublishAction | undefined {
    return this.actions.shift();
  }

  pollEvent(): PublicationEvent | undefined {
    return this.events.shift();
  }

  private send(now: number, body: Uint8Array, expires: number, refreshOnly = false): void {
    // The PUBLISH now in flight settles the next deadline (its 2xx schedules the refresh, a
    // failure the retry). A refresh deadline left armed from the last 2xx would come due while
    // it is in flight, and handleTimeout ignores it then: nextDeadline() stayed in the past and
    // the host loop spun (setTimeout 0) until the PUBLISH ended, up to Timer F (32 s) during an
    // outage. Found by the 24-hour soak (test/soak/), hour 31: a modify sent just before a refresh.
    this.clearDeadline();
    this.inFlight = true;
    this.inFlightBody = refreshOnly ? null : body;
    this.current = body;
    this.actions.push({ kind: 'send-publish', body: refreshOnly ? null : body, contentType: refreshOnly ? '' : this.currentType, ifMatch: this.etag, expires });
    this.move(now, 'publishing', 0);
  }

  private takePending(): Uint8Array | null {
    const body = this.pending;
    this.current = body;
    this.currentType = this.pendingType;
    this.pending = null;
    this.hasPending = false;
    return body;
  }

  private flushPending(now: number): void {
    if (!this.hasPending) return;
    const body = this.takePending();
    if (body) this.send(now, body, this.requestedExpires);
  }

  private retryLater(now: number, status: number, retryAfterS: number): void {
    this.failures++;
    const upper = Math.min(this.config.backoffMaxS, this.config.backoffBaseS * 2 ** this.failures) * 1000;
    const wait = retryAfterS >= 0 ? retryAfterS * 1000 : Math.floor(upper * (0.5 + 0.5 * this.config.random()));
    this.deadline = now + wait;
    this.deadlineKind = 'retry';
    this.move(now, 'backing-off', status);
    this.events.push({ kind: 'publish-failed', at: now, status, willRetry: true });
  }

  private scheduleRefresh(now: number, expires: number): void {
    const ms = expires * 1000;
    const delay = expires <= 64
      ? Math.max(1000, Math.floor(ms / 2))
      : Math.floor(ms - Math.min(600_000, Math.max(32_000, ms * 0.1)) - ms * 0.05 * this.config.random());
    this.deadline = now + delay;
    this.deadlineKind = 'refresh';
  }

  private clearDeadline(): void {
    this.deadline = NONE;
    this.deadlineKind = 'none';
  }

  private move(now: number, to: PublicationState, status: number): void {
    const from = this.state;
    if (from === to && to !== 'publishing') return;
    this.state = to;
    this.events.push({ kind: 'state', from, to, at: now, status });
  }
}
