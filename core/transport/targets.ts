// RFC 3263 "Locating SIP Servers": from a URI's host, port and transport to an ordered list of
// (transport, address, port) targets, with failover to the next one when a request to the
// current one ends in 503, a timeout or a transport error (§4.3). Sans-I/O: the machine asks
// for DNS records through `nextQuery()` and the host answers with what its resolver found
// (`answer*`), so the core works the same over Node's dns, a device's resolver, or a test table.
import { defaultPort, type TransportKind } from './kinds.js';

export interface NaptrRecord {
  readonly order: number;
  readonly preference: number;
  readonly flags: string;
  /** e.g. "SIP+D2U", "SIP+D2T", "SIPS+D2T", "SIP+D2W", "SIPS+D2W" (RFC 3263 §4.1, RFC 7118 §7). */
  readonly service: string;
  readonly replacement: string;
}

export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}

export interface Target {
  readonly kind: TransportKind;
  readonly address: string;
  readonly port: number;
  /** The host name the address came from: the TLS server name to verify (RFC 5922). */
  readonly host: string;
}

export type DnsQuery = { readonly type: 'NAPTR' | 'SRV' | 'A' | 'AAAA'; readonly name: string };

export interface TargetRequest {
  readonly host: string;
  /** -1 when the URI names no port. */
  readonly port: number;
  /** From the `transport=` parameter, or null. */
  readonly transport: TransportKind | null;
  /** sips: URI — only TLS (or WSS) targets are acceptable (§4.1). */
  readonly secure: boolean;
}

export interface TargetResolverOptions {
  readonly supported: readonly TransportKind[];
  /** Uniform [0, 1) source for RFC 2782 weighted selection. */
  readonly random: () => number;
  /** Ask for AAAA records too (after A, or before when preferIpv6). */
  readonly ipv6: boolean;
  readonly preferIpv6: boolean;
}

const NAPTR_SERVICES: Readonly<Record<string, TransportKind>> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
  'SIP+D2W': 'ws',
  'SIPS+D2W': 'wss',
};

