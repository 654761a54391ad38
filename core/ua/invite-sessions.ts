// Session-mode IM (RFC 4975 §4-§8) as the UA's INVITE dialogs: INVITE with an SDP offer for
// m=message, the answer, ACK, BYE. This module is the transaction user (RFC 3261 §8, §13, §15)
// for those dialogs; the UserAgent owns the transactions, buffers and sockets and lends them
// through a ChatPort. The MSRP bytes themselves never pass here: the `msrp-connect` event tells
// the host what TCP connection to open or await (RFC 6135 a=setup) and the host runs core/msrp.
//
// Who ACKs what (RFC 3261 §17.1.1.3, §13.2.2.4): the INVITE client transaction ACKs non-2xx
// finals itself (its AckBuilder); a 2xx is ACKed here, end to end, as a request outside any
// transaction — and again for every retransmitted 2xx. As UAS, our 2xx is retransmitted here
// (§13.3.1.4: T1 doubling up to T2) over unreliable transports until the ACK comes; without an
// ACK after 64·T1 the dialog is ended with BYE.
//
// Nothing waits forever: an offer the application leaves unanswered gets 480 (answerTimeoutMs),
// our INVITE without a final response ends the chat (ringTimeoutMs).
//
// An endChat before the answer sends CANCEL (§9.1, once a provisional came), ends the chat
// locally, ACKs and BYEs a 2xx that crossed the CANCEL, and abandons the INVITE transaction when
// no final comes within 64·T1.
//
// MSRP over TLS (RFC 4975 §6, §14.2, §15): `msrpTransport: 'tls'` makes our offers
// TCP/TLS/MSRP with an msrps: path on the host's TLS listener (`secureListener`); an incoming offer
// is answered in the transport it offers. A TLS offer to a UA without TLS (`tls` false) is refused
// before the application sees it: 488 with Warning 302 "Incompatible transport protocol"
// (RFC 3261 §13.3.1.3, §20.43) — never silently answered with TCP/MSRP. The certificate check
// itself (CA, a=fingerprint) is the host's, on the `msrp-connect` event.
//
// Not here: re-INVITE (answered 488), forked 2xx from a second callee (ACKed, not kept), media
// other than one m=message stream.
import { Ok, Err, type Result } from '../result.js';
import { H, M } from '../sip/header-ids.js';
import { SipWriterBase } from '../sip/writer.js';
import { SipAckBuilder } from '../transaction/sip-ack-builder.js';
import type { SipMessageView } from '../sip/view.js';
import { Dialog, type LocalParty } from '../dialog/dialog.js';
import { isReliable } from '../transport/kinds.js';
import { parseSdp, type SdpSession } from '../im/sdp.js';
import {
  acceptMsrpAnswer, answerMsrpOffer, buildMsrpOffer, readMsrpMedia, type MsrpLocalMedia, type NegotiatedMsrp,
} from '../im/sdp-msrp.js';
import { parseFingerprint } from '../im/sdp-fingerprint.js';
import type { Endpoint, ResolvedUaConfig, UaError } from './config.js';
import { uaError } from './config.js';
import { ALLOW_VALUE, RequestSpec } from './request-writer.js';
import { RequestEcho } from './response-writer.js';
import { randomHex } from './random-tokens.js';
import { type SipUriParts, bareUri, dialogHop, endpointOf, parseSipUri } from './uri-target.js';
import { readAddressUri, readContactUri, readContentType, readRecordRoutes, readTagText } from './message-reading.js';
import type { ChatEvent, ChatState } from './chat-events.js';
import { asciiBytes } from '../bytes/ascii.js';

/** What the UserAgent lends the chat module (closures over its private machinery). */
export interface ChatPort {
  readonly config: ResolvedUaConfig;
  /** The To tag the UA puts in every response it writes (dialogs we answer use it as our tag). */
  readonly localTag: string;
  /** Our Contact header value. */
  readonly contact: string;
  /** Starts a client transaction owned by chat `ownerId` (responses come back through onResponse/onClientFailure). */
  send(spec: RequestSpec, ownerId: number, now: number): UaError | null;
  /** A response without body through the UA's response pool, echoing `echo`. */
  respond(txId: number, status: number, echo: RequestEcho, now: number): void;
  /** A response the chat wrote itself (kept by reference for retransmission): engine code (0 = ok). */
  respondBytes(txId: number, status: number, bytes: Uint8Array, off: number, len: number, now: number): number;
  /** The INVITE server transaction a CANCEL (the request in the view) targets, or -1. */
  inviteServerForCancel(): number;
  /** Writes a request with the UA's Via/From/User-Agent into buf; length or negative code. */
  writeRequest(buf: Uint8Array, spec: RequestSpec): number;
  /** Where out-of-dialog requests to `parts` go (the outbound proxy, else the target). */
  outOfDialogEndpoint(parts: SipUriParts): Endpoint;
  /** Ends chat `chatId`'s INVITE client transaction locally (we send no CANCEL: see the file comment). */
  abandonInvite(chatId: number, now: number): void;
  /** Bytes outside any transaction (ACK for 2xx). */
  transmit(bytes: Uint8Array, endpoint: Endpoint): void;
  event(e: ChatEvent): void;
  warn(now: number, code: string, message: string): void;
}

