// The subscriber side of an RFC 6665 subscription as data: states, causes and the edges allowed
// between them. machine.ts refuses any edge not listed here.

export type SubscriptionState =
  | 'idle'
  | 'subscribing'      // initial SUBSCRIBE in flight (a NOTIFY may still arrive first, §4.1.2.4)
  | 'notify-wait'      // 2xx received, no NOTIFY yet: Timer N runs (§4.1.2.4)
  | 'pending'          // Subscription-State: pending (e.g. waiting for authorisation)
  | 'active'
  | 'refreshing'       // refresh SUBSCRIBE in flight; state still valid
  | 'backing-off'      // will start a fresh subscription after a wait
  | 'unsubscribing'    // SUBSCRIBE Expires: 0 sent, waiting for the final NOTIFY
  | 'terminated'       // ended by us or by the notifier; nothing scheduled
  | 'failed';          // the notifier or server refused for good (489, 403, 404, 405, 501, rejected)

export type SubscriptionCause =
  | 'start' | 'stop' | 'accepted' | 'notify-active' | 'notify-pending' | 'notify-terminated'
  | 'refresh-due' | 'retry-due' | 'interval-too-brief' | 'timer-n' | 'timeout' | 'transport-error'
  | 'no-such-subscription' | 'bad-event' | 'rejected' | 'server-error' | 'retry-after' | 'restore';

export const SUBSCRIPTION_EDGES: Readonly<Record<SubscriptionState, readonly SubscriptionState[]>> = {
  'idle': ['subscribing'],
  'subscribing': ['subscribing', 'notify-wait', 'pending', 'active', 'backing-off', 'terminated', 'failed', 'unsubscribing'],
  'notify-wait': ['pending', 'active', 'backing-off', 'terminated', 'failed', 'subscribing', 'unsubscribing'],
  'pending': ['active', 'pending', 'refreshing', 'backing-off', 'terminated', 'failed', 'subscribing', 'unsubscribing'],
  'active': ['active', 'pending', 'refreshing', 'backing-off', 'terminated', 'failed', 'subscribing', 'unsubscribing'],
  'refreshing': ['active', 'pending', 'refreshing', 'backing-off', 'terminated', 'failed', 'subscribing', 'unsubscribing'],
  'backing-off': ['subscribing', 'terminated'],
  'unsubscribing': ['terminated'],
  'terminated': ['subscribing'],
  'failed': ['subscribing'],
};

/** True while the notifier's state reaching us can be trusted (lamps show it, not "unknown"). */
export function isLive(state: SubscriptionState): boolean {
  return state === 'active' || state === 'refreshing' || state === 'pending';
}
