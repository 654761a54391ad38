// The isComposing machine driven in virtual time: the test owns the clock and calls
// handleTimeout exactly at the deadlines the machine asks for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IsComposingMachine, LOCAL_TRANSITIONS, REMOTE_TRANSITIONS, type SendIsComposing, type IsComposingEvent } from '../../core/im/iscomposing-machine.js';
import { NO_DEADLINE } from '../../core/timers/deadline-heap.js';

const S = 1000;
const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';

function drain(m: IsComposingMachine): { actions: SendIsComposing[]; events: IsComposingEvent[] } {
  const actions: SendIsComposing[] = [];
  const events: IsComposingEvent[] = [];
  for (let a = m.pollAction(); a; a = m.pollAction()) actions.push(a);
  for (let e = m.pollEvent(); e; e = m.pollEvent()) events.push(e);
  return { actions, events };
}

/** Advances virtual time to `until`, firing every deadline on the way; returns what came out. */
function runUntil(m: IsComposingMachine, until: number): { at: number; action?: SendIsComposing; event?: IsComposingEvent }[] {
  const log: { at: number; action?: SendIsComposing; event?: IsComposingEvent }[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const d = m.nextDeadline();
    if (d === NO_DEADLINE || d > until) return log;
    m.handleTimeout(d);
    const out = drain(m);
    for (const action of out.actions) log.push({ at: d, action });
    for (const event of out.events) log.push({ at: d, event });
  }
  throw new Error('runaway timers');
}

test('opt-in: disabled by default, typing sends nothing; receiving still works', () => {
  const m = new IsComposingMachine();
  assert.is(m.isEnabled, false);
  m.localTyping(BOB, 0);
  assert.equal(drain(m).actions, []);
  assert.is(m.nextDeadline(), NO_DEADLINE);
  m.remoteDocument(BOB, 'active', 60, 'text/plain', 0);
  assert.equal(drain(m).events, [{ kind: 'remote-composing', peer: BOB, contentType: 'text/plain' }]);
});

test('typing → one "active"; more typing inside the refresh interval sends nothing; idle after 15 s', () => {
  const m = new IsComposingMachine({ enabled: true });
  m.localTyping(BOB, 1000);
  assert.equal(drain(m).actions, [{ kind: 'send', peer: BOB, state: 'active', refresh: 120, lastActive: 1000 }]);
  for (let t = 2 * S; t <= 10 * S; t += S) m.localTyping(BOB, t);
  assert.equal(drain(m).actions, [], 'at most one active per refresh interval');
  assert.is(m.nextDeadline(), 25 * S, 'idle timer = last keystroke + 15 s');
  const log = runUntil(m, 200 * S);
  assert.equal(log, [{ at: 25 * S, action: { kind: 'send', peer: BOB, state: 'idle', refresh: 0, lastActive: 10 * S } }]);
  assert.is(m.nextDeadline(), NO_DEADLINE, 'the refresh timer was cancelled with idle');
});

test('continuous typing for 5 minutes: "active" refreshed exactly every 120 s, then idle', () => {
  const m = new IsComposingMachine({ enabled: true });
  const sent: number[] = [];
  for (let t = 0; t <= 300 * S; t += 5 * S) {
    for (const e of runUntil(m, t)) if (e.action) sent.push(e.at);
    m.localTyping(BOB, t);
    for (const a of drain(m).actions) { assert.is(a.state, 'active'); sent.push(t); }
  }
  assert.equal(sent, [0, 120 * S, 240 * S]);
  const tail = runUntil(m, 1000 * S);
  assert.equal(tail.map((e) => [e.at, e.action?.state]), [[315 * S, 'idle']]);
});

test('sending the message ends "active" without an idle document (RFC 3994 §3.2)', () => {
  const m = new IsComposingMachine({ enabled: true });
  m.localTyping(BOB, 0);
  drain(m);
  m.localMessageSent(BOB, 3 * S);
  assert.equal(drain(m).actions, []);
  assert.is(m.nextDeadline(), NO_DEADLINE);
  m.localTyping(BOB, 4 * S);
  assert.equal(drain(m).actions.map((a) => a.state), ['active'], 'a new draft starts a new active');
});

test('415 or 488 to an isComposing MESSAGE disables the peer (and only that peer)', () => {
  for (const status of [415, 488]) {
    const m = new IsComposingMachine({ enabled: true });
    m.localTyping(BOB, 0);
    m.localTyping(CAROL, 0);
    drain(m);
    m.sendOutcome(BOB, 200, 1 * S);
    assert.equal(drain(m).events, [], '2xx changes nothing');
    m.sendOutcome(BOB, status, 1 * S);
    assert.equal(drain(m).events, [{ kind: 'peer-disabled', peer: BOB, status }]);
    assert.ok(m.isDisabledFor(BOB));
    assert.not.ok(m.isDisabledFor(CAROL));
    const log = runUntil(m, 1000 * S);
    assert.equal(log.map((e) => [e.at, e.action?.peer, e.action?.state]), [[15 * S, CAROL, 'idle']], 'no idle to the refusing peer');
    m.localTyping(BOB, 2000 * S);
    m.localTyping(CAROL, 2000 * S);
    assert.equal(drain(m).actions.map((a) => a.peer), [CAROL]);
  }
});

