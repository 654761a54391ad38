// The message-waiting lamp from the RFC 3842 §4.1 flow (A3, A5, A9, A13), subscribed and
// unsolicited, with the response codes the phone sends back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MwiLamps, MwiLamp } from '../../core/packages/mwi.js';
import { MessagesWaiting, MwiError } from '../../core/packages/message-summary.js';
import { bodyFile, enc, sipBody } from './helpers.js';

function notify(lamps: MwiLamps, index: number, solicited: boolean, file: string, now = 1000) {
  const { contentType, body } = sipBody(`rfc3842/${file}`);
  return { ...lamps.onNotify(index, solicited, contentType, 0, contentType.length, body, 0, body.length, now) };
}

test('RFC 3842 A3 → A5 → A9 → A13 on the subscription: counts, urgent, the final NOTIFY', () => {
  const lamps = new MwiLamps();
  lamps.configure(0, 'sip:alice@example.com', true);
  lamps.onSubscription(0, 'subscribing', 0);
  lamps.onSubscription(0, 'active', 0);
  const a = lamps.accounts[0]!;
  assert.is(a.lamp, MwiLamp.Unknown, 'no state before the first NOTIFY');
  assert.equal(notify(lamps, 0, true, 'A3-NOTIFY.sip'), { status: 200, applied: true });
  assert.is(a.lamp, MwiLamp.On, 'A3: 2 new, 8 old, no urgent new');
  assert.equal([a.newMessages, a.oldMessages, a.urgentNew, a.urgentOld], [2, 8, 0, 2]);
  assert.is(a.messageAccount.text(), 'sip:alice@vmail.example.com');
  assert.equal(notify(lamps, 0, true, 'A5-NOTIFY.sip'), { status: 200, applied: true });
  assert.is(a.lamp, MwiLamp.Urgent, 'A5: 4/8 (1/2): one urgent new message');
  assert.equal([a.newMessages, a.oldMessages, a.urgentNew, a.urgentOld], [4, 8, 1, 2]);
  assert.equal(notify(lamps, 0, true, 'A9-NOTIFY.sip'), { status: 200, applied: true });
  assert.is(a.lamp, MwiLamp.Urgent);
  // A13 carries Subscription-State: terminated;reason=timeout with state: state still applies,
  // then the subscription machine reports the end: with no unsolicited pushes seen, Unknown.
  assert.equal(notify(lamps, 0, true, 'A13-NOTIFY-terminated.sip'), { status: 200, applied: true });
  lamps.onSubscription(0, 'subscribing', 2000);
  assert.is(a.lamp, MwiLamp.Urgent, 'resubscribing after timeout keeps the lamp');
  lamps.onSubscription(0, 'failed', 3000);
  assert.is(a.lamp, MwiLamp.Unknown, 'a failed subscription: unknown, not "no messages"');
  assert.not.ok(lamps.isDriven(0));
});

test('RFC 3842 §3.5 status-only body; "no" turns the lamp off', () => {
  const lamps = new MwiLamps();
  lamps.configure(1, 'sip:bob@example.com', true);
  const type = enc('application/simple-message-summary');
  const only = bodyFile('rfc3842/body-3.5-message-summary-status-only.txt');
  assert.equal({ ...lamps.onNotify(1, true, type, 0, type.length, only, 0, only.length, 5) }, { status: 200, applied: true });
  const b = lamps.accounts[1]!;
  assert.is(b.lamp, MwiLamp.On);
  assert.is(b.newMessages, -1, 'no summary line: counts unknown');
  const no = enc('Messages-Waiting: no\r\nVoice-Message: 0/3\r\n');
  lamps.onNotify(1, true, type, 0, type.length, no, 0, no.length, 6);
  assert.is(b.lamp, MwiLamp.Off);
  assert.is(b.waiting, MessagesWaiting.No);
  assert.equal([b.newMessages, b.oldMessages], [0, 3]);
});

test('unsolicited NOTIFYs: accepted with 200 when configured, 481 otherwise — never 405/489', () => {
  const lamps = new MwiLamps();
  lamps.configure(0, 'sip:alice@example.com', true);
  lamps.configure(1, 'sip:carol@example.com', false);
  assert.equal(notify(lamps, 0, false, 'A3-NOTIFY.sip'), { status: 200, applied: true });
  assert.is(lamps.accounts[0]!.lamp, MwiLamp.On);
  assert.ok(lamps.isDriven(0), 'a server that pushes MWI drives the lamp without a subscription');
  // The server pushes, so a failing subscription does not blank the lamp.
  lamps.onSubscription(0, 'failed', 10);
  assert.is(lamps.accounts[0]!.lamp, MwiLamp.On);
  assert.equal(notify(lamps, 1, false, 'A3-NOTIFY.sip'), { status: 481, applied: false });
  assert.is(lamps.accounts[1]!.lamp, MwiLamp.Unknown);
  assert.equal(notify(lamps, -1, false, 'A3-NOTIFY.sip'), { status: 481, applied: false }, 'no account matched');
  assert.equal(notify(lamps, 3, true, 'A3-NOTIFY.sip'), { status: 481, applied: false }, 'unconfigured slot');
});

test('bad or empty bodies: answered 200, the lamp keeps its state, the error is recorded', () => {
  const lamps = new MwiLamps();
  lamps.configure(0, 'sip:alice@example.com', true);
  notify(lamps, 0, true, 'A3-NOTIFY.sip');
  const a = lamps.accounts[0]!;
  const type = enc('application/simple-message-summary');
  const empty = new Uint8Array(0);
  assert.equal({ ...lamps.onNotify(0, true, type, 0, type.length, empty, 0, 0, 1) }, { status: 200, applied: false });
  const bad = enc('Messages-Waiting: perhaps\r\n');
  assert.equal({ ...lamps.onNotify(0, true, type, 0, type.length, bad, 0, bad.length, 2) }, { status: 200, applied: false });
  assert.is(a.lastError, MwiError.BadStatus);
  const counts = enc('Messages-Waiting: yes\r\nVoice-Message: 2/x\r\n');
  lamps.onNotify(0, true, type, 0, type.length, counts, 0, counts.length, 3);
  assert.is(a.lastError, MwiError.BadCount);
  const html = enc('text/html');
  const body = enc('Messages-Waiting: no\r\n');
  assert.equal({ ...lamps.onNotify(0, true, html, 0, html.length, body, 0, body.length, 4) }, { status: 200, applied: false });
  assert.ok(a.wrongType);
  assert.is(a.lamp, MwiLamp.On, 'unchanged through all of it');
  // Fax and voice counts add up.
  const both = enc('Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nFax-Message: 3/4 (1/0)\r\n');
  lamps.onNotify(0, true, type, 0, type.length, both, 0, both.length, 5);
  assert.equal([a.newMessages, a.oldMessages, a.urgentNew, a.urgentOld, a.lamp], [4, 6, 1, 0, MwiLamp.Urgent]);
});

test.run();