export interface ChatOptions {
  /** Where our MSRP listener accepts connections; null: no listener, we can only connect out (a=setup:active). */
  readonly listener: { readonly address: string; readonly port: number } | null;
  /**
   * The MSRP transport of the chats we start: 'tls' offers TCP/TLS/MSRP with an msrps: path
   * (RFC 4975 §6, §14.2). Default 'tcp'. Incoming offers are answered in the transport they offer.
   */
  readonly msrpTransport?: 'tcp' | 'tls';
  /** Where our MSRP-over-TLS listener accepts; null/absent: TLS sessions can only connect out. */
  readonly secureListener?: { readonly address: string; readonly port: number } | null;
  /**
   * The host can run MSRP over TLS (RFC 4975 §15: mandatory to implement). Default: true when
   * msrpTransport is 'tls' or a secureListener is given. Without it a TLS offer gets 488.
   */
  readonly tls?: boolean;
  /** a=fingerprint of the certificate the host presents (RFC 8122 §5, "sha-256 AB:…"), sent in TLS offers and answers. */
  readonly fingerprint?: string;
  /** a=accept-types we put in offers and answers (RFC 4975 §8.6). */
  readonly acceptTypes?: readonly string[];
  readonly acceptWrappedTypes?: readonly string[];
  /** a=max-size (octets), or -1. */
  readonly maxSize?: number;
  /** Chats at once (offered, ringing, connected or lingering after their end). */
  readonly maxChats?: number;
  /** An offer the application leaves unanswered this long gets 480 (default 60 s): its slot and transaction must not live forever. */
  readonly answerTimeoutMs?: number;
  /** Our INVITE without a final response this long ends the chat (default 120 s; a 1xx stops Timer B, §17.1.1.2). */
  readonly ringTimeoutMs?: number;
}

const DEFAULT_ACCEPT = ['text/plain', 'message/cpim'];
const DEFAULT_WRAPPED = ['text/plain'];
const DEFAULT_MAX_CHATS = 8;
const RESPONSE_BYTES = 4096;
const ACK_BYTES = 2048;
/** RFC 4145 §4: the discard port, for an active-only endpoint that listens nowhere. */
const DISCARD_PORT = 9;
const ALLOW_WITH_INVITE = `INVITE, ${ALLOW_VALUE}`;
const NO_DEADLINE = Number.POSITIVE_INFINITY;

/** The public state edges, as data: anything else is a bug and is not emitted. */
const CHAT_TRANSITIONS: Readonly<Record<ChatState, readonly ChatState[]>> = {
  offering: ['ringing', 'connected', 'ended'],
  ringing: ['connected', 'ended'],
  connected: ['ended'],
  ended: [],
};

class Chat {
  state: ChatState = 'offering';
  /** UAS: accepted, 2xx sent, waiting for the ACK. UAC: ended locally before the answer; BYE a late 2xx. */
  awaitingAck = false;
  byeOnAnswer = false;
  /** UAC: our INVITE's top Via and From as a provisional response echoed them (§8.2.6.2): what a CANCEL copies (§9.1). */
  topVia = '';
  fromValue = '';
  /** §9.1: no CANCEL before a provisional response; then it goes out (and is resent) until the INVITE's final. */
  cancelWanted = false;
  cancel: Uint8Array | null = null;
  cancelNextAt = NO_DEADLINE;
  cancelInterval = 0;
  cancelUntil = NO_DEADLINE;
  dialog: Dialog | null = null;
  callId = '';
  localTag = '';
  remoteUri = '';
  remoteTag = '';
  // UAC
  invite: RequestSpec | null = null;
  targetParts: SipUriParts | null = null;
  ack: Uint8Array | null = null;
  ackTo: Endpoint | null = null;
  // UAS
  inviteTx = -1;
  readonly echo = new RequestEcho(RESPONSE_BYTES);
  offer: SdpSession | null = null;
  inviteCSeq = 0;
  remoteContact = '';
  recordRoutes: string[] = [];
  reliable = false;
  ok: Uint8Array | null = null;
  okLen = 0;
  okNextAt = NO_DEADLINE;
  okInterval = 0;
  okGiveUpAt = NO_DEADLINE;
  /** UAS: the offer is TCP/TLS/MSRP. */
  offerSecure = false;
  // both
  local: MsrpLocalMedia | null = null;
  negotiated: NegotiatedMsrp | null = null;
  /** After its end a chat lingers (64·T1) so retransmitted 2xx are still ACKed, then it is freed. */
  freeAt = NO_DEADLINE;
  /** UAS: the application must answer by then (480 otherwise). */
  answerBy = NO_DEADLINE;
  /** UAC: give up waiting for a final response then; abandonAt: end the ICT itself (ended before any final). */
  ringUntil = NO_DEADLINE;
  abandonAt = NO_DEADLINE;
  constructor(readonly id: number, readonly isUac: boolean) {}
}

/** The top Via of a response, as we sent it: without the received/rport values the callee added (RFC 3581 §4). */
function topViaOf(view: SipMessageView): string {
  const i = view.find(H.VIA);
  if (i < 0) return '';
  const v = view.headerValueText(i);
  const comma = v.indexOf(',');
  const first = comma >= 0 ? v.slice(0, comma).trim() : v;
  return first.replace(/;\s*received=[^;]*/i, '').replace(/;\s*rport=[0-9]*/i, ';rport');
}


