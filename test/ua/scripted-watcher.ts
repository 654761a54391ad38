// Bob's phone (10.0.0.2:5070) behind a proxy at 10.0.0.100:5060, for tests that play alice's
// presence server (or her several devices, each a notifier with its own dialog tag) by hand: the
// server's messages are fed in as text and what the UA sends is read back as text. Shared by the
// trackPresence tests (presence-state, forks, partial PIDF).
import { UserAgent, Outgoing, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import type { PresenceStates } from '../../core/presence/index.js';
import { enc, dec, seededRandom } from './memory-net.js';

export const PRESENCE_SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };

export const headerOf = (msg: string, name: string): string | undefined => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(msg)?.[1];

export class ScriptedWatcher {
  readonly ua: UserAgent;
  readonly sent: string[] = [];
  readonly events: UaEvent[] = [];
  private readonly out = new Outgoing();
  private readonly cseqs = new Map<string, number>();
  private branch = 0;
  callId = '';
  ourTag = '';
  id = -1;
  now = 1000;

  constructor(readonly states: PresenceStates | null, seed: number, maxSubscriptions = 4, track = true) {
    this.ua = new UserAgent({
      aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
      random: seededRandom(seed), capacities: { maxSubscriptions, maxDialogs: 8 },
    });
    if (track && states !== null) this.ua.trackPresence(states);
  }

  drain(): void {
    while (this.ua.pollTransmit(this.out)) this.sent.push(dec(this.out.bytes, this.out.off, this.out.len));
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) this.events.push(e);
  }

  /** Events since the last take; what was sent stays for output()/answers(). */
  take(): UaEvent[] {
    this.drain();
    return this.events.splice(0);
  }

  /** What the UA sent since the last call, whole. */
  output(): string[] {
    this.drain();
    return this.sent.splice(0);
  }

  /** The first lines of what the UA sent since the last call. */
  answers(): string[] {
    return this.output().map((s) => s.slice(0, s.indexOf('\r\n')));
  }

  feed(text: string): void {
    const b = enc(text);
    this.ua.handleDatagram(b, 0, b.length, PRESENCE_SERVER, this.now);
  }

  /** A notifier's 200 to the SUBSCRIBE `sub`: To tag `tag` unless the request has one already. */
  accept(sub: string, opts: { tag?: string; expires?: number; contact?: string } = {}): void {
    const h = (name: string) => headerOf(sub, name)!;
    const to = h('To');
    this.feed(`SIP/2.0 200 OK\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${to.includes('tag=') ? to : `${to};tag=${opts.tag ?? 'srv'}`}\r\n` +
      `Call-ID: ${h('Call-ID')}\r\nCSeq: ${h('CSeq')}\r\nExpires: ${opts.expires ?? 3600}\r\nContact: <${opts.contact ?? 'sip:ps@10.0.0.100:5060'}>\r\nContent-Length: 0\r\n\r\n`);
  }

  /**
   * ua.subscribe to alice's presence, answered 200 by the notifier `opts.tag`; notes the dialog's
   * Call-ID and our tag, leaves no events or output behind. Returns the SUBSCRIBE.
   */
  subscribeAccepted(opts: { tag?: string; expires?: number; contact?: string } = {}): string {
    this.id = this.ua.subscribe('sip:alice@10.0.0.100', 'presence', this.now, opts.expires !== undefined ? { expires: opts.expires } : undefined).unwrap();
    const sub = this.output().find((s) => s.startsWith('SUBSCRIBE '))!;
    this.callId = headerOf(sub, 'Call-ID')!;
    this.ourTag = /tag=([^;>\s]+)/.exec(headerOf(sub, 'From')!)![1]!;
    this.accept(sub, opts);
    this.take();
    this.output();
    return sub;
  }

  /** A NOTIFY in the dialog with the notifier whose tag is `tag` (CSeq counted per notifier). */
  notifyFrom(tag: string, body: string, opts: { state?: string; type?: string; contact?: string } = {}): void {
    const cseq = (this.cseqs.get(tag) ?? 0) + 1;
    this.cseqs.set(tag, cseq);
    const b = enc(body);
    this.feed(`NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKsw${this.branch++}\r\n` +
      `From: <sip:alice@10.0.0.100>;tag=${tag}\r\nTo: <sip:bob@10.0.0.100>;tag=${this.ourTag}\r\nCall-ID: ${this.callId}\r\n` +
      `CSeq: ${cseq} NOTIFY\r\nMax-Forwards: 70\r\nContact: <${opts.contact ?? 'sip:ps@10.0.0.100:5060'}>\r\nEvent: presence\r\n` +
      `Subscription-State: ${opts.state ?? 'active;expires=3600'}\r\n` + (b.length > 0 ? `Content-Type: ${opts.type ?? 'application/pidf+xml'}\r\n` : '') +
      `Content-Length: ${b.length}\r\n\r\n${body}`);
  }
}
