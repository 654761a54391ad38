// The full user agent: UserAgentBase (core/ua/user-agent-base.ts: registration, subscriptions,
// publication, page-mode MESSAGE) with the entry points of the optional roles and diagnostics. A
// class brings every method it has into a bundle, so these live in a subclass that a phone which
// uses none of them (issue #7's size budget) does not construct.
import { Ok, Err, type Result } from '../result.js';
import { uaError, type UaError } from './config.js';
import { UserAgentBase } from './user-agent-base.js';
import { TransactionEngine, type TransactionConfig } from '../transaction/index.js';
import { M } from '../sip/header-ids.js';
import { ALLOW_VALUE } from './request-writer.js';
import { parseSipUri } from './uri-target.js';
import type { UaOccupancy } from './occupancy.js';
import type { InviteSessions, ChatOptions, ChatPort } from './invite-sessions.js';
import type { ResourceListSubscriptions, ResourceListOptions, ResourceListPort } from './resource-lists.js';
import type { NotifierModule, ServeOptions } from './notifier.js';
import type { PublishedDialog } from '../packages/dialog-info-writer.js';

export * from './user-agent-base.js';

const NO_NOTIFIER = /* @__PURE__ */ uaError('local', 'notifier-not-enabled', 'the notifier role is off: call enableNotifier(notifierModule) first');
const NO_CHAT = /* @__PURE__ */ uaError('local', 'chat-not-enabled', 'session-mode IM is off: call enableChat(chatModule, options) first');

/**
 * UserAgentBase with the optional roles, each brought in by its module when the application
 * enables it: session-mode IM (enableChat), resource lists (enableResourceLists) and the
 * notifier role (enableNotifier, serve, notify, ...); and diagnostics: sendOptions (an OPTIONS
 * probe; incoming OPTIONS are answered by the base, RFC 3261 §11.2) and what the tests and the
 * leak soak read (occupancy, freeRequestBuffers, queuedRequests).
 */
export class UserAgent extends UserAgentBase {
  // Chats need INVITE client transactions (their ACK builder) and CANCEL matching.
  protected declare readonly clients: TransactionEngine;
  protected declare readonly servers: TransactionEngine;

  protected override newEngine(config: Partial<TransactionConfig>): TransactionEngine {
    return new TransactionEngine(config);
  }

  /**
   * Brings in the notifier role (RFC 6665 §4.2, RFC 3856 §5 peer to peer): `module` is
   * `notifierModule` from core/ua/notifier.js — passed in rather than imported here so that a
   * phone that only watches others does not carry it. Then serve() packages.
   */
  enableNotifier(module: NotifierModule): void {
    if (this.notifier !== null) return;
    const c = this.config;
    this.notifier = module({
      maxWatchers: c.capacities.maxSubscriptions, aor: c.aor, localTag: this.localTag,
      etagPrefix: `${this.localTag.slice(0, 8)}.`, transport: c.transport,
      defaultPolicy: c.inboundMessagePolicy === 'open' ? 'everyone' : 'known-peers',
    }, {
      respond: (status, extras, expires, retryAfter) => this.respond(this.notifierTxId, status, this.echo, extras, this.notifierNow, expires, retryAfter),
      sendNotify: (spec, watcherId) => this.sendNew(spec, 'notify', watcherId, this.notifierNow)?.message ?? null,
      isKnownPeer: (from, fromUri) => this.isKnownPeer(from, fromUri),
      emit: (e) => { this.events.push(e); },
      warn: (code, message) => this.warn(this.notifierNow, code, message),
    });
  }

  // ---- Session-mode IM (RFC 4975 over INVITE; invite-sessions.ts) ----

