// What a UserAgent is configured with (decoded from JSON elsewhere, with io-ts; the UA takes a
// plain object) and the defaults it fills in. Also the two small value types every part of the
// façade shares: Endpoint (where bytes go or came from) and UaError (why a command failed, and
// whose fault that is).
import type { TransportKind } from '../transport/kinds.js';
import type { KeepaliveMode } from '../transport/keepalive.js';

/** A transport address as the host's sockets see it. `address` is an IP literal (or a name the host resolves). */
export interface Endpoint {
  readonly transport: TransportKind;
  readonly address: string;
  readonly port: number;
}

/**
 * Why a command failed. `local`: the caller asked for something impossible (bad URI, unknown
 * id, message too big for the transport). `remote`: the peer or server refused. `capacity`: a
 * fixed table or pool of this device is full (retry later or raise the board's capacities).
 */
export interface UaError {
  readonly kind: 'local' | 'remote' | 'capacity';
  readonly code: string;
  readonly message: string;
  readonly sipStatus?: number;
}

export function uaError(kind: UaError['kind'], code: string, message: string, sipStatus?: number): UaError {
  return sipStatus === undefined ? { kind, code, message } : { kind, code, message, sipStatus };
}

export interface UaCapacities {
  /** Live SIP transactions at once, per direction: our requests (client) and requests we answer
   *  (server) each have this many, so a flood of incoming requests cannot starve our REGISTER. */
  readonly maxTransactions: number;
  readonly maxSubscriptions: number;
  readonly maxDialogs: number;
  /** Pool of outgoing request buffers: each holds one request until its transaction ends. */
  readonly requestBuffers: number;
  readonly requestBufferBytes: number;
  /** Pool of response buffers: each holds one response until its server transaction ends. */
  readonly responseBuffers: number;
  readonly responseBufferBytes: number;
  /** TCP/TLS flows framed at once (one SipStreamFramer each). */
  readonly maxFlows: number;
  /** Requests waiting for a free request buffer; beyond this a command fails with `capacity`. */
  readonly maxQueuedRequests: number;
  /** Incoming MESSAGEs waiting for the application's answer. */
  readonly maxPendingMessages: number;
  /** Distinct remote endpoints the UA talks to at once (transaction destinations). */
  readonly maxEndpoints: number;
}

export interface UaConfig {
  /** Address of record, e.g. "sip:alice@127.0.0.1". */
  readonly aor: string;
  readonly displayName?: string;
  /** Digest credentials; without them the UA never answers a challenge. */
  readonly username?: string;
  readonly password?: string;
  /** Registrar URI ("sip:127.0.0.1:5060;transport=udp"), or null for peer-to-peer (no REGISTER). */
  readonly registrar: string | null;
  /** Where out-of-dialog requests go; default: the registrar's host:port. */
  readonly outboundProxy?: string;
  readonly transport?: TransportKind;
  /** Our address and port, written in Via sent-by and Contact. */
  readonly localAddress: string;
  readonly localPort: number;
  /** Expires asked for in REGISTER (seconds). */
  readonly expires?: number;
  /** Expires asked for in SUBSCRIBE and PUBLISH (seconds); default per package / 3600. */
  readonly subscribeExpires?: number;
  readonly publishExpires?: number;
  /** RFC 5626 instance id ("urn:uuid:…"), sent as +sip.instance in Contact. */
  readonly instanceId?: string;
  readonly userAgent?: string;
  /** ALL randomness (branches, tags, Call-IDs, cnonces, jitter) comes from here. */
  readonly random: () => number;
  /** RFC 3261 T1 in ms (default 500). */
  readonly t1?: number;
  readonly capacities?: Partial<UaCapacities>;
  readonly keepalive?: { readonly mode: KeepaliveMode; readonly intervalMs: number; readonly answerTimeoutMs?: number };
  /** RFC 5626 §4.5 backoff for registration, subscriptions and publication (seconds). */
  readonly backoff?: { readonly baseS: number; readonly maxS: number };
  /** 'known-peers' (default with a registrar): accept MESSAGE only from the registrar/proxy or a URI we subscribe to (RFC 3428 §11). */
  readonly inboundMessagePolicy?: 'open' | 'known-peers';
  /** How long the application has to answer an incoming MESSAGE before the UA answers 200 itself. */
  readonly messageResponseDeadlineMs?: number;
  /** Path MTU for the RFC 3261 §18.1.1 size rule (default 1500). */
  readonly pathMtu?: number;
  /**
   * RFC 3261 §18.1.1: a request over MTU-200 bytes on a UDP account goes over TCP to the same
   * address and port (default: true when the UA has the stream module, UaModules.streams, else
   * false; true without it is refused at construction). With false, such a MESSAGE is refused
   * with `too-big`.
   */
  readonly largeRequestsOverTcp?: boolean;
}

