// PhoneLink over core/ua and one loopback UDP socket (platform/node): the host loop a device runs
// (datagram in → handleDatagram; drain pollTransmit, pollEvent; arm one timer at pollTimeout).
//
// Two modes:
//   peer to peer (registrar null)  aor sip:<user>@<address>:<port>; SUBSCRIBEs go straight to the
//                                  colleague's phone, whose UA serves its presence and dialog
//                                  packages itself (core/ua notifier, RFC 3856 §5 / RFC 4235).
//   registrar                      REGISTER (digest), PUBLISH our PIDF, SUBSCRIBE through the
//                                  server (Kamailio's presence module notifies). The UA publishes
//                                  presence only, so a call shows as the RPID on-the-phone activity.
import { UserAgent, Outgoing, notifierModule } from '../../core/ua/index.js';
import { sha256Module } from '../../core/bytes/sha256.js';
import type { Endpoint, UaConfig } from '../../core/ua/index.js';
import type { UaEvent } from '../../core/ua/events.js';
import type { RegistrationState as IndicatorRegistration } from '../../core/indicators/input.js';
import { nodeClock, NodeUdpSocket } from '../../platform/node/index.js';
import type { LinkEvent, PhoneLink } from './link.js';
import {
  DIALOG_INFO_TYPE, DialogBodyReader, PIDF_TYPE, PresenceBodyReader, pidfBody, simDialogs,
  type CallState, type OwnPresence,
} from './documents.js';

export interface UaLinkOptions {
  /** User part of the AOR, e.g. "alice". */
  readonly user: string;
  readonly displayName?: string;
  /** Local address to bind (an IP literal) and port (0: any free port). */
  readonly address: string;
  readonly port: number;
  /** Registrar URI, or null for peer to peer. */
  readonly registrar: string | null;
  /** Domain of the AOR with a registrar (default: the registrar's host). */
  readonly domain?: string;
  readonly username?: string;
  readonly password?: string;
  /** Expires for REGISTER / SUBSCRIBE / PUBLISH (seconds). */
  readonly expires?: number;
  /** Diagnostics (one readable line each). */
  readonly log?: (text: string) => void;
}

const RECEIVE_BYTES = 65536;
const TEXT_TYPE = 'text/plain;charset=utf-8';
const CLOSE_WAIT_MS = 1500;

const REGISTRATION: Readonly<Record<string, IndicatorRegistration>> = {
  unregistered: 'unregistered', registering: 'registering', registered: 'registered', refreshing: 'registered',
  'backing-off': 'failed', unregistering: 'registering', failed: 'failed',
};

interface Watch {
  readonly target: string;
  readonly event: 'presence' | 'dialog';
  readonly dialogReader: DialogBodyReader | null;
  live: boolean;
}

export class UaLink implements PhoneLink {
  aor = '';
  port = 0;
  readonly options: UaLinkOptions;
  private socket: NodeUdpSocket | null = null;
  private ua: UserAgent | null = null;
  /** Peer to peer: our UA is the notifier of our presence and dialog state. */
  private serving = false;
  private readonly rx = new Uint8Array(RECEIVE_BYTES);
  private readonly out = new Outgoing();
  private timer: NodeJS.Timeout | undefined = undefined;
  private timerAt = Infinity;
  private onEvent: ((e: LinkEvent) => void) | null = null;
  private readonly early: LinkEvent[] = [];
  private readonly watches = new Map<number, Watch>();
  private readonly presenceReader = new PresenceBodyReader();
  private presence: OwnPresence = { value: 'available', note: '', onThePhone: false };
  private call: CallState = 'idle';
  private caller = '';
  private closing = false;
  private closed = false;
  private registration = 'unregistered';
  private registeredOnce = false;
  private readonly pendingWatches: { target: string; event: 'presence' | 'dialog' }[] = [];
  /** With a registrar: the subscription whose first answer we wait for before the next SUBSCRIBE. */
  private watchInFlight = -1;

