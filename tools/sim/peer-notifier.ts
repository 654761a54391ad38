// The notifier side of presence and dialog subscriptions for peer-to-peer mode, where no presence
// server exists and each phone must NOTIFY its own watchers (RFC 6665 §4.2, RFC 3856 §6).
//
// WHY this lives here and not in core/ua: the UA façade (core/ua) is subscriber-only; it answers
// an incoming SUBSCRIBE with 489. Until it grows a notifier API, the simulator's host loop looks
// at each datagram first and keeps SUBSCRIBEs and the responses to its own NOTIFYs for itself;
// everything else goes to the UA. Deliberately minimal: UDP only, one NOTIFY in flight per
// subscription (RFC 6665 §4.2.2 allows queuing the newest state), RFC 3261 §17.1.2 Timer E/F
// retransmission, no authorization (every watcher is accepted: it is a simulator on loopback).
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { H, M } from '../../core/sip/header-ids.js';
import type { Endpoint } from '../../core/ua/config.js';

const DATAGRAM = createParseOptions({ datagram: true });
const T1 = 500;
const T2 = 4000;
const TIMER_F = 64 * T1;
const MAX_EXPIRES = 3600;
/** Packages this notifier serves, with the body type it sends. */
const PACKAGES: Readonly<Record<string, string>> = {
  presence: 'application/pidf+xml',
  dialog: 'application/dialog-info+xml',
};

export interface NotifierSource {
  /** The current document for a package; `version` counts NOTIFYs of this subscription from 0. */
  body(event: string, version: number): Uint8Array;
}

interface InFlight {
  branch: string;
  bytes: Uint8Array;
  interval: number;
  nextSend: number;
  giveUpAt: number;
  terminal: boolean;
}

interface Watcher {
  readonly callId: string;
  readonly event: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Who watches (their From), and where NOTIFYs go (their Contact, RFC 6665 §4.2.1). */
  readonly remoteUri: string;
  readonly target: string;
  readonly endpoint: Endpoint;
  cseq: number;
  expiresAt: number;
  version: number;
  inFlight: InFlight | null;
  /** State changed while a NOTIFY was in flight: send the newest once it is answered. */
  dirty: boolean;
  terminated: boolean;
}

export class PeerNotifier {
  private readonly view = new SipMessageView();
  private readonly watchers = new Map<string, Watcher>();
  private readonly out: { bytes: Uint8Array; endpoint: Endpoint }[] = [];
  private counter = 0;

  constructor(
    private readonly aor: string,
    private readonly local: { address: string; port: number },
    private readonly source: NotifierSource,
    private readonly random: () => number,
    private readonly log: (text: string) => void,
  ) {}

  /** How many live watchers, per package (for logs and tests). */
  watcherCount(event?: string): number {
    let n = 0;
    for (const w of this.watchers.values()) if (!w.terminated && (event === undefined || w.event === event)) n++;
    return n;
  }

  /** Subscriptions still known, including ended ones whose final NOTIFY is unanswered. */
  get size(): number {
    return this.watchers.size;
  }

  /**
   * Looks at one datagram: true when it was a SUBSCRIBE or the answer to one of our NOTIFYs
   * (handled here), false when it belongs to the UA.
   */
  handleDatagram(buf: Uint8Array, len: number, from: Endpoint, now: number): boolean {
    const view = this.view;
    if (parse(buf, 0, len, view, DATAGRAM) <= 0) return false;
    if (view.isRequest) {
      if (view.methodId !== M.SUBSCRIBE) return false;
      this.onSubscribe(from, now);
      return true;
    }
    const cseq = view.headerText(H.CSEQ) ?? '';
    if (!/\bNOTIFY\s*$/i.test(cseq)) return false;
    this.onNotifyResponse(view.statusCode, now);
    return true;
  }

  /** Our state changed: NOTIFY every watcher of the package. */
  changed(event: string, now: number): void {
    for (const w of this.watchers.values()) if (w.event === event && !w.terminated) this.notify(w, now, false, '');
  }

  /** Ends every subscription (RFC 6665 §4.2.2: NOTIFY with Subscription-State terminated). */
  terminateAll(reason: string, now: number): void {
    for (const w of this.watchers.values()) if (!w.terminated) this.notify(w, now, true, reason);
  }

