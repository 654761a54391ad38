import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RegistrationMachine, DEFAULT_REGISTRATION_CONFIG, type RegistrationEvent, type RegisterOutcome } from '../../core/registration/index.js';
import { REGISTRATION_EDGES } from '../../core/registration/states.js';

const ok = (granted: number): RegisterOutcome => ({ status: 200, grantedExpires: granted, minExpires: -1, retryAfter: -1 });
const fail = (status: number, extra: Partial<RegisterOutcome> = {}): RegisterOutcome => ({ status, grantedExpires: -1, minExpires: -1, retryAfter: -1, ...extra });

function machine(random = 0.5, expires = 600) {
  return new RegistrationMachine({ ...DEFAULT_REGISTRATION_CONFIG, expires, random: () => random });
}

function drain(m: RegistrationMachine): { actions: number[]; events: RegistrationEvent[] } {
  const actions: number[] = [];
  const events: RegistrationEvent[] = [];
  for (let a = m.pollAction(); a; a = m.pollAction()) actions.push(a.expires);
  for (let e = m.pollEvent(); e; e = m.pollEvent()) events.push(e);
  return { actions, events };
}

const states = (events: RegistrationEvent[]) => events.filter((e) => e.kind === 'state').map((e) => (e.kind === 'state' ? `${e.to}:${e.cause}` : ''));

test('register, refresh before expiry, and unregister with Expires: 0', () => {
  const m = machine(0, 600);
  m.start(0);
  let out = drain(m);
  assert.equal(out.actions, [600]);
  assert.equal(states(out.events), ['registering:start']);
  m.onResponse(100, ok(600));
  out = drain(m);
  assert.equal(states(out.events), ['registered:accepted']);
  // 600 s granted: margin max(32 s, 60 s) = 60 s, no jitter with random() = 0.
  assert.is(m.nextDeadline(), 100 + 540_000);
  m.handleTimeout(100 + 539_999);
  assert.equal(drain(m).actions, []);
  m.handleTimeout(100 + 540_000);
  out = drain(m);
  assert.equal(out.actions, [600]);
  assert.equal(states(out.events), ['refreshing:refresh-due']);
  m.onResponse(540_200, ok(600));
  assert.equal(states(drain(m).events), ['registered:accepted']);
  m.stop(600_000);
  out = drain(m);
  assert.equal(out.actions, [0]);
  assert.equal(states(out.events), ['unregistering:stop']);
  m.onResponse(600_100, ok(0));
  assert.equal(states(drain(m).events), ['unregistered:removed']);
  assert.is(m.state, 'unregistered');
});

test('423 adopts Min-Expires and retries at once (RFC 3261 §10.2.8)', () => {
  const m = machine(0, 60);
  m.start(0);
  drain(m);
  m.onResponse(10, fail(423, { minExpires: 300 }));
  const out = drain(m);
  assert.equal(out.actions, [300]);
  assert.equal(states(out.events), ['registering:interval-too-brief']);
  m.onResponse(20, ok(300));
  assert.is(m.state, 'registered');
  assert.is(m.grantedExpires, 300);
});

test('Retry-After is honoured exactly; other failures back off per RFC 5626 §4.5', () => {
  const m = machine(1 - 1e-9, 600);
  m.start(0);
  drain(m);
  m.onResponse(0, fail(503, { retryAfter: 17 }));
  let out = drain(m);
  assert.equal(states(out.events), ['backing-off:retry-after']);
  assert.is(m.nextDeadline(), 17_000);
  m.handleTimeout(17_000);
  assert.equal(drain(m).actions, [600]);
  // Second consecutive failure without Retry-After: upper bound min(1800, 30·2^2) = 120 s,
  // and random() ≈ 1 gives (just under) the whole of it.
  m.onTimeout(20_000);
  out = drain(m);
  assert.equal(states(out.events), ['backing-off:timeout']);
  assert.ok(m.nextDeadline() > 20_000 + 119_000 && m.nextDeadline() <= 20_000 + 120_000);
});

