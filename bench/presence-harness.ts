// The presence benchmark's world (issue #4 item 10), engine-neutral so that the same code runs in
// Node and, bundled, inside QuickJS: a UserAgent with N presence subscriptions set up through the
// public API (subscribe → the SUBSCRIBE is answered 200 → first NOTIFY), then in-dialog NOTIFYs
// with realistic PIDF bodies (three tuples, RPID activities and mood, notes, timestamps), each
// followed by the host loop's drain: pollTransmit (the 200 OK) and pollEvent (the state update).
//
// Two ways from NOTIFY to presence state are measured:
//   - 'presence-state': the UA reads the PIDF itself into a per-subscription PresenceStates
//     record (ua.trackPresence) and raises a `presence` event only when the state changed;
//   - 'notify+buddies': the older path every application had: a `notify` event carrying a copy
//     of the body, handed to PhoneState, whose BuddyTable reads the PIDF.
// Every NOTIFY is checked: the state read after it must be the one its body describes.
//
// No Node APIs here (no Buffer, TextEncoder, clock): time is virtual, bytes are written by hand.
import { UserAgent, Outgoing, type Endpoint, type UaEvent } from '../core/ua/index.js';
import { PresenceStates } from '../core/presence/presence-states.js';
import { PresenceDisplay } from '../core/presence/documents/pidf-effective.js';
import { PhoneState } from '../core/app/phone-state.js';
import { PidfReader, PresenceDocError } from '../core/presence/documents/pidf-reader.js';

export type PresencePath = 'presence-state' | 'notify+buddies';

const SERVER: Endpoint = { transport: 'udp', address: '192.0.2.100', port: 5060 };
const CSEQ_DIGITS = 9;
const BRANCH_DIGITS = 10;
/** Virtual time between two NOTIFYs: Timer J (64·T1 = 32 s) keeps ~64 server transactions live, half of what the UA has. */
export const STEP_MS = 500;

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function text(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]!);
  return s;
}

function header(message: string, name: string): string {
  const m = new RegExp(`\\r\\n${name}:\\s*([^\\r\\n]*)`, 'i').exec(message);
  if (m === null) throw new Error(`no ${name} in\n${message}`);
  return m[1]!;
}

const zeros = (n: number) => '0'.repeat(n);