  /** What the chat module may ask of the UA (its only way in). */
  private chatPort(): ChatPort {
    const c = this.config;
    return {
      config: c, localTag: this.localTag, contact: this.requestWriter.contactValue,
      send: (spec, ownerId, now) => this.sendNew(spec, 'chat', ownerId, now),
      respond: (txId, status, echo, now) => this.respond(txId, status, echo, 0, now),
      respondBytes: (txId, status, bytes, off, len, now) => this.servers.respond(txId, status, bytes, off, len, now),
      inviteServerForCancel: () => this.servers.findInviteServerFor(this.key),
      writeRequest: (buf, spec) => this.requestWriter.write(buf, 0, buf.length, spec, null),
      outOfDialogEndpoint: (parts) => this.outOfDialogEndpoint(parts),
      abandonInvite: (chatId, now) => {
        for (let i = 0; i < this.txCapacity; i++) {
          const r = this.clientRecords[i];
          if (r && r.owner === 'chat' && r.ownerId === chatId && r.spec.methodId === M.INVITE) this.clients.handleTransportError(r.txId, now);
        }
      },
      transmit: (bytes, endpoint) => { this.extraTransmits.push({ bytes, endpoint }); },
      event: (e) => { this.events.push(e); },
      warn: (now, code, message) => this.warn(now, code, message),
    };
  }

  /**
   * Takes INVITEs with an m=message offer from now on (before: 405). `module` is `chatModule`
   * from core/ua/invite-sessions.js — passed in rather than imported here so that a phone
   * without session-mode IM does not carry it. `listener`: where our MSRP TCP listener is, or
   * null (connect out only).
   */
  enableChat(module: (port: ChatPort) => InviteSessions, options: ChatOptions): void {
    if (this.chats === null) {
      this.chats = module(this.chatPort());
      this.clients.useAckBuilder(this.chats.ackBuilder);
    }
    this.chats.enable(options);
    this.responseWriter.allow = `INVITE, ${ALLOW_VALUE}`;
  }

  /** INVITE with an MSRP offer; `chat-state` events follow, then `msrp-connect` for the host. */
  startChat(target: string, now: number): Result<number, UaError> {
    if (this.chats === null) return Err(NO_CHAT);
    const r = this.chats.start(target, now);
    this.pump(now);
    return r;
  }

  /** Answers a `chat-offer` with 200 and our SDP; `setup` forces the connection role (default: passive with a listener). */
  acceptChat(sessionId: number, now: number, setup?: 'active' | 'passive'): Result<void, UaError> {
    if (this.chats === null) return Err(NO_CHAT);
    const r = this.chats.accept(sessionId, now, setup);
    this.pump(now);
    return r;
  }

  rejectChat(sessionId: number, status: number, now: number): Result<void, UaError> {
    if (this.chats === null) return Err(NO_CHAT);
    const r = this.chats.reject(sessionId, status, now);
    this.pump(now);
    return r;
  }

  /** BYE (or, before the answer, a local end and a BYE for a late 2xx). */
  endChat(sessionId: number, now: number): Result<void, UaError> {
    if (this.chats === null) return Err(NO_CHAT);
    const r = this.chats.endChat(sessionId, now);
    this.pump(now);
    return r;
  }

  // ---- Resource lists (RFC 4662; resource-lists.ts) ----

  /**
   * From now on, NOTIFYs of `eventlist: true` subscriptions with a multipart/related body are read
   * and reported per resource (`list-resource` events, then one `list` event); a version gap
   * refreshes the subscription for full state. `module` is `resourceListsModule` from
   * core/ua/resource-lists.js, passed in so that a phone without lists does not carry it.
   */
  enableResourceLists(module: (port: ResourceListPort, options?: ResourceListOptions) => ResourceListSubscriptions, options?: ResourceListOptions): ResourceListSubscriptions {
    if (this.lists === null) {
      this.lists = module({
        event: (e) => { this.events.push(e); },
        refresh: (id, now) => {
          const rec = this.subscriptionById(id);
          // The datagram / stream handler that delivered the NOTIFY pumps the SUBSCRIBE out.
          return rec !== null && this.refreshForFullState(rec, now);
        },
        warn: (now, code, message) => this.warn(now, code, message),
      }, options);
    }
    return this.lists;
  }

  // ---- Notifier side (RFC 6665 §4.2; notifier.ts) ----

  /**
   * Answer SUBSCRIBEs for `event` (a registered package: 'dialog', 'presence', …) from now on
   * (before: 489). Policy default: 'everyone' peer to peer, 'known-peers' with a registrar.
   */
  serve(event: string, options: ServeOptions = {}): Result<void, UaError> {
    const pkg = this.registry.find(event);
    if (pkg === undefined) return Err(uaError('local', 'unknown-event', `no event package "${event}" is registered`));
    if (this.notifier === null) return Err(NO_NOTIFIER);
    this.notifier.serve(pkg, options);
    return Ok(undefined);
  }

