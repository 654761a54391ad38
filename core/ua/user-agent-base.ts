// The user agent a host drives (quinn-proto's Endpoint style): bytes and time in, bytes, one
// deadline and events out; no sockets, no clock, no callbacks into the application.
//
// It glues the sans-I/O machines of the core together: the transaction engine (RFC 3261 §17)
// carries every request and response; the registration, subscription and publication machines
// decide WHEN to send REGISTER / SUBSCRIBE / PUBLISH and the UA turns their actions into bytes
// (request-writer.ts) and routes responses back to them; digest challenges are answered by
// DigestClient (one for REGISTER, one shared by the rest); dialogs (core/dialog) hold the state of
// subscriptions; keep-alives (core/transport) watch the registrar flow.
//
// Host loop (README.md): after every handle*() call or command, drain pollTransmit() until false,
// read pollTimeout(), drain pollEvent() until undefined.
import { Ok, Err, type Result } from '../result.js';
import { H, M } from '../sip/header-ids.js';
import { SipMessageView } from '../sip/view.js';
import { parse, createParseOptions } from '../sip/parser.js';
import {
  TransactionEngineBase, type TransactionConfig, TransactionKey, TransactionKeyReader, OutgoingRequest, Transmit, TransactionEvent,
  KEY_OK, DISPOSITION_OVERLOADED, EVENT_ACK, EVENT_REQUEST, EVENT_RESPONSE, EVENT_TIMEOUT, EVENT_TRANSPORT_ERROR, EVENT_TERMINATED,
  TRANSMIT_REQUEST,
} from '../transaction/index.js';
import { DigestClientBase, DigestWorkspaceBase } from '../auth/client.js';
import { DigestComputerBase } from '../auth/digest.js';
import { ALG_SHA256 } from '../auth/algorithm.js';
import { E_AUTH_UNSUPPORTED_ALGORITHM } from '../auth/errors.js';
import type { Hasher } from '../bytes/hasher.js';
import { CredentialStore } from '../auth/credential-store.js';
import { AUTH_RETRY, SENT_ANSWERED, SENT_FRESH, SENT_PREEMPTIVE } from '../auth/retry-policy.js';
import { RegistrationMachine, type RegistrationEvent } from '../registration/machine.js';
import { SubscriptionMachine, type SubscriptionConfig, type SubscriptionEvent } from '../event/machine.js';
import { EventPackageRegistry } from '../event/packages.js';
import { Publication, type PublicationEvent } from '../presence/publication.js';
import { Dialog, DialogTable, type LocalParty } from '../dialog/index.js';
// Type-only: keep-alives (RFC 5626 §4.4) and TCP/TLS flows come in through UaModules, so a UDP
// phone without NAT keep-alives carries neither the framer nor STUN.
import type { FlowKeepalive, KeepaliveModule } from '../transport/keepalive.js';
import type { StreamFlows, StreamModule } from './stream-flows.js';
import { isReliable, isStream } from '../transport/kinds.js';
import { sizeRule } from '../transport/size-rule.js';
import { looksLikeStun } from '../stun/binding.js';
import { decodeText } from '../sip/view.js';
import { type Endpoint, type ResolvedUaConfig, type UaConfig, type UaError, resolveUaConfig, uaError } from './config.js';
import { BufferPool } from './buffer-pool.js';
import { EndpointTable } from './endpoint-table.js';
import { ACCEPT_VALUE, BRANCH_BYTES, NO_ROUTES, RequestSpec, RequestWriter } from './request-writer.js';
import { RequestEcho, ResponseWriter, WITH_ACCEPT, WITH_ALLOW, WITH_ALLOW_EVENTS, reasonPhrase } from './response-writer.js';
import { endsSubscriptionOnRefresh, type ForkDialog } from './subscription-forks.js';
import { randomHex } from './random-tokens.js';
import { KnownPeers } from './known-peers.js';
import { type SipUriParts, bareUri, dialogHop, endpointOf, parseSipUri, sameEndpoint } from './uri-target.js';
import {
  ROUTE_IGNORE, ROUTE_MESSAGE, ROUTE_NO_SUCH_DIALOG, ROUTE_NOT_ALLOWED, ROUTE_NOTIFY, ROUTE_OPTIONS, ROUTE_SUBSCRIBE, routeOfMethod,
} from './incoming-routes.js';
import {
  type DecodedSubscriptionState, contactValue, copyBody, readAddressUri, readContactUri, readContentType, matchEventPackage,
  readExpires, readMinExpires, readRecordRoutes, readRetryAfter, readSipETag, readSubscriptionState, readTag, readTagText,
  spanEquals, tagLength, valueCursor, contactUriIs,
} from './message-reading.js';
import { decodeContact } from '../sip/decode/name-addr.js';
import type { UaEvent } from './events.js';
import { NO_FAILOVER, authRetryMark, mayFailOver, type FailoverMark } from './failover.js';
import { reconnectEndpoint, responseEndpoint, topViaPort } from './response-address.js';
import { ClientRecord, EMPTY_SPEC, Outgoing, PendingMessage, SubscriptionRecord, type Owner, type QueuedRequest } from './records.js';
import { SubscriptionSchedule } from './subscription-schedule.js';
import { CallIdIndex } from './call-id-index.js';

// Type-only: session-mode IM is optional; a phone that never calls enableChat() does not carry it.
import type { InviteSessions } from './invite-sessions.js';
// Type-only too: resource-list NOTIFY handling comes in with enableResourceLists().
import type { ResourceListSubscriptions } from './resource-lists.js';
// Type-only: the notifier role (peer-to-peer presence, our phone as a BLF target) is optional;
// a phone that never calls enableNotifier() does not carry it.
import type { UaNotifier } from './notifier.js';
// Type-only as well: a phone that never calls trackPresence() does not carry the PIDF reader.
import type { PresenceApply, PresenceStates } from '../presence/presence-states.js';
import { isLive } from '../event/states.js';

export { Outgoing } from './records.js';

const DATAGRAM = createParseOptions({ datagram: true });
// PresenceApply values (presence-states.ts), repeated here for the type-only import above.
const PRESENCE_CHANGED: PresenceApply = 0;
const PRESENCE_WRONG_TYPE: PresenceApply = 3;
const PRESENCE_BAD_BODY: PresenceApply = 4;
const PRESENCE_NO_ROOM: PresenceApply = 5;
const PRESENCE_NEED_FULL_STATE: PresenceApply = 6;
const PRESENCE_TOO_LARGE: PresenceApply = 7;
/** RFC 5263: a watcher that takes partial PIDF lists application/pidf-diff+xml (before the package's own types). */
const PARTIAL_PIDF_ACCEPT = 'application/pidf-diff+xml, ';

const NO_DEADLINE = Number.POSITIVE_INFINITY;
/** Outgoing.token of a response: SERVER_TOKEN_BASE - server transaction id (≤ -2); -1 is "no transaction", ≥ 0 a client transaction. */
const SERVER_TOKEN_BASE = -2;

/** Bytes an Authorization header with qop=auth takes (MD5: ~280; SHA-256 adds 32). */
const AUTHORIZATION_ROOM = 360;
/** Bytes a relaying proxy adds (its Via, Record-Route): the datagram it forwards must fit too. */
const PROXY_ROOM = 128;
/** Event packages published at once (presence, dialog, message-summary): each is a Publication with its own entity-tag. */
export const MAX_PUBLICATIONS = 3;

/**
 * Optional parts of the UA an application passes in (`new UserAgent(config, modules)`), so a phone
 * that does not use them does not carry them. A config that needs a missing one is refused at
 * construction.
 */
export interface UaModules {
  /** TCP/TLS flows: `streamModule` from core/ua/stream-flows.js (tcp/tls accounts, largeRequestsOverTcp). */
  readonly streams?: StreamModule;
  /** NAT keep-alives (config.keepalive.mode other than 'off'): `keepaliveModule` from core/transport/keepalive.js. */
  readonly keepalive?: KeepaliveModule;
  /** SHA-256 digest (RFC 8760): `sha256Module` from core/bytes/sha256.js. Without it only MD5 challenges are answered. */
  readonly sha256?: () => Hasher;
}
/** Statuses RFC 3261 §20.33 lets carry Retry-After. */
const RETRY_AFTER_STATUSES: readonly number[] = [404, 413, 480, 486, 500, 503, 600, 603];

/**
 * The user agent of a phone that registers, watches presence (SUBSCRIBE/NOTIFY), publishes its
 * own and sends and answers page-mode MESSAGEs: what issue #7's size budget measures.
 * UserAgent below adds the optional roles (session-mode IM, resource lists, the notifier role)
 * and diagnostics; an application that uses none of them constructs this base and carries none
 * of their entry points (a class brings every method it has into a bundle). Members the
 * subclass reaches are `protected`: the firmware build renames those like private ones.
 */
export class UserAgentBase {
  readonly config: ResolvedUaConfig;
  /** Messages that could not be handled (malformed, no buffer, table full): also reported as warnings. */
  dropped = 0;

  /**
   * Two transaction engines, one per direction: a flood of incoming requests (each server
   * transaction lives 64·T1 on UDP) can then never take the slots our own REGISTER refreshes and
   * SUBSCRIBEs need, and vice versa. Each has capacities.maxTransactions slots.
   */
  protected readonly clients: TransactionEngineBase;
  protected readonly servers: TransactionEngineBase;
  private readonly view = new SipMessageView();
  private viewBuf: Uint8Array | null = null;
  private viewOff = -1;
  protected readonly key = new TransactionKey();
  private readonly keyReader = new TransactionKeyReader();
  private readonly transmit = new Transmit();
  private readonly txEvent = new TransactionEvent();
  private readonly outgoingRequest = new OutgoingRequest();
  protected readonly requestPool: BufferPool;
  protected readonly responsePool: BufferPool;
  protected readonly requestWriter: RequestWriter;
  protected readonly responseWriter: ResponseWriter;
  /** Where sendMessage measures a MESSAGE (RFC 3261 §18.1.1 size rule); made by the first one sent. */
  private measureBuffer: Uint8Array | null = null;
  protected readonly echo: RequestEcho;
  protected readonly endpoints: EndpointTable;
  protected readonly txCapacity: number;
  protected readonly clientRecords: (ClientRecord | null)[];
  private readonly spareRecords: ClientRecord[] = [];
  private readonly serverTxId: Int32Array;
  /** Where each server transaction's responses go (§18.2.2, response-address.ts): an endpoint id. */
  private readonly serverDest: Int32Array;
  /** The top Via sent-by port of each server transaction's request on a stream (-1: none): §18.2.2 reconnects there. */
  private readonly serverSentBy: Int32Array;
  /** serverSentBy of the request being handled, until drainEngine records its transaction. */
  private requestSentBy = -1;
  private readonly serverResponseSlot: Int32Array;
  protected readonly queue: QueuedRequest[] = [];
  protected readonly events: UaEvent[] = [];
  protected readonly extraTransmits: { bytes: Uint8Array; endpoint: Endpoint }[] = [];
  protected readonly registry = new EventPackageRegistry();
  /** The registry's package names, lower case, so a NOTIFY's Event is matched without a string. */
  private readonly packageNames: readonly string[] = this.registry.allowEvents().split(', ');
  private readonly registrarAuth: DigestClientBase | null;
  private readonly requestAuth: DigestClientBase | null;
  private readonly registration: RegistrationMachine | null;
  private readonly registerSpec = new RequestSpec();
  private readonly registrarParts: SipUriParts | null;
  private readonly proxyEndpoint: Endpoint | null;
  private readonly aorParts: SipUriParts;
  protected readonly subscriptions: (SubscriptionRecord | null)[];
  /** Which subscription slots have output to poll and when each is due (subscription-schedule.ts): per-message work independent of their number. */
  private readonly schedule: SubscriptionSchedule;
  /** Subscription slots by Call-ID, for matching NOTIFYs (call-id-index.ts). */
  private readonly callIds: CallIdIndex;
  /** Subscription records by id. */
  protected readonly subscriptionIds = new Map<number, SubscriptionRecord>();
  /** The subscriptions' targets by address of record, for the known-peers policy in O(1) (known-peers.ts). */
  protected readonly knownPeers = new KnownPeers();
  protected readonly dialogs: DialogTable;
  /** One publication per event package (RFC 3903 §4: each has its own entity-tag); slot i publishes `publicationEvents[i]`. */
  private readonly publications: (Publication | null)[] = new Array<Publication | null>(MAX_PUBLICATIONS).fill(null);
  private readonly publicationEvents: string[] = new Array<string>(MAX_PUBLICATIONS).fill('');
  protected readonly pending: PendingMessage[];
  private readonly keepalive: FlowKeepalive | null;
  /** TCP/TLS flows, present when UaModules.streams was passed (stream-flows.ts). */
  protected readonly streams: StreamFlows | null;
  private readonly subState: DecodedSubscriptionState = { state: 'active', expires: -1, reason: '', retryAfter: -1 };
  protected nextId = 1;
  protected readonly localTag: string;
  /** Session-mode IM: the INVITE dialogs carrying MSRP sessions (invite-sessions.ts). */
  /** Session-mode IM, present once enableChat() brought the module in (invite-sessions.ts). */
  protected chats: InviteSessions | null = null;
  /** Resource lists (RFC 4662), present once enableResourceLists() brought the module in (resource-lists.ts). */
  protected lists: ResourceListSubscriptions | null = null;
  /** The notifier side (notifier.ts): our dialog / presence state for watchers; serves nothing until serve(). */
  protected notifier: UaNotifier | null = null;
  /** The SUBSCRIBE being answered by the notifier (its echo is this.echo). */
  protected notifierTxId = -1;
  /** Presence state per `presence` subscription, once trackPresence() gave a table. */
  private presence: PresenceStates | null = null;

