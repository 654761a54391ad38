// ua.trackPresence(states): the UA reads the PIDF of presence NOTIFYs itself (RFC 3856, RPID RFC
// 4480) and raises a `presence` event only when the shown state changed; a NOTIFY repeating the
// state raises nothing; changes between two polls coalesce into one event; other bodies still come
// as `notify` events; a subscription that stops delivering shows Unknown, never the last state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { PresenceStates, PresenceDisplay, activityBit, activityNames } from '../../core/presence/index.js';
import { enc, dec, seededRandom } from './memory-net.js';

const SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };

function pidf(opts: { basic?: string; activity?: string; note?: string; until?: string } = {}): string {
  const until = opts.until !== undefined ? ` until="${opts.until}"` : '';
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@10.0.0.100">\n' +
    `  <tuple id="t1"><status><basic>${opts.basic ?? 'open'}</basic></status><contact>sip:alice@10.0.0.100</contact></tuple>\n` +
    '  <dm:person id="p1">' +
    (opts.activity !== undefined ? `<rpid:activities${until}><rpid:${opts.activity}/></rpid:activities>` : '') +
    (opts.note !== undefined ? `<dm:note>${opts.note}</dm:note>` : '') +
    '</dm:person>\n</presence>\n';
}

class Phone {
  readonly ua: UserAgent;
  readonly states = new PresenceStates({ maxStates: 8 });
  readonly sent: string[] = [];
  readonly events: UaEvent[] = [];
  private readonly out = new Outgoing();
  private cseq = 1;
  private branch = 0;
  dialog = { callId: '', ourTag: '' };
  now = 1000;

  constructor(track = true) {
    this.ua = new UserAgent({
      aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
      random: seededRandom(3), capacities: { maxSubscriptions: 8, maxDialogs: 8 },
    });
    if (track) this.ua.trackPresence(this.states);
  }

  drain(): void {
    while (this.ua.pollTransmit(this.out)) this.sent.push(dec(this.out.bytes, this.out.off, this.out.len));
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) this.events.push(e);
  }

  /** Events since the last take (transmissions are drained and forgotten: answers() reads them first). */
  take(): UaEvent[] {
    this.drain();
    this.sent.length = 0;
    return this.events.splice(0);
  }

  feed(text: string): void {
    const b = enc(text);
    this.ua.handleDatagram(b, 0, b.length, SERVER, this.now);
  }

  /** subscribe → 200 (with To tag); returns the subscription id. */
  subscribe(): number {
    const id = this.ua.subscribe('sip:alice@10.0.0.100', 'presence', this.now).unwrap();
    this.drain();
    const sub = this.sent.find((s) => s.startsWith('SUBSCRIBE '))!;
    const h = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(sub)![1]!;
    this.dialog = { callId: h('Call-ID'), ourTag: /tag=([^;>\s]+)/.exec(h('From'))![1]! };
    this.feed(`SIP/2.0 200 OK\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${h('To')};tag=srv1\r\nCall-ID: ${h('Call-ID')}\r\n` +
      `CSeq: ${h('CSeq')}\r\nExpires: 3600\r\nContact: <sip:10.0.0.100:5060>\r\nContent-Length: 0\r\n\r\n`);
    this.take();
    this.sent.length = 0;
    return id;
  }

  notify(body: string, opts: { type?: string; state?: string } = {}): void {
    const type = opts.type ?? 'application/pidf+xml';
    const b = enc(body);
    this.feed(`NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKps${this.branch++}\r\n` +
      `From: <sip:alice@10.0.0.100>;tag=srv1\r\nTo: <sip:bob@10.0.0.100>;tag=${this.dialog.ourTag}\r\nCall-ID: ${this.dialog.callId}\r\n` +
      `CSeq: ${this.cseq++} NOTIFY\r\nMax-Forwards: 70\r\nContact: <sip:10.0.0.100:5060>\r\nEvent: presence\r\n` +
      `Subscription-State: ${opts.state ?? 'active;expires=3600'}\r\n` + (b.length > 0 ? `Content-Type: ${type}\r\n` : '') +
      `Content-Length: ${b.length}\r\n\r\n${body}`);
  }

  answers(): string[] {
    this.drain();
    const out = this.sent.map((s) => s.slice(0, s.indexOf('\r\n')));
    this.sent.length = 0;
    return out;
  }
}

test('a PIDF NOTIFY becomes state and one `presence` event (no `notify` event, no body copy)', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ activity: 'on-the-phone', note: 'On a call' }));
  assert.equal(p.answers(), ['SIP/2.0 200 OK']);
  const events = p.take();
  assert.equal(events.map((e) => e.kind), ['subscription', 'presence'], 'the state edge first, then the presence change');
  const e = events[1] as Extract<UaEvent, { kind: 'presence' }>;
  assert.is(e.subscriptionId, id);
  assert.is(e.target, 'sip:alice@10.0.0.100');
  const s = p.states.get(id)!;
  assert.is(s.display, PresenceDisplay.OnThePhone);
  assert.ok(s.activities & activityBit('on-the-phone'));
  assert.equal(activityNames(s.activities), ['on-the-phone']);
  assert.is(s.noteText(), 'On a call');
  assert.is(s.version, 1);
});