  private constructor(options: UaLinkOptions) {
    this.options = options;
  }

  /** Binds the socket (so the AOR and port are known) and builds the UA. */
  static async open(options: UaLinkOptions): Promise<UaLink> {
    const link = new UaLink(options);
    await link.bind();
    return link;
  }

  /** The UA (for tests and diagnostics). */
  get userAgent(): UserAgent {
    return this.ua!;
  }

  /** Live watchers of our presence and dialog state (peer to peer), for logs and tests. */
  get watcherCount(): number {
    return this.ua?.watcherCount() ?? 0;
  }

  async start(onEvent: (e: LinkEvent) => void): Promise<void> {
    this.onEvent = onEvent;
    for (const e of this.early.splice(0)) onEvent(e);
    const now = nodeClock.now();
    if (this.options.registrar === null) {
      this.emit({ kind: 'registration', state: 'registered', detail: `peer to peer on ${this.options.address}:${this.port}` });
    } else {
      const r = this.ua!.register(now);
      if (!r.ok) this.emit({ kind: 'note', text: `register: ${r.val.message}` });
    }
    this.pump();
  }

  watch(target: string): void {
    for (const event of ['presence', 'dialog'] as const) this.pendingWatches.push({ target, event });
    this.nextWatch();
  }

  /**
   * Starts the next queued SUBSCRIBE. With a registrar: only once registered (the server
   * challenges every request, and an unregistered phone has nothing to be notified at), and one
   * at a time (staggered start; a presence server with a file database, like the test Kamailio
   * on SQLite, fails concurrent watcher inserts). Peer to peer: all at once.
   */
  private nextWatch(): void {
    const viaServer = this.options.registrar !== null;
    if (this.closing || (viaServer && (!this.registeredOnce || this.watchInFlight >= 0))) return;
    const now = nodeClock.now();
    for (let w = this.pendingWatches.shift(); w !== undefined; w = this.pendingWatches.shift()) {
      const r = this.ua!.subscribe(w.target, w.event, now, { expires: this.options.expires ?? 600 });
      if (!r.ok) {
        this.emit({ kind: 'watch-lost', target: w.target, event: w.event, reason: r.val.message });
        continue;
      }
      this.watches.set(r.val, { target: w.target, event: w.event, dialogReader: w.event === 'dialog' ? new DialogBodyReader() : null, live: true });
      if (viaServer) {
        this.watchInFlight = r.val;
        break;
      }
    }
    this.pump();
  }

  setPresence(presence: OwnPresence): void {
    this.presence = presence;
    const now = nodeClock.now();
    if (this.serving) this.ua!.notify('presence', PIDF_TYPE, pidfBody(this.aor, presence), now);
    else this.ua!.publish(pidfBody(this.aor, presence), PIDF_TYPE, now);
    this.pump();
  }

  setCallState(call: CallState, caller: string): void {
    this.call = call;
    this.caller = caller;
    // With a registrar, watchers learn of the call from the on-the-phone activity (setPresence).
    if (this.serving) this.ua!.setDialogState(simDialogs(this.aor, call, caller), nodeClock.now());
    this.pump();
  }

  sendIm(target: string, text: string): number | string {
    const r = this.ua!.sendMessage(target, TEXT_TYPE, new TextEncoder().encode(text), nodeClock.now());
    this.pump();
    return r.ok ? r.val : r.val.message;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    const ua = this.ua!;
    const now = nodeClock.now();
    ua.shutdown(now); // also ends our watchers' subscriptions (terminated;reason=probation)
    this.pump();
    // Bounded wait for the unSUBSCRIBEs and the unREGISTER to be answered.
    const until = Date.now() + CLOSE_WAIT_MS;
    while (Date.now() < until && !this.settled()) await new Promise((r) => setTimeout(r, 20));
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.close();
  }