  constructor(input: UaConfig, modules: UaModules = {}) {
    // §18.1.1 over TCP needs TCP flows: without the stream module the default is off.
    const c = resolveUaConfig(input.largeRequestsOverTcp === undefined && modules.streams === undefined ? { ...input, largeRequestsOverTcp: false } : input);
    this.config = c;
    const caps = c.capacities;
    const aor = parseSipUri(c.aor);
    if (aor === null) throw new RangeError(`ua config: aor is not a sip: URI: ${c.aor}`);
    this.aorParts = aor;
    this.registrarParts = c.registrar !== null ? parseSipUri(c.registrar) : null;
    if (c.registrar !== null && this.registrarParts === null) throw new RangeError(`ua config: registrar is not a sip: URI: ${c.registrar}`);
    const proxy = c.outboundProxy !== null ? parseSipUri(c.outboundProxy) : this.registrarParts;
    if (c.outboundProxy !== null && proxy === null) throw new RangeError(`ua config: outboundProxy is not a sip: URI: ${c.outboundProxy}`);
    this.proxyEndpoint = proxy !== null ? endpointOf(proxy, c.transport) : null;
    if (modules.streams === undefined) {
      const needsStreams = isStream(c.transport) ? `transport '${c.transport}'`
        : this.proxyEndpoint !== null && isStream(this.proxyEndpoint.transport) ? `a ${this.proxyEndpoint.transport} registrar/outbound proxy`
        : c.largeRequestsOverTcp ? 'largeRequestsOverTcp' : '';
      if (needsStreams !== '') throw new RangeError(`ua config: ${needsStreams} needs the stream module: { streams: streamModule } (core/ua/stream-flows.js)`);
    }

    const timerD = c.transport === 'udp' ? 64 * c.t1 : 0;
    const timers = { t1: c.t1, t2: Math.max(c.t1, 8 * c.t1), t4: 10 * c.t1, timerD, maxTransactions: caps.maxTransactions };
    // Client transactions carry our own branches (BRANCH_BYTES long): the engine's default 64-byte
    // copy per slot is for the peers' branches the server side matches.
    this.clients = this.newEngine({ ...timers, maxBranchBytes: BRANCH_BYTES });
    this.servers = this.newEngine(timers);
    this.txCapacity = caps.maxTransactions;
    this.clientRecords = new Array<ClientRecord | null>(caps.maxTransactions).fill(null);
    for (let i = 0; i < caps.maxTransactions; i++) this.spareRecords.push(new ClientRecord());
    this.serverTxId = new Int32Array(caps.maxTransactions).fill(-1);
    this.serverDest = new Int32Array(caps.maxTransactions).fill(-1);
    this.serverSentBy = new Int32Array(caps.maxTransactions).fill(-1);
    this.serverResponseSlot = new Int32Array(caps.maxTransactions).fill(-1);
    this.requestPool = new BufferPool(caps.requestBuffers, caps.requestBufferBytes);
    // The echo of the request being answered lives behind the response slots: a response copies
    // its lines with one copyWithin (response-writer.ts).
    this.responsePool = new BufferPool(caps.responseBuffers, caps.responseBufferBytes, RequestEcho.bytesFor(caps.responseBufferBytes));
    this.echo = new RequestEcho(caps.responseBufferBytes, this.responsePool.storage, this.responsePool.extraOffset);
    this.endpoints = new EndpointTable(caps.maxEndpoints);
    this.requestWriter = new RequestWriter(c, c.username !== '' ? c.username : aor.user);
    this.localTag = randomHex(c.random, 16);
    this.responseWriter = new ResponseWriter(this.localTag, c.userAgent, this.registry.allowEvents());
    this.subscriptions = new Array<SubscriptionRecord | null>(caps.maxSubscriptions).fill(null);
    this.schedule = new SubscriptionSchedule(caps.maxSubscriptions);
    this.callIds = new CallIdIndex(caps.maxSubscriptions);
    this.dialogs = new DialogTable(caps.maxDialogs);
    this.pending = [];
    for (let i = 0; i < caps.maxPendingMessages; i++) this.pending.push(new PendingMessage(caps.responseBufferBytes));
    this.streams = modules.streams !== undefined ? modules.streams({
      view: this.view,
      message: (flow, now) => this.handleMessage(this.view.buf, this.view.messageOff, this.view.messageLen, flow, true, now),
      // RFC 5626 §4.4.1: a lone CRLF between messages is the pong to our double-CRLF ping — on
      // the flow we pinged (a keep-alive exists only with a proxy endpoint). CRLFs on a
      // connection the server opened to us kept a silently dead flow "alive" (the stream soak).
      pong: (flow, now) => { if (this.keepalive !== null && sameEndpoint(flow, this.proxyEndpoint!)) this.keepalive.onStreamPong(now); },
      drop: (now, code, message) => this.drop(now, code, message),
    }, caps.maxFlows) : null;

    if (c.hasCredentials) {
      const store = new CredentialStore().set(null, c.username, c.password);
      // Each client keeps its own cached challenges; the per-call scratch is shared (single-threaded).
      // MD5 always; SHA-256 (RFC 8760) only with UaModules.sha256, so a phone without it carries none.
      const workspace = new DigestWorkspaceBase(new DigestComputerBase(modules.sha256 !== undefined ? modules.sha256() : null));
      this.registrarAuth = new DigestClientBase({ random: { random: c.random }, credentials: store, workspace });
      this.requestAuth = new DigestClientBase({ random: { random: c.random }, credentials: store, workspace });
    } else {
      this.registrarAuth = null;
      this.requestAuth = null;
    }
    if (this.registrarParts !== null) {
      this.registration = new RegistrationMachine({ expires: c.expires, backoffBaseS: c.backoff.baseS, backoffMaxS: c.backoff.maxS, random: c.random, max423InARow: 3 });
      // §10.2: one Call-ID and From tag for all REGISTERs of this UA to this registrar, CSeq growing.
      const s = this.registerSpec;
      s.method = 'REGISTER';
      s.methodId = M.REGISTER;
      s.requestUri = this.registrarParts.withoutUser;
      s.to = `<${c.aor}>`;
      s.fromTag = randomHex(c.random, 16);
      s.callId = `${randomHex(c.random, 24)}@${c.localAddress}`;
      s.cseq = 0;
      s.contact = true;
      s.destination = this.proxyEndpoint!;
    } else {
      this.registration = null;
    }
    // RFC 7118 defines no CRLF or STUN keep-alive on WebSocket: a CRLFCRLF would go out as a SIP
    // message and no pong would come back, so the flow would be declared dead every interval.
    // WebSocket pings (RFC 6455 §5.5.2) keep such a flow alive; the host sends them.
    const flowKind = this.proxyEndpoint?.transport;
    if (c.keepalive.mode !== 'off' && (flowKind === 'ws' || flowKind === 'wss')) {
      throw new RangeError(`ua config: keepalive mode '${c.keepalive.mode}' does not exist on WebSocket flows (RFC 7118): use 'off', the host pings`);
    }
    if (c.keepalive.mode !== 'off' && this.proxyEndpoint !== null && modules.keepalive === undefined) {
      throw new RangeError(`ua config: keepalive mode '${c.keepalive.mode}' needs the keep-alive module: { keepalive: keepaliveModule } (core/transport/keepalive.js)`);
    }
    this.keepalive = c.keepalive.mode !== 'off' && this.proxyEndpoint !== null && modules.keepalive !== undefined
      ? modules.keepalive({ mode: c.keepalive.mode, intervalMs: c.keepalive.intervalMs, answerTimeoutMs: c.keepalive.answerTimeoutMs, random: c.random })
      : null;
    this.responseWriter.contact = this.requestWriter.contactValue;
  }

  /**
   * The transaction engines (called from the constructor, before subclass fields exist). The base
   * never sends INVITE, so the base engine does; UserAgent, which can start chats, builds the full
   * TransactionEngine (INVITE's ACK builder, CANCEL matching, §9.2).
   */
  protected newEngine(config: Partial<TransactionConfig>): TransactionEngineBase {
    return new TransactionEngineBase(config);
  }

  /** The `now` of the input or command the notifier runs in (it keeps no clock). */
  protected notifierNow = 0;

  // =====================================================================================
  // Inputs
  // =====================================================================================

