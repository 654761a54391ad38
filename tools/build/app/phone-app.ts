// A firmware application: what a desk phone runs on top of HostBindings (platform/host). It owns
// the host loop of docs/porting.md §2 — one UDP socket, one Timer, the UA (core/ua), the phone
// state fed by the UA's events (core/app PhoneState: BLF keys, buddies, MWI) and the indicator
// scheduler (core/indicators) driving the lamps and the display. Engine-neutral: it reaches the
// device only through the HostBindings it is given, so the same bundle runs in QuickJS
// (platform/quickjs) and under Node (platform/node). Board data arrives pre-decoded (an
// IndicatorLayout), which keeps io-ts off the device.
import { UserAgentBase, Outgoing, type UaConfig, type UaEvent } from '../../../core/ua/index.js';
import { keepaliveModule } from '../../../core/transport/keepalive.js';
import { sha256Module } from '../../../core/bytes/sha256.js';
import { PhoneState } from '../../../core/app/phone-state.js';
import { PresenceStates } from '../../../core/presence/presence-states.js';
import { IndicatorEngine, type IndicatorLayout } from '../../../core/indicators/engine.js';
import { IndicatorScheduler } from '../../../core/indicators/scheduler.js';
import type { BlfState } from '../../../core/indicators/input.js';
import { PresenceDisplay } from '../../../core/presence/documents/pidf-effective.js';
import { pidfScratchSize } from '../../../core/presence/documents/pidf-reader.js';
import { DEFAULT_PIDF_LIMITS } from '../../../core/presence/documents/pidf-model.js';
import { dialogInfoScratchSize, DEFAULT_DIALOG_INFO_LIMITS } from '../../../core/packages/dialog-info.js';
import { XmlScratch } from '../../../core/xml/scratch.js';
import type { HostBindings } from '../../../platform/host/host.js';
import type { Timer } from '../../../platform/host/clock.js';
import type { UdpSocket } from '../../../platform/host/socket.js';

export interface BlfKeyConfig {
  readonly uri: string;
  readonly label: string;
}

export interface PhoneAppConfig {
  /** Shown on the display's first line. */
  readonly identity: string;
  /** The UA's config without what the app supplies itself (random, and the bound local port). */
  readonly ua: Omit<UaConfig, 'random' | 'localPort'>;
  /** Local UDP port to bind (0 or absent: any). */
  readonly localPort?: number;
  /** BLF keys in key order: each watches its target's dialog state (the key's lamp) and presence. */
  readonly blf: readonly BlfKeyConfig[];
  /** Subscribe to the own account's message-summary (RFC 3842) for the message lamp. */
  readonly mwi?: boolean;
  readonly layout: IndicatorLayout;
  readonly maxRateHz?: number;
}

export type WatchedPresence = 'unknown' | 'offline' | 'available' | 'away' | 'busy' | 'on-the-phone' | 'in-meeting';

export interface PhoneAppStatus {
  readonly port: number;
  readonly registration: string;
  readonly subscriptions: number;
  readonly activeSubscriptions: number;
  /** How many subscriptions are in each SubscriptionMachine state. */
  readonly subscriptionStates: Readonly<Record<string, number>>;
  readonly notifies: number;
  readonly notifiesByEvent: Readonly<Record<string, number>>;
  readonly keys: readonly { readonly label: string; readonly state: BlfState; readonly presence: WatchedPresence }[];
  readonly messagesWaiting: boolean;
  readonly warnings: readonly string[];
  readonly failures: readonly string[];
}

const PRESENCE_NAME: Readonly<Record<PresenceDisplay, WatchedPresence>> = {
  [PresenceDisplay.Unknown]: 'unknown',
  [PresenceDisplay.Offline]: 'offline',
  [PresenceDisplay.Available]: 'available',
  [PresenceDisplay.Away]: 'away',
  [PresenceDisplay.Busy]: 'busy',
  [PresenceDisplay.OnThePhone]: 'on-the-phone',
  [PresenceDisplay.InMeeting]: 'in-meeting',
};

type WatchKind = 'blf' | 'buddy' | 'mwi' | 'other';