export class InviteSessions {
  /** The UA's client engine takes it when chat is enabled: only INVITE needs a non-2xx ACK (RFC 3261 §17.1.1.3). */
  readonly ackBuilder = new SipAckBuilder();
  private readonly chats: (Chat | null)[];
  private readonly writer = new SipWriterBase();
  private readonly acceptTypes: string[];
  private readonly wrappedTypes: string[];
  private maxSize: number;
  private listener: ChatOptions['listener'] = null;
  private secureListener: ChatOptions['listener'] = null;
  private secureOffers = false;
  private tls = false;
  private fingerprint = '';
  private answerTimeoutMs = 60_000;
  private ringTimeoutMs = 120_000;
  private enabled = false;
  private nextId = 1;

  constructor(private readonly port: ChatPort, maxChats = DEFAULT_MAX_CHATS) {
    this.chats = new Array<Chat | null>(maxChats).fill(null);
    this.acceptTypes = DEFAULT_ACCEPT.slice();
    this.wrappedTypes = DEFAULT_WRAPPED.slice();
    this.maxSize = -1;
  }

  /** Chat slots in use: offered, ringing, connected, or lingering 64·T1 after their end (diagnostics: UserAgent.occupancy). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.chats.length; i++) if (this.chats[i] !== null) n++;
    return n;
  }

  /** Until enabled the UA keeps answering INVITE with 405 (it takes no sessions). */
  get isEnabled(): boolean {
    return this.enabled;
  }

  enable(options: ChatOptions): void {
    this.enabled = true;
    this.listener = options.listener;
    this.secureListener = options.secureListener ?? null;
    this.secureOffers = options.msrpTransport === 'tls';
    this.tls = options.tls ?? (this.secureOffers || this.secureListener !== null);
    if (this.secureOffers && !this.tls) throw new TypeError("enableChat: msrpTransport 'tls' needs tls: true");
    if (options.fingerprint !== undefined && !parseFingerprint(options.fingerprint).ok) throw new TypeError(`enableChat: bad fingerprint ${options.fingerprint}`);
    this.fingerprint = options.fingerprint ?? '';
    if (options.acceptTypes) { this.acceptTypes.length = 0; this.acceptTypes.push(...options.acceptTypes); }
    if (options.acceptWrappedTypes) { this.wrappedTypes.length = 0; this.wrappedTypes.push(...options.acceptWrappedTypes); }
    this.maxSize = options.maxSize ?? -1;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 60_000;
    this.ringTimeoutMs = options.ringTimeoutMs ?? 120_000;
    if (options.maxChats !== undefined && options.maxChats > this.chats.length) {
      for (let i = this.chats.length; i < options.maxChats; i++) this.chats.push(null);
    }
  }

  // =====================================================================================
  // Commands
  // =====================================================================================

  /** INVITE with an m=message offer (RFC 4975 §8: a=path, a=accept-types; RFC 6135 a=setup). */
  start(target: string, now: number): Result<number, UaError> {
    if (!this.enabled) return Err(uaError('local', 'chat-disabled', 'session-mode IM is not enabled (enableChat)'));
    const parts = parseSipUri(target);
    if (parts === null) return Err(uaError('local', 'bad-uri', `not a sip: URI: ${target}`));
    const slot = this.freeSlot();
    if (slot < 0) return Err(uaError('capacity', 'chats-full', `all ${this.chats.length} chat slots are in use`));
    const c = this.port.config;
    const chat = new Chat(this.nextId++, true);
    const secure = this.secureOffers;
    chat.local = this.localMedia(this.listenerFor(secure) !== null ? 'actpass' : 'active', secure);
    chat.callId = `${randomHex(c.random, 24)}@${c.localAddress}`;
    chat.localTag = randomHex(c.random, 16);
    chat.remoteUri = bareUri(target);
    chat.targetParts = parts;
    const spec = new RequestSpec();
    spec.method = 'INVITE';
    spec.methodId = M.INVITE;
    spec.requestUri = chat.remoteUri;
    spec.to = `<${chat.remoteUri}>`;
    spec.fromTag = chat.localTag;
    spec.callId = chat.callId;
    spec.cseq = 1;
    spec.contact = true;
    spec.contentType = 'application/sdp';
    spec.body = asciiBytes(buildMsrpOffer(chat.local));
    spec.destination = this.port.outOfDialogEndpoint(parts);
    chat.invite = spec;
    const err = this.port.send(spec, chat.id, now);
    if (err !== null) return Err(err);
    this.chats[slot] = chat;
    chat.ringUntil = now + this.ringTimeoutMs;
    this.emitState(chat, 'offering', 0, '', now, true);
    return Ok(chat.id);
  }