  // ---- Host loop ------------------------------------------------------------------------

  private async bind(): Promise<void> {
    const o = this.options;
    const socket = new NodeUdpSocket({ address: o.address, port: o.port, onReadable: () => this.readAll(), onError: () => this.socketFailed() });
    this.socket = socket;
    if (!(await socket.bound)) {
      const why = socket.error !== undefined ? `${socket.error.code}: ${socket.error.message}` : 'unknown error';
      throw new Error(`cannot bind UDP ${o.address}:${o.port} (${why})`);
    }
    this.port = socket.port;
    const registrarHost = o.registrar !== null ? /^sips?:(?:[^@]*@)?([^:;>]+)/i.exec(o.registrar)?.[1] : undefined;
    this.aor = o.registrar === null
      ? `sip:${o.user}@${o.address}:${this.port}`
      : `sip:${o.user}@${o.domain ?? registrarHost ?? o.address}`;
    const config: UaConfig = {
      aor: this.aor,
      ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      registrar: o.registrar,
      localAddress: o.address,
      localPort: this.port,
      expires: o.expires ?? 600,
      subscribeExpires: o.expires ?? 600,
      publishExpires: o.expires ?? 600,
      random: Math.random,
      backoff: { baseS: 2, maxS: 60 },
      // Peer to peer on a laptop: the colleague's phone is the only sender there is.
      inboundMessagePolicy: o.registrar === null ? 'open' : 'known-peers',
      userAgent: 'hardphone-sim/0.1',
    };
    // A laptop carries every digest algorithm (RFC 8760 SHA-256 too); the sim has one UDP socket, so no stream module.
    this.ua = new UserAgent(config, { sha256: sha256Module });
    if (o.registrar === null) {
      // Peer to peer there is no presence server: each phone answers SUBSCRIBEs for its own
      // presence and dialog state (RFC 3856 §5); the colleague's phone is the only watcher there is.
      const now = nodeClock.now();
      this.ua.enableNotifier(notifierModule);
      this.ua.serve('presence', { policy: 'everyone' });
      this.ua.serve('dialog', { policy: 'everyone' });
      this.ua.notify('presence', PIDF_TYPE, pidfBody(this.aor, this.presence), now);
      this.ua.setDialogState(simDialogs(this.aor, this.call, this.caller), now);
      this.serving = true;
    }
  }

  private readAll(): void {
    if (this.closed) return;
    const socket = this.socket!;
    const now = nodeClock.now();
    for (let n = socket.read(this.rx); n !== undefined; n = socket.read(this.rx)) {
      if (n > this.rx.length) continue; // truncated: cannot be a whole SIP message
      const from: Endpoint = { transport: 'udp', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
      this.ua!.handleDatagram(this.rx, 0, n, from, now);
    }
    this.pump();
  }

  private socketFailed(): void {
    const err = this.socket?.error;
    this.emit({ kind: 'note', text: `UDP socket error${err !== undefined ? `: ${err.message}` : ''}` });
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.closed) return;
    const now = nodeClock.now();
    this.ua!.handleTimeout(now);
    this.pump();
  }