  /** New state of a served package for all its watchers (a NOTIFY each; coalesced while one is in flight). */
  notify(event: string, contentType: string, body: Uint8Array, now: number): Result<void, UaError> {
    this.notifierNow = now;
    if (this.notifier === null || !this.notifier.setBody(event, contentType, body, now)) return Err(uaError('local', 'not-served', `"${event}" is not served (call serve first)`));
    this.pump(now);
    return Ok(undefined);
  }

  /** Our calls as RFC 4235 dialogs: each watcher of the dialog package gets a full document with its own version. */
  setDialogState(dialogs: readonly PublishedDialog[], now: number): Result<void, UaError> {
    this.notifierNow = now;
    if (this.notifier === null || !this.notifier.setDialogs(dialogs, now)) return Err(uaError('local', 'not-served', '"dialog" is not served (call serve first)'));
    this.pump(now);
    return Ok(undefined);
  }

  /** The answer to a pending `watcher` event (policy 'ask'): active with the state, or terminated;reason=rejected. */
  authorizeWatcher(id: number, allow: boolean, now: number): Result<void, UaError> {
    this.notifierNow = now;
    if (this.notifier === null || !this.notifier.authorize(id, allow, now)) return Err(uaError('local', 'unknown-watcher', `watcher ${id} is not waiting for a decision`));
    this.pump(now);
    return Ok(undefined);
  }

  /** Live watchers of `event` (or of every served package). */
  watcherCount(event?: string): number {
    return this.notifier?.watcherCount(event) ?? 0;
  }

  /** Watcher records still held, including ended ones whose final NOTIFY is unanswered. */
  get watcherRecords(): number {
    return this.notifier?.size ?? 0;
  }

  // ---- Diagnostics: probing a peer, and what the tests and the leak soak read ----

  /** OPTIONS to a target (a liveness/capability probe); ends in one `options-status` event. */
  sendOptions(target: string, now: number): Result<number, UaError> {
    const parts = parseSipUri(target);
    if (parts === null) return Err(uaError('local', 'bad-uri', `not a sip: URI: ${target}`));
    const spec = this.outOfDialogSpec('OPTIONS', M.OPTIONS, target, parts);
    spec.accept = 'application/sdp';
    const id = this.nextId++;
    const r = this.sendNew(spec, 'options', id, now);
    if (r !== null) return Err(r);
    this.pump(now);
    return Ok(id);
  }

  /** Free request buffers right now (for tests and diagnostics). */
  get freeRequestBuffers(): number {
    return this.requestPool.available;
  }

  get queuedRequests(): number {
    return this.queue.length;
  }

  /** What the UA holds right now (occupancy.ts): for diagnostics and the leak soak (test/soak/). Fills `into`. */
  occupancy(into: UaOccupancy): UaOccupancy {
    into.clientTransactions = this.clients.liveCount;
    into.serverTransactions = this.servers.liveCount;
    into.transactionTimers = this.clients.liveTimers + this.servers.liveTimers;
    into.requestBuffersInUse = this.requestPool.count - this.requestPool.available;
    into.responseBuffersInUse = this.responsePool.count - this.responsePool.available;
    into.queuedRequests = this.queue.length;
    into.queuedEvents = this.events.length;
    into.queuedTransmits = this.extraTransmits.length;
    into.subscriptions = this.subscriptionIds.size;
    into.dialogs = this.dialogs.size;
    into.knownPeers = this.knownPeers.size;
    into.watchers = this.notifier?.size ?? 0;
    let pending = 0;
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i]!.id >= 0) pending++;
    into.pendingMessages = pending;
    into.endpointsInUse = this.endpoints.inUse;
    into.chats = this.chats?.size ?? 0;
    let forks = 0;
    for (let i = 0; i < this.subscriptions.length; i++) forks += this.subscriptions[i]?.forks.size ?? 0;
    into.forkDialogs = forks;
    into.streamFlows = this.streams?.open ?? 0;
    return into;
  }
}
