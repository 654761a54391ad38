// The Kamailio UA tests' view of platform/node/ua-host.ts: the same host loop users run, plus a
// record of every event and of the wire (first lines), and bounded waits on events.
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { UserAgent, UaConfig, UaEvent } from '../../core/ua/index.js';

export class UaTestHost {
  readonly events: UaEvent[] = [];
  readonly wire: string[] = [];
  private host!: NodeUaHost;
  private readonly waiters: { pred: (e: UaEvent) => boolean; resolve: (e: UaEvent) => void }[] = [];

  private constructor(readonly name: string) {}

  /** `transport` decides the registrar flow; the host listens on UDP and TCP at the same port either way. */
  static async open(name: string, transport: 'udp' | 'tcp', config: (port: number) => Omit<UaConfig, 'random'>): Promise<UaTestHost> {
    const t = new UaTestHost(name);
    t.host = await NodeUaHost.start({
      onEvent: (e) => t.record(e),
      onWire: (dir, line) => t.wire.push(`${dir} ${line}`),
    }, (local) => ({ transport, ...config(local.port) }));
    return t;
  }

  get ua(): UserAgent {
    return this.host.ua;
  }

  get port(): number {
    return this.host.port;
  }

  run<T>(command: (ua: UserAgent, now: number) => T): T {
    return this.host.run(command);
  }

  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event since `sinceIndex` (already seen or future) matching; rejects after timeoutMs. */
  waitFor<K extends UaEvent['kind']>(kind: K, pred: (e: Extract<UaEvent, { kind: K }>) => boolean, timeoutMs: number, sinceIndex = 0): Promise<Extract<UaEvent, { kind: K }>> {
    const match = (e: UaEvent): e is Extract<UaEvent, { kind: K }> => e.kind === kind && pred(e as Extract<UaEvent, { kind: K }>);
    for (let i = sinceIndex; i < this.events.length; i++) { const e = this.events[i]!; if (match(e)) return Promise.resolve(e); }
    return new Promise((resolve, reject) => {
      const waiter = { pred: match, resolve: (e: UaEvent) => { clearTimeout(t); resolve(e as Extract<UaEvent, { kind: K }>); } };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no ${kind} event within ${timeoutMs} ms; events: ${JSON.stringify(this.events.slice(-12), (_k, v) => v instanceof Uint8Array ? `<${v.length} bytes>` : v)}\nwire: ${this.wire.slice(-16).join('\n')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.host.close();
  }

  private record(e: UaEvent): void {
    this.events.push(e);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.pred(e)) { this.waiters.splice(i, 1); w.resolve(e); }
    }
  }
}
