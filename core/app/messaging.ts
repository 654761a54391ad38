// Page-mode instant messaging as the phone's user sees it: texts kept per peer with their
// delivery state, typing indicators, read receipts. Pure glue between core/ua (MESSAGE in and
// out, RFC 3428) and the core/im modules that already know the rules — text-body (charset,
// size), body-kind (what a body is, so status documents never show as text), cpim (RFC 3862),
// iscomposing(-machine) (RFC 3994), imdn(-machine) (RFC 5438) and conversation-store.
//
// Driven like the rest of the core: UA events and `now` in (onUaEvent), commands (sendText,
// typing, markRead), one deadline (nextDeadline/handleTimeout), events out (pollEvent). The UA
// commands it needs go through a two-method MessagingPort, which a UserAgent satisfies as is.
//
// Decisions, and why:
// - Nothing is dropped silently: an outgoing text the store cannot take is refused with an
//   error before anything is sent; an incoming one the store cannot take is answered 480 (the
//   sender keeps it and may retry) — not 503, which proxies read as "this node is overloaded"
//   and fail over from (RFC 3261 §21.5.4).
// - A UA command that fails at once (too big, queue full) leaves the text in the store as
//   "failed" with the error, so the user sees it and can retry.
// - A peer refusing the CPIM wrapping of an IMDN request (415/488) gets the same text again as
//   text/plain at once; the store entry stays the same message.
// - 202 means a relay took the text (RFC 3428 §7): the message stays "sent".
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';
import type { UaEvent } from '../ua/events.js';
import { classifyBody, CONTENT_TYPE_CPIM, CONTENT_TYPE_ISCOMPOSING } from '../im/body-kind.js';
import { decodeTextBody, encodeTextBody, DEFAULT_TEXT_BODY_LIMITS, TEXT_PLAIN_UTF8, type TextBodyLimits } from '../im/text-body.js';
import { CpimView, parseCpim, CPIM_OK } from '../im/cpim.js';
import { IsComposingReader, writeIsComposing, ISC_OK } from '../im/iscomposing.js';
import { IsComposingMachine, type IsComposingEvent, type IsComposingOptions, type SendIsComposing } from '../im/iscomposing-machine.js';
import {
  ImdnReader, ImdnRequest, readImdnRequest, writeImdnNotificationMessage, writeImdnRequestMessage, IMDN_OK,
  type ImdnNotificationKind, type ImdnStatus,
} from '../im/imdn.js';
import { ImdnMachine, CPIM_REFUSED_STATUSES, type ImdnPolicy, type SendImdn } from '../im/imdn-machine.js';
import { ConversationStore, storeErrorName, type ConversationStoreOptions, type DeliveryInput, type DeliveryState, type StoredMessage } from '../im/conversation-store.js';
import { formatRfc3339 } from '../im/datetime.js';
import { NO_DEADLINE } from '../timers/deadline-heap.js';

/**
 * The two UA commands messaging needs (UserAgent implements both with these signatures). Like
 * the UA, an implementation must not call back into Messaging from inside a command: results
 * come back later as UA events through onUaEvent.
 */
export interface MessagingPort {
  sendMessage(target: string, contentType: string, body: Uint8Array, now: number): Result<number, { readonly code: string; readonly message: string }>;
  respondToMessage(id: number, status: number, now: number): Result<unknown, { readonly code: string; readonly message: string }>;
}

export interface MessagingOptions {
  /** Our address of record: the CPIM From of what we send. */
  readonly aor: string;
  /** Random source for imdn.Message-IDs (RFC 5438 §6.3 asks for >= 32 random bits). */
  readonly random: () => number;
  /** `now` + this = epoch milliseconds, for CPIM DateTime (now is a monotonic clock). */
  readonly epochOffsetMs?: number;
  /** isComposing for this account; `enabled` (sending) is off by default. */
  readonly composing?: Partial<IsComposingOptions>;
  /** IMDN for this account; `request` (CPIM wrapping) is off by default. */
  readonly imdn?: Partial<ImdnPolicy>;
  readonly store?: Partial<ConversationStoreOptions>;
  readonly textLimits?: TextBodyLimits;
  /** Largest CPIM / status body read or written, bytes (default: text limit + 1 KiB of headers). */
  readonly maxWrappedBytes?: number;
}

