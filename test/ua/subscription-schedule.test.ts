// Issue #4 (QuickJS throughput): the UA's work per message must not grow with the number of
// subscriptions. A NOTIFY polls and times only its own subscription's machine; a timer firing
// touches only the machines that are due; pollTimeout still sees every machine's deadline, so a
// subscription whose refresh is due refreshes while the others sit idle. NOTIFYs are matched to
// their subscription by Call-ID through a hash index (call-id-index.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { SubscriptionMachine } from '../../core/event/machine.js';
import { SubscriptionSchedule } from '../../core/ua/subscription-schedule.js';
import { CallIdIndex } from '../../core/ua/call-id-index.js';
import { PresenceStates } from '../../core/presence/index.js';
import { enc, dec, seededRandom } from './memory-net.js';
import { pair, FakeWatcher } from '../ua-notifier/helpers.js';

const SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };

// ---- Which machines a piece of work touched: the machine's methods, wrapped during each test ----
// (uvu runs every test file in one process: the wrappers must not outlive this file's tests.)

const touched = new Set<SubscriptionMachine>();
const calls: Record<string, number> = {};
const machines: SubscriptionMachine[] = [];
const proto = SubscriptionMachine.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const WRAPPED = ['pollAction', 'pollEvent', 'handleTimeout', 'nextDeadline', 'onNotify', 'onSubscribeResponse', 'start', 'restore', 'refreshNow', 'stop'];
const originals = new Map<string, (...a: unknown[]) => unknown>();
test.before.each(() => {
  machines.length = 0;
  for (const name of WRAPPED) {
    const original = proto[name]!;
    originals.set(name, original);
    calls[name] = 0;
    proto[name] = function (this: SubscriptionMachine, ...args: unknown[]) {
      touched.add(this);
      calls[name]!++;
      if (name === 'start') machines.push(this);
      return original.apply(this, args);
    };
  }
});
test.after.each(() => {
  for (const [name, original] of originals) proto[name] = original;
  originals.clear();
  machines.length = 0;
  touched.clear();
});
function resetTouched(): void {
  touched.clear();
  for (const k of Object.keys(calls)) calls[k] = 0;
}

interface Sub { id: number; callId: string; ourTag: string; cseq: number }

class Phone {
  readonly ua: UserAgent;
  readonly sent: string[] = [];
  readonly events: UaEvent[] = [];
  readonly subs: Sub[] = [];
  private readonly out = new Outgoing();
  private branch = 0;
  now = 1000;

  constructor(max: number, states?: PresenceStates) {
    this.ua = new UserAgent({
      aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
      random: seededRandom(7), capacities: { maxSubscriptions: max, maxDialogs: max, maxTransactions: 2 * max + 32 },
    });
    if (states !== undefined) this.ua.trackPresence(states);
  }

  drain(): void {
    while (this.ua.pollTransmit(this.out)) this.sent.push(dec(this.out.bytes, this.out.off, this.out.len));
    let e: UaEvent | undefined;
    while ((e = this.ua.pollEvent()) !== undefined) this.events.push(e);
  }

  feed(text: string): void {
    const b = enc(text);
    this.ua.handleDatagram(b, 0, b.length, SERVER, this.now);
  }

  /** subscribe → 200 (Expires `expires`) → first NOTIFY. */
  subscribe(target: string, expires: number): Sub {
    const id = this.ua.subscribe(target, 'presence', this.now).unwrap();
    this.drain();
    const req = this.sent.find((s) => s.startsWith('SUBSCRIBE '))!;
    this.sent.length = 0;
    const h = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(req)![1]!;
    this.feed(`SIP/2.0 200 OK\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${h('To')};tag=srv${id}\r\nCall-ID: ${h('Call-ID')}\r\n` +
      `CSeq: ${h('CSeq')}\r\nExpires: ${expires}\r\nContact: <sip:10.0.0.100:5060>\r\nContent-Length: 0\r\n\r\n`);
    const sub: Sub = { id, callId: h('Call-ID'), ourTag: /tag=([^;>\s]+)/.exec(h('From'))![1]!, cseq: 1 };
    this.subs.push(sub);
    this.notify(sub, `active;expires=${expires}`);
    this.drain();
    this.sent.length = 0;
    this.events.length = 0;
    return sub;
  }

