// What the leak soaks (soak-scenario.ts, soak-flows-scenario.ts, soak-streams-scenario.ts) share:
// the seeded random numbers, the fixed packet ring, the virtual-clock host loop, the read-outs the
// tests take (occupancy summed over the phones, subscriptions held and active, objects kept by a
// control run) and the script steps the second and third scenarios have in common. Engine-neutral like the scenarios (they are bundled into QuickJS): no Node or DOM API,
// and nothing here grows while a soak runs (the heap diff would measure it).
import { UaOccupancy, Outgoing, type UserAgent } from '../../core/ua/index.js';
import { pidf } from './server-text.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** One-way latency of every packet: fixed, so the ring is FIFO in delivery order. */
export const LATENCY_MS = 10;
export const RING_SLOTS = 256;
export const SLOT_BYTES = 4096;

/** xorshift32: deterministic, and the same numbers in every engine. */
export function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

/** Packets in flight: copied into fixed slots of one buffer (no allocation per packet). */
export class PacketRing {
  readonly bytes = new Uint8Array(RING_SLOTS * SLOT_BYTES);
  readonly len = new Int32Array(RING_SLOTS);
  readonly from = new Int8Array(RING_SLOTS);
  readonly to = new Int8Array(RING_SLOTS);
  readonly at = new Float64Array(RING_SLOTS);
  head = 0;
  count = 0;

  /** When the oldest packet is due (Infinity: none in flight). */
  nextAt(): number {
    return this.count > 0 ? this.at[this.head]! : Infinity;
  }

  /** One slot always stays free: the slot being delivered is never the one a reply is copied into. */
  fits(len: number): boolean {
    return len <= SLOT_BYTES && this.count < RING_SLOTS - 1;
  }

  /** Copies a packet in (call fits() first); returns its slot. */
  push(from: number, to: number, bytes: Uint8Array, off: number, len: number, at: number): number {
    let slot = this.head + this.count;
    if (slot >= RING_SLOTS) slot -= RING_SLOTS;
    this.bytes.set(bytes.subarray(off, off + len), slot * SLOT_BYTES);
    this.len[slot] = len;
    this.from[slot] = from;
    this.to[slot] = to;
    this.at[slot] = at;
    this.count++;
    return slot;
  }

  /** Takes the oldest packet out; returns its slot (readable until the next push, which fits() keeps off it). */
  shift(): number {
    const slot = this.head;
    this.head = slot + 1 === RING_SLOTS ? 0 : slot + 1;
    this.count--;
    return slot;
  }
}

/** A subscription of the script: its UA id (-1: none), the state the UA last reported, and whether it is failing. */
export interface SoakSub { id: number; state: string; failed: boolean }

/** A subscription the script ends and takes up again: whose it is, to what, and when it comes back. */
export interface ScriptedSub extends SoakSub { readonly phone: number; readonly target: string; resubscribeAt: number }

/** The counters the shared host loop writes to (each scenario has its own class of counters). */
export interface SoakBaseCounters {
  refreshes: number;
  subscriptionFailures: number;
  subscriptionRecoveries: number;
  stuckDeadlines: number;
  harnessFaults: number;
}

/**
 * A soak world: phones (UserAgents) driven on a virtual clock by packets, their timers and a
 * script, whichever is due first. A scenario says how it drains a UA, delivers a packet and what
 * its script does.
 */
export abstract class SoakBase<S extends SoakSub> {
  now = 0;
  readonly uas: UserAgent[] = [];
  abstract readonly counters: SoakBaseCounters;
  protected readonly deadlines: Float64Array;
  /** Per phone: the instant a deadline was last left due by handleTimeout (-1: never). */
  private readonly dueAgainAt: Float64Array;
  protected readonly out = new Outgoing();
  protected readonly ring = new PacketRing();
  protected readonly subs: S[] = [];
  protected readonly rand: () => number;
  private readonly leak: boolean;
  private readonly leaked: { seq: number; at: number; len: number }[] = [];

  /** `name` starts the error of a busy loop; `leak`: the control run (see keep()). */
  constructor(private readonly phones: number, rand: () => number, leak: boolean, private readonly name: string) {
    this.deadlines = new Float64Array(phones);
    this.dueAgainAt = new Float64Array(phones).fill(-1);
    this.rand = rand;
    this.leak = leak;
  }

  /** Runs the virtual world for `hours` (fractions allowed). */
  run(hours: number): void {
    this.runUntil(this.now + hours * HOUR_MS);
  }

