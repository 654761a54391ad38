import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SubscriptionMachine, DEFAULT_SUBSCRIPTION_CONFIG, SUBSCRIPTION_EDGES, type SubscriptionEvent, type NotifyState, type SubscribeOutcome } from '../../core/event/index.js';

const machine = (random = 0, expires = 600) => new SubscriptionMachine({ ...DEFAULT_SUBSCRIPTION_CONFIG, expires, random: () => random });
const ok = (expires: number): SubscribeOutcome => ({ status: 200, expires, minExpires: -1, retryAfter: -1 });
const failure = (status: number, extra: Partial<SubscribeOutcome> = {}): SubscribeOutcome => ({ status, expires: -1, minExpires: -1, retryAfter: -1, ...extra });
const active = (expires = 600): NotifyState => ({ state: 'active', expires, reason: '', retryAfter: -1 });
const terminated = (reason: string, retryAfter = -1): NotifyState => ({ state: 'terminated', expires: -1, reason, retryAfter });

function drain(m: SubscriptionMachine) {
  const actions: string[] = [];
  const states: string[] = [];
  for (let a = m.pollAction(); a; a = m.pollAction()) actions.push(`${a.fresh ? 'new' : 'in-dialog'}:${a.expires}`);
  for (let e: SubscriptionEvent | undefined = m.pollEvent(); e; e = m.pollEvent()) states.push(`${e.to}:${e.cause}${e.reason ? `(${e.reason})` : ''}`);
  return { actions, states };
}

test('subscribe → 2xx → NOTIFY active → refresh → unsubscribe with the final NOTIFY', () => {
  const m = machine(0, 600);
  m.start(0);
  assert.equal(drain(m), { actions: ['new:600'], states: ['subscribing:start'] });
  m.onSubscribeResponse(10, ok(600));
  assert.equal(drain(m).states, ['notify-wait:accepted']);
  assert.is(m.nextDeadline(), 10 + 32_000, 'Timer N runs until the first NOTIFY');
  assert.is(m.onNotify(20, active(599)), 200);
  assert.equal(drain(m).states, ['active:notify-active']);
  assert.is(m.nextDeadline(), 20 + 599_000 - 59_900);
  m.handleTimeout(m.nextDeadline());
  assert.equal(drain(m), { actions: ['in-dialog:600'], states: ['refreshing:refresh-due'] });
  m.onSubscribeResponse(600_000, ok(600));
  assert.equal(drain(m).states, ['active:accepted']);
  m.stop(700_000);
  assert.equal(drain(m), { actions: ['in-dialog:0'], states: ['unsubscribing:stop'] });
  m.onSubscribeResponse(700_010, ok(0));
  assert.is(m.onNotify(700_020, terminated('timeout')), 200);
  assert.equal(drain(m).states, ['terminated:stop(timeout)']);
  assert.is(m.nextDeadline(), Infinity);
});

test('§4.1.2.4: a NOTIFY may arrive before the 2xx (Kamailio does this)', () => {
  const m = machine();
  m.start(0);
  drain(m);
  assert.is(m.onNotify(5, { state: 'pending', expires: 600, reason: '', retryAfter: -1 }), 200);
  m.onSubscribeResponse(6, ok(600));
  assert.equal(drain(m).states, ['pending:notify-pending']);
  m.onNotify(7, active());
  assert.is(m.state, 'active');
});

test('§4.1.2.4: no NOTIFY within Timer N → backoff and a fresh subscription', () => {
  const m = machine(0);
  m.start(0);
  m.onSubscribeResponse(1, ok(600));
  drain(m);
  m.handleTimeout(1 + 32_000);
  assert.equal(drain(m).states, ['backing-off:timer-n']);
  assert.is(m.nextDeadline(), 1 + 32_000 + 30_000, '50% of min(1800, 30·2^1) s with random() = 0');
  m.handleTimeout(m.nextDeadline());
  assert.equal(drain(m), { actions: ['new:600'], states: ['subscribing:retry-due'] });
});

