// The UA as a partial-presence watcher (RFC 5263), with a scripted presence server and virtual
// time: with partial PIDF on in the tracked PresenceStates, the SUBSCRIBE accepts
// application/pidf-diff+xml; a pidf-full NOTIFY then pidf-diff NOTIFYs keep the state; a version
// gap makes the UA refresh the subscription (in the dialog, without entity-tags) and the full
// state of the refresh's NOTIFY restores it. With partial PIDF off nothing changes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { UaEvent } from '../../core/ua/index.js';
import { PresenceStates, PresenceDisplay, activityNames } from '../../core/presence/index.js';
import { ScriptedWatcher, headerOf } from '../ua/scripted-watcher.js';
import { partialPidfModule } from '../../core/presence/partial/partial-pidf.js';

const NS = 'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';
const PERSON = (activity: string) => `<dm:person id="p"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>`;
const full = (version: number, basic: string, activity?: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<p:pidf-full ${NS} entity="sip:alice@10.0.0.100" version="${version}">` +
  `<tuple id="desk"><status><basic>${basic}</basic></status></tuple>${activity !== undefined ? PERSON(activity) : ''}</p:pidf-full>`;
const diff = (version: number, ops: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<p:pidf-diff ${NS} entity="sip:alice@10.0.0.100" version="${version}">${ops}</p:pidf-diff>`;
const ADD_BUSY = `<p:add sel="presence">${PERSON('busy')}</p:add>`;
const ON_THE_PHONE = '<p:replace sel="*/dm:person/rpid:activities"><rpid:activities><rpid:on-the-phone/></rpid:activities></p:replace>';
const DIFF_TYPE = 'application/pidf-diff+xml';

/** Bob's phone subscribed to alice's presence through a proxy; the test plays alice's presence server. */
class Watcher extends ScriptedWatcher {
  declare readonly states: PresenceStates;

  constructor(states: PresenceStates) {
    super(states, 7);
  }

  subscribe(): string {
    return this.subscribeAccepted();
  }

  notify(body: string, type = DIFF_TYPE): void {
    this.notifyFrom('srv', body, { type });
  }

  shown() {
    const s = this.states.get(this.id)!;
    return { display: s.display, activities: activityNames(s.activities), version: s.version };
  }
}

const kinds = (events: UaEvent[]) => events.map((e) => e.kind);
/** First lines of what was sent, sorted (the UA may send the refresh before the NOTIFY's 200). */
const statusLines = (out: string[]) => out.map((s) => s.slice(0, s.indexOf('\r\n'))).sort();
const subscribeIn = (out: string[]) => out.find((s) => s.startsWith('SUBSCRIBE '))!;
const header = headerOf;

test('Accept: application/pidf-diff+xml only when the tracked state takes partial PIDF (RFC 5263)', () => {
  const on = new Watcher(new PresenceStates({ maxStates: 4, partialDocumentBytes: 2048, partialPidf: partialPidfModule }));
  assert.is(header(on.subscribe(), 'Accept'), 'application/pidf-diff+xml, application/pidf+xml, application/rlmi+xml, multipart/related');
  const off = new Watcher(new PresenceStates({ maxStates: 4 }));
  assert.is(header(off.subscribe(), 'Accept'), 'application/pidf+xml, application/rlmi+xml, multipart/related', 'unchanged without partial PIDF');
  // Without partial PIDF a pidf-diff body is the application's, as any body of a type not tracked.
  off.notify(full(1, 'open'));
  assert.equal(statusLines(off.output()), ['SIP/2.0 200 OK']);
  const events = off.take();
  assert.equal(kinds(events), ['subscription', 'notify']);
  assert.is((events[1] as Extract<UaEvent, { kind: 'notify' }>).contentType, DIFF_TYPE);
});

test('pidf-full then pidf-diffs keep the state; a version gap refreshes the subscription; its full state restores', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4, partialDocumentBytes: 2048, partialPidf: partialPidfModule }));
  w.subscribe();
  w.notify(full(1, 'open'));
  assert.equal(statusLines(w.output()), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['subscription', 'presence'], 'state, not a `notify` body copy');
  assert.equal(w.shown(), { display: PresenceDisplay.Available, activities: [], version: 1 });

  w.now += 1000;
  w.notify(diff(2, ADD_BUSY));
  assert.equal(statusLines(w.output()), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['presence']);
  assert.equal(w.shown(), { display: PresenceDisplay.Busy, activities: ['busy'], version: 2 });

  w.now += 1000;
  w.notify(diff(3, ON_THE_PHONE));
  w.output();
  assert.equal(kinds(w.take()), ['presence']);
  assert.equal(w.shown(), { display: PresenceDisplay.OnThePhone, activities: ['on-the-phone'], version: 3 });

  // Version 4 is lost: 5 cannot be applied. The NOTIFY is answered 200 (it is a valid NOTIFY), the
  // state stays, and a refresh goes out at once.
  w.now += 1000;
  w.notify(diff(5, '<p:remove sel="*/dm:person"/>'));
  const out = w.output();
  assert.equal(statusLines(out), ['SIP/2.0 200 OK', 'SUBSCRIBE sip:ps@10.0.0.100:5060 SIP/2.0']);
  const refresh = subscribeIn(out);
  assert.is(header(refresh, 'Call-ID'), w.callId, 'in the dialog');
  assert.match(header(refresh, 'To')!, /;tag=srv$/);
  assert.is(header(refresh, 'CSeq'), '2 SUBSCRIBE');
  assert.is(header(refresh, 'Accept'), 'application/pidf-diff+xml, application/pidf+xml, application/rlmi+xml, multipart/related');
  assert.is(header(refresh, 'Suppress-If-Match'), undefined, 'no entity-tag: the refresh must bring full state (RFC 5839 §5)');
  const events = w.take();
  assert.ok(events.some((e) => e.kind === 'warning' && e.code === 'presence-partial-gap'), 'the gap is reported, never silent');
  assert.not.ok(events.some((e) => e.kind === 'presence'));
  assert.equal(w.shown(), { display: PresenceDisplay.OnThePhone, activities: ['on-the-phone'], version: 3 }, 'unchanged');

  // Another diff before the refresh is answered: still no base, no second SUBSCRIBE (one is in flight).
  w.notify(diff(6, '<p:remove sel="*/tuple"/>'));
  assert.equal(statusLines(w.output()), ['SIP/2.0 200 OK']);
  w.take();

  // The server answers the refresh and sends full state (RFC 5263): the state is right again.
  w.now += 100;
  w.accept(refresh);
  w.notify(full(40, 'closed'));
  assert.equal(statusLines(w.output()), ['SIP/2.0 200 OK']);
  assert.ok(kinds(w.take()).includes('presence'));
  assert.equal(w.shown(), { display: PresenceDisplay.Offline, activities: [], version: 4 });
  // And diffs apply on top of it again.
  w.notify(diff(41, `<p:replace sel="presence/tuple[@id='desk']/status/basic/text()">open</p:replace>`));
  assert.equal(statusLines(w.output()), ['SIP/2.0 200 OK']);
  assert.equal(kinds(w.take()), ['presence']);
  assert.equal(w.shown(), { display: PresenceDisplay.Available, activities: [], version: 5 });
});