  /** Drain transmits and events until quiet, then arm the timer (core/ua README loop order). */
  private pump(): void {
    if (this.closed || this.ua === null) return;
    const ua = this.ua;
    for (let rounds = 0; rounds < 100; rounds++) {
      let busy = false;
      while (ua.pollTransmit(this.out)) {
        busy = true;
        this.send(this.out.bytes.subarray(this.out.off, this.out.off + this.out.len), this.out.endpoint, this.out.token);
      }
      for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) {
        busy = true;
        this.onUaEvent(e);
      }
      if (!busy) break;
    }
    const at = ua.pollTimeout();
    if (at === Infinity || at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, Math.ceil(at - nodeClock.now())));
  }

  private send(bytes: Uint8Array, to: Endpoint, token: number): void {
    try {
      this.socket!.write(bytes, to.address, to.port);
    } catch (e) {
      if (token >= 0) this.ua!.handleSendFailed(token, nodeClock.now());
      this.emit({ kind: 'note', text: `send to ${to.address}:${to.port} failed: ${(e as Error).message}` });
    }
  }

  private onUaEvent(e: UaEvent): void {
    switch (e.kind) {
      case 'registration':
        this.registration = e.state;
        if (e.state === 'registered' && !this.registeredOnce && !this.closing) {
          this.registeredOnce = true;
          this.nextWatch();
        }
        this.emit({ kind: 'registration', state: REGISTRATION[e.state] ?? 'failed', detail: `${e.state} (${e.cause}${e.status > 0 ? `, ${e.status}` : ''})` });
        return;
      case 'registration-lost':
        this.emit({ kind: 'note', text: `registration lost (${e.cause})` });
        return;
      case 'registration-restored':
        this.emit({ kind: 'note', text: 'registered again; subscriptions restored' });
        return;
      case 'subscription': {
        const w = this.watches.get(e.id);
        if (w === undefined) return;
        if (e.state === 'subscribing' && e.cause === 'start') w.dialogReader?.newSubscription();
        if (e.id === this.watchInFlight && e.state !== 'subscribing') {
          this.watchInFlight = -1;
          queueMicrotask(() => this.nextWatch());
        }
        if (e.state === 'terminated' || e.state === 'failed') {
          w.live = false;
          if (this.closing) this.watches.delete(e.id);
          else this.emit({ kind: 'watch-lost', target: w.target, event: w.event, reason: `${e.state} (${e.cause}${e.status > 0 ? ` ${e.status}` : ''})` });
        } else {
          w.live = true;
        }
        return;
      }
      case 'notify': {
        if (e.subscriptionId === null) return;
        const w = this.watches.get(e.subscriptionId);
        if (w === undefined) return;
        if (w.event === 'presence') {
          const p = this.presenceReader.read(e.body, Date.now());
          if (p === null) this.emit({ kind: 'note', text: `unreadable PIDF from ${w.target}` });
          else this.emit({ kind: 'presence', target: w.target, status: p.status, note: p.note });
        } else {
          const d = w.dialogReader!.read(e.body);
          if (d === null) this.emit({ kind: 'note', text: `unreadable dialog-info from ${w.target}` });
          else this.emit({ kind: 'dialog', target: w.target, state: d.state, caller: d.caller });
        }
        return;
      }
      case 'message': {
        const text = new TextDecoder().decode(e.body);
        this.ua!.respondToMessage(e.id, 200, nodeClock.now());
        this.emit({ kind: 'im', from: e.from, text });
        return;
      }
      case 'message-status':
        this.emit({ kind: 'im-status', id: e.id, ok: e.outcome === 'accepted', detail: `${e.outcome} ${e.status} ${e.reason}`.trim() });
        return;
      case 'publish-outcome':
        if (!e.ok) this.emit({ kind: 'note', text: `PUBLISH failed (${e.status})${e.willRetry ? ', will retry' : ''}` });
        return;
      case 'warning':
        this.emit({ kind: 'note', text: `${e.code}: ${e.message}` });
        return;
      case 'watcher':
        this.emit({ kind: 'note', text: e.state === 'terminated' ? `${e.from} stopped watching our ${e.event} (${e.reason})` : `${e.from} watches our ${e.event}` });
        return;
      default:
        return;
    }
  }

  private settled(): boolean {
    for (const w of this.watches.values()) if (w.live) return false;
    if (this.options.registrar !== null && this.registration !== 'unregistered' && this.registration !== 'failed') return false;
    return this.ua === null || this.ua.watcherRecords === 0;
  }

  private emit(e: LinkEvent): void {
    if (this.onEvent === null) this.early.push(e);
    else this.onEvent(e);
  }
}

export { DIALOG_INFO_TYPE };
