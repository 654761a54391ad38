// Keep-alives that keep a phone reachable behind NAT, whether or not the registrar supports
// outbound (users of other stacks lose incoming calls for minutes when the NAT forgets them).
// RFC 5626 §4.4.1: on streams, send a double-CRLF "ping" and expect a single-CRLF "pong"; no
// pong within 10 s means the flow is dead. §4.4.2: on UDP, a STUN Binding request; its answer
// carries the public address, and a changed one means the registrar has a stale Contact.
// Plain CRLF on UDP is offered for servers without STUN (no answer is expected then).
// Intervals are drawn between 80% and 100% of the nominal value (§4.4.1) so phones spread out.
import { MappedAddress, STUN_OK, parseBindingResponse, writeBindingRequest } from '../stun/binding.js';

export type KeepaliveMode = 'stream-ping' | 'stun' | 'udp-crlf' | 'off';

export interface KeepaliveConfig {
  readonly mode: KeepaliveMode;
  /** Nominal interval: streams: 120 s (RFC 5626 §4.4.1 with no Flow-Timer); UDP through NAT: 25 s or less. */
  readonly intervalMs: number;
  /** How long a pong or STUN answer may take before the flow is declared dead (§4.4.1: 10 s). */
  readonly answerTimeoutMs: number;
  readonly random: () => number;
}

export type KeepaliveEvent =
  | { readonly kind: 'flow-failed'; readonly at: number }
  | { readonly kind: 'public-address'; readonly at: number; readonly address: string; readonly changed: boolean };

const PING = new Uint8Array([13, 10, 13, 10]);
const UDP_CRLF = new Uint8Array([13, 10]);

export class FlowKeepalive {
  /** Bytes to send for the pending keep-alive (valid until the next call), or null. */
  private pendingSend: Uint8Array | null = null;
  private readonly stunBuf = new Uint8Array(20);
  private readonly transactionId = new Uint8Array(12);
  private readonly mapped = new MappedAddress();
  private readonly lastMapped = new MappedAddress();
  private haveMapped = false;
  private sendAt = Number.POSITIVE_INFINITY;
  private answerBy = Number.POSITIVE_INFINITY;
  private readonly events: KeepaliveEvent[] = [];
  private readonly config: KeepaliveConfig;
  failed = false;

  constructor(config: KeepaliveConfig) {
    this.config = config;
  }

  /** The flow is up (connected, or registered over UDP): schedule the first keep-alive. */
  start(now: number): void {
    this.failed = false;
    this.answerBy = Number.POSITIVE_INFINITY;
    this.schedule(now);
  }

  stop(): void {
    this.sendAt = Number.POSITIVE_INFINITY;
    this.answerBy = Number.POSITIVE_INFINITY;
  }

  /**
   * A message arrived on the flow. RFC 5626 lets any traffic postpone nothing (the NAT binding is
   * refreshed by *outgoing* packets), so this only matters for a pong: a lone CRLF on a stream.
   */
  onStreamPong(now: number): void {
    if (this.config.mode !== 'stream-ping') return;
    if (this.answerBy !== Number.POSITIVE_INFINITY) {
      this.answerBy = Number.POSITIVE_INFINITY;
      this.schedule(now);
    }
  }

  /** A STUN datagram arrived on the flow's socket. Returns true when it was ours. */
  onStunDatagram(now: number, buf: Uint8Array, off: number, len: number): boolean {
    if (this.config.mode !== 'stun' || this.answerBy === Number.POSITIVE_INFINITY) return false;
    if (parseBindingResponse(buf, off, len, this.transactionId, this.mapped) !== STUN_OK) return false;
    this.answerBy = Number.POSITIVE_INFINITY;
    const changed = this.haveMapped && !this.mapped.equals(this.lastMapped);
    if (!this.haveMapped || changed) {
      this.events.push({ kind: 'public-address', at: now, address: this.mapped.toString(), changed });
    }
    this.lastMapped.copyFrom(this.mapped);
    this.haveMapped = true;
    this.schedule(now);
    return true;
  }

  handleTimeout(now: number): void {
    if (this.failed) return;
    if (now >= this.answerBy) {
      this.failed = true;
      this.answerBy = Number.POSITIVE_INFINITY;
      this.sendAt = Number.POSITIVE_INFINITY;
      this.events.push({ kind: 'flow-failed', at: now });
      return;
    }
    if (now >= this.sendAt) {
      this.sendAt = Number.POSITIVE_INFINITY;
      switch (this.config.mode) {
        case 'stream-ping':
          this.pendingSend = PING;
          this.answerBy = now + this.config.answerTimeoutMs;
          break;
        case 'stun':
          for (let i = 0; i < 12; i++) this.transactionId[i] = Math.floor(this.config.random() * 256);
          writeBindingRequest(this.stunBuf, 0, this.transactionId);
          this.pendingSend = this.stunBuf;
          this.answerBy = now + this.config.answerTimeoutMs;
          break;
        case 'udp-crlf':
          this.pendingSend = UDP_CRLF;
          this.schedule(now);
          break;
        case 'off':
          break;
      }
    }
  }

  nextDeadline(): number {
    return Math.min(this.sendAt, this.answerBy);
  }

  /** Bytes to put on the flow now, or null. */
  pollTransmit(): Uint8Array | null {
    const out = this.pendingSend;
    this.pendingSend = null;
    return out;
  }

  pollEvent(): KeepaliveEvent | undefined {
    return this.events.shift();
  }

  private schedule(now: number): void {
    if (this.config.mode === 'off') return;
    this.sendAt = now + Math.floor(this.config.intervalMs * (0.8 + 0.2 * this.config.random()));
  }
}

/** How UserAgent gets a FlowKeepalive: passed in (`new UserAgent(config, { keepalive: keepaliveModule })`) so a phone that keeps no NAT binding alive does not carry it. */
export type KeepaliveModule = (config: KeepaliveConfig) => FlowKeepalive;

/** RFC 5626 §4.4 keep-alives for UserAgent; needed whenever config.keepalive.mode is not 'off'. */
export const keepaliveModule: KeepaliveModule = (config) => new FlowKeepalive(config);
