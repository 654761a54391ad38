// The message-waiting lamp per account (RFC 3842), fed by message-summary NOTIFYs — from the
// account's subscription or unsolicited (many registrars push MWI without a SUBSCRIBE; user
// demands row 1). The decision this module makes besides the lamp is the response code: a
// message-summary NOTIFY for a configured account is answered 200, never 405/489 (JsSIP #435,
// siphon-ai #487: those make servers retry every minute or drop the account), even when the body
// is unreadable — the error is recorded and the lamp keeps its last state.
import { parseMessageSummary, MessageSummary, MessagesWaiting, MwiError, Count, MESSAGE_CLASSES } from './message-summary.js';
import { ContentTypeValue, decodeContentType } from '../sip/decode/content-type.js';
import { isLive, type SubscriptionState } from '../event/states.js';
import { ByteSlot } from '../presence/rls/byte-slot.js';

/** What the lamp shows. Unknown: no state ever arrived, or the subscription failed. */
export const MwiLamp = { Unknown: 0, Off: 1, On: 2, Urgent: 3 } as const;
export type MwiLamp = typeof MwiLamp[keyof typeof MwiLamp];

export class MwiAccount {
  inUse = false;
  readonly aor: ByteSlot;
  /** Accept NOTIFYs that no subscription of ours asked for. */
  acceptUnsolicited = true;
  subscription: SubscriptionState = 'idle';
  /** An unsolicited NOTIFY has arrived since configuration (the server pushes MWI). */
  unsolicitedSeen = false;
  lamp: MwiLamp = MwiLamp.Unknown;
  waiting: MessagesWaiting = MessagesWaiting.Unknown;
  /** Message-Account URI of the last summary ('' when absent). */
  readonly messageAccount: ByteSlot;
  /** Sums over all message classes present; -1 when no summary line was given. */
  newMessages = -1;
  oldMessages = -1;
  urgentNew = -1;
  urgentOld = -1;
  lastError: MwiError = MwiError.None;
  /** The last NOTIFY body was not application/simple-message-summary (ignored). */
  wrongType = false;
  updatedAt = NaN;
  constructor(uriBytes: number) {
    this.aor = new ByteSlot(uriBytes);
    this.messageAccount = new ByteSlot(uriBytes);
  }
  clearState(): void {
    this.lamp = MwiLamp.Unknown;
    this.waiting = MessagesWaiting.Unknown;
    this.messageAccount.clear();
    this.newMessages = this.oldMessages = this.urgentNew = this.urgentOld = -1;
  }
}

export interface MwiNotifyResult {
  /** The SIP response to send to the NOTIFY. */
  status: number;
  /** The lamp state changed from this NOTIFY's body. */
  applied: boolean;
}

const CLASS_COUNT = MESSAGE_CLASSES.length;

export class MwiLamps {
  readonly accounts: readonly MwiAccount[];
  private readonly summary = new MessageSummary();
  private readonly contentType = new ContentTypeValue();
  private readonly result: MwiNotifyResult = { status: 200, applied: false };

  constructor(accounts = 4, uriBytes = 128) {
    this.accounts = Array.from({ length: accounts }, () => new MwiAccount(uriBytes));
  }

  configure(index: number, aor: string, acceptUnsolicited: boolean): boolean {
    const a = this.accounts[index];
    if (a === undefined) return false;
    a.inUse = true;
    a.aor.setText(aor);
    a.acceptUnsolicited = acceptUnsolicited;
    a.subscription = 'idle';
    a.unsolicitedSeen = false;
    a.lastError = MwiError.None;
    a.clearState();
    return true;
  }

  /**
   * A NOTIFY with Event: message-summary for account `index` (-1: no account matched the
   * Request-URI/To). `solicited`: it belongs to our subscription's dialog. The returned object
   * is reused by the next call.
   */
  onNotify(index: number, solicited: boolean, typeBuf: Uint8Array, typeOff: number, typeEnd: number, body: Uint8Array, bodyOff: number, bodyEnd: number, now: number): MwiNotifyResult {
    const r = this.result;
    r.applied = false;
    const a = index >= 0 ? this.accounts[index] : undefined;
    // RFC 6665 §4.1.3: a NOTIFY that matches no subscription (and that we do not take
    // unsolicited) is answered 481 — not 405/489, which say the method or package is unknown.
    if (a === undefined || !a.inUse || (!solicited && !a.acceptUnsolicited)) { r.status = 481; return r; }
    r.status = 200;
    if (!solicited) a.unsolicitedSeen = true;
    // Empty body: Kamailio's first NOTIFY before anything was published; no change.
    if (bodyEnd <= bodyOff) return r;
    const ct = this.contentType;
    if (typeEnd > typeOff && (decodeContentType(typeBuf, typeOff, typeEnd, ct) !== 0 || !ct.is(typeBuf, 'application', 'simple-message-summary'))) {
      a.wrongType = true;
      return r;
    }
    a.wrongType = false;
    const s = this.summary;
    const code = parseMessageSummary(body, bodyOff, bodyEnd, s);
    a.lastError = code;
    if (code !== MwiError.None) return r;
    a.waiting = s.waiting;
    a.messageAccount.copy(body, s.accountStart, s.accountEnd);
    a.newMessages = sum(s, Count.New);
    a.oldMessages = sum(s, Count.Old);
    a.urgentNew = sum(s, Count.UrgentNew);
    a.urgentOld = sum(s, Count.UrgentOld);
    // RFC 3842 §5.2: Messages-Waiting decides the lamp; urgent new messages make it urgent.
    a.lamp = s.waiting === MessagesWaiting.Yes ? (a.urgentNew > 0 ? MwiLamp.Urgent : MwiLamp.On) : MwiLamp.Off;
    a.updatedAt = now;
    r.applied = true;
    return r;
  }

  /**
   * The account's MWI subscription moved. When it stops delivering and the server has not been
   * seen pushing MWI unsolicited, the lamp is Unknown (not Off: "no messages" is not known).
   */
  onSubscription(index: number, state: SubscriptionState, now: number): void {
    const a = this.accounts[index];
    if (a === undefined || !a.inUse) return;
    a.subscription = state;
    if ((state === 'failed' || state === 'backing-off' || state === 'terminated') && !a.unsolicitedSeen) {
      a.clearState();
      a.updatedAt = now;
    }
  }

  /** The lamp is being driven: a live subscription or a server that pushes unsolicited MWI. */
  isDriven(index: number): boolean {
    const a = this.accounts[index];
    return a !== undefined && a.inUse && (isLive(a.subscription) || a.unsolicitedSeen);
  }
}

function sum(s: MessageSummary, which: number): number {
  let total = -1;
  for (let c = 0; c < CLASS_COUNT; c++) {
    const v = s.counts[c * 4 + which]!;
    if (v >= 0) total = total < 0 ? v : total + v;
  }
  return total;
}
