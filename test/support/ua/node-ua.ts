// One of our UserAgents on the Node host loop (platform/node/ua-host.ts), registered at the test
// Kamailio, with every event recorded and bounded waits on them. Used by the device end-to-end
// test, the msilo test and the baresip InteropPeer built on our UA.
import { NodeUaHost } from '../../../platform/node/ua-host.js';
import type { UaConfig, UaEvent } from '../../../core/ua/index.js';
import type { Registrar } from '../baresip/harness.js';

type EventOf<K extends UaEvent['kind']> = Extract<UaEvent, { kind: K }>;

export class RecordedUa {
  readonly events: UaEvent[] = [];
  /** Called for every event after it is recorded (e.g. to feed a PhoneState). */
  onEvent: ((e: UaEvent) => void) | null = null;
  host!: NodeUaHost;
  private readonly waiters: { match: (e: UaEvent) => boolean; resolve: (e: UaEvent) => void }[] = [];

  private constructor(readonly user: string, readonly aor: string) {}

  /** Binds a UDP port on 127.0.0.1 and builds the UA for `user` at `registrar` (not registered yet). */
  static async open(registrar: Registrar, user: string, password: string, extra: Partial<Omit<UaConfig, 'random'>> = {}): Promise<RecordedUa> {
    const aor = `sip:${user}@${registrar.domain}`;
    const r = new RecordedUa(user, aor);
    r.host = await NodeUaHost.start({ onEvent: (e) => r.record(e) }, (local) => ({
      aor, username: user, password, registrar: `sip:${registrar.host}:${registrar.port};transport=udp`,
      localAddress: local.address, localPort: local.port, expires: 60, t1: 100,
      backoff: { baseS: 1, maxS: 2 }, subscribeExpires: 60, publishExpires: 60, ...extra,
    }));
    return r;
  }

  /** Registers and waits (bounded) for the 200. */
  async register(timeoutMs = 5000): Promise<void> {
    const mark = this.mark();
    const started = this.host.run((ua, now) => ua.register(now));
    if (started.err) throw new Error(`${this.user}: register() refused: ${started.val.message}`);
    const e = await this.waitFor('registration', (x) => x.state === 'registered' || x.state === 'failed', timeoutMs, mark);
    if (e.state !== 'registered') throw new Error(`${this.user}: registration ${e.state} (${e.cause}, ${e.status})`);
  }

  mark(): number {
    return this.events.length;
  }

  /** The first event of `kind` matching `pred` recorded from index `since` on (or arriving later); rejects after timeoutMs. */
  waitFor<K extends UaEvent['kind']>(kind: K, pred: (e: EventOf<K>) => boolean, timeoutMs: number, since = 0): Promise<EventOf<K>> {
    const match = (e: UaEvent): boolean => e.kind === kind && pred(e as EventOf<K>);
    for (let i = since; i < this.events.length; i++) if (match(this.events[i]!)) return Promise.resolve(this.events[i] as EventOf<K>);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (e: UaEvent) => { clearTimeout(timer); resolve(e as EventOf<K>); } };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.user}: no ${kind} event within ${timeoutMs} ms; last events: ${describe(this.events.slice(-10))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Unsubscribes, unpublishes and unregisters (bounded), then closes the sockets. */
  async close(graceMs = 1500): Promise<void> {
    try {
      const mark = this.mark();
      const wasRegistered = this.events.some((e) => e.kind === 'registration' && e.state === 'registered');
      this.host.run((ua, now) => ua.shutdown(now));
      if (wasRegistered) await this.waitFor('registration', (e) => e.state === 'unregistered' || e.state === 'failed', graceMs, mark).catch(() => undefined);
    } finally {
      this.host.close();
    }
  }

  private record(e: UaEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.match(e)) { this.waiters.splice(i, 1); w.resolve(e); }
    }
  }
}

function describe(events: readonly UaEvent[]): string {
  return JSON.stringify(events, (_k, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v).slice(0, 200) : v));
}