interface Watch {
  readonly target: string;
  readonly event: string;
  readonly kind: WatchKind;
  /** BLF key or buddy slot. */
  readonly index: number;
  state: string;
}

// One datagram: SIP over UDP stays under the path MTU in practice (RFC 3261 §18.1.1); larger
// ones are dropped as truncated.
const RECEIVE_BYTES = 8192;
const KEEP_WARNINGS = 20;

export class PhoneApp {
  private readonly host: HostBindings;
  /** The configuration without its board layout: the indicator engine keeps what it needs of that. */
  private readonly config: Omit<PhoneAppConfig, 'layout'>;
  private readonly rx = new Uint8Array(RECEIVE_BYTES);
  private readonly out = new Outgoing();
  private readonly udp: UdpSocket;
  private readonly timer: Timer;
  private ua: UserAgentBase | null = null;
  private readonly state: PhoneState;
  /**
   * XML stacks and decoded text shared by the phone's document readers (the BLF keys' dialog-info,
   * the tracked presence's PIDF): each NOTIFY body is read and copied out within one call, never
   * one inside another (core/xml/scratch.ts).
   */
  private readonly scratch = new XmlScratch(pidfScratchSize(DEFAULT_PIDF_LIMITS), dialogInfoScratchSize(DEFAULT_DIALOG_INFO_LIMITS));
  private readonly scheduler: IndicatorScheduler;
  /** Buddy slot of each BLF key's target (-1: the buddy table was full). */
  private readonly buddySlots: number[] = [];
  private readonly watches = new Map<number, Watch>();
  private registration = 'unregistered';
  private subscribedKeys = false;
  private notifies = 0;
  private readonly notifiesByEvent: Record<string, number> = {};
  private readonly warnings: string[] = [];
  private readonly failures: string[] = [];
  private timerAt = -1;
  private closed = false;
  /** pump() is running: commands issued from inside it are drained by its next round. */
  private pumping = false;

  constructor(host: HostBindings, config: PhoneAppConfig) {
    this.host = host;
    // The decoded layout (every lamp's colours and patterns, the policy rows: ~10 KiB of QuickJS
    // heap as JSON.parse leaves it) is only read here; keeping it would keep all of it.
    const { layout: _layout, ...kept } = config;
    this.config = kept;
    const blfKeys = config.layout.lamps.filter((l) => l.role.startsWith('led.blf.')).length;
    this.state = new PhoneState({ identity: config.identity, blfKeys, maxBuddies: Math.max(1, config.blf.length), scratch: this.scratch });
    for (let i = 0; i < config.blf.length && i < blfKeys; i++) {
      const key = config.blf[i]!;
      this.state.configureBlfKey(i, key.uri, key.label);
      this.buddySlots.push(this.state.addBuddy(key.uri, key.label));
    }
    if (config.mwi === true) this.state.configureMwi(config.ua.aor);
    this.scheduler = new IndicatorScheduler(
      new IndicatorEngine(config.layout),
      host.lamps ?? { setLamp: () => {} },
      host.display ?? null,
      config.maxRateHz !== undefined ? { maxRateHz: config.maxRateHz } : {},
    );
    this.timer = new host.Timer({ onExpired: (now) => this.onTimer(now) });
    const app = this;
    // ECMA-419 callbacks run with `this` = the socket, hence `app`.
    this.udp = new host.network.UDP({
      address: config.ua.localAddress,
      ...(config.localPort !== undefined ? { port: config.localPort } : {}),
      onWritable() { app.onBound(); },
      onReadable() { app.onReadable(); },
      onError() { app.note('UDP socket error'); },
    });
    this.scheduler.update(this.state.input, host.clock.now());
    this.pump();
  }

  /** Subscribes `event` of `target` outside the BLF keys (e.g. a contact list); -1 on failure. */
  watch(target: string, event: string): number {
    return this.subscribe(target, event, 'other', -1);
  }

