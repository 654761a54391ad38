// ua.trackPresence with a forked presence SUBSCRIBE (RFC 6665 §4.1.2.4): a proxy forks the
// SUBSCRIBE to alice's desk phone and her soft phone, each answers from its own dialog with its own
// PIDF. The tracked state is the composition of every live dialog's document (presence-states.ts:
// the documents count as one presentity's, RFC 3863 §2.2; activities describe the person and win
// over another device's open tuple, RFC 4480 §3.2). A fork that ends (terminated NOTIFY, refresh
// refused) takes its contribution with it; an unreadable PIDF from one fork leaves the others'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_EXTRA_FORKS, type UaEvent } from '../../core/ua/index.js';
import { PresenceStates, PresenceApply, PresenceDisplay, DEFAULT_SOURCES_PER_STATE, activityNames, MOOD_NAMES } from '../../core/presence/index.js';
import { ScriptedWatcher } from './scripted-watcher.js';
import { enc, dec } from './memory-net.js';

interface Doc { basic?: string; activity?: string; note?: string; mood?: string; until?: string; person?: boolean }

function pidf(device: string, d: Doc = {}): string {
  const until = d.until !== undefined ? ` until="${d.until}"` : '';
  const person = d.person !== false && (d.activity !== undefined || d.note !== undefined || d.mood !== undefined);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@10.0.0.100">\n' +
    `  <tuple id="${device}"><status><basic>${d.basic ?? 'open'}</basic></status><contact>sip:alice@${device}.example</contact></tuple>\n` +
    (person
      ? `  <dm:person id="p-${device}">` +
        (d.activity !== undefined ? `<rpid:activities${until}><rpid:${d.activity}/></rpid:activities>` : '') +
        (d.mood !== undefined ? `<rpid:mood><rpid:${d.mood}/></rpid:mood>` : '') +
        (d.note !== undefined ? `<dm:note>${d.note}</dm:note>` : '') +
        '</dm:person>\n'
      : '') +
    '</presence>\n';
}

type PresenceEvent = Extract<UaEvent, { kind: 'presence' }>;
type NotifyEvent = Extract<UaEvent, { kind: 'notify' }>;

/** Bob's phone subscribed to alice's AOR through a forking proxy; the devices answer as notifiers with their own From tags. */
class Watcher extends ScriptedWatcher {
  constructor(states: PresenceStates | null) {
    super(states, 11);
  }

  /** SUBSCRIBE → 200 from the first device (`desk`), Expires as given. */
  subscribe(expires = 3600): number {
    this.subscribeAccepted({ tag: 'desk', expires, contact: 'sip:desk@10.0.0.100:5060' });
    return this.id;
  }

  /** A NOTIFY from the device whose dialog tag is `device`. */
  notify(device: string, body: string, opts: { state?: string; type?: string } = {}): void {
    this.notifyFrom(device, body, { ...opts, contact: `sip:${device}@10.0.0.100:5060` });
  }

  shown() {
    return this.states!.get(this.id)!;
  }
}

const kinds = (events: UaEvent[]) => events.map((e) => e.kind);

test(`the default sources per subscription match the UA's fork table (1 + MAX_EXTRA_FORKS = ${1 + MAX_EXTRA_FORKS})`, () => {
  assert.is(DEFAULT_SOURCES_PER_STATE, 1 + MAX_EXTRA_FORKS);
  assert.is(new PresenceStates({ maxStates: 2 }).sourcesPerState, 1 + MAX_EXTRA_FORKS);
});

