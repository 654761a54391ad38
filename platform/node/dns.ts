// DNS for RFC 3263 on Node: a DnsResolver (platform/host/socket.ts) over node:dns/promises
// `Resolver` (c-ares: real NAPTR/SRV/A/AAAA queries, not getaddrinfo), and `resolveTargets`,
// the small driver that answers core/transport/targets.ts's query/answer loop from any
// DnsResolver.
//
// Answers: records, or [] when the name exists without such records (ENODATA) or does not exist
// (ENOTFOUND) — both are answers RFC 3263 acts on (§4.1 "no NAPTR", §4.2 "no SRV"). An Error is
// for no answer at all (timeout, server failure, refused), which the driver also treats as
// "nothing found" (TargetResolver.answerFailed) so resolution always moves on.
import { Resolver } from 'node:dns/promises';
import type { DnsRecord, DnsResolver } from '../host/socket.js';
import type { DnsQuery, NaptrRecord, SrvRecord, Target, TargetRequest, TargetResolver } from '../../core/transport/targets.js';
import { ipFamily } from './addresses.js';

/** The part of node:dns/promises Resolver used here (tests pass a fake). */
export interface DnsBackend {
  resolveNaptr(host: string): Promise<{ flags: string; service: string; regexp: string; replacement: string; order: number; preference: number }[]>;
  resolveSrv(host: string): Promise<{ priority: number; weight: number; port: number; name: string }[]>;
  resolve4(host: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolve6(host: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
}

export interface NodeDnsConfig {
  /** Name servers ("192.0.2.53", "[2001:db8::53]:5353"); default: the system's. */
  readonly servers?: readonly string[];
  /** Upper bound for one resolve(), retries included; its callback then gets an ETIMEOUT Error. */
  readonly timeoutMs?: number;
  /** c-ares attempts per name server. */
  readonly tries?: number;
  /** Replaces the c-ares resolver (tests). */
  readonly backend?: DnsBackend;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NODATA', 'NOTFOUND']);

type RrType = 'A' | 'AAAA' | 'SRV' | 'NAPTR';

export class NodeDnsResolver implements DnsResolver {
  private readonly backend: DnsBackend;
  private readonly timeoutMs: number;

  constructor(config: NodeDnsConfig = {}) {
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('DNS: timeoutMs must be positive');
    if (config.backend) {
      this.backend = config.backend;
    } else {
      const tries = config.tries ?? 2;
      // c-ares' own per-try timeout, so a lost UDP answer is retried inside our bound.
      const resolver = new Resolver({ timeout: Math.max(1, Math.floor(this.timeoutMs / (tries + 1))), tries });
      if (config.servers) resolver.setServers([...config.servers]);
      this.backend = resolver as unknown as DnsBackend;
    }
  }

  resolve(
    options: { readonly host: string; readonly rrtype?: RrType },
    onResolved: (error: Error | null, records?: readonly DnsRecord[]) => void,
  ): void {
    if (options === null || typeof options !== 'object' || typeof options.host !== 'string') {
      throw new TypeError('DNS: options.host required');
    }
    if (typeof onResolved !== 'function') throw new TypeError('DNS: callback required');
    const rrtype: RrType = options.rrtype ?? 'A';
    if (rrtype !== 'A' && rrtype !== 'AAAA' && rrtype !== 'SRV' && rrtype !== 'NAPTR') {
      throw new TypeError(`DNS: unsupported rrtype ${String(rrtype)}`);
    }
    const host = options.host.endsWith('.') ? options.host.slice(0, -1) : options.host;
    let settled = false;
    const settle = (error: Error | null, records?: readonly DnsRecord[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      onResolved(error, records);
    };
    const timer = setTimeout(() => {
      settle(Object.assign(new Error(`DNS: no ${rrtype} answer for ${host} within ${this.timeoutMs} ms`), { code: 'ETIMEOUT' }));
    }, this.timeoutMs);
    const local = localAnswer(host, rrtype);
    if (local !== undefined) {
      // Never call back from inside resolve().
      queueMicrotask(() => settle(null, local));
      return;
    }
    this.query(host, rrtype).then(
      (records) => settle(null, records),
      (err: unknown) => {
        const code = (err as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && NO_RECORDS.has(code)) settle(null, []);
        else settle(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private async query(host: string, rrtype: RrType): Promise<readonly DnsRecord[]> {
    switch (rrtype) {
      case 'NAPTR':
        return (await this.backend.resolveNaptr(host)).map((r) => ({
          order: r.order, preference: r.preference, flags: r.flags, service: r.service, replacement: r.replacement,
        }));
      case 'SRV':
        return (await this.backend.resolveSrv(host)).map((r) => ({
          priority: r.priority, weight: r.weight, port: r.port, target: r.name,
        }));
      case 'A':
        return (await this.backend.resolve4(host, { ttl: true })).map((r) => ({ address: r.address, ttl: r.ttl }));
      case 'AAAA':
        return (await this.backend.resolve6(host, { ttl: true })).map((r) => ({ address: r.address, ttl: r.ttl }));
    }
  }
}

/**
 * Answers that need no name server: IP literals answer their own family's query, and the
 * "localhost" names are loopback (RFC 6761 §6.3), so a laptop without DNS still reaches a local
 * server by name. undefined: ask the name server.
 */
function localAnswer(host: string, rrtype: RrType): readonly DnsRecord[] | undefined {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = ipFamily(literal);
  if (family !== 0) {
    if (rrtype === 'A') return family === 4 ? [{ address: literal }] : [];
    if (rrtype === 'AAAA') return family === 6 ? [{ address: literal }] : [];
    return [];
  }
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) {
    if (rrtype === 'A') return [{ address: '127.0.0.1' }];
    if (rrtype === 'AAAA') return [{ address: '::1' }];
    return [];
  }
  return undefined;
}

export interface ResolveTargetsOptions {
  /** Bound per query, whatever the DnsResolver does (default 5 s): then the query counts as failed. */
  readonly queryTimeoutMs?: number;
}

// A TargetResolver asks at most NAPTR + one SRV per transport + A/AAAA per SRV target; this cap
// only guards against a resolver that keeps asking.
const MAX_QUERIES = 64;

/**
 * Runs `targets` (core/transport/targets.ts) for `request` to completion: asks `dns` each query
 * the machine poses, one at a time, and feeds the answers back. Resolves with the ordered target
 * list (also left in `targets.targets`, where its failover() walks it). Never rejects.
 */
export async function resolveTargets(
  dns: DnsResolver,
  targets: TargetResolver,
  request: TargetRequest,
  options: ResolveTargetsOptions = {},
): Promise<readonly Target[]> {
  const timeoutMs = options.queryTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  targets.start(request);
  for (let asked = 0; asked < MAX_QUERIES && !targets.done; asked++) {
    const query = targets.nextQuery();
    if (query === undefined) break;
    const records = await ask(dns, query, timeoutMs);
    if (records === null) {
      targets.answerFailed(query);
    } else {
      switch (query.type) {
        case 'NAPTR': targets.answerNaptr(query.name, records.filter(isNaptr)); break;
        case 'SRV': targets.answerSrv(query.name, records.filter(isSrv)); break;
        default: targets.answerAddresses(query.name, query.type, addressesOf(records)); break;
      }
    }
    // The machine refused the answer (it did not match its question): count it as failed so the
    // loop cannot spin on the same query.
    if (targets.nextQuery() === query) targets.answerFailed(query);
    if (targets.nextQuery() === query) break;
  }
  return targets.targets;
}

/** The records, or null when the resolver failed, threw, or did not answer within timeoutMs. */
function ask(dns: DnsResolver, query: DnsQuery, timeoutMs: number): Promise<readonly DnsRecord[] | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (records: readonly DnsRecord[] | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(records);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    try {
      dns.resolve({ host: query.name, rrtype: query.type }, (error, records) => {
        finish(error === null && Array.isArray(records) ? records : null);
      });
    } catch {
      finish(null);
    }
  });
}

function isNaptr(r: DnsRecord): r is DnsRecord & NaptrRecord {
  return typeof r.order === 'number' && typeof r.preference === 'number' && typeof r.flags === 'string'
    && typeof r.service === 'string' && typeof r.replacement === 'string';
}

function isSrv(r: DnsRecord): r is DnsRecord & SrvRecord {
  return typeof r.priority === 'number' && typeof r.weight === 'number' && typeof r.port === 'number'
    && typeof r.target === 'string';
}

function addressesOf(records: readonly DnsRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) if (typeof r.address === 'string' && ipFamily(r.address) !== 0) out.push(r.address);
  return out;
}