test('the same state again: answered 200, no event, version unchanged; a new state: one event again, same object', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ note: 'Here' }));
  const first = p.take().find((e) => e.kind === 'presence');
  assert.ok(first);
  p.notify(pidf({ note: 'Here' }));
  assert.equal(p.answers(), ['SIP/2.0 200 OK']);
  assert.equal(p.take(), [], 'an unchanged NOTIFY raises nothing (not even a subscription edge active → active)');
  assert.is(p.states.get(id)!.version, 1);
  p.notify(pidf({ note: 'Here' , activity: 'meeting' }));
  const again = p.take();
  assert.equal(again.map((e) => e.kind), ['presence']);
  assert.is(again[0], first, 'the event object is preallocated per subscription');
  assert.is(p.states.get(id)!.display, PresenceDisplay.InMeeting);
  // Only the note changes: still a change the display shows.
  p.notify(pidf({ note: 'Elsewhere', activity: 'meeting' }));
  assert.equal(p.take().map((e) => e.kind), ['presence']);
  assert.is(p.states.get(id)!.noteText(), 'Elsewhere');
  assert.is(p.states.get(id)!.version, 3);
});

test('changes between two polls coalesce into one event; the state read is the latest', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ activity: 'busy' }));
  p.notify(pidf({ activity: 'away' }));
  p.notify(pidf({ basic: 'closed' }));
  assert.equal(p.answers(), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  assert.equal(p.take().map((e) => e.kind), ['subscription', 'presence']);
  assert.is(p.states.get(id)!.display, PresenceDisplay.Offline);
  assert.is(p.states.get(id)!.version, 3);
  p.notify(pidf({}));
  assert.equal(p.take().map((e) => e.kind), ['presence'], 'queued again once polled');
  assert.is(p.states.get(id)!.display, PresenceDisplay.Available);
});

test('other bodies still arrive as `notify` events; an unreadable PIDF is a warning and changes nothing', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ activity: 'busy' }));
  p.take();
  p.notify('<presence/>', { type: 'application/xpidf+xml' });
  const e = p.take();
  assert.equal(e.map((x) => x.kind), ['notify']);
  assert.is((e[0] as Extract<UaEvent, { kind: 'notify' }>).contentType, 'application/xpidf+xml');
  p.notify('<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="x">');
  assert.equal(p.answers(), ['SIP/2.0 200 OK']);
  const w = p.take();
  assert.equal(w.map((x) => x.kind), ['warning']);
  assert.is((w[0] as Extract<UaEvent, { kind: 'warning' }>).code, 'bad-presence-document');
  assert.is(p.states.get(id)!.display, PresenceDisplay.Busy);
  p.notify('');
  assert.equal(p.take().map((x) => x.kind), ['notify'], 'an empty body (no Content-Type) is passed on as before');
  assert.is(p.states.get(id)!.display, PresenceDisplay.Busy, 'and changes nothing');
});

test('a subscription that stops delivering shows Unknown, never its last state (and the slot is freed with it)', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ activity: 'busy' }));
  p.take();
  p.notify('', { state: 'terminated;reason=noresource' });
  const events = p.take();
  assert.equal(events.map((e) => e.kind), ['subscription', 'presence', 'notify']);
  assert.is((events[0] as Extract<UaEvent, { kind: 'subscription' }>).state, 'failed');
  assert.is(p.states.get(id)!.display, PresenceDisplay.Unknown);
  p.ua.unsubscribe(id, p.now);
  p.take();
  assert.is(p.states.get(id), undefined, 'released with the subscription');
});

test('a final NOTIFY with a PIDF (terminated) leaves the state Unknown; its body goes out as a `notify` event', () => {
  const p = new Phone();
  const id = p.subscribe();
  p.notify(pidf({ activity: 'busy' }));
  p.take();
  p.notify(pidf({ basic: 'closed' }), { state: 'terminated;reason=rejected' });
  assert.equal(p.answers(), ['SIP/2.0 200 OK']);
  assert.equal(p.take().map((e) => e.kind), ['subscription', 'presence', 'notify']);
  assert.is(p.states.get(id)!.display, PresenceDisplay.Unknown, 'not Offline: the subscription no longer tells');
});

test('RPID until passes (wall clock known): the UA timer falls the display back and says so', () => {
  const p = new Phone();
  const wall = Date.UTC(2026, 10, 26, 12, 0, 0);
  p.states.wallClockOffsetMs = wall - p.now;
  const id = p.subscribe();
  p.notify(pidf({ activity: 'meeting', until: '2026-11-26T12:30:00Z' }));
  p.take();
  const s = p.states.get(id)!;
  assert.is(s.display, PresenceDisplay.InMeeting);
  assert.is(s.displayAfterUntil, PresenceDisplay.Available);
  const until = p.now + 30 * 60_000;
  assert.is(p.states.nextDeadline(), until, 'the until, on the UA clock');
  // The host loop: timers as they fall due (Timer K of the SUBSCRIBE first, then the until).
  let fired = 0;
  while (p.ua.pollTimeout() <= until) {
    p.now = p.ua.pollTimeout();
    p.ua.handleTimeout(p.now);
    fired += p.take().filter((e) => e.kind === 'presence').length;
    if (p.now === until) break;
  }
  assert.is(p.now, until, 'the UA woke up at the until');
  assert.is(fired, 1);
  assert.is(s.display, PresenceDisplay.Available);
  assert.ok(Number.isNaN(s.untilMs));
});

test('without trackPresence a PIDF NOTIFY is a `notify` event with the body, as before', () => {
  const p = new Phone(false);
  p.subscribe();
  p.notify(pidf({ activity: 'busy' }));
  const e = p.take();
  assert.equal(e.map((x) => x.kind), ['subscription', 'notify']);
  assert.match(dec((e[1] as Extract<UaEvent, { kind: 'notify' }>).body), /rpid:busy/);
});

test.run();
