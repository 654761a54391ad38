// "One retry per challenge" (RFC 3261 §22.2, §22.3; RFC 2617 §3.2.1 stale): decides, for one
// realm, whether a 401/407 should be answered with a new request. Without this a UAC with a
// wrong password loops forever against servers that issue a fresh nonce with every challenge
// (Kamailio's auth module does).
//
// What we sent last for this realm, and what the new challenge says, select a row of a table:
//   FRESH       nothing sent for this realm in this request chain
//   PREEMPTIVE  credentials built from a nonce cached from an earlier request (REGISTER refresh)
//   ANSWERED    credentials built from a challenge received in this request chain
// Challenge kinds: SAME nonce as the one we used / NEW nonce with stale=true / NEW nonce, no stale.
//
//                  SAME           NEW + stale        NEW
//   FRESH          retry          retry              retry          first challenge
//   PREEMPTIVE     give up (same) retry              retry          cached nonce expired
//   ANSWERED       give up (same) retry (bounded)    give up        stale: right password, old nonce
//                                                                   NEW, no stale: password rejected
// stale=true retries are bounded per chain (maxStaleRetries) so a server that always says stale
// cannot loop us either.
import { E_AUTH_REJECTED, E_AUTH_SAME_NONCE, E_AUTH_TOO_MANY_STALE } from './errors.js';

export const SENT_FRESH = 0;
export const SENT_PREEMPTIVE = 1;
export const SENT_ANSWERED = 2;

export const CHALLENGE_SAME_NONCE = 0;
export const CHALLENGE_NEW_STALE = 1;
export const CHALLENGE_NEW = 2;

/** Decision: answer the challenge with a new request. */
export const AUTH_RETRY = 1;
/** Marks the stale row entry that is subject to the stale bound. */
const RETRY_STALE = 2;

const TABLE: readonly (readonly number[])[] = [
  /* FRESH      */ [AUTH_RETRY, AUTH_RETRY, AUTH_RETRY],
  /* PREEMPTIVE */ [E_AUTH_SAME_NONCE, RETRY_STALE, AUTH_RETRY],
  /* ANSWERED   */ [E_AUTH_SAME_NONCE, RETRY_STALE, E_AUTH_REJECTED],
];

/**
 * Decision for one challenge: AUTH_RETRY or a negative E_AUTH_* reason to give up.
 * `staleRetries` is how many stale retries this chain has already made.
 */
export function retryDecision(sent: number, challenge: number, staleRetries: number, maxStaleRetries: number): number {
  const d = TABLE[sent][challenge];
  if (d === RETRY_STALE) return staleRetries < maxStaleRetries ? AUTH_RETRY : E_AUTH_TOO_MANY_STALE;
  return d;
}