test('backoff grows to the RFC 5626 max-time and jitters between 50% and 100%', () => {
  const low = machine(0);
  const high = machine(1 - 1e-9);
  const uppers: number[] = [];
  for (let k = 1; k <= 8; k++) {
    low.consecutiveFailures = k;
    high.consecutiveFailures = k;
    const upper = Math.min(1800, 30 * 2 ** k) * 1000;
    uppers.push(upper);
    assert.is(low.backoffMs(), upper / 2);
    assert.ok(high.backoffMs() <= upper && high.backoffMs() > upper * 0.99);
  }
  assert.is(uppers[uppers.length - 1], 1_800_000);
});

test('flow failure re-registers at once (the next tick) and reports lost, then restored', () => {
  const m = machine(0.5, 600);
  m.start(0);
  m.onResponse(5, ok(600));
  drain(m);
  m.onFlowFailed(1000);
  let out = drain(m);
  // Lost first, REGISTER due now: the host hears of the failure (and drops the dead connection)
  // before the REGISTER is written, so it goes over a new flow (RFC 5626 §4.5).
  assert.equal(out.actions, [], 'not written into the failed flow');
  assert.equal(out.events.map((e) => e.kind), ['lost', 'state']);
  assert.equal(states(out.events), ['backing-off:flow-failed']);
  assert.is(m.nextDeadline(), 1000, 'due at once: no backoff');
  m.handleTimeout(1000);
  out = drain(m);
  assert.equal(out.actions, [600]);
  assert.equal(states(out.events), ['registering:retry-due']);
  // The server is still down: the retry fails, we back off, then recover.
  m.onTransportError(1001);
  out = drain(m);
  assert.equal(states(out.events), ['backing-off:transport-error']);
  m.handleTimeout(m.nextDeadline());
  drain(m);
  m.onResponse(50_000, ok(600));
  out = drain(m);
  assert.equal(out.events.map((e) => e.kind), ['state', 'restored']);
  assert.is(m.state, 'registered');
  assert.is(m.consecutiveFailures, 0);
});

test('a 2xx that does not list our binding is a loss, not a success', () => {
  const m = machine(0.5, 600);
  m.start(0);
  m.onResponse(1, ok(600));
  m.handleTimeout(m.nextDeadline());
  drain(m);
  m.onResponse(2, ok(-1));
  const out = drain(m);
  assert.equal(out.events.map((e) => e.kind), ['lost', 'state']);
  assert.equal(states(out.events), ['backing-off:binding-missing']);
});

test('403, 404 and refused credentials stop automatic retries', () => {
  for (const status of [403, 404]) {
    const m = machine();
    m.start(0);
    m.onResponse(1, fail(status));
    assert.is(m.state, 'failed');
    assert.is(m.nextDeadline(), Infinity);
  }
  const m = machine();
  m.start(0);
  m.onResponse(1, fail(401));
  assert.is(m.state, 'failed');
  m.start(2);
  assert.is(m.state, 'registering', 'the application may try again, e.g. with new credentials');
});

test('stray responses and timers do not move the machine', () => {
  const m = machine();
  m.onResponse(0, ok(600));
  m.onTimeout(0);
  m.onTransportError(0);
  m.onFlowFailed(0);
  m.onAuthFailed(0, 401);
  m.handleTimeout(1e12);
  assert.is(m.state, 'unregistered');
  assert.equal(drain(m), { actions: [], events: [] });
});

test('a random walk over inputs only ever takes edges of the table', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const m = new RegistrationMachine({ ...DEFAULT_REGISTRATION_CONFIG, expires: 120, random: rnd });
  let now = 0;
  for (let step = 0; step < 20_000; step++) {
    now += Math.floor(rnd() * 5000);
    const r = rnd();
    if (r < 0.1) m.start(now);
    else if (r < 0.15) m.stop(now);
    else if (r < 0.45) m.onResponse(now, [ok(120), ok(-1), fail(423, { minExpires: 300 }), fail(503, { retryAfter: 5 }), fail(500), fail(403), fail(401)][Math.floor(rnd() * 7)]!);
    else if (r < 0.55) m.onTimeout(now);
    else if (r < 0.6) m.onTransportError(now);
    else if (r < 0.7) m.onFlowFailed(now);
    else m.handleTimeout(Math.min(now, m.nextDeadline()));
    for (let e = m.pollEvent(); e; e = m.pollEvent()) {
      if (e.kind === 'state') assert.ok(REGISTRATION_EDGES[e.from].includes(e.to), `${e.from} -> ${e.to}`);
    }
    while (m.pollAction());
  }
});

test.run();