/** Writes `n` as fixed-width decimal at buf[at, at+width) (no allocation). */
function stamp(buf: Uint8Array, at: number, width: number, n: number): void {
  for (let i = at + width - 1; i >= at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

// ---- The PIDF bodies: what a presence server (Kamailio presence_xml, a soft phone) sends ----

interface Variant { display: PresenceDisplay; basic: [string, string, string]; activities: string; mood: string; note: string; im: string }

/** Consecutive variants differ in their effective state, so every NOTIFY really changes it. */
export const VARIANTS: readonly Variant[] = [
  { display: PresenceDisplay.Available, basic: ['open', 'open', 'open'], activities: '', mood: 'happy', note: 'Available', im: '' },
  { display: PresenceDisplay.OnThePhone, basic: ['open', 'open', 'open'], activities: '<rpid:on-the-phone/>', mood: 'serious', note: 'On the phone', im: '' },
  { display: PresenceDisplay.InMeeting, basic: ['open', 'closed', 'open'], activities: '<rpid:meeting/><rpid:working/>', mood: 'interested', note: 'Weekly planning, back at 3', im: '' },
  { display: PresenceDisplay.Away, basic: ['open', 'open', 'closed'], activities: '<rpid:meal/>', mood: 'hungry', note: 'Lunch', im: '<im:im>away</im:im>' },
  { display: PresenceDisplay.Offline, basic: ['closed', 'closed', 'closed'], activities: '', mood: '', note: 'Gone home', im: '' },
  { display: PresenceDisplay.Busy, basic: ['open', 'open', 'closed'], activities: '<rpid:busy/>', mood: 'stressed', note: 'Do not disturb', im: '<im:im>busy</im:im>' },
];

/**
 * devices 3: what Kamailio's presence_xml sends for a user with a desk phone, a soft phone and a
 * mobile (three tuples); devices 1: a single phone publishing for itself (one tuple).
 */
function pidf(entity: string, v: Variant, version: number, devices: 1 | 3): string {
  const ts = `2026-11-26T0${version % 10}:1${version % 6}:0${version % 10}Z`;
  const tuple = (id: string, basic: string, contact: string, priority: string, extra: string) =>
    `  <tuple id="${id}">\n    <status><basic>${basic}</basic>${extra}</status>\n` +
    `    <dm:deviceID>urn:uuid:d3b07384-d9a0-4c9b-8a2e-${id.padEnd(12, '0').slice(0, 12)}</dm:deviceID>\n` +
    `    <contact priority="${priority}">${contact}</contact>\n    <timestamp>${ts}</timestamp>\n  </tuple>\n`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"\n` +
    `    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" xmlns:im="urn:ietf:params:xml:ns:pidf:im"\n` +
    `    xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" entity="${entity}">\n` +
    tuple('deskphone', v.basic[0], `${entity};transport=udp`, '0.8', '') +
    (devices === 3 ? tuple('softphone', v.basic[1], `${entity.replace('@', '.soft@')}`, '0.5', v.im) +
      tuple('mobile', v.basic[2], `tel:+4930123456${version % 10}`, '0.2', '') : '') +
    '  <dm:person id="p1">\n' +
    (v.activities !== '' ? `    <rpid:activities>${v.activities}</rpid:activities>\n` : '') +
    (v.mood !== '' ? `    <rpid:mood><rpid:${v.mood}/></rpid:mood>\n` : '') +
    '    <rpid:place-type><rpid:office/></rpid:place-type>\n' +
    `    <c:display-name>Alice Example</c:display-name>\n` +
    `    <dm:note xml:lang="en">${v.note}</dm:note>\n` +
    `    <dm:timestamp>${ts}</dm:timestamp>\n` +
    '  </dm:person>\n' +
    `  <note>${v.note}</note>\n` +
    '</presence>\n';
}

/** One in-dialog NOTIFY, CSeq and branch to be stamped per send. */
class NotifyTemplate {
  readonly buf: Uint8Array;
  readonly cseqAt: number;
  readonly branchAt: number;
  readonly bodyBytes: number;
  constructor(dialog: { callId: string; ourTag: string; theirTag: string; ourUri: string; theirUri: string }, body: string, sub: number) {
    const branchPrefix = `z9hG4bK-pres${sub}-`;
    const head =
      `NOTIFY sip:bob@192.0.2.2:5070 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 192.0.2.100:5060;branch=${branchPrefix}${zeros(BRANCH_DIGITS)}\r\n` +
      `To: <${dialog.ourUri}>;tag=${dialog.ourTag}\r\n` +
      `From: <${dialog.theirUri}>;tag=${dialog.theirTag}\r\n` +
      `CSeq: ${zeros(CSEQ_DIGITS)} NOTIFY\r\n` +
      `Call-ID: ${dialog.callId}\r\n` +
      `Max-Forwards: 70\r\n` +
      `User-Agent: kamailio (5.8.4 (x86_64/linux))\r\n` +
      `Event: presence\r\n` +
      `Contact: <sip:192.0.2.100:5060;transport=udp>\r\n` +
      `Subscription-State: active;expires=3600\r\n` +
      `Content-Type: application/pidf+xml\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const all = head + body;
    this.buf = bytes(all);
    this.bodyBytes = body.length;
    this.cseqAt = all.indexOf('CSeq: ') + 6;
    this.branchAt = all.indexOf(branchPrefix) + branchPrefix.length;
  }

  /** Sets CSeq and branch in place. */
  prepare(cseq: number, branch: number): void {
    stamp(this.buf, this.cseqAt, CSEQ_DIGITS, cseq);
    stamp(this.buf, this.branchAt, BRANCH_DIGITS, branch);
  }
}

function okResponse(subscribe: string, toTag: string): Uint8Array {
  const vias = subscribe.split('\r\n').filter((l) => /^Via:/i.test(l));
  return bytes(
    'SIP/2.0 200 OK\r\n' + vias.join('\r\n') + '\r\n' +
    `From: ${header(subscribe, 'From')}\r\nTo: ${header(subscribe, 'To')};tag=${toTag}\r\n` +
    `Call-ID: ${header(subscribe, 'Call-ID')}\r\nCSeq: ${header(subscribe, 'CSeq')}\r\n` +
    'Expires: 3600\r\nContact: <sip:192.0.2.100:5060;transport=udp>\r\nContent-Length: 0\r\n\r\n');
}

export interface PresenceWorldOptions {
  subscriptions: number;
  path: PresencePath;
  /** false: only establish the subscriptions, keep no NOTIFY templates (for the heap figure). */
  templates?: boolean;
  /** Devices (tuples) in each PIDF: 3 (the default, the figure) or 1. */
  devices?: 1 | 3;
}

export class PresenceWorld {
  readonly ua: UserAgent;
  readonly states: PresenceStates | null;
  readonly phone: PhoneState | null;
  readonly ids: number[] = [];
  now = 1000;
  /** NOTIFYs whose state did not come out as expected (must stay 0). */
  mismatches = 0;
  /** NOTIFYs sent in the steady state. */
  sent = 0;
  private readonly templates: NotifyTemplate[][] = [];
  private readonly buddySlot: number[] = [];
  private readonly out = new Outgoing();
  private readonly n: number;
  private branch = 0;

  constructor(readonly options: PresenceWorldOptions) {
    const n = options.subscriptions;
    this.n = n;
    const slots = Math.max(64, n);
    let seed = 4242;
    this.ua = new UserAgent({
      aor: 'sip:bob@192.0.2.100', registrar: null, outboundProxy: 'sip:192.0.2.100:5060', localAddress: '192.0.2.2', localPort: 5070,
      random: () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 4294967296,
      // Establishing holds a client and a server transaction per subscription until time moves: room for more than 64.
      capacities: { maxSubscriptions: slots, maxDialogs: slots, maxTransactions: Math.max(160, slots + 96) },
    });
    if (options.path === 'presence-state') {
      this.states = new PresenceStates({ maxStates: slots });
      this.ua.trackPresence(this.states);
      this.phone = null;
    } else {
      this.states = null;
      this.phone = new PhoneState({ identity: 'bob', blfKeys: 0, maxBuddies: slots });
    }
    this.addSubscriptions(n);
  }

  addSubscriptions(count: number): void {
    for (let k = 0; k < count; k++) this.establish(this.ids.length);
  }

  /** subscribe → 200 → first NOTIFY (CSeq 1), through the host loop like any application. */
  private establish(s: number): void {
    const target = `sip:buddy${s}@192.0.2.100`;
    const r = this.ua.subscribe(target, 'presence', this.now);
    if (!r.ok) throw new Error(`subscribe ${s}: ${r.val.message}`);
    const id = r.val;
    this.ids.push(id);
    if (this.phone !== null) {
      const slot = this.phone.addBuddy(target, `Buddy ${s}`);
      this.phone.watch(id, 'buddy', slot);
      this.buddySlot.push(slot);
    }
    let subscribe = '';
    while (this.ua.pollTransmit(this.out)) {
      const t = text(this.out.bytes, this.out.off, this.out.len);
      if (t.startsWith('SUBSCRIBE ')) subscribe = t;
    }
    if (subscribe === '') throw new Error(`no SUBSCRIBE for ${target}`);
    const theirTag = `ntf${s}x${(s * 7919) % 10007}`;
    const ok = okResponse(subscribe, theirTag);
    this.ua.handleDatagram(ok, 0, ok.length, SERVER, this.now);
    this.drainEvents();
    const dialog = {
      callId: header(subscribe, 'Call-ID'), ourTag: /;tag=([^;\s>]+)/.exec(header(subscribe, 'From'))![1]!, theirTag,
      ourUri: 'sip:bob@192.0.2.100', theirUri: target,
    };
    const row: NotifyTemplate[] = [];
    const keep = this.options.templates !== false;
    for (let v = 0; v < (keep ? VARIANTS.length : 1); v++) row.push(new NotifyTemplate(dialog, pidf(target, VARIANTS[v]!, v, this.options.devices ?? 3), s));
    this.templates.push(row);
    this.notify(s, 0, 1);
    if (!keep) this.templates[s] = [];
    let answered = 0;
    while (this.ua.pollTransmit(this.out)) answered++;
    if (answered !== 1) throw new Error(`subscription ${s}: first NOTIFY got ${answered} answers`);
    this.drainEvents();
    if (this.displayOf(s) !== VARIANTS[0]!.display) throw new Error(`subscription ${s}: first NOTIFY gave display ${this.displayOf(s)}`);
  }

  private drainEvents(): number {
    let count = 0;
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) {
      if (e.kind === 'warning') throw new Error(`UA warning: ${e.code}: ${e.message}`);
      if (this.phone !== null) this.phone.onUaEvent(e, this.now);
      count++;
    }
    return count;
  }

  private notify(s: number, variant: number, cseq: number): void {
    const t = this.templates[s]![variant]!;
    t.prepare(cseq, this.branch++);
    this.ua.handleDatagram(t.buf, 0, t.buf.length, SERVER, this.now);
  }

  /** Mean PIDF body size over the NOTIFYs step() sends. */
  bodyBytes(): number {
    let sum = 0;
    let count = 0;
    for (const row of this.templates) for (const t of row) { sum += t.bodyBytes; count++; }
    return count === 0 ? 0 : Math.round(sum / count);
  }

  /** The display state the application now sees for subscription s. */
  displayOf(s: number): number {
    if (this.states !== null) return this.states.get(this.ids[s]!)?.display ?? -1;
    return this.phone!.buddies.buddies[this.buddySlot[s]!]!.display;
  }

  /**
   * The byte-scan floor of NOTIFY i: a loop touching every byte of the message step(i) would feed
   * once, and nothing else. No parser can beat it in the same engine.
   */
  scan(i: number): number {
    const s = i % this.n;
    const variant = ((i - s) / this.n + 1) % VARIANTS.length;
    const buf = this.templates[s]![variant]!.buf;
    let h = 0;
    for (let k = 0, len = buf.length; k < len; k++) h = (h + buf[k]!) | 0;
    return h & 1;
  }

  private bodyReader: PidfReader | null = null;

  /**
   * Only the PIDF read of NOTIFY i: the body step(i) would feed, read by a reader set up as
   * PresenceStates sets up its own (composeOnly). Subtracted from step(i)'s time it says how much
   * of a NOTIFY's cost is the document and how much the SIP path around it.
   * Returns 1 when the body was read without error (a checksum for the timing loop).
   */
  readBody(i: number): number {
    const s = i % this.n;
    const variant = ((i - s) / this.n + 1) % VARIANTS.length;
    const t = this.templates[s]![variant]!;
    let reader = this.bodyReader;
    if (reader === null) { reader = this.bodyReader = new PidfReader(); reader.composeOnly = true; }
    const end = t.buf.length;
    return reader.read(t.buf, end - t.bodyBytes, end) === PresenceDocError.None ? 1 : 0;
  }

  /**
   * NOTIFY number i of the steady state: subscription i mod N, the next variant of its state,
   * CSeq growing; then the host loop: transmit (the 200), timers when due, events.
   * Returns 1 when the state came out right (a checksum for the timing loop).
   */
  step(i: number, sameState = false): number {
    const n = this.n;
    const s = i % n;
    const round = (i - s) / n;
    const variant = sameState ? 0 : (round + 1) % VARIANTS.length;
    this.now += STEP_MS;
    this.notify(s, variant, round + 2);
    const ua = this.ua;
    const out = this.out;
    let answered = 0;
    while (ua.pollTransmit(out)) if (out.bytes[out.off + 8] === 0x32) answered++;
    if (ua.pollTimeout() <= this.now) {
      ua.handleTimeout(this.now);
      while (ua.pollTransmit(out));
    }
    this.drainEvents();
    this.sent++;
    const ok = answered === 1 && this.displayOf(s) === VARIANTS[variant]!.display ? 1 : 0;
    if (ok === 0) this.mismatches++;
    return ok;
  }
}