  /** 200 with our SDP answer (RFC 3264 §6); the chat is connected when the ACK comes. */
  accept(id: number, now: number, setup?: 'active' | 'passive'): Result<void, UaError> {
    const chat = this.chatById(id);
    if (chat === null || chat.isUac || chat.state === 'ended' || chat.awaitingAck || chat.offer === null) {
      return Err(uaError('local', 'unknown-chat', `chat ${id} is not an offer waiting for an answer`));
    }
    const listener = this.listenerFor(chat.offerSecure);
    const want = setup ?? (listener !== null ? 'passive' : 'active');
    if (want === 'passive' && listener === null) {
      return Err(uaError('local', 'no-msrp-listener', `a passive answer needs an MSRP ${chat.offerSecure ? 'TLS ' : ''}listener (enableChat({ ${chat.offerSecure ? 'secureListener' : 'listener'} }))`));
    }
    const local = this.localMedia('actpass', chat.offerSecure);
    local.behindNat = want === 'active';
    const answered = answerMsrpOffer(chat.offer, local);
    if (!answered.ok) {
      this.reject(id, 488, now);
      return Err(uaError('remote', 'sdp-unacceptable', `the offer cannot be answered (SDP code ${answered.val.code})`, 488));
    }
    if (answered.val.negotiated.role === 'passive' && listener === null) {
      // The offerer insists on connecting (a=setup:active) and we listen nowhere.
      this.reject(id, 488, now);
      return Err(uaError('local', 'no-msrp-listener', 'the offer makes us passive but there is no MSRP listener', 488));
    }
    chat.local = local;
    chat.negotiated = answered.val.negotiated;
    const body = asciiBytes(answered.val.sdp);
    const ok = new Uint8Array(RESPONSE_BYTES + body.length);
    const n = this.writeOk(ok, chat, body);
    if (n <= 0) {
      this.reject(id, 500, now);
      return Err(uaError('local', 'response-too-large', `could not write the 200 (code ${n})`));
    }
    // §12.1.1: the UAS dialog: route set = Record-Route in order, remote target = the INVITE's Contact.
    const local_: LocalParty = { callId: chat.callId, localTag: this.port.localTag, localUri: this.port.config.aor, remoteUri: chat.remoteUri };
    chat.dialog = new Dialog(false, local_, { remoteTag: chat.remoteTag, contactUri: chat.remoteContact, recordRoutes: chat.recordRoutes, secure: false }, chat.recordRoutes.slice(), 0, chat.inviteCSeq, 'confirmed');
    chat.localTag = this.port.localTag;
    chat.ok = ok;
    chat.okLen = n;
    const code = this.port.respondBytes(chat.inviteTx, 200, ok, 0, n, now);
    if (code !== 0) {
      this.end(chat, 0, 'transaction gone', now);
      return Err(uaError('local', 'offer-gone', `the INVITE transaction is gone (engine code ${code})`));
    }
    chat.awaitingAck = true;
    chat.answerBy = NO_DEADLINE;
    const t1 = this.port.config.t1;
    chat.okInterval = t1;
    chat.okNextAt = chat.reliable ? NO_DEADLINE : now + t1;
    chat.okGiveUpAt = now + 64 * t1;
    return Ok(undefined);
  }

  /** A final non-2xx to the offer (486 Busy Here by default, 488, 603 …); the transaction collects the ACK. */
  reject(id: number, status: number, now: number): Result<void, UaError> {
    const chat = this.chatById(id);
    if (chat === null || chat.isUac || chat.state === 'ended' || chat.awaitingAck) return Err(uaError('local', 'unknown-chat', `chat ${id} is not an offer waiting for an answer`));
    if (!(status >= 300 && status <= 699) || Math.floor(status) !== status) return Err(uaError('local', 'bad-status', `status ${status} is not a rejection (300-699)`));
    this.port.respond(chat.inviteTx, status, chat.echo, now);
    this.end(chat, status, 'rejected', now);
    return Ok(undefined);
  }

  /** BYE (§15.1.1) for a connected chat; before the answer the chat ends locally and a late 2xx is ACKed and BYEd. */
  endChat(id: number, now: number): Result<void, UaError> {
    const chat = this.chatById(id);
    if (chat === null || chat.state === 'ended') return Err(uaError('local', 'unknown-chat', `chat ${id} is not active`));
    if (!chat.isUac && chat.dialog === null) return this.reject(id, 486, now);
    if (chat.dialog === null) {
      this.giveUpRinging(chat, 0, 'ended before the answer', now);
      return Ok(undefined);
    }
    this.sendBye(chat, now);
    this.end(chat, 0, 'local bye', now);
    return Ok(undefined);
  }

  // =====================================================================================
  // Incoming requests (INVITE, ACK, BYE, CANCEL) — the view holds the request
  // =====================================================================================

