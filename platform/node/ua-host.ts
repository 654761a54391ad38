// The Node host loop for one UserAgent (issue #3 part 7): a UDP socket and a TCP listener on the
// same local port (our Via sent-by and Contact), outgoing TCP/TLS connections opened on demand
// per destination, one timer re-armed at pollTimeout. It follows core/ua/README.md: after every
// input or command, drain pollTransmit → pollTimeout → pollEvent. TLS verifies the server
// certificate by default (node:tls rejectUnauthorized), with the target host as SNI.
//
// Host names (RFC 3263): the UA labels an endpoint with the URI's host as it is. When that is a
// name, the host resolves it (NAPTR → SRV → A/AAAA via platform/node/dns.ts, through the
// injectable `dns` resolver), caches the ordered target list per (name, transport, port) for
// `dnsCacheMs`, and sends to the current target. Sends that arrive while resolution runs wait in
// a bounded queue. A transport failure at the current target (ICMP port unreachable on UDP — seen
// only on a connected socket, so every named UDP target gets its own connected socket —, a
// refused or failed TCP/TLS connect) moves the send to the next target not yet tried by it
// (§4.3); only when none is left does the UA get handleSendFailed. A name that resolves to nothing
// fails every waiting send, and the UA backs off as it would after any transport error.
//
// 503 and timeouts (RFC 3263 §4.3, core/ua/failover.ts): only the UA sees responses and Timer F,
// so it re-sends the request as a new transaction whose transmits carry `failoverOf` (the token
// that failed) and `failoverRetryAfter`. Every transaction is bound to the target it first went
// to (retransmissions stay there), so the host knows which target failed, holds it back, and
// sends the retry to the next target this request has not tried; with none left it calls
// ua.handleNoNextTarget(token) and the UA hands the original outcome to its owner. A request
// answering a digest challenge (`sameTargetAs`) goes to the target that challenged. Holds: a 503
// with Retry-After keeps that target out until then (RFC 3261 §21.5.4), even across a fresh DNS
// lookup; a 503 without it, a timeout or a transport error only puts it last for `dnsCacheMs`.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { UserAgent, Outgoing, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { streamModule } from '../../core/ua/stream-flows.js';
import { keepaliveModule } from '../../core/transport/keepalive.js';
import { sha256Module } from '../../core/bytes/sha256.js';
import { TargetResolver, type Target, type TargetRequest } from '../../core/transport/targets.js';
import { defaultPort } from '../../core/transport/kinds.js';
import type { DnsResolver } from '../host/socket.js';
import { NodeDnsResolver, resolveTargets } from './dns.js';
import { ipFamily } from './addresses.js';
import { NodeWebSocket, type NodeWebSocketOptions, type WebSocketCloseInfo } from './websocket.js';

export interface NodeUaHostOptions {
  /** Local address to bind and advertise (default 127.0.0.1). */
  readonly address?: string;
  /** Local port (default: ephemeral; the same number is used for UDP and TCP). */
  readonly port?: number;
  /** Extra TLS options for outgoing TLS flows (CA, client certificate). */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
  /** Called for every event after the UA emitted it. */
  readonly onEvent?: (event: UaEvent) => void;
  /** Called with the first line of every message sent ('>>') or received ('<<'), for logs. */
  readonly onWire?: (direction: '>>' | '<<', firstLine: string) => void;
  /** Resolver for endpoint host names (RFC 3263); default: NodeDnsResolver (system DNS, localhost → loopback). */
  readonly dns?: DnsResolver;
  /** How long a resolved target list is reused (default 60 s; resolveTargets reports no TTLs). */
  readonly dnsCacheMs?: number;
  /** Bound per DNS query (default 5 s). */
  readonly dnsQueryTimeoutMs?: number;
  /** Sends held per name while it resolves (default 32); beyond that they fail at once. */
  readonly maxPendingSends?: number;
  /** Request target of the WebSocket handshake for ws/wss flows (default "/"). */
  readonly webSocketPath?: string;
  /** WebSocket ping after this much silence on a ws/wss flow (default 0: off); no pong → flow failed. */
  readonly webSocketPingIntervalMs?: number;
  /** Called when a ws/wss flow ends, with why (a refused certificate, a handshake refused, a close code). */
  readonly onWebSocketClose?: (flow: Endpoint, info: WebSocketCloseInfo) => void;
}