/** SRV owner names per transport (RFC 3263 §4.1, RFC 7118 §7). */
function srvName(kind: TransportKind, host: string): string {
  switch (kind) {
    case 'udp': return `_sip._udp.${host}`;
    case 'tcp': return `_sip._tcp.${host}`;
    case 'tls': return `_sips._tcp.${host}`;
    case 'ws': return `_sip._ws.${host}`;
    case 'wss': return `_sips._ws.${host}`;
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

/** §4.3: responses and events after which the next target is tried. */
export function shouldFailover(status: number): boolean {
  return status === 503 || status === 408;
}

interface AddressJob { readonly host: string; readonly port: number; readonly kind: TransportKind }

export class TargetResolver {
  readonly targets: Target[] = [];
  private index = 0;
  private readonly queries: DnsQuery[] = [];
  private srvPlan: { name: string; kind: TransportKind }[] = [];
  private srvAnswers = 0;
  private readonly addressJobs: AddressJob[] = [];
  private phase: 'idle' | 'naptr' | 'srv' | 'address' | 'done' = 'idle';
  private request: TargetRequest | null = null;
  private readonly options: TargetResolverOptions;

  constructor(options: TargetResolverOptions) {
    this.options = options;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  start(request: TargetRequest): void {
    this.request = request;
    this.targets.length = 0;
    this.index = 0;
    this.queries.length = 0;
    this.addressJobs.length = 0;
    this.srvPlan = [];
    const fallbackKind: TransportKind = request.transport ?? (request.secure ? 'tls' : 'udp');
    if (isIpLiteral(request.host)) {
      // §4.1/§4.2: a numeric address needs no DNS at all.
      const address = request.host.startsWith('[') ? request.host.slice(1, -1) : request.host;
      const port = request.port >= 0 ? request.port : defaultPort(fallbackKind);
      if (this.acceptable(fallbackKind)) this.targets.push({ kind: fallbackKind, address, port, host: request.host });
      this.phase = 'done';
      return;
    }
    if (request.port >= 0) {
      // §4.2: an explicit port means A/AAAA only.
      this.queueAddresses({ host: request.host, port: request.port, kind: fallbackKind });
      return;
    }
    if (request.transport !== null) {
      this.srvPlan = [{ name: srvName(request.transport, request.host), kind: request.transport }];
      this.startSrv();
      return;
    }
    this.phase = 'naptr';
    this.queries.push({ type: 'NAPTR', name: request.host });
  }

  nextQuery(): DnsQuery | undefined {
    return this.queries[0];
  }

  answerNaptr(name: string, records: readonly NaptrRecord[]): void {
    if (this.phase !== 'naptr' || this.queries[0]?.name !== name) return;
    this.queries.shift();
    const usable = records
      .filter((r) => r.flags.toLowerCase() === 's' && NAPTR_SERVICES[r.service.toUpperCase()] !== undefined)
      .filter((r) => this.acceptable(NAPTR_SERVICES[r.service.toUpperCase()]!))
      .slice()
      .sort((a, b) => a.order - b.order || a.preference - b.preference);
    if (usable.length > 0) {
      this.srvPlan = usable.map((r) => ({ name: r.replacement, kind: NAPTR_SERVICES[r.service.toUpperCase()]! }));
    } else {
      // §4.1: no (usable) NAPTR: SRV for each supported transport, most secure first for sips.
      const host = this.request!.host;
      this.srvPlan = this.options.supported.filter((k) => this.acceptable(k)).map((kind) => ({ name: srvName(kind, host), kind }));
    }
    this.startSrv();
  }

  answerSrv(name: string, records: readonly SrvRecord[]): void {
    if (this.phase !== 'srv' || this.queries[0]?.name !== name) return;
    this.queries.shift();
    const plan = this.srvPlan.find((p) => p.name === name);
    if (plan) {
      for (const r of orderSrv(records, this.options.random)) {
        if (r.target !== '.') this.addressJobs.push({ host: r.target, port: r.port, kind: plan.kind });
        this.srvAnswers++;
      }
    }
    if (this.queries.length === 0) this.afterSrv();
  }

  answerAddresses(name: string, type: 'A' | 'AAAA', addresses: readonly string[]): void {
    if (this.phase !== 'address' || this.queries[0]?.name !== name || this.queries[0]?.type !== type) return;
    this.queries.shift();
    const job = this.addressJobs.find((j) => j.host === name);
    if (job) {
      for (const address of addresses) {
        // One name can stand for several SRV ports/transports: add a target for each.
        for (const j of this.addressJobs) {
          if (j.host === name) this.targets.push({ kind: j.kind, address, port: j.port, host: name });
        }
      }
    }
    if (this.queries.length === 0) this.phase = 'done';
  }

  /** The resolver found nothing or failed for the query at the head: move on as RFC 3263 says. */
  answerFailed(query: DnsQuery): void {
    if (this.queries[0]?.name !== query.name || this.queries[0]?.type !== query.type) return;
    switch (query.type) {
      case 'NAPTR': this.answerNaptr(query.name, []); break;
      case 'SRV': this.answerSrv(query.name, []); break;
      default: this.answerAddresses(query.name, query.type, []); break;
    }
  }

  current(): Target | undefined {
    return this.targets[this.index];
  }

  /** §4.3: the current target failed (503, timeout, transport error): the next one, if any. */
  failover(): Target | undefined {
    this.index++;
    return this.current();
  }

  private acceptable(kind: TransportKind): boolean {
    if (!this.options.supported.includes(kind)) return false;
    return !this.request?.secure || kind === 'tls' || kind === 'wss';
  }

  private startSrv(): void {
    this.phase = 'srv';
    this.srvAnswers = 0;
    for (const p of this.srvPlan) this.queries.push({ type: 'SRV', name: p.name });
    if (this.queries.length === 0) this.afterSrv();
  }

  private afterSrv(): void {
    if (this.srvAnswers === 0) {
      // §4.2: no SRV records: A/AAAA of the host itself at the default port.
      const request = this.request!;
      const kind: TransportKind = request.transport ?? (request.secure ? 'tls' : 'udp');
      if (this.acceptable(kind)) this.queueAddresses({ host: request.host, port: defaultPort(kind), kind });
      else this.phase = 'done';
      return;
    }
    this.phase = 'address';
    const seen = new Set<string>();
    for (const job of this.addressJobs) {
      if (seen.has(job.host)) continue;
      seen.add(job.host);
      this.pushAddressQueries(job.host);
    }
    // Every SRV record said "." (service not offered here): no targets at all.
    if (this.queries.length === 0) this.phase = 'done';
  }

  private queueAddresses(job: AddressJob): void {
    this.addressJobs.push(job);
    this.phase = 'address';
    this.pushAddressQueries(job.host);
  }

  private pushAddressQueries(host: string): void {
    const { ipv6, preferIpv6 } = this.options;
    if (ipv6 && preferIpv6) this.queries.push({ type: 'AAAA', name: host });
    this.queries.push({ type: 'A', name: host });
    if (ipv6 && !preferIpv6) this.queries.push({ type: 'AAAA', name: host });
  }
}

/**
 * RFC 2782 ordering: ascending priority; within a priority, repeatedly pick a record with
 * probability proportional to its weight (zero-weight records keep a small chance, placed first
 * as the RFC's algorithm does).
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const group = byPriority.get(r.priority);
    if (group) group.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = byPriority.get(priority)!.slice().sort((a, b) => a.weight - b.weight);
    while (pool.length > 0) {
      const total = pool.reduce((n, r) => n + r.weight, 0);
      const pick = random() * (total + 1);
      let running = 0;
      let chosen = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        running += pool[i]!.weight;
        if (running >= pick) { chosen = i; break; }
      }
      out.push(pool.splice(chosen, 1)[0]!);
    }
  }
  return out;
}
