// ua.trackPresence(states): the UA reads the PIDF of presence NOTIFYs itself (RFC 3856, RPID RFC
// 4480) and raises a `presence` event only when the shown state changed; a NOTIFY repeating the
// state raises nothing; changes between two polls coalesce into one event; other bodies still come
// as `notify` events; a subscription that stops delivering shows Unknown, never the last state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { UaEvent } from '../../core/ua/index.js';
import { PresenceStates, PresenceDisplay, activityBit, activityNames } from '../../core/presence/index.js';
import { dec } from './memory-net.js';
import { ScriptedWatcher } from './scripted-watcher.js';

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

class Phone extends ScriptedWatcher {
  declare readonly states: PresenceStates;

  constructor(track = true) {
    super(new PresenceStates({ maxStates: 8 }), 3, 8, track);
  }

  /** Events since the last take (transmissions are drained and forgotten: answers() reads them first). */
  override take(): UaEvent[] {
    const events = super.take();
    this.sent.length = 0;
    return events;
  }

  /** subscribe → 200 (with To tag); returns the subscription id. */
  subscribe(): number {
    this.subscribeAccepted({ tag: 'srv1', contact: 'sip:10.0.0.100:5060' });
    return this.id;
  }

  notify(body: string, opts: { type?: string; state?: string } = {}): void {
    this.notifyFrom('srv1', body, { ...opts, contact: 'sip:10.0.0.100:5060' });
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