/** One send to a named endpoint: kept until it went out, failed over, or was reported. */
interface NamedSend {
  readonly bytes: Buffer;
  readonly token: number;
  /** Outgoing.failoverOf: the token whose 503/timeout this request retries (§4.3), or -1. */
  readonly failoverOf: number;
  /** Outgoing.failoverRetryAfter: that 503's Retry-After in seconds, or -1. */
  readonly retryAfter: number;
  /** Outgoing.sameTargetAs: the token whose digest challenge this answers (its target, RFC 3261 §22.2), or -1. */
  readonly sameTargetAs: number;
}

/** The target one transaction (token) of a named endpoint is bound to, and those its request tried before. */
interface TargetBinding {
  readonly key: string;
  readonly target: Target;
  readonly tried: readonly Target[];
}

/** A target held back until `until` (host ms). Hard (Retry-After, §21.5.4): not used before; soft: used last. */
interface TargetHold {
  readonly until: number;
  readonly hard: boolean;
}

/** The targets of one (name, transport, port), in RFC 3263 order, and where failover stands. */
interface NameEntry {
  readonly endpoint: Endpoint;
  state: 'resolving' | 'ready';
  targets: readonly Target[];
  expiresAt: number;
  readonly pending: NamedSend[];
}

/** A connected UDP socket to one named target: the only kind of UDP socket that sees ICMP errors. */
interface UdpTarget {
  readonly socket: UdpSocket;
  /** Sends since the last datagram from the target: the ones an ICMP error may be about. */
  readonly inflight: NamedSend[];
  /** Sends made before connect() completed: a connected socket takes no address per send. */
  readonly beforeConnect: NamedSend[] | null;
  connected: boolean;
}

/** A TCP/TLS connection to one named target; writes before 'connect' fail over if it is refused. */
interface StreamTarget {
  readonly socket: Socket;
  connected: boolean;
  readonly unconfirmed: NamedSend[];
}

/** A WebSocket flow to one resolved target of a name: sends wait as `unconfirmed` until it opens. */
interface WebSocketTarget {
  readonly ws: NodeWebSocket;
  opened: boolean;
  readonly unconfirmed: NamedSend[];
}

const DEFAULT_DNS_CACHE_MS = 60_000;
const DEFAULT_MAX_PENDING = 32;
const MAX_INFLIGHT = 16;
/** Token → target bindings kept (oldest dropped first): far more than transactions live at once. */
const MAX_BINDINGS = 1024;
const MAX_HOLDS = 256;

const targetKeyOf = (t: Target) => `${t.kind}:${t.address}:${t.port}`;

function firstLine(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && end < 200 && bytes[end] !== 13 && bytes[end] !== 10) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}

const keyOf = (ep: Endpoint) => `${ep.transport}:${ep.address}:${ep.port}`;

/** Not an IPv4/IPv6 literal (bracketed IPv6 included): RFC 3263 has to find the address. */
function isHostName(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return ipFamily(bare) === 0;
}

export class NodeUaHost {
  ua!: UserAgent;
  port = 0;
  address: string;
  private udp: UdpSocket | null = null;
  private server: Server | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly out = new Outgoing();
  private readonly flows = new Map<string, Socket>();
  /** The stream flows this host connected (flowTo), with the endpoint each is for. */
  private readonly opened = new Map<Socket, Endpoint>();
  private closed = false;
  private readonly options: NodeUaHostOptions;
  private readonly dns: DnsResolver;
  private readonly names = new Map<string, NameEntry>();
  private readonly udpTargets = new Map<string, UdpTarget>();
  private readonly streamTargets = new Map<string, StreamTarget>();
  private readonly webSocketTargets = new Map<string, WebSocketTarget>();
  private readonly webSockets = new Map<string, NodeWebSocket>();
  private readonly bindings = new Map<number, TargetBinding>();
  private readonly holds = new Map<string, TargetHold>();