  /** An INVITE (new or re-INVITE). `echo` is the UA's capture of it for simple answers. */
  onInvite(txId: number, view: SipMessageView, echo: RequestEcho, from: Endpoint, cseq: number, now: number): void {
    const toTag = readTagText(view, H.TO);
    if (toTag !== '') {
      // A re-INVITE (RFC 3261 §14.2): session changes are not supported; the session stays as it is.
      this.port.respond(txId, 488, echo, now);
      return;
    }
    const offer = this.readOffer(view);
    if (offer === null) {
      // No m=message stream we can take (audio-only, no SDP, bad SDP): RFC 3261 §13.3.1.1 / RFC 3264 §6.
      this.port.respond(txId, 488, echo, now);
      return;
    }
    if (offer.secure && !this.tls) {
      // RFC 4975 §6: TCP/TLS/MSRP cannot be answered with TCP/MSRP (RFC 3264 §6 only lets the
      // answerer refuse the stream). With the only stream refused there is no session: 488, and
      // §20.43 warn-code 302 says why ("Incompatible transport protocol").
      this.refuseWithWarning(txId, echo, 488, 'Not Acceptable Here', '302', 'Incompatible transport protocol', now);
      return;
    }
    const slot = this.freeSlot();
    if (slot < 0) {
      this.port.respond(txId, 486, echo, now);
      this.port.warn(now, 'chats-full', `chat offer refused with 486: all ${this.chats.length} chat slots are in use`);
      return;
    }
    const chat = new Chat(this.nextId++, false);
    if (!chat.echo.capture(view)) {
      this.port.respond(txId, 500, echo, now);
      return;
    }
    chat.inviteTx = txId;
    chat.offer = offer.sdp;
    chat.offerSecure = offer.secure;
    chat.callId = view.headerText(H.CALL_ID) ?? '';
    chat.remoteUri = readAddressUri(view, H.FROM);
    chat.remoteContact = readContactUri(view);
    chat.recordRoutes = readRecordRoutes(view);
    chat.inviteCSeq = cseq;
    chat.reliable = isReliable(from.transport);
    // The caller's tag now; the dialog is built when the application accepts.
    chat.remoteTag = readTagText(view, H.FROM);
    this.chats[slot] = chat;
    chat.answerBy = now + this.answerTimeoutMs;
    this.port.respond(txId, 180, chat.echo, now);
    this.port.event({
      kind: 'chat-offer', sessionId: chat.id, from: chat.remoteUri, to: readAddressUri(view, H.TO),
      remotePath: offer.path, acceptTypes: offer.acceptTypes, secure: offer.secure, at: now,
    });
    this.emitState(chat, 'ringing', 180, '', now);
  }

  /** An ACK outside any transaction: the ACK for our 2xx (§13.3.1.4). */
  onAck(view: SipMessageView, now: number): void {
    const chat = this.matchInDialog(view);
    if (chat === null || !chat.awaitingAck) return;
    chat.awaitingAck = false;
    chat.okNextAt = NO_DEADLINE;
    chat.okGiveUpAt = NO_DEADLINE;
    if (chat.state === 'ended') return;
    this.emitState(chat, 'connected', 200, '', now);
    this.emitConnect(chat, now);
  }

  /** BYE (§15.1.2): 200 and the chat ends; 481 when it matches no dialog. */
  onBye(txId: number, view: SipMessageView, echo: RequestEcho, cseq: number, now: number): void {
    const chat = this.matchInDialog(view);
    if (chat === null || chat.dialog === null) {
      this.port.respond(txId, 481, echo, now);
      return;
    }
    if (!chat.dialog.acceptRemoteSeq(cseq)) {
      this.port.respond(txId, 500, echo, now);
      return;
    }
    this.port.respond(txId, 200, echo, now);
    chat.awaitingAck = false;
    chat.okNextAt = NO_DEADLINE;
    chat.okGiveUpAt = NO_DEADLINE;
    if (chat.state !== 'ended') this.end(chat, 0, 'remote bye', now);
  }

  /** CANCEL (§9.2): 200 to it, 487 to the INVITE when it was still unanswered; 481 when no INVITE matches. */
  onCancel(txId: number, echo: RequestEcho, now: number): void {
    const inviteTx = this.port.inviteServerForCancel();
    let chat: Chat | null = null;
    for (let i = 0; i < this.chats.length; i++) {
      const c = this.chats[i];
      if (c && !c.isUac && c.inviteTx === inviteTx && inviteTx >= 0) { chat = c; break; }
    }
    if (chat === null) {
      this.port.respond(txId, 481, echo, now);
      return;
    }
    this.port.respond(txId, 200, echo, now);
    if (chat.state !== 'ended' && !chat.awaitingAck && chat.dialog === null) {
      this.port.respond(chat.inviteTx, 487, chat.echo, now);
      this.end(chat, 487, 'cancelled', now);
    }
  }

  /** True when the request in the view is one this module owns. */
  handles(methodId: number): boolean {
    return this.enabled && (methodId === M.INVITE || methodId === M.BYE || methodId === M.CANCEL);
  }

  // =====================================================================================
  // Responses to our INVITE / BYE
  // =====================================================================================

  /** Any response for a chat-owned client transaction (1xx, finals, retransmitted 2xx). */
  onResponse(chatId: number, methodId: number, status: number, view: SipMessageView, now: number): void {
    const chat = this.chatById(chatId);
    if (chat === null || methodId !== M.INVITE) return; // BYE's answer changes nothing: the chat already ended
    if (status < 200) {
      if (chat.topVia === '') {
        chat.topVia = topViaOf(view);
        chat.fromValue = view.headerText(H.FROM) ?? '';
      }
      if (chat.cancelWanted && chat.cancel === null) this.sendCancel(chat, now);
      if (status >= 180 && chat.state === 'offering') this.emitState(chat, 'ringing', status, view.reason(), now);
      return;
    }
    chat.ringUntil = chat.abandonAt = NO_DEADLINE;
    chat.cancelNextAt = chat.cancelUntil = NO_DEADLINE;
    if (status >= 300) {
      if (chat.state !== 'ended') this.end(chat, status, view.reason(), now);
      return;
    }
    // 2xx, first or retransmitted: ACK each (§13.2.2.4).
    if (chat.dialog !== null) {
      if (chat.ack !== null && chat.ackTo !== null) this.port.transmit(chat.ack, chat.ackTo);
      return;
    }
    const remoteTag = readTagText(view, H.TO);
    const rr = readRecordRoutes(view);
    const local: LocalParty = { callId: chat.callId, localTag: chat.localTag, localUri: this.port.config.aor, remoteUri: chat.remoteUri };
    chat.dialog = new Dialog(true, local, { remoteTag, contactUri: readContactUri(view), recordRoutes: rr, secure: false }, rr.slice().reverse(), chat.invite!.cseq, -1, 'confirmed');
    this.sendAck(chat, now);
    if (chat.byeOnAnswer || chat.state === 'ended') {
      this.sendBye(chat, now);
      return;
    }
    const answer = readContentType(view).toLowerCase().startsWith('application/sdp') ? parseSdp(view.buf, view.bodyOff, view.bodyLen) : null;
    const agreed = answer !== null && answer.ok ? acceptMsrpAnswer(answer.val, chat.local!) : null;
    if (agreed === null || !agreed.ok) {
      // §13.2.2.4 / RFC 3264: an unusable answer — the dialog exists, so end it with BYE.
      this.sendBye(chat, now);
      this.end(chat, 488, 'unusable SDP answer', now);
      return;
    }
    chat.negotiated = agreed.val;
    this.emitState(chat, 'connected', status, view.reason(), now);
    this.emitConnect(chat, now);
  }

