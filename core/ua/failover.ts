// RFC 3263 §4.3 failover, the UA's half. The UA resolves no names (sans-I/O): a named destination
// stands for an ordered list of targets only the host knows. So the two halves talk through typed
// data that flows the usual way (UA → host on Outgoing, host → UA through an input):
//
//   1. A request to a named destination ends in a 503 response or a timeout (Timer F; the UA's
//      internal 408). Instead of handing that outcome to its owner, the UA sends the request again
//      as a NEW transaction (new Via branch, §4.3: "a new request, identical to the previous, but
//      [with] a different value of the Via branch ID"), with CSeq + 1 in the same Call-ID (the
//      §8.1.3.5 rule for re-sent requests; for REGISTER §10.2 requires it, and a server sharing
//      state with the failed one then never sees a merged request, §8.2.2.2).
//   2. Every transmit of that retry carries a failover marker on `Outgoing`: `failoverOf` (the
//      token of the transaction that failed) and `failoverRetryAfter` (the 503's Retry-After). The
//      host knows which target that token went to: it keeps the target out (until Retry-After,
//      RFC 3261 §21.5.4) and sends to the next target of the list not yet tried by this request.
//   3. No such target left → the host calls `handleNoNextTarget(token)`: the retry ends unsent and
//      the owner gets the outcome that caused it (503 with its Retry-After, or the timeout), exactly
//      as it would have without failover: registration backs off, MESSAGE reports refused/timeout.
//   4. A request re-sent with credentials after a 401/407 carries `sameTargetAs` (the challenged
//      token): the host sends it to the target that challenged, whose nonce it answers (RFC 3261
//      §22.2, §8.1.3.5), not to the first target of the list again.
//
// Transport errors are not in this loop: the host sees them first and fails over by itself before
// it reports handleSendFailed. A 408 *response* is treated like the timeout it reports: §4.3 names
// "a 503 error response, a transport failure, or a timeout", and a proxy that answers 408 is
// telling us the request timed out behind it (§21.4.9) — the next server may have a working path.
// The product asks for failover "on 503/408/transport error"; a registrar that answers 408 is as
// useless to a phone as one that stays silent.
//
// Scope (§4.3 applies per request; which requests resolve the URI afresh is §8.1.2 / §12.2.1.1):
// out-of-dialog REGISTER, SUBSCRIBE (before its dialog exists), PUBLISH, MESSAGE, OPTIONS. Requests
// inside a dialog (SUBSCRIBE refreshes, NOTIFY, BYE) follow the dialog's route set and remote
// target and are not failed over: the dialog is bound to the element that created it.
import { isIpLiteral } from '../transport/targets.js';
import type { Endpoint } from './config.js';
import type { Owner } from './records.js';
import type { RequestSpec } from './request-writer.js';

/** Why a request is re-sent to the next target, carried on its ClientRecord and its transmits. */
export interface FailoverMark {
  /** Token (client transaction id) of the attempt that failed; -1: not a failover attempt. */
  readonly of: number;
  /** That attempt's outcome: 503 (response) or 408 (timeout). */
  readonly status: number;
  /** Retry-After seconds of the 503 (RFC 3261 §20.33), or -1. */
  readonly retryAfter: number;
  /** Failover attempts so far for this request (1 for the first retry). */
  readonly count: number;
  /** Token of the attempt whose digest challenge this request answers (same target), or -1. */
  readonly sameTargetAs: number;
}

export const NO_FAILOVER: FailoverMark = { of: -1, status: 0, retryAfter: -1, count: 0, sameTargetAs: -1 };

/** The mark of a request re-sent with credentials after `challenged` drew a 401/407: same target, same failover budget. */
export function authRetryMark(challenged: number, previous: FailoverMark): FailoverMark {
  return { of: -1, status: 0, retryAfter: -1, count: previous.count, sameTargetAs: challenged };
}

/**
 * Upper bound on retries of one request, whatever the host does: a host that ignores the marker
 * (and so never answers handleNoNextTarget) cannot make the UA loop.
 */
export const MAX_FAILOVER_ATTEMPTS = 4;

/** Owners whose requests are sent outside any dialog (see the scope note above). */
const OUT_OF_DIALOG_OWNERS: Readonly<Record<Owner, boolean>> = {
  register: true, subscribe: true, publish: true, message: true, options: true,
  notify: false, 'subscribe-fork': false, chat: false,
};

const TO_TAG = /;\s*tag\s*=/i;

/**
 * May a request that ended with `status` (503 response or 408 timeout) be tried at the next target?
 * Only when the destination is a name (an IP literal is a list of one, RFC 3263 §4.2), the request
 * is outside a dialog (no To tag, §12.2.1.1), and the retry budget is not spent.
 */
export function mayFailOver(owner: Owner, spec: RequestSpec, destination: Endpoint, status: number, attempts: number): boolean {
  if (status !== 503 && status !== 408) return false;
  if (!OUT_OF_DIALOG_OWNERS[owner] || attempts >= MAX_FAILOVER_ATTEMPTS) return false;
  if (TO_TAG.test(spec.to)) return false;
  return !isIpLiteral(destination.address);
}