  private constructor(options: NodeUaHostOptions) {
    this.options = options;
    this.address = options.address ?? '127.0.0.1';
    this.dns = options.dns ?? new NodeDnsResolver({ timeoutMs: options.dnsQueryTimeoutMs });
  }

  /** Binds the sockets, then builds the UA with our port filled in. */
  static async start(options: NodeUaHostOptions, config: (local: { address: string; port: number }) => Omit<UaConfig, 'random'>): Promise<NodeUaHost> {
    const host = new NodeUaHost(options);
    // UDP and TCP share the port number (RFC 3261 §18: one sent-by for both). An ephemeral UDP port
    // can be a TCP port some connection already holds: then both are bound again on another
    // port (bounded; a fixed options.port gets no second try).
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket(host.address.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(options.port ?? 0, host.address, () => resolve()); });
      const server = createServer();
      try {
        await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(udp.address().port, host.address, () => resolve()); });
      } catch (e) {
        udp.close();
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' && options.port === undefined && attempt < 20) continue;
        throw e;
      }
      host.udp = udp;
      host.port = udp.address().port;
      host.server = server;
      break;
    }
    const udp = host.udp!;
    const server = host.server!;
    // This host opens TCP/TLS flows (and listens for them), keeps NAT bindings alive when the
    // account asks and answers SHA-256 digest challenges: the UA gets every optional module (a
    // UDP-only phone's firmware need pass none of them).
    host.ua = new UserAgent({ random: () => randomInt(0, 1 << 30) / (1 << 30), ...config({ address: host.address, port: host.port }) }, { streams: streamModule, keepalive: keepaliveModule, sha256: sha256Module });
    udp.on('message', (msg, rinfo) => {
      if (host.closed) return;
      options.onWire?.('<<', firstLine(msg));
      host.ua.handleDatagram(msg, 0, msg.length, { transport: 'udp', address: rinfo.address, port: rinfo.port }, host.now());
      host.drain();
    });
    udp.on('error', () => { /* send failures are reported per datagram */ });
    server.on('connection', (socket) => {
      host.attach(socket, { transport: 'tcp', address: socket.remoteAddress ?? host.address, port: socket.remotePort ?? 0 });
    });
    return host;
  }

  now(): number {
    return performance.now();
  }

  /** Runs a command against the UA, then drains its outputs. */
  run<T>(command: (ua: UserAgent, now: number) => T): T {
    const r = command(this.ua, this.now());
    this.drain();
    return r;
  }

  drain(): void {
    if (this.closed) return;
    const out = this.out;
    while (this.ua.pollTransmit(out)) {
      const token = out.token;
      const ep = out.endpoint;
      // Copied: sockets send asynchronously and the UA may reuse its buffer.
      const bytes = Buffer.from(out.bytes.subarray(out.off, out.off + out.len));
      this.options.onWire?.('>>', firstLine(bytes));
      if (isHostName(ep.address)) {
        // RFC 3263 (and RFC 7118 §7 for ws/wss: NAPTR SIP+D2W, SRV _sip._ws / _sips._ws).
        this.sendByName(ep, { bytes, token, failoverOf: out.failoverOf, retryAfter: out.failoverRetryAfter, sameTargetAs: out.sameTargetAs });
        continue;
      }
      if (ep.transport === 'ws' || ep.transport === 'wss') {
        // RFC 7118: one SIP message per WebSocket message on a reused flow.
        if (!this.webSocketTo(ep).send(bytes)) this.reportFailed(token);
        continue;
      }
      const failed = (err: Error | null | undefined) => {
        if (err && !this.closed) { this.ua.handleSendFailed(token, this.now()); this.drain(); }
      };
      if (ep.transport === 'udp') {
        this.udp!.send(bytes, ep.port, ep.address, failed);
      } else {
        this.flowTo(ep).write(bytes, failed);
      }
    }
    const at = this.ua.pollTimeout();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(at)) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.closed) return;
        this.ua.handleTimeout(this.now());
        this.drain();
      }, Math.max(0, Math.ceil(at - this.now())));
    }
    for (let e = this.ua.pollEvent(); e !== undefined; e = this.ua.pollEvent()) {
      // RFC 5626 §4.4.1/§4.5: the keep-alive found the registration's flow dead (no pong). The
      // kernel would still take writes on it for minutes (a silent NAT or middlebox drop), so the
      // connection is dropped here, and the UA re-registers over a new one on its next tick.
      if (e.kind === 'registration-lost' && e.cause === 'flow-failed') this.dropOpenedFlows();
      this.options.onEvent?.(e);
    }
  }

  /** Closes the stream flows this host opened (not those the server opened to us) and reports each closed. */
  private dropOpenedFlows(): void {
    for (const [socket, flow] of this.opened) {
      this.opened.delete(socket);
      if (this.flows.get(keyOf(flow)) === socket) this.flows.delete(keyOf(flow));
      socket.destroy();
      this.ua.handleFlowClosed(flow, this.now());
    }
  }

  private flowTo(ep: Endpoint): Socket {
    const existing = this.flows.get(keyOf(ep));
    if (existing) return existing;
    const socket = ep.transport === 'tls' || ep.transport === 'wss'
      ? tlsConnect({ host: ep.address, port: ep.port, servername: /^[\d.]+$|:/.test(ep.address) ? undefined : ep.address, ...this.options.tls })
      : connect(ep.port, ep.address);
    this.attach(socket, ep);
    this.opened.set(socket, ep);
    return socket;
  }

  /** The open WebSocket flow to `ep`, if any (for logs and tests: its counters show what went over it). */
  webSocketFlow(ep: Endpoint): NodeWebSocket | undefined {
    return this.webSockets.get(keyOf(ep));
  }

  /**
   * The WebSocket flow to `ep`, opened on first use and reused after (RFC 7118 §5: requests
   * from the server come back on it). Its messages reach the UA whole, like datagrams; its end
   * is reported like a TCP flow's (handleFlowClosed → re-register).
   */
  private webSocketTo(ep: Endpoint): NodeWebSocket {
    const key = keyOf(ep);
    const existing = this.webSockets.get(key);
    if (existing) return existing;
    const flow: Endpoint = { transport: ep.transport, address: ep.address, port: ep.port };
    const ws = this.openWebSocket(ep.address, ep.port, undefined, ep.transport === 'wss' ? { ...this.options.tls } : undefined, flow, (self) => {
      if (this.webSockets.get(key) === self) this.webSockets.delete(key);
      return true;
    });
    this.webSockets.set(key, ws);
    return ws;
  }

  /**
   * A WebSocket flow whose messages reach the UA as `flow` (whole, like datagrams). On its end,
   * `ended` forgets it and says whether the UA saw it open: then the end is the UA's flow failure
   * (handleFlowClosed); otherwise the caller has failed over what waited for it.
   */
  private openWebSocket(address: string, port: number, hostHeader: string | undefined, tls: NodeWebSocketOptions['tls'], flow: Endpoint, ended: (ws: NodeWebSocket) => boolean, onOpen?: () => void): NodeWebSocket {
    const host = this;
    return new NodeWebSocket({
      address,
      port,
      host: hostHeader,
      path: this.options.webSocketPath,
      tls,
      pingIntervalMs: this.options.webSocketPingIntervalMs,
      onOpen,
      onMessage(bytes, off, len) {
        if (host.closed) return;
        host.options.onWire?.('<<', firstLine(bytes.subarray(off, off + len)));
        host.ua.handleDatagram(bytes, off, len, flow, host.now());
        host.drain();
      },
      onClose(info) {
        const wasFlow = ended(this);
        if (host.closed) return;
        host.options.onWebSocketClose?.(flow, info);
        if (!wasFlow) return;
        host.ua.handleFlowClosed(flow, host.now());
        host.drain();
      },
    });
  }

  private attach(socket: Socket, flow: Endpoint): void {
    this.flows.set(keyOf(flow), socket);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.options.onWire?.('<<', firstLine(chunk));
      this.ua.handleStream(flow, chunk, 0, chunk.length, this.now());
      this.drain();
    });
    socket.on('error', () => { /* 'close' follows and reports the flow */ });
    socket.on('close', () => {
      this.opened.delete(socket);
      // Only the flow's current socket speaks for it: one dropped by dropOpenedFlows was reported
      // then, and a new connection to the same endpoint may already carry its requests.
      if (this.flows.get(keyOf(flow)) !== socket) return;
      this.flows.delete(keyOf(flow));
      if (this.closed) return;
      this.ua.handleFlowClosed(flow, this.now());
      this.drain();
    });
  }

  // ---- RFC 3263: sends to endpoints named by a host name ----

  private sendByName(ep: Endpoint, send: NamedSend): void {
    const key = keyOf(ep);
    let entry = this.names.get(key);
    if (entry !== undefined && entry.state === 'ready' && this.now() >= entry.expiresAt) {
      this.names.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = { endpoint: { transport: ep.transport, address: ep.address, port: ep.port }, state: 'resolving', targets: [], expiresAt: 0, pending: [] };
      this.names.set(key, entry);
      this.resolveName(key, entry);
    }
    if (entry.state === 'resolving') {
      // A retransmission of what already waits replaces it instead of taking another place.
      const same = entry.pending.findIndex((p) => p.token === send.token);
      if (same >= 0) entry.pending[same] = send;
      else if (entry.pending.length < (this.options.maxPendingSends ?? DEFAULT_MAX_PENDING)) entry.pending.push(send);
      else this.reportFailed(send.token);
      return;
    }
    this.route(key, entry, send);
  }

  private resolveName(key: string, entry: NameEntry): void {
    const ep = entry.endpoint;
    const ipv6 = this.address.includes(':');
    const machine = new TargetResolver({ supported: [ep.transport], random: () => randomInt(0, 1 << 30) / (1 << 30), ipv6, preferIpv6: ipv6 });
    const host = ep.address.endsWith('.') ? ep.address.slice(0, -1) : ep.address;
    // The UA fills in the transport's default port when the URI names none, so a default port
    // counts as "no port" (§4.2: SRV is asked). UDP and TLS start at NAPTR (§4.1): the
    // machine's fallback for "no transport" is UDP, or TLS for sips, which is the UA's choice
    // then; other transports go straight to their SRV name.
    const noPort = ep.port === defaultPort(ep.transport);
    const viaNaptr = noPort && (ep.transport === 'udp' || ep.transport === 'tls');
    const request: TargetRequest = {
      host,
      port: noPort ? -1 : ep.port,
      transport: viaNaptr ? null : ep.transport,
      secure: ep.transport === 'tls' || ep.transport === 'wss',
    };
    void resolveTargets(this.dns, machine, request, { queryTimeoutMs: this.options.dnsQueryTimeoutMs }).then((list) => {
      if (this.closed || this.names.get(key) !== entry) return;
      const waiting = entry.pending.splice(0);
      if (list.length === 0) {
        // Nothing to send to: every waiting send is a transport error (§8.1.3.1); not cached, so
        // the UA's next attempt (after its backoff) asks DNS again.
        this.names.delete(key);
        for (const s of waiting) this.ua.handleSendFailed(s.token, this.now());
        this.drain();
        return;
      }
      entry.state = 'ready';
      entry.targets = list.slice();
      entry.expiresAt = this.now() + (this.options.dnsCacheMs ?? DEFAULT_DNS_CACHE_MS);
      for (const s of waiting) this.route(key, entry, s);
    });
  }

  /**
   * Sends `send` to its transaction's target: the one it is bound to (a retransmission, §17.1),
   * else — for a first transmit — the first target in RFC 3263 order that is not held back and
   * not yet tried by this request. A failover retry (`failoverOf` ≥ 0, core/ua/failover.ts)
   * first holds back the target the failed attempt was bound to (§4.3; RFC 3261 §21.5.4).
   */
  private route(key: string, entry: NameEntry, send: NamedSend): void {
    const bound = this.bindings.get(send.token);
    if (bound !== undefined && bound.key === key) {
      this.sendTo(key, entry, bound.target, send);
      return;
    }
    // Credentials answer one server's challenge (its nonce): that server, held back or not.
    const challenged = send.sameTargetAs >= 0 ? this.bindings.get(send.sameTargetAs) : undefined;
    if (challenged !== undefined && challenged.key === key) {
      this.bind(send.token, challenged);
      this.sendTo(key, entry, challenged.target, send);
      return;
    }
    let tried: readonly Target[] = [];
    if (send.failoverOf >= 0) {
      const failed = this.bindings.get(send.failoverOf);
      if (failed !== undefined && failed.key === key) {
        if (send.retryAfter >= 0) this.hold(failed.target, send.retryAfter * 1000, true);
        else this.hold(failed.target, this.options.dnsCacheMs ?? DEFAULT_DNS_CACHE_MS, false);
        tried = [...failed.tried, failed.target];
      }
    }
    const target = this.pick(entry, tried);
    if (target === undefined) {
      // Every target is tried or held back: the UA gets the outcome (§4.3, last paragraph).
      if (send.failoverOf >= 0) this.reportNoNextTarget(send.token);
      else this.reportFailed(send.token);
      return;
    }
    this.bind(send.token, { key, target, tried });
    this.sendTo(key, entry, target, send);
  }

  private sendTo(key: string, entry: NameEntry, target: Target, send: NamedSend): void {
    if (target.kind === 'udp') this.sendUdpTarget(key, entry, target, send);
    else if (target.kind === 'ws' || target.kind === 'wss') this.sendWebSocketTarget(key, entry, target, send);
    else this.writeStreamTarget(key, entry, target, send);
  }

  /** The first usable target in list order, skipping `tried` and hard holds; soft-held ones only when nothing else is left. */
  private pick(entry: NameEntry, tried: readonly Target[]): Target | undefined {
    const now = this.now();
    let last: Target | undefined;
    for (const t of entry.targets) {
      const k = targetKeyOf(t);
      if (tried.some((x) => targetKeyOf(x) === k)) continue;
      const h = this.holds.get(k);
      if (h !== undefined && h.until > now) {
        if (!h.hard && last === undefined) last = t;
        continue;
      }
      return t;
    }
    return last;
  }

  private hold(target: Target, ms: number, hard: boolean): void {
    const k = targetKeyOf(target);
    const now = this.now();
    const until = now + ms;
    const had = this.holds.get(k);
    // A Retry-After in force is never shortened or softened by a later, vaguer failure.
    if (had !== undefined && had.hard && had.until > now && (!hard || had.until >= until)) return;
    this.holds.delete(k);
    this.holds.set(k, { until, hard });
    if (this.holds.size > MAX_HOLDS) {
      for (const [hk, h] of this.holds) if (h.until <= now) this.holds.delete(hk);
      while (this.holds.size > MAX_HOLDS) this.holds.delete(this.holds.keys().next().value!);
    }
  }

  private bind(token: number, binding: TargetBinding): void {
    this.bindings.delete(token);
    this.bindings.set(token, binding);
    if (this.bindings.size > MAX_BINDINGS) this.bindings.delete(this.bindings.keys().next().value!);
  }

  /** §4.3: `target` failed at the transport: each send moves to the next target its request has not tried. */
  private failover(key: string, seen: NameEntry, target: Target, sends: readonly NamedSend[]): void {
    // A socket outlives a cache refresh of its name: act on the entry in use now.
    const entry = this.names.get(key) ?? seen;
    // Put last for later requests (until the list is looked up again), as the old index did.
    this.hold(target, this.options.dnsCacheMs ?? DEFAULT_DNS_CACHE_MS, false);
    for (const s of sends) {
      const b = this.bindings.get(s.token);
      const tried = b !== undefined && b.key === key ? [...b.tried, b.target] : [target];
      const next = this.pick(entry, tried);
      if (next === undefined) {
        // Every target failed: report, and resolve afresh next time.
        if (this.names.get(key) === entry) this.names.delete(key);
        if (s.failoverOf >= 0) this.reportNoNextTarget(s.token);
        else this.reportFailed(s.token);
        continue;
      }
      this.bind(s.token, { key, target: next, tried });
      this.sendTo(key, entry, next, s);
    }
  }

  /** handleNoNextTarget outside the pollTransmit loop that may be running now. */
  private reportNoNextTarget(token: number): void {
    queueMicrotask(() => {
      if (this.closed) return;
      this.ua.handleNoNextTarget(token, this.now());
      this.drain();
    });
  }

  /** handleSendFailed outside the pollTransmit loop that may be running now. */
  private reportFailed(token: number): void {
    queueMicrotask(() => {
      if (this.closed) return;
      this.ua.handleSendFailed(token, this.now());
      this.drain();
    });
  }

  private sendUdpTarget(key: string, entry: NameEntry, target: Target, send: NamedSend): void {
    const targetKey = `${key}>${target.address}:${target.port}`;
    let t = this.udpTargets.get(targetKey);
    if (t === undefined) {
      const socket = createSocket(ipFamily(target.address) === 6 ? 'udp6' : 'udp4');
      const made: UdpTarget = { socket, inflight: [], beforeConnect: [], connected: false };
      t = made;
      this.udpTargets.set(targetKey, made);
      const from: Endpoint = { transport: 'udp', address: target.address, port: target.port };
      socket.on('message', (msg) => {
        if (this.closed) return;
        made.inflight.length = 0; // it answers: earlier sends reached it
        this.options.onWire?.('<<', firstLine(msg));
        this.ua.handleDatagram(msg, 0, msg.length, from, this.now());
        this.drain();
      });
      socket.on('error', () => {
        // ECONNREFUSED (ICMP port unreachable) and the like: nobody listens at this target.
        if (this.udpTargets.get(targetKey) === made) this.udpTargets.delete(targetKey);
        try { socket.close(); } catch { /* closed already */ }
        if (this.closed) return;
        this.failover(key, entry, target, [...made.inflight.splice(0), ...made.beforeConnect!.splice(0)]);
      });
      socket.connect(target.port, target.address, () => {
        made.connected = true;
        if (this.closed) return;
        for (const waiting of made.beforeConnect!.splice(0)) this.udpSend(key, entry, target, made, waiting);
      });
    }
    if (t.connected) this.udpSend(key, entry, target, t, send);
    else t.beforeConnect!.push(send);
  }

  private udpSend(key: string, entry: NameEntry, target: Target, t: UdpTarget, send: NamedSend): void {
    const same = t.inflight.findIndex((p) => p.token === send.token);
    if (same >= 0) t.inflight.splice(same, 1);
    if (t.inflight.length >= MAX_INFLIGHT) t.inflight.shift();
    t.inflight.push(send);
    try {
      t.socket.send(send.bytes, (err) => {
        if (!err || this.closed) return;
        const at = t.inflight.indexOf(send);
        if (at < 0) return; // the 'error' path took it already
        t.inflight.splice(at, 1);
        this.failover(key, entry, target, [send]);
      });
    } catch {
      // The socket was closed by an earlier ICMP error: this send fails over like the others.
      const at = t.inflight.indexOf(send);
      if (at >= 0) t.inflight.splice(at, 1);
      this.failover(key, entry, target, [send]);
    }
  }

  private writeStreamTarget(key: string, entry: NameEntry, target: Target, send: NamedSend): void {
    const ep: Endpoint = { transport: target.kind, address: target.address, port: target.port };
    const targetKey = keyOf(ep);
    let t = this.streamTargets.get(targetKey);
    if (t === undefined) {
      const secure = target.kind === 'tls' || target.kind === 'wss';
      const socket = secure
        // RFC 5922 §4.1: the certificate must match the domain of the URI the UA asked for.
        ? tlsConnect({ host: target.address, port: target.port, servername: entry.endpoint.address, ...this.options.tls })
        : connect(target.port, target.address);
      const made: StreamTarget = { socket, connected: false, unconfirmed: [] };
      t = made;
      this.streamTargets.set(targetKey, made);
      // The UA knows this flow by the name it asked for: its framer, flow-closed handling and
      // keep-alives all key on that endpoint.
      const flow = entry.endpoint;
      socket.once(secure ? 'secureConnect' : 'connect', () => { made.connected = true; made.unconfirmed.length = 0; });
      socket.on('data', (chunk: Buffer) => {
        if (this.closed) return;
        this.options.onWire?.('<<', firstLine(chunk));
        this.ua.handleStream(flow, chunk, 0, chunk.length, this.now());
        this.drain();
      });
      socket.on('error', () => { /* 'close' follows */ });
      socket.on('close', () => {
        if (this.streamTargets.get(targetKey) === made) this.streamTargets.delete(targetKey);
        if (this.closed) return;
        if (!made.connected) {
          // Refused or unreachable: never a flow the UA saw, so fail over what waited for it.
          this.failover(key, entry, target, made.unconfirmed.splice(0));
          return;
        }
        this.ua.handleFlowClosed(flow, this.now());
        this.drain();
      });
    }
    const live = t;
    if (!live.connected) live.unconfirmed.push(send);
    live.socket.write(send.bytes, (err) => {
      // Before 'connect' the close handler fails these over; after it, a write error is the UA's.
      if (err && live.connected && !this.closed) this.reportFailed(send.token);
    });
  }

  /**
   * A WebSocket flow to one target of a name (RFC 7118 §7 resolution). The handshake's Host and,
   * for wss, the TLS server name are the name the UA asked for (RFC 5922 §4.1), not the address.
   * A flow that never opens fails over what waited for it; one that opened and then ends is the
   * UA's flow failure, reported under the name the UA knows it by.
   */
  private sendWebSocketTarget(key: string, entry: NameEntry, target: Target, send: NamedSend): void {
    const targetKey = `${key}>${target.kind}:${target.address}:${target.port}`;
    let t = this.webSocketTargets.get(targetKey);
    if (t === undefined) {
      const secure = target.kind === 'wss';
      const unconfirmed: NamedSend[] = [];
      const ws = this.openWebSocket(target.address, target.port, `${entry.endpoint.address}:${target.port}`,
        secure ? { servername: entry.endpoint.address, ...this.options.tls } : undefined, entry.endpoint,
        (self) => {
          if (this.webSocketTargets.get(targetKey)?.ws === self) this.webSocketTargets.delete(targetKey);
          if (!made.opened && !this.closed) this.failover(key, entry, target, unconfirmed.splice(0));
          return made.opened;
        },
        () => { made.opened = true; unconfirmed.length = 0; });
      const made: WebSocketTarget = { ws, opened: false, unconfirmed };
      t = made;
      this.webSocketTargets.set(targetKey, made);
    }
    if (!t.opened) {
      const same = t.unconfirmed.findIndex((p) => p.token === send.token);
      if (same >= 0) t.unconfirmed.splice(same, 1);
      t.unconfirmed.push(send);
    }
    if (!t.ws.send(send.bytes)) this.reportFailed(send.token);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.flows.values()) s.destroy();
    this.flows.clear();
    for (const t of this.streamTargets.values()) t.socket.destroy();
    this.streamTargets.clear();
    for (const ws of this.webSockets.values()) ws.close();
    this.webSockets.clear();
    for (const t of this.webSocketTargets.values()) t.ws.close();
    this.webSocketTargets.clear();
    for (const t of this.udpTargets.values()) t.socket.close();
    this.udpTargets.clear();
    for (const e of this.names.values()) e.pending.length = 0;
    this.names.clear();
    this.bindings.clear();
    this.holds.clear();
    this.udp?.close();
    this.server?.close();
  }
}