  /** One UDP datagram from `from`, or one whole WebSocket message (from.transport ws/wss). STUN answers go to the keep-alive; CRLF keep-alives are ignored (RFC 5626 §3.5.1). */
  handleDatagram(buf: Uint8Array, off: number, len: number, from: Endpoint, now: number): void {
    try {
      this.datagramIn(buf, off, len, from, now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private datagramIn(buf: Uint8Array, off: number, len: number, from: Endpoint, now: number): void {
    if (len <= 0 || off < 0 || off + len > buf.length) return;
    if (isOnlyCrlf(buf, off, len)) return;
    if (looksLikeStun(buf, off, len)) {
      if (this.keepalive === null || !this.keepalive.onStunDatagram(now, buf, off, len)) this.warn(now, 'stray-stun', `STUN datagram from ${from.address}:${from.port} that is not our keep-alive`);
      this.pump(now);
      return;
    }
    const n = parse(buf, off, len, this.view, DATAGRAM);
    if (n <= 0) {
      this.drop(now, 'malformed', `unparsable datagram from ${from.address}:${from.port} (code ${this.view.errorCode} at ${this.view.errorOffset - off})`);
      return;
    }
    // A WebSocket message (RFC 7118 §5) arrives whole like a datagram but on a reliable flow:
    // no retransmissions, and the response goes back on the same connection (§18.2.2).
    this.handleMessage(buf, off, n, from, isReliable(from.transport), now);
    this.pump(now);
  }

  /** Bytes read from a TCP/TLS flow: needs UaModules.streams (one framer per flow, at most capacities.maxFlows flows). */
  handleStream(flow: Endpoint, buf: Uint8Array, off: number, len: number, now: number): void {
    try {
      this.streamIn(flow, buf, off, len, now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private streamIn(flow: Endpoint, buf: Uint8Array, off: number, len: number, now: number): void {
    if (this.streams === null) {
      this.drop(now, 'no-stream-module', `bytes from ${flow.transport}:${flow.address}:${flow.port} dropped: no stream module (UaModules.streams)`);
      return;
    }
    this.streams.push(flow, buf, off, len, now);
    this.pump(now);
  }

  /** A TCP/TLS/WS flow closed (or a UDP path is known dead): its transactions fail; if it carried our registration, re-register (RFC 5626 §4.4). */
  handleFlowClosed(flow: Endpoint, now: number): void {
    try {
      this.flowClosed(flow, now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private flowClosed(flow: Endpoint, now: number): void {
    this.streams?.closed(flow);
    for (let i = 0; i < this.txCapacity; i++) {
      const r = this.clientRecords[i];
      if (r === null || r.done) continue;
      const ep = this.endpoints.get(r.destId);
      if (ep !== null && sameEndpoint(ep, flow)) this.clients.handleTransportError(r.txId, now);
    }
    // §18.2.2: a request still waiting for its answer (a MESSAGE the application has not answered
    // yet) is answered over a new connection to the received address at the sent-by port. Answers
    // already sent over the flow need nothing more (a stream does not retransmit), and when no
    // new endpoint fits in the table the transaction ends (§17.2.4).
    for (let i = 0; i < this.txCapacity; i++) {
      const ep = this.serverTxId[i]! >= 0 ? this.endpoints.get(this.serverDest[i]!) : null;
      if (ep === null || !sameEndpoint(ep, flow)) continue;
      const alt = this.serverResponseSlot[i]! < 0 && isStream(flow.transport) ? this.endpoints.acquire(reconnectEndpoint(flow, this.serverSentBy[i]!)) : -1;
      if (alt >= 0 && this.servers.setDestination(this.serverTxId[i]!, alt) === 0) {
        this.endpoints.release(this.serverDest[i]!);
        this.serverDest[i] = alt;
      } else {
        if (alt >= 0) this.endpoints.release(alt);
        this.servers.handleTransportError(this.serverTxId[i]!, now);
      }
    }
    if (this.registration !== null && this.proxyEndpoint !== null && sameEndpoint(this.proxyEndpoint, flow)) {
      this.keepalive?.stop();
      this.registration.onFlowFailed(now);
    }
    this.pump(now);
  }

  /** The host could not send the bytes of transaction `token` (ICMP error, connect refused, …): §8.1.3.1. */
  handleSendFailed(token: number, now: number): void {
    try {
      this.sendFailed(token, now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private sendFailed(token: number, now: number): void {
    if (token >= 0) this.clients.handleTransportError(token, now);
    else if (token <= SERVER_TOKEN_BASE) this.servers.handleTransportError(SERVER_TOKEN_BASE - token, now);
    this.pump(now);
  }

  /**
   * RFC 3263 §4.3: the host has no next target for the failover attempt `token` (its transmit
   * had `failoverOf` ≥ 0): every target was tried or is held back by a Retry-After (RFC 3261
   * §21.5.4). The attempt ends unsent; its owner gets the 503 or timeout that caused it (failover.ts).
   * For a token that is no failover attempt this is handleSendFailed.
   */
  handleNoNextTarget(token: number, now: number): void {
    try {
      this.noNextTarget(token, now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private noNextTarget(token: number, now: number): void {
    const rec = token >= 0 ? this.recordOf(token) : null;
    if (rec === null || rec.failover.of < 0) { this.sendFailed(token, now); return; }
    if (!rec.done) {
      rec.done = true;
      this.releaseRequestSlot(rec);
      this.failoverExhausted(rec, now);
      this.flushQueue(now);
    }
    // Ends the unsent transaction; its TRANSPORT_ERROR event finds the record done.
    this.clients.handleTransportError(token, now);
    this.pump(now);
  }

  handleTimeout(now: number): void {
    try {
      this.timeout(now);
    } catch (err) {
      this.internalError(now, err);
    }
  }

  private timeout(now: number): void {
    this.clients.handleTimeout(now);
    this.servers.handleTimeout(now);
    this.pump(now);
    this.registration?.handleTimeout(now);
    // Only the machines whose deadline passed (subscription-schedule.ts).
    const due = this.schedule.takeDue(now);
    for (let i = 0; i < due; i++) this.subscriptions[this.schedule.dueAt(i)]?.machine.handleTimeout(now);
    for (let i = 0; i < MAX_PUBLICATIONS; i++) this.publications[i]?.handleTimeout(now);
    if (this.keepalive !== null) {
      this.keepalive.handleTimeout(now);
      const bytes = this.keepalive.pollTransmit();
      if (bytes !== null && this.proxyEndpoint !== null) this.extraTransmits.push({ bytes, endpoint: this.proxyEndpoint });
    }
    // RFC 3428 §7 leaves the answer to the application; if it has not answered in time, accept the
    // message (it was delivered as an event), so the sender is not left waiting for 408.
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.id >= 0 && now >= p.deadline) this.answerPending(p, 200, now);
    }
    this.chats?.handleTimeout(now);
    this.notifierNow = now;
    this.notifier?.handleTimeout(now);
    if (this.presence !== null && this.presence.nextDeadline() <= now) {
      // RFC 4480 §3.1: an activity's until passed; the display falls back.
      for (let i = 0; i < this.subscriptions.length; i++) {
        const s = this.subscriptions[i];
        if (s && this.presence.expire(s.id, now)) this.queuePresence(s);
      }
    }
    this.pump(now);
  }

  // =====================================================================================
  // Outputs
  // =====================================================================================

  pollTransmit(out: Outgoing): boolean {
    const extra = this.extraTransmits.shift();
    if (extra !== undefined) {
      out.bytes = extra.bytes; out.off = 0; out.len = extra.bytes.length; out.endpoint = extra.endpoint; out.token = -1;
      out.failoverOf = -1; out.failoverRetryAfter = -1; out.sameTargetAs = -1;
      return true;
    }
    const t = this.transmit;
    while (this.clients.pollTransmit(t)) {
      const ep = this.endpoints.get(t.destination);
      if (ep === null) continue;
      // A retransmission (Timer E) queued in the input that also ended its transaction (Timer F,
      // a late host): the freed buffer may already hold the next request (§17.1.2.2: none after F).
      const rec = this.recordOf(t.txId);
      if (t.kind === TRANSMIT_REQUEST && (rec === null || rec.slot < 0)) continue;
      out.bytes = t.bytes; out.off = t.off; out.len = t.len; out.endpoint = ep; out.token = t.txId;
      // RFC 3263 §4.3: a retry tells the host which attempt failed, so it picks the next target.
      const failover = rec?.failover ?? NO_FAILOVER;
      out.failoverOf = failover.of; out.failoverRetryAfter = failover.retryAfter; out.sameTargetAs = failover.sameTargetAs;
      return true;
    }
    while (this.servers.pollTransmit(t)) {
      const ep = this.endpoints.get(t.destination);
      if (ep === null) continue;
      out.bytes = t.bytes; out.off = t.off; out.len = t.len; out.endpoint = ep; out.token = SERVER_TOKEN_BASE - t.txId;
      out.failoverOf = -1; out.failoverRetryAfter = -1; out.sameTargetAs = -1;
      return true;
    }
    this.responsePool.flush();
    return false;
  }

  /** The earliest time handleTimeout must be called (Infinity when nothing is scheduled). */
  pollTimeout(): number {
    const c = this.clients.nextDeadline();
    const v = this.servers.nextDeadline();
    let t = Math.min(c < 0 ? NO_DEADLINE : c, v < 0 ? NO_DEADLINE : v);
    if (this.registration !== null) t = Math.min(t, this.registration.nextDeadline());
    t = Math.min(t, this.schedule.nextDeadline());
    for (let i = 0; i < MAX_PUBLICATIONS; i++) {
      const pub = this.publications[i];
      if (pub) t = Math.min(t, pub.nextDeadline());
    }
    if (this.keepalive !== null) t = Math.min(t, this.keepalive.nextDeadline());
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i]!.id >= 0) t = Math.min(t, this.pending[i]!.deadline);
    if (this.chats !== null) t = Math.min(t, this.chats.nextDeadline());
    if (this.notifier !== null) t = Math.min(t, this.notifier.nextDeadline());
    if (this.presence !== null) t = Math.min(t, this.presence.nextDeadline());
    return t;
  }

  pollEvent(): UaEvent | undefined {
    const e = this.events.shift();
    if (e !== undefined && e.kind === 'presence') {
      const s = this.subscriptionById(e.subscriptionId);
      if (s !== null) s.presenceQueued = false;
    }
    return e;
  }

  /**
   * From now on the UA reads the PIDF of every `presence` NOTIFY itself into `states`
   * (core/presence/presence-states.ts) and raises a `presence` event only when the shown state
   * changed, instead of a `notify` event with a copy of the body: a presence NOTIFY then costs no
   * allocation. Bodies that are not application/pidf+xml still arrive as `notify` events.
   * `states` should hold capacities.maxSubscriptions states (beyond that: `notify` events).
   * The PIDFs of a forked subscription's extra dialogs (RFC 6665 §4.1.2.4) count too: the state
   * shown composes every live dialog's document (presence-states.ts).
   * With partial PIDF on in `states` (partialDocumentBytes > 0), presence SUBSCRIBEs made from
   * then on also accept application/pidf-diff+xml (RFC 5263); a diff that cannot be applied makes
   * the UA refresh the subscription for full state.
   */
  trackPresence(states: PresenceStates): void {
    this.presence = states;
  }

  // =====================================================================================
  // Commands
  // =====================================================================================

  register(now: number): Result<void, UaError> {
    if (this.registration === null) return Err(uaError('local', 'no-registrar', 'this account has no registrar (peer-to-peer mode)'));
    this.registration.start(now);
    this.pump(now);
    return Ok(undefined);
  }

  /** Removes our binding (Expires: 0); the outcome arrives as `registration` events. */
  unregister(now: number): Result<void, UaError> {
    if (this.registration === null) return Err(uaError('local', 'no-registrar', 'this account has no registrar (peer-to-peer mode)'));
    this.registration.stop(now);
    this.keepalive?.stop();
    this.pump(now);
    return Ok(undefined);
  }

  get registrationState(): string {
    return this.registration?.state ?? 'unregistered';
  }

  /** The SubscriptionConfig of subscriptions asking for the account's expires, made by the first. */
  private subscriptionConfig: SubscriptionConfig | null = null;

  private machineConfig(expires: number): SubscriptionConfig {
    const c = this.config;
    return { expires, timerNMs: 64 * c.t1, backoffBaseS: c.backoff.baseS, backoffMaxS: c.backoff.maxS, random: c.random };
  }

  /**
   * `eventlist: true` subscribes to a resource list (RFC 4662 §4): `Supported: eventlist` and an
   * Accept that adds application/rlmi+xml and multipart/related to the package's body types.
   */
  subscribe(target: string, event: string, now: number, opts?: { expires?: number; eventlist?: boolean }): Result<number, UaError> {
    const parts = parseSipUri(target);
    if (parts === null) return Err(uaError('local', 'bad-uri', `not a sip: URI: ${target}`));
    const pkg = this.registry.find(event);
    if (pkg === undefined) return Err(uaError('local', 'unknown-event', `no event package "${event}" is registered`));
    let free = -1;
    for (let i = 0; i < this.subscriptions.length; i++) if (this.subscriptions[i] === null) { free = i; break; }
    if (free < 0) return Err(uaError('capacity', 'subscriptions-full', `all ${this.subscriptions.length} subscription slots are in use`));
    // Subscriptions with the account's expires share one config object (the machine only reads it).
    const expires = opts?.expires ?? this.config.subscribeExpires;
    const machine = new SubscriptionMachine(expires === this.config.subscribeExpires ? (this.subscriptionConfig ??= this.machineConfig(expires)) : this.machineConfig(expires));
    const rec = new SubscriptionRecord(this.nextId++, target, parts, pkg.name, machine);
    rec.slot = free;
    rec.spec.method = 'SUBSCRIBE';
    rec.spec.methodId = M.SUBSCRIBE;
    rec.spec.event = pkg.name;
    rec.spec.accept = this.registry.acceptFor(pkg.name);
    // Partial PIDF only when the tracked presence state can apply diffs (presence-states.ts).
    if (pkg.name === 'presence' && this.presence !== null && this.presence.partialPidf) rec.spec.accept = PARTIAL_PIDF_ACCEPT + rec.spec.accept;
    if (opts?.eventlist === true) {
      rec.spec.supported = 'eventlist';
      rec.spec.accept = withListTypes(pkg.accept);
    }
    rec.spec.contact = true;
    this.subscriptions[free] = rec;
    this.subscriptionIds.set(rec.id, rec);
    this.knownPeers.add(rec.targetParts);
    this.callIds.set(free, rec.callId);
    machine.scheduleWith(this.schedule, free);
    machine.start(now);
    this.pump(now);
    return Ok(rec.id);
  }

  unsubscribe(id: number, now: number): Result<void, UaError> {
    const rec = this.subscriptionById(id);
    if (rec === null) return Err(uaError('local', 'unknown-subscription', `no subscription ${id}`));
    rec.closing = true;
    const s = rec.machine.state;
    if (s === 'idle' || s === 'terminated' || s === 'failed') this.freeSubscription(rec);
    else rec.machine.stop(now);
    this.pump(now);
    return Ok(undefined);
  }

  /**
   * Refreshes subscription `id` now rather than at its refresh deadline. Every SUBSCRIBE makes the
   * notifier send a NOTIFY with full state (RFC 6665 §4.2.2): what an application does after
   * editing a resource list on the server (the RLS need not send the list's new shape by itself)
   * or when it doubts the state it holds. Err when the subscription is not established or a
   * SUBSCRIBE of it is already in flight (its NOTIFY brings full state anyway).
   */
  refreshSubscription(id: number, now: number): Result<void, UaError> {
    const rec = this.subscriptionById(id);
    if (rec === null) return Err(uaError('local', 'unknown-subscription', `no subscription ${id}`));
    if (!this.refreshForFullState(rec, now)) return Err(uaError('local', 'not-refreshable', `subscription ${id} is ${rec.machine.state}${rec.machine.state === 'refreshing' ? '' : ' or has a SUBSCRIBE in flight'}`));
    this.pump(now);
    return Ok(undefined);
  }

  /**
   * A refresh that must bring full state: without the entity-tags we hold, so a notifier doing
   * conditional notification (RFC 5839 §5) cannot answer "nothing changed" and suppress the NOTIFY.
   */
  protected refreshForFullState(rec: SubscriptionRecord, now: number): boolean {
    if (!rec.machine.refreshNow(now)) return false;
    rec.etag = '';
    rec.forks.forEach((f) => { f.etag = ''; });
    return true;
  }

  /**
   * Publishes our state for an event package (RFC 3903; default `presence`, also e.g. `dialog`
   * with a dialog-info document, `message-summary`). Each package is its own publication with its
   * own entity-tag (§4); at most MAX_PUBLICATIONS packages. Outcomes arrive as `publication` /
   * `publish-outcome` events carrying the package name.
   */
  publish(body: Uint8Array, contentType: string, now: number, opts?: { event?: string }): Result<void, UaError> {
    // RFC 3903 needs a presence server (an event state compositor); peer-to-peer phones have none
    // (RFC 3856 §5 would make us the notifier, which this UA is not yet).
    if (this.proxyEndpoint === null) return Err(uaError('local', 'no-presence-server', 'PUBLISH needs a registrar or outbound proxy (a presence server)'));
    const pkg = this.registry.find(opts?.event ?? 'presence');
    if (pkg === undefined) return Err(uaError('local', 'unknown-event', `no event package "${opts?.event ?? ''}" is registered`));
    let slot = this.publicationSlot(pkg.name);
    if (slot < 0) {
      for (let i = 0; i < MAX_PUBLICATIONS; i++) if (this.publications[i] === null) { slot = i; break; }
      if (slot < 0) return Err(uaError('capacity', 'publications-full', `already publishing ${MAX_PUBLICATIONS} event packages`));
      this.publications[slot] = new Publication({ expires: this.config.publishExpires, backoffBaseS: this.config.backoff.baseS, backoffMaxS: this.config.backoff.maxS, random: this.config.random });
      this.publicationEvents[slot] = pkg.name;
    }
    this.publications[slot]!.set(now, body, contentType);
    this.pump(now);
    return Ok(undefined);
  }

  /** Removes the publication of one package (default `presence`): PUBLISH with Expires 0 (RFC 3903 §4.5). */
  unpublish(now: number, event = 'presence'): Result<void, UaError> {
    const slot = this.publicationSlot(event.toLowerCase());
    if (slot < 0) return Err(uaError('local', 'not-published', `nothing was published for "${event}"`));
    this.publications[slot]!.remove(now);
    this.pump(now);
    return Ok(undefined);
  }

  private publicationSlot(event: string): number {
    for (let i = 0; i < MAX_PUBLICATIONS; i++) if (this.publications[i] !== null && this.publicationEvents[i] === event) return i;
    return -1;
  }

  /** Page-mode MESSAGE (RFC 3428). Ends in exactly one `message-status` event for the returned id. */
  sendMessage(target: string, contentType: string, body: Uint8Array, now: number): Result<number, UaError> {
    const parts = parseSipUri(target);
    if (parts === null) return Err(uaError('local', 'bad-uri', `not a sip: URI: ${target}`));
    const spec = this.outOfDialogSpec('MESSAGE', M.MESSAGE, target, parts);
    spec.contentType = contentType;
    spec.body = body;
    // §18.1.1 size rule: over MTU-200 on UDP needs a congestion-controlled transport: the
    // MESSAGE goes over TCP to the same address and port (the host opens the flow; the Via says
    // TCP), unless the account turned that off — then it is refused rather than fragmented.
    // Measured without credentials (writing them would use up a nonce count); room is left for
    // one Authorization header per cached realm and for the Via/Record-Route a proxy adds.
    const measure = this.measureBuffer ??= new Uint8Array(this.config.capacities.requestBufferBytes);
    const n = this.requestWriter.write(measure, 0, measure.length, spec, null);
    const authRoom = this.requestAuth !== null ? this.requestAuth.activeRealms * AUTHORIZATION_ROOM : 0;
    const verdict = n > 0 ? sizeRule(n + authRoom + PROXY_ROOM, spec.destination.transport, this.config.largeRequestsOverTcp, this.config.pathMtu) : 'too-big';
    if (verdict === 'too-big') {
      return Err(uaError('local', 'too-big', `a ${body.length}-byte MESSAGE does not fit a UDP datagram under the path MTU (RFC 3261 §18.1.1): largeRequestsOverTcp needs the stream module`));
    }
    if (verdict === 'switch-to-stream') spec.destination = { transport: 'tcp', address: spec.destination.address, port: spec.destination.port };
    const id = this.nextId++;
    const r = this.sendNew(spec, 'message', id, now);
    if (r !== null) return Err(r);
    this.pump(now);
    return Ok(id);
  }


  /**
   * The application's answer to an incoming MESSAGE (any status 200-699). `accept`: the body types
   * it takes, sent as Accept — a 415 SHOULD carry it (RFC 3261 §21.4.13; without it a 415 gets our
   * default Accept). `retryAfter` (seconds): Retry-After on a 480/486/503/600/603 (§20.33).
   */
  respondToMessage(id: number, status: number, now: number, opts?: { accept?: string; retryAfter?: number }): Result<void, UaError> {
    if (!(status >= 200 && status <= 699) || Math.floor(status) !== status) return Err(uaError('local', 'bad-status', `status ${status} is not a final response code`));
    const retryAfter = opts?.retryAfter ?? -1;
    if (retryAfter !== -1 && !(RETRY_AFTER_STATUSES.includes(status) && Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 0xffffffff)) {
      return Err(uaError('local', 'bad-retry-after', `Retry-After ${retryAfter} is not allowed on a ${status} (only on ${RETRY_AFTER_STATUSES.join(', ')}; whole seconds)`));
    }
    const accept = opts?.accept ?? (status === 415 ? ACCEPT_VALUE : '');
    if (/[\r\n]/.test(accept)) return Err(uaError('local', 'bad-accept', 'Accept must be one header line'));
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.id === id) {
        this.answerPending(p, status, now, retryAfter, accept);
        this.pump(now);
        return Ok(undefined);
      }
    }
    return Err(uaError('local', 'unknown-message', `message ${id} is not waiting for an answer (answered at its deadline?)`));
  }

  /** Unsubscribe all, unpublish, unregister, end every watcher's subscription. */
  shutdown(now: number): Result<void, UaError> {
    this.notifierNow = now;
    this.notifier?.terminateAll(now);
    for (let i = 0; i < this.subscriptions.length; i++) {
      const s = this.subscriptions[i];
      if (s) this.unsubscribe(s.id, now);
    }
    for (let i = 0; i < MAX_PUBLICATIONS; i++) {
      const pub = this.publications[i];
      if (pub && pub.etag !== '') pub.remove(now);
    }
    if (this.registration !== null) this.registration.stop(now);
    this.keepalive?.stop();
    this.pump(now);
    return Ok(undefined);
  }

  // =====================================================================================
  // Incoming messages
  // =====================================================================================

  private handleMessage(buf: Uint8Array, off: number, len: number, from: Endpoint, reliable: boolean, now: number): void {
    const view = this.view;
    this.viewBuf = buf;
    this.viewOff = off;
    if (this.keyReader.read(view, this.key) !== KEY_OK) {
      this.drop(now, 'malformed', `message without usable Via/CSeq from ${from.address}:${from.port}`);
      return;
    }
    if (!view.isRequest) {
      this.clients.handleResponse(this.key, buf, off, len, now);
      this.drainEngine(now);
      return;
    }
    // §18.2.2 / RFC 3581 §4: the responses' destination, fixed now from the top Via.
    const kr = this.keyReader;
    // The key reader has just decoded that Via (KEY_OK): its fields are reused, not decoded again.
    this.requestSentBy = reliable ? topViaPort(view, kr.topViaOff, kr.topViaLen, kr.topVia) : -1;
    const src = this.endpoints.acquire(responseEndpoint(view, kr.topViaOff, kr.topViaLen, from, reliable, kr.topVia));
    if (src < 0) {
      this.drop(now, 'endpoint-table-full', `no room to remember ${from.address}:${from.port}; raise capacities.maxEndpoints`);
      return;
    }
    const d = this.servers.handleRequest(this.key, buf, off, len, src, reliable, now);
    if (d === DISPOSITION_OVERLOADED) {
      this.endpoints.release(src);
      this.drop(now, 'transactions-full', 'no free transaction slot for an incoming request (the peer will retransmit)');
      return;
    }
    this.drainEngine(now, src, from);
  }

  private drainEngine(now: number, newSource = -1, from: Endpoint | null = null): void {
    const ev = this.txEvent;
    while (this.clients.pollEvent(ev)) {
      switch (ev.kind) {
        case EVENT_RESPONSE: {
          const rec = this.recordOf(ev.txId);
          // Provisional and retransmitted 2xx responses to a chat's INVITE (ACKed end to end, §13.2.2.4).
          if (rec !== null && rec.owner === 'chat' && (ev.statusCode < 200 || rec.done)) {
            if (this.chats !== null && this.ensureView(ev.bytes, ev.off, ev.len)) this.chats.onResponse(rec.ownerId, rec.spec.methodId, ev.statusCode, this.view, now);
            break;
          }
          if (rec !== null && !rec.done && ev.statusCode >= 200 && this.ensureView(ev.bytes, ev.off, ev.len)) {
            this.releaseRequestSlot(rec);
            this.onFinalResponse(rec, ev.statusCode, now);
            this.flushQueue(now);
          }
          break;
        }
        case EVENT_TIMEOUT:
        case EVENT_TRANSPORT_ERROR: {
          const rec = this.recordOf(ev.txId);
          if (rec !== null && !rec.done) {
            rec.done = true;
            this.releaseRequestSlot(rec);
            // Timer F (§17.1.2.2) at a named destination: the next target first (failover.ts).
            if (ev.kind !== EVENT_TIMEOUT || !this.failOver(rec, 408, -1, now)) this.onFailure(rec, ev.kind === EVENT_TIMEOUT ? 408 : 503, now);
            this.flushQueue(now);
          }
          break;
        }
        case EVENT_TERMINATED:
          this.clientTerminated(ev.txId, now);
          break;
        default:
          break;
      }
    }
    let sourceUsed = false;
    while (this.servers.pollEvent(ev)) {
      switch (ev.kind) {
        case EVENT_REQUEST: {
          const idx = ev.txId % this.txCapacity;
          this.serverTxId[idx] = ev.txId;
          this.serverDest[idx] = newSource;
          this.serverSentBy[idx] = this.requestSentBy;
          this.serverResponseSlot[idx] = -1;
          sourceUsed = true;
          if (this.ensureView(ev.bytes, ev.off, ev.len)) this.onRequest(ev.txId, from!, now);
          break;
        }
        case EVENT_TERMINATED:
          this.serverTerminated(ev.txId);
          break;
        case EVENT_ACK:
          // The ACK for a chat's 2xx (§13.3.1.4); other stray ACKs change nothing.
          if (this.chats !== null && this.chats.isEnabled && this.ensureView(ev.bytes, ev.off, ev.len)) this.chats.onAck(this.view, now);
          break;
        default:
          break; // Trying timers: INVITEs are answered at once (180 or a final)
      }
    }
    if (newSource >= 0 && !sourceUsed) this.endpoints.release(newSource);
  }

  private ensureView(bytes: Uint8Array, off: number, len: number): boolean {
    if (bytes === this.viewBuf && off === this.viewOff) return true;
    this.viewBuf = bytes;
    this.viewOff = off;
    return parse(bytes, off, len, this.view, DATAGRAM) > 0;
  }

  private onRequest(txId: number, from: Endpoint, now: number): void {
    const view = this.view;
    if (!this.echo.capture(view)) {
      // §8.2.6.2 needs Via, From, To, Call-ID and CSeq to answer at all; without them (or with
      // more than the echo holds) there is no response we could write.
      this.drop(now, 'unanswerable-request', 'request without the headers a response must echo, or with too many of them');
      this.servers.handleTransportError(txId, now);
      return;
    }
    if (this.chats !== null && this.chats.handles(view.methodId)) {
      const m = view.methodId;
      if (m === M.INVITE) this.chats.onInvite(txId, view, this.echo, from, this.keyReader.cseqNumber, now);
      else if (m === M.BYE) this.chats.onBye(txId, view, this.echo, this.keyReader.cseqNumber, now);
      else this.chats.onCancel(txId, this.echo, now);
      return;
    }
    switch (routeOfMethod(view.methodId)) {
      case ROUTE_OPTIONS:
        this.respond(txId, 200, this.echo, WITH_ALLOW | WITH_ACCEPT | WITH_ALLOW_EVENTS, now);
        return;
      case ROUTE_MESSAGE:
        this.onMessage(txId, from, now);
        return;
      case ROUTE_NOTIFY:
        this.onNotify(txId, now);
        return;
      case ROUTE_SUBSCRIBE: {
        const pkg = this.notifier === null ? -1 : matchEventPackage(view, this.notifier.names);
        if (pkg < 0 || this.notifier === null) { this.respond(txId, 489, this.echo, WITH_ALLOW_EVENTS, now); return; }
        this.notifierTxId = txId;
        this.notifierNow = now;
        this.notifier.onSubscribe(view, pkg, this.keyReader.cseqNumber, from, now);
        return;
      }
      case ROUTE_NOT_ALLOWED:
        this.respond(txId, 405, this.echo, WITH_ALLOW, now);
        return;
      case ROUTE_NO_SUCH_DIALOG:
        this.respond(txId, 481, this.echo, 0, now);
        return;
      case ROUTE_IGNORE:
        return;
      default:
        this.respond(txId, 501, this.echo, WITH_ALLOW, now);
    }
  }

  private onMessage(txId: number, from: Endpoint, now: number): void {
    const view = this.view;
    const fromUri = readAddressUri(view, H.FROM);
    if (this.config.inboundMessagePolicy === 'known-peers' && !this.isKnownPeer(from, fromUri)) {
      // RFC 3428 §11: a phone that shows anything anyone sends is a spam and phishing display.
      this.respond(txId, 403, this.echo, 0, now);
      this.warn(now, 'message-refused', `MESSAGE from ${fromUri} via ${from.address}:${from.port} refused by the known-peers policy`);
      return;
    }
    let slot: PendingMessage | null = null;
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i]!.id < 0) { slot = this.pending[i]!; break; }
    if (slot === null) {
      this.respond(txId, 503, this.echo, 0, now);
      this.warn(now, 'message-backlog', `MESSAGE from ${fromUri} refused with 503: ${this.pending.length} messages already wait for the application's answer`);
      return;
    }
    if (!slot.echo.capture(view)) {
      this.respond(txId, 500, this.echo, 0, now);
      return;
    }
    slot.id = this.nextId++;
    slot.txId = txId;
    slot.deadline = now + this.config.messageResponseDeadlineMs;
    this.events.push({
      kind: 'message', id: slot.id, from: fromUri, to: readAddressUri(view, H.TO), contentType: readContentType(view),
      body: copyBody(view), receivedAt: now,
    });
  }

  protected isKnownPeer(from: Endpoint, fromUri: string): boolean {
    // Over UDP a proxy sends from its listening port; over TCP/TLS it connects to us from an
    // ephemeral one, so only the address can identify it there.
    const proxy = this.proxyEndpoint;
    if (proxy !== null && from.address === proxy.address && (from.port === proxy.port || isReliable(from.transport))) return true;
    // Without subscriptions nobody else is known: no need to parse the sender's URI.
    if (this.knownPeers.isEmpty) return false;
    const parts = parseSipUri(fromUri);
    // One of our subscriptions' targets, by sameAddressOfRecord's key: one lookup, not a scan.
    return parts !== null && this.knownPeers.has(parts);
  }

  private answerPending(p: PendingMessage, status: number, now: number, retryAfter = -1, accept = ''): void {
    const txId = p.txId;
    p.id = -1;
    p.txId = -1;
    p.deadline = NO_DEADLINE;
    this.respond(txId, status, p.echo, 0, now, -1, retryAfter, accept);
  }

  /** RFC 6665 §4.1.3 / §4.1.2.4 (NOTIFY before the 2xx) / RFC 3842 (unsolicited message-summary). */
  private onNotify(txId: number, now: number): void {
    const view = this.view;
    const pkg = matchEventPackage(view, this.packageNames);
    if (pkg < 0) {
      this.respond(txId, 489, this.echo, WITH_ALLOW_EVENTS, now);
      return;
    }
    const event = this.packageNames[pkg]!;
    const toTagOff = readTag(view, H.TO);
    const toTagLen = tagLength;
    const callIdAt = view.find(H.CALL_ID);
    const callIdOff = callIdAt >= 0 ? view.valueOff[callIdAt]! : -1;
    const callIdLen = callIdAt >= 0 ? view.valueLen[callIdAt]! : 0;
    let rec: SubscriptionRecord | null = null;
    if (toTagOff >= 0 && callIdOff >= 0) {
      const index = this.callIds;
      for (let i = index.first(view.buf, callIdOff, callIdLen); i >= 0; i = index.nextCandidate(i)) {
        const s = this.subscriptions[i];
        if (s && s.event === event && spanEquals(view.buf, callIdOff, callIdLen, s.callId) && spanEquals(view.buf, toTagOff, toTagLen, s.localTag)) { rec = s; break; }
      }
    }
    if (rec === null) {
      if (event === 'message-summary' && toTagOff < 0) {
        // Unsolicited MWI (RFC 3842 §3, what Asterisk and many PBXs send): accept, never 405/489.
        this.respond(txId, 200, this.echo, 0, now);
        this.events.push({ kind: 'notify', subscriptionId: null, event, contentType: readContentType(view), body: copyBody(view), state: 'active', at: now });
        return;
      }
      this.respond(txId, 481, this.echo, 0, now);
      return;
    }
    if (!readSubscriptionState(view, this.subState)) {
      this.respond(txId, 400, this.echo, 0, now);
      return;
    }
    const fromTagOff = readTag(view, H.FROM);
    const fromTagLen = tagLength;
    if (rec.dialog === null) {
      // §4.1.2.4: the NOTIFY came before the 2xx and creates the dialog: route set = its
      // Record-Route in order, remote target = its Contact.
      const remoteTag = fromTagOff >= 0 ? decodeText(view.buf, fromTagOff, fromTagLen) : '';
      const local: LocalParty = { callId: rec.callId, localTag: rec.localTag, localUri: this.config.aor, remoteUri: rec.target };
      const dialog = new Dialog(true, local, { remoteTag, contactUri: readContactUri(view), recordRoutes: readRecordRoutes(view), secure: false }, readRecordRoutes(view), rec.spec.cseq, -1, 'confirmed');
      if (!this.dialogs.add(dialog)) {
        this.respond(txId, 500, this.echo, 0, now);
        this.warn(now, 'dialogs-full', `no room for the dialog of subscription ${rec.id}; raise capacities.maxDialogs`);
        return;
      }
      rec.dialog = dialog;
    } else if (!spanEquals(view.buf, fromTagOff, fromTagLen, rec.dialog.remoteTag)) {
      // Another notifier answered a forked SUBSCRIBE (§4.1.2.4): its own dialog (subscription-forks.ts).
      this.onForkNotify(rec, event, txId, fromTagOff, fromTagLen, now);
      return;
    }
    const cseq = this.keyReader.cseqNumber;
    if (!rec.dialog.acceptRemoteSeq(cseq)) {
      this.respond(txId, 500, this.echo, 0, now);
      return;
    }
    // §12.2: a NOTIFY is a target refresh; the same Contact again (the usual case) makes no string.
    if (!contactUriIs(view, rec.dialog.remoteTarget)) {
      const contact = readContactUri(view);
      if (contact !== '') rec.dialog.refreshTarget(contact);
    }
    const st = this.subState;
    const status = rec.machine.onNotify(now, st);
    this.respond(txId, status, this.echo, 0, now);
    // The state edge first (the app sees "active" before the content that came with it).
    let e;
    while ((e = rec.machine.pollEvent()) !== undefined) this.onSubscriptionEvent(rec, e);
    if (status === 200) {
      const etag = readSipETag(view);
      if (etag !== '') rec.etag = etag;
      // With trackPresence a PIDF becomes state (and at most a preallocated `presence` event), not a
      // body copy. Not the last NOTIFY of a subscription: it stays Unknown (the body still goes out as `notify`).
      if (this.presence === null || event !== 'presence' || st.state === 'terminated' || rec.spec.supported === 'eventlist' || !this.presenceNotify(rec, now)) {
        this.events.push({ kind: 'notify', subscriptionId: rec.id, event, contentType: readContentType(view), body: copyBody(view), state: st.state, at: now, fork: 0 });
      }
      if (this.lists !== null && rec.spec.supported === 'eventlist') this.lists.onNotify(rec.id, rec.callId, event, view, now);
    }
  }

  /**
   * The PIDF of a presence NOTIFY into the tracked state (trackPresence) as the contribution of
   * dialog `fork` (0: the first; a fork's own index otherwise, RFC 6665 §4.1.2.4); the state shown
   * composes all of them (presence-states.ts). False: deliver it as a `notify` event instead.
   */
  private presenceNotify(rec: SubscriptionRecord, now: number, fork = 0): boolean {
    const view = this.view;
    const at = view.find(H.CONTENT_TYPE);
    const typeOff = at >= 0 ? view.valueOff[at]! : -1;
    const typeEnd = at >= 0 ? typeOff + view.valueLen[at]! : -1;
    const r = this.presence!.apply(rec.id, view.buf, typeOff, typeEnd, view.buf, view.bodyOff, view.bodyOff + view.bodyLen, now, fork);
    if (r === PRESENCE_WRONG_TYPE || r === PRESENCE_NO_ROOM) return false;
    if (r === PRESENCE_CHANGED) this.queuePresence(rec);
    else if (r === PRESENCE_BAD_BODY) this.warn(now, 'bad-presence-document', `unreadable PIDF in a NOTIFY of subscription ${rec.id}${fork > 0 ? ` (fork ${fork})` : ''} (error ${this.presence!.lastBodyError}); its state is unchanged`);
    else if (r === PRESENCE_NEED_FULL_STATE) {
      // RFC 5263: a diff we cannot apply (version gap, failed patch): the refresh's NOTIFY brings full state.
      // A SUBSCRIBE already in flight brings it anyway (refreshForFullState is then false).
      this.warn(now, 'presence-partial-gap', `partial PIDF of subscription ${rec.id}${fork > 0 ? ` (fork ${fork})` : ''} not applied (error ${this.presence!.lastPartialError}): refreshing for full state (RFC 5263)`);
      this.refreshForFullState(rec, now);
    } else if (r === PRESENCE_TOO_LARGE) this.warn(now, 'presence-partial-too-large', `partial PIDF of subscription ${rec.id} outgrew the kept document; raise partialDocumentBytes`);
    return true;
  }

  /** A fork of `rec` ended: with trackPresence its PIDF no longer counts in the state shown. */
  private forkGone(rec: SubscriptionRecord, f: ForkDialog, now: number): void {
    rec.forks.remove(f);
    if (this.presence !== null && this.presence.forgetFork(rec.id, f.index, now)) this.queuePresence(rec);
  }

  /** One `presence` event per subscription waits in the queue at most; later changes are read from the state when it is polled. */
  private queuePresence(rec: SubscriptionRecord): void {
    if (rec.presenceQueued) return;
    rec.presenceQueued = true;
    this.events.push(rec.presenceEvent ??= { kind: 'presence', subscriptionId: rec.id, target: rec.target });
  }

  /** A NOTIFY from a second (third, …) notifier of a forked SUBSCRIBE (RFC 6665 §4.1.2.4). */
  private onForkNotify(rec: SubscriptionRecord, event: string, txId: number, tagOff: number, tagLen: number, now: number): void {
    const view = this.view;
    const st = this.subState;
    const live = rec.machine.state !== 'terminated' && rec.machine.state !== 'failed' && rec.machine.state !== 'unsubscribing' && rec.machine.state !== 'backing-off';
    let f = rec.forks.find(view.buf, tagOff, tagLen);
    if (f === null) {
      if (!live || st.state === 'terminated' || tagOff < 0) { this.respond(txId, 481, this.echo, 0, now); return; }
      const local: LocalParty = { callId: rec.callId, localTag: rec.localTag, localUri: this.config.aor, remoteUri: rec.target };
      f = rec.forks.add(local, decodeText(view.buf, tagOff, tagLen), readContactUri(view), readRecordRoutes(view), rec.spec.cseq);
      if (f === null) {
        this.respond(txId, 481, this.echo, 0, now);
        this.warn(now, 'forks-full', `subscription ${rec.id} already holds ${rec.forks.size + 1} forked dialogs; another notifier's NOTIFY refused`);
        return;
      }
    }
    if (!f.dialog.acceptRemoteSeq(this.keyReader.cseqNumber)) { this.respond(txId, 500, this.echo, 0, now); return; }
    // §12.2: a target refresh; the same Contact again (the usual case) makes no string.
    if (!contactUriIs(view, f.dialog.remoteTarget)) f.dialog.refreshTarget(readContactUri(view));
    this.respond(txId, 200, this.echo, 0, now);
    if (st.state === 'terminated') this.forkGone(rec, f, now);
    else if (st.expires >= 0) f.validUntil = now + st.expires * 1000;
    const etag = readSipETag(view);
    if (etag !== '') f.etag = etag;
    // With trackPresence each fork's PIDF is one more source of the subscription's state, as the first dialog's is (onNotify).
    if (this.presence !== null && event === 'presence' && st.state !== 'terminated' && rec.spec.supported !== 'eventlist' && this.presenceNotify(rec, now, f.index)) return;
    this.events.push({ kind: 'notify', subscriptionId: rec.id, event, contentType: readContentType(view), body: copyBody(view), state: st.state, at: now, fork: f.index });
  }

  protected respond(txId: number, status: number, echo: RequestEcho, extras: number, now: number, expires = -1, retryAfter = -1, accept = ''): void {
    const slot = this.responsePool.acquire();
    if (slot < 0) {
      // Without a buffer the transaction would wait forever; end it (the peer retransmits later).
      this.drop(now, 'response-buffers-full', `no response buffer for a ${status}; raise capacities.responseBuffers`);
      this.servers.handleTransportError(txId, now);
      return;
    }
    const pool = this.responsePool;
    const off = pool.offsetOf(slot);
    const n = this.responseWriter.write(pool.storage, off, pool.slotBytes, status, reasonPhrase(status), echo, extras, expires, retryAfter, accept);
    if (n <= 0) {
      pool.release(slot);
      this.drop(now, 'response-too-large', `could not write a ${status} response (writer code ${n})`);
      this.servers.handleTransportError(txId, now);
      return;
    }
    const idx = txId % this.txCapacity;
    const mine = this.serverTxId[idx] === txId;
    // A second response of one transaction (a chat INVITE's 180, then 486/480/487) replaces the
    // first in the engine, which never sends the replaced one again (§17.2.1): its buffer
    // returns now. Before, only the last response's slot was recorded and the 180's was lost
    // for good: every refused, unanswered or cancelled chat took a response buffer, until none
    // were left and every request was dropped (found by test/soak/).
    const previous = mine ? this.serverResponseSlot[idx]! : -1;
    if (mine) this.serverResponseSlot[idx] = slot;
    if (this.servers.respond(txId, status, pool.storage, off, n, now) !== 0) {
      pool.release(slot);
      if (mine) this.serverResponseSlot[idx] = previous;
    } else if (previous >= 0) {
      pool.hold(previous);
    }
  }

  // =====================================================================================
  // Client transactions: sending, responses, failures
  // =====================================================================================

  protected outOfDialogSpec(method: string, methodId: number, target: string, parts: SipUriParts): RequestSpec {
    const spec = new RequestSpec();
    spec.method = method;
    spec.methodId = methodId;
    spec.requestUri = bareUri(target);
    spec.to = `<${bareUri(target)}>`;
    spec.fromTag = randomHex(this.config.random, 16);
    spec.callId = `${randomHex(this.config.random, 24)}@${this.config.localAddress}`;
    spec.cseq = 1;
    spec.destination = this.outOfDialogEndpoint(parts);
    return spec;
  }

  /** Out-of-dialog requests go to the outbound proxy (default: the registrar), else straight to the target (peer-to-peer). */
  protected outOfDialogEndpoint(parts: SipUriParts): Endpoint {
    return this.proxyEndpoint ?? endpointOf(parts, this.config.transport);
  }

  /** Sends a request now, or queues it when every request buffer is busy. Returns null or why it cannot go. */
  protected sendNew(spec: RequestSpec, owner: Owner, ownerId: number, now: number): UaError | null {
    return this.send(spec, owner, ownerId, 0, now);
  }

  private send(spec: RequestSpec, owner: Owner, ownerId: number, authTries: number, now: number, failover: FailoverMark = NO_FAILOVER): UaError | null {
    const slot = this.requestPool.acquire();
    if (slot < 0) {
      if (this.queue.length >= this.config.capacities.maxQueuedRequests) {
        return uaError('capacity', 'request-queue-full', `${this.queue.length} requests already wait for a request buffer`);
      }
      this.queue.push({ spec, owner, ownerId, authTries, failover });
      return null;
    }
    return this.sendInSlot(slot, spec, owner, ownerId, authTries, now, failover);
  }

  private sendInSlot(slot: number, spec: RequestSpec, owner: Owner, ownerId: number, authTries: number, now: number, failover: FailoverMark = NO_FAILOVER): UaError | null {
    const pool = this.requestPool;
    if (this.streams === null && isStream(spec.destination.transport)) {
      pool.release(slot);
      return uaError('local', 'no-stream-module', `a ${spec.method} to ${spec.destination.transport}:${spec.destination.address}:${spec.destination.port} needs the stream module (UaModules.streams)`);
    }
    const destId = this.endpoints.acquire(spec.destination);
    if (destId < 0) {
      pool.release(slot);
      return uaError('capacity', 'endpoint-table-full', 'too many distinct destinations; raise capacities.maxEndpoints');
    }
    const auth = owner === 'register' ? this.registrarAuth : this.requestAuth;
    if (auth !== null && authTries === 0) auth.beginRequest();
    const authSent = auth === null ? SENT_FRESH : authTries > 0 ? SENT_ANSWERED : auth.activeRealms > 0 ? SENT_PREEMPTIVE : SENT_FRESH;
    const off = pool.offsetOf(slot);
    const n = this.requestWriter.write(pool.storage, off, pool.slotBytes, spec, auth);
    if (n <= 0) {
      pool.release(slot);
      this.endpoints.release(destId);
      return uaError('local', 'request-too-large', `could not write the ${spec.method} (code ${n}); raise capacities.requestBufferBytes`);
    }
    const out = this.outgoingRequest;
    out.methodId = spec.methodId;
    out.branchBuf = this.requestWriter.branch;
    out.branchOff = 0;
    out.branchLen = this.requestWriter.branch.length;
    out.bytes = pool.storage;
    out.off = off;
    out.len = n;
    out.destination = destId;
    out.reliable = isReliable(spec.destination.transport);
    const txId = this.clients.startClient(out, now);
    if (txId < 0) {
      pool.release(slot);
      this.endpoints.release(destId);
      return uaError('capacity', 'transactions-full', `no free transaction slot (engine code ${txId})`);
    }
    // The engine frees a slot when its transaction ends and reports EVENT_TERMINATED after the
    // TIMEOUT / TRANSPORT_ERROR (or final response, on a stream) queued before it: a request sent
    // from that handler (RFC 3263 failover after Timer F, failover.ts) can take the same slot, and
    // the TERMINATED then finds this new record and returned early, keeping the old one's
    // endpoint reference for ever (the flow soak saw endpointsInUse grow by one per failover).
    // The old record is finished here instead, as clientTerminated would have.
    const stale = this.clientRecords[txId % this.txCapacity];
    if (stale !== null && stale !== undefined && stale.txId !== txId && stale.txId >= 0) this.retireStaleRecord(stale, now);
    const rec = this.spareRecords.pop() ?? new ClientRecord();
    rec.txId = txId;
    rec.owner = owner;
    rec.ownerId = ownerId;
    rec.spec = spec;
    rec.slot = slot;
    rec.destId = destId;
    rec.authTries = authTries;
    rec.authSent = authSent;
    rec.authWrittenAt = auth === null ? 0 : auth.nonceClock;
    rec.done = false;
    rec.failover = failover;
    this.clientRecords[txId % this.txCapacity] = rec;
    return null;
  }

  /** A machine's request could not even be sent: it learns it as a transport error (so it backs off), and the app as a warning. */
  private sendForMachine(spec: RequestSpec, owner: Owner, ownerId: number, now: number): void {
    const err = this.sendNew(spec, owner, ownerId, now);
    if (err === null) return;
    this.warn(now, err.code, `${spec.method} not sent: ${err.message}`);
    this.failOwner(owner, ownerId, 503, now);
  }

  private recordOf(txId: number): ClientRecord | null {
    const r = this.clientRecords[txId % this.txCapacity];
    return r !== null && r !== undefined && r.txId === txId ? r : null;
  }

  private clientTerminated(txId: number, now: number): void {
    const idx = txId % this.txCapacity;
    const rec = this.clientRecords[idx];
    if (rec === null || rec === undefined || rec.txId !== txId) return;
    this.clientRecords[idx] = null;
    this.releaseRequestSlot(rec, true);
    this.endpoints.release(rec.destId);
    if (!rec.done) { rec.done = true; this.onFailure(rec, 408, now); }
    rec.spec = EMPTY_SPEC;
    rec.txId = -1;
    this.spareRecords.push(rec);
    this.flushQueue(now);
  }

  /**
   * clientTerminated for a record whose engine slot was reused before its TERMINATED was polled
   * (sendInSlot). Not recycled into spareRecords: the handler that is sending (failOver) may
   * still read the old record after this send returns.
   */
  private retireStaleRecord(rec: ClientRecord, now: number): void {
    this.clientRecords[rec.txId % this.txCapacity] = null;
    this.releaseRequestSlot(rec, true);
    this.endpoints.release(rec.destId);
    rec.destId = -1;
    if (!rec.done) { rec.done = true; this.onFailure(rec, 408, now); }
  }

  private serverTerminated(txId: number): void {
    const idx = txId % this.txCapacity;
    if (this.serverTxId[idx] !== txId) return;
    this.serverTxId[idx] = -1;
    // Its last response may not be sent yet (the host polls after the input): held, not freed.
    this.responsePool.hold(this.serverResponseSlot[idx]!);
    this.serverResponseSlot[idx] = -1;
    this.endpoints.release(this.serverDest[idx]!);
    this.serverDest[idx] = -1;
    // A MESSAGE whose transaction died before the app answered: nothing left to answer.
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.txId === txId) { p.id = -1; p.txId = -1; p.deadline = NO_DEADLINE; }
    }
  }

  /**
   * A non-INVITE client transaction never sends its request again once a final response (or a
   * timeout / transport error) ended its Trying/Proceeding states (§17.1.2.2: Completed only
   * absorbs retransmitted responses), so its buffer returns now rather than T4 later at
   * EVENT_TERMINATED. An INVITE (a chat's, invite-sessions.ts) keeps its buffer until then: the
   * ACK for a non-2xx is built from it (§17.1.1.3). `terminated`: the transaction is over, every
   * buffer returns — before, an INVITE's never did, and each chat took one of the phone's
   * request buffers for good: after 16 chats nothing could be sent (found by test/soak/).
   */
  private releaseRequestSlot(rec: ClientRecord, terminated = false): void {
    if (rec.slot < 0 || (rec.spec.methodId === M.INVITE && !terminated)) return;
    this.requestPool.release(rec.slot);
    rec.slot = -1;
  }

  /** Queued requests go out as buffers free up: this also staggers a burst of SUBSCRIBEs. */
  private flushQueue(now: number): void {
    while (this.queue.length > 0) {
      const slot = this.requestPool.acquire();
      if (slot < 0) return;
      const q = this.queue.shift()!;
      const err = this.sendInSlot(slot, q.spec, q.owner, q.ownerId, q.authTries, now, q.failover);
      if (err !== null) {
        this.warn(now, err.code, `${q.spec.method} not sent: ${err.message}`);
        this.failOwner(q.owner, q.ownerId, 503, now);
      }
    }
  }

  private onFinalResponse(rec: ClientRecord, status: number, now: number): void {
    const view = this.view;
    rec.done = true;
    // RFC 3263 §4.3: a 503 from one target of a named destination sends the request to the next;
    // so does a 408 response (failover.ts says why).
    if (status === 503 && this.failOver(rec, 503, readRetryAfter(view), now)) return;
    if (status === 408 && this.failOver(rec, 408, -1, now)) return;
    if (status === 401 || status === 407) {
      const auth = rec.owner === 'register' ? this.registrarAuth : this.requestAuth;
      // One answer per challenge (a stale nonce may earn a second): DigestClient's retry policy decides.
      if (auth !== null) auth.restoreSentState(rec.authSent, rec.authWrittenAt);
      if (auth !== null && rec.authTries < 3 && auth.onResponse(view) === AUTH_RETRY) {
        const spec = rec.spec;
        spec.cseq = this.nextCSeqFor(rec);
        const err = this.send(spec, rec.owner, rec.ownerId, rec.authTries + 1, now, authRetryMark(rec.txId, rec.failover));
        if (err === null) return;
        this.warn(now, err.code, `${spec.method} retry with credentials not sent: ${err.message}`);
      } else if (auth !== null && auth.lastError === E_AUTH_UNSUPPORTED_ALGORITHM && !auth.computer.supports(ALG_SHA256)) {
        this.warn(now, 'digest-algorithm-unsupported', `${rec.spec.method} challenged (${status}) with no algorithm we answer (MD5; SHA-256 needs UaModules.sha256)`);
      }
    }
    switch (rec.owner) {
      case 'register': this.onRegisterResponse(status, now); return;
      case 'subscribe': this.onSubscribeResponse(rec, status, now); return;
      case 'publish':
        this.publications[rec.ownerId]?.onResponse(now, { status, etag: readSipETag(view), expires: readExpires(view), minExpires: readMinExpires(view), retryAfter: readRetryAfter(view) });
        return;
      case 'message':
        this.events.push({
          kind: 'message-status', id: rec.ownerId, outcome: status < 300 ? 'accepted' : 'refused', status,
          reason: status < 300 ? '' : view.reason(), at: now,
        });
        return;
      case 'options':
        this.events.push({ kind: 'options-status', id: rec.ownerId, status, allow: view.headerText(H.ALLOW) ?? '', at: now });
        return;
      case 'chat':
        this.chats?.onResponse(rec.ownerId, rec.spec.methodId, status, view, now);
        return;
      case 'notify':
        this.notifierNow = now;
        this.notifier?.onNotifyResponse(rec.ownerId, status, now);
        return;
      case 'subscribe-fork':
        this.onForkResponse(rec, status, now);
        return;
    }
  }

  private nextCSeqFor(rec: ClientRecord): number {
    if (rec.owner === 'subscribe') {
      const s = this.subscriptionById(rec.ownerId);
      if (s !== null && s.dialog !== null) return s.dialog.nextLocalSeq();
      // Before the dialog exists the subscription's own counter is the local CSeq (a NOTIFY that
      // creates the dialog later starts it from there).
      if (s !== null) return (s.spec.cseq = Math.max(s.spec.cseq, rec.spec.cseq) + 1);
    }
    if (rec.owner === 'register') return ++this.registerSpec.cseq;
    if (rec.owner === 'notify' && this.notifier !== null) { const n = this.notifier.nextCSeq(rec.ownerId); if (n >= 0) return n; }
    if (rec.owner === 'subscribe-fork') { const f = this.forkOf(rec); if (f !== null) return f.dialog.nextLocalSeq(); }
    return rec.spec.cseq + 1;
  }

  /**
   * RFC 3263 §4.3 (failover.ts): `rec` ended in a 503 or a timeout at a named destination; send
   * the same request as a new transaction (new branch, CSeq + 1 in the same Call-ID) marked as a
   * retry of `rec`, so the host sends it to the next target. False: not eligible (IP literal, in a
   * dialog, budget spent) or not sendable; the caller then hands the outcome to the owner as usual.
   */
  private failOver(rec: ClientRecord, status: number, retryAfter: number, now: number): boolean {
    const destination = this.endpoints.get(rec.destId);
    if (destination === null || !mayFailOver(rec.owner, rec.spec, destination, status, rec.failover.count)) return false;
    if (rec.owner === 'subscribe') {
      // A NOTIFY may have made the subscription's dialog already (RFC 6665 §4.1.2.4): it is bound
      // there. And a SUBSCRIBE of an older attempt (another Call-ID) is not worth reviving.
      const s = this.subscriptionById(rec.ownerId);
      if (s === null || s.dialog !== null || s.callId !== rec.spec.callId) return false;
    }
    const spec = rec.spec;
    spec.cseq = this.nextCSeqFor(rec);
    const mark: FailoverMark = { of: rec.txId, status, retryAfter, count: rec.failover.count + 1, sameTargetAs: -1 };
    // A fresh digest chain (authTries 0): the next server may challenge with its own nonce, which
    // the retry policy must treat as a first challenge, not as our password being rejected.
    const err = this.send(spec, rec.owner, rec.ownerId, 0, now, mark);
    if (err !== null) {
      this.warn(now, err.code, `${spec.method} not failed over to the next target: ${err.message}`);
      return false;
    }
    this.events.push({ kind: 'failover', method: spec.method, status, retryAfter, attempt: mark.count, at: now });
    return true;
  }

  /**
   * The host had no next target for failover attempt `rec`: its owner learns what ended the
   * attempt before it, as it would have without failover (a 503 with its Retry-After, or 408).
   */
  private failoverExhausted(rec: ClientRecord, now: number): void {
    const { status, retryAfter } = rec.failover;
    if (status !== 503) { this.onFailure(rec, status, now); return; }
    switch (rec.owner) {
      case 'register':
        this.registration?.onResponse(now, { status, grantedExpires: -1, minExpires: -1, retryAfter });
        return;
      case 'subscribe':
        this.subscriptionById(rec.ownerId)?.machine.onSubscribeResponse(now, { status, expires: -1, minExpires: -1, retryAfter });
        return;
      case 'publish':
        this.publications[rec.ownerId]?.onResponse(now, { status, etag: '', expires: -1, minExpires: -1, retryAfter });
        return;
      case 'message':
        this.events.push({ kind: 'message-status', id: rec.ownerId, outcome: 'refused', status, reason: reasonPhrase(status), at: now });
        return;
      case 'options':
        this.events.push({ kind: 'options-status', id: rec.ownerId, status, allow: '', at: now });
        return;
      default:
        this.onFailure(rec, status, now);
    }
  }

  private onFailure(rec: ClientRecord, status: number, now: number): void {
    if (rec.owner === 'chat') {
      this.chats?.onClientFailure(rec.ownerId, rec.spec.methodId, status, now);
      return;
    }
    if (rec.owner === 'message') {
      this.events.push({ kind: 'message-status', id: rec.ownerId, outcome: status === 408 ? 'timeout' : 'transport-failed', status, reason: status === 408 ? 'Request Timeout' : 'Transport Error', at: now });
      return;
    }
    if (rec.owner === 'options') {
      this.events.push({ kind: 'options-status', id: rec.ownerId, status, allow: '', at: now });
      return;
    }
    this.failOwner(rec.owner, rec.ownerId, status, now);
  }

  private failOwner(owner: Owner, ownerId: number, status: number, now: number): void {
    const timeout = status === 408;
    switch (owner) {
      case 'register':
        if (timeout) this.registration?.onTimeout(now); else this.registration?.onTransportError(now);
        return;
      case 'subscribe': {
        const s = this.subscriptionById(ownerId);
        if (s !== null) { if (timeout) s.machine.onTimeout(now); else s.machine.onTransportError(now); }
        return;
      }
      case 'publish': {
        const pub = this.publications[ownerId];
        if (pub) { if (timeout) pub.onTimeout(now); else pub.onTransportError(now); }
        return;
      }
      case 'message':
        this.events.push({ kind: 'message-status', id: ownerId, outcome: 'transport-failed', status, reason: 'not sent', at: now });
        return;
      case 'options':
        this.events.push({ kind: 'options-status', id: ownerId, status, allow: '', at: now });
        return;
      case 'chat':
        this.chats?.onClientFailure(ownerId, M.INVITE, status, now);
        return;
      case 'notify':
        this.notifierNow = now;
        this.notifier?.onNotifyResponse(ownerId, status, now);
        return;
      case 'subscribe-fork':
        return; // the fork's notifier ends it with a terminated NOTIFY or its expiry
    }
  }

  // ---- REGISTER (RFC 3261 §10.2) ----

  private onRegisterResponse(status: number, now: number): void {
    const reg = this.registration;
    if (reg === null) return;
    if ((status === 401 || status === 407) && this.registrarAuth !== null) {
      reg.onAuthFailed(now, status);
      return;
    }
    const view = this.view;
    reg.onResponse(now, {
      status,
      grantedExpires: status >= 200 && status < 300 ? this.grantedExpires() : -1,
      minExpires: readMinExpires(view),
      retryAfter: readRetryAfter(view),
    });
  }

  /** Our binding's expiry among the Contacts of a 2xx (by +sip.instance when we sent one, else by URI), or -1 when it is missing. */
  private grantedExpires(): number {
    const view = this.view;
    const c = contactValue;
    const headerExpires = readExpires(view);
    valueCursor.reset(view, H.CONTACT);
    while (valueCursor.next()) {
      if (decodeContact(view.buf, valueCursor.off, valueCursor.off + valueCursor.len, c) !== 0 || c.star) continue;
      let ours: boolean;
      if (this.config.instanceId !== '' && c.instanceOff >= 0) {
        ours = decodeText(view.buf, c.instanceOff, c.instanceLen).includes(this.config.instanceId);
      } else {
        const u = c.uri;
        const user = this.config.username !== '' ? this.config.username : this.aorParts.user;
        ours = spanEquals(view.buf, u.userOff, u.userLen, user)
          && decodeText(view.buf, u.hostOff, u.hostLen).toLowerCase() === this.config.localAddress.toLowerCase()
          && (u.port < 0 ? 5060 : u.port) === this.config.localPort;
      }
      if (ours) return c.expires >= 0 ? c.expires : headerExpires >= 0 ? headerExpires : this.registration!.requestedExpires;
    }
    return -1;
  }

  private sendRegister(expires: number, now: number): void {
    const s = this.registerSpec;
    s.cseq++;
    s.expires = expires;
    // A fresh request object per transaction: the previous one may still be referenced by a record awaiting its challenge.
    const spec = cloneSpec(s);
    this.sendForMachine(spec, 'register', 0, now);
  }

  // ---- SUBSCRIBE (RFC 6665 §4.1) ----

  protected subscriptionById(id: number): SubscriptionRecord | null {
    return this.subscriptionIds.get(id) ?? null;
  }

  private freeSubscription(rec: SubscriptionRecord): void {
    if (rec.dialog !== null) this.dialogs.remove(rec.dialog);
    rec.dialog = null;
    this.presence?.release(rec.id);
    const slot = rec.slot;
    if (slot < 0 || this.subscriptions[slot] !== rec) return;
    this.subscriptions[slot] = null;
    this.subscriptionIds.delete(rec.id);
    this.knownPeers.remove(rec.targetParts);
    this.callIds.remove(slot);
    rec.machine.scheduleWith(null, -1);
    this.schedule.forget(slot);
  }

  private sendSubscribe(rec: SubscriptionRecord, expires: number, fresh: boolean, now: number): void {
    const spec = rec.spec;
    if (fresh) {
      if (rec.dialog !== null) this.dialogs.remove(rec.dialog);
      rec.dialog = null;
      rec.callId = `${randomHex(this.config.random, 24)}@${this.config.localAddress}`;
      if (this.subscriptions[rec.slot] === rec) this.callIds.set(rec.slot, rec.callId);
      rec.localTag = randomHex(this.config.random, 16);
      spec.callId = rec.callId;
      spec.fromTag = rec.localTag;
      spec.cseq = 1;
      spec.requestUri = bareUri(rec.target);
      spec.to = `<${bareUri(rec.target)}>`;
      spec.routes = NO_ROUTES;
      spec.destination = this.outOfDialogEndpoint(rec.targetParts);
    } else if (rec.dialog !== null) {
      // §12.2.1.1: in the dialog: remote target / route set, To with the remote tag, next CSeq.
      const d = rec.dialog;
      const t = d.requestTarget();
      spec.requestUri = t.requestUri;
      spec.routes = t.routes;
      spec.to = `<${d.remoteUri}>;tag=${d.remoteTag}`;
      spec.cseq = d.nextLocalSeq();
      const first = t.routes.length > 0 ? parseSipUri(bareUri(t.routes[0]!)) : parseSipUri(t.requestUri);
      spec.destination = dialogHop(first, this.config.transport, this.proxyEndpoint) ?? this.outOfDialogEndpoint(rec.targetParts);
    } else {
      spec.cseq++;
    }
    spec.expires = expires;
    // RFC 5839 §5: a refresh names the state we hold; a fresh subscription starts without one.
    if (fresh) {
      rec.etag = '';
      rec.forks.clear();
      // Fork indexes start again at 1: the old forks' PIDFs must not pass for the new ones'.
      if (this.presence !== null && this.presence.forgetForks(rec.id, now)) this.queuePresence(rec);
    }
    spec.suppressIfMatch = !fresh && expires > 0 ? rec.etag : '';
    this.sendForMachine(cloneSpec(spec), 'subscribe', rec.id, now);
    if (!fresh) {
      rec.forks.forEach((f) => {
        // A notifier that answered no refresh until its subscription lapsed is gone (§4.1.2.2).
        if (f.validUntil <= now) this.forkGone(rec, f, now);
        else this.sendForkSubscribe(rec, f, expires, now);
      });
    }
  }

  /** A refresh / unsubscribe into one extra dialog of a forked subscription (subscription-forks.ts). */
  private sendForkSubscribe(rec: SubscriptionRecord, f: ForkDialog, expires: number, now: number): void {
    const spec = cloneSpec(rec.spec);
    const t = f.dialog.requestTarget();
    spec.requestUri = t.requestUri;
    spec.routes = t.routes;
    spec.to = `<${f.dialog.remoteUri}>;tag=${f.dialog.remoteTag}`;
    spec.cseq = f.dialog.nextLocalSeq();
    spec.expires = expires;
    spec.suppressIfMatch = expires > 0 ? f.etag : '';
    const first = t.routes.length > 0 ? parseSipUri(bareUri(t.routes[0]!)) : parseSipUri(t.requestUri);
    spec.destination = dialogHop(first, this.config.transport, this.proxyEndpoint) ?? this.outOfDialogEndpoint(rec.targetParts);
    const err = this.sendNew(spec, 'subscribe-fork', rec.id, now);
    if (err !== null) this.warn(now, err.code, `SUBSCRIBE into fork ${f.index} of subscription ${rec.id} not sent: ${err.message}`);
  }

  private forkOf(rec: ClientRecord): ForkDialog | null {
    const s = this.subscriptionById(rec.ownerId);
    const tag = /;\s*tag=([^;\s>]+)\s*$/.exec(rec.spec.to)?.[1];
    return s !== null && tag !== undefined ? s.forks.byTag(tag) : null;
  }

  /** §4.1.2.2: a refresh refused (481 and the like) ends that fork; a 2xx (or 204, RFC 5839) keeps it. */
  private onForkResponse(rec: ClientRecord, status: number, now: number): void {
    const s = this.subscriptionById(rec.ownerId);
    const f = this.forkOf(rec);
    if (s === null || f === null) return;
    if (status < 300) {
      const expires = readExpires(this.view);
      if (expires >= 0) f.validUntil = now + expires * 1000;
      return;
    }
    // §4.1.2.2: these codes end the subscription; any other failure leaves it valid until it lapses.
    if (endsSubscriptionOnRefresh(status)) this.forkGone(s, f, now);
  }

  private onSubscribeResponse(rec: ClientRecord, status: number, now: number): void {
    const s = this.subscriptionById(rec.ownerId);
    if (s === null) return;
    const view = this.view;
    // A response to an older SUBSCRIBE (a previous dialog) must not steer the current one.
    if (!spanEquals(view.buf, callIdSpanOff(view), callIdSpanLen(view), s.callId)) return;
    if (status >= 200 && status < 300 && s.dialog === null) {
      const local: LocalParty = { callId: s.callId, localTag: s.localTag, localUri: this.config.aor, remoteUri: bareUri(s.target) };
      const rr = readRecordRoutes(view);
      const dialog = new Dialog(true, local, { remoteTag: readTagText(view, H.TO), contactUri: readContactUri(view), recordRoutes: rr, secure: false }, rr.slice().reverse(), rec.spec.cseq, -1, 'confirmed');
      if (this.dialogs.add(dialog)) s.dialog = dialog;
      else this.warn(now, 'dialogs-full', `no room for the dialog of subscription ${s.id}; raise capacities.maxDialogs`);
    }
    s.machine.onSubscribeResponse(now, { status, expires: readExpires(view), minExpires: readMinExpires(view), retryAfter: readRetryAfter(view) });
  }

  // ---- PUBLISH (RFC 3903) ----

  private sendPublish(slot: number, body: Uint8Array | null, contentType: string, ifMatch: string, expires: number, now: number): void {
    const aor = bareUri(this.config.aor);
    const spec = this.outOfDialogSpec('PUBLISH', M.PUBLISH, aor, this.aorParts);
    spec.event = this.publicationEvents[slot]!;
    spec.expires = expires;
    spec.ifMatch = ifMatch;
    spec.body = body;
    spec.contentType = body !== null ? contentType : '';
    this.sendForMachine(spec, 'publish', slot, now);
  }

  // =====================================================================================
  // The pump: machine actions become requests, machine events become UaEvents
  // =====================================================================================

  protected pump(now: number): void {
    for (let round = 0; round < 64; round++) {
      let progressed = false;
      const reg = this.registration;
      if (reg !== null) {
        let a;
        while ((a = reg.pollAction()) !== undefined) { progressed = true; this.sendRegister(a.expires, now); }
        let e;
        while ((e = reg.pollEvent()) !== undefined) { progressed = true; this.onRegistrationEvent(e, now); }
      }
      // Only the machines that were fed since they were last polled (subscription-schedule.ts).
      for (let k = this.schedule.nextReady(); k >= 0; k = this.schedule.nextReady()) {
        const s = this.subscriptions[k];
        if (!s) continue;
        let a;
        while ((a = s.machine.pollAction()) !== undefined) { progressed = true; this.sendSubscribe(s, a.expires, a.fresh, now); }
        let e;
        while ((e = s.machine.pollEvent()) !== undefined) { progressed = true; this.onSubscriptionEvent(s, e); }
      }
      for (let i = 0; i < MAX_PUBLICATIONS; i++) {
        const pub = this.publications[i];
        if (!pub) continue;
        let a;
        while ((a = pub.pollAction()) !== undefined) { progressed = true; this.sendPublish(i, a.body, a.contentType, a.ifMatch, a.expires, now); }
        let e;
        while ((e = pub.pollEvent()) !== undefined) { progressed = true; this.onPublicationEvent(this.publicationEvents[i]!, e); }
      }
      if (this.keepalive !== null) {
        let e;
        while ((e = this.keepalive.pollEvent()) !== undefined) {
          progressed = true;
          if (e.kind === 'flow-failed') this.registration?.onFlowFailed(now);
          else this.events.push({ kind: 'public-address', address: e.address, changed: e.changed, at: e.at });
        }
      }
      // Engine events raised by the sends above (a transport error reported synchronously, …).
      const before = this.events.length;
      this.drainEngine(now);
      // A machine fed by those engine events is polled in the next round too.
      if (this.events.length !== before || this.schedule.readyCount > 0) progressed = true;
      if (!progressed) return;
    }
  }

  private onRegistrationEvent(e: RegistrationEvent, now: number): void {
    switch (e.kind) {
      case 'state':
        this.events.push({ kind: 'registration', state: e.to, from: e.from, cause: e.cause, status: e.status, at: e.at, nextAttemptAt: e.nextAttemptAt });
        if (this.keepalive !== null) {
          if (e.to === 'registered' && e.from !== 'refreshing') this.keepalive.start(now);
          else if (e.to === 'unregistered' || e.to === 'failed') this.keepalive.stop();
        }
        return;
      case 'lost':
        this.events.push({ kind: 'registration-lost', at: e.at, cause: e.cause });
        return;
      case 'restored':
        // RFC 5626 §4.4 / RFC 6665: the server may have forgotten our dialogs and publications.
        for (let i = 0; i < this.subscriptions.length; i++) {
          const s = this.subscriptions[i];
          if (s && !s.closing) s.machine.restore(now);
        }
        for (let i = 0; i < MAX_PUBLICATIONS; i++) this.publications[i]?.restore(now);
        this.events.push({ kind: 'registration-restored', at: e.at });
        return;
    }
  }

  private onSubscriptionEvent(s: SubscriptionRecord, e: SubscriptionEvent): void {
    this.events.push({ kind: 'subscription', id: s.id, target: s.target, event: s.event, state: e.to, cause: e.cause, status: e.status, reason: e.reason, at: e.at });
    // A subscription that no longer delivers shows Unknown, never the last state (user-demands row 6).
    if (this.presence !== null && !isLive(e.to) && this.presence.forget(s.id, e.at)) this.queuePresence(s);
    if (e.to === 'terminated' || e.to === 'failed' || e.to === 'backing-off') {
      this.lists?.ended(s.id);
      s.forks.clear();
      if (s.dialog !== null) this.dialogs.remove(s.dialog);
      s.dialog = null;
      if (s.closing && e.to !== 'backing-off') this.freeSubscription(s);
    }
  }

  private onPublicationEvent(event: string, e: PublicationEvent): void {
    switch (e.kind) {
      case 'state':
        this.events.push({ kind: 'publication', event, state: e.to, from: e.from, status: e.status, at: e.at });
        return;
      case 'published':
        this.events.push({ kind: 'publish-outcome', event, ok: true, status: 200, etag: e.etag, expires: e.expires, willRetry: false, at: e.at });
        return;
      case 'publish-failed':
        this.events.push({ kind: 'publish-outcome', event, ok: false, status: e.status, etag: '', expires: -1, willRetry: e.willRetry, at: e.at });
        return;
    }
  }

  // ---- misc ----

  /**
   * The last line of defence of "never throw on input from the network": a machine refusing an
   * edge (a bug, by their own contract) must not take the phone's host loop down with it. The
   * input is abandoned, the application is told, and the UA carries on.
   */
  private internalError(now: number, err: unknown): void {
    this.dropped++;
    // The abandoned input may have taken slots out of the schedule without polling or timing
    // them: every subscription reports its output and deadline again (a full pass, after a bug only).
    for (let i = 0; i < this.subscriptions.length; i++) this.subscriptions[i]?.machine.scheduleWith(this.schedule, i);
    const message = err instanceof Error ? err.message : String(err);
    this.warn(now, 'internal-error', `input abandoned after an internal error: ${message}`);
  }

  protected warn(now: number, code: string, message: string): void {
    this.events.push({ kind: 'warning', code, message, at: now });
  }

  private drop(now: number, code: string, message: string): void {
    this.dropped++;
    this.warn(now, code, message);
  }
}

/** A copy of `s`: its fields are all own data properties (`method` is an accessor of methodId), copied in one native call. */
function cloneSpec(s: RequestSpec): RequestSpec {
  return Object.assign(new RequestSpec(), s);
}

function callIdSpanOff(view: SipMessageView): number {
  const i = view.find(H.CALL_ID);
  return i < 0 ? -1 : view.valueOff[i]!;
}

function callIdSpanLen(view: SipMessageView): number {
  const i = view.find(H.CALL_ID);
  return i < 0 ? 0 : view.valueLen[i]!;
}

function isOnlyCrlf(buf: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) {
    const b = buf[off + i];
    if (b !== 13 && b !== 10) return false;
  }
  return true;
}

/** RFC 4662 §4.1: a list subscriber MUST accept application/rlmi+xml and multipart/related. */
function withListTypes(accept: readonly string[]): string {
  const types = accept.slice();
  if (!types.includes('application/rlmi+xml')) types.push('application/rlmi+xml');
  if (!types.includes('multipart/related')) types.push('multipart/related');
  return types.join(', ');
}
