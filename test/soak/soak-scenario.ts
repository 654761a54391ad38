// The leak soak: three phones and a scripted registrar joined by an in-memory network with a
// virtual clock, churned for hours on a deterministic seeded schedule (the core is sans-I/O with
// injected time, so 24 hours run in seconds). The same code runs on Node (soak-node.test.ts,
// which diffs the program data of V8 heap snapshots taken after gc()) and inside QuickJS
// (soak-quickjs.test.ts, which reads the engine's exact memory_used_size): engine-neutral, so no
// Node or DOM API in here. Both also check the UAs' occupancy (UserAgent.occupancy): a pool slot
// that never comes back leaves the heap flat (the pools are allocated once) but shows there.
//
// The harness must not leak itself, or the heap diff would measure it: no logs, no growing
// arrays. Packets are copied into a fixed ring of fixed slots (one-way latency is fixed, so the
// ring is FIFO in delivery order); one Outgoing is reused; counters are numbers; late answers to
// MESSAGEs wait in a fixed table. The only growth is the deliberate one of `leak: true` (the
// control run of soak-node.test.ts): one small object kept per request sent, which the heap
// bound must catch.
//
// Who does what (RFC numbers are the UA's; this file only drives it):
// - alice, bob: peer to peer (registrar: null), notifiers of presence and dialog (enableNotifier),
//   presence tracked (trackPresence). They subscribe to each other and to carol with short
//   Expires (120-300 s, so hundreds of refreshes), unsubscribe and subscribe again, change state
//   (NOTIFYs), exchange page-mode MESSAGEs answered at once, late, too late, or never (the UA's
//   deadline answer), send OPTIONS, and start session-mode chats with each other (RFC 4975
//   over INVITE, SIP side only: the MSRP connection is the host's and is not opened here):
//   accepted at once or late, refused, left to the 480 of the answer timeout, cancelled by the
//   caller before the answer, hung up by either side (BYE). Every 3-5 hours one of them restarts
//   (a new UserAgent; cleanly or by a power cut).
// - carol: registers (expires 300) with a scripted registrar that also takes PUBLISH (expires
//   240) and MESSAGE (202, 404, or silence → Timer F timeouts) and asks for digest credentials
//   (401 / 407, a new nonce every 30 minutes: stale=true); she serves presence and dialog to
//   alice and bob peer to peer and takes their MESSAGEs.
// - the network: periods of loss (15-50 % of packets for minutes: retransmissions, timeouts,
//   408s, subscription failures, backoff and recovery) and full outages of a few minutes.
import { UserAgent, Outgoing, notifierModule, chatModule, UaOccupancy, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { PresenceStates } from '../../core/presence/presence-states.js';
import type { PublishedDialog } from '../../core/packages/dialog-info-writer.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipWriter } from '../../core/sip/writer.js';
import { H, M } from '../../core/sip/header-ids.js';
import { SoakBase, ascii, xorshift, HOUR_MS, MINUTE_MS, LATENCY_MS, SLOT_BYTES } from './soak-base.js';

export { xorshift, HOUR_MS };

const PHONES = 3;
const SERVER = 3;
const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'];
const AORS = ['sip:alice@10.0.0.1:5060', 'sip:bob@10.0.0.2:5060', 'sip:carol@10.0.0.3:5060'];

const pidf = (entity: string, basic: string, activity: string, note: string): Uint8Array => ascii(
  '<?xml version="1.0" encoding="UTF-8"?>'
  + `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">`
  + `<tuple id="t1"><status><basic>${basic}</basic></status></tuple>`
  + `<dm:person id="p1">${activity === '' ? '' : `<rpid:activities><rpid:${activity}/></rpid:activities>`}<dm:note>${note}</dm:note></dm:person></presence>`,
);

/** Presence states a phone cycles through: available, busy, do-not-disturb, on the phone, away, offline. */
function presenceBodies(entity: string): Uint8Array[] {
  return [
    pidf(entity, 'open', '', 'at my desk'),
    pidf(entity, 'open', 'busy', 'busy'),
    pidf(entity, 'open', 'busy', 'do not disturb'),
    pidf(entity, 'open', 'on-the-phone', 'on a call'),
    pidf(entity, 'open', 'meeting', 'weekly sync'),
    pidf(entity, 'open', 'away', 'lunch'),
    pidf(entity, 'closed', '', 'gone home'),
  ];
}

const PEER = { identity: 'sip:dave@10.0.0.7', display: 'Dave' };
/** Busy-lamp states: idle, ringing, talking, hung up. */
const DIALOG_STATES: readonly (readonly PublishedDialog[])[] = [
  [],
  [{ id: 'c1', direction: 'recipient', state: 'early', remote: PEER }],
  [{ id: 'c1', direction: 'recipient', state: 'confirmed', remote: PEER }],
  [{ id: 'c1', direction: 'recipient', state: 'terminated', event: 'local-bye', remote: PEER }],
];

const MESSAGE_BODIES = [ascii('hello'), ascii('are you free for a call?'), ascii('meeting moved to 3 pm'), ascii('ok, thanks!'), ascii('x'.repeat(300))];

/** What a soak run has done so far: the test asserts minimums so it cannot pass by doing nothing. */
export class SoakCounters {
  requestsSent = 0;
  retransmissions = 0;
  responsesSent = 0;
  subscribes = 0;
  notifies = 0;
  messages = 0;
  registers = 0;
  publishes = 0;
  options = 0;
  packetsDropped = 0;
  refreshes = 0;
  subscriptionFailures = 0;
  subscriptionRecoveries = 0;
  unsubscribes = 0;
  resubscribes = 0;
  presenceEvents = 0;
  notifyEvents = 0;
  watchersStarted = 0;
  watchersEnded = 0;
  messagesReceived = 0;
  answeredAtOnce = 0;
  answeredLate = 0;
  answeredTooLate = 0;
  leftToDeadline = 0;
  messageAccepted = 0;
  messageRefused = 0;
  messageTimeout = 0;
  messageTransportFailed = 0;
  optionsAnswered = 0;
  chatsStarted = 0;
  chatOffers = 0;
  chatsAccepted = 0;
  chatsAcceptedLate = 0;
  chatsRejected = 0;
  chatsLeftUnanswered = 0;
  chatsCancelled = 0;
  chatsConnected = 0;
  chatsEnded = 0;
  /** Chats that ended with a failure status at the caller (486, 603, 480, 487, 408, …). */
  chatsFailed = 0;
  /** Chats whose caller restarted before they ended (they end with the UA). */
  chatsLostToRestart = 0;
  /** A late accept / hang-up of a chat that had ended meanwhile (refused by the UA, as it should be). */
  chatCommandsTooLate = 0;
  registrations = 0;
  /** 401/407 challenges the scripted registrar sent (digest: first contact and every nonce rotation). */
  challenges = 0;
  /** Presence NOTIFYs (not final) that came as `notify` events: the tracked states ran out of room (a slot leak). */
  presenceUntracked = 0;
  registrationLost = 0;
  published = 0;
  publishFailed = 0;
  stateChanges = 0;
  lossPeriods = 0;
  /** Alice or bob restarted: after shutdown(), or by a power cut (a new UserAgent either way). */
  cleanRestarts = 0;
  powerCuts = 0;
  outages = 0;
  warnings = 0;
  /** handleTimeout calls after which pollTimeout() was still due (a host busy loop; must stay 0). */
  stuckDeadlines = 0;
  /** Harness faults (must stay 0): ring full, oversize packet, unroutable destination, command refused unexpectedly. */
  harnessFaults = 0;
}

interface Sub {
  readonly from: number;
  readonly to: number;
  readonly event: string;
  expires: number;
  id: number;
  /** When to subscribe again after a churn unsubscribe (Infinity: not waiting). */
  resubscribeAt: number;
  /** The UA's subscription state, as last reported. */
  state: string;
  failed: boolean;
}

/** A chat the script will act on later (fixed table, reused): accept it (callee) or hang it up. */
interface ChatPlan { phone: number; id: number; acceptAt: number; endAt: number; caller: boolean }

/** Where a MESSAGE answer waits (fixed table, reused). */
interface LateAnswer { phone: number; id: number; at: number; status: number }

export interface SoakOptions {
  readonly seed?: number;
  /** Control run: keep one small object per request sent (a deliberate leak the heap bound must catch). */
  readonly leak?: boolean;
}

export class SoakScenario extends SoakBase<Sub> {
  override readonly counters = new SoakCounters();
  private readonly endpoints: Endpoint[];
  /** Last client transaction id sent per engine slot, per phone: a second send is a retransmission. */
  private readonly lastClientTx: Int32Array[];
  private readonly lastServerTx: Int32Array[];

  // ---- the script ----
  private readonly bodies: Uint8Array[][] = [];
  private readonly late: LateAnswer[] = [];
  private readonly chats: ChatPlan[] = [];
  private nextChat = 0;
  private readonly seed: number;
  private boots = 0;
  private nextRestart = 3 * HOUR_MS + 20 * MINUTE_MS;
  private nextStateChange = new Float64Array(PHONES);
  private nextMessage = 0;
  private nextChurn = 0;
  private nextOptions = 0;
  private nextLoss = 0;
  private lossEnds = 0;
  private lossRate = 0;
  private outageEnds = 0;
  /** The next full outage (every OUTAGE_EVERY_MS from hour 7.5). */
  private outageAt = 7.5 * HOUR_MS;
  /** After quiesce(): no more churn, loss or state changes; subscriptions, refreshes and notifiers run on. */
  private quiet = false;

  // ---- the scripted registrar (carol's outbound proxy) ----
  private readonly serverView = new SipMessageView();
  private readonly serverWriter = new SipWriter();
  private readonly serverBuf = new Uint8Array(SLOT_BYTES);
  private readonly serverEtag = ascii('etag00000');
  private serverEtagSeq = 0;
  /** The registrar's current nonce: a new one every NONCE_LIFETIME_MS (the old one is then stale). */
  private readonly nonce = ascii('n00000000');
  private nonceSeq = -1;
  private readonly parseOptions = createParseOptions({ datagram: true });

  constructor(options: SoakOptions = {}) {
    const seed = options.seed ?? 2026;
    super(PHONES, xorshift(seed), options.leak === true, 'soak');
    this.endpoints = ADDRESSES.map((address) => ({ transport: 'udp' as const, address, port: 5060 }));
    this.seed = seed;
    for (let i = 0; i < PHONES; i++) {
      this.uas.push(this.makeUa(i, seed * 31 + i + 1));
      this.bodies.push(presenceBodies(AORS[i]!));
      this.deadlines[i] = Infinity;
    }
    this.lastClientTx = this.uas.map((u) => new Int32Array(u.config.capacities.maxTransactions).fill(-1));
    this.lastServerTx = this.uas.map((u) => new Int32Array(u.config.capacities.maxTransactions).fill(-1));
    for (let i = 0; i < 16; i++) this.late.push({ phone: -1, id: -1, at: Infinity, status: 200 });
    for (let i = 0; i < 16; i++) this.chats.push({ phone: -1, id: -1, acceptAt: Infinity, endAt: Infinity, caller: false });
    // The subscriptions: each phone watches the others' presence and busy lamps (carol only serves).
    const plan: [number, number, string][] = [
      [0, 1, 'presence'], [0, 1, 'dialog'], [0, 2, 'presence'], [0, 2, 'dialog'],
      [1, 0, 'presence'], [1, 0, 'dialog'], [1, 2, 'presence'], [1, 2, 'dialog'],
    ];
    for (const [from, to, event] of plan) {
      this.subs.push({ from, to, event, expires: this.expiresDraw(), id: -1, resubscribeAt: Infinity, state: 'idle', failed: false });
    }
    this.nextStateChange.fill(MINUTE_MS);
    this.nextMessage = 30_000;
    this.nextChurn = 20 * MINUTE_MS;
    this.nextOptions = 5 * MINUTE_MS;
    this.nextLoss = 40 * MINUTE_MS;
    this.nextChat = 3 * MINUTE_MS;
  }

  private makeUa(i: number, seed: number): UserAgent {
    const carol = i === 2;
    const config: UaConfig = {
      aor: AORS[i]!, registrar: carol ? 'sip:10.0.0.9:5060' : null, ...(carol ? { username: 'carol', password: 'carolpw' } : {}), localAddress: ADDRESSES[i]!, localPort: 5060,
      random: xorshift(seed), expires: 300, publishExpires: 240,
      // Short backoff so failures recover within the loss period's aftermath, as a phone would want.
      backoff: { baseS: 15, maxS: 120 },
      inboundMessagePolicy: 'open',
    };
    const ua = new UserAgent(config);
    ua.enableNotifier(notifierModule);
    ua.serve('presence', { policy: 'everyone', maxExpires: 3600 });
    ua.serve('dialog', { policy: 'everyone', maxExpires: 3600 });
    if (!carol) {
      ua.trackPresence(new PresenceStates({ maxStates: 16 }));
      ua.enableChat(chatModule, { listener: { address: ADDRESSES[i]!, port: 7000 } });
    }
    return ua;
  }

  /**
   * Alice or bob restarts (esp-adf #384: "SIP destroy task … slow leak"): half the time cleanly
   * (shutdown(), its requests sent, then gone), half the time by a power cut (gone mid-flight).
   * A new UserAgent takes the address and subscribes again after booting; the peers find out by
   * 481s and timeouts. If anything in the core kept a destroyed UA alive (a module-level cache, a
   * cursor holding its view), each restart would leave ~0.3 MB behind: the heap diff would see it.
   */
  private reboot(): void {
    const c = this.counters;
    const i = this.pick(2);
    if (this.rand() < 0.5) {
      c.cleanRestarts++;
      this.check(this.uas[i]!.shutdown(this.now).ok);
      this.drain(i);
    } else c.powerCuts++;
    this.uas[i] = this.makeUa(i, (this.seed * 31 + i + 1) ^ Math.imul(++this.boots, 0x9e3779b1));
    this.deadlines[i] = this.uas[i]!.pollTimeout();
    this.lastClientTx[i]!.fill(-1);
    this.lastServerTx[i]!.fill(-1);
    const bootedAt = this.now + this.uniform(5_000, 30_000);
    for (const s of this.subs) if (s.from === i) { s.id = -1; s.state = 'idle'; s.failed = false; s.resubscribeAt = bootedAt; }
    for (const p of this.chats) {
      if (p.id < 0) continue;
      if (p.phone !== i) {
        // The other phone's chats were with this one: their MSRP connections break, and the host
        // ends them (the SIP side has no liveness check of its own; no BYE will come).
        p.acceptAt = Infinity;
        p.endAt = Math.min(p.endAt, this.now + this.uniform(1_000, 10_000));
        continue;
      }
      if (p.caller) c.chatsLostToRestart++;
      p.phone = -1; p.id = -1; p.acceptAt = Infinity; p.endAt = Infinity;
    }
    for (const l of this.late) if (l.phone === i) { l.phone = -1; l.id = -1; l.at = Infinity; }
  }

  /** Registers carol, subscribes everything: call once before run(). */
  start(): void {
    this.check(this.uas[2]!.register(this.now).ok);
    this.drain(2);
    for (const s of this.subs) this.subscribe(s);
  }

  /**
   * Ends the churn: the network heals, every churned subscription comes back, no more state
   * changes, MESSAGEs or loss. Subscriptions, refreshes and NOTIFYs go on as on an idle phone.
   */
  quiesce(): void {
    this.quiet = true;
    this.lossEnds = 0;
    this.outageEnds = 0;
    for (const s of this.subs) {
      s.resubscribeAt = Infinity;
      if (s.id < 0) { this.counters.resubscribes++; this.subscribe(s); }
    }
  }

  /** Every phone shuts down (unsubscribe all, end every watcher, unpublish, unregister). */
  shutdown(): void {
    this.quiet = true;
    for (let i = 0; i < PHONES; i++) {
      this.check(this.uas[i]!.shutdown(this.now).ok);
      this.drain(i);
    }
    for (const s of this.subs) { s.id = -1; s.resubscribeAt = Infinity; }
  }

  // =====================================================================================
  // The host loop (core/ua/README.md): inputs → drain pollTransmit → pollTimeout → pollEvent
  // =====================================================================================

  protected override drain(i: number): void {
    const ua = this.uas[i]!;
    const out = this.out;
    for (let guard = 0; guard < 64; guard++) {
      while (ua.pollTransmit(out)) this.transmitted(i, out);
      this.deadlines[i] = ua.pollTimeout();
      let again = false;
      let e: UaEvent | undefined;
      while ((e = ua.pollEvent()) !== undefined) if (this.onEvent(i, e)) again = true;
      // A command issued from an event (respondToMessage) has output of its own.
      if (!again) return;
    }
  }

  private transmitted(from: number, out: Outgoing): void {
    const c = this.counters;
    const b = out.bytes;
    const first = b[out.off]!;
    const isResponse = first === 0x53 && b[out.off + 1] === 0x49 && b[out.off + 2] === 0x50 && b[out.off + 3] === 0x2f; // "SIP/"
    if (isResponse) {
      c.responsesSent++;
      const t = SERVER_TX(out.token);
      const cap = this.lastServerTx[from]!;
      if (t >= 0) { if (cap[t % cap.length] === t) c.retransmissions++; else cap[t % cap.length] = t; }
    } else {
      c.requestsSent++;
      const cap = this.lastClientTx[from]!;
      const t = out.token;
      if (t >= 0 && cap[t % cap.length] === t) c.retransmissions++;
      else {
        if (t >= 0) cap[t % cap.length] = t;
        // One method letter is enough to tell the requests of this UA apart.
        if (first === 0x53) c.subscribes++;
        else if (first === 0x4e) c.notifies++;
        else if (first === 0x4d) c.messages++;
        else if (first === 0x52) c.registers++;
        else if (first === 0x50) c.publishes++;
        else if (first === 0x4f) c.options++;
      }
      this.keep(c.requestsSent, out.len);
    }
    this.send(from, this.nodeOf(out.endpoint.address), b, out.off, out.len);
  }

  private nodeOf(address: string): number {
    for (let i = 0; i < ADDRESSES.length; i++) if (ADDRESSES[i] === address) return i;
    return -1;
  }

  private send(from: number, to: number, bytes: Uint8Array, off: number, len: number): void {
    const c = this.counters;
    if (to < 0 || !this.ring.fits(len)) { c.harnessFaults++; return; }
    if (this.now < this.outageEnds || (this.now < this.lossEnds && this.rand() < this.lossRate)) { c.packetsDropped++; return; }
    this.ring.push(from, to, bytes, off, len, this.now + LATENCY_MS);
  }

  protected override deliverHead(): void {
    const ring = this.ring;
    const at = ring.shift();
    const to = ring.to[at]!;
    const from = this.endpoints[ring.from[at]!]!;
    const off = at * SLOT_BYTES;
    const len = ring.len[at]!;
    // The slot counts as free now; send() keeps one slot spare, so no reply is copied over it while it is read.
    if (to === SERVER) { this.serverReceive(ring.bytes, off, len, from); return; }
    this.uas[to]!.handleDatagram(ring.bytes, off, len, from, this.now);
    this.drain(to);
  }

  // =====================================================================================
  // Events: counted, and MESSAGEs answered the way the script says
  // =====================================================================================

  /** True when a command was issued (the caller drains again). */
  private onEvent(phone: number, e: UaEvent): boolean {
    const c = this.counters;
    switch (e.kind) {
      case 'subscription': {
        const s = this.subById(phone, e.id);
        if (s === null) return false;
        this.countSubscriptionState(s, e.state);
        s.state = e.state;
        return false;
      }
      case 'presence': c.presenceEvents++; return false;
      case 'notify':
        c.notifyEvents++;
        // (Before a phone's first state change its presence NOTIFYs carry no body: nothing to track.)
        if (e.event === 'presence' && e.state !== 'terminated' && e.body.length > 0 && phone !== 2) c.presenceUntracked++;
        return false;
      case 'watcher': if (e.state === 'terminated') c.watchersEnded++; else c.watchersStarted++; return false;
      case 'message': return this.answerMessage(phone, e.id);
      case 'message-status':
        if (e.outcome === 'accepted') c.messageAccepted++;
        else if (e.outcome === 'refused') c.messageRefused++;
        else if (e.outcome === 'timeout') c.messageTimeout++;
        else c.messageTransportFailed++;
        return false;
      case 'options-status': c.optionsAnswered++; return false;
      case 'registration': if (e.state === 'registered') c.registrations++; return false;
      case 'registration-lost': c.registrationLost++; return false;
      case 'publish-outcome': if (e.ok) c.published++; else c.publishFailed++; return false;
      case 'warning': c.warnings++; return false;
      case 'chat-offer': return this.onChatOffer(phone, e.sessionId);
      case 'chat-state': this.onChatState(phone, e.sessionId, e.state, e.status); return false;
      default: return false;
    }
  }

  private answerMessage(phone: number, id: number): boolean {
    const c = this.counters;
    c.messagesReceived++;
    const r = this.rand();
    if (r < 0.55) {
      c.answeredAtOnce++;
      this.check(this.uas[phone]!.respondToMessage(id, 200, this.now).ok);
      return true;
    }
    if (r < 0.62) {
      // Do not disturb: 480 with Retry-After (RFC 3261 §20.33).
      c.answeredAtOnce++;
      this.check(this.uas[phone]!.respondToMessage(id, 480, this.now, { retryAfter: 600 }).ok);
      return true;
    }
    if (r < 0.85) { this.answerLater(phone, id, this.now + 300 + Math.floor(this.rand() * 1500), 202); return false; }
    if (r < 0.93) { this.answerLater(phone, id, this.now + 2500 + Math.floor(this.rand() * 3000), 200); return false; }
    c.leftToDeadline++;
    return false;
  }

  private onChatOffer(phone: number, id: number): boolean {
    const c = this.counters;
    c.chatOffers++;
    const r = this.rand();
    if (r < 0.55) {
      c.chatsAccepted++;
      this.check(this.uas[phone]!.acceptChat(id, this.now).ok);
      this.planChat(phone, id, Infinity, this.rand() < 0.3 ? this.now + this.uniform(5_000, 120_000) : Infinity, false);
      return true;
    }
    if (r < 0.7) {
      // Accepted after a few seconds of ringing (the caller may have cancelled meanwhile).
      this.planChat(phone, id, this.now + this.uniform(2_000, 8_000), Infinity, false);
      return false;
    }
    if (r < 0.85) {
      c.chatsRejected++;
      this.check(this.uas[phone]!.rejectChat(id, this.rand() < 0.5 ? 486 : 603, this.now).ok);
      return true;
    }
    c.chatsLeftUnanswered++; // the UA answers 480 after answerTimeoutMs (60 s)
    return false;
  }

  private onChatState(phone: number, id: number, state: string, status: number): void {
    const c = this.counters;
    const plan = this.chatPlan(phone, id);
    if (state === 'connected' && plan !== null && plan.caller) {
      c.chatsConnected++;
      // The caller hangs up after a while (the callee may do it first).
      plan.endAt = Math.min(plan.endAt, this.now + this.uniform(10_000, 180_000));
    }
    if (state === 'ended') {
      if (plan !== null && plan.caller) { c.chatsEnded++; if (status >= 300) c.chatsFailed++; }
      if (plan !== null) { plan.phone = -1; plan.id = -1; plan.acceptAt = Infinity; plan.endAt = Infinity; }
    }
  }

  private planChat(phone: number, id: number, acceptAt: number, endAt: number, caller: boolean): void {
    for (const p of this.chats) {
      if (p.id < 0) { p.phone = phone; p.id = id; p.acceptAt = acceptAt; p.endAt = endAt; p.caller = caller; return; }
    }
    this.counters.harnessFaults++;
  }

  private chatPlan(phone: number, id: number): ChatPlan | null {
    for (const p of this.chats) if (p.phone === phone && p.id === id) return p;
    return null;
  }

  private answerLater(phone: number, id: number, at: number, status: number): void {
    for (const l of this.late) {
      if (l.id < 0) { l.phone = phone; l.id = id; l.at = at; l.status = status; return; }
    }
    this.counters.leftToDeadline++; // table full: the UA's deadline answers it
  }

  // =====================================================================================
  // The script
  // =====================================================================================

  protected override nextScriptAt(): number {
    let t = Infinity;
    for (const l of this.late) if (l.at < t) t = l.at;
    for (const s of this.subs) if (s.resubscribeAt < t) t = s.resubscribeAt;
    for (const p of this.chats) { if (p.acceptAt < t) t = p.acceptAt; if (p.endAt < t) t = p.endAt; }
    if (this.quiet) return t;
    for (let i = 0; i < PHONES; i++) t = Math.min(t, this.nextStateChange[i]!);
    t = Math.min(t, this.nextMessage, this.nextChurn, this.nextOptions, this.nextLoss, this.nextChat, this.nextRestart);
    return Math.min(t, this.outageAt);
  }

  protected override script(): void {
    const now = this.now;
    const c = this.counters;
    for (const l of this.late) {
      if (l.id >= 0 && l.at <= now) {
        const r = this.uas[l.phone]!.respondToMessage(l.id, l.status, now);
        // Past the deadline the UA has answered 200 itself: the late answer is refused (README).
        if (r.ok) c.answeredLate++; else c.answeredTooLate++;
        const phone = l.phone;
        l.id = -1; l.phone = -1; l.at = Infinity;
        this.drain(phone);
        return;
      }
    }
    for (const s of this.subs) {
      if (s.resubscribeAt <= now) { s.resubscribeAt = Infinity; c.resubscribes++; this.subscribe(s); return; }
    }
    for (const p of this.chats) {
      if (p.id < 0) continue;
      const phone = p.phone;
      if (p.acceptAt <= now) {
        p.acceptAt = Infinity;
        if (this.uas[phone]!.acceptChat(p.id, now).ok) { c.chatsAcceptedLate++; if (this.rand() < 0.3) p.endAt = now + this.uniform(5_000, 120_000); } else c.chatCommandsTooLate++;
        this.drain(phone);
        return;
      }
      if (p.endAt <= now) {
        p.endAt = Infinity;
        // Before the answer this is the caller's CANCEL; after it, a BYE.
        if (!this.uas[phone]!.endChat(p.id, now).ok) c.chatCommandsTooLate++;
        this.drain(phone);
        return;
      }
    }
    if (this.quiet) return;
    for (let i = 0; i < PHONES; i++) {
      if (this.nextStateChange[i]! <= now) { this.changeState(i); this.nextStateChange[i] = now + this.uniform(2 * MINUTE_MS, 8 * MINUTE_MS); return; }
    }
    if (this.nextMessage <= now) { this.sendMessage(); this.nextMessage = now + this.uniform(10_000, 40_000); return; }
    if (this.nextChurn <= now) { this.churn(); this.nextChurn = now + this.uniform(5 * MINUTE_MS, 20 * MINUTE_MS); return; }
    if (this.nextOptions <= now) {
      const from = this.pick(2);
      this.check(this.uas[from]!.sendOptions(AORS[this.other(from)]!, now).ok);
      this.drain(from);
      this.nextOptions = now + this.uniform(3 * MINUTE_MS, 10 * MINUTE_MS);
      return;
    }
    if (this.nextRestart <= now) {
      this.nextRestart = now + this.uniform(3 * HOUR_MS, 5 * HOUR_MS);
      this.reboot();
      return;
    }
    if (this.nextChat <= now) {
      this.nextChat = now + this.uniform(2 * MINUTE_MS, 8 * MINUTE_MS);
      const from = this.pick(2);
      const r = this.uas[from]!.startChat(AORS[1 - from]!, now);
      if (!r.ok) { c.harnessFaults++; return; }
      c.chatsStarted++;
      // One in eight callers gives up before the answer (CANCEL, RFC 3261 §9.1).
      const cancel = this.rand() < 0.125;
      if (cancel) c.chatsCancelled++;
      this.planChat(from, r.val, Infinity, cancel ? now + this.uniform(300, 4_000) : Infinity, true);
      this.drain(from);
      return;
    }
    if (this.nextLoss <= now) {
      c.lossPeriods++;
      this.lossRate = 0.15 + 0.35 * this.rand();
      this.lossEnds = now + this.uniform(3 * MINUTE_MS, 12 * MINUTE_MS);
      this.nextLoss = now + this.uniform(60 * MINUTE_MS, 120 * MINUTE_MS);
      return;
    }
    if (this.outageAt <= now) {
      c.outages++;
      this.outageEnds = now + this.uniform(3 * MINUTE_MS, 5 * MINUTE_MS);
      this.outageAt += OUTAGE_EVERY_MS;
    }
  }

  private changeState(phone: number): void {
    const ua = this.uas[phone]!;
    const bodies = this.bodies[phone]!;
    const body = bodies[Math.floor(this.rand() * bodies.length)]!;
    this.counters.stateChanges++;
    this.check(ua.notify('presence', 'application/pidf+xml', body, this.now).ok);
    this.check(ua.setDialogState(DIALOG_STATES[Math.floor(this.rand() * DIALOG_STATES.length)]!, this.now).ok);
    // Carol also publishes to her presence server (RFC 3903): refreshes, modifies, SIP-If-Match.
    if (phone === 2) this.check(ua.publish(body, 'application/pidf+xml', this.now).ok);
    this.drain(phone);
  }

  private sendMessage(): void {
    // Alice and bob write to each other and to carol; carol writes through her proxy (the
    // scripted registrar answers 202, 404, or nothing at all).
    const from = this.pick(3);
    const to = this.other(from);
    const body = MESSAGE_BODIES[Math.floor(this.rand() * MESSAGE_BODIES.length)]!;
    this.check(this.uas[from]!.sendMessage(AORS[to]!, 'text/plain', body, this.now).ok);
    this.drain(from);
  }

  private churn(): void {
    const s = this.subs[Math.floor(this.rand() * this.subs.length)]!;
    if (s.id < 0) return;
    this.counters.unsubscribes++;
    this.check(this.uas[s.from]!.unsubscribe(s.id, this.now).ok);
    s.id = -1;
    s.state = 'idle';
    s.failed = false;
    s.expires = this.expiresDraw();
    s.resubscribeAt = this.now + this.uniform(5_000, 120_000);
    this.drain(s.from);
  }

  private subscribe(s: Sub): void {
    const r = this.uas[s.from]!.subscribe(AORS[s.to]!, s.event, this.now, { expires: s.expires });
    if (r.ok) { s.id = r.val; s.state = 'subscribing'; } else this.counters.harnessFaults++;
    this.drain(s.from);
  }

  private subById(phone: number, id: number): Sub | null {
    for (const s of this.subs) if (s.from === phone && s.id === id) return s;
    return null;
  }

  private expiresDraw(): number {
    return 120 + 30 * Math.floor(this.rand() * 7); // 120, 150, … 300 s
  }

  /** A phone among the first `n`. */
  private pick(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private other(phone: number): number {
    const k = 1 + Math.floor(this.rand() * (PHONES - 1));
    return (phone + k) % PHONES;
  }

  // =====================================================================================
  // The scripted registrar: REGISTER 200 (our binding with expires), PUBLISH 200 with a new
  // SIP-ETag, MESSAGE 202 / 404 / silence (a Timer F timeout at carol). Stateless: a
  // retransmitted request gets the same answer again. Writes with the core's SipWriter,
  // copying header bytes (no strings).
  // =====================================================================================

  private serverReceive(buf: Uint8Array, off: number, len: number, from: Endpoint): void {
    const v = this.serverView;
    if (parse(buf, off, len, v, this.parseOptions) <= 0) { this.counters.harnessFaults++; return; }
    if (!v.isRequest || v.methodId === M.ACK) return;
    const callId = v.find(H.CALL_ID);
    let hash = 0;
    for (let k = 0; k < v.valueLen[callId]!; k++) hash = (hash * 31 + v.buf[v.valueOff[callId]! + k]!) | 0;
    const w = this.serverWriter;
    const out = this.serverBuf;
    // RFC 3261 §22: every request must carry credentials for the current nonce (not checked
    // further: the soak is about the phone's memory, not the registrar's security).
    const seq = Math.floor(this.now / NONCE_LIFETIME_MS);
    if (seq !== this.nonceSeq) { this.nonceSeq = seq; writeDigits(this.nonce, 1, seq); }
    const proxy = v.methodId !== M.REGISTER;
    const auth = v.find(proxy ? H.PROXY_AUTHORIZATION : H.AUTHORIZATION);
    if (auth < 0 || !contains(v.buf, v.valueOff[auth]!, v.valueLen[auth]!, this.nonce)) {
      this.counters.challenges++;
      this.head(proxy ? 407 : 401, proxy ? 'Proxy Authentication Required' : 'Unauthorized');
      w.beginId(proxy ? H.PROXY_AUTHENTICATE : H.WWW_AUTHENTICATE).text('Digest realm="soak", nonce="').bytes(this.nonce, 0, this.nonce.length)
        .text(auth < 0 ? '", qop="auth", algorithm=MD5' : '", qop="auth", algorithm=MD5, stale=true').end();
      const n = w.finish();
      if (n > 0) this.send(SERVER, this.nodeOf(from.address), out, 0, n); else this.counters.harnessFaults++;
      return;
    }
    switch (v.methodId) {
      case M.REGISTER: {
        this.head(200, 'OK');
        const ci = v.find(H.CONTACT);
        if (ci >= 0) w.beginId(H.CONTACT).bytes(v.buf, v.valueOff[ci]!, v.valueLen[ci]!).text(';expires=').uint(this.requestedExpires(300)).end();
        break;
      }
      case M.PUBLISH: {
        this.head(200, 'OK');
        const e = this.serverEtag;
        writeDigits(e, 4, ++this.serverEtagSeq);
        w.headerIdBytes(H.SIP_ETAG, e, 0, e.length);
        w.headerIdUint(H.EXPIRES, this.requestedExpires(240));
        break;
      }
      case M.MESSAGE: {
        const r = ((hash >>> 0) % 10);
        if (r < 2) return; // never answered: carol's transaction times out (Timer F, 408)
        if (r < 4) this.head(404, 'Not Found'); else this.head(202, 'Accepted');
        break;
      }
      default:
        this.head(501, 'Not Implemented');
    }
    const n = w.finish();
    if (n <= 0) { this.counters.harnessFaults++; return; }
    this.send(SERVER, this.nodeOf(from.address), out, 0, n);
  }

  /** Status line and the headers §8.2.6.2 copies (Vias, From, To with a tag, Call-ID, CSeq). */
  private head(status: number, reason: string): void {
    const v = this.serverView;
    const w = this.serverWriter;
    w.response(this.serverBuf, 0, this.serverBuf.length, status, reason);
    for (let i = 0; i < v.headerCount; i++) {
      const id = v.headerId[i]!;
      if (id === H.VIA || id === H.FROM || id === H.CALL_ID || id === H.CSEQ) w.headerIdBytes(id, v.buf, v.valueOff[i]!, v.valueLen[i]!);
      else if (id === H.TO) {
        const b = w.beginId(H.TO).bytes(v.buf, v.valueOff[i]!, v.valueLen[i]!);
        if (!hasTag(v.buf, v.valueOff[i]!, v.valueLen[i]!)) b.text(';tag=srv1');
        b.end();
      }
    }
  }

  private requestedExpires(fallback: number): number {
    const i = this.serverView.find(H.EXPIRES);
    if (i < 0) return fallback;
    let n = 0;
    for (let k = 0; k < this.serverView.valueLen[i]!; k++) {
      const d = this.serverView.buf[this.serverView.valueOff[i]! + k]! - 0x30;
      if (d >= 0 && d <= 9) n = n * 10 + d;
    }
    return n;
  }
}

const NONCE_LIFETIME_MS = 30 * MINUTE_MS;
/** Full network outages (3-5 minutes) at hours 7.5, 17.25, 27, …: about two a day. */
const OUTAGE_EVERY_MS = 9.75 * HOUR_MS;

/** `n` in decimal into bytes [from, end) of `b`, zero-padded. */
function writeDigits(b: Uint8Array, from: number, n: number): void {
  for (let k = b.length - 1; k >= from; k--) { b[k] = 0x30 + (n % 10); n = Math.floor(n / 10); }
}

function contains(buf: Uint8Array, off: number, len: number, what: Uint8Array): boolean {
  outer: for (let k = off; k + what.length <= off + len; k++) {
    for (let j = 0; j < what.length; j++) if (buf[k + j] !== what[j]) continue outer;
    return true;
  }
  return false;
}

/** ";tag=" in a To value (the registrar adds its own to a request without one). */
function hasTag(buf: Uint8Array, off: number, len: number): boolean {
  for (let k = off; k + 5 <= off + len; k++) {
    if (buf[k] === 0x3b && buf[k + 1] === 0x74 && buf[k + 2] === 0x61 && buf[k + 3] === 0x67 && buf[k + 4] === 0x3d) return true;
  }
  return false;
}

/** Outgoing.token of a response: -2 - server transaction id (core/ua/README.md); -1 otherwise. */
function SERVER_TX(token: number): number {
  return token <= -2 ? -2 - token : -1;
}

/** One line of figures for the per-hour table. */
export function occupancyLine(o: UaOccupancy): string {
  return `tx ${o.clientTransactions}/${o.serverTransactions} timers ${o.transactionTimers} bufs ${o.requestBuffersInUse}/${o.responseBuffersInUse} `
    + `queued ${o.queuedRequests}/${o.queuedEvents}/${o.queuedTransmits} subs ${o.subscriptions} dialogs ${o.dialogs} watchers ${o.watchers} `
    + `pending ${o.pendingMessages} endpoints ${o.endpointsInUse} chats ${o.chats}`;
}
