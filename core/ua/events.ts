// What the UA tells the application (drained with pollEvent after every input or command).
// One discriminated union; every field is a plain value the application may keep.
import type { RegistrationCause, RegistrationState } from '../registration/states.js';
import type { SubscriptionCause, SubscriptionState } from '../event/states.js';
import type { PublicationState } from '../presence/publication.js';
import type { ChatEvent } from './chat-events.js';
import type { ListEvent } from './list-events.js';

export type UaEvent =
  /** Session-mode IM (RFC 4975): chat-offer, chat-state, msrp-connect — see chat-events.ts. */
  | ChatEvent
  /** Resource lists (RFC 4662): list-resource, list — see list-events.ts (after enableResourceLists). */
  | ListEvent
  /** One per edge of the registration machine (RFC 3261 §10, RFC 5626 §4.5). */
  | { readonly kind: 'registration'; readonly state: RegistrationState; readonly from: RegistrationState; readonly cause: RegistrationCause; readonly status: number; readonly at: number; readonly nextAttemptAt: number }
  /** An established registration was lost (flow failure, refresh failed, binding missing). */
  | { readonly kind: 'registration-lost'; readonly at: number; readonly cause: RegistrationCause }
  /** Registered again after a loss; the UA has already restored every subscription and every publication. */
  | { readonly kind: 'registration-restored'; readonly at: number }
  /** One per edge of a subscription (RFC 6665). */
  | { readonly kind: 'subscription'; readonly id: number; readonly target: string; readonly event: string; readonly state: SubscriptionState; readonly cause: SubscriptionCause; readonly status: number; readonly reason: string; readonly at: number }
  /** A NOTIFY body (copied). subscriptionId null: an unsolicited message-summary NOTIFY (RFC 3842 §3). */
  | { readonly kind: 'notify'; readonly subscriptionId: number | null; readonly event: string; readonly contentType: string; readonly body: Uint8Array; readonly state: 'active' | 'pending' | 'terminated'; readonly at: number;
      /** Which dialog of a forked subscription sent it (RFC 6665 §4.1.2.4): 0 the first, 1.. the others. */
      readonly fork?: number }
  /**
   * The presence state of a `presence` subscription changed (only after ua.trackPresence(states)):
   * read it with states.get(subscriptionId). Preallocated per subscription and queued at most once
   * until polled (NOTIFYs in between coalesce into it: the state read is the latest), so a NOTIFY
   * that changes the state allocates nothing, and the object may still be kept.
   */
  | { readonly kind: 'presence'; readonly subscriptionId: number; readonly target: string }
  /** Someone's subscription to a package we serve (notifier side): new (pending → answer with authorizeWatcher) or ended. */
  | { readonly kind: 'watcher'; readonly id: number; readonly event: string; readonly from: string; readonly state: 'pending' | 'active' | 'terminated'; readonly reason: string; readonly at: number }
  /** An edge of our publication of `event` (RFC 3903; one publication per package). */
  | { readonly kind: 'publication'; readonly event: string; readonly state: PublicationState; readonly from: PublicationState; readonly status: number; readonly at: number }
  /** Every publish() ends in one of these: it reached the server (etag), or why not. */
  | { readonly kind: 'publish-outcome'; readonly event: string; readonly ok: boolean; readonly status: number; readonly etag: string; readonly expires: number; readonly willRetry: boolean; readonly at: number }
  /** An incoming MESSAGE (RFC 3428); answer with respondToMessage(id, …) within the deadline. */
  | { readonly kind: 'message'; readonly id: number; readonly from: string; readonly to: string; readonly contentType: string; readonly body: Uint8Array; readonly receivedAt: number }
  /** Exactly one per sendMessage(). */
  | { readonly kind: 'message-status'; readonly id: number; readonly outcome: 'accepted' | 'refused' | 'timeout' | 'transport-failed'; readonly status: number; readonly reason: string; readonly at: number }
  /** The final answer to sendOptions(). */
  | { readonly kind: 'options-status'; readonly id: number; readonly status: number; readonly allow: string; readonly at: number }
  /** The keep-alive learnt our public address (STUN); `changed` means the registrar holds a stale Contact. */
  | { readonly kind: 'public-address'; readonly address: string; readonly changed: boolean; readonly at: number }
  /**
   * RFC 3263 §4.3: a request to a named destination ended in `status` (503, or 408 = timeout) and
   * goes again, as a new transaction, to the host's next target for that name (`attempt` counts
   * the retries of this request). If the host has none left, the owner gets `status` after all.
   * Either way the final outcome comes as the owner's usual event (registration, message-status, …).
   */
  | { readonly kind: 'failover'; readonly method: string; readonly status: number; readonly retryAfter: number; readonly attempt: number; readonly at: number }
  /** Something the UA had to drop or could not do: never silent. */
  | { readonly kind: 'warning'; readonly code: string; readonly message: string; readonly at: number };

export type UaEventKind = UaEvent['kind'];