  /** Timeout (408) or transport error (503) of a chat-owned client transaction. */
  onClientFailure(chatId: number, methodId: number, status: number, now: number): void {
    const chat = this.chatById(chatId);
    if (chat === null || methodId !== M.INVITE) return;
    chat.ringUntil = chat.abandonAt = NO_DEADLINE;
    chat.cancelNextAt = chat.cancelUntil = NO_DEADLINE;
    if (chat.state !== 'ended') this.end(chat, status, status === 408 ? 'Request Timeout' : 'Transport Error', now);
  }

  // =====================================================================================
  // Time
  // =====================================================================================

  nextDeadline(): number {
    let t = NO_DEADLINE;
    for (let i = 0; i < this.chats.length; i++) {
      const c = this.chats[i];
      if (!c) continue;
      if (c.okNextAt < t) t = c.okNextAt;
      if (c.okGiveUpAt < t) t = c.okGiveUpAt;
      if (c.freeAt < t) t = c.freeAt;
      if (c.answerBy < t) t = c.answerBy;
      if (c.ringUntil < t) t = c.ringUntil;
      if (c.abandonAt < t) t = c.abandonAt;
      if (c.cancelNextAt < t) t = c.cancelNextAt;
    }
    return t;
  }

  handleTimeout(now: number): void {
    for (let i = 0; i < this.chats.length; i++) {
      const c = this.chats[i];
      if (!c) continue;
      if (c.awaitingAck && now >= c.okGiveUpAt) {
        // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without
        // receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated."
        c.awaitingAck = false;
        c.okNextAt = c.okGiveUpAt = NO_DEADLINE;
        this.sendBye(c, now);
        if (c.state !== 'ended') this.end(c, 408, 'no ACK', now);
      } else if (c.awaitingAck && now >= c.okNextAt && c.ok !== null) {
        this.port.respondBytes(c.inviteTx, 200, c.ok, 0, c.okLen, now);
        c.okInterval = Math.min(2 * c.okInterval, 8 * this.port.config.t1);
        c.okNextAt = now + c.okInterval;
      }
      if (now >= c.answerBy) {
        c.answerBy = NO_DEADLINE;
        if (!c.isUac && c.state !== 'ended' && c.dialog === null) {
          this.port.respond(c.inviteTx, 480, c.echo, now);
          this.end(c, 480, 'not answered', now);
        }
      }
      if (now >= c.ringUntil) this.giveUpRinging(c, 408, 'not answered', now);
      if (now >= c.cancelNextAt && c.cancel !== null && c.invite !== null) {
        // Over UDP a CANCEL is resent like any non-INVITE request (§17.1.2.2: T1 doubling up to T2)
        // until the INVITE gets its final response (487), for at most 64·T1.
        if (now >= c.cancelUntil) c.cancelNextAt = NO_DEADLINE;
        else {
          this.port.transmit(c.cancel, c.invite.destination);
          c.cancelInterval = Math.min(2 * c.cancelInterval, 8 * this.port.config.t1);
          c.cancelNextAt = now + c.cancelInterval;
        }
      }
      if (now >= c.abandonAt) {
        c.abandonAt = NO_DEADLINE;
        this.port.abandonInvite(c.id, now);
      }
      if (now >= c.freeAt && c.abandonAt === NO_DEADLINE) this.chats[i] = null;
    }
  }

  /** UAC before any final response: ended now; a late 2xx gets ACK + BYE; no final within 64·T1 abandons the transaction. */
  private giveUpRinging(chat: Chat, status: number, reason: string, now: number): void {
    chat.ringUntil = NO_DEADLINE;
    chat.byeOnAnswer = true;
    chat.abandonAt = now + 64 * this.port.config.t1;
    chat.cancelWanted = true;
    if (chat.topVia !== '') this.sendCancel(chat, now);
    if (chat.state !== 'ended') this.end(chat, status, reason, now);
  }

