// The small records the UserAgent keeps per thing in flight: the host's output slot (Outgoing),
// one per client transaction, per queued request, per subscription, per incoming MESSAGE waiting
// for the application, per stream flow. Plain data; the behaviour lives in user-agent-base.ts.
import type { Dialog } from '../dialog/dialog.js';
import type { SubscriptionMachine } from '../event/machine.js';
import { ForkSet } from './subscription-forks.js';
import type { Endpoint } from './config.js';
import { RequestSpec } from './request-writer.js';
import { RequestEcho } from './response-writer.js';
import type { SipUriParts } from './uri-target.js';
import type { UaEvent } from './events.js';

type PresenceChangeEvent = Extract<UaEvent, { kind: 'presence' }>;
import { NO_FAILOVER, type FailoverMark } from './failover.js';

/** One write the host must perform. Reuse one instance: pollTransmit refills it. */
export class Outgoing {
  bytes: Uint8Array = new Uint8Array(0);
  off = 0;
  len = 0;
  endpoint: Endpoint = { transport: 'udp', address: '', port: 0 };
  /** Pass it to handleSendFailed when the send fails: a client transaction id (≥ 0), a server transaction (≤ -2), or -1 (keep-alives). */
  token = -1;
  /**
   * RFC 3263 §4.3 (failover.ts): ≥ 0 when this request retries, at the next target, the one sent
   * as token `failoverOf`, which ended in 503 or a timeout; -1 otherwise. Set on every transmit of
   * the retry (retransmissions too). A host without such a target calls handleNoNextTarget(token).
   */
  failoverOf = -1;
  /** RFC 3261 §21.5.4: Retry-After (s) of that 503, -1 when none: the failed target stays out that long. */
  failoverRetryAfter = -1;
  /** ≥ 0: this request answers the digest challenge of token `sameTargetAs`: send it where that one went (RFC 3261 §22.2). */
  sameTargetAs = -1;
}

/** What a spare ClientRecord points at, so it keeps no request (and its body) alive. */
export const EMPTY_SPEC = new RequestSpec();

export type Owner = 'register' | 'subscribe' | 'publish' | 'message' | 'options'
  /** A NOTIFY of ours (notifier side, notifier.ts): ownerId is the watcher. */
  | 'notify'
  /** A refresh/unsubscribe sent into an extra dialog of a forked subscription: ownerId is the subscription. */
  | 'subscribe-fork'
  /** An INVITE or BYE of a session-mode chat (invite-sessions.ts): ownerId is the chat. */
  | 'chat';

/** What the UA remembers about one of its client transactions. */
export class ClientRecord {
  txId = -1;
  owner: Owner = 'options';
  ownerId = 0;
  spec: RequestSpec = EMPTY_SPEC;
  slot = -1;
  destId = -1;
  authTries = 0;
  /** What this request carried for digest auth (SENT_* of core/auth/retry-policy.ts). */
  authSent = 0;
  /** The digest client's nonceClock when this request was written (restoreSentState). */
  authWrittenAt = 0;
  /** A final outcome was dispatched; later events only release resources. */
  done = false;
  /** Set when this transaction retries an earlier one at the next target (RFC 3263 §4.3). */
  failover: FailoverMark = NO_FAILOVER;
}

export interface QueuedRequest {
  readonly spec: RequestSpec;
  readonly owner: Owner;
  readonly ownerId: number;
  readonly authTries: number;
  readonly failover: FailoverMark;
}

export class SubscriptionRecord {
  /** Its index in the UA's subscription table (the key of its schedule and Call-ID index entries). */
  slot = -1;
  dialog: Dialog | null = null;
  /**
   * The subscription's SUBSCRIBE: its Call-ID, From tag and Event are the subscription's own, so
   * callId, localTag and event below read and write them there. Fewer own properties matter in
   * QuickJS, which sizes an object's property array in steps (6, 9, 13, 19, 28 slots of 8 bytes):
   * 12 fields take 13 slots, 15 took 19.
   */
  readonly spec = new RequestSpec();
  /** The application asked to end it: the record is freed when the machine reaches terminated. */
  closing = false;
  /** Entity-tag of the first dialog's last NOTIFY (RFC 5839 §5): sent as Suppress-If-Match on refresh. */
  etag = '';
  /** The other dialogs of a forked subscription (RFC 6665 §4.1.2.4). */
  readonly forks = new ForkSet();
  /** Its `presence` event (ua.trackPresence), made once and reused; queued: waiting in the event queue. */
  presenceEvent: PresenceChangeEvent | null = null;
  presenceQueued = false;
  constructor(readonly id: number, readonly target: string, readonly targetParts: SipUriParts, event: string, readonly machine: SubscriptionMachine) {
    this.spec.event = event;
  }
  /** Call-ID of the current dialog ('' before the first SUBSCRIBE). */
  get callId(): string { return this.spec.callId; }
  set callId(value: string) { this.spec.callId = value; }
  /** Our From tag in the current dialog. */
  get localTag(): string { return this.spec.fromTag; }
  set localTag(value: string) { this.spec.fromTag = value; }
  /** The event package name. */
  get event(): string { return this.spec.event; }
}

export class PendingMessage {
  id = -1;
  txId = -1;
  deadline = Number.POSITIVE_INFINITY;
  readonly echo: RequestEcho;
  constructor(echoBytes: number) {
    this.echo = new RequestEcho(echoBytes);
  }
}