export const DEFAULT_CAPACITIES: UaCapacities = {
  // A UDP server transaction lives 64·T1 = 32 s after answering (Timer J): 128 sustain 4 incoming
  // requests per second (bursts of 128, e.g. the NOTIFYs of 50 busy-lamp keys at start-up).
  maxTransactions: 128,
  maxSubscriptions: 64,
  maxDialogs: 64,
  requestBuffers: 16,
  requestBufferBytes: 4096,
  responseBuffers: 128,
  responseBufferBytes: 1024,
  maxFlows: 4,
  maxQueuedRequests: 128,
  maxPendingMessages: 8,
  maxEndpoints: 32,
};

/** The config with every default filled in. */
export interface ResolvedUaConfig {
  readonly aor: string;
  readonly displayName: string;
  readonly username: string;
  readonly password: string;
  readonly hasCredentials: boolean;
  readonly registrar: string | null;
  readonly outboundProxy: string | null;
  readonly transport: TransportKind;
  readonly localAddress: string;
  readonly localPort: number;
  readonly expires: number;
  readonly subscribeExpires: number;
  readonly publishExpires: number;
  readonly instanceId: string;
  readonly userAgent: string;
  readonly random: () => number;
  readonly t1: number;
  readonly capacities: UaCapacities;
  readonly keepalive: { readonly mode: KeepaliveMode; readonly intervalMs: number; readonly answerTimeoutMs: number };
  readonly backoff: { readonly baseS: number; readonly maxS: number };
  readonly inboundMessagePolicy: 'open' | 'known-peers';
  readonly messageResponseDeadlineMs: number;
  readonly pathMtu: number;
  readonly largeRequestsOverTcp: boolean;
}

/**
 * Every live server transaction holds one response buffer until Timer J/K ends it (64·T1 on UDP),
 * and there are at most maxTransactions of them: with responseBuffers ≥ maxTransactions the pool
 * cannot run dry, so that is the default when only maxTransactions is given. A smaller pool saves
 * memory; requests beyond it are then dropped with a warning (the peer's retransmission retries).
 */
function resolveCapacities(c: Partial<UaCapacities>): UaCapacities {
  const maxTransactions = c.maxTransactions ?? DEFAULT_CAPACITIES.maxTransactions;
  return { ...DEFAULT_CAPACITIES, responseBuffers: maxTransactions, ...c };
}

export function resolveUaConfig(c: UaConfig): ResolvedUaConfig {
  const username = c.username ?? '';
  return {
    aor: c.aor,
    displayName: c.displayName ?? '',
    username,
    password: c.password ?? '',
    hasCredentials: username !== '' && c.password !== undefined,
    registrar: c.registrar,
    outboundProxy: c.outboundProxy ?? null,
    transport: c.transport ?? 'udp',
    localAddress: c.localAddress,
    localPort: c.localPort,
    expires: c.expires ?? 3600,
    subscribeExpires: c.subscribeExpires ?? 3600,
    publishExpires: c.publishExpires ?? 3600,
    instanceId: c.instanceId ?? '',
    userAgent: c.userAgent ?? 'hardphone/0.1',
    random: c.random,
    t1: c.t1 ?? 500,
    capacities: resolveCapacities(c.capacities ?? {}),
    keepalive: { mode: c.keepalive?.mode ?? 'off', intervalMs: c.keepalive?.intervalMs ?? 25_000, answerTimeoutMs: c.keepalive?.answerTimeoutMs ?? 10_000 },
    backoff: c.backoff ?? { baseS: 30, maxS: 1800 },
    // RFC 3428 §11: with a registrar we know who should be relaying to us; peer-to-peer has no such anchor.
    inboundMessagePolicy: c.inboundMessagePolicy ?? (c.registrar !== null ? 'known-peers' : 'open'),
    messageResponseDeadlineMs: c.messageResponseDeadlineMs ?? 2000,
    pathMtu: c.pathMtu ?? 1500,
    largeRequestsOverTcp: c.largeRequestsOverTcp ?? true,
  };
}