test('a 415 after the slot was recycled is still remembered', () => {
  const m = new IsComposingMachine({ enabled: true, maxPeers: 2 });
  m.sendOutcome('sip:x@h', 415, 0);
  drain(m);
  assert.ok(m.isDisabledFor('sip:x@h'));
});

test('turning the account off stops at once, without an idle document', () => {
  const m = new IsComposingMachine({ enabled: true });
  m.localTyping(BOB, 0);
  drain(m);
  m.setEnabled(false, 1 * S);
  assert.is(m.nextDeadline(), NO_DEADLINE);
  assert.equal(runUntil(m, 1000 * S), []);
  m.localTyping(BOB, 2 * S);
  assert.equal(drain(m).actions, []);
});

test('remote "active" is shown until its refresh expires; a re-sent active extends it', () => {
  const m = new IsComposingMachine();
  m.remoteDocument(BOB, 'active', 90, 'text/plain', 0);
  assert.equal(drain(m).events.map((e) => e.kind), ['remote-composing']);
  assert.ok(m.isRemoteComposing(BOB));
  m.remoteDocument(BOB, 'active', 90, 'text/plain', 60 * S);
  assert.equal(drain(m).events, [], 'a refresh is not a new event');
  assert.is(m.nextDeadline(), 150 * S);
  assert.equal(runUntil(m, 1000 * S), [{ at: 150 * S, event: { kind: 'remote-idle', peer: BOB, reason: 'refresh-expired' } }]);
  assert.not.ok(m.isRemoteComposing(BOB));
});

test('remote active without refresh lasts 120 s; an absurd refresh is capped', () => {
  const m = new IsComposingMachine();
  m.remoteDocument(BOB, 'active', -1, '', 0);
  assert.is(m.nextDeadline(), 120 * S);
  m.remoteDocument(CAROL, 'active', 2_000_000_000, '', 0);
  drain(m);
  const log = runUntil(m, 10_000 * S);
  assert.equal(log.map((e) => [e.at, e.event?.peer]), [[120 * S, BOB], [600 * S, CAROL]]);
});

test('remote idle, or the message itself, ends remote active at once', () => {
  const m = new IsComposingMachine();
  m.remoteDocument(BOB, 'active', 60, '', 0);
  m.remoteDocument(CAROL, 'active', 60, '', 0);
  drain(m);
  m.remoteDocument(BOB, 'idle', -1, '', 5 * S);
  m.remoteMessageReceived(CAROL, 6 * S);
  assert.equal(drain(m).events, [
    { kind: 'remote-idle', peer: BOB, reason: 'idle-received' },
    { kind: 'remote-idle', peer: CAROL, reason: 'message-received' },
  ]);
  assert.is(m.nextDeadline(), NO_DEADLINE);
  m.remoteMessageReceived(BOB, 7 * S);
  m.remoteDocument(BOB, 'idle', -1, '', 8 * S);
  assert.equal(drain(m).events, [], 'idle while idle says nothing');
});

test('bounded: with every slot busy, new peers are dropped (counted), quiet slots are recycled', () => {
  const m = new IsComposingMachine({ enabled: true, maxPeers: 2 });
  m.localTyping('sip:a@h', 0);
  m.remoteDocument('sip:b@h', 'active', 60, '', 0);
  m.localTyping('sip:c@h', 0);
  m.remoteDocument('sip:d@h', 'active', 60, '', 0);
  assert.is(m.dropped, 2);
  m.remoteDocument('sip:e@h', 'idle', -1, '', 0);
  assert.is(m.dropped, 2, 'idle from an unknown peer needs no slot');
  assert.equal(drain(m).actions.map((a) => a.peer), ['sip:a@h']);
  runUntil(m, 100 * S); // a goes idle at 15 s, b expires at 60 s
  m.localTyping('sip:c@h', 100 * S);
  assert.equal(drain(m).actions.map((a) => a.peer), ['sip:c@h']);
});

test('the transition tables are total: every state has a row for every input', () => {
  for (const row of LOCAL_TRANSITIONS) assert.is(row.length, 6);
  for (const row of REMOTE_TRANSITIONS) assert.is(row.length, 4);
  // The refused state is absorbing.
  for (const [next, effects] of LOCAL_TRANSITIONS[2]!) { assert.is(next, 2); assert.is(effects, 0); }
});

test.run();
