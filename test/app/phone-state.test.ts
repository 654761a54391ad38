// core/app/PhoneState: UA events in → IndicatorInput out, without sockets (the end-to-end version
// with Kamailio, LED files and a serial panel is test/e2e-device/blf-mwi-lamps.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PhoneState } from '../../core/app/phone-state.js';
import type { UaEvent } from '../../core/ua/events.js';
import type { SubscriptionState } from '../../core/event/states.js';
import { PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import { PresenceApply, PresenceStates } from '../../core/presence/presence-states.js';

const te = new TextEncoder();
const BOB = 'sip:bob@127.0.0.1';
const ALICE = 'sip:alice@127.0.0.1';

function phone(): PhoneState {
  const p = new PhoneState({ identity: 'Alice', blfKeys: 4 });
  p.configureBlfKey(0, BOB, 'Bob');
  p.configureMwi(ALICE);
  return p;
}

const sub = (id: number, state: SubscriptionState, status = 200, reason = ''): UaEvent =>
  ({ kind: 'subscription', id, target: BOB, event: 'dialog', state, cause: 'accepted', status, reason, at: 0 });
const notify = (id: number | null, event: string, contentType: string, body: string): UaEvent =>
  ({ kind: 'notify', subscriptionId: id, event, contentType, body: te.encode(body), state: 'active', at: 0 });

function dialogInfo(version: number, state: string, full = true, direction = 'recipient'): string {
  return `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="${full ? 'full' : 'partial'}" entity="${BOB}">` +
    `<dialog id="d1" direction="${direction}"><state>${state}</state><remote><identity display="Carol">sip:carol@127.0.0.1</identity></remote></dialog></dialog-info>`;
}

test('registration edges map to the four indicator states; only real changes report changed', () => {
  const p = phone();
  const reg = (state: 'registering' | 'registered' | 'refreshing' | 'backing-off'): UaEvent =>
    ({ kind: 'registration', state, from: 'unregistered', cause: 'start', status: 0, at: 0, nextAttemptAt: 0 });
  assert.ok(p.onUaEvent(reg('registering'), 0).changed);
  assert.is(p.input.registration, 'registering');
  assert.ok(p.onUaEvent(reg('registered'), 1).changed);
  assert.not.ok(p.onUaEvent(reg('refreshing'), 2).changed, 'a refresh in flight is still registered');
  assert.ok(p.onUaEvent(reg('backing-off'), 3).changed);
  assert.is(p.input.registration, 'failed');
});

test('BLF key: unknown until notified, idle, ringing with the caller, talking; a failed subscription is unknown again', () => {
  const p = phone();
  p.watch(7, 'blf', 0);
  assert.is(p.input.blf[0]!.state, 'unknown');
  assert.is(p.input.blf[0]!.label, 'Bob');
  p.onUaEvent(sub(7, 'subscribing', 0), 0);
  p.onUaEvent(sub(7, 'active'), 1);
  const empty = `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="${BOB}"/>`;
  assert.ok(p.onUaEvent(notify(7, 'dialog', 'application/dialog-info+xml', empty), 2).changed);
  assert.is(p.input.blf[0]!.state, 'idle');
  p.onUaEvent(notify(7, 'dialog', 'application/dialog-info+xml', dialogInfo(1, 'early')), 3);
  assert.equal(p.input.blf[0], { state: 'ringing', label: 'Bob', caller: 'Carol' });
  p.onUaEvent(notify(7, 'dialog', 'application/dialog-info+xml', dialogInfo(2, 'confirmed')), 4);
  assert.equal(p.input.blf[0], { state: 'talking', label: 'Bob', caller: '' });
  // The same version again is stale: nothing changes.
  assert.not.ok(p.onUaEvent(notify(7, 'dialog', 'application/dialog-info+xml', dialogInfo(2, 'early')), 5).changed);
  assert.ok(p.onUaEvent(sub(7, 'failed', 403, 'rejected'), 6).changed);
  assert.is(p.input.blf[0]!.state, 'unknown', 'a dead subscription must not look idle');
  assert.is(p.input.blf[1]!.state, 'unknown', 'an unconfigured key stays unknown');
});

test('a partial dialog-info without its base asks for a fresh subscription', () => {
  const p = phone();
  p.watch(3, 'blf', 0);
  p.onUaEvent(sub(3, 'active'), 0);
  const effect = p.onUaEvent(notify(3, 'dialog', 'application/dialog-info+xml', dialogInfo(5, 'early', false)), 1);
  assert.is(effect.resubscribe, 3);
  assert.is(p.onUaEvent(notify(3, 'dialog', 'application/dialog-info+xml', dialogInfo(6, 'confirmed', false)), 2).resubscribe, -1);
});

test('MWI: solicited and unsolicited message-summary fill the counts; a wrong type changes nothing', () => {
  const p = phone();
  p.watch(9, 'mwi');
  p.onUaEvent(sub(9, 'active'), 0);
  const e = p.onUaEvent(notify(9, 'message-summary', 'application/simple-message-summary', 'Messages-Waiting: yes\r\nVoice-Message: 2/1 (1/0)\r\n'), 1);
  assert.ok(e.changed);
  assert.equal(p.input.messages, { waiting: true, newCount: 2, oldCount: 1, urgentNew: 1 });
  assert.not.ok(p.onUaEvent(notify(9, 'message-summary', 'text/plain', 'Messages-Waiting: no\r\n'), 2).changed);
  // RFC 3842 §3: unsolicited (no subscription id) from a server that pushes MWI.
  assert.ok(p.onUaEvent(notify(null, 'message-summary', 'application/simple-message-summary', 'Messages-Waiting: no\r\nVoice-Message: 0/3\r\n'), 3).changed);
  assert.equal(p.input.messages, { waiting: false, newCount: 0, oldCount: 3, urgentNew: 0 });
});

test('incoming MESSAGEs count as unread IM until read', () => {
  const p = phone();
  const msg: UaEvent = { kind: 'message', id: 1, from: BOB, to: ALICE, contentType: 'text/plain', body: te.encode('hi'), receivedAt: 0 };
  assert.ok(p.onUaEvent(msg, 0).changed);
  p.onUaEvent({ ...msg, id: 2 }, 1);
  assert.is(p.input.unreadIm, 2);
  assert.ok(p.markImRead());
  assert.is(p.input.unreadIm, 0);
  assert.not.ok(p.markImRead());
});

test('buddy presence from PIDF; a terminated subscription forgets it (unknown, not offline)', () => {
  const p = phone();
  const slot = p.addBuddy(BOB, 'Bob');
  p.watch(11, 'buddy', slot);
  p.onUaEvent(sub(11, 'active'), 0);
  p.onUaEvent(notify(11, 'presence', 'application/pidf+xml',
    `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${BOB}"><tuple id="t"><status><basic>open</basic></status><note>at my desk</note></tuple></presence>`), 1);
  const b = p.buddies.buddies[slot]!;
  assert.is(b.display, PresenceDisplay.Available);
  assert.is(b.note.text(), 'at my desk');
  p.onUaEvent(sub(11, 'terminated', 0, 'noresource'), 2);
  assert.is(b.display, PresenceDisplay.Unknown);
  assert.is(b.reason.text(), 'noresource');
});

test('buddy presence from the UA\'s presence table (ua.trackPresence): a `presence` event copies the state, no body', () => {
  const p = phone();
  const slot = p.addBuddy(BOB, 'Bob');
  p.watch(11, 'buddy', slot);
  const states = new PresenceStates({ maxStates: 4 });
  p.usePresenceStates(states);
  p.onUaEvent(sub(11, 'active'), 0);
  // What the UA does on a PIDF NOTIFY of subscription 11: apply() into its table, then the event.
  const type = te.encode('application/pidf+xml');
  const pidf = te.encode(`<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${BOB}"><tuple id="t"><status><basic>open</basic></status></tuple><dm:person id="p"><rpid:activities><rpid:on-the-phone/></rpid:activities><dm:note>on a call</dm:note></dm:person></presence>`);
  assert.is(states.apply(11, type, 0, type.length, pidf, 0, pidf.length, 1), PresenceApply.Changed);
  p.onUaEvent({ kind: 'presence', subscriptionId: 11, target: BOB }, 1);
  const b = p.buddies.buddies[slot]!;
  assert.is(b.display, PresenceDisplay.OnThePhone, 'the person\'s on-the-phone wins over the open tuple');
  assert.is(b.note.text(), 'on a call');
  // A presence event for a subscription that is not a buddy's changes no buddy.
  p.onUaEvent({ kind: 'presence', subscriptionId: 12, target: ALICE }, 2);
  assert.is(b.display, PresenceDisplay.OnThePhone);
  assert.is(b.updatedAt, 1);
});

test('events for subscriptions nobody watches are ignored', () => {
  const p = phone();
  assert.not.ok(p.onUaEvent(sub(99, 'failed', 404), 0).changed);
  assert.not.ok(p.onUaEvent(notify(99, 'dialog', 'application/dialog-info+xml', dialogInfo(0, 'early')), 0).changed);
  assert.not.ok(p.onUaEvent({ kind: 'warning', code: 'x', message: 'y', at: 0 }, 0).changed);
});

test.run();