  status(): PhoneAppStatus {
    let active = 0;
    const states: Record<string, number> = {};
    for (const w of this.watches.values()) {
      if (w.state === 'active') active++;
      states[w.state] = (states[w.state] ?? 0) + 1;
    }
    const input = this.state.input;
    return {
      port: this.udp.port,
      registration: this.registration,
      subscriptions: this.watches.size,
      activeSubscriptions: active,
      subscriptionStates: states,
      notifies: this.notifies,
      notifiesByEvent: this.notifiesByEvent,
      keys: this.buddySlots.map((slot, i) => ({
        label: input.blf[i]!.label,
        state: input.blf[i]!.state,
        presence: slot >= 0 ? PRESENCE_NAME[this.state.buddies.buddies[slot]!.display] : 'unknown',
      })),
      messagesWaiting: input.messages.waiting,
      warnings: this.warnings,
      failures: this.failures,
    };
  }

  /** Unsubscribe everything and unregister; the socket stays open for the answers. */
  shutdown(): void {
    if (this.ua === null) return;
    this.ua.shutdown(this.host.clock.now());
    this.pump();
  }

  /** Releases the socket and the timer (after shutdown() has had its answers, or at once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.udp.close();
    this.timer.close();
    this.ua = null;
  }

  // ---- host loop ------------------------------------------------------------------------

  /** The socket is bound: now the UA can write our port into Via and Contact. */
  private onBound(): void {
    if (this.ua !== null || this.closed) return;
    // One UDP socket: no stream module (a tcp/tls account is refused at construction, and a
    // MESSAGE too big for UDP is refused rather than sent over a TCP flow this app cannot open).
    // NAT keep-alives and SHA-256 digest work as the account asks, as before the UA made them optional.
    this.ua = new UserAgentBase({ ...this.config.ua, localPort: this.udp.port, random: Math.random }, { keepalive: keepaliveModule, sha256: sha256Module });
    // Presence NOTIFYs become state inside the UA (no body copy, no event per NOTIFY): the
    // buddy table reads it from there on `presence` events.
    const states = new PresenceStates({ maxStates: Math.max(1, this.buddySlots.length), scratch: this.scratch });
    this.ua.trackPresence(states);
    this.state.usePresenceStates(states);
    if (this.config.ua.registrar !== null) this.ua.register(this.host.clock.now());
    else this.subscribeKeys();
    this.pump();
  }

  private onReadable(): void {
    const ua = this.ua;
    const udp = this.udp;
    const rx = this.rx;
    for (let n = udp.read(rx); n !== undefined; n = udp.read(rx)) {
      if (ua === null || n > rx.length) continue; // before start, or truncated: not a whole SIP message
      ua.handleDatagram(rx, 0, n, { transport: 'udp', address: udp.remoteAddress ?? '', port: udp.remotePort ?? 0 }, this.host.clock.now());
    }
    this.pump();
  }

  private onTimer(now: number): void {
    this.timerAt = -1;
    this.ua?.handleTimeout(now);
    this.state.buddies.tick(now);
    this.scheduler.poll(now);
    this.pump();
  }

  /** docs/porting.md §2: transmit → events (which may queue more) → one timer at the earliest deadline. */
  private pump(): void {
    if (this.closed || this.pumping) return;
    this.pumping = true;
    try {
      this.drain();
    } finally {
      this.pumping = false;
    }
  }