test('desk phone open, soft phone on-the-phone: the subscription shows on-the-phone, with the soft phone\'s note and mood', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  const id = w.subscribe();
  w.notify('desk', pidf('desk', { note: 'At my desk' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['subscription', 'presence']);
  assert.is(w.shown().display, PresenceDisplay.Available);
  assert.is(w.shown().noteText(), 'At my desk');

  w.notify('soft', pidf('soft', { activity: 'on-the-phone', note: 'On a call', mood: 'serious' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK'], 'the soft phone\'s first NOTIFY creates its dialog');
  const events = w.take();
  assert.equal(kinds(events), ['presence'], 'no `notify` event, no body copy: the fork\'s PIDF is state too');
  assert.is((events[0] as PresenceEvent).subscriptionId, id);
  const s = w.shown();
  assert.is(s.display, PresenceDisplay.OnThePhone, 'the person is on the phone, whatever the desk phone says');
  assert.equal(activityNames(s.activities), ['on-the-phone']);
  assert.is(s.noteText(), 'On a call', 'the deciding device gives the note');
  assert.is(MOOD_NAMES[s.mood], 'serious');
  assert.is(s.version, 2);

  // The desk phone repeats itself: nothing shown moves, nothing is raised.
  w.notify('desk', pidf('desk', { note: 'At my desk' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(w.take(), []);
  assert.is(s.version, 2);
  // The desk phone goes away-from-desk (closed): the soft phone is still open and on the phone.
  w.notify('desk', pidf('desk', { basic: 'closed' }));
  assert.equal(w.take(), [], 'still on the phone: no change shown');
  assert.is(s.display, PresenceDisplay.OnThePhone);
  // The call ends on the soft phone: the soft phone is open, so Available (the desk phone is closed).
  w.notify('soft', pidf('soft', {}));
  assert.equal(kinds(w.take()), ['presence']);
  assert.is(s.display, PresenceDisplay.Available);
  assert.is(s.noteText(), '', 'no device has a note any more');
  // Both closed: Offline only now.
  w.notify('soft', pidf('soft', { basic: 'closed' }));
  assert.equal(kinds(w.take()), ['presence']);
  assert.is(s.display, PresenceDisplay.Offline);
});

test('the order of arrival does not matter: busy from the first dialog beats an open fork, and a fork\'s away loses to it', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe();
  w.notify('soft', pidf('soft', { activity: 'away', note: 'Out' }));
  w.notify('desk', pidf('desk', { activity: 'busy', note: 'Do not disturb' }));
  w.answers();
  w.take();
  assert.is(w.shown().display, PresenceDisplay.Busy, 'ACTIVITY_PRECEDENCE over the union: busy before away');
  assert.equal(activityNames(w.shown().activities).sort(), ['away', 'busy']);
  assert.is(w.shown().noteText(), 'Do not disturb');
});

test('a fork ends with a terminated NOTIFY: back to the other device\'s state, one `presence` event; the body still goes out', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe();
  w.notify('desk', pidf('desk', { note: 'At my desk' }));
  w.notify('soft', pidf('soft', { activity: 'on-the-phone', note: 'On a call' }));
  w.answers();
  w.take();
  assert.is(w.shown().display, PresenceDisplay.OnThePhone);
  w.notify('soft', pidf('soft', { basic: 'closed' }), { state: 'terminated;reason=noresource' });
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  const events = w.take();
  assert.equal(kinds(events), ['presence', 'notify'], 'the change, then the final body as before (a final NOTIFY is no state)');
  assert.is((events[1] as NotifyEvent).fork, 1);
  assert.is((events[1] as NotifyEvent).state, 'terminated');
  assert.is(w.shown().display, PresenceDisplay.Available, 'desk phone\'s state alone');
  assert.is(w.shown().noteText(), 'At my desk');
  assert.equal(activityNames(w.shown().activities), []);
  // The subscription itself goes on. Should the device speak again it is a new notifier (a new
  // dialog, §4.1.2.4, fork 2), starting from nothing rather than from its old document.
  w.notify('soft', pidf('soft', { note: 'Back' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), [], 'open + open, the desk phone\'s note first: nothing shown moved');
  assert.is(w.shown().noteText(), 'At my desk');
});

test('a refresh into a fork refused with 481 (RFC 6665 §4.1.2.2) ends it: its contribution goes', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe(60);
  w.notify('desk', pidf('desk', {}), { state: 'active;expires=60' });
  w.notify('soft', pidf('soft', { activity: 'meeting', note: 'Planning' }), { state: 'active;expires=60' });
  w.answers();
  w.take();
  assert.is(w.shown().display, PresenceDisplay.InMeeting);
  // Run the clock to the refresh; it goes into both dialogs.
  const refresh = runToRefresh(w, 1000 + 60_000);
  assert.ok(refresh.has('soft'), 'a refresh into the soft phone\'s dialog');
  w.take();
  answer(w, refresh.get('soft')!, '481 Subscription Does Not Exist');
  const events = w.take();
  assert.equal(kinds(events), ['presence']);
  assert.is(w.shown().display, PresenceDisplay.Available, 'the meeting was the soft phone\'s; the desk phone is open');
  assert.is(w.shown().noteText(), '');
});

/** Retransmissions of a SUBSCRIBE (same CSeq) are not new refreshes. */
const seenRefreshes = new WeakMap<Watcher, Set<string>>();

/** Runs the clock to the next new refresh SUBSCRIBEs; returns them by the dialog tag they go into. */
function runToRefresh(w: Watcher, limitMs: number): Map<string, string> {
  let seen = seenRefreshes.get(w);
  if (seen === undefined) seenRefreshes.set(w, (seen = new Set()));
  const byTag = new Map<string, string>();
  for (let guard = 0; guard < 200 && byTag.size === 0; guard++) {
    w.now = Math.max(w.now, w.ua.pollTimeout());
    assert.ok(w.now <= limitMs, `a refresh before ${limitMs} ms`);
    w.ua.handleTimeout(w.now);
    w.drain();
    for (const m of w.sent.splice(0)) {
      if (!m.startsWith('SUBSCRIBE ')) continue;
      const tag = /\r\nTo: [^\r\n]*;tag=([^;\r\n]+)\r\n/.exec(m)![1]!;
      const key = `${tag} ${/\r\nCSeq: (\d+)/.exec(m)![1]!}`;
      if (seen.has(key)) continue;
      seen.add(key);
      byTag.set(tag, m);
    }
  }
  return byTag;
}

function answer(w: Watcher, request: string, status: string, extra = ''): void {
  const h = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(request)![1]!;
  w.feed(`SIP/2.0 ${status}\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${h('To')}\r\nCall-ID: ${h('Call-ID')}\r\n` +
    `CSeq: ${h('CSeq')}\r\n${extra}Content-Length: 0\r\n\r\n`);
}

test('a refresh into a fork failing with 500 keeps it (RFC 6665 §4.1.2.2: valid until its last expiry)', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe(60);
  w.notify('desk', pidf('desk', {}), { state: 'active;expires=60' });
  w.notify('soft', pidf('soft', { activity: 'meeting' }), { state: 'active;expires=60' });
  w.answers();
  w.take();
  const refresh = runToRefresh(w, 1000 + 60_000);
  assert.ok(refresh.has('soft') && refresh.has('desk'), 'the refresh goes into both dialogs');
  w.take();
  answer(w, refresh.get('soft')!, '500 Server Internal Error');
  assert.equal(kinds(w.take()), [], 'nothing changes: the fork still counts');
  assert.is(w.shown().display, PresenceDisplay.InMeeting);
});

test('a fork whose notifier stops answering is dropped once its last known expiry has passed (§4.1.2.2)', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe(60);
  w.notify('desk', pidf('desk', {}), { state: 'active;expires=60' });
  w.notify('soft', pidf('soft', { activity: 'meeting' }), { state: 'active;expires=60' });
  w.answers();
  w.take();
  const softValidUntil = w.now + 60_000;
  // Refreshes go on: the desk phone answers each, the soft phone never does (its transactions time out).
  let refreshes = 0;
  let dropped = false;
  while (!dropped) {
    const r = runToRefresh(w, softValidUntil + 120_000);
    refreshes++;
    assert.ok(r.has('desk'));
    if (w.now < softValidUntil) {
      assert.ok(r.has('soft'), `refresh ${refreshes} at ${w.now} ms: before its expiry the silent fork is still refreshed`);
      assert.is(w.shown().display, PresenceDisplay.InMeeting, 'and still counts');
    } else {
      assert.not.ok(r.has('soft'), 'no refresh into a lapsed fork');
      dropped = true;
    }
    const events = w.take();
    if (dropped) assert.ok(kinds(events).includes('presence'), 'the composed state changed');
    answer(w, r.get('desk')!, '200 OK', 'Expires: 60\r\n');
    w.take();
  }
  assert.ok(refreshes >= 2, 'the soft phone was refreshed at least once before it lapsed');
  assert.is(w.shown().display, PresenceDisplay.Available, 'the meeting was the lapsed soft phone\'s');
});

test('an unreadable PIDF from one fork corrupts nothing: neither the other device\'s state nor its own last one', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe();
  w.notify('desk', pidf('desk', { note: 'At my desk' }));
  w.notify('soft', pidf('soft', { activity: 'busy', note: 'Busy' }));
  w.answers();
  w.take();
  const version = w.shown().version;
  w.notify('soft', '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="soft"><status><basic>op');
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  const warned = w.take();
  assert.equal(kinds(warned), ['warning']);
  assert.match((warned[0] as Extract<UaEvent, { kind: 'warning' }>).message, /fork 1/);
  assert.is(w.shown().display, PresenceDisplay.Busy, 'the soft phone\'s last readable document still counts');
  assert.is(w.shown().version, version);
  // A third device whose very first PIDF is unreadable: it adds nothing.
  w.notify('tablet', '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple');
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['warning']);
  assert.is(w.shown().display, PresenceDisplay.Busy);
  assert.is(w.shown().noteText(), 'Busy');
  // The desk phone can still move the state: its document is read normally afterwards.
  w.notify('desk', pidf('desk', { activity: 'on-the-phone', note: 'Call' }));
  assert.equal(kinds(w.take()), ['presence']);
  assert.is(w.shown().display, PresenceDisplay.OnThePhone);
  assert.is(w.shown().noteText(), 'Call');
  // Then the broken device says something readable: it counts from now on.
  w.notify('tablet', pidf('tablet', { basic: 'closed' }));
  assert.equal(w.take(), [], 'a closed tablet changes nothing shown');
});