  /**
   * §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the
   * CANCEL request MUST be identical to those in the request being cancelled, including tags. A
   * CANCEL constructed by a client MUST have only a single Via header field value matching the
   * top Via value in the request being cancelled." The callee matches it to the INVITE by that
   * Via's branch (§9.2), answers 200 and the INVITE 487, which our INVITE transaction ACKs. The
   * CANCEL is sent outside a client transaction (the UA's writer always draws a fresh branch),
   * so this module resends it itself; its 200 is absorbed as a stray response.
   */
  private sendCancel(chat: Chat, now: number): void {
    const spec = chat.invite;
    if (spec === null || chat.cancel !== null || chat.topVia === '') return;
    const buf = new Uint8Array(ACK_BYTES);
    const w = this.writer;
    w.request(buf, 0, buf.length, 'CANCEL', spec.requestUri).headerId(H.VIA, chat.topVia).headerIdUint(H.MAX_FORWARDS, 70);
    for (let i = 0; i < spec.routes.length; i++) w.headerId(H.ROUTE, spec.routes[i]!);
    w.headerId(H.FROM, chat.fromValue).headerId(H.TO, spec.to).headerId(H.CALL_ID, spec.callId)
      .beginId(H.CSEQ).uint(spec.cseq).text(' CANCEL').end()
      .headerId(H.USER_AGENT, this.port.config.userAgent);
    const n = w.finish();
    if (n <= 0) {
      this.port.warn(now, 'cancel-not-written', `CANCEL for chat ${chat.id} could not be written (code ${n})`);
      return;
    }
    chat.cancel = buf.subarray(0, n);
    this.port.transmit(chat.cancel, spec.destination);
    if (!isReliable(spec.destination.transport)) {
      chat.cancelInterval = this.port.config.t1;
      chat.cancelNextAt = now + chat.cancelInterval;
      chat.cancelUntil = now + 64 * this.port.config.t1;
    }
  }

  // =====================================================================================
  // Internals
  // =====================================================================================

  private listenerFor(secure: boolean): ChatOptions['listener'] {
    return secure ? this.secureListener : this.listener;
  }

  private localMedia(offerSetup: 'actpass' | 'active', secure: boolean): MsrpLocalMedia {
    const c = this.port.config;
    const l = this.listenerFor(secure);
    const address = l !== null ? l.address : c.localAddress;
    const port = l !== null ? l.port : DISCARD_PORT;
    const host = address.includes(':') ? `[${address}]` : address;
    // RFC 4975 §6: "msrps" names TLS; the transport parameter stays "tcp" (TLS runs over TCP).
    return {
      address, port, secure, uri: `${secure ? 'msrps' : 'msrp'}://${host}:${port}/${randomHex(c.random, 20)};tcp`,
      ...(secure && this.fingerprint !== '' ? { fingerprint: this.fingerprint } : {}),
      acceptTypes: this.acceptTypes.slice(), acceptWrappedTypes: this.wrappedTypes.slice(),
      ...(this.maxSize >= 0 ? { maxSize: this.maxSize } : {}),
      // RFC 4566 §5.2: sess-id is digits.
      offerSetup, behindNat: l === null, sessionId: String(1 + Math.floor(c.random() * 999999999)), sessionVersion: '1',
    };
  }

  private readOffer(view: SipMessageView): { sdp: SdpSession; path: string; acceptTypes: string[]; secure: boolean } | null {
    if (view.bodyLen === 0 || !readContentType(view).toLowerCase().startsWith('application/sdp')) return null;
    const sdp = parseSdp(view.buf, view.bodyOff, view.bodyLen);
    if (!sdp.ok) return null;
    const media = readMsrpMedia(sdp.val);
    if (!media.ok || media.val.port === 0) return null;
    return { sdp: sdp.val, path: media.val.path.join(' '), acceptTypes: media.val.acceptTypes, secure: media.val.secure };
  }

  /** A final response with a Warning (RFC 3261 §20.43: warn-code SP warn-agent SP warn-text), kept by the transaction for retransmission. */
  private refuseWithWarning(txId: number, echo: RequestEcho, status: number, reason: string, code: string, text: string, now: number): void {
    const c = this.port.config;
    const buf = new Uint8Array(RESPONSE_BYTES);
    const w = this.writer;
    const b = echo.bytes;
    w.response(buf, 0, buf.length, status, reason);
    for (let i = 0; i < echo.viaCount; i++) w.headerIdBytes(H.VIA, b, echo.viaOff[i]!, echo.viaLen[i]!);
    w.headerIdBytes(H.FROM, b, echo.fromOff, echo.fromLen);
    w.beginId(H.TO).bytes(b, echo.toOff, echo.toLen).text(';tag=').text(this.port.localTag).end()
      .headerIdBytes(H.CALL_ID, b, echo.callIdOff, echo.callIdLen)
      .headerIdBytes(H.CSEQ, b, echo.cseqOff, echo.cseqLen)
      .headerId(H.WARNING, `${code} ${c.localAddress.includes(':') ? `[${c.localAddress}]` : c.localAddress}:${c.localPort} "${text}"`)
      .headerId(H.SERVER, c.userAgent);
    const n = w.finish();
    if (n <= 0 || this.port.respondBytes(txId, status, buf, 0, n, now) !== 0) this.port.respond(txId, status, echo, now);
  }

