// The third leak soak (soak-scenario.ts and soak-flows-scenario.ts are the others): the flows the
// second one does not reach — SIP over WebSocket, SIP over TLS, and connections the server opens
// to the phone — on the same principles (engine-neutral, virtual clock, seeded schedule, a
// harness that keeps nothing, soak-base.ts).
//
// Who does what:
// - walt (10.0.0.31) speaks SIP over WebSocket (RFC 7118) to S1 (10.0.0.11:80). His host is
//   written here with the core's own WebSocket pieces, as platform/node/websocket.ts does: the
//   opening handshake (websocket-handshake.ts, RFC 6455 §4.1, the server checking the key and
//   answering 101 with the accept value), masked client frames (websocket-frame-writer.ts), and
//   the server's frames read by WebSocketFrameReader — cut at any byte, some messages fragmented
//   into continuation frames with a ping between the fragments (§5.4, §5.5). Every whole message
//   goes to the UA through handleDatagram. The host pings after 30 s of silence and declares the
//   flow dead when no pong comes within 10 s, and gives a handshake 10 s (S1's WebSocket side has
//   spells of hanging: it sends nothing); S1 pings too (the host pongs), closes the WebSocket with
//   a close frame now and then (the host echoes it, §5.5.1) and sometimes drops the TCP
//   connection under it. Each end is handleFlowClosed; the UA re-registers and the next send
//   reconnects (a new handshake). Requests from S1 (NOTIFY, MESSAGE) come only over that flow: a
//   WebSocket client accepts no connections.
// - tess (10.0.0.32) speaks SIP over TLS: sips: registrar, sips: targets, sips: Contacts of the
//   server, RFC 5626 CRLF keep-alives on her flow to S1:5061, opened on demand and reopened after
//   it dies. In virtual time TLS is the stream her host would decrypt: bytes through handleStream
//   cut anywhere. Now and then the flow dies silently (a NAT forgets it: no FIN, bytes vanish):
//   her keep-alive must find it within interval + answer timeout (RFC 5626 §4.4.1), then her host
//   closes it (as on `registration-lost` with cause flow-failed) and the UA reconnects.
// - S1 also opens connections to tess (RFC 3261 §18: a server without RFC 5923 connection reuse
//   connects to the Contact address), from an ephemeral port, to deliver a MESSAGE or a NOTIFY,
//   sometimes reuses one it has open, keeps it alive with double-CRLF pings while it lingers
//   (which must not pass for tess's pong: keepalive-pong-flow.test.ts), and closes it — at once
//   (the request or the answer dies in flight), a moment after the request (before the
//   application has answered a MESSAGE: the UA must answer over a new connection to the sent-by
//   port, §18.2.2) or after a while. Her host accepts them and hands their bytes in under their
//   own Endpoint; each close is handleFlowClosed, after which her UA must hold a framer for
//   exactly the open flows it has read from (it forgets the closed one).
// - Nothing is lost: every request S1 sends to a phone is tracked until its answer arrives, or is
//   accounted for by what killed it (the connection died with the request or the answer in
//   flight; an outage; a WebSocket closed before a MESSAGE was answered). A request delivered on a
//   connection still open and left unanswered, or a TLS request orphaned by a close and never
//   answered over a new connection, is a loss the test fails on.
// - S1 is a scripted registrar / presence server: REGISTER 200, PUBLISH 200, MESSAGE 202,
//   SUBSCRIBE 200 and NOTIFYs (answered on the connection the request came on, §18.2.2); it has
//   outages (every connection dies, connects are refused).
//
// `leak: true` keeps one small object per request sent (the control run).
import { UserAgent, Outgoing, UaOccupancy, streamModule, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';
import {
  WebSocketFrameReader, WebSocketFrameView, WS_EVENT_CLOSE, WS_EVENT_MESSAGE, WS_EVENT_PING, WS_EVENT_PONG, WS_OP_CONTINUATION, WS_OP_TEXT,
} from '../../core/transport/websocket-frame-reader.js';
import { WebSocketFrameWriter } from '../../core/transport/websocket-frame-writer.js';
import { WebSocketClientHandshake, websocketAccept, HS_OPEN, HS_FAILED } from '../../core/transport/websocket-handshake.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H, M } from '../../core/sip/header-ids.js';
import { asciiText, expiresOf, pidf, responseText, stripAngles, tagOf } from './server-text.js';
import { SoakBase, ascii, xorshift, type ScriptedSub, HOUR_MS, MINUTE_MS, LATENCY_MS, RING_SLOTS, SLOT_BYTES } from './soak-base.js';

const PHONES = 2;
const WALT = 0;
const TESS = 1;
const S1 = 2;
const ADDRESSES = ['10.0.0.31', '10.0.0.32', '10.0.0.11'];
const WS_PORT = 80;
const TLS_PORT = 5061;
/** Connection slots: walt's WebSocket, tess's own TLS flow, then the ones S1 opens to tess. */
const WS_CONN = 0;
const TLS_CONN = 1;
const INBOUND_FIRST = 2;
const MAX_INBOUND = 2;
const CONNS = INBOUND_FIRST + MAX_INBOUND;
const WATCHED = ['pat', 'sam'];
const SERVER_SUBS = 16;
/** Requests of S1 to the phones awaiting their answer (a fixed table). */
const PENDING = 64;
/** A request unanswered this long is resolved: lost, or accounted for. */
const RESOLVE_AFTER_MS = 40_000;
/** WebSocket keep-alive of walt's host: ping after this much silence, fail without a pong within the second. */
const WS_PING_IDLE_MS = 30_000;
const WS_PONG_WAIT_MS = 10_000;
/** Frames queued behind the opening handshake. */
const WS_QUEUE = 16;
/** How long walt's host waits for the 101 before it gives the connection up. */
const WS_HANDSHAKE_WAIT_MS = 10_000;
/** tess's keep-alive must find a silently dead flow within interval + answer timeout (45 + 10 s); after this the harness gives up on it. */
const BLACKHOLE_GIVE_UP_MS = 5 * MINUTE_MS;

const enum Phase { Free = 0, Handshake = 1, Open = 2 }
const enum Req { Free = 0, Sent = 1, Delivered = 2, Orphaned = 3, Responded = 4 }

const ACTIVITIES = ['', 'busy', 'away', 'meeting'];

export class StreamSoakCounters {
  requestsSent = 0;
  responsesSent = 0;
  retransmissions = 0;
  packetsDropped = 0;
  // ---- WebSocket (walt) ----
  wsOpened = 0;
  wsHandshakes = 0;
  wsClosed = 0;
  /** Frames walt's host read (data and control) and whole messages handed to the UA. */
  wsFramesRead = 0;
  wsMessages = 0;
  /** Messages S1 sent in several frames (§5.4) and pings it put between the fragments. */
  wsFragmented = 0;
  wsPingsBetweenFragments = 0;
  wsSplitReads = 0;
  /** The host's pings, S1's pongs, host ping timeouts (flow failed). */
  wsPings = 0;
  wsPongs = 0;
  wsPingTimeouts = 0;
  /** S1's pings the host answered; S1's close frames the host echoed; TCP drops under the WebSocket. */
  wsServerPings = 0;
  wsPingsAnswered = 0;
  wsServerCloses = 0;
  wsCloseEchoes = 0;
  wsDrops = 0;
  /** Spells of S1's WebSocket side hanging (nothing sent: the host's ping must time out). */
  wsHangs = 0;
  wsQueuedBehindHandshake = 0;
  /** Handshakes given up without a 101 (S1 hung). */
  wsHandshakeTimeouts = 0;
  wsErrors = 0;
  // ---- TLS (tess) ----
  tlsOpened = 0;
  tlsClosed = 0;
  tlsDrops = 0;
  /** Silent deaths of tess's flow; those her keep-alive found (flow-failed, then her host closed it), the longest it took, ones never found. */
  tlsBlackholes = 0;
  blackholesDetected = 0;
  maxBlackholeDetectMs = 0;
  blackholesMissed = 0;
  /** Blackholes ended otherwise before they were found (an outage closed the flow). */
  blackholesCut = 0;
  /** A flow failed by tess's keep-alive while it was not dead (a pong taken for lost). */
  falseFlowFailures = 0;
  /** S1's double-CRLF keep-alives on the connections it opened. */
  inboundServerPings = 0;
  tlsPings = 0;
  tlsPongs = 0;
  splitDeliveries = 0;
  sendFailures = 0;
  // ---- connections S1 opens to tess ----
  inboundOpened = 0;
  inboundClosed = 0;
  inboundReused = 0;
  /** Requests S1 sent over a connection it opened, and answers it got back on one. */
  inboundRequests = 0;
  inboundAnswered = 0;
  /** Closes after which tess's UA held framers for exactly the flows still open. */
  inboundForgotten = 0;
  /** Closes after which it did not (a flow kept, or one forgotten too many): a leak. */
  flowTableMismatches = 0;
  /** UA sends to a connection it had been told was closed. */
  sendsToDeadFlow = 0;
  // ---- S1's requests to the phones: nothing lost ----
  serverRequests = 0;
  serverNotifies = 0;
  serverMessages = 0;
  answered = 0;
  /** Answered over another connection than the request's, which had closed (§18.2.2). */
  answeredAfterClose = 0;
  requestsLostInFlight = 0;
  responsesLostInFlight = 0;
  /** A MESSAGE whose WebSocket closed before it was answered (a WS client opens no new connection to answer). */
  answersLostWithWebSocket = 0;
  lostToOutage = 0;
  /** Losses: delivered on a live connection and never answered; orphaned on TLS and never answered anew. */
  unanswered = 0;
  orphanedUnanswered = 0;
  /** `message` events at the phones, MESSAGEs of S1 delivered to them; the application's answers. */
  messageEvents = 0;
  messagesDelivered = 0;
  messagesAnsweredAtOnce = 0;
  messagesAnsweredLater = 0;
  messagesLeftToDeadline = 0;
  /** Later answers the UA refused (it had given the request up: its WebSocket closed under it). */
  lateAnswersRefused = 0;
  // ---- the rest ----
  subscribes = 0;
  refreshes = 0;
  subscriptionFailures = 0;
  subscriptionRecoveries = 0;
  unsubscribes = 0;
  notifyEvents = 0;
  registrations = 0;
  registrationLostFlow = 0;
  registrationRestored = 0;
  published = 0;
  publishFailed = 0;
  messages = 0;
  messageAccepted = 0;
  messageFailed = 0;
  outages = 0;
  warnings = 0;
  stuckDeadlines = 0;
  harnessFaults = 0;
}

type Sub = ScriptedSub;

/** A connection between a phone and S1 (fixed record, reused: `gen` tells its lives apart). */
class Conn {
  phase = Phase.Free;
  gen = 0;
  /** As the phone's UA knows it. */
  endpoint: Endpoint = { transport: 'tls', address: ADDRESSES[S1]!, port: TLS_PORT };
  closeAt = Infinity;
  /** Bytes of this connection reached the UA (it holds a framer for it from then on). */
  fed = false;
  /** tess's flow only: a NAT forgot it without a word (no FIN): bytes vanish both ways from `blackholedAt` on (-1: not). */
  blackholedAt = -1;
  /** Her keep-alive has found the blackhole (the host closes the flow next). */
  blackholeFound = false;
  /** Connections S1 opened: its next double-CRLF keep-alive on it (RFC 5626 §3.5.1: the connecting side pings). */
  nextPingAt = Infinity;
  /** WebSocket only: S1 has answered the handshake; last frame the host read; its ping out (-1 none); S1's next ping. */
  serverOpen = false;
  lastHeard = 0;
  pingSentAt = -1;
  nextServerPing = Infinity;
}

/** A request of S1 to a phone, tracked to its answer. */
class Pending {
  state = Req.Free;
  key = '';
  phone = 0;
  message = false;
  inbound = false;
  conn = 0;
  gen = 0;
  sentAt = 0;
  /** The connection the phone's answer went out on. */
  respConn = 0;
  respGen = 0;
  /** Orphaned by an outage (its connection died with S1). */
  outage = false;
}

class ServerSub {
  used = false;
  phone = 0;
  callId = '';
  subscriberFrom = '';
  subscriberContact = '';
  entity = '';
  tag = '';
  cseq = 0;
  expiresAt = 0;
  nextNotifyAt = Infinity;
}

export interface StreamSoakOptions { readonly seed?: number; readonly leak?: boolean }

export class StreamSoakScenario extends SoakBase<Sub> {
  override readonly counters = new StreamSoakCounters();
  private readonly occ = new UaOccupancy();

  // ---- per ring slot: the connection and its generation (bytes die with their connection), the tracked request ----
  private readonly ringConn = new Int8Array(RING_SLOTS);
  private readonly ringGen = new Int32Array(RING_SLOTS);
  private readonly ringReq = new Int16Array(RING_SLOTS);

  private readonly conns: Conn[] = [];
  private inboundPort = 0;

  // ---- walt's WebSocket host ----
  private readonly wsEndpoint: Endpoint = { transport: 'ws', address: ADDRESSES[S1]!, port: WS_PORT };
  private readonly wsReader = new WebSocketFrameReader(new Uint8Array(8192), { role: 'client' });
  private readonly wsView = new WebSocketFrameView();
  private readonly wsWriter: WebSocketFrameWriter;
  private readonly handshake: WebSocketClientHandshake;
  private readonly wsQueue = new Uint8Array(WS_QUEUE * SLOT_BYTES);
  private readonly wsQueueLen = new Int32Array(WS_QUEUE);
  private readonly wsQueueToken = new Int32Array(WS_QUEUE);
  private wsQueued = 0;
  // ---- S1's side of the WebSocket ----
  private readonly serverWsReader = new WebSocketFrameReader(new Uint8Array(SLOT_BYTES), { role: 'server' });
  private readonly serverWsView = new WebSocketFrameView();
  private readonly serverWsWriter = new WebSocketFrameWriter({ role: 'server' });
  private readonly acceptScratch = new Uint8Array(28);
  private readonly scratch = new Uint8Array(SLOT_BYTES);
  /** S1's WebSocket side sends nothing until then. */
  private hungUntil = 0;

  private readonly failedTokens = new Int32Array(32);
  private failedCount = 0;
  /** Set while a close is handed to a UA. */
  private closing = false;

  // ---- S1 ----
  private downUntil = 0;
  private readonly pending: Pending[] = [];
  private readonly serverSubs: ServerSub[] = [];
  private readonly view = new SipMessageView();
  private readonly phoneView = new SipMessageView();
  private readonly parseOptions = createParseOptions({ datagram: true });
  private branchSeq = 0;
  private etagSeq = 0;
  private tagSeq = 0;
  private callSeq = 0;

  // ---- the application's answers to MESSAGEs (a fixed table of delayed ones) ----
  private readonly answerPhone = new Int8Array(16);
  private readonly answerId = new Int32Array(16).fill(-1);
  private readonly answerAt = new Float64Array(16).fill(Infinity);

  // ---- the script ----
  private nextChurn = 25 * MINUTE_MS;
  private nextPublish = 4 * MINUTE_MS;
  private nextMessage = 2 * MINUTE_MS;
  private nextServerMessage = 3 * MINUTE_MS;
  private nextOutage = 4 * HOUR_MS + 20 * MINUTE_MS;
  private nextWsClose = 35 * MINUTE_MS;
  private nextWsDrop = 80 * MINUTE_MS;
  private nextTlsDrop = 55 * MINUTE_MS;
  private nextBlackhole = 75 * MINUTE_MS;
  private nextHang = 100 * MINUTE_MS;
  private closeAllAt = Infinity;
  private quiet = false;
  /** After shutdown(): S1 sends the phones nothing of its own accord (its records expire). */
  private phonesOff = false;

  constructor(options: StreamSoakOptions = {}) {
    const seed = options.seed ?? 2026;
    super(PHONES, xorshift(seed ^ 0x3c3c), options.leak === true, 'stream soak');
    const bytes = xorshift(seed ^ 0x7777);
    // The host's CSPRNG for masking keys and handshake nonces (RFC 6455 §5.3, §4.1): seeded here.
    const random = (out: Uint8Array, off: number, len: number): void => { for (let i = 0; i < len; i++) out[off + i] = Math.floor(bytes() * 256); };
    this.wsWriter = new WebSocketFrameWriter({ role: 'client', random });
    this.handshake = new WebSocketClientHandshake({ random });
    for (let i = 0; i < PHONES; i++) { this.uas.push(this.makeUa(i, seed * 31 + i)); this.deadlines[i] = Infinity; }
    for (let i = 0; i < CONNS; i++) this.conns.push(new Conn());
    this.conns[WS_CONN]!.endpoint = this.wsEndpoint;
    for (let i = 0; i < PENDING; i++) this.pending.push(new Pending());
    for (let i = 0; i < SERVER_SUBS; i++) this.serverSubs.push(new ServerSub());
    for (let p = 0; p < PHONES; p++) {
      for (const who of WATCHED) this.subs.push({ phone: p, target: `${p === TESS ? 'sips' : 'sip'}:${who}@example.test`, id: -1, state: 'idle', failed: false, resubscribeAt: Infinity });
    }
  }

  private makeUa(i: number, seed: number): UserAgent {
    const common = { localAddress: ADDRESSES[i]!, random: xorshift(seed), expires: 600, publishExpires: 300, backoff: { baseS: 15, maxS: 120 } };
    if (i === WALT) {
      // RFC 7118: no CRLF keep-alive on WebSocket (the host pings); no stream module (whole messages).
      const config: UaConfig = { ...common, aor: 'sip:walt@example.test', registrar: `sip:${ADDRESSES[S1]}:${WS_PORT};transport=ws`, transport: 'ws', localPort: 5060 };
      return new UserAgent(config);
    }
    const config: UaConfig = {
      ...common, aor: 'sips:tess@example.test', registrar: `sips:${ADDRESSES[S1]}:${TLS_PORT}`, transport: 'tls', localPort: TLS_PORT,
      keepalive: { mode: 'stream-ping', intervalMs: 45_000, answerTimeoutMs: 10_000 },
    };
    return new UserAgent(config, { streams: streamModule, keepalive: keepaliveModule });
  }

  start(): void {
    for (let i = 0; i < PHONES; i++) { this.check(this.uas[i]!.register(this.now).ok); this.drain(i); }
    for (const s of this.subs) this.subscribe(s);
  }

  quiesce(): void {
    this.quiet = true;
    this.downUntil = 0;
    this.hungUntil = 0;
    for (const s of this.subs) { s.resubscribeAt = Infinity; if (s.id < 0) this.subscribe(s); }
  }

  /** Both phones shut down; a minute later their hosts close every connection (the phones are off). */
  shutdown(): void {
    this.quiet = true;
    for (let i = 0; i < PHONES; i++) { this.check(this.uas[i]!.shutdown(this.now).ok); this.drain(i); }
    for (const s of this.subs) { s.id = -1; s.resubscribeAt = Infinity; }
    this.phonesOff = true;
    this.closeAllAt = this.now + MINUTE_MS;
  }

  /** S1's requests still awaiting an answer (0 once quiet: every one resolved). */
  get outstanding(): number {
    let n = 0;
    for (const p of this.pending) if (p.state !== Req.Free) n++;
    return n;
  }

  // =====================================================================================
  // The hosts
  // =====================================================================================

  protected override drain(i: number): void {
    const ua = this.uas[i]!;
    const out = this.out;
    for (let guard = 0; guard < 64; guard++) {
      while (ua.pollTransmit(out)) this.transmitted(i, out);
      let more = false;
      while (this.failedCount > 0) { more = true; ua.handleSendFailed(this.failedTokens[--this.failedCount]!, this.now); }
      if (more) continue;
      // Events last; the application may answer one at once (a command): then drain again.
      let e: UaEvent | undefined;
      while ((e = ua.pollEvent()) !== undefined) { more = true; this.onEvent(i, e); }
      if (more) continue;
      this.deadlines[i] = ua.pollTimeout();
      return;
    }
    this.counters.harnessFaults++;
  }

  private transmitted(from: number, out: Outgoing): void {
    const c = this.counters;
    const b = out.bytes;
    const isResponse = b[out.off] === 0x53 && b[out.off + 1] === 0x49 && b[out.off + 2] === 0x50 && b[out.off + 3] === 0x2f;
    const t = out.token;
    const ep = out.endpoint;
    const ping = !isResponse && out.len === 4 && b[out.off] === 0x0d;
    if (isResponse) c.responsesSent++;
    else if (!ping) { c.requestsSent++; this.keep(c.requestsSent, out.len); }
    if (ep.address !== ADDRESSES[S1]) { c.harnessFaults++; return; }
    let slot = -1;
    if (from === WALT) {
      if (ep.transport !== 'ws' || ep.port !== WS_PORT) { c.harnessFaults++; return; }
      slot = WS_CONN;
    } else if (ep.transport !== 'tls') { c.harnessFaults++; return; }
    else if (ep.port === TLS_PORT) slot = TLS_CONN;
    else {
      // An answer over a connection S1 opened: it must still be open (its close was handed in).
      for (let k = INBOUND_FIRST; k < CONNS; k++) if (this.conns[k]!.phase === Phase.Open && this.conns[k]!.endpoint.port === ep.port) slot = k;
      if (slot < 0) { c.sendsToDeadFlow++; if (t >= 0 || t <= -2) this.failed(t); return; }
    }
    const conn = this.conns[slot]!;
    if (conn.phase === Phase.Free) {
      // Connect (TCP, then TLS or the WebSocket handshake) — refused while S1 is down.
      if (this.now < this.downUntil) {
        if (isResponse) this.phoneResponded(b, out.off, out.len, -1);
        if (t >= 0 || t <= -2) { c.sendFailures++; this.failed(t); }
        return;
      }
      this.open(slot);
    }
    if (isResponse) this.phoneResponded(b, out.off, out.len, slot);
    if (slot !== WS_CONN) { this.send(from, S1, b, out.off, out.len, slot, -1); if (ping) c.tlsPings++; return; }
    if (conn.phase === Phase.Handshake) {
      // §4.1: no frame before the 101: queued behind the handshake.
      if (this.wsQueued >= WS_QUEUE || out.len > SLOT_BYTES - 14) { if (t >= 0 || t <= -2) this.failed(t); return; }
      this.wsQueue.set(b.subarray(out.off, out.off + out.len), this.wsQueued * SLOT_BYTES);
      this.wsQueueLen[this.wsQueued] = out.len;
      this.wsQueueToken[this.wsQueued++] = t;
      c.wsQueuedBehindHandshake++;
      return;
    }
    this.sendFrame(b, out.off, out.len);
  }

  /** walt's host: one SIP message as one masked text frame (RFC 7118 §5). */
  private sendFrame(b: Uint8Array, off: number, len: number): void {
    const n = this.wsWriter.text(this.scratch, 0, SLOT_BYTES, b, off, len);
    if (n < 0) { this.counters.harnessFaults++; return; }
    this.send(WALT, S1, this.scratch, 0, n, WS_CONN, -1);
  }

  private open(slot: number): void {
    const c = this.counters;
    const conn = this.conns[slot]!;
    conn.phase = slot === WS_CONN ? Phase.Handshake : Phase.Open;
    conn.gen++;
    conn.closeAt = Infinity;
    conn.fed = false;
    conn.blackholedAt = -1;
    if (slot === TLS_CONN) { c.tlsOpened++; return; }
    c.wsOpened++;
    conn.serverOpen = false;
    conn.lastHeard = this.now;
    conn.pingSentAt = -1;
    conn.nextServerPing = Infinity;
    conn.closeAt = this.now + WS_HANDSHAKE_WAIT_MS;
    this.wsReader.reset();
    this.serverWsReader.reset();
    this.wsQueued = 0;
    const n = this.handshake.writeRequest(this.scratch, 0, SLOT_BYTES, `${ADDRESSES[S1]}:${WS_PORT}`, '/');
    if (n < 0) { c.harnessFaults++; return; }
    this.send(WALT, S1, this.scratch, 0, n, WS_CONN, -1);
  }

  /** A connection ends (either side, or S1 going down): the phone's host hears of it at once. */
  private close(slot: number, outage: boolean): void {
    const c = this.counters;
    const conn = this.conns[slot]!;
    if (conn.phase === Phase.Free) return;
    conn.phase = Phase.Free;
    conn.gen++;
    conn.closeAt = Infinity;
    conn.nextPingAt = Infinity;
    if (conn.blackholedAt >= 0 && !conn.blackholeFound) c.blackholesCut++;
    conn.blackholedAt = -1;
    conn.blackholeFound = false;
    const phone = slot === WS_CONN ? WALT : TESS;
    if (slot === WS_CONN) {
      c.wsClosed++;
      // Frames queued behind a handshake that never finished: their sends failed.
      for (let q = 0; q < this.wsQueued; q++) { const t = this.wsQueueToken[q]!; if (t >= 0 || t <= -2) this.failed(t); }
      this.wsQueued = 0;
    } else if (slot === TLS_CONN) c.tlsClosed++;
    else c.inboundClosed++;
    // What died with the connection: requests and answers in flight; requests not yet answered.
    for (const p of this.pending) {
      if (p.state === Req.Free) continue;
      const onIt = p.conn === slot && p.gen === conn.gen - 1;
      if (p.state === Req.Sent && onIt) { c.requestsLostInFlight++; p.state = Req.Free; }
      else if (p.state === Req.Responded && p.respConn === slot && p.respGen === conn.gen - 1) { c.responsesLostInFlight++; p.state = Req.Free; }
      else if (p.state === Req.Delivered && onIt) { p.state = Req.Orphaned; p.outage = outage; }
    }
    // (The registration-lost this causes is the close's, not a keep-alive's: see onEvent.)
    this.closing = true;
    this.uas[phone]!.handleFlowClosed(conn.endpoint, this.now);
    this.drain(phone);
    this.closing = false;
    if (phone === TESS) {
      // The UA forgets the flow: it holds a framer for exactly the open connections it has read from.
      let open = 0;
      for (let k = TLS_CONN; k < CONNS; k++) if (this.conns[k]!.phase !== Phase.Free && this.conns[k]!.fed) open++;
      this.uas[TESS]!.occupancy(this.occ);
      if (this.occ.streamFlows === open) { if (slot >= INBOUND_FIRST) c.inboundForgotten++; }
      else c.flowTableMismatches++;
    }
  }

  private failed(token: number): void {
    if (this.failedCount < this.failedTokens.length) this.failedTokens[this.failedCount++] = token; else this.counters.harnessFaults++;
  }

  private send(from: number, to: number, bytes: Uint8Array, off: number, len: number, slot: number, req: number): void {
    const c = this.counters;
    if (!this.ring.fits(len)) { c.harnessFaults++; return; }
    if (this.now < this.downUntil || (from === S1 && slot === WS_CONN && this.now < this.hungUntil) || this.conns[slot]!.blackholedAt >= 0) { c.packetsDropped++; return; }
    const at = this.ring.push(from, to, bytes, off, len, this.now + LATENCY_MS);
    this.ringConn[at] = slot;
    this.ringGen[at] = this.conns[slot]!.gen;
    this.ringReq[at] = req;
  }

  protected override deliverHead(): void {
    const ring = this.ring;
    const c = this.counters;
    const at = ring.shift();
    const to = ring.to[at]!;
    const off = at * SLOT_BYTES;
    const len = ring.len[at]!;
    const slot = this.ringConn[at]!;
    const conn = this.conns[slot]!;
    if (conn.phase === Phase.Free || this.ringGen[at] !== conn.gen || conn.blackholedAt >= 0) { c.packetsDropped++; return; }
    if (to === S1) {
      if (slot === WS_CONN) this.serverWebSocket(ring.bytes, off, len);
      else this.serverStream(slot, ring.bytes, off, len);
      return;
    }
    const req = this.ringReq[at]!;
    if (req >= 0) {
      const p = this.pending[req]!;
      if (p.state === Req.Sent && p.conn === slot && p.gen === conn.gen) { p.state = Req.Delivered; if (p.message) c.messagesDelivered++; }
    }
    // A stream delivers bytes, not messages: half the time in two reads cut anywhere.
    const cut = this.rand() < 0.5 && len > 1 ? 1 + Math.floor(this.rand() * (len - 1)) : len;
    if (slot === WS_CONN) {
      if (cut < len) c.wsSplitReads++;
      if (this.phoneWebSocket(ring.bytes, off, cut) && cut < len) this.phoneWebSocket(ring.bytes, off + cut, len - cut);
      return;
    }
    if (cut < len) c.splitDeliveries++;
    const ua = this.uas[TESS]!;
    conn.fed = true;
    ua.handleStream(conn.endpoint, ring.bytes, off, cut, this.now);
    if (cut < len) ua.handleStream(conn.endpoint, ring.bytes, off + cut, len - cut, this.now);
    this.drain(TESS);
  }

  /** walt's host reads S1's bytes: the 101 first, then frames. False: the connection ended. */
  private phoneWebSocket(buf: Uint8Array, off: number, len: number): boolean {
    const c = this.counters;
    const conn = this.conns[WS_CONN]!;
    const gen = conn.gen;
    let at = off;
    let left = len;
    if (conn.phase === Phase.Handshake) {
      const n = this.handshake.push(buf, at, left);
      if (n < 0 || this.handshake.state === HS_FAILED) { c.wsErrors++; this.close(WS_CONN, false); return false; }
      at += n;
      left -= n;
      if (this.handshake.state !== HS_OPEN) return true;
      conn.phase = Phase.Open;
      conn.closeAt = Infinity;
      c.wsHandshakes++;
      for (let q = 0; q < this.wsQueued; q++) this.sendFrame(this.wsQueue, q * SLOT_BYTES, this.wsQueueLen[q]!);
      this.wsQueued = 0;
    }
    const v = this.wsView;
    while (left > 0) {
      const n = this.wsReader.read(buf, at, left, v);
      if (n < 0) { c.wsErrors++; this.close(WS_CONN, false); return false; }
      at += n;
      left -= n;
      if (v.event === 0) continue;
      c.wsFramesRead += v.frames;
      conn.lastHeard = this.now;
      conn.pingSentAt = -1; // any frame proves the flow alive (as NodeWebSocket does)
      if (v.event === WS_EVENT_MESSAGE) {
        c.wsMessages++;
        this.uas[WALT]!.handleDatagram(v.buf, v.payloadOff, v.payloadLen, this.wsEndpoint, this.now);
        this.drain(WALT);
        if (conn.gen !== gen) return false;
      } else if (v.event === WS_EVENT_PING) {
        // §5.5.2: a pong with the ping's data, as soon as practical.
        c.wsPingsAnswered++;
        const m = this.wsWriter.pong(this.scratch, 0, SLOT_BYTES, v.buf, v.payloadOff, v.payloadLen);
        if (m > 0) this.send(WALT, S1, this.scratch, 0, m, WS_CONN, -1);
      } else if (v.event === WS_EVENT_PONG) {
        c.wsPongs++;
      } else if (v.event === WS_EVENT_CLOSE) {
        // §5.5.1: echo the close, then the connection ends: the UA's flow failed.
        c.wsServerCloses++;
        c.wsCloseEchoes++;
        const m = this.wsWriter.close(this.scratch, 0, SLOT_BYTES, v.closeCode === 1005 ? -1 : v.closeCode, this.scratch, 0, 0);
        if (m > 0) this.send(WALT, S1, this.scratch, 0, m, WS_CONN, -1);
        this.close(WS_CONN, false);
        return false;
      }
    }
    return true;
  }

  /** S1's side of walt's WebSocket: the opening handshake, then masked frames. */
  private serverWebSocket(buf: Uint8Array, off: number, len: number): void {
    const c = this.counters;
    const conn = this.conns[WS_CONN]!;
    if (!conn.serverOpen) {
      // §4.2.2: 101 with base64(SHA-1(key + GUID)), the sip sub-protocol (RFC 7118 §4).
      const head = asciiText(buf, off, len);
      const m = /\r\nSec-WebSocket-Key: ([^\r]+)\r\n/i.exec(head);
      if (m === null || !head.startsWith('GET / HTTP/1.1\r\n') || !/\r\nSec-WebSocket-Protocol: sip\r\n/i.test(head)) { c.harnessFaults++; return; }
      const key = ascii(m[1]!);
      const n = websocketAccept(key, 0, key.length, this.acceptScratch, 0);
      const res = ascii(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${asciiText(this.acceptScratch, 0, n)}\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
      conn.serverOpen = true;
      conn.nextServerPing = this.now + this.uniform(MINUTE_MS, 3 * MINUTE_MS);
      this.send(S1, WALT, res, 0, res.length, WS_CONN, -1);
      return;
    }
    const v = this.serverWsView;
    let at = off;
    let left = len;
    while (left > 0) {
      const n = this.serverWsReader.read(buf, at, left, v);
      if (n < 0) { c.harnessFaults++; return; }
      at += n;
      left -= n;
      if (v.event === WS_EVENT_MESSAGE) this.serverReceive(WS_CONN, v.buf, v.payloadOff, v.payloadLen);
      else if (v.event === WS_EVENT_PING) {
        c.wsPings++;
        const m = this.serverWsWriter.pong(this.scratch, 0, SLOT_BYTES, v.buf, v.payloadOff, v.payloadLen);
        this.send(S1, WALT, this.scratch, 0, m, WS_CONN, -1);
      }
      // (Pongs to S1's pings and the host's close frames need nothing more.)
    }
  }

  /** S1 reads a TLS connection: one whole message per delivery (the phone writes one at a time). */
  private serverStream(slot: number, buf: Uint8Array, off: number, len: number): void {
    if (len === 4 && buf[off] === 0x0d && buf[off + 1] === 0x0a && buf[off + 2] === 0x0d && buf[off + 3] === 0x0a) {
      // RFC 5626 §4.4.1: the pong, a lone CRLF.
      if (slot !== TLS_CONN) { this.counters.harnessFaults++; return; } // keep-alives only on her own flow
      this.counters.tlsPongs++;
      const crlf = this.scratch;
      crlf[0] = 0x0d; crlf[1] = 0x0a;
      this.send(S1, TESS, crlf, 0, 2, slot, -1);
      return;
    }
    this.serverReceive(slot, buf, off, len);
  }

  /** S1 → a phone over `slot`: SIP over TLS as it is; over the WebSocket as frames (sometimes fragmented, a ping between). */
  private serverSend(slot: number, text: string, req: number): void {
    const b = ascii(text);
    const to = slot === WS_CONN ? WALT : TESS;
    if (slot !== WS_CONN) { this.send(S1, to, b, 0, b.length, slot, req); return; }
    const c = this.counters;
    const w = this.serverWsWriter;
    const out = this.scratch;
    let n = 0;
    if (this.rand() < 0.25 && b.length > 8) {
      // §5.4: a text frame without FIN, continuation(s), the last with FIN; §5.5: a control frame may sit between.
      c.wsFragmented++;
      const parts = this.rand() < 0.5 ? 2 : 3;
      const step = Math.ceil(b.length / parts);
      for (let p = 0, pos = 0; pos < b.length; p++, pos += step) {
        const last = pos + step >= b.length;
        const m = w.frame(out, n, SLOT_BYTES, p === 0 ? WS_OP_TEXT : WS_OP_CONTINUATION, last, b, pos, Math.min(step, b.length - pos));
        if (m < 0) { c.harnessFaults++; return; }
        n += m;
        if (!last && this.rand() < 0.3) {
          c.wsPingsBetweenFragments++;
          c.wsServerPings++;
          n += w.ping(out, n, SLOT_BYTES, out, 0, 0);
        }
      }
    } else {
      n = w.text(out, 0, SLOT_BYTES, b, 0, b.length);
      if (n < 0) { c.harnessFaults++; return; }
    }
    this.send(S1, WALT, out, 0, n, WS_CONN, req);
  }

  // =====================================================================================
  // S1's requests to the phones, tracked to their answers
  // =====================================================================================

  /** S1 sends a request over `slot` and tracks it; false when the table is full (not sent). */
  private serverRequest(slot: number, text: string, key: string, message: boolean): void {
    const c = this.counters;
    let k = -1;
    for (let i = 0; i < PENDING; i++) if (this.pending[i]!.state === Req.Free) { k = i; break; }
    if (k < 0) { c.harnessFaults++; return; }
    const p = this.pending[k]!;
    const conn = this.conns[slot]!;
    p.state = Req.Sent;
    p.key = key;
    p.phone = slot === WS_CONN ? WALT : TESS;
    p.message = message;
    p.inbound = slot >= INBOUND_FIRST;
    p.conn = slot;
    p.gen = conn.gen;
    p.sentAt = this.now;
    p.outage = false;
    c.serverRequests++;
    if (message) c.serverMessages++; else c.serverNotifies++;
    if (p.inbound) c.inboundRequests++;
    this.serverSend(slot, text, k);
  }

  /** The phone's UA sent a response over `slot` (-1: refused, S1 is down): to one of S1's tracked requests. */
  private phoneResponded(b: Uint8Array, off: number, len: number, slot: number): void {
    const v = this.phoneView;
    if (parse(b, off, len, v, this.parseOptions) <= 0) { this.counters.harnessFaults++; return; }
    const key = `${v.headerText(H.CALL_ID) ?? ''}|${v.headerText(H.CSEQ) ?? ''}`;
    for (const p of this.pending) {
      if ((p.state === Req.Delivered || p.state === Req.Orphaned) && p.key === key) {
        if (slot < 0) { p.state = Req.Orphaned; p.outage = true; return; }
        p.state = Req.Responded;
        p.respConn = slot;
        p.respGen = this.conns[slot]!.gen;
        return;
      }
    }
    this.counters.harnessFaults++; // a response to nothing S1 asked (or answered twice)
  }

  /** S1 got a response: the tracked request is answered. */
  private serverAnswered(slot: number): void {
    const c = this.counters;
    const v = this.view;
    const key = `${v.headerText(H.CALL_ID) ?? ''}|${v.headerText(H.CSEQ) ?? ''}`;
    for (const p of this.pending) {
      if (p.state !== Req.Responded || p.key !== key) continue;
      p.state = Req.Free;
      c.answered++;
      if (slot >= INBOUND_FIRST) c.inboundAnswered++;
      if (p.respConn !== p.conn || p.respGen !== p.gen) c.answeredAfterClose++;
      return;
    }
    c.harnessFaults++;
  }

  /** Requests waiting past RESOLVE_AFTER_MS: a loss, or accounted for by what killed them. */
  private resolvePending(): void {
    const c = this.counters;
    for (const p of this.pending) {
      if (p.state === Req.Free || this.now - p.sentAt < RESOLVE_AFTER_MS) continue;
      // Bytes in a silently dead flow: accounted for when the flow is found dead and closed.
      if (this.conns[p.state === Req.Responded ? p.respConn : p.conn]!.blackholedAt >= 0) continue;
      if (p.state === Req.Orphaned) {
        if (p.outage) c.lostToOutage++;
        else if (p.phone === WALT) c.answersLostWithWebSocket++;
        else c.orphanedUnanswered++;
      } else c.unanswered++;
      p.state = Req.Free;
    }
  }

  private nextResolveAt(): number {
    let t = Infinity;
    for (const p of this.pending) {
      if (p.state === Req.Free || p.sentAt + RESOLVE_AFTER_MS >= t) continue;
      if (this.conns[p.state === Req.Responded ? p.respConn : p.conn]!.blackholedAt < 0) t = p.sentAt + RESOLVE_AFTER_MS;
    }
    return t;
  }

  /** S1 can send walt a request: his WebSocket is open and S1's side of it not hung. */
  private wsUsable(): boolean {
    return this.conns[WS_CONN]!.phase === Phase.Open && this.conns[WS_CONN]!.serverOpen && this.now >= this.hungUntil;
  }

  /** S1 opens a connection to tess (to her Contact, from an ephemeral port); -1: all its slots busy. */
  private openInbound(): number {
    const c = this.counters;
    // Reuse one it has open now and then (§18: a connection may carry requests either way).
    for (let k = INBOUND_FIRST; k < CONNS; k++) {
      const conn = this.conns[k]!;
      if (conn.phase === Phase.Open && conn.closeAt > this.now + 100 && this.rand() < 0.7) { c.inboundReused++; return k; }
    }
    for (let k = INBOUND_FIRST; k < CONNS; k++) {
      const conn = this.conns[k]!;
      if (conn.phase !== Phase.Free) continue;
      conn.phase = Phase.Open;
      conn.gen++;
      conn.fed = false;
      conn.nextPingAt = this.now + this.uniform(3000, 8000);
      conn.endpoint = { transport: 'tls', address: ADDRESSES[S1]!, port: 40000 + (this.inboundPort++ % 20000) };
      // Closed at once (the request dies in flight), before the answer is back, before a late
      // answer from the application (§18.2.2: the UA connects to the sent-by port), a little later,
      // or kept idle for minutes (and reused).
      const draw = this.rand();
      conn.closeAt = this.now + (draw < 0.06 ? 5 : draw < 0.18 ? 15 : draw < 0.4 ? this.uniform(100, 1000) : draw < 0.7 ? this.uniform(1000, 6000) : this.uniform(30_000, 180_000));
      c.inboundOpened++;
      return k;
    }
    return -1;
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
        if (e.state === 'failed' || e.state === 'terminated') { s.id = -1; s.resubscribeAt = this.now + 30_000; }
        s.state = e.state;
        return;
      }
      case 'message': {
        // The application answers at once, a little later, or not at all (the UA answers at its deadline).
        c.messageEvents++;
        const draw = this.rand();
        if (draw < 0.5) { c.messagesAnsweredAtOnce++; this.check(this.uas[phone]!.respondToMessage(e.id, 200, this.now).ok); return; }
        if (draw < 0.8) {
          for (let k = 0; k < this.answerId.length; k++) {
            if (this.answerId[k]! >= 0) continue;
            this.answerPhone[k] = phone; this.answerId[k] = e.id; this.answerAt[k] = this.now + this.uniform(300, 1800);
            return;
          }
        }
        c.messagesLeftToDeadline++;
        return;
      }
      case 'notify': c.notifyEvents++; return;
      case 'registration': if (e.state === 'registered') c.registrations++; return;
      case 'registration-lost': {
        if (e.cause !== 'flow-failed') return;
        c.registrationLostFlow++;
        const conn = this.conns[TLS_CONN]!;
        if (phone !== TESS || conn.phase === Phase.Free || this.closing) return;
        // RFC 5626 §4.4.1: her keep-alive found the flow dead; her host tears it down (next script step) and the UA reconnects.
        if (conn.blackholedAt >= 0) {
          if (conn.blackholeFound) return;
          conn.blackholeFound = true;
          c.blackholesDetected++;
          if (this.now - conn.blackholedAt > c.maxBlackholeDetectMs) c.maxBlackholeDetectMs = this.now - conn.blackholedAt;
        } else c.falseFlowFailures++;
        conn.closeAt = this.now;
        return;
      }
      case 'registration-restored': c.registrationRestored++; return;
      case 'publish-outcome': if (e.ok) c.published++; else c.publishFailed++; return;
      case 'message-status': if (e.outcome === 'accepted') c.messageAccepted++; else c.messageFailed++; return;
      case 'warning': c.warnings++; return;
      default: return;
    }
  }

  // =====================================================================================
  // The script
  // =====================================================================================

  protected override nextScriptAt(): number {
    let t = Math.min(this.closeAllAt, this.nextResolveAt());
    for (const s of this.subs) if (s.resubscribeAt < t) t = s.resubscribeAt;
    for (let k = 0; k < this.answerAt.length; k++) if (this.answerAt[k]! < t) t = this.answerAt[k]!;
    for (let k = TLS_CONN; k < CONNS; k++) {
      const conn = this.conns[k]!;
      if (conn.closeAt < t) t = conn.closeAt;
      if (conn.nextPingAt < t) t = conn.nextPingAt;
      if (conn.blackholedAt >= 0 && conn.blackholedAt + BLACKHOLE_GIVE_UP_MS < t) t = conn.blackholedAt + BLACKHOLE_GIVE_UP_MS;
    }
    for (const r of this.serverSubs) {
      if (!r.used) continue;
      if (r.nextNotifyAt < t) t = r.nextNotifyAt;
      if (r.expiresAt < t) t = r.expiresAt;
    }
    const ws = this.conns[WS_CONN]!;
    if (ws.closeAt < t) t = ws.closeAt;
    if (ws.phase === Phase.Open) {
      const ping = ws.pingSentAt >= 0 ? ws.pingSentAt + WS_PONG_WAIT_MS : ws.lastHeard + WS_PING_IDLE_MS;
      t = Math.min(t, ping, ws.nextServerPing);
    }
    if (this.quiet) return t;
    return Math.min(t, this.nextChurn, this.nextPublish, this.nextMessage, this.nextServerMessage, this.nextOutage, this.nextWsClose, this.nextWsDrop, this.nextTlsDrop, this.nextBlackhole, this.nextHang);
  }

  protected override script(): void {
    const now = this.now;
    const c = this.counters;
    if (this.closeAllAt <= now) { this.closeAllAt = Infinity; for (let k = 0; k < CONNS; k++) this.close(k, false); return; }
    if (this.nextResolveAt() <= now) { this.resolvePending(); return; }
    for (const s of this.subs) if (s.resubscribeAt <= now) { s.resubscribeAt = Infinity; if (s.id < 0) this.subscribe(s); return; }
    for (let k = 0; k < this.answerAt.length; k++) {
      if (this.answerAt[k]! > now) continue;
      const phone = this.answerPhone[k]!;
      const id = this.answerId[k]!;
      this.answerAt[k] = Infinity;
      this.answerId[k] = -1;
      // (Refused when the UA has already given the request up: its flow failed under it.)
      if (this.uas[phone]!.respondToMessage(id, 200, now).ok) c.messagesAnsweredLater++; else c.lateAnswersRefused++;
      this.drain(phone);
      return;
    }
    for (let k = TLS_CONN; k < CONNS; k++) {
      const conn = this.conns[k]!;
      if (conn.closeAt <= now) { this.close(k, false); return; }
      if (conn.blackholedAt >= 0 && conn.blackholedAt + BLACKHOLE_GIVE_UP_MS <= now) { c.blackholesMissed++; conn.blackholeFound = true; this.close(k, false); return; }
      if (conn.nextPingAt <= now) {
        // S1 keeps the connection it opened alive: a double CRLF (nothing asks tess to take it for her own pong).
        conn.nextPingAt = now + this.uniform(3000, 8000);
        c.inboundServerPings++;
        const ping = this.scratch;
        ping[0] = 0x0d; ping[1] = 0x0a; ping[2] = 0x0d; ping[3] = 0x0a;
        this.send(S1, TESS, ping, 0, 4, k, -1);
        return;
      }
    }
    const ws = this.conns[WS_CONN]!;
    if (ws.phase === Phase.Handshake && ws.closeAt <= now) { c.wsHandshakeTimeouts++; this.close(WS_CONN, false); return; }
    if (ws.phase === Phase.Open) {
      if (ws.pingSentAt >= 0 && ws.pingSentAt + WS_PONG_WAIT_MS <= now) {
        // No pong: the host fails the flow (close frame 1001, then the TCP connection goes).
        c.wsPingTimeouts++;
        const m = this.wsWriter.close(this.scratch, 0, SLOT_BYTES, 1001, this.scratch, 0, 0);
        if (m > 0) this.send(WALT, S1, this.scratch, 0, m, WS_CONN, -1);
        this.close(WS_CONN, false);
        return;
      }
      if (ws.pingSentAt < 0 && ws.lastHeard + WS_PING_IDLE_MS <= now) {
        ws.pingSentAt = now;
        const m = this.wsWriter.ping(this.scratch, 0, SLOT_BYTES, this.scratch, 0, 0);
        if (m > 0) this.send(WALT, S1, this.scratch, 0, m, WS_CONN, -1);
        return;
      }
      if (ws.nextServerPing <= now) {
        ws.nextServerPing = now + this.uniform(MINUTE_MS, 3 * MINUTE_MS);
        c.wsServerPings++;
        const m = this.serverWsWriter.ping(this.scratch, 0, SLOT_BYTES, ascii('srv'), 0, 3);
        this.send(S1, WALT, this.scratch, 0, m, WS_CONN, -1);
        return;
      }
    }
    for (const r of this.serverSubs) {
      if (!r.used) continue;
      if (r.expiresAt <= now) { r.used = false; return; }
      if (r.nextNotifyAt <= now) {
        r.nextNotifyAt = now + this.uniform(2 * MINUTE_MS, 6 * MINUTE_MS);
        if (this.phonesOff) return;
        this.serverNotify(r, `active;expires=${Math.max(1, Math.round((r.expiresAt - now) / 1000))}`);
        return;
      }
    }
    if (this.quiet) return;
    if (this.nextOutage <= now) {
      // S1 goes down: every connection dies with it; connects are refused until it is back.
      c.outages++;
      this.nextOutage = now + this.uniform(4 * HOUR_MS, 6 * HOUR_MS);
      this.downUntil = now + this.uniform(2 * MINUTE_MS, 4 * MINUTE_MS);
      for (let k = 0; k < CONNS; k++) this.close(k, true);
      return;
    }
    if (this.nextWsClose <= now) {
      this.nextWsClose = now + this.uniform(30 * MINUTE_MS, 70 * MINUTE_MS);
      if (ws.phase === Phase.Open && ws.serverOpen) {
        // §5.5.1 / §7.1.2: S1 closes (1001 going away, 1000 normal); the host echoes and the flow ends.
        const m = this.serverWsWriter.close(this.scratch, 0, SLOT_BYTES, this.rand() < 0.5 ? 1001 : 1000, ascii('bye'), 0, 3);
        this.send(S1, WALT, this.scratch, 0, m, WS_CONN, -1);
      }
      return;
    }
    if (this.nextWsDrop <= now) {
      this.nextWsDrop = now + this.uniform(60 * MINUTE_MS, 120 * MINUTE_MS);
      if (ws.phase !== Phase.Free) { c.wsDrops++; this.close(WS_CONN, false); }
      return;
    }
    if (this.nextBlackhole <= now) {
      this.nextBlackhole = now + this.uniform(70 * MINUTE_MS, 150 * MINUTE_MS);
      const conn = this.conns[TLS_CONN]!;
      if (conn.phase === Phase.Open && conn.blackholedAt < 0) { c.tlsBlackholes++; conn.blackholedAt = now; }
      return;
    }
    if (this.nextTlsDrop <= now) {
      this.nextTlsDrop = now + this.uniform(40 * MINUTE_MS, 90 * MINUTE_MS);
      if (this.conns[TLS_CONN]!.phase !== Phase.Free && this.conns[TLS_CONN]!.blackholedAt < 0) { c.tlsDrops++; this.close(TLS_CONN, false); }
      return;
    }
    if (this.nextHang <= now) {
      // S1's WebSocket side hangs for a while (no pong, no frame at all): the host's ping times out.
      c.wsHangs++;
      this.hungUntil = now + this.uniform(90_000, 3 * MINUTE_MS);
      this.nextHang = now + this.uniform(2 * HOUR_MS, 4 * HOUR_MS);
      return;
    }
    if (this.nextServerMessage <= now) {
      // S1 relays a MESSAGE: to tess over a connection it opens, to walt over his WebSocket.
      this.nextServerMessage = now + this.uniform(40_000, 150_000);
      if (now < this.downUntil) return;
      const phone = this.rand() < 0.65 ? TESS : WALT;
      const slot = phone === TESS ? this.openInbound() : this.wsUsable() ? WS_CONN : -1;
      if (slot >= 0) this.serverMessage(phone, slot);
      return;
    }
    if (this.nextChurn <= now) {
      this.nextChurn = now + this.uniform(10 * MINUTE_MS, 40 * MINUTE_MS);
      if (this.endRandomSubscription(now)) c.unsubscribes++;
      return;
    }
    if (this.nextPublish <= now) {
      this.nextPublish = now + this.uniform(3 * MINUTE_MS, 10 * MINUTE_MS);
      this.publishFromRandomPhone(now, (p) => (p === WALT ? 'sip:walt@example.test' : 'sips:tess@example.test'), ACTIVITIES);
      return;
    }
    if (this.nextMessage <= now) {
      this.nextMessage = now + this.uniform(30_000, 120_000);
      c.messages++;
      this.messageFromRandomPhone(now, (p) => (p === TESS ? 'sips:pat@example.test' : 'sip:pat@example.test'));
    }
  }

  private subscribe(s: Sub): void {
    const r = this.uas[s.phone]!.subscribe(s.target, 'presence', this.now, { expires: 120 + 30 * Math.floor(this.rand() * 7) });
    if (r.ok) { s.id = r.val; s.state = 'subscribing'; this.counters.subscribes++; } else this.counters.harnessFaults++;
    this.drain(s.phone);
  }

  private subById(phone: number, id: number): Sub | null {
    for (const s of this.subs) if (s.phone === phone && s.id === id) return s;
    return null;
  }

  // =====================================================================================
  // S1: registrar, PUBLISH, MESSAGE, presence server
  // =====================================================================================

  private serverReceive(slot: number, buf: Uint8Array, off: number, len: number): void {
    const v = this.view;
    if (parse(buf, off, len, v, this.parseOptions) <= 0) { this.counters.harnessFaults++; return; }
    if (!v.isRequest) { this.serverAnswered(slot); return; }
    if (v.methodId === M.ACK) return;
    switch (v.methodId) {
      case M.REGISTER: {
        const contact = v.headerText(H.CONTACT) ?? '';
        this.reply(slot, responseText(this.view, 200, 'OK', contact === '' ? '' : `Contact: ${contact};expires=${expiresOf(this.view, 600)}\r\n`));
        return;
      }
      case M.PUBLISH:
        this.reply(slot, responseText(this.view, 200, 'OK', `SIP-ETag: e${++this.etagSeq}\r\nExpires: ${expiresOf(this.view, 300)}\r\n`));
        return;
      case M.MESSAGE:
        this.reply(slot, responseText(this.view, 202, 'Accepted', ''));
        return;
      case M.SUBSCRIBE:
        this.serverSubscribe(slot);
        return;
      default:
        this.reply(slot, responseText(this.view, 501, 'Not Implemented', ''));
    }
  }

  private serverSubscribe(slot: number): void {
    const v = this.view;
    const callId = v.headerText(H.CALL_ID) ?? '';
    const toTag = tagOf(v.headerText(H.TO) ?? '');
    const expires = expiresOf(this.view, 3600);
    const phone = slot === WS_CONN ? WALT : TESS;
    const contact = phone === WALT ? `<sip:n0@${ADDRESSES[S1]}:${WS_PORT};transport=ws>` : `<sips:n0@${ADDRESSES[S1]}:${TLS_PORT}>`;
    let r = this.recordOf(callId);
    if (toTag !== '') {
      // A refresh or an unsubscribe in the dialog.
      if (r === null || r.tag !== toTag) { this.reply(slot, responseText(this.view, 481, 'Call/Transaction Does Not Exist', '')); return; }
      this.reply(slot, responseText(this.view, 200, 'OK', `Expires: ${expires}\r\nContact: ${contact}\r\n`, toTag));
      r.expiresAt = this.now + expires * 1000;
      // RFC 6665 §4.2.1.2: a NOTIFY follows every accepted SUBSCRIBE (terminated for Expires: 0).
      if (expires === 0) { this.serverNotify(r, 'terminated;reason=timeout'); r.used = false; } else this.serverNotify(r, `active;expires=${expires}`);
      return;
    }
    if (r === null) for (const x of this.serverSubs) if (!x.used) { r = x; break; }
    if (r === null) { this.counters.harnessFaults++; this.reply(slot, responseText(this.view, 503, 'Service Unavailable', '')); return; }
    r.used = true;
    r.phone = phone;
    r.callId = callId;
    r.subscriberFrom = v.headerText(H.FROM) ?? '';
    r.subscriberContact = stripAngles(v.headerText(H.CONTACT) ?? '');
    r.entity = stripAngles(v.headerText(H.TO) ?? '');
    r.tag = `n${++this.tagSeq}`;
    r.cseq = 0;
    r.expiresAt = this.now + expires * 1000;
    r.nextNotifyAt = this.now + this.uniform(MINUTE_MS, 4 * MINUTE_MS);
    if (expires === 0) { r.used = false; this.reply(slot, responseText(this.view, 200, 'OK', 'Expires: 0\r\n', r.tag)); return; }
    this.reply(slot, responseText(this.view, 200, 'OK', `Expires: ${expires}\r\nContact: ${contact}\r\n`, r.tag));
    this.serverNotify(r, `active;expires=${expires}`);
  }

  /**
   * A NOTIFY: to walt over his WebSocket (none open: not sent; a WS client cannot be reached);
   * to tess over her flow, a connection S1 opened, or a new one (RFC 3261 §18 without RFC 5923).
   */
  private serverNotify(r: ServerSub, state: string): void {
    let slot = -1;
    if (r.phone === WALT) slot = this.wsUsable() ? WS_CONN : -1;
    else slot = this.conns[TLS_CONN]!.phase === Phase.Open && this.rand() < 0.5 ? TLS_CONN : this.openInbound();
    if (slot < 0 || this.now < this.downUntil) { this.counters.packetsDropped++; return; }
    const tls = r.phone === TESS;
    const host = ADDRESSES[S1]!;
    const body = state.startsWith('terminated') ? '' : pidf(r.entity, 'd0', this.rand() < 0.85 ? 'open' : 'closed', ACTIVITIES[Math.floor(this.rand() * ACTIVITIES.length)]!);
    const cseq = ++r.cseq;
    // A sent-by without a port now and then: the answer's fallback then uses the transport's default (5061).
    const via = tls ? `SIP/2.0/TLS ${host}${this.rand() < 0.2 ? '' : `:${TLS_PORT}`}` : 'SIP/2.0/WS s1.invalid';
    const text = `NOTIFY ${r.subscriberContact} SIP/2.0\r\nVia: ${via};branch=z9hG4bKs${++this.branchSeq}\r\n`
      + `From: <${r.entity}>;tag=${r.tag}\r\nTo: ${r.subscriberFrom}\r\nCall-ID: ${r.callId}\r\nCSeq: ${cseq} NOTIFY\r\nMax-Forwards: 70\r\n`
      + `Contact: ${tls ? `<sips:n0@${host}:${TLS_PORT}>` : `<sip:n0@${host}:${WS_PORT};transport=ws>`}\r\nEvent: presence\r\nSubscription-State: ${state}\r\n`
      + (body === '' ? '' : 'Content-Type: application/pidf+xml\r\n') + `Content-Length: ${body.length}\r\n\r\n${body}`;
    this.serverRequest(slot, text, `${r.callId}|${cseq} NOTIFY`, false);
  }

  /** A MESSAGE relayed by S1 (from a peer on the list: the known-peers policy lets the registrar's relays in). */
  private serverMessage(phone: number, slot: number): void {
    const tls = phone === TESS;
    const host = ADDRESSES[S1]!;
    const callId = `m${++this.callSeq}@s1`;
    const body = `hello ${this.callSeq}`;
    const via = tls ? `SIP/2.0/TLS ${host}${this.rand() < 0.2 ? '' : `:${TLS_PORT}`}` : 'SIP/2.0/WS s1.invalid';
    const text = `MESSAGE ${tls ? `sips:tess@${ADDRESSES[TESS]}:${TLS_PORT}` : `sip:walt@${ADDRESSES[WALT]};transport=ws`} SIP/2.0\r\nVia: ${via};branch=z9hG4bKm${++this.branchSeq}\r\n`
      + `From: <${tls ? 'sips' : 'sip'}:pat@example.test>;tag=p${this.callSeq}\r\nTo: <${tls ? 'sips:tess' : 'sip:walt'}@example.test>\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n`
      + `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    this.serverRequest(slot, text, `${callId}|1 MESSAGE`, true);
  }

  /** §18.2.2: a response goes back over the connection its request came on (gone: lost). */
  private reply(slot: number, text: string): void {
    const conn = this.conns[slot]!;
    if (conn.phase === Phase.Free) { this.counters.packetsDropped++; return; }
    this.serverSend(slot, text, -1);
  }

  private recordOf(callId: string): ServerSub | null {
    for (const r of this.serverSubs) if (r.used && r.callId === callId) return r;
    return null;
  }
}

/** Occupancy line for the per-hour table of this scenario. */
export function streamOccupancyLine(o: UaOccupancy): string {
  return `tx ${o.clientTransactions}/${o.serverTransactions} bufs ${o.requestBuffersInUse}/${o.responseBuffersInUse} subs ${o.subscriptions} dialogs ${o.dialogs} flows ${o.streamFlows} endpoints ${o.endpointsInUse} pending ${o.pendingMessages}`;
}
