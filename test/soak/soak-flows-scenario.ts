// The second leak soak (soak-scenario.ts is the first): what the first cannot reach, on the same
// principles (engine-neutral, virtual clock, seeded schedule, a harness that keeps nothing).
//
// Who does what:
// - eve (10.0.0.21) speaks SIP over TCP only (streamModule): registrar, PUBLISH, MESSAGE and her
//   subscriptions all go to S1 (10.0.0.11) on one flow the host opens on her first send and
//   reopens after it dies. Bytes reach her through handleStream cut at a random byte (the framer
//   keeps partial messages). She sends RFC 5626 CRLF keep-alives (keepalive 'stream-ping'); S1
//   pongs, except in spells when it does not (the UA then declares the flow failed and
//   re-registers). The flow dies in S1's outages (handleFlowClosed; sends while S1 is down fail:
//   handleSendFailed) and now and then on its own (a NAT dropping it).
// - frank (10.0.0.22) speaks UDP to "registrar.test", a name the host resolves to S1 and S2 in
//   that order (RFC 3263 §4.3, core/ua/failover.ts): a request marked `failoverOf` goes to the next
//   target its request has not tried, none left → handleNoNextTarget. S1 has trouble spells (503,
//   with or without Retry-After, which the host honours, or silence: Timer F) and outages; S2 has
//   rarer outages, so sometimes both are gone.
// - Both servers want digest credentials (RFC 3261 §22), each for its own realm and nonce: 401 to
//   REGISTER, 407 to the other out-of-dialog requests (in-dialog ones pass). A nonce lives 20
//   minutes (the two servers rotate at different times) and an outage forgets them all; credentials
//   for the server's realm with any other nonce draw stale=true (RFC 2617 §3.2.1). So frank answers
//   the second server's first challenge right after a failover (503 or a timeout at the first),
//   and eve answers stale challenges after her flow reconnects. Challenges are counted by what
//   the challenged request was (a failover after 503, after a timeout, a request on a flow
//   reopened a moment ago) and so are their answers (the same Call-ID back with the current nonce).
// - S1 and S2 are scripted registrars / presence servers: REGISTER 200, PUBLISH 200 + SIP-ETag,
//   MESSAGE 202, and for SUBSCRIBE to presence they play a forking proxy (RFC 6665 §4.1.2.4): the
//   200 comes from the first notifier, then NOTIFYs from it and from one or two more (different
//   From tags, their own CSeq and Contact). Each extra notifier has a fate drawn when it appears:
//   lives on, ends with a terminated NOTIFY, goes silent (no NOTIFYs, refreshes into it
//   unanswered: the fork lapses at the UA), or refuses refreshes with 481. Both phones track
//   presence (PresenceStates), so each fork's PIDF is a source of its subscription's state.
// - Each phone also subscribes to a resource list (RFC 4662, enableResourceLists): the server is
//   its RLS, sending full state first and on every refresh, then partial versions (a member
//   changes, is terminated, removed, added back); now and then it skips a version, and the UA
//   refreshes for full state (§5.2).
//
// The server state is a fixed table of records overwritten in place; strings made for a NOTIFY
// are garbage at once. `leak: true` keeps one small object per request sent (the control run).
import { UserAgent, Outgoing, UaOccupancy, streamModule, resourceListsModule, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';
import { PresenceStates } from '../../core/presence/presence-states.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H, M } from '../../core/sip/header-ids.js';
import { asciiText, expiresOf, pidf, responseText, stripAngles, tagOf } from './server-text.js';
import { SoakBase, ascii, xorshift, type ScriptedSub, HOUR_MS, MINUTE_MS, LATENCY_MS, RING_SLOTS, SLOT_BYTES } from './soak-base.js';

const PHONES = 2;
const EVE = 0;
const FRANK = 1;
const S1 = 2;
const S2 = 3;
const ADDRESSES = ['10.0.0.21', '10.0.0.22', '10.0.0.11', '10.0.0.12'];
const NAME = 'registrar.test';
/** Entities the phones watch: each SUBSCRIBE is forked by the server; `buddies` is a resource list (not forked). */
const WATCHED = ['pat', 'sam', 'buddies'];
const LIST_MEMBERS = ['anna', 'bert', 'cleo', 'dora', 'emil'];
const LIST_BOUNDARY = 'soakBoundary7';
/** Server records of subscriptions: 2 phones × 3 watched, with room for the stale ones (a phone that
 * restarted, a subscription given up after failures) until they expire. */
const SERVER_SUBS = 48;
/** Notifiers per forked subscription: the first (its 200) and up to two more. */
const NOTIFIERS = 3;

const enum Fate { Lives = 0, Terminates = 1, Silent = 2, Refuses = 3 }

/** What a request was, as its host knows it (carried with its packet to the server's challenge counters). */
const enum Sent { Plain = 0, Failover503 = 1, FailoverTimeout = 2, Reconnect = 3 }
/** RFC 3261 §22: each server its own realm (index: server - S1). */
const REALMS = ['east.example.test', 'west.example.test'];
const NONCE_LIFETIME_MS = 20 * MINUTE_MS;
/** Challenged requests awaiting their answer (a fixed ring, overwritten). */
const PENDING_CHALLENGES = 32;

const ACTIVITIES = ['', 'busy', 'on-the-phone', 'away', 'meeting'];

export class FlowSoakCounters {
  requestsSent = 0;
  retransmissions = 0;
  responsesSent = 0;
  packetsDropped = 0;
  // ---- TCP flows (eve) ----
  flowsOpened = 0;
  flowsClosed = 0;
  /** Flows dropped with S1 up (a NAT forgetting the binding). */
  flowDrops = 0;
  /** Sends that found S1 down (connect refused): handleSendFailed. */
  sendFailures = 0;
  /** Deliveries cut in two at a random byte (the framer keeps the partial message). */
  splitDeliveries = 0;
  pings = 0;
  pongs = 0;
  pongSpells = 0;
  // ---- failover (frank) ----
  failovers = 0;
  noNextTarget = 0;
  retryAfterHolds = 0;
  sentToS2 = 0;
  troubleSpells = 0;
  // ---- digest (both servers, both phones) ----
  /** 401/407 challenges the servers sent; 401s (REGISTER), 407s (the rest); with stale=true. */
  challenges = 0;
  challenges401 = 0;
  challenges407 = 0;
  staleChallenges = 0;
  /** Challenges answered: the challenged Call-ID came back with the server's current nonce. */
  challengesAnswered = 0;
  /** Requests the servers accepted with credentials (answers and preemptive ones from the cache). */
  authorized = 0;
  /** Challenges to (and answers of) a failover attempt after a 503, after a timeout at the other target. */
  challengesAfterFailover503 = 0;
  answeredAfterFailover503 = 0;
  challengesAfterTimeout = 0;
  answeredAfterTimeout = 0;
  /** Challenges to (and answers of) eve's requests in the first minute of a reopened flow. */
  challengesAfterReconnect = 0;
  answeredAfterReconnect = 0;
  // ---- forks ----
  /** A fork NOTIFY answered 200 by the phone for a notifier's first NOTIFY (a fork dialog created). */
  forksCreated = 0;
  forksTerminated = 0;
  forksSilenced = 0;
  forksRefused = 0;
  /** Refreshes the servers received inside an extra notifier's dialog. */
  forkRefreshes = 0;
  forkNotifies = 0;
  notifies = 0;
  // ---- resource lists ----
  listNotifies = 0;
  listFullStates = 0;
  /** Versions the RLS skipped on purpose (the UA must refresh for full state). */
  listGaps = 0;
  /** `list` events of the UA, those whose outcome was a refresh for full state, and `list-resource` events. */
  listEvents = 0;
  listRefreshing = 0;
  listGapWarnings = 0;
  listResourceEvents = 0;
  /** The most fork dialogs the phones held at once (UserAgent.occupancy). */
  maxForkDialogs = 0;
  // ---- the rest ----
  subscribes = 0;
  refreshes = 0;
  subscriptionFailures = 0;
  subscriptionRecoveries = 0;
  unsubscribes = 0;
  presenceEvents = 0;
  registrations = 0;
  registrationLost = 0;
  /** Registrations lost because a flow failed (closed, or a keep-alive unanswered: RFC 5626 §4.4.1). */
  registrationLostFlow = 0;
  registrationRestored = 0;
  /** `failover` events of the UA (RFC 3263 §4.3 retries it started). */
  failoverEvents = 0;
  published = 0;
  publishFailed = 0;
  messages = 0;
  messageAccepted = 0;
  messageFailed = 0;
  outages = 0;
  restarts = 0;
  warnings = 0;
  stuckDeadlines = 0;
  harnessFaults = 0;
}

type Sub = ScriptedSub;

/** A subscription as a server sees it: its first dialog and the extra notifiers (fixed record, overwritten). */
class ServerSub {
  used = false;
  server = 0;
  phone = 0;
  callId = '';
  /** The subscriber's From value (our To) and its tag. */
  subscriberFrom = '';
  subscriberContact = '';
  entity = '';
  tcp = false;
  expiresAt = 0;
  nextNotifyAt = Infinity;
  readonly tags: string[] = ['', '', ''];
  readonly cseq = new Int32Array(NOTIFIERS);
  readonly alive = new Uint8Array(NOTIFIERS);
  readonly fate = new Uint8Array(NOTIFIERS);
  readonly fateAt = new Float64Array(NOTIFIERS);
  /** Set when the phone answered 200 to this notifier's first NOTIFY. */
  readonly confirmed = new Uint8Array(NOTIFIERS);
  /** A resource list (RFC 4662): its version and its members' states (0 gone, 1 open, 2 closed, 3 terminated). */
  list = false;
  version = 0;
  readonly members = new Uint8Array(LIST_MEMBERS.length);
}

export interface FlowSoakOptions { readonly seed?: number; readonly leak?: boolean }

export class FlowSoakScenario extends SoakBase<Sub> {
  override readonly counters = new FlowSoakCounters();
  private readonly seed: number;
  private boots = 0;
  private readonly occ = new UaOccupancy();

  // ---- per slot of the packet ring: a tcp flag (eve's bytes go through handleStream) ----
  private readonly ringTcp = new Uint8Array(RING_SLOTS);
  /** The flow generation a TCP packet was sent on: bytes in flight die with their connection. */
  private readonly ringGen = new Int32Array(RING_SLOTS);
  private readonly lastClientTx: Int32Array[];
  /** Per ring slot: what the request was (Sent). */
  private readonly ringSent = new Uint8Array(RING_SLOTS);
  /** Set by the host while it sends a request, read by send(). */
  private sentKind = Sent.Plain;

  // ---- eve's TCP flow to S1 ----
  private flowOpen = false;
  private flowGen = 0;
  private readonly s1Flow: Endpoint = { transport: 'tcp', address: ADDRESSES[S1]!, port: 5060 };
  private readonly failedTokens = new Int32Array(32);
  private failedCount = 0;
  private pongsLostUntil = 0;
  private nextPongSpell = 5 * HOUR_MS / 2;
  private nextFlowDrop = 50 * MINUTE_MS;

  // ---- frank's resolver state (failover host, fixed tables indexed by token) ----
  private readonly boundToken: Int32Array;
  private readonly boundTarget: Int8Array;
  private readonly boundTried: Uint8Array;
  /** The target was mute (down, or silent in trouble) when the request was bound to it: its failover follows a timeout. */
  private readonly boundMute: Uint8Array;
  /** What the bound request is (Sent), so its retransmissions are counted as it is. */
  private readonly boundSent: Uint8Array;
  private flowOpenedAt = -Infinity;
  private readonly heldUntil = new Float64Array(2);
  private readonly noTarget = new Int32Array(32);
  private noTargetCount = 0;

  // ---- the servers ----
  private readonly downUntil = new Float64Array(4);
  private troubleUntil = 0;
  /** 0: 503; 1: 503 with Retry-After; 2: silence. */
  private troubleKind = 0;
  private nextTrouble = 70 * MINUTE_MS;
  private nextS1Outage = 5 * HOUR_MS;
  private nextS2Outage = 8.5 * HOUR_MS;
  /** Bumped by an outage: a restarted server forgets its nonces. */
  private readonly nonceEpoch = new Int32Array(4);
  private readonly pendingCallId: string[] = new Array<string>(PENDING_CHALLENGES).fill('');
  private readonly pendingServer = new Int8Array(PENDING_CHALLENGES);
  private readonly pendingSent = new Uint8Array(PENDING_CHALLENGES);
  private pendingNext = 0;
  private readonly serverSubs: ServerSub[] = [];
  private readonly view = new SipMessageView();
  private readonly parseOptions = createParseOptions({ datagram: true });
  private branchSeq = 0;
  private etagSeq = 0;
  private tagSeq = 0;

  // ---- the script ----
  private nextChurn = 30 * MINUTE_MS;
  private nextPublish = 4 * MINUTE_MS;
  private nextMessage = 2 * MINUTE_MS;
  private nextRestart = 4 * HOUR_MS + 10 * MINUTE_MS;
  private closeFlowAt = Infinity;
  private quiet = false;

  constructor(options: FlowSoakOptions = {}) {
    const seed = options.seed ?? 2026;
    super(PHONES, xorshift(seed ^ 0x5a5a), options.leak === true, 'flow soak');
    this.seed = seed;
    for (let i = 0; i < PHONES; i++) { this.uas.push(this.makeUa(i, this.seed * 17 + i)); this.deadlines[i] = Infinity; }
    const n = this.uas[FRANK]!.config.capacities.maxTransactions;
    this.boundToken = new Int32Array(n).fill(-1);
    this.boundTarget = new Int8Array(n);
    this.boundTried = new Uint8Array(n);
    this.boundMute = new Uint8Array(n);
    this.boundSent = new Uint8Array(n);
    this.lastClientTx = this.uas.map((u) => new Int32Array(u.config.capacities.maxTransactions).fill(-1));
    for (let i = 0; i < SERVER_SUBS; i++) this.serverSubs.push(new ServerSub());
    for (let p = 0; p < PHONES; p++) {
      for (const who of WATCHED) this.subs.push({ phone: p, target: `sip:${who}@example.test`, id: -1, state: 'idle', failed: false, resubscribeAt: Infinity });
    }
  }

  private makeUa(i: number, seed: number): UserAgent {
    const tcp = i === EVE;
    const config: UaConfig = {
      aor: tcp ? 'sip:eve@example.test' : 'sip:frank@example.test',
      registrar: tcp ? `sip:${ADDRESSES[S1]}:5060;transport=tcp` : `sip:${NAME}`,
      ...(tcp ? { transport: 'tcp' as const, keepalive: { mode: 'stream-ping' as const, intervalMs: 45_000, answerTimeoutMs: 10_000 } } : {}),
      username: tcp ? 'eve' : 'frank', password: tcp ? 'evepw' : 'frankpw',
      localAddress: ADDRESSES[i]!, localPort: 5060, random: xorshift(seed), expires: 600, publishExpires: 300,
      backoff: { baseS: 15, maxS: 120 },
    };
    const ua = new UserAgent(config, tcp ? { streams: streamModule, keepalive: keepaliveModule } : {});
    ua.trackPresence(new PresenceStates({ maxStates: 8 }));
    ua.enableResourceLists(resourceListsModule);
    return ua;
  }

  start(): void {
    for (let i = 0; i < PHONES; i++) { this.check(this.uas[i]!.register(this.now).ok); this.drain(i); }
    for (const s of this.subs) this.subscribe(s);
  }

  quiesce(): void {
    this.quiet = true;
    this.troubleUntil = 0;
    this.pongsLostUntil = 0;
    this.downUntil.fill(0);
    this.heldUntil.fill(0);
    for (const s of this.subs) { s.resubscribeAt = Infinity; if (s.id < 0) this.subscribe(s); }
  }

  /** Both phones shut down; a minute later the host closes eve's TCP connection (the phone is off). */
  shutdown(): void {
    this.quiet = true;
    for (let i = 0; i < PHONES; i++) { this.check(this.uas[i]!.shutdown(this.now).ok); this.drain(i); }
    for (const s of this.subs) { s.id = -1; s.resubscribeAt = Infinity; }
    this.closeFlowAt = this.now + MINUTE_MS;
  }

  // =====================================================================================
  // The hosts: eve's TCP flow, frank's resolver with failover
  // =====================================================================================

  protected override drain(i: number): void {
    const ua = this.uas[i]!;
    const out = this.out;
    for (let guard = 0; guard < 64; guard++) {
      while (ua.pollTransmit(out)) this.transmitted(i, out);
      // Outcomes the host learnt while sending, handed in after the loop (never from inside pollTransmit).
      let more = false;
      while (this.failedCount > 0) { more = true; ua.handleSendFailed(this.failedTokens[--this.failedCount]!, this.now); }
      while (this.noTargetCount > 0) { more = true; this.counters.noNextTarget++; ua.handleNoNextTarget(this.noTarget[--this.noTargetCount]!, this.now); }
      if (more) continue;
      this.deadlines[i] = ua.pollTimeout();
      let e: UaEvent | undefined;
      while ((e = ua.pollEvent()) !== undefined) this.onEvent(i, e);
      ua.occupancy(this.occ);
      if (this.occ.forkDialogs > this.counters.maxForkDialogs) this.counters.maxForkDialogs = this.occ.forkDialogs;
      return;
    }
    this.counters.harnessFaults++;
  }

  private transmitted(from: number, out: Outgoing): void {
    const c = this.counters;
    const b = out.bytes;
    const isResponse = b[out.off] === 0x53 && b[out.off + 1] === 0x49 && b[out.off + 2] === 0x50 && b[out.off + 3] === 0x2f;
    const t = out.token;
    if (isResponse) c.responsesSent++;
    else if (out.len === 4 && b[out.off] === 0x0d) c.pings++;
    else {
      c.requestsSent++;
      const cap = this.lastClientTx[from]!;
      if (t >= 0 && cap[t % cap.length] === t) c.retransmissions++;
      else if (t >= 0) cap[t % cap.length] = t;
      this.keep(c.requestsSent, out.len);
    }
    const ep = out.endpoint;
    if (ep.transport === 'tcp') {
      // Eve: everything goes over her one flow to S1, opened on demand.
      if (ep.address !== ADDRESSES[S1] || from !== EVE) { c.harnessFaults++; return; }
      if (this.now < this.downUntil[S1]!) {
        // Connect refused / the connection broke under the write.
        if (this.flowOpen) this.closeFlow();
        if (t >= 0 || t <= -2) { c.sendFailures++; this.failed(t); }
        return;
      }
      if (!this.flowOpen) { this.flowOpen = true; this.flowGen++; c.flowsOpened++; this.flowOpenedAt = this.now; }
      this.sentKind = c.flowsOpened > 1 && this.now - this.flowOpenedAt < MINUTE_MS ? Sent.Reconnect : Sent.Plain;
      this.send(from, S1, b, out.off, out.len, true);
      this.sentKind = Sent.Plain;
      return;
    }
    let to = this.nodeOf(ep.address);
    if (ep.address === NAME) {
      to = this.resolve(out);
      if (to < 0) return;
    }
    if (to < 0) { c.harnessFaults++; return; }
    this.send(from, to, b, out.off, out.len, false);
    this.sentKind = Sent.Plain;
  }

  /** RFC 3263 §4.3 as a host does it (test/ua/failover.test.ts, platform/node/ua-host.ts): S1 then S2. */
  private resolve(out: Outgoing): number {
    const t = out.token;
    if (t < 0) return S1;
    const n = this.boundToken.length;
    const k = t % n;
    if (this.boundToken[k] === t) { this.sentKind = this.boundSent[k]!; return this.boundTarget[k] === 0 ? S1 : S2; }
    let tried = 0;
    let kind = Sent.Plain;
    if (out.sameTargetAs >= 0 && this.boundToken[out.sameTargetAs % n] === out.sameTargetAs) {
      this.bind(k, t, this.boundTarget[out.sameTargetAs % n]!, this.boundTried[out.sameTargetAs % n]!);
      return this.boundTarget[k] === 0 ? S1 : S2;
    }
    if (out.failoverOf >= 0 && this.boundToken[out.failoverOf % n] === out.failoverOf) {
      const f = out.failoverOf % n;
      const failedTarget = this.boundTarget[f]!;
      tried = this.boundTried[f]! | (1 << failedTarget);
      kind = this.boundMute[f] === 1 ? Sent.FailoverTimeout : Sent.Failover503;
      this.counters.failovers++;
      // RFC 3261 §21.5.4: a 503's Retry-After keeps that server out until then.
      if (out.failoverRetryAfter > 0) { this.heldUntil[failedTarget] = this.now + out.failoverRetryAfter * 1000; this.counters.retryAfterHolds++; }
    }
    for (let target = 0; target < 2; target++) {
      if ((tried & (1 << target)) !== 0 || this.heldUntil[target]! > this.now) continue;
      this.bind(k, t, target, tried);
      this.sentKind = kind;
      this.boundSent[k] = kind;
      if (target === 1) this.counters.sentToS2++;
      return target === 0 ? S1 : S2;
    }
    if (out.failoverOf >= 0) {
      if (this.noTargetCount < this.noTarget.length) this.noTarget[this.noTargetCount++] = t; else this.counters.harnessFaults++;
      return -1;
    }
    // A fresh request while both are held back: try the first anyway (a phone must not go mute).
    this.bind(k, t, 0, 0);
    return S1;
  }

  private bind(k: number, token: number, target: number, tried: number): void {
    this.boundToken[k] = token;
    this.boundTarget[k] = target;
    this.boundTried[k] = tried;
    this.boundSent[k] = Sent.Plain;
    const server = target === 0 ? S1 : S2;
    this.boundMute[k] = this.now < this.downUntil[server]! || (server === S1 && this.now < this.troubleUntil && this.troubleKind === 2) ? 1 : 0;
  }

  private failed(token: number): void {
    if (this.failedCount < this.failedTokens.length) this.failedTokens[this.failedCount++] = token; else this.counters.harnessFaults++;
  }

  /** Eve's connection to S1 is gone: her UA hears of it at once (the socket's close). */
  private closeFlow(): void {
    if (!this.flowOpen) return;
    this.flowOpen = false;
    this.flowGen++;
    this.counters.flowsClosed++;
    this.uas[EVE]!.handleFlowClosed(this.s1Flow, this.now);
    // (The caller drains eve: a close found while sending is inside her drain.)
  }

  private nodeOf(address: string): number {
    for (let i = 0; i < ADDRESSES.length; i++) if (ADDRESSES[i] === address) return i;
    return -1;
  }

  private send(from: number, to: number, bytes: Uint8Array, off: number, len: number, tcp: boolean): void {
    const c = this.counters;
    if (!this.ring.fits(len)) { c.harnessFaults++; return; }
    // A server that is down hears nothing; UDP loss only (TCP does not lose bytes, it loses flows).
    if (this.now < this.downUntil[to]! || this.now < this.downUntil[from]!) { c.packetsDropped++; return; }
    const at = this.ring.push(from, to, bytes, off, len, this.now + LATENCY_MS);
    this.ringTcp[at] = tcp ? 1 : 0;
    this.ringGen[at] = this.flowGen;
    this.ringSent[at] = this.sentKind;
  }

  protected override deliverHead(): void {
    const ring = this.ring;
    const at = ring.shift();
    const to = ring.to[at]!;
    const from = ring.from[at]!;
    const off = at * SLOT_BYTES;
    const len = ring.len[at]!;
    const tcp = this.ringTcp[at] === 1;
    if (tcp && (!this.flowOpen || this.ringGen[at] !== this.flowGen)) { this.counters.packetsDropped++; return; }
    if (to >= PHONES) { this.serverReceive(to, from, ring.bytes, off, len, tcp, this.ringSent[at]!); return; }
    const ua = this.uas[to]!;
    if (tcp) {
      // TCP delivers bytes, not messages: half the time in two reads cut anywhere.
      const cut = this.rand() < 0.5 ? 1 + Math.floor(this.rand() * (len - 1)) : len;
      if (cut < len) this.counters.splitDeliveries++;
      ua.handleStream(this.s1Flow, ring.bytes, off, cut, this.now);
      if (cut < len) ua.handleStream(this.s1Flow, ring.bytes, off + cut, len - cut, this.now);
    } else {
      ua.handleDatagram(ring.bytes, off, len, { transport: 'udp', address: ADDRESSES[from]!, port: 5060 }, this.now);
    }
    this.drain(to);
  }

  // =====================================================================================
  // Events
  // =====================================================================================

  private onEvent(phone: number, e: UaEvent): void {
    const c = this.counters;
    switch (e.kind) {
      case 'subscription': {
        const s = this.subById(phone, e.id);
        if (s === null) return;
        this.countSubscriptionState(s, e.state);
        // A subscription the UA gave up on is subscribed again a little later (as an application would).
        if (e.state === 'failed' || e.state === 'terminated') { s.id = -1; s.resubscribeAt = this.now + 30_000; }
        s.state = e.state;
        return;
      }
      case 'presence': c.presenceEvents++; return;
      case 'list': c.listEvents++; if (e.outcome === 'refreshing') c.listRefreshing++; return;
      case 'list-resource': c.listResourceEvents++; return;
      case 'registration': if (e.state === 'registered') c.registrations++; return;
      case 'registration-lost': c.registrationLost++; if (e.cause === 'flow-failed') c.registrationLostFlow++; return;
      case 'failover': c.failoverEvents++; return;
      case 'registration-restored': c.registrationRestored++; return;
      case 'publish-outcome': if (e.ok) c.published++; else c.publishFailed++; return;
      case 'message-status': if (e.outcome === 'accepted') c.messageAccepted++; else c.messageFailed++; return;
      // (The RLS skips versions on purpose: that warning is expected, and counted against listGaps.)
      case 'warning': if (e.code === 'list-version-gap') c.listGapWarnings++; else c.warnings++; return;
      default: return;
    }
  }

  // =====================================================================================
  // The script
  // =====================================================================================

  protected override nextScriptAt(): number {
    let t = this.closeFlowAt;
    for (const s of this.subs) if (s.resubscribeAt < t) t = s.resubscribeAt;
    for (const r of this.serverSubs) {
      if (!r.used) continue;
      if (r.nextNotifyAt < t) t = r.nextNotifyAt;
      if (r.expiresAt < t) t = r.expiresAt;
      for (let k = 1; k < NOTIFIERS; k++) if (r.alive[k] === 1 && r.fate[k] !== Fate.Lives && r.fateAt[k]! < t) t = r.fateAt[k]!;
    }
    if (this.quiet) return t;
    return Math.min(t, this.nextChurn, this.nextPublish, this.nextMessage, this.nextRestart, this.nextTrouble, this.nextS1Outage, this.nextS2Outage, this.nextPongSpell, this.nextFlowDrop);
  }

  protected override script(): void {
    const now = this.now;
    const c = this.counters;
    if (this.closeFlowAt <= now) { this.closeFlowAt = Infinity; this.closeFlow(); this.drain(EVE); return; }
    for (const s of this.subs) if (s.resubscribeAt <= now) { s.resubscribeAt = Infinity; if (s.id < 0) this.subscribe(s); return; }
    for (const r of this.serverSubs) {
      if (!r.used) continue;
      if (r.expiresAt <= now) { r.used = false; return; } // never refreshed: the server forgets it (§4.2.2)
      for (let k = 1; k < NOTIFIERS; k++) {
        if (r.alive[k] !== 1 || r.fate[k] === Fate.Lives || r.fateAt[k]! > now) continue;
        r.fateAt[k] = Infinity;
        if (r.fate[k] === Fate.Terminates) { c.forksTerminated++; r.alive[k] = 0; this.serverNotify(r, k, 'terminated;reason=noresource'); }
        else if (r.fate[k] === Fate.Silent) c.forksSilenced++; // stays alive for the table but says nothing more
        else c.forksRefused++; // the next refresh into it gets 481
        return;
      }
      if (r.nextNotifyAt <= now) {
        // A state change at one of the live, speaking notifiers.
        const k = Math.floor(this.rand() * NOTIFIERS);
        r.nextNotifyAt = now + this.uniform(3 * MINUTE_MS, 9 * MINUTE_MS);
        if (r.alive[k] === 1 && !(k > 0 && r.fate[k] === Fate.Silent && r.fateAt[k] === Infinity)) this.serverNotify(r, k, `active;expires=${Math.max(1, Math.round((r.expiresAt - now) / 1000))}`);
        return;
      }
    }
    if (this.quiet) return;
    if (this.nextS1Outage <= now) {
      c.outages++;
      this.downUntil[S1] = now + this.uniform(2 * MINUTE_MS, 5 * MINUTE_MS);
      this.nonceEpoch[S1]++;
      this.nextS1Outage = now + this.uniform(3 * HOUR_MS, 5 * HOUR_MS);
      this.closeFlow();
      this.drain(EVE);
      return;
    }
    if (this.nextS2Outage <= now) {
      c.outages++;
      this.downUntil[S2] = now + this.uniform(5 * MINUTE_MS, 10 * MINUTE_MS);
      this.nonceEpoch[S2]++;
      // Sometimes in an S1 trouble spell: both gone (handleNoNextTarget).
      if (this.troubleUntil < now + 10 * MINUTE_MS) { this.troubleUntil = now + 10 * MINUTE_MS; this.troubleKind = 2; }
      this.nextS2Outage = now + this.uniform(5 * HOUR_MS, 8 * HOUR_MS);
      return;
    }
    if (this.nextTrouble <= now) {
      c.troubleSpells++;
      this.troubleKind = Math.floor(this.rand() * 3);
      this.troubleUntil = now + this.uniform(8 * MINUTE_MS, 25 * MINUTE_MS);
      this.nextTrouble = now + this.uniform(60 * MINUTE_MS, 120 * MINUTE_MS);
      return;
    }
    if (this.nextPongSpell <= now) {
      c.pongSpells++;
      this.pongsLostUntil = now + this.uniform(2 * MINUTE_MS, 4 * MINUTE_MS);
      this.nextPongSpell = now + this.uniform(2 * HOUR_MS, 4 * HOUR_MS);
      return;
    }
    if (this.nextFlowDrop <= now) {
      this.nextFlowDrop = now + this.uniform(40 * MINUTE_MS, 90 * MINUTE_MS);
      if (this.flowOpen) { c.flowDrops++; this.closeFlow(); this.drain(EVE); }
      return;
    }
    if (this.nextChurn <= now) {
      this.nextChurn = now + this.uniform(10 * MINUTE_MS, 40 * MINUTE_MS);
      if (this.endRandomSubscription(now)) c.unsubscribes++;
      return;
    }
    if (this.nextPublish <= now) {
      this.nextPublish = now + this.uniform(3 * MINUTE_MS, 10 * MINUTE_MS);
      this.publishFromRandomPhone(now, (p) => (p === EVE ? 'sip:eve@example.test' : 'sip:frank@example.test'), ACTIVITIES);
      return;
    }
    if (this.nextMessage <= now) {
      this.nextMessage = now + this.uniform(30_000, 120_000);
      c.messages++;
      this.messageFromRandomPhone(now, () => 'sip:pat@example.test');
      return;
    }
    if (this.nextRestart <= now) {
      // One phone power-cycles: a new UserAgent (its flow, forks and failover state die with it).
      this.nextRestart = now + this.uniform(4 * HOUR_MS, 7 * HOUR_MS);
      const p = Math.floor(this.rand() * PHONES);
      c.restarts++;
      if (p === EVE && this.flowOpen) { this.flowOpen = false; this.flowGen++; c.flowsClosed++; }
      this.uas[p] = this.makeUa(p, (this.seed * 17 + p) ^ Math.imul(++this.boots, 0x9e3779b1));
      this.lastClientTx[p]!.fill(-1);
      if (p === FRANK) this.boundToken.fill(-1);
      this.check(this.uas[p]!.register(now).ok);
      this.drain(p);
      for (const s of this.subs) if (s.phone === p) { s.id = -1; s.state = 'idle'; s.failed = false; s.resubscribeAt = now + this.uniform(5_000, 30_000); }
    }
  }

  private subscribe(s: Sub): void {
    const eventlist = s.target.startsWith('sip:buddies@');
    const r = this.uas[s.phone]!.subscribe(s.target, 'presence', this.now, { expires: 120 + 30 * Math.floor(this.rand() * 7), eventlist });
    if (r.ok) { s.id = r.val; s.state = 'subscribing'; this.counters.subscribes++; } else this.counters.harnessFaults++;
    this.drain(s.phone);
  }

  private subById(phone: number, id: number): Sub | null {
    for (const s of this.subs) if (s.phone === phone && s.id === id) return s;
    return null;
  }

  // =====================================================================================
  // The servers (S1, S2): stateless registrar / PUBLISH / MESSAGE, a forking presence server
  // =====================================================================================

  private serverReceive(server: number, from: number, buf: Uint8Array, off: number, len: number, tcp: boolean, sent: number): void {
    const c = this.counters;
    if (tcp && len === 4 && buf[off] === 0x0d && buf[off + 1] === 0x0a && buf[off + 2] === 0x0d && buf[off + 3] === 0x0a) {
      // RFC 5626 §4.4.1: the pong, a lone CRLF (unless this is a spell of lost pongs).
      if (this.now >= this.pongsLostUntil) { c.pongs++; this.reply(server, from, tcp, '\r\n'); }
      return;
    }
    const v = this.view;
    if (parse(buf, off, len, v, this.parseOptions) <= 0) { c.harnessFaults++; return; }
    if (!v.isRequest) { this.serverResponse(v.statusCode); return; }
    if (v.methodId === M.ACK) return;
    // S1 in trouble: every request gets 503 (maybe with Retry-After) or nothing at all.
    if (server === S1 && this.now < this.troubleUntil) {
      if (this.troubleKind === 2) return;
      this.reply(server, from, tcp, responseText(this.view, 503, 'Service Unavailable', this.troubleKind === 1 ? 'Retry-After: 60\r\n' : ''));
      return;
    }
    if (!this.authorized(server, from, tcp, sent)) return;
    switch (v.methodId) {
      case M.REGISTER: {
        const contact = v.headerText(H.CONTACT) ?? '';
        this.reply(server, from, tcp, responseText(this.view, 200, 'OK', contact === '' ? '' : `Contact: ${contact};expires=${expiresOf(this.view, 600)}\r\n`));
        return;
      }
      case M.PUBLISH:
        this.reply(server, from, tcp, responseText(this.view, 200, 'OK', `SIP-ETag: e${++this.etagSeq}\r\nExpires: ${expiresOf(this.view, 300)}\r\n`));
        return;
      case M.MESSAGE:
        this.reply(server, from, tcp, responseText(this.view, 202, 'Accepted', ''));
        return;
      case M.SUBSCRIBE:
        this.serverSubscribe(server, from, tcp);
        return;
      default:
        this.reply(server, from, tcp, responseText(this.view, 501, 'Not Implemented', ''));
    }
  }

  /**
   * RFC 3261 §22: out-of-dialog requests need credentials for this server's realm and current
   * nonce (the digest itself is not checked: the soak is about the phone). False: challenged
   * (401 for REGISTER, §22.2; 407 for the rest, §22.3), stale=true when the nonce is an old one.
   */
  private authorized(server: number, from: number, tcp: boolean, sent: number): boolean {
    const v = this.view;
    const c = this.counters;
    if (tagOf(v.headerText(H.TO) ?? '') !== '') return true;
    const register = v.methodId === M.REGISTER;
    const realm = `realm="${REALMS[server - S1]!}"`;
    const nonce = `${server === S1 ? 'e' : 'w'}${this.nonceEpoch[server]!}x${Math.floor((this.now + (server - S1) * 7 * MINUTE_MS) / NONCE_LIFETIME_MS)}`;
    const want = register ? H.AUTHORIZATION : H.PROXY_AUTHORIZATION;
    let ours = false;
    let current = false;
    for (let i = 0; i < v.headerCount; i++) {
      if (v.headerId[i] !== want) continue;
      const value = asciiText(v.buf, v.valueOff[i]!, v.valueLen[i]!);
      if (!value.includes(realm)) continue;
      ours = true;
      if (value.includes(`nonce="${nonce}"`)) current = true;
    }
    const callId = v.headerText(H.CALL_ID) ?? '';
    let p = -1;
    for (let k = 0; k < PENDING_CHALLENGES; k++) if (this.pendingServer[k] === server && this.pendingCallId[k] === callId) { p = k; break; }
    if (current) {
      c.authorized++;
      if (p >= 0) {
        c.challengesAnswered++;
        const was = this.pendingSent[p]!;
        if (was === Sent.Failover503) c.answeredAfterFailover503++;
        else if (was === Sent.FailoverTimeout) c.answeredAfterTimeout++;
        else if (was === Sent.Reconnect) c.answeredAfterReconnect++;
        this.pendingServer[p] = 0;
        this.pendingCallId[p] = '';
      }
      return true;
    }
    c.challenges++;
    if (register) c.challenges401++; else c.challenges407++;
    if (ours) c.staleChallenges++;
    if (sent === Sent.Failover503) c.challengesAfterFailover503++;
    else if (sent === Sent.FailoverTimeout) c.challengesAfterTimeout++;
    else if (sent === Sent.Reconnect) c.challengesAfterReconnect++;
    // A chain keeps what its first challenged request was (a stale retry is the same chain).
    if (p < 0) {
      p = this.pendingNext;
      this.pendingNext = (p + 1) % PENDING_CHALLENGES;
      this.pendingServer[p] = server;
      this.pendingCallId[p] = callId;
      this.pendingSent[p] = sent;
    }
    const challenge = `Digest ${realm}, nonce="${nonce}", qop="auth", algorithm=MD5${ours ? ', stale=true' : ''}`;
    this.reply(server, from, tcp, register
      ? responseText(this.view, 401, 'Unauthorized', `WWW-Authenticate: ${challenge}\r\n`)
      : responseText(this.view, 407, 'Proxy Authentication Required', `Proxy-Authenticate: ${challenge}\r\n`));
    return false;
  }

  /** The phone's answer to a server NOTIFY: the first 200 of an extra notifier is a fork dialog made. */
  private serverResponse(status: number): void {
    const v = this.view;
    const callId = v.headerText(H.CALL_ID) ?? '';
    const fromTag = tagOf(v.headerText(H.FROM) ?? '');
    const cseq = v.headerText(H.CSEQ) ?? '';
    if (!cseq.endsWith('NOTIFY')) return;
    const r = this.recordOf(callId);
    if (r === null) return;
    for (let k = 0; k < NOTIFIERS; k++) {
      if (r.tags[k] !== fromTag) continue;
      if (status === 200 && k > 0 && r.confirmed[k] === 0) { r.confirmed[k] = 1; this.counters.forksCreated++; }
      if (status === 481) r.alive[k] = 0;
    }
  }

  private serverSubscribe(server: number, from: number, tcp: boolean): void {
    const v = this.view;
    const c = this.counters;
    const callId = v.headerText(H.CALL_ID) ?? '';
    const toTag = tagOf(v.headerText(H.TO) ?? '');
    const expires = expiresOf(this.view, 3600);
    if (toTag !== '') {
      // In one of the dialogs: a refresh or an unsubscribe.
      const r = this.recordOf(callId);
      const k = r === null ? -1 : r.tags.indexOf(toTag);
      if (r === null || k < 0 || r.alive[k] !== 1 || r.server !== server) { this.reply(server, from, tcp, responseText(this.view, 481, 'Call/Transaction Does Not Exist', '')); return; }
      if (k > 0) c.forkRefreshes++;
      if (k > 0 && r.fate[k] === Fate.Silent && r.fateAt[k] === Infinity) return; // gone silent
      if (k > 0 && r.fate[k] === Fate.Refuses && r.fateAt[k] === Infinity) { r.alive[k] = 0; this.reply(server, from, tcp, responseText(this.view, 481, 'Call/Transaction Does Not Exist', '')); return; }
      this.reply(server, from, tcp, responseText(this.view, 200, 'OK', `Expires: ${expires}\r\nContact: <sip:n${k}@${ADDRESSES[server]}:5060${tcp ? ';transport=tcp' : ''}>\r\n`, toTag));
      if (k === 0) r.expiresAt = expires === 0 ? this.now : this.now + expires * 1000;
      // RFC 6665 §4.2.1.2: a NOTIFY follows every accepted SUBSCRIBE (terminated for Expires: 0).
      if (expires === 0) { r.alive[k] = 0; this.serverNotify(r, k, 'terminated;reason=timeout'); if (k === 0) r.used = false; }
      else this.serverNotify(r, k, `active;expires=${expires}`, true); // RFC 4662 §5.2: full state after a refresh
      return;
    }
    // A new subscription: the proxy forks it. The first notifier answers; all of them NOTIFY.
    let r = this.recordOf(callId);
    if (r === null) for (const x of this.serverSubs) if (!x.used) { r = x; break; }
    if (r === null) { c.harnessFaults++; this.reply(server, from, tcp, responseText(this.view, 503, 'Service Unavailable', '')); return; }
    r.used = true;
    r.server = server;
    r.phone = from;
    r.callId = callId;
    r.subscriberFrom = v.headerText(H.FROM) ?? '';
    r.subscriberContact = stripAngles(v.headerText(H.CONTACT) ?? '');
    const ruri = v.headerText(H.TO) ?? '';
    r.entity = stripAngles(ruri);
    r.tcp = tcp;
    r.expiresAt = this.now + expires * 1000;
    r.nextNotifyAt = this.now + this.uniform(MINUTE_MS, 5 * MINUTE_MS);
    // RFC 4662 §4.4: an RLS takes the list subscription itself (no forks) and says so with Require.
    r.list = r.entity.startsWith('sip:buddies@');
    r.version = 0;
    for (let m = 0; m < LIST_MEMBERS.length; m++) r.members[m] = this.rand() < 0.7 ? 1 : 2;
    const extra = r.list ? 0 : this.rand() < 0.3 ? 2 : 1;
    for (let k = 0; k < NOTIFIERS; k++) {
      r.tags[k] = `n${k}x${++this.tagSeq}`;
      r.cseq[k] = 0;
      r.confirmed[k] = 0;
      r.alive[k] = k <= extra ? 1 : 0;
      const draw = this.rand();
      r.fate[k] = k === 0 || draw < 0.4 ? Fate.Lives : draw < 0.6 ? Fate.Terminates : draw < 0.8 ? Fate.Silent : Fate.Refuses;
      r.fateAt[k] = r.fate[k] === Fate.Lives ? Infinity : this.now + this.uniform(2 * MINUTE_MS, 40 * MINUTE_MS);
    }
    if (expires === 0) { r.used = false; this.reply(server, from, tcp, responseText(this.view, 200, 'OK', 'Expires: 0\r\n', r.tags[0])); return; }
    this.reply(server, from, tcp, responseText(this.view, 200, 'OK', `Expires: ${expires}\r\nContact: <sip:n0@${ADDRESSES[server]}:5060${tcp ? ';transport=tcp' : ''}>\r\n${r.list ? 'Require: eventlist\r\n' : ''}`, r.tags[0]));
    for (let k = 0; k <= extra; k++) this.serverNotify(r, k, `active;expires=${expires}`, true);
  }

  private serverNotify(r: ServerSub, k: number, state: string, full = false): void {
    const c = this.counters;
    const transport = r.tcp ? 'TCP' : 'UDP';
    const host = ADDRESSES[r.server]!;
    if (r.list && !state.startsWith('terminated')) { this.listNotify(r, state, full); return; }
    const body = state.startsWith('terminated') ? '' : pidf(r.entity, `d${k}`, this.rand() < 0.85 ? 'open' : 'closed', ACTIVITIES[Math.floor(this.rand() * ACTIVITIES.length)]!);
    const text = `NOTIFY ${r.subscriberContact} SIP/2.0\r\nVia: SIP/2.0/${transport} ${host}:5060;branch=z9hG4bKsrv${++this.branchSeq}\r\n`
      + `From: <${r.entity}>;tag=${r.tags[k]}\r\nTo: ${r.subscriberFrom}\r\nCall-ID: ${r.callId}\r\nCSeq: ${++r.cseq[k]!} NOTIFY\r\nMax-Forwards: 70\r\n`
      + `Contact: <sip:n${k}@${host}:5060${r.tcp ? ';transport=tcp' : ''}>\r\nEvent: presence\r\nSubscription-State: ${state}\r\n`
      + (body === '' ? '' : 'Content-Type: application/pidf+xml\r\n') + `Content-Length: ${body.length}\r\n\r\n${body}`;
    c.notifies++;
    if (k > 0) c.forkNotifies++;
    if (r.tcp && !this.flowOpen) { c.packetsDropped++; return; } // no flow to eve: the server does not connect back
    const b = ascii(text);
    this.send(r.server, r.phone, b, 0, b.length, r.tcp);
  }

  /**
   * A list NOTIFY (RFC 4662 §5): multipart/related, the RLMI root first, one PIDF part per
   * active member. Full state lists every member still on the list (a terminated one is then
   * dropped: `removed` at the UA); a partial one only the member that changed.
   */
  private listNotify(r: ServerSub, state: string, full: boolean): void {
    const c = this.counters;
    const host = ADDRESSES[r.server]!;
    let changed = -1;
    if (full) {
      for (let m = 0; m < LIST_MEMBERS.length; m++) if (r.members[m] === 3) r.members[m] = 0;
      if (r.version > 0 || r.cseq[0]! > 0) r.version++;
      c.listFullStates++;
    } else {
      changed = Math.floor(this.rand() * LIST_MEMBERS.length);
      const was = r.members[changed]!;
      r.members[changed] = was === 0 || was === 3 ? 1 : this.rand() < 0.12 ? 3 : was === 1 ? 2 : 1;
      // Now and then a version is skipped (as if its NOTIFY were lost): the UA must refresh (§5.2).
      if (this.rand() < 0.06) { r.version++; c.listGaps++; }
      r.version++;
    }
    const entity = r.entity;
    let resources = '';
    let parts = '';
    for (let m = 0; m < LIST_MEMBERS.length; m++) {
      const st = r.members[m]!;
      if (full ? st === 0 : m !== changed) continue;
      const who = LIST_MEMBERS[m]!;
      const uri = `sip:${who}@example.test`;
      const cid = `${who}-${r.version}@rls`;
      if (st === 3) resources += `<resource uri="${uri}"><instance id="i${who}" state="terminated" reason="rejected"/></resource>`;
      else {
        resources += `<resource uri="${uri}"><name>${who}</name><instance id="i${who}" state="active" cid="${cid}"/></resource>`;
        parts += `--${LIST_BOUNDARY}\r\nContent-ID: <${cid}>\r\nContent-Type: application/pidf+xml\r\n\r\n${pidf(uri, 'x', st === 1 ? 'open' : 'closed', '')}\r\n`;
      }
    }
    const rlmi = `<?xml version="1.0" encoding="UTF-8"?><list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${entity}" version="${r.version}" fullState="${full}">${resources}</list>`;
    const body = `--${LIST_BOUNDARY}\r\nContent-ID: <root@rls>\r\nContent-Type: application/rlmi+xml;charset="UTF-8"\r\n\r\n${rlmi}\r\n${parts}--${LIST_BOUNDARY}--\r\n`;
    const text = `NOTIFY ${r.subscriberContact} SIP/2.0\r\nVia: SIP/2.0/${r.tcp ? 'TCP' : 'UDP'} ${host}:5060;branch=z9hG4bKsrv${++this.branchSeq}\r\n`
      + `From: <${entity}>;tag=${r.tags[0]}\r\nTo: ${r.subscriberFrom}\r\nCall-ID: ${r.callId}\r\nCSeq: ${++r.cseq[0]!} NOTIFY\r\nMax-Forwards: 70\r\n`
      + `Contact: <sip:n0@${host}:5060${r.tcp ? ';transport=tcp' : ''}>\r\nEvent: presence\r\nSubscription-State: ${state}\r\nRequire: eventlist\r\n`
      + `Content-Type: multipart/related;type="application/rlmi+xml";start="<root@rls>";boundary="${LIST_BOUNDARY}"\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    c.notifies++;
    c.listNotifies++;
    if (r.tcp && !this.flowOpen) { c.packetsDropped++; return; }
    const b = ascii(text);
    this.send(r.server, r.phone, b, 0, b.length, r.tcp);
  }

  private reply(server: number, to: number, tcp: boolean, text: string): void {
    const b = ascii(text);
    this.send(server, to, b, 0, b.length, tcp);
  }

  private recordOf(callId: string): ServerSub | null {
    for (const r of this.serverSubs) if (r.used && r.callId === callId) return r;
    return null;
  }
}

/** Occupancy line for the per-hour table of this scenario (flows and forks). */
export function flowOccupancyLine(o: UaOccupancy): string {
  return `tx ${o.clientTransactions}/${o.serverTransactions} bufs ${o.requestBuffersInUse}/${o.responseBuffersInUse} subs ${o.subscriptions} dialogs ${o.dialogs} forks ${o.forkDialogs} flows ${o.streamFlows} endpoints ${o.endpointsInUse}`;
}
