// A virtual network for UA tests: UserAgents and hand-written fake servers joined in memory, a
// virtual clock, a fixed one-way latency and optional drop rules. The loop is the host contract
// of core/ua/README.md: after every input, drain pollTransmit, read pollTimeout, drain pollEvent.
import { UserAgent, Outgoing, type Endpoint, type UaConfig, type UaEvent } from '../../core/ua/index.js';
import { streamModule } from '../../core/ua/stream-flows.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipWriter } from '../../core/sip/writer.js';
import { H } from '../../core/sip/header-ids.js';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array, off = 0, len = b.length - off): string => new TextDecoder().decode(b.subarray(off, off + len));

/** Deterministic random source (xorshift), so every run writes the same tags and branches. */
export function seededRandom(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

interface Packet { at: number; to: string; from: Endpoint; bytes: Uint8Array }

export interface Node {
  readonly endpoint: Endpoint;
  deliver(bytes: Uint8Array, from: Endpoint, now: number): void;
}

const key = (ep: Endpoint) => `${ep.address}:${ep.port}`;

export class UaNode implements Node {
  readonly events: UaEvent[] = [];
  readonly sent: string[] = [];
  deadline = Infinity;
  private readonly out = new Outgoing();
  constructor(readonly net: MemoryNet, readonly ua: UserAgent, readonly endpoint: Endpoint) {}

  deliver(bytes: Uint8Array, from: Endpoint, now: number): void {
    this.ua.handleDatagram(bytes, 0, bytes.length, from, now);
    this.drain();
  }

  /** The host loop's drain step; call after every command too. */
  drain(): void {
    while (this.ua.pollTransmit(this.out)) {
      const bytes = this.out.bytes.slice(this.out.off, this.out.off + this.out.len);
      this.sent.push(dec(bytes));
      this.net.send(bytes, this.endpoint, this.out.endpoint);
    }
    this.deadline = this.ua.pollTimeout();
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) this.events.push(e);
  }

  of<K extends UaEvent['kind']>(kind: K): Extract<UaEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<UaEvent, { kind: K }> => e.kind === kind);
  }
}

/** A scripted SIP peer: gets every request/response parsed, answers with the same writer the core uses. */
export class FakePeer implements Node {
  readonly view = new SipMessageView();
  readonly received: string[] = [];
  handler: (peer: FakePeer, text: string, from: Endpoint) => void = () => {};
  constructor(readonly net: MemoryNet, readonly endpoint: Endpoint) {}

  deliver(bytes: Uint8Array, from: Endpoint): void {
    if (parse(bytes, 0, bytes.length, this.view, createParseOptions({ datagram: true })) <= 0) throw new Error(`fake peer got unparsable bytes:\n${dec(bytes)}`);
    const text = dec(bytes);
    this.received.push(text);
    this.handler(this, text, from);
  }

  header(name: number): string {
    return this.view.headerText(name) ?? '';
  }

  allHeaders(name: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.view.headerCount; i++) if (this.view.headerId[i] === name) out.push(this.view.headerValueText(i));
    return out;
  }

  /** A response to the request in `view` (§8.2.6.2 copying), with extra header lines. */
  reply(to: Endpoint, status: number, reason: string, extra: [string, string][] = [], toTag = 'srvtag', body?: string): void {
    const buf = new Uint8Array(8192);
    const w = new SipWriter();
    w.response(buf, 0, buf.length, status, reason);
    for (const via of this.allHeaders(H.VIA)) w.headerId(H.VIA, via);
    w.headerId(H.FROM, this.header(H.FROM));
    const t = this.header(H.TO);
    w.headerId(H.TO, t.includes(';tag=') ? t : `${t};tag=${toTag}`);
    w.headerId(H.CALL_ID, this.header(H.CALL_ID));
    w.headerId(H.CSEQ, this.header(H.CSEQ));
    for (const [n, v] of extra) w.header(n, v);
    const n = body === undefined ? w.finish() : w.finishText(body);
    if (n <= 0) throw new Error(`fake peer writer error ${n}`);
    this.net.send(buf.slice(0, n), this.endpoint, to);
  }

  /** Sends a request written from lines (Content-Length added). */
  request(to: Endpoint, lines: string[], body = ''): void {
    const b = enc(body);
    const text = `${lines.join('\r\n')}\r\nContent-Length: ${b.length}\r\n\r\n`;
    const head = enc(text);
    const all = new Uint8Array(head.length + b.length);
    all.set(head, 0);
    all.set(b, head.length);
    this.net.send(all, this.endpoint, to);
  }
}

export class MemoryNet {
  now = 0;
  latencyMs = 5;
  /** Return true to drop a packet (loss injection). */
  dropRule: (text: string, from: Endpoint, to: Endpoint) => boolean = () => false;
  readonly nodes = new Map<string, Node>();
  private readonly packets: Packet[] = [];

  addUa(config: Omit<UaConfig, 'random'> & { random?: () => number }, seed = 1): UaNode {
    // The in-memory net carries TCP too (a MESSAGE too big for UDP switches to it, RFC 3261 §18.1.1),
    // so its phones get the stream module, as a host with TCP sockets gives it.
    const ua = new UserAgent({ random: seededRandom(seed), ...config }, { streams: streamModule });
    const ep: Endpoint = { transport: 'udp', address: config.localAddress, port: config.localPort };
    const node = new UaNode(this, ua, ep);
    this.nodes.set(key(ep), node);
    return node;
  }

  addPeer(address: string, port: number): FakePeer {
    const p = new FakePeer(this, { transport: 'udp', address, port });
    this.nodes.set(key(p.endpoint), p);
    return p;
  }

  send(bytes: Uint8Array, from: Endpoint, to: Endpoint): void {
    if (this.dropRule(dec(bytes), from, to)) return;
    this.packets.push({ at: this.now + this.latencyMs, to: key(to), from, bytes });
  }

  /** Runs the virtual world until `untilMs` (absolute) or until nothing is left to do. Bounded by `maxSteps`. */
  runUntil(untilMs: number, maxSteps = 100_000): void {
    for (let step = 0; step < maxSteps; step++) {
      let nextPacket = Infinity;
      let pi = -1;
      for (let i = 0; i < this.packets.length; i++) if (this.packets[i]!.at < nextPacket) { nextPacket = this.packets[i]!.at; pi = i; }
      let nextTimer = Infinity;
      let timerNode: UaNode | null = null;
      for (const n of this.nodes.values()) if (n instanceof UaNode && n.deadline < nextTimer) { nextTimer = n.deadline; timerNode = n; }
      const next = Math.min(nextPacket, nextTimer);
      if (next > untilMs) { this.now = untilMs; return; }
      this.now = Math.max(this.now, next);
      if (nextPacket <= nextTimer) {
        const p = this.packets.splice(pi, 1)[0]!;
        const node = this.nodes.get(p.to);
        if (node) node.deliver(p.bytes, p.from, this.now);
      } else if (timerNode) {
        timerNode.ua.handleTimeout(this.now);
        timerNode.drain();
      }
    }
    throw new Error(`memory net: more than ${maxSteps} steps before ${untilMs} ms (a busy loop?)`);
  }

  run(forMs: number): void {
    this.runUntil(this.now + forMs);
  }
}
