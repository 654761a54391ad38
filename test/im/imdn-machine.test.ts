import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImdnMachine, DEFAULT_IMDN_POLICY, type SendImdn, type ImdnEvent } from '../../core/im/imdn-machine.js';
import { DISPOSITION_POSITIVE_DELIVERY, DISPOSITION_NEGATIVE_DELIVERY, DISPOSITION_DISPLAY } from '../../core/im/imdn.js';

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const DT = '2006-04-04T12:16:49-05:00';
const ALL = DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_NEGATIVE_DELIVERY | DISPOSITION_DISPLAY;

function actions(m: ImdnMachine): SendImdn[] {
  const out: SendImdn[] = [];
  for (let a = m.pollAction(); a; a = m.pollAction()) out.push(a);
  return out;
}
function events(m: ImdnMachine): ImdnEvent[] {
  const out: ImdnEvent[] = [];
  for (let e = m.pollEvent(); e; e = m.pollEvent()) out.push(e);
  return out;
}

test('defaults: do not ask (CPIM wrapping is optional for peers), do answer delivery and display', () => {
  assert.equal([DEFAULT_IMDN_POLICY.request, DEFAULT_IMDN_POLICY.sendDelivery, DEFAULT_IMDN_POLICY.sendDisplay], [false, true, true]);
  const m = new ImdnMachine();
  assert.is(m.requestFor(BOB), 0);
  m.setPolicy({ request: true });
  assert.is(m.requestFor(BOB), DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY);
});

test('receiving: delivered at once, displayed only when the app marks it, never twice', () => {
  const m = new ImdnMachine();
  m.messageReceived(ALICE, '34jk324j', DT, ALL, 'im:bob@example.com');
  assert.equal(actions(m), [{ kind: 'send-imdn', peer: ALICE, messageId: '34jk324j', dateTime: DT, notification: 'delivery', status: 'delivered', recipientUri: 'im:bob@example.com' }]);
  assert.is(m.awaitingDisplay, 1);
  assert.ok(m.markDisplayed('34jk324j'));
  assert.equal(actions(m).map((a) => [a.notification, a.status, a.dateTime]), [['display', 'displayed', DT]]);
  assert.not.ok(m.markDisplayed('34jk324j'));
  assert.equal(actions(m), []);
});

test('receiving: only what was asked is answered (RFC 5438 §7.1.1 asks for delivery only)', () => {
  const m = new ImdnMachine();
  m.messageReceived(ALICE, 'a', DT, DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_NEGATIVE_DELIVERY, 'im:bob@example.com');
  assert.is(actions(m).length, 1);
  assert.not.ok(m.markDisplayed('a'), 'no display was requested');
  m.messageReceived(ALICE, 'b', DT, DISPOSITION_DISPLAY, '');
  assert.equal(actions(m), [], 'no delivery was requested');
  m.messageReceived(ALICE, 'c', '', ALL, '');
  m.messageReceived(ALICE, '', DT, ALL, '');
  assert.equal(actions(m), [], 'unanswerable without Message-ID and DateTime');
});

test('negative delivery when the IM could not be delivered, and it is no longer awaiting display', () => {
  const m = new ImdnMachine();
  m.messageFailed(ALICE, 'x', DT, DISPOSITION_POSITIVE_DELIVERY, '');
  assert.equal(actions(m), [], 'negative not requested');
  m.messageReceived(ALICE, 'y', DT, DISPOSITION_DISPLAY | DISPOSITION_NEGATIVE_DELIVERY, '');
  m.messageFailed(ALICE, 'y', DT, DISPOSITION_DISPLAY | DISPOSITION_NEGATIVE_DELIVERY, '');
  assert.equal(actions(m).map((a) => a.status), ['failed']);
  assert.is(m.awaitingDisplay, 0);
});

test('switchable: display off (privacy), delivery off', () => {
  const m = new ImdnMachine({ sendDisplay: false });
  m.messageReceived(ALICE, 'a', DT, ALL, '');
  assert.ok(m.markDisplayed('a') === false);
  assert.equal(actions(m).map((a) => a.notification), ['delivery']);
  m.setPolicy({ sendDelivery: false });
  m.messageReceived(ALICE, 'b', DT, ALL, '');
  m.messageFailed(ALICE, 'c', DT, ALL, '');
  assert.equal(actions(m), []);
});

test('sending: notifications map to our message ids; sender and datetime are checked, not trusted', () => {
  const m = new ImdnMachine({ request: true });
  m.trackOutgoing('34jk324j', BOB, DT, DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY, 0);
  m.trackOutgoing('other', BOB, DT, 0, 0);
  assert.is(m.trackedOutgoing, 1, 'nothing asked, nothing tracked');
  m.notificationReceived(BOB, '34jk324j', DT, 'delivery', 'delivered');
  // As in RFC 5438 §7.2.1.2: the printed <datetime> (2008) differs from the IM's DateTime.
  m.notificationReceived('sip:mallory@example.com', '34jk324j', '2008-04-04T12:16:49-05:00', 'display', 'displayed');
  m.notificationReceived(BOB, '34jk324j', DT, 'display', 'displayed');
  m.notificationReceived(BOB, 'nope', DT, 'delivery', 'delivered');
  assert.equal(events(m), [
    { kind: 'notified', messageId: '34jk324j', peer: BOB, notification: 'delivery', status: 'delivered', fromRecipient: true, dateTimeMatches: true },
    { kind: 'notified', messageId: '34jk324j', peer: BOB, notification: 'display', status: 'displayed', fromRecipient: false, dateTimeMatches: false },
    { kind: 'notified', messageId: '34jk324j', peer: BOB, notification: 'display', status: 'displayed', fromRecipient: true, dateTimeMatches: true },
    { kind: 'unknown-notification', messageId: 'nope', peer: BOB, status: 'delivered' },
  ]);
  assert.is(m.trackedOutgoing, 0, 'the recipient\'s display ends the tracking (the forged one did not)');
});

test('a 415/488 to a CPIM-wrapped IM: resend plain, stop asking that peer', () => {
  const m = new ImdnMachine({ request: true });
  m.trackOutgoing('m1', BOB, DT, DISPOSITION_POSITIVE_DELIVERY, 0);
  m.sendOutcome('m1', 200);
  assert.equal(events(m), []);
  m.trackOutgoing('m2', BOB, DT, DISPOSITION_POSITIVE_DELIVERY, 0);
  m.sendOutcome('m2', 415);
  assert.equal(events(m), [{ kind: 'request-refused', messageId: 'm2', peer: BOB, status: 415 }]);
  assert.is(m.requestFor(BOB), 0);
  assert.is.not(m.requestFor(ALICE), 0);
});

test('bounded: the oldest tracked message is forgotten first', () => {
  const m = new ImdnMachine({ request: true, maxTracked: 3 });
  for (let i = 0; i < 5; i++) m.trackOutgoing(`m${i}`, BOB, DT, DISPOSITION_POSITIVE_DELIVERY, i);
  assert.is(m.trackedOutgoing, 3);
  m.notificationReceived(BOB, 'm0', DT, 'delivery', 'delivered');
  m.notificationReceived(BOB, 'm4', DT, 'delivery', 'delivered');
  assert.equal(events(m).map((e) => e.kind), ['unknown-notification', 'notified']);
  for (let i = 0; i < 5; i++) m.messageReceived(ALICE, `i${i}`, DT, DISPOSITION_DISPLAY, '');
  assert.is(m.awaitingDisplay, 3);
  assert.not.ok(m.markDisplayed('i0'));
  assert.ok(m.markDisplayed('i4'));
});

test.run();