export interface MessagingError {
  readonly code: 'store-full' | 'too-large' | 'no-space' | 'send-failed' | 'unknown-message' | 'illegal-transition';
  readonly message: string;
  /** With 'send-failed': the stored message, now "failed". */
  readonly storeId: number;
}

export type MessagingEvent =
  /** A text arrived and is stored unread. */
  | { readonly kind: 'text'; readonly id: number; readonly peer: string; readonly text: string; readonly malformed: boolean }
  /** A stored message changed delivery state (code: the SIP status with "failed", else 0). */
  | { readonly kind: 'state'; readonly id: number; readonly from: DeliveryState; readonly to: DeliveryState; readonly code: number }
  /** The store made room by dropping this message (it had a known fate, or nothing else could go). */
  | { readonly kind: 'evicted'; readonly message: StoredMessage; readonly unread: boolean }
  /** Typing indicators of peers, and peers that refused ours. */
  | IsComposingEvent
  /** An incoming MESSAGE we answered with an error (status), and why. */
  | { readonly kind: 'refused'; readonly peer: string; readonly status: number; readonly detail: string }
  /** Something that could not be done (a status MESSAGE not sent, an IMDN for nothing we know). */
  | { readonly kind: 'warning'; readonly code: string; readonly message: string };

// What a MESSAGE we sent was, to route its message-status.
const P_TEXT = 0, P_ISCOMPOSING = 1, P_IMDN = 2;
interface Pending { readonly what: number; readonly peer: string; readonly storeId: number; readonly imdnId: string }

// message-status outcome → the store's input; accepted depends on the code (202: a relay).
const OUTCOME_INPUT: Readonly<Record<'refused' | 'timeout' | 'transport-failed', DeliveryInput>> = {
  refused: 'failed', timeout: 'failed', 'transport-failed': 'failed',
};

// IMDN notification → store input for our message (RFC 5438 §9). Only what says where the text
// is moves it: "forbidden" and "error" say the recipient will not (or cannot) tell, not that the
// text is lost — a display "forbidden" arrives for a text that was delivered — so they change
// nothing. Processing notifications (§8.3) are about relays and change nothing either.
const IMDN_INPUT: Readonly<Record<ImdnNotificationKind, Readonly<Partial<Record<ImdnStatus, DeliveryInput>>>>> = {
  delivery: { delivered: 'delivered', failed: 'failed' },
  display: { displayed: 'displayed' },
  processing: {},
};

/** Answer to an incoming MESSAGE when the store cannot take it (see the header). */
export const STATUS_STORE_FULL = 480;
const STATUS_BAD_REQUEST = 400;
const MAX_PUMP_ROUNDS = 4096;
const STATUS_UNSUPPORTED = 415;

export class Messaging {
  readonly store: ConversationStore;
  readonly composing: IsComposingMachine;
  readonly imdn: ImdnMachine;
  private readonly aor: string;
  private readonly random: () => number;
  private readonly epochOffset: number;
  private readonly textLimits: TextBodyLimits;
  private readonly scratch: Uint8Array;
  private readonly textScratch: Uint8Array;
  private readonly pending = new Map<number, Pending>();
  private readonly events: MessagingEvent[] = [];
  private readonly cpim = new CpimView();
  private readonly imdnRequest = new ImdnRequest();
  private readonly imdnReader = new ImdnReader();
  private readonly composingReader = new IsComposingReader();