test('§4.1.3 reasons: deactivated/timeout retry at once; probation/giveup wait; rejected/noresource stop', () => {
  for (const reason of ['deactivated', 'timeout']) {
    const m = machine();
    m.start(0); m.onSubscribeResponse(1, ok(600)); m.onNotify(2, active()); drain(m);
    m.onNotify(3, terminated(reason));
    assert.equal(drain(m), { actions: ['new:600'], states: [`terminated:notify-terminated(${reason})`, 'subscribing:notify-terminated'] }, reason);
  }
  {
    const m = machine();
    m.start(0); m.onSubscribeResponse(1, ok(600)); m.onNotify(2, active()); drain(m);
    m.onNotify(3, terminated('probation', 120));
    assert.equal(drain(m).states, ['backing-off:notify-terminated(probation)']);
    assert.is(m.nextDeadline(), 3 + 120_000, 'retry-after is honoured');
  }
  for (const reason of ['rejected', 'noresource', 'invariant']) {
    const m = machine();
    m.start(0); m.onSubscribeResponse(1, ok(600)); m.onNotify(2, active()); drain(m);
    m.onNotify(3, terminated(reason));
    assert.equal(drain(m), { actions: [], states: [`failed:notify-terminated(${reason})`] }, reason);
    assert.is(m.nextDeadline(), Infinity);
  }
});

test('481 to a refresh starts a new dialog; 489 and 405 are not retried forever', () => {
  const m = machine();
  m.start(0); m.onSubscribeResponse(1, ok(60)); m.onNotify(2, active(60)); drain(m);
  m.handleTimeout(m.nextDeadline());
  drain(m);
  m.onSubscribeResponse(40_000, failure(481));
  assert.equal(drain(m), { actions: ['new:600'], states: ['subscribing:no-such-subscription'] });
  for (const status of [489, 405, 501, 403, 404]) {
    const f = machine();
    f.start(0);
    f.onSubscribeResponse(1, failure(status));
    assert.is(f.state, 'failed', String(status));
    assert.is(f.nextDeadline(), Infinity);
  }
});

test('423 raises Expires to Min-Expires; 503 with Retry-After waits exactly that', () => {
  const m = machine(0, 60);
  m.start(0);
  drain(m);
  m.onSubscribeResponse(1, failure(423, { minExpires: 3600 }));
  assert.equal(drain(m), { actions: ['new:3600'], states: ['subscribing:interval-too-brief'] });
  m.onSubscribeResponse(2, failure(503, { retryAfter: 30 }));
  assert.equal(drain(m).states, ['backing-off:retry-after']);
  assert.is(m.nextDeadline(), 30_002);
});

test('restore after re-registration subscribes afresh; a NOTIFY for no subscription gets 481', () => {
  const m = machine();
  assert.is(m.onNotify(0, active()), 481);
  m.start(0); m.onSubscribeResponse(1, ok(600)); m.onNotify(2, active()); drain(m);
  m.restore(1000);
  assert.equal(drain(m), { actions: ['new:600'], states: ['subscribing:restore'] });
});

test('a random walk only takes edges of the table and never throws', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const m = new SubscriptionMachine({ ...DEFAULT_SUBSCRIPTION_CONFIG, expires: 120, random: rnd });
  const notifies: NotifyState[] = [active(120), { state: 'pending', expires: -1, reason: '', retryAfter: -1 }, terminated('deactivated'), terminated('probation', 5), terminated('rejected'), terminated('')];
  const responses = [ok(120), ok(-1), failure(481), failure(489), failure(423, { minExpires: 300 }), failure(500), failure(503, { retryAfter: 3 })];
  let now = 0;
  for (let i = 0; i < 20_000; i++) {
    now += Math.floor(rnd() * 4000);
    const r = rnd();
    if (r < 0.1) m.start(now);
    else if (r < 0.13) m.stop(now);
    else if (r < 0.16) m.restore(now);
    else if (r < 0.4) m.onSubscribeResponse(now, responses[Math.floor(rnd() * responses.length)]!);
    else if (r < 0.6) m.onNotify(now, notifies[Math.floor(rnd() * notifies.length)]!);
    else if (r < 0.65) m.onTimeout(now);
    else if (r < 0.68) m.onTransportError(now);
    else m.handleTimeout(Math.min(now, m.nextDeadline()));
    for (let e = m.pollEvent(); e; e = m.pollEvent()) assert.ok(SUBSCRIPTION_EDGES[e.from].includes(e.to));
    while (m.pollAction());
  }
});

test.run();
