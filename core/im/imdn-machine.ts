// Which IMDNs (RFC 5438) to ask for, which to send and when, and what incoming ones mean, for
// one account. Pure: the UA/app reports what happened (an IM sent or received, displayed,
// failed, a notification received, a final status) and drains actions and events.
//
// Policy defaults, and why:
// - request: false. Asking means wrapping every outgoing text in message/cpim, which RFC 3428
//   does not require a peer to accept (only text/plain is mandatory); a provider or phone
//   answering 415 would fail the text itself, the failure users report against isComposing
//   (linphone-desktop #785). Accounts that know their peers speak CPIM turn it on. When it is
//   on and a peer answers 415/488 to a wrapped IM, requests stop for that peer and the app is
//   told to resend the text plain (event 'request-refused').
// - sendDelivery: true. The sender asked explicitly, in a format it therefore understands; the
//   answer costs one MESSAGE; it goes out as soon as the IM is accepted (rcsjta #170).
// - sendDisplay: true, switchable: it reveals when the user read the text, so it is the switch
//   people want to turn off (linphone-iphone #822); it is sent only when the app marks the IM
//   displayed, never on receipt.
// Both tables are bounded (maxTracked, oldest forgotten first).
import type { ImdnNotificationKind, ImdnStatus } from './imdn.js';
import { DISPOSITION_DISPLAY, DISPOSITION_NEGATIVE_DELIVERY, DISPOSITION_POSITIVE_DELIVERY } from './imdn.js';

export interface ImdnPolicy {
  /** Ask for notifications on outgoing IMs (wraps them in message/cpim). */
  readonly request: boolean;
  /** What to ask for (DISPOSITION_* flags). */
  readonly requestDispositions: number;
  /** Answer positive/negative-delivery requests. */
  readonly sendDelivery: boolean;
  /** Answer display requests when the app marks an IM displayed. */
  readonly sendDisplay: boolean;
  /** Outgoing IMs awaiting notifications, and incoming IMs awaiting display, kept at most. */
  readonly maxTracked: number;
}

export const DEFAULT_IMDN_POLICY: ImdnPolicy = {
  request: false,
  requestDispositions: DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY,
  sendDelivery: true,
  sendDisplay: true,
  maxTracked: 64,
};

/** Final statuses to a CPIM-wrapped IM that mean the peer does not take message/cpim. */
export const CPIM_REFUSED_STATUSES: readonly number[] = [415, 488];

/** Send a notification MESSAGE (build it with writeImdnNotificationMessage). */
export interface SendImdn {
  readonly kind: 'send-imdn';
  readonly peer: string;
  /** The IM answered: its imdn.Message-ID and DateTime text, copied into the document. */
  readonly messageId: string;
  readonly dateTime: string;
  readonly notification: ImdnNotificationKind;
  readonly status: ImdnStatus;
  /** Our URI as the IM named it (CPIM To), for <recipient-uri>. */
  readonly recipientUri: string;
}

export type ImdnEvent =
  /** A notification about one of our IMs. */
  | { readonly kind: 'notified'; readonly messageId: string; readonly peer: string; readonly notification: ImdnNotificationKind; readonly status: ImdnStatus;
      /** The sender is the peer we sent the IM to. */ readonly fromRecipient: boolean;
      /** <datetime> equals the DateTime we sent (§7.2.1.1 says it is copied). */ readonly dateTimeMatches: boolean }
  /** A notification for a message id we do not know (forgotten, or not ours). */
  | { readonly kind: 'unknown-notification'; readonly messageId: string; readonly peer: string; readonly status: ImdnStatus }
  /** The peer refused the CPIM wrapping: resend this IM as text/plain; no more requests to it. */
  | { readonly kind: 'request-refused'; readonly messageId: string; readonly peer: string; readonly status: number };

interface Outgoing { messageId: string; peer: string; dateTime: string; dispositions: number; sentAt: number }
interface Incoming { messageId: string; peer: string; dateTime: string; dispositions: number; recipientUri: string }

export class ImdnMachine {
  private policy: ImdnPolicy;
  private readonly outgoing: Outgoing[] = [];
  private readonly incoming: Incoming[] = [];
  /** Peers that refused message/cpim (bounded like the tables). */
  private readonly refusing: string[] = [];
  private readonly actions: SendImdn[] = [];
  private readonly events: ImdnEvent[] = [];

  constructor(policy: Partial<ImdnPolicy> = {}) {
    this.policy = { ...DEFAULT_IMDN_POLICY, ...policy };
  }

  get currentPolicy(): ImdnPolicy {
    return this.policy;
  }

  setPolicy(change: Partial<ImdnPolicy>): void {
    this.policy = { ...this.policy, ...change };
  }

  // ---------------------------------------------------------------- outgoing IMs