  constructor(private readonly port: MessagingPort, options: MessagingOptions) {
    this.aor = options.aor;
    this.random = options.random;
    this.epochOffset = options.epochOffsetMs ?? 0;
    this.textLimits = options.textLimits ?? DEFAULT_TEXT_BODY_LIMITS;
    this.scratch = new Uint8Array(options.maxWrappedBytes ?? this.textLimits.maxBytes + 1024);
    this.textScratch = new Uint8Array(this.textLimits.maxBytes);
    this.store = new ConversationStore(options.store);
    this.composing = new IsComposingMachine(options.composing);
    this.imdn = new ImdnMachine(options.imdn);
  }

  // ---------------------------------------------------------------- commands

  /** Stores `text` for `peer` and sends it; returns the store id (see MessagingError). */
  sendText(peer: string, text: string, now: number): Result<number, MessagingError> {
    const encoded = encodeTextBody(text, this.textScratch, 0, this.textLimits);
    if (!encoded.ok) return Err(error('too-large', `text is over ${this.textLimits.maxBytes} bytes`, -1));
    const dispositions = this.imdn.requestFor(peer);
    const imdnId = dispositions !== 0 ? this.randomId() : '';
    const stored = this.store.addOutgoing(peer, text, now, imdnId);
    if (!stored.ok) { this.pump(now); return Err(error('store-full', storeErrorName(stored.val), -1)); }
    const id = stored.val;
    const sent = this.transmitText(peer, id, imdnId, dispositions, encoded.val, now);
    this.composing.localMessageSent(peer, now);
    this.pump(now);
    return sent.ok ? Ok(id) : Err(sent.val);
  }

  /** The user typed in the conversation with `peer` (isComposing, if enabled for the account). */
  typing(peer: string, now: number): void {
    this.composing.localTyping(peer, now);
    this.pump(now);
  }

  /** The user read incoming message `id`: displayed in the store, and a display IMDN if asked and allowed. */
  markRead(id: number, now: number): Result<void, MessagingError> {
    const m = this.store.get(id);
    if (m === undefined || m.direction !== 'in') return Err(error('unknown-message', `no incoming message ${id}`, id));
    const moved = this.store.apply(id, 'displayed', now);
    if (!moved.ok) return Err(error('illegal-transition', storeErrorName(moved.val), id));
    if (m.key !== '') this.imdn.markDisplayed(m.key);
    this.pump(now);
    return Ok(undefined);
  }

  setComposingEnabled(enabled: boolean, now: number): void {
    this.composing.setEnabled(enabled, now);
    this.pump(now);
  }

  setImdnPolicy(change: Partial<ImdnPolicy>): void {
    this.imdn.setPolicy(change);
  }

  // ---------------------------------------------------------------- inputs

  /** Every UA event may be handed in; only message and message-status concern messaging. */
  onUaEvent(e: UaEvent, now: number): void {
    if (e.kind === 'message') this.onMessage(e.id, e.from, e.to, e.contentType, e.body, now);
    else if (e.kind === 'message-status') this.onStatus(e.id, e.outcome, e.status, e.reason, now);
    else return;
    this.pump(now);
  }

  /** When handleTimeout is due, or Infinity. */
  nextDeadline(): number {
    const at = this.composing.nextDeadline();
    return at === NO_DEADLINE ? Infinity : at;
  }

  handleTimeout(now: number): void {
    this.composing.handleTimeout(now);
    this.pump(now);
  }

  pollEvent(): MessagingEvent | undefined {
    return this.events.shift();
  }

  // ---------------------------------------------------------------- outgoing

