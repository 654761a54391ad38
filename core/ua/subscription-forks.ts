// Forked subscriptions on the subscriber side (RFC 6665 §4.1.2.4): a SUBSCRIBE forked by a proxy
// may be accepted by several notifiers, each sending NOTIFYs from its own dialog (same Call-ID and
// our From tag, a different remote tag). "the subscriber ... MUST be prepared to receive NOTIFY
// requests with a From: tag that differs from the To: tag received in the SUBSCRIBE 200-class
// response" — each such NOTIFY creates a new subscription and dialog.
//
// The first dialog belongs to the SubscriptionMachine (refreshes, Timer N, backoff); the others
// are kept here, bounded per subscription, and ride along: a refresh or unsubscribe of the
// subscription is sent into each of them too, a terminated NOTIFY or a failed refresh ends one,
// and when the subscription itself ends they all go. The application sees their NOTIFYs with a
// fork index (1, 2, …; 0 is the first dialog).
import { Dialog, type LocalParty } from '../dialog/index.js';

/** Dialogs a forked subscription may hold besides its first one (a board's busy-lamp keys are few; a flood of forks is refused with 481). */
export const MAX_EXTRA_FORKS = 3;

export class ForkDialog {
  /** Entity-tag of this notifier's last NOTIFY (RFC 5839): each fork is its own notifier. */
  etag = '';
  /**
   * When this dialog's subscription lapses unless refreshed (ms): the last `expires` its notifier
   * gave in Subscription-State or a refresh's 2xx. RFC 6665 §4.1.2.2: a refresh that fails with a
   * code other than those ending the subscription leaves it valid only until then.
   */
  validUntil = Infinity;
  constructor(readonly index: number, readonly dialog: Dialog) {}
}

/** Every subscription that never forked (nearly all) shares this empty table; add() makes a real one. */
const NO_FORKS: readonly (ForkDialog | null)[] = [];

export class ForkSet {
  private forks: (ForkDialog | null)[] = NO_FORKS as (ForkDialog | null)[];
  private nextIndex = 1;

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.forks.length; i++) if (this.forks[i] !== null) n++;
    return n;
  }

  /** The fork whose remote tag is buf[off, off+len), or null. */
  find(buf: Uint8Array, off: number, len: number): ForkDialog | null {
    for (let i = 0; i < this.forks.length; i++) {
      const f = this.forks[i];
      if (f !== null && sameAscii(buf, off, len, f.dialog.remoteTag)) return f;
    }
    return null;
  }

  /** A dialog for a new notifier (its first NOTIFY, §4.1.2.4); null when the subscription already holds the most forks. */
  add(local: LocalParty, remoteTag: string, contactUri: string, recordRoutes: string[], localSeq: number): ForkDialog | null {
    if (this.forks === NO_FORKS) this.forks = new Array<ForkDialog | null>(MAX_EXTRA_FORKS).fill(null);
    for (let i = 0; i < this.forks.length; i++) {
      if (this.forks[i] !== null) continue;
      // §12.1.2 for a dialog created by a request: the route set is the Record-Route in order.
      const dialog = new Dialog(true, local, { remoteTag, contactUri, recordRoutes, secure: false }, recordRoutes, localSeq, -1, 'confirmed');
      const f = new ForkDialog(this.nextIndex++, dialog);
      this.forks[i] = f;
      return f;
    }
    return null;
  }

  remove(f: ForkDialog): void {
    for (let i = 0; i < this.forks.length; i++) if (this.forks[i] === f) this.forks[i] = null;
  }

  /** The fork whose remote tag is `tag` (a response to a refresh sent into it). */
  byTag(tag: string): ForkDialog | null {
    for (let i = 0; i < this.forks.length; i++) {
      const f = this.forks[i];
      if (f !== null && f.dialog.remoteTag === tag) return f;
    }
    return null;
  }

  forEach(visit: (f: ForkDialog) => void): void {
    for (let i = 0; i < this.forks.length; i++) {
      const f = this.forks[i];
      if (f !== null) visit(f);
    }
  }

  clear(): void {
    if (this.forks !== NO_FORKS) this.forks.fill(null);
    this.nextIndex = 1;
  }
}

function sameAscii(buf: Uint8Array, off: number, len: number, s: string): boolean {
  if (off < 0 || len !== s.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * RFC 6665 §4.1.2.2: "If a SUBSCRIBE request to refresh a subscription receives a 404, 405, 410,
 * 416, 480-485, 489, 501, or 604 response, the subscriber SHOULD consider the subscription
 * terminated." Any other failure leaves it valid until its last known expiry.
 */
export function endsSubscriptionOnRefresh(status: number): boolean {
  return status === 404 || status === 405 || status === 410 || status === 416 || (status >= 480 && status <= 485) ||
    status === 489 || status === 501 || status === 604;
}
