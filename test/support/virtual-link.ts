// The two-party harness: virtual time, a seeded PRNG and a datagram link that drops,
// duplicates, reorders and delays (smoltcp's fault injector, quinn-proto's test Pair). Nodes are
// sans-I/O endpoints; the Simulation jumps the clock from one due thing to the next (a delivery
// or a node deadline), so 30 simulated seconds of retransmissions run in milliseconds and every
// run with the same seed is identical.

/** mulberry32: small, fast, seedable; good enough to decide packet fates. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

export interface LinkFaults {
  /** Probability that a datagram is lost. */
  dropRate: number;
  /** Probability that a delivered datagram arrives twice (the copy gets its own delay). */
  duplicateRate: number;
  /** One-way delay range (ms); a spread already reorders. */
  minDelayMs: number;
  maxDelayMs: number;
  /** Probability of an extra delay of up to reorderDelayMs, so the datagram overtakes nothing but is overtaken. */
  reorderRate: number;
  reorderDelayMs: number;
}

export const PERFECT_LINK: LinkFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 10, maxDelayMs: 10, reorderRate: 0, reorderDelayMs: 0 };

export interface Datagram {
  from: number;
  to: number;
  bytes: Uint8Array;
  sentAt: number;
  deliverAt: number;
  seq: number;
}

export class VirtualLink {
  sent = 0;
  dropped = 0;
  duplicated = 0;
  delivered = 0;
  /** In flight, sorted by (deliverAt, seq). */
  private readonly queue: Datagram[] = [];
  private seq = 0;

  constructor(private readonly prng: Prng, private readonly faults: LinkFaults) {}

  /** Puts a copy of bytes on the wire (senders may reuse their buffers, as with a real socket). */
  send(from: number, to: number, bytes: Uint8Array, off: number, len: number, now: number): void {
    this.sent++;
    const f = this.faults;
    if (this.prng.next() < f.dropRate) {
      this.dropped++;
      return;
    }
    const copies = this.prng.next() < f.duplicateRate ? 2 : 1;
    if (copies === 2) this.duplicated++;
    for (let c = 0; c < copies; c++) {
      let delay = this.prng.between(f.minDelayMs, f.maxDelayMs);
      if (this.prng.next() < f.reorderRate) delay += this.prng.between(1, f.reorderDelayMs);
      this.insert({ from, to, bytes: bytes.slice(off, off + len), sentAt: now, deliverAt: now + delay, seq: this.seq++ });
    }
  }

  /** The next delivery time, or -1 when nothing is in flight. */
  nextDelivery(): number {
    return this.queue.length ? this.queue[0]!.deliverAt : -1;
  }

  popDue(now: number): Datagram | null {
    if (!this.queue.length || this.queue[0]!.deliverAt > now) return null;
    this.delivered++;
    return this.queue.shift()!;
  }

  get inFlight(): number {
    return this.queue.length;
  }

  private insert(d: Datagram): void {
    const q = this.queue;
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = q[mid]!;
      if (m.deliverAt < d.deliverAt || (m.deliverAt === d.deliverAt && m.seq < d.seq)) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, d);
  }
}

/** A sans-I/O endpoint as the Simulation sees it. */
export interface SimNode {
  readonly id: number;
  /** The earliest time the node wants handleTimeout (its engine's deadline or its TU's agenda), -1 for none. */
  nextDeadline(): number;
  handleTimeout(now: number): void;
  receive(d: Datagram, now: number): void;
  /** Drains the node's outputs (transmits onto the link, events into its TU). */
  flush(now: number): void;
}

export class Simulation {
  now = 0;
  steps = 0;

  constructor(readonly link: VirtualLink, readonly nodes: SimNode[]) {}

  /**
   * Advances virtual time until nothing is due before `limit` (or everything is quiet). Throws
   * when `maxSteps` is exceeded, so a livelock fails the test instead of hanging it.
   */
  runUntil(limit: number, maxSteps = 5_000_000): void {
    for (const n of this.nodes) n.flush(this.now);
    for (;;) {
      let next = this.link.nextDelivery();
      for (const n of this.nodes) {
        const d = n.nextDeadline();
        if (d >= 0 && (next < 0 || d < next)) next = d;
      }
      if (next < 0 || next > limit) break;
      if (++this.steps > maxSteps) throw new Error(`simulation exceeded ${maxSteps} steps at t=${this.now}`);
      if (next > this.now) this.now = next;
      const now = this.now;
      let d: Datagram | null;
      while ((d = this.link.popDue(now)) !== null) {
        const node = this.nodes[d.to]!;
        node.receive(d, now);
        node.flush(now);
      }
      for (const n of this.nodes) {
        const dl = n.nextDeadline();
        if (dl >= 0 && dl <= now) {
          n.handleTimeout(now);
          n.flush(now);
        }
      }
    }
  }

  /** Runs until no node has a deadline and nothing is in flight (bounded by `limit`). */
  runToQuiescence(limit: number): boolean {
    this.runUntil(limit);
    return this.link.inFlight === 0 && this.nodes.every((n) => n.nextDeadline() < 0);
  }
}