  /**
   * DISPOSITION_* flags to request on a new IM to `peer`; 0 means send it plain (text/plain,
   * no CPIM wrapper).
   */
  requestFor(peer: string): number {
    if (!this.policy.request || this.refusing.indexOf(peer) >= 0) return 0;
    return this.policy.requestDispositions;
  }

  /** An IM that asked for notifications went out (ids and DateTime as written). */
  trackOutgoing(messageId: string, peer: string, dateTime: string, dispositions: number, now: number): void {
    if (dispositions === 0) return;
    remember(this.outgoing, { messageId, peer, dateTime, dispositions, sentAt: now }, this.policy.maxTracked);
  }

  /** The final status of a MESSAGE carrying a tracked IM. */
  sendOutcome(messageId: string, status: number): void {
    const at = indexById(this.outgoing, messageId);
    if (at < 0 || CPIM_REFUSED_STATUSES.indexOf(status) < 0) return;
    const { peer } = this.outgoing[at]!;
    this.outgoing.splice(at, 1);
    if (this.refusing.indexOf(peer) < 0) remember(this.refusing, peer, this.policy.maxTracked);
    this.events.push({ kind: 'request-refused', messageId, peer, status });
  }

  /**
   * A notification arrived from `peer` (fields from ImdnReader). Maps it to our IM by
   * message id; a final delivery failure or a display ends the tracking.
   */
  notificationReceived(peer: string, messageId: string, dateTime: string, notification: ImdnNotificationKind, status: ImdnStatus): void {
    const at = indexById(this.outgoing, messageId);
    if (at < 0) { this.events.push({ kind: 'unknown-notification', messageId, peer, status }); return; }
    const sent = this.outgoing[at]!;
    this.events.push({ kind: 'notified', messageId, peer: sent.peer, notification, status, fromRecipient: sent.peer === peer, dateTimeMatches: sent.dateTime === dateTime });
    // Nothing more can follow a display or a negative delivery. A notification from someone
    // else than the recipient is reported but ends nothing: it may be forged.
    if (sent.peer !== peer) return;
    if (notification === 'display' || status === 'failed' || (notification === 'delivery' && (sent.dispositions & DISPOSITION_DISPLAY) === 0)) this.outgoing.splice(at, 1);
  }

  // ---------------------------------------------------------------- incoming IMs

  /**
   * An IM that asked for notifications was accepted (fields from readImdnRequest). Sends the
   * positive delivery at once when asked; remembers a display request for markDisplayed.
   */
  messageReceived(peer: string, messageId: string, dateTime: string, dispositions: number, recipientUri: string): void {
    if (messageId === '' || dateTime === '') return; // cannot be answered (§6.3)
    if ((dispositions & DISPOSITION_POSITIVE_DELIVERY) && this.policy.sendDelivery) {
      this.actions.push({ kind: 'send-imdn', peer, messageId, dateTime, notification: 'delivery', status: 'delivered', recipientUri });
    }
    if (dispositions & DISPOSITION_DISPLAY) {
      remember(this.incoming, { messageId, peer, dateTime, dispositions, recipientUri }, this.policy.maxTracked);
    }
  }

  /** An IM that asked for notifications could not be delivered to the user. */
  messageFailed(peer: string, messageId: string, dateTime: string, dispositions: number, recipientUri: string): void {
    if (messageId === '' || dateTime === '') return;
    if ((dispositions & DISPOSITION_NEGATIVE_DELIVERY) && this.policy.sendDelivery) {
      this.actions.push({ kind: 'send-imdn', peer, messageId, dateTime, notification: 'delivery', status: 'failed', recipientUri });
    }
    const at = indexById(this.incoming, messageId);
    if (at >= 0) this.incoming.splice(at, 1);
  }

  /** The app showed the IM to the user. Returns true when a display notification is due. */
  markDisplayed(messageId: string): boolean {
    const at = indexById(this.incoming, messageId);
    if (at < 0) return false;
    const m = this.incoming[at]!;
    this.incoming.splice(at, 1);
    if (!this.policy.sendDisplay) return false;
    this.actions.push({ kind: 'send-imdn', peer: m.peer, messageId, dateTime: m.dateTime, notification: 'display', status: 'displayed', recipientUri: m.recipientUri });
    return true;
  }

  // ---------------------------------------------------------------- outputs

  pollAction(): SendImdn | undefined {
    return this.actions.shift();
  }

  pollEvent(): ImdnEvent | undefined {
    return this.events.shift();
  }

  /** Outgoing IMs still awaiting a notification (for tests and diagnostics). */
  get trackedOutgoing(): number {
    return this.outgoing.length;
  }

  get awaitingDisplay(): number {
    return this.incoming.length;
  }
}

function remember<T>(list: T[], item: T, max: number): void {
  list.push(item);
  while (list.length > max) list.shift();
}

function indexById(list: readonly { messageId: string }[], messageId: string): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.messageId === messageId) return i;
  return -1;
}