  private transmitText(peer: string, storeId: number, imdnId: string, dispositions: number, textBytes: number, now: number): Result<void, MessagingError> {
    let contentType = TEXT_PLAIN_UTF8;
    let body: Uint8Array;
    let dateTime = '';
    if (dispositions !== 0) {
      // RFC 5438 §7.1.1: the IM in message/cpim with NS, imdn.Message-ID, DateTime, Disposition-Notification.
      dateTime = formatRfc3339(now + this.epochOffset);
      const written = writeImdnRequestMessage(this.scratch, 0, {
        from: `<${this.aor}>`, to: `<${peer}>`, messageId: imdnId, dateTime, dispositions,
        contentType: TEXT_PLAIN_UTF8, content: this.textScratch.subarray(0, textBytes),
      });
      if (!written.ok) return this.failLocally(storeId, 'no-space', 'CPIM wrapper does not fit', now);
      contentType = CONTENT_TYPE_CPIM;
      body = this.scratch.slice(0, written.val);
    } else {
      body = this.textScratch.slice(0, textBytes);
    }
    const sent = this.port.sendMessage(peer, contentType, body, now);
    if (!sent.ok) return this.failLocally(storeId, 'send-failed', `${sent.val.code}: ${sent.val.message}`, now);
    this.pending.set(sent.val, { what: P_TEXT, peer, storeId, imdnId: dispositions !== 0 ? imdnId : '' });
    if (dispositions !== 0) this.imdn.trackOutgoing(imdnId, peer, dateTime, dispositions, now);
    this.store.apply(storeId, 'transmitted', now);
    return Ok(undefined);
  }

  private failLocally(storeId: number, code: MessagingError['code'], message: string, now: number): Result<void, MessagingError> {
    this.store.apply(storeId, 'failed', now, 0);
    return Err(error(code, message, storeId));
  }

  private onStatus(uaId: number, outcome: 'accepted' | 'refused' | 'timeout' | 'transport-failed', status: number, reason: string, now: number): void {
    const p = this.pending.get(uaId);
    if (p === undefined) return; // not ours (the application's own sendMessage)
    this.pending.delete(uaId);
    if (p.what === P_ISCOMPOSING) {
      this.composing.sendOutcome(p.peer, status, now);
      return;
    }
    if (p.what === P_IMDN) {
      if (outcome !== 'accepted') this.warn('imdn-not-delivered', `notification to ${p.peer}: ${outcome} ${status} ${reason}`);
      return;
    }
    if (outcome === 'accepted') {
      if (status !== 202) this.store.apply(p.storeId, 'delivered', now);
      return;
    }
    if (p.imdnId !== '' && outcome === 'refused' && CPIM_REFUSED_STATUSES.indexOf(status) >= 0) {
      // The peer does not take message/cpim: no more requests to it, and this text goes again plain.
      this.imdn.sendOutcome(p.imdnId, status);
      const m = this.store.get(p.storeId);
      if (m !== undefined) {
        const encoded = encodeTextBody(m.text, this.textScratch, 0, this.textLimits);
        if (encoded.ok) { this.transmitText(p.peer, p.storeId, '', 0, encoded.val, now); return; }
      }
    }
    this.store.apply(p.storeId, OUTCOME_INPUT[outcome], now, outcome === 'refused' ? status : 0);
  }

  private sendComposing(a: SendIsComposing, now: number): void {
    const written = writeIsComposing(this.scratch, 0, a.state === 'active'
      ? { state: 'active', refresh: a.refresh, contentType: 'text/plain' }
      : { state: 'idle', lastActive: a.lastActive + this.epochOffset, contentType: 'text/plain' });
    if (!written.ok) { this.warn('iscomposing-not-written', `to ${a.peer}`); return; }
    const sent = this.port.sendMessage(a.peer, CONTENT_TYPE_ISCOMPOSING, this.scratch.slice(0, written.val), now);
    if (!sent.ok) { this.warn('iscomposing-not-sent', `to ${a.peer}: ${sent.val.code}`); return; }
    this.pending.set(sent.val, { what: P_ISCOMPOSING, peer: a.peer, storeId: -1, imdnId: '' });
  }

  private sendImdn(a: SendImdn, now: number): void {
    // RFC 5438 §7.2.1.1: a fresh Message-ID; the original's id and DateTime in the document.
    const written = writeImdnNotificationMessage(this.scratch, 0, {
      from: `<${this.aor}>`, to: `<${a.peer}>`, messageId: this.randomId(), dateTime: formatRfc3339(now + this.epochOffset),
      document: { messageId: a.messageId, dateTime: a.dateTime, recipientUri: a.recipientUri !== '' ? a.recipientUri : this.aor, kind: a.notification, status: a.status },
    });
    if (!written.ok) { this.warn('imdn-not-written', `to ${a.peer}`); return; }
    const sent = this.port.sendMessage(a.peer, CONTENT_TYPE_CPIM, this.scratch.slice(0, written.val), now);
    if (!sent.ok) { this.warn('imdn-not-sent', `to ${a.peer}: ${sent.val.code}`); return; }
    this.pending.set(sent.val, { what: P_IMDN, peer: a.peer, storeId: -1, imdnId: '' });
  }