  private drain(): void {
    const ua = this.ua;
    if (ua !== null) {
      for (let round = 0; round < 64; round++) {
        let busy = false;
        while (ua.pollTransmit(this.out)) {
          busy = true;
          this.send(this.out.bytes, this.out.off, this.out.len, this.out.endpoint.address, this.out.endpoint.port, this.out.token);
        }
        for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) {
          busy = true;
          this.onEvent(e);
        }
        if (!busy) break;
      }
    }
    const now = this.host.clock.now();
    const due = this.scheduler.pollTimeout();
    if (due >= 0 && due <= now) this.scheduler.poll(now);
    const lampAt = this.scheduler.pollTimeout();
    const at = Math.min(ua === null ? Infinity : ua.pollTimeout(), lampAt < 0 ? Infinity : lampAt, this.state.buddies.nextDeadline());
    if (at === Infinity) {
      if (this.timerAt >= 0) this.timer.cancel();
      this.timerAt = -1;
    } else if (at !== this.timerAt) {
      this.timerAt = at;
      this.timer.schedule(at);
    }
  }

  private send(bytes: Uint8Array, off: number, len: number, address: string, port: number, token: number): void {
    try {
      if (off === 0) this.udp.write(bytes, address, port, len);
      else this.udp.write(bytes.subarray(off, off + len), address, port);
    } catch (e) {
      this.note(`send to ${address}:${port} failed: ${(e as Error).message}`);
      if (token !== -1) this.ua!.handleSendFailed(token, this.host.clock.now());
    }
  }

  private subscribe(target: string, event: string, kind: WatchKind, index: number): number {
    const ua = this.ua;
    if (ua === null) {
      this.failures.push(`${target} ${event}: not started`);
      return -1;
    }
    const r = ua.subscribe(target, event, this.host.clock.now());
    if (!r.ok) {
      this.failures.push(`${target} ${event}: ${r.val.code}`);
      return -1;
    }
    // Known before this subscription's events are drained (PhoneState.watch asks the same).
    this.watches.set(r.val, { target, event, kind, index, state: 'subscribing' });
    if (kind !== 'other') this.state.watch(r.val, kind, index);
    this.pump();
    return r.val;
  }

  private subscribeKeys(): void {
    if (this.subscribedKeys) return;
    this.subscribedKeys = true;
    for (let i = 0; i < this.buddySlots.length; i++) {
      const uri = this.config.blf[i]!.uri;
      this.subscribe(uri, 'dialog', 'blf', i);
      if (this.buddySlots[i]! >= 0) this.subscribe(uri, 'presence', 'buddy', this.buddySlots[i]!);
    }
    if (this.config.mwi === true) this.subscribe(this.config.ua.aor, 'message-summary', 'mwi', 0);
  }

  private onEvent(e: UaEvent): void {
    const now = this.host.clock.now();
    if (e.kind === 'registration') {
      this.registration = e.state;
      if (e.state === 'registered') this.subscribeKeys();
    } else if (e.kind === 'subscription') {
      const w = this.watches.get(e.id);
      if (w !== undefined) {
        w.state = e.state;
        if (e.state === 'failed' || e.state === 'terminated') this.host.log?.('info', `${w.event} of ${w.target}: ${e.state} (${e.cause} ${e.status} ${e.reason})`);
      }
    } else if (e.kind === 'notify' && e.subscriptionId !== null) {
      const w = this.watches.get(e.subscriptionId);
      if (w !== undefined) {
        this.notifies++;
        this.notifiesByEvent[w.event] = (this.notifiesByEvent[w.event] ?? 0) + 1;
      }
    } else if (e.kind === 'presence') {
      // A presence NOTIFY the UA turned into state (trackPresence); NOTIFYs that repeat the state
      // raise no event and are not counted.
      const w = this.watches.get(e.subscriptionId);
      if (w !== undefined) {
        this.notifies++;
        this.notifiesByEvent[w.event] = (this.notifiesByEvent[w.event] ?? 0) + 1;
      }
    } else if (e.kind === 'message' && this.ua !== null) {
      // Page-mode IM (RFC 3428): counted by PhoneState for the message lamp; accepted here.
      this.ua.respondToMessage(e.id, 200, now);
    } else if (e.kind === 'warning') {
      this.note(`${e.code}: ${e.message}`);
    }
    const effect = this.state.onUaEvent(e, now);
    if (effect.changed) this.scheduler.update(this.state.input, now);
    // RFC 4235 §4.1.2: a partial document without its base needs a fresh subscription.
    if (effect.resubscribe >= 0) this.restart(effect.resubscribe);
  }

  private restart(id: number): void {
    const w = this.watches.get(id);
    if (w === undefined || this.ua === null) return;
    this.ua.unsubscribe(id, this.host.clock.now());
    this.watches.delete(id);
    this.subscribe(w.target, w.event, w.kind, w.index);
  }

  private note(text: string): void {
    this.warnings.push(text);
    if (this.warnings.length > KEEP_WARNINGS) this.warnings.shift();
    this.host.log?.('warn', text);
  }
}