  handleTimeout(now: number): void {
    for (const [key, w] of this.watchers) {
      const f = w.inFlight;
      if (f !== null) {
        if (now >= f.giveUpAt) {
          // Timer F: the watcher is gone; RFC 6665 §4.2.2 lets us drop the subscription.
          this.log(`NOTIFY ${w.event} to ${w.remoteUri} unanswered for ${TIMER_F / 1000} s: subscription dropped`);
          this.watchers.delete(key);
          continue;
        }
        if (now >= f.nextSend) {
          this.out.push({ bytes: f.bytes, endpoint: w.endpoint });
          f.interval = Math.min(f.interval * 2, T2);
          f.nextSend = now + f.interval;
        }
      } else if (w.terminated) {
        this.watchers.delete(key);
      } else if (now >= w.expiresAt) {
        this.notify(w, now, true, 'timeout');
      }
    }
  }

  nextDeadline(): number {
    let next = Infinity;
    for (const w of this.watchers.values()) {
      const t = w.inFlight !== null ? Math.min(w.inFlight.nextSend, w.inFlight.giveUpAt) : w.terminated ? 0 : w.expiresAt;
      if (t < next) next = t;
    }
    return next;
  }

  /** The next datagram to send, or undefined. */
  pollTransmit(): { bytes: Uint8Array; endpoint: Endpoint } | undefined {
    return this.out.shift();
  }

  // ---- Inside ---------------------------------------------------------------------------

  private onSubscribe(from: Endpoint, now: number): void {
    const view = this.view;
    const callId = view.headerText(H.CALL_ID) ?? '';
    const fromText = view.headerText(H.FROM) ?? '';
    const toText = view.headerText(H.TO) ?? '';
    const event = (view.headerText(H.EVENT) ?? '').split(';')[0]!.trim().toLowerCase();
    const expiresText = view.headerText(H.EXPIRES);
    const fromTag = tagOf(fromText);
    const toTag = tagOf(toText);
    if (callId === '' || fromTag === '') {
      this.respond(from, 400, 'Bad Request', '', [], now);
      return;
    }
    const key = `${callId}\n${fromTag}`;
    let w = this.watchers.get(key);
    if (toTag !== '' && (w === undefined || w.localTag !== toTag)) {
      this.respond(from, 481, 'Subscription Does Not Exist', toTag, [], now);
      return;
    }
    if (PACKAGES[event] === undefined) {
      this.respond(from, 489, 'Bad Event', '', ['Allow-Events: presence, dialog'], now);
      return;
    }
    const asked = expiresText === undefined ? MAX_EXPIRES : Number.parseInt(expiresText, 10);
    const expires = Number.isFinite(asked) && asked >= 0 ? Math.min(asked, MAX_EXPIRES) : MAX_EXPIRES;
    if (w === undefined) {
      const contact = uriOf(view.headerText(H.CONTACT) ?? '') || uriOf(fromText);
      w = {
        callId, event, localTag: this.token(10), remoteTag: fromTag, remoteUri: uriOf(fromText), target: contact,
        endpoint: endpointOfUri(contact) ?? from, cseq: 0, expiresAt: 0, version: 0, inFlight: null, dirty: false, terminated: false,
      };
      this.watchers.set(key, w);
      this.log(`${w.remoteUri} watches our ${event}`);
    }
    w.expiresAt = now + expires * 1000;
    // RFC 6665 §4.2.1.1: 200 (202 is deprecated), Expires = what we grant.
    this.respond(from, 200, 'OK', w.localTag, [`Expires: ${expires}`, `Contact: <${this.contactUri()}>`], now);
    if (expires === 0) {
      this.notify(w, now, true, 'timeout');
      this.log(`${w.remoteUri} stopped watching our ${event}`);
    } else {
      this.notify(w, now, false, '');
    }
  }

  private onNotifyResponse(status: number, now: number): void {
    if (status < 200) return;
    const callId = this.view.headerText(H.CALL_ID) ?? '';
    const branch = branchOf(this.view.headerText(H.VIA) ?? '');
    for (const [key, w] of this.watchers) {
      if (w.callId !== callId || w.inFlight === null || w.inFlight.branch !== branch) continue;
      const terminal = w.inFlight.terminal;
      w.inFlight = null;
      if (status >= 300 || terminal) {
        // RFC 6665 §4.2.2: a 481 (or any failure) to NOTIFY ends the subscription.
        if (status >= 300 && !terminal) this.log(`${w.remoteUri} answered our ${w.event} NOTIFY with ${status}: subscription ended`);
        this.watchers.delete(key);
      } else if (w.dirty) {
        w.dirty = false;
        this.notify(w, now, false, '');
      }
      return;
    }
  }