test(`bounded: ${1 + MAX_EXTRA_FORKS} dialogs each count, the next notifier is refused and adds nothing`, () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe();
  const devices = ['desk', 'd1', 'd2', 'd3', 'd4'];
  assert.is(devices.length, 2 + MAX_EXTRA_FORKS);
  // Every device closed except the last accepted one, which is open.
  devices.forEach((d, i) => w.notify(d, pidf(d, { basic: i === MAX_EXTRA_FORKS ? 'open' : 'closed' })));
  assert.equal(w.answers(), [...devices.slice(0, -1).map(() => 'SIP/2.0 200 OK'), 'SIP/2.0 481 Call/Transaction Does Not Exist']);
  const events = w.take();
  assert.ok(events.some((e) => e.kind === 'warning' && e.code === 'forks-full'));
  assert.is(events.filter((e) => e.kind === 'notify').length, 0, 'every accepted PIDF became state');
  assert.is(w.shown().display, PresenceDisplay.Available, 'the last fork\'s open tuple counts with the three closed ones');
  // The refused fifth notifier's on-the-phone never shows.
  w.notify('d4', pidf('d4', { activity: 'on-the-phone' }));
  assert.equal(w.answers(), ['SIP/2.0 481 Call/Transaction Does Not Exist']);
  assert.equal(kinds(w.take()), ['warning']);
  assert.is(w.shown().display, PresenceDisplay.Available);
  // The open device leaves: all that remains is closed.
  w.notify(devices[MAX_EXTRA_FORKS]!, '', { state: 'terminated;reason=noresource' });
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['presence', 'notify']);
  assert.is(w.shown().display, PresenceDisplay.Offline);
  // Its place is free again: a new notifier is accepted and counts.
  w.notify('d5', pidf('d5', { activity: 'on-the-phone' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['presence']);
  assert.is(w.shown().display, PresenceDisplay.OnThePhone);
});