  // ---------------------------------------------------------------- incoming

  private onMessage(uaId: number, peer: string, to: string, contentType: string, body: Uint8Array, now: number): void {
    const kind = classifyBody(contentType);
    let status: number;
    if (kind === 'text') status = this.receiveText(peer, contentType, body, 0, body.length, '', NaN, 0, '', now);
    else if (kind === 'iscomposing') status = this.receiveComposing(peer, body, 0, body.length, now);
    else if (kind === 'imdn') status = this.receiveImdn(peer, body, 0, body.length);
    else if (kind === 'cpim') status = this.receiveCpim(peer, to, body, now);
    else { status = STATUS_UNSUPPORTED; this.refused(peer, status, `content type ${contentType}`); }
    const answered = this.port.respondToMessage(uaId, status, now);
    if (!answered.ok) this.warn('not-answered', `MESSAGE ${uaId} from ${peer}: ${answered.val.code}`);
  }

  private receiveCpim(peer: string, to: string, body: Uint8Array, now: number): number {
    const v = this.cpim;
    // RFC 5438's printed example lacks the empty line after the message headers: accept that.
    if (parseCpim(body, 0, body.length, v, { allowMissingSeparator: true }) !== CPIM_OK) {
      this.refused(peer, STATUS_BAD_REQUEST, `bad message/cpim at ${v.errorOffset}`);
      return STATUS_BAD_REQUEST;
    }
    const innerType = v.text(v.contentTypeOff, v.contentTypeLen);
    const start = v.bodyOff;
    const end = v.contentLength >= 0 ? Math.min(v.bodyOff + v.contentLength, v.bodyOff + v.bodyLen) : v.bodyOff + v.bodyLen;
    const kind = classifyBody(innerType);
    if (kind === 'imdn') return this.receiveImdn(peer, body, start, end);
    if (kind === 'iscomposing') return this.receiveComposing(peer, body, start, end, now);
    if (kind !== 'text') {
      this.refused(peer, STATUS_UNSUPPORTED, `wrapped content type ${innerType}`);
      return STATUS_UNSUPPORTED;
    }
    const req = this.imdnRequest;
    const asked = readImdnRequest(v, req);
    const dispositions = asked === IMDN_OK ? req.dispositions : 0;
    // <recipient-uri> names us as the IM did (CPIM To), else the SIP To.
    const recipient = req.to !== '' ? stripAngles(req.to) : to;
    return this.receiveText(peer, innerType, body, start, end - start, asked === IMDN_OK ? req.messageId : '', req.dateTime, dispositions, recipient, now, req.dateTimeText);
  }

  private receiveText(peer: string, contentType: string, body: Uint8Array, off: number, len: number, imdnId: string, remoteTime: number,
    dispositions: number, recipient: string, now: number, dateTimeText = ''): number {
    const decoded = decodeTextBody(body, off, len, contentType, this.textLimits);
    if (!decoded.ok) {
      // 413 too large, 415 charset or type (RFC 3261 §21.4.11, §21.4.13).
      this.refused(peer, decoded.val.status, decoded.val.detail);
      if (imdnId !== '') this.imdn.messageFailed(peer, imdnId, dateTimeText, dispositions, recipient);
      return decoded.val.status;
    }
    const stored = this.store.addIncoming(peer, decoded.val.text, now, imdnId, remoteTime);
    if (!stored.ok) {
      this.refused(peer, STATUS_STORE_FULL, storeErrorName(stored.val));
      return STATUS_STORE_FULL;
    }
    this.composing.remoteMessageReceived(peer, now);
    this.events.push({ kind: 'text', id: stored.val, peer, text: decoded.val.text, malformed: decoded.val.malformed });
    if (imdnId !== '') this.imdn.messageReceived(peer, imdnId, dateTimeText, dispositions, recipient);
    return 200;
  }

