// The small records the UserAgent keeps per thing in flight: the host's output slot (Outgoing),
// one per client transaction, per queued request, per subscription, per incoming MESSAGE waiting
// for the application, per stream flow. Plain data; the behaviour lives in user-agent.ts.
import type { Dialog } from '../dialog/dialog.js';
import type { SubscriptionMachine } from '../event/machine.js';
import { SipStreamFramer } from '../sip/framer.js';
import { ForkSet } from './subscription-forks.js';
import type { Endpoint } from './config.js';
import { RequestSpec } from './request-writer.js';
import { RequestEcho } from './response-writer.js';
import type { SipUriParts } from './uri-target.js';

/** One write the host must perform. Reuse one instance: pollTransmit refills it. */
export class Outgoing {
  bytes: Uint8Array = new Uint8Array(0);
  off = 0;
  len = 0;
  endpoint: Endpoint = { transport: 'udp', address: '', port: 0 };
  /** Pass it to handleSendFailed when the send fails: a client transaction id (≥ 0), a server transaction (≤ -2), or -1 (keep-alives). */
  token = -1;
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
  /** A final outcome was dispatched; later events only release resources. */
  done = false;
}

export interface QueuedRequest {
  readonly spec: RequestSpec;
  readonly owner: Owner;
  readonly ownerId: number;
  readonly authTries: number;
}

export class SubscriptionRecord {
  dialog: Dialog | null = null;
  callId = '';
  localTag = '';
  readonly spec = new RequestSpec();
  /** The application asked to end it: the record is freed when the machine reaches terminated. */
  closing = false;
  /** Entity-tag of the first dialog's last NOTIFY (RFC 5839 §5): sent as Suppress-If-Match on refresh. */
  etag = '';
  /** The other dialogs of a forked subscription (RFC 6665 §4.1.2.4). */
  readonly forks = new ForkSet();
  constructor(readonly id: number, readonly target: string, readonly targetParts: SipUriParts, readonly event: string, readonly machine: SubscriptionMachine) {}
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

export class StreamFlow {
  readonly framer: SipStreamFramer;
  constructor(readonly endpoint: Endpoint, storage: Uint8Array) {
    this.framer = new SipStreamFramer(storage);
  }
}