  /** §8.2.6.2 echo + To tag, §12.1.1 Record-Route copied, Contact, Allow, the SDP answer. */
  private writeOk(buf: Uint8Array, chat: Chat, body: Uint8Array): number {
    const w = this.writer;
    const e = chat.echo;
    const b = e.bytes;
    w.response(buf, 0, buf.length, 200, 'OK');
    for (let i = 0; i < e.viaCount; i++) w.headerIdBytes(H.VIA, b, e.viaOff[i]!, e.viaLen[i]!);
    for (let i = 0; i < chat.recordRoutes.length; i++) w.headerId(H.RECORD_ROUTE, chat.recordRoutes[i]!);
    w.headerIdBytes(H.FROM, b, e.fromOff, e.fromLen);
    w.beginId(H.TO).bytes(b, e.toOff, e.toLen).text(';tag=').text(this.port.localTag).end()
      .headerIdBytes(H.CALL_ID, b, e.callIdOff, e.callIdLen)
      .headerIdBytes(H.CSEQ, b, e.cseqOff, e.cseqLen)
      .headerId(H.CONTACT, this.port.contact)
      .headerId(H.ALLOW, ALLOW_WITH_INVITE)
      .headerId(H.SERVER, this.port.config.userAgent)
      .headerId(H.CONTENT_TYPE, 'application/sdp');
    return w.finish(body, 0, body.length);
  }

  /** §13.2.2.4: the ACK for a 2xx: in the dialog, CSeq number of the INVITE, its own branch. */
  private sendAck(chat: Chat, now: number): void {
    const spec = this.inDialogSpec(chat, 'ACK', M.ACK);
    spec.cseq = chat.invite!.cseq;
    const buf = new Uint8Array(ACK_BYTES);
    const n = this.port.writeRequest(buf, spec);
    if (n <= 0) {
      this.port.warn(now, 'ack-not-written', `ACK for chat ${chat.id} could not be written (code ${n})`);
      return;
    }
    chat.ack = buf.subarray(0, n);
    chat.ackTo = spec.destination;
    this.port.transmit(chat.ack, chat.ackTo);
  }

  private sendBye(chat: Chat, now: number): void {
    if (chat.dialog === null) return;
    const spec = this.inDialogSpec(chat, 'BYE', M.BYE);
    spec.cseq = chat.dialog.nextLocalSeq();
    const err = this.port.send(spec, chat.id, now);
    if (err !== null) this.port.warn(now, err.code, `BYE for chat ${chat.id} not sent: ${err.message}`);
  }

  /** §12.2.1.1: Request-URI and Route from the dialog, To with the remote tag. */
  private inDialogSpec(chat: Chat, method: string, methodId: number): RequestSpec {
    const d = chat.dialog!;
    const t = d.requestTarget();
    const spec = new RequestSpec();
    spec.method = method;
    spec.methodId = methodId;
    spec.requestUri = t.requestUri;
    spec.routes = t.routes;
    spec.to = `<${d.remoteUri}>;tag=${d.remoteTag}`;
    spec.fromTag = d.localTag;
    spec.callId = d.callId;
    const first = t.routes.length > 0 ? parseSipUri(bareUri(t.routes[0]!)) : parseSipUri(t.requestUri);
    const fallback = chat.targetParts ?? first;
    const transport = this.port.config.transport;
    // A WebSocket UA sends over its flow to the server (uri-target.ts dialogHop).
    const flow = fallback !== null ? this.port.outOfDialogEndpoint(fallback) : null;
    spec.destination = dialogHop(first, transport, flow)
      ?? (fallback !== null ? endpointOf(fallback, transport) : { transport, address: '', port: 0 });
    return spec;
  }

  /** Incoming in-dialog request: Call-ID, our tag in To, theirs in From (§12.2.2). */
  private matchInDialog(view: SipMessageView): Chat | null {
    const callId = view.headerText(H.CALL_ID) ?? '';
    const toTag = readTagText(view, H.TO);
    const fromTag = readTagText(view, H.FROM);
    for (let i = 0; i < this.chats.length; i++) {
      const c = this.chats[i];
      if (!c || c.dialog === null || c.callId !== callId) continue;
      if (c.dialog.localTag === toTag && c.dialog.remoteTag === fromTag) return c;
    }
    return null;
  }

  private emitConnect(chat: Chat, now: number): void {
    const n = chat.negotiated!;
    this.port.event({
      kind: 'msrp-connect', sessionId: chat.id, setup: n.role, secure: n.secure, remoteHost: n.connectTo.host, remotePort: n.connectTo.port,
      remotePath: n.remotePath, localPath: n.localPath, remoteAcceptTypes: n.remoteAcceptTypes, remoteMaxSize: n.remoteMaxSize,
      remoteFingerprints: n.remoteFingerprints, at: now,
    });
  }

  private emitState(chat: Chat, to: ChatState, status: number, reason: string, now: number, initial = false): void {
    if (!initial && !CHAT_TRANSITIONS[chat.state].includes(to)) return;
    chat.state = to;
    this.port.event({ kind: 'chat-state', sessionId: chat.id, state: to, status, reason, at: now });
  }

  private end(chat: Chat, status: number, reason: string, now: number): void {
    this.emitState(chat, 'ended', status, reason, now);
    chat.freeAt = now + 64 * this.port.config.t1;
  }

  private chatById(id: number): Chat | null {
    for (let i = 0; i < this.chats.length; i++) {
      const c = this.chats[i];
      if (c && c.id === id) return c;
    }
    return null;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.chats.length; i++) if (this.chats[i] === null) return i;
    return -1;
  }
}

/** The module to pass to UserAgent.enableChat(): `ua.enableChat(chatModule, { listener })`. */
export function chatModule(port: ChatPort): InviteSessions {
  return new InviteSessions(port);
}