  private receiveComposing(peer: string, body: Uint8Array, start: number, end: number, now: number): number {
    const r = this.composingReader;
    if (r.read(body, start, end) !== ISC_OK) {
      this.refused(peer, STATUS_BAD_REQUEST, `bad isComposing document at ${r.errorPosition}`);
      return STATUS_BAD_REQUEST;
    }
    this.composing.remoteDocument(peer, r.state, r.refresh, r.contentType, now);
    return 200;
  }

  private receiveImdn(peer: string, body: Uint8Array, start: number, end: number): number {
    const r = this.imdnReader;
    if (r.read(body, start, end) !== IMDN_OK) {
      this.refused(peer, STATUS_BAD_REQUEST, `bad IMDN document at ${r.errorPosition}`);
      return STATUS_BAD_REQUEST;
    }
    this.imdn.notificationReceived(peer, r.messageId, r.dateTimeText, r.kind, r.status);
    return 200;
  }

  // ---------------------------------------------------------------- outputs of the machines

  /** Runs what the machines asked for and turns their events into ours, in order. */
  private pump(now: number): void {
    // Each source is a finite queue and sending adds nothing to them (the port does not call
    // back), so this ends when they are empty; the bound only guards against a port that does.
    for (let i = 0; i < MAX_PUMP_ROUNDS; i++) {
      let busy = false;
      const c = this.composing.pollAction();
      if (c !== undefined) { busy = true; this.sendComposing(c, now); }
      const n = this.imdn.pollAction();
      if (n !== undefined) { busy = true; this.sendImdn(n, now); }
      const ie = this.imdn.pollEvent();
      if (ie !== undefined) {
        busy = true;
        if (ie.kind === 'notified') this.applyNotification(ie.messageId, ie.peer, ie.fromRecipient, ie.notification, ie.status, now);
        else if (ie.kind === 'unknown-notification') this.warn('unknown-notification', `IMDN ${ie.status} for ${ie.messageId} from ${ie.peer}`);
        // request-refused: onStatus already resent the text plain.
      }
      const ce = this.composing.pollEvent();
      if (ce !== undefined) { busy = true; this.events.push(ce); }
      const se = this.store.pollEvent();
      if (se !== undefined) { busy = true; this.events.push(se); }
      if (!busy) return;
    }
  }

  private applyNotification(imdnId: string, peer: string, fromRecipient: boolean, notification: ImdnNotificationKind, status: ImdnStatus, now: number): void {
    // A notification from someone other than the recipient may be forged: reported, not applied.
    if (!fromRecipient) { this.warn('foreign-notification', `IMDN ${status} for ${imdnId} not from ${peer}`); return; }
    const input = IMDN_INPUT[notification][status];
    const id = this.store.findByKey(imdnId, peer);
    if (input === undefined || id < 0) return;
    // IMDN "failed" carries no SIP status: code 0, as the store documents.
    this.store.apply(id, input, now, 0);
  }

  private refused(peer: string, status: number, detail: string): void {
    this.events.push({ kind: 'refused', peer, status, detail });
  }

  private warn(code: string, message: string): void {
    this.events.push({ kind: 'warning', code, message });
  }

  private randomId(): string {
    let id = '';
    for (let i = 0; i < 4; i++) id += Math.floor(this.random() * 0x10000).toString(16).padStart(4, '0');
    return id;
  }
}

function error(code: MessagingError['code'], message: string, storeId: number): MessagingError {
  return { code, message, storeId };
}

function stripAngles(value: string): string {
  const open = value.indexOf('<');
  const close = value.lastIndexOf('>');
  return open >= 0 && close > open ? value.slice(open + 1, close) : value.trim();
}