test('fewer sources than dialogs (sourcesPerState 2): a PIDF with no room is handed over as a `notify` event, as before', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4, sourcesPerState: 2 }));
  w.subscribe();
  w.notify('desk', pidf('desk', {}));
  w.notify('soft', pidf('soft', { activity: 'busy' }));
  w.notify('tablet', pidf('tablet', { activity: 'on-the-phone' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  const events = w.take();
  assert.equal(kinds(events), ['subscription', 'presence', 'notify']);
  assert.is((events[2] as NotifyEvent).fork, 2);
  assert.match(dec((events[2] as NotifyEvent).body), /on-the-phone/);
  assert.is(w.shown().display, PresenceDisplay.Busy);
});

test('the subscription ends: every fork\'s contribution goes with it (Unknown, never a fork\'s last state)', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4 }));
  w.subscribe();
  w.notify('desk', pidf('desk', {}));
  w.notify('soft', pidf('soft', { activity: 'busy' }));
  w.take();
  w.notify('desk', '', { state: 'terminated;reason=noresource' });
  w.take();
  assert.is(w.shown().display, PresenceDisplay.Unknown);
});

test('without trackPresence a fork\'s PIDF NOTIFY is a `notify` event with its body and fork index, as before', () => {
  const w = new Watcher(null);
  const id = w.subscribe();
  w.notify('desk', pidf('desk', {}));
  w.notify('soft', pidf('soft', { activity: 'on-the-phone' }));
  assert.equal(w.answers(), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  const notes = w.take().filter((e): e is NotifyEvent => e.kind === 'notify');
  assert.equal(notes.map((n) => [n.subscriptionId, n.fork]), [[id, 0], [id, 1]]);
  assert.match(dec(notes[1]!.body), /rpid:on-the-phone/);
});

// ---- PresenceStates alone: the composition rule and the until of one source among several ----

const TYPE = enc('application/pidf+xml');

function applyTo(states: PresenceStates, id: number, fork: number, body: string, now: number): PresenceApply {
  const b = enc(body);
  return states.apply(id, TYPE, 0, TYPE.length, b, 0, b.length, now, fork);
}

test('one source\'s RPID until passes: only its activity falls away, the other source\'s stays', () => {
  const states = new PresenceStates({ maxStates: 2 });
  const wall = Date.UTC(2026, 10, 26, 12, 0, 0);
  const now = 1000;
  states.wallClockOffsetMs = wall - now;
  assert.is(applyTo(states, 7, 0, pidf('desk', { activity: 'away' }), now), PresenceApply.Changed);
  assert.is(applyTo(states, 7, 3, pidf('soft', { activity: 'meeting', until: '2026-11-26T12:30:00Z' }), now), PresenceApply.Changed);
  const s = states.get(7)!;
  assert.is(s.display, PresenceDisplay.InMeeting);
  assert.is(s.displayAfterUntil, PresenceDisplay.Away, 'after the meeting the desk phone\'s away remains');
  const until = now + 30 * 60_000;
  assert.is(states.nextDeadline(), until);
  assert.not.ok(states.expire(7, until - 1));
  assert.ok(states.expire(7, until));
  assert.is(s.display, PresenceDisplay.Away);
  assert.equal(activityNames(s.activities), ['away']);
  assert.is(states.nextDeadline(), Infinity);
});

test('forgetFork / forgetForks: an ended fork\'s contribution goes; the first dialog\'s stays; unknown forks change nothing', () => {
  const states = new PresenceStates({ maxStates: 2 });
  applyTo(states, 1, 0, pidf('desk', { basic: 'closed' }), 10);
  applyTo(states, 1, 1, pidf('soft', { activity: 'busy' }), 10);
  applyTo(states, 1, 2, pidf('tablet', {}), 10);
  const s = states.get(1)!;
  assert.is(s.display, PresenceDisplay.Busy);
  assert.not.ok(states.forgetFork(1, 9, 20), 'no such fork');
  assert.not.ok(states.forgetFork(2, 1, 20), 'no such subscription');
  assert.ok(states.forgetFork(1, 1, 20));
  assert.is(s.display, PresenceDisplay.Available, 'the tablet is open');
  assert.ok(states.forgetForks(1, 30));
  assert.is(s.display, PresenceDisplay.Offline, 'the first dialog\'s closed desk phone alone');
  assert.not.ok(states.forgetForks(1, 40), 'nothing left to forget');
  // A new fork 1 after the table was emptied starts from nothing, not from the old fork 1's state.
  assert.is(applyTo(states, 1, 1, pidf('soft', { basic: 'closed' }), 50), PresenceApply.Unchanged);
  assert.is(s.display, PresenceDisplay.Offline);
});

test('notes longer than noteBytes: truncated per source and flagged; the same long note again is no change', () => {
  const states = new PresenceStates({ maxStates: 1, noteBytes: 8 });
  applyTo(states, 3, 0, pidf('desk', { note: 'Hi' }), 10);
  assert.is(applyTo(states, 3, 2, pidf('soft', { activity: 'busy', note: 'In a very long meeting' }), 10), PresenceApply.Changed);
  const s = states.get(3)!;
  assert.is(s.noteText(), 'In a ver');
  assert.ok(s.note.truncated);
  assert.is(applyTo(states, 3, 2, pidf('soft', { activity: 'busy', note: 'In a very long meeting' }), 20), PresenceApply.Unchanged);
  assert.is(applyTo(states, 3, 2, pidf('soft', { activity: 'busy', note: 'In a ver' }), 30), PresenceApply.Changed, 'exactly the kept bytes, but not truncated: a change');
  assert.not.ok(s.note.truncated);
  assert.ok(states.forgetFork(3, 2, 40));
  assert.is(s.noteText(), 'Hi');
  assert.not.ok(s.note.truncated);
});

test.run();