  private notify(w: Watcher, now: number, terminal: boolean, reason: string): void {
    if (w.inFlight !== null && !terminal) {
      w.dirty = true;
      return;
    }
    if (terminal) w.terminated = true;
    const body = this.source.body(w.event, w.version++);
    const left = Math.max(0, Math.round((w.expiresAt - now) / 1000));
    const state = terminal ? `terminated;reason=${reason}` : `active;expires=${left}`;
    const branch = `z9hG4bK${this.token(16)}`;
    w.cseq++;
    const text =
      `NOTIFY ${w.target} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP ${this.local.address}:${this.local.port};branch=${branch};rport\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <${this.aor}>;tag=${w.localTag}\r\n` +
      `To: <${w.remoteUri}>;tag=${w.remoteTag}\r\n` +
      `Call-ID: ${w.callId}\r\n` +
      `CSeq: ${w.cseq} NOTIFY\r\n` +
      `Contact: <${this.contactUri()}>\r\n` +
      `Event: ${w.event}\r\n` +
      `Subscription-State: ${state}\r\n` +
      `Content-Type: ${PACKAGES[w.event]}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const head = new TextEncoder().encode(text);
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(head, 0);
    bytes.set(body, head.length);
    w.inFlight = { branch, bytes, interval: T1, nextSend: now + T1, giveUpAt: now + TIMER_F, terminal };
    this.out.push({ bytes, endpoint: w.endpoint });
  }

  /** RFC 3261 §8.2.6.2: Vias (all, in order), From, To (+ our tag), Call-ID and CSeq copied. */
  private respond(to: Endpoint, status: number, reason: string, toTag: string, extra: readonly string[], _now: number): void {
    const view = this.view;
    const lines: string[] = [`SIP/2.0 ${status} ${reason}`];
    for (let i = view.find(H.VIA); i >= 0; i = view.find(H.VIA, i + 1)) lines.push(`Via: ${view.headerValueText(i)}`);
    lines.push(`From: ${view.headerText(H.FROM) ?? ''}`);
    const toText = view.headerText(H.TO) ?? '';
    lines.push(`To: ${toText}${tagOf(toText) === '' && toTag !== '' ? `;tag=${toTag}` : ''}`);
    lines.push(`Call-ID: ${view.headerText(H.CALL_ID) ?? ''}`);
    lines.push(`CSeq: ${view.headerText(H.CSEQ) ?? ''}`);
    lines.push(...extra, 'Content-Length: 0', '', '');
    this.out.push({ bytes: new TextEncoder().encode(lines.join('\r\n')), endpoint: to });
  }

  private contactUri(): string {
    const user = /^sips?:([^@]+)@/.exec(this.aor)?.[1];
    return `sip:${user !== undefined ? `${user}@` : ''}${this.local.address}:${this.local.port}`;
  }

  private token(chars: number): string {
    let s = (++this.counter).toString(16);
    while (s.length < chars) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }
}

function tagOf(nameAddr: string): string {
  const afterUri = nameAddr.includes('>') ? nameAddr.slice(nameAddr.lastIndexOf('>')) : nameAddr;
  return /;\s*tag=([^;\s,]+)/i.exec(afterUri)?.[1] ?? '';
}

function uriOf(nameAddr: string): string {
  const angle = /<([^>]*)>/.exec(nameAddr);
  if (angle !== null) return angle[1]!;
  return nameAddr.split(';')[0]!.trim();
}

function branchOf(via: string): string {
  return /;\s*branch=([^;\s,]+)/i.exec(via)?.[1] ?? '';
}

/** host:port of a sip: URI with a numeric host (peer-to-peer on loopback needs nothing more). */
function endpointOfUri(uri: string): Endpoint | null {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;?>]+)(?::(\d+))?/i.exec(uri);
  if (m === null) return null;
  const address = m[1]!.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$|:/.test(address)) return null;
  return { transport: 'udp', address, port: m[2] !== undefined ? Number(m[2]) : 5060 };
}