  runUntil(until: number): void {
    // A bound on steps per virtual hour (~10k are needed): a busy loop fails instead of hanging.
    const maxSteps = Math.max(10_000, Math.ceil((until - this.now) / HOUR_MS) * 400_000);
    for (let step = 0; step < maxSteps; step++) {
      const packetAt = this.ring.nextAt();
      let timerAt = Infinity;
      let timerPhone = -1;
      for (let i = 0; i < this.phones; i++) if (this.deadlines[i]! < timerAt) { timerAt = this.deadlines[i]!; timerPhone = i; }
      const scriptAt = this.nextScriptAt();
      const next = Math.min(packetAt, timerAt, scriptAt);
      if (next > until) { this.now = until; return; }
      if (next > this.now) this.now = next;
      if (packetAt <= timerAt && packetAt <= scriptAt) this.deliverHead();
      else if (timerAt <= scriptAt) {
        this.uas[timerPhone]!.handleTimeout(this.now);
        this.drain(timerPhone);
        // A deadline still due after handleTimeout twice at the same instant means the host loop
        // would spin (setTimeout 0 until something else moves it): what the soak found in
        // Publication (publication-deadline.test.ts). Once is a deliberate next tick: a flow
        // failure found by the keep-alive re-registers on the tick after the host heard of it.
        if (this.deadlines[timerPhone]! <= this.now) {
          if (this.dueAgainAt[timerPhone] === this.now) this.counters.stuckDeadlines++;
          this.dueAgainAt[timerPhone] = this.now;
        }
      }
      else this.script();
    }
    throw new Error(`${this.name}: more than ${maxSteps} steps before ${until} ms (a busy loop?)`);
  }

  /** The phones' occupancy, summed (UserAgent.occupancy). */
  occupancy(into: UaOccupancy = new UaOccupancy()): UaOccupancy {
    const one = new UaOccupancy();
    const keys = Object.keys(into) as (keyof UaOccupancy)[];
    for (const k of keys) into[k] = 0;
    for (const ua of this.uas) {
      ua.occupancy(one);
      for (const k of keys) into[k] += one[k];
    }
    return into;
  }

  /** Subscriptions the script means to hold right now (for the idle check). */
  get intendedSubscriptions(): number {
    let n = 0;
    for (const s of this.subs) if (s.id >= 0) n++;
    return n;
  }

  /** Subscriptions whose last reported state is active. */
  get activeSubscriptions(): number {
    let n = 0;
    for (const s of this.subs) if (s.id >= 0 && s.state === 'active') n++;
    return n;
  }

  get leakedObjects(): number {
    return this.leaked.length;
  }

  /** Control run only: keeps one small object per request sent (the leak the heap bound must catch). */
  protected keep(seq: number, len: number): void {
    if (this.leak) this.leaked.push({ seq, at: this.now, len });
  }

  /** Counts a `subscription` event of `s`: refreshes, failures, and recoveries from them. */
  protected countSubscriptionState(s: S, state: string): void {
    const c = this.counters;
    if (state === 'refreshing') c.refreshes++;
    if (state === 'backing-off' || state === 'failed') { c.subscriptionFailures++; s.failed = true; }
    if (state === 'active' && s.failed) { c.subscriptionRecoveries++; s.failed = false; }
  }

  protected uniform(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo));
  }

  protected check(ok: boolean): void {
    if (!ok) this.counters.harnessFaults++;
  }

  // ---- script steps of the flow and stream scenarios (the same random draws in both) ----

  /** The application ends a random subscription; it is taken up again 5–90 s later. False: that one had none. */
  protected endRandomSubscription(this: SoakBase<ScriptedSub>, now: number): boolean {
    const s = this.subs[Math.floor(this.rand() * this.subs.length)]!;
    if (s.id < 0) return false;
    this.check(this.uas[s.phone]!.unsubscribe(s.id, now).ok);
    s.id = -1; s.state = 'idle'; s.failed = false;
    s.resubscribeAt = now + this.uniform(5_000, 90_000);
    this.drain(s.phone);
    return true;
  }

  /** A random phone publishes a one-tuple PIDF: open 4 times in 5, with one of `activities`. */
  protected publishFromRandomPhone(now: number, entityOf: (phone: number) => string, activities: readonly string[]): void {
    const p = Math.floor(this.rand() * this.phones);
    const body = ascii(pidf(entityOf(p), 'd', this.rand() < 0.8 ? 'open' : 'closed', activities[Math.floor(this.rand() * activities.length)]!));
    this.check(this.uas[p]!.publish(body, 'application/pidf+xml', now).ok);
    this.drain(p);
  }

  /** A random phone sends a page-mode MESSAGE to `targetOf(phone)`. */
  protected messageFromRandomPhone(now: number, targetOf: (phone: number) => string): void {
    const p = Math.floor(this.rand() * this.phones);
    this.check(this.uas[p]!.sendMessage(targetOf(p), 'text/plain', ascii('ping from the soak'), now).ok);
    this.drain(p);
  }

  /** Host loop of one UA (core/ua/README.md): inputs → drain pollTransmit → pollTimeout → pollEvent. */
  protected abstract drain(phone: number): void;
  /** Delivers the packet at the ring's head. */
  protected abstract deliverHead(): void;
  /** When the script acts next (Infinity: never). */
  protected abstract nextScriptAt(): number;
  /** One step of the script (what is due at `now`). */
  protected abstract script(): void;
}