test('a diff that cannot be applied and a diff before any full state both ask for full state; bad bodies never throw', () => {
  const w = new Watcher(new PresenceStates({ maxStates: 4, partialDocumentBytes: 2048, partialPidf: partialPidfModule }));
  w.subscribe();
  w.notify(diff(1, ADD_BUSY));
  let out = w.output();
  assert.equal(statusLines(out), ['SIP/2.0 200 OK', 'SUBSCRIBE sip:ps@10.0.0.100:5060 SIP/2.0'], 'a diff first: no base to apply it to');
  w.accept(subscribeIn(out));
  w.take();
  w.notify(full(1, 'open'));
  w.output();
  w.take();
  w.notify(diff(2, '<p:replace sel="presence/tuple[@id=\'nobody\']/status/basic/text()">closed</p:replace>'));
  out = w.output();
  assert.equal(statusLines(out), ['SIP/2.0 200 OK', 'SUBSCRIBE sip:ps@10.0.0.100:5060 SIP/2.0'], 'the patch does not apply: refresh');
  w.accept(subscribeIn(out));
  assert.equal(w.shown().display, PresenceDisplay.Available);
  for (const junk of ['<p:pidf-diff', '<<<>>>', diff(9, '<p:add/>'), '\u0000\u0001', diff(3, '<p:add sel="//x"><y/></p:add>')]) {
    w.notify(junk);
    assert.equal(statusLines(w.output()).slice(0, 1), ['SIP/2.0 200 OK'], junk);
  }
  assert.equal(w.shown().display, PresenceDisplay.Available, 'junk changes nothing');
});

test.run();