  notify(sub: Sub, state = 'active;expires=3600', body = 'hello'): void {
    this.feed(`NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKsched${this.branch++}\r\n` +
      `From: <sip:x@10.0.0.100>;tag=srv${sub.id}\r\nTo: <sip:bob@10.0.0.100>;tag=${sub.ourTag}\r\nCall-ID: ${sub.callId}\r\n` +
      `CSeq: ${sub.cseq++} NOTIFY\r\nMax-Forwards: 70\r\nContact: <sip:10.0.0.100:5060>\r\nEvent: presence\r\n` +
      `Subscription-State: ${state}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }

  /** The host loop's timer step: handleTimeout when pollTimeout says so. */
  tick(): void {
    if (this.ua.pollTimeout() <= this.now) this.ua.handleTimeout(this.now);
    this.drain();
  }
}

test('with 120 subscriptions a NOTIFY feeds, polls and times only the machine it belongs to', () => {
  const p = new Phone(128);
  for (let i = 0; i < 120; i++) p.subscribe(`sip:buddy${i}@10.0.0.100`, 3600);
  assert.is(machines.length, 120);
  for (const k of [0, 57, 119]) {
    const sub = p.subs[k]!;
    resetTouched();
    p.now += 500;
    p.notify(sub);
    p.drain();
    p.tick();
    assert.equal(p.sent.map((s) => s.slice(0, s.indexOf('\r\n'))), ['SIP/2.0 200 OK']);
    assert.equal(p.events.map((e) => [e.kind, (e as { subscriptionId?: number }).subscriptionId]), [['notify', sub.id]]);
    assert.is(calls.onNotify, 1);
    assert.is(touched.size, 1, `NOTIFY to subscription ${k} touched ${touched.size} machines`);
    p.sent.length = 0;
    p.events.length = 0;
  }
});

test('Timer J firing for 120 server transactions touches no subscription machine; pollTimeout is the earliest of all', () => {
  const p = new Phone(128);
  for (let i = 0; i < 120; i++) p.subscribe(`sip:buddy${i}@10.0.0.100`, 3600);
  // Every machine's deadline, read around the UA: pollTimeout must not be later than any of them.
  const earliest = Math.min(...machines.map((m) => m.nextDeadline()));
  assert.ok(Number.isFinite(earliest));
  assert.ok(p.ua.pollTimeout() <= earliest);
  resetTouched();
  // Timer J (64·T1) of the NOTIFY transactions: they all end, no subscription is due.
  p.now += 40_000;
  for (let round = 0; round < 10 && p.ua.pollTimeout() <= p.now; round++) p.tick();
  assert.ok(p.ua.pollTimeout() > p.now);
  assert.is(touched.size, 0, `timeouts touched ${touched.size} subscription machines`);
  assert.is(p.ua.pollTimeout(), earliest, 'with the transactions gone the next deadline is the earliest refresh');
});

test('a subscription whose refresh is due refreshes while 99 others stay idle and untouched', () => {
  const p = new Phone(100);
  for (let i = 0; i < 99; i++) p.subscribe(`sip:idle${i}@10.0.0.100`, 3600);
  const short = p.subscribe('sip:short@10.0.0.100', 120);
  // Let the transactions of the set-up end first.
  p.now += 40_000;
  for (let round = 0; round < 10 && p.ua.pollTimeout() <= p.now; round++) p.tick();
  p.sent.length = 0;
  p.events.length = 0;
  const due = p.ua.pollTimeout();
  assert.ok(due > p.now && due < 1000 + 120_000, `the 120 s subscription refreshes before it expires (${due})`);
  resetTouched();
  p.now = due;
  p.tick();
  const refreshes = p.sent.filter((s) => s.startsWith('SUBSCRIBE '));
  assert.is(refreshes.length, 1);
  assert.match(refreshes[0]!, `Call-ID: ${short.callId}\r\n`);
  assert.match(refreshes[0]!, `;tag=srv${short.id}\r\n`, 'a refresh inside its dialog');
  assert.equal(p.events.map((e) => [e.kind, (e as { state?: string }).state]), [['subscription', 'refreshing']]);
  assert.is(touched.size, 1, `the refresh touched ${touched.size} machines`);
  assert.is(calls.handleTimeout, 1);
});

test('NOTIFYs find their subscription among many (Call-ID index); unknown Call-ID or freed slot → 481; a reused slot matches its new dialog', () => {
  const p = new Phone(64);
  for (let i = 0; i < 64; i++) p.subscribe(`sip:buddy${i}@10.0.0.100`, 3600);
  for (let k = 63; k >= 0; k -= 7) {
    p.notify(p.subs[k]!);
    p.drain();
    assert.equal(p.events.map((e) => (e as { subscriptionId?: number }).subscriptionId), [p.subs[k]!.id]);
    p.events.length = 0;
  }
  p.sent.length = 0;
  // Same Call-ID, wrong To tag; and a Call-ID nobody has.
  p.notify({ ...p.subs[5]!, ourTag: 'nottag' });
  p.notify({ ...p.subs[5]!, callId: 'unknown@10.0.0.100' });
  p.drain();
  assert.equal(p.sent.map((s) => s.slice(0, s.indexOf('\r\n'))), ['SIP/2.0 481 Call/Transaction Does Not Exist', 'SIP/2.0 481 Call/Transaction Does Not Exist']);
  p.sent.length = 0;
  // Unsubscribe 10; its final NOTIFY frees the slot; then its dialog is unknown.
  const gone = p.subs[10]!;
  p.ua.unsubscribe(gone.id, p.now).unwrap();
  p.drain();
  p.notify(gone, 'terminated;reason=timeout');
  p.drain();
  p.notify(gone);
  p.drain();
  assert.equal(p.sent.filter((s) => s.startsWith('SIP/2.0')).map((s) => s.slice(0, s.indexOf('\r\n'))), ['SIP/2.0 200 OK', 'SIP/2.0 481 Call/Transaction Does Not Exist']);
  p.sent.length = 0;
  p.events.length = 0;
  // The freed slot takes a new subscription: its NOTIFYs match, the old dialog's still do not.
  const again = p.subscribe('sip:newcomer@10.0.0.100', 3600);
  p.notify(again);
  p.notify(gone);
  p.drain();
  assert.equal(p.sent.map((s) => s.slice(0, s.indexOf('\r\n'))), ['SIP/2.0 200 OK', 'SIP/2.0 481 Call/Transaction Does Not Exist']);
  assert.equal(p.events.map((e) => (e as { subscriptionId?: number }).subscriptionId), [again.id]);
});

test('a NOTIFY ending one subscription (deactivated) re-subscribes it: a machine fed by a NOTIFY gets its action polled', () => {
  const p = new Phone(40);
  for (let i = 0; i < 40; i++) p.subscribe(`sip:buddy${i}@10.0.0.100`, 3600);
  const sub = p.subs[23]!;
  resetTouched();
  p.notify(sub, 'terminated;reason=deactivated');
  p.drain();
  const fresh = p.sent.filter((s) => s.startsWith('SUBSCRIBE '));
  assert.is(fresh.length, 1);
  assert.match(fresh[0]!, 'To: <sip:buddy23@10.0.0.100>\r\n');
  assert.not.match(fresh[0]!, sub.callId);
  assert.equal(p.events.filter((e) => e.kind === 'subscription').map((e) => (e as { state: string }).state), ['terminated', 'subscribing']);
  assert.is(touched.size, 1);
});

test('shutdown and registration-less unsubscribe of many: every machine is polled (SUBSCRIBE Expires: 0 for each)', () => {
  const p = new Phone(50);
  for (let i = 0; i < 50; i++) p.subscribe(`sip:buddy${i}@10.0.0.100`, 3600);
  p.ua.shutdown(p.now).unwrap();
  p.drain();
  // 16 request buffers by default: the rest wait in the queue; all are sent as answers free them.
  let removes = p.sent.filter((s) => s.startsWith('SUBSCRIBE ') && /\r\nExpires: 0\r\n/.test(s));
  assert.ok(removes.length > 0);
  assert.equal(p.events.filter((e) => e.kind === 'subscription').length, 50);
  for (const s of p.sent.filter((x) => x.startsWith('SUBSCRIBE '))) {
    const h = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(s)![1]!;
    p.feed(`SIP/2.0 200 OK\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${h('To')}\r\nCall-ID: ${h('Call-ID')}\r\n` +
      `CSeq: ${h('CSeq')}\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n`);
  }
  for (let round = 0; round < 10; round++) {
    const before = p.sent.length;
    p.drain();
    for (const s of p.sent.slice(before).filter((x) => x.startsWith('SUBSCRIBE '))) {
      const h = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(s)![1]!;
      p.feed(`SIP/2.0 200 OK\r\nVia: ${h('Via')}\r\nFrom: ${h('From')}\r\nTo: ${h('To')}\r\nCall-ID: ${h('Call-ID')}\r\n` +
        `CSeq: ${h('CSeq')}\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n`);
    }
  }
  removes = p.sent.filter((s) => s.startsWith('SUBSCRIBE ') && /\r\nExpires: 0\r\n/.test(s));
  assert.is(new Set(removes.map((s) => /\r\nCall-ID: ([^\r\n]*)/.exec(s)![1])).size, 50, 'one removing SUBSCRIBE per subscription');
});

test('notifier: the cached earliest watcher expiry follows grants, refreshes and ends: each watcher expires at its own time', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog');
  const expiries = [20, 10, 30];
  const ws = expiries.map((e, i) => new FakeWatcher(net.addPeer(`10.0.0.${20 + i}`, 5060), `ce${i}`, `t${i}`));
  ws.forEach((w, i) => w.subscribe('dialog', expiries[i]!));
  net.run(50);
  assert.equal(ws.map((w) => w.notifies.length), [1, 1, 1]);
  const start = net.now;
  const ended = (w: FakeWatcher) => w.notifies.some((n) => /Subscription-State: terminated;reason=timeout/.test(n));
  net.run(5_000);
  ws[1]!.subscribe('dialog', 30); // the 10 s watcher refreshes: now due at ~35 s
  net.run(50);
  assert.ok(bob.ua.pollTimeout() <= start + 20_000 + 1, 'the 20 s watcher is the earliest');
  net.run(start + 19_900 - net.now);
  assert.equal(ws.map(ended), [false, false, false], 'nobody ends before their expiry (the refreshed one not at 10 s)');
  net.run(start + 20_200 - net.now);
  assert.equal(ws.map(ended), [true, false, false]);
  net.run(start + 30_200 - net.now);
  assert.equal(ws.map(ended), [true, false, true]);
  net.run(start + 34_900 - net.now);
  assert.equal(ws.map(ended), [true, false, true]);
  net.run(start + 35_400 - net.now);
  assert.equal(ws.map(ended), [true, true, true]);
  assert.is(bob.ua.watcherRecords, 0);
});

// ---- The two structures on their own ----

test('SubscriptionSchedule: a slot is queued once, FIFO; due slots come out in slot order; Infinity cancels', () => {
  const s = new SubscriptionSchedule(8);
  assert.is(s.nextReady(), -1);
  s.outputReady(5); s.outputReady(2); s.outputReady(5); s.outputReady(7);
  assert.is(s.readyCount, 3);
  assert.is(s.nextReady(), 5);
  s.outputReady(5);
  assert.equal([s.nextReady(), s.nextReady(), s.nextReady(), s.nextReady()], [2, 7, 5, -1]);
  // Wrap the ring several times.
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < 8; k++) s.outputReady((k * 3 + round) % 8);
    const got: number[] = [];
    for (let k = s.nextReady(); k >= 0; k = s.nextReady()) got.push(k);
    assert.equal(got, [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k * 3 + round) % 8));
  }
  assert.is(s.nextDeadline(), Infinity);
  s.deadlineMoved(6, 300); s.deadlineMoved(1, 200); s.deadlineMoved(3, 100); s.deadlineMoved(4, 900);
  assert.is(s.nextDeadline(), 100);
  s.deadlineMoved(3, Infinity);
  assert.is(s.nextDeadline(), 200);
  s.deadlineMoved(1, 250);
  const n = s.takeDue(300);
  assert.equal(Array.from({ length: n }, (_, i) => s.dueAt(i)), [1, 6]);
  assert.is(s.nextDeadline(), 900);
  s.forget(4);
  assert.is(s.nextDeadline(), Infinity);
  assert.is(s.takeDue(1e12), 0);
});

test('CallIdIndex: finds each key by its span, survives collisions and replacement', () => {
  const idx = new CallIdIndex(4);
  const ids = ['a1b2c3d4e5f60718293a4b5c@10.0.0.2', 'a1b2c3d4e5f60718293a4b5c@10.0.0.3', 'x@h', ''];
  ids.forEach((id, k) => idx.set(k, id));
  const find = (text: string): number[] => {
    const b = enc(`..${text}..`);
    const out: number[] = [];
    for (let k = idx.first(b, 2, text.length); k >= 0; k = idx.nextCandidate(k)) out.push(k);
    return out;
  };
  // The first two share their hashed prefix and length: both are candidates (the UA compares).
  assert.equal(find(ids[0]!).sort(), [0, 1]);
  assert.equal(find('x@h'), [2]);
  assert.equal(find(''), [3]);
  assert.equal(find('nobody@here'), []);
  idx.set(2, 'y@h');
  assert.equal(find('x@h'), []);
  assert.equal(find('y@h'), [2]);
  idx.remove(0);
  assert.equal(find(ids[1]!), [1]);
  idx.remove(0);
  idx.remove(1);
  assert.equal(find(ids[1]!), []);
});

test('PresenceStates.nextDeadline follows RPID until as states change and go (cached between changes)', () => {
  const states = new PresenceStates({ maxStates: 4 });
  const type = enc('application/pidf+xml');
  const doc = (until: string | null) => enc('<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" ' +
    'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:a@h">' +
    '<tuple id="t"><status><basic>open</basic></status></tuple><dm:person id="p">' +
    (until !== null ? `<rpid:activities until="${until}"><rpid:meeting/></rpid:activities>` : '<rpid:activities><rpid:busy/></rpid:activities>') +
    '</dm:person></presence>');
  const apply = (id: number, until: string | null) => { const b = doc(until); return states.apply(id, type, 0, type.length, b, 0, b.length, 0); };
  assert.is(states.nextDeadline(), Infinity, 'no wall clock: untils do not count');
  states.wallClockOffsetMs = Date.UTC(2026, 10, 26, 12, 0, 0);
  apply(1, '2026-11-26T13:00:00Z');
  apply(2, '2026-11-26T12:30:00Z');
  assert.is(states.nextDeadline(), 30 * 60_000);
  apply(2, null);
  assert.is(states.nextDeadline(), 60 * 60_000);
  apply(3, '2026-11-26T12:10:00Z');
  assert.is(states.nextDeadline(), 10 * 60_000);
  states.release(3);
  assert.is(states.nextDeadline(), 60 * 60_000);
  assert.is(states.expire(1, 60 * 60_000), true);
  assert.is(states.nextDeadline(), Infinity);
  assert.is(states.get(1)!.subscriptionId, 1);
  assert.is(states.get(3), undefined);
});

test.run();
