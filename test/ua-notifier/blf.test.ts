// Our phone as somebody's busy-lamp target (RFC 6665 notifier side + RFC 4235 dialog package),
// two UAs in memory with virtual time: alice subscribes to bob's dialog state; bob's calls change
// → alice's NOTIFYs carry full dialog-info documents with versions 0, 1, 2, …; refresh (RFC 5839
// suppression between two UAs), unsubscribe, expiry, policies, the capacity bound, 481 → dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dec } from '../ua/memory-net.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { FakeWatcher, BOB, BOB_AOR, bodyOf, header, pair } from './helpers.js';

const CAROL = { identity: 'sip:carol@10.0.0.9', display: 'Carol' };

test('BLF: alice watches bob; bob rings, talks, hangs up → dialog-info versions 0..3 with full state', () => {
  const { net, alice, bob } = pair();
  assert.ok(bob.ua.serve('dialog').ok);
  const id = alice.ua.subscribe(BOB_AOR, 'dialog', net.now, { expires: 600 }).unwrap();
  alice.drain();
  net.run(50);

  const ok = bob.sent.find((s) => s.startsWith('SIP/2.0 200'))!;
  assert.match(ok, /\r\nCSeq: 1 SUBSCRIBE\r\n/);
  assert.match(ok, /\r\nExpires: 600\r\n/);
  assert.match(ok, /\r\nContact: <sip:bob@10\.0\.0\.2:5070;transport=udp>\r\n/);
  const w = bob.of('watcher');
  assert.equal(w.map((e) => [e.event, e.from, e.state]), [['dialog', 'sip:alice@10.0.0.1', 'active']]);
  assert.is(bob.ua.watcherCount('dialog'), 1);

  // §4.2.1: the NOTIFY that follows the 200 right away, to alice's Contact, in the dialog.
  const first = bob.sent.find((s) => s.startsWith('NOTIFY '))!;
  assert.match(first, /^NOTIFY sip:alice@10\.0\.0\.1:5060;transport=udp SIP\/2\.0\r\n/);
  assert.match(first, /\r\nEvent: dialog\r\n/);
  assert.match(first, /\r\nSubscription-State: active;expires=600\r\n/);
  assert.match(first, /\r\nContent-Type: application\/dialog-info\+xml\r\n/);
  assert.ok(header(first, 'SIP-ETag') !== '', 'SIP-ETag on every NOTIFY (RFC 5839)');
  assert.ok(header(first, 'To').includes(header(alice.sent.find((s) => s.startsWith('SUBSCRIBE '))!, 'From').split(';tag=')[1]!), 'To carries alice\'s tag');

  const states = (): string[] => alice.of('subscription').filter((e) => e.id === id).map((e) => e.state);
  assert.ok(states().includes('active'), states().join(','));
  const reader = new DialogInfoReader();
  const docs = (): { version: number; states: string[] }[] => alice.of('notify').map((n) => {
    const text = dec(n.body);
    const version = Number(/version="(\d+)"/.exec(text)?.[1] ?? -1);
    assert.match(text, /state="full"/);
    assert.match(text, /entity="sip:bob@10\.0\.0\.2:5070"/);
    assert.is(reader.read(n.body, 0, n.body.length), 0, 'the core reader reads what the writer wrote');
    assert.is(reader.document.version, version);
    return { version, states: [...text.matchAll(/<state[^>]*>([a-z]+)<\/state>/g)].map((m) => m[1]!) };
  });
  assert.equal(docs(), [{ version: 0, states: [] }], 'idle: an empty full document');

  bob.ua.setDialogState([{ id: 'c1', direction: 'recipient', state: 'early', remote: CAROL }], net.now); bob.drain(); net.run(50);
  bob.ua.setDialogState([{ id: 'c1', direction: 'recipient', state: 'confirmed', remote: CAROL }], net.now); bob.drain(); net.run(50);
  bob.ua.setDialogState([{ id: 'c1', direction: 'recipient', state: 'terminated', event: 'local-bye', remote: CAROL }], net.now); bob.drain(); net.run(50);
  assert.equal(docs(), [
    { version: 0, states: [] }, { version: 1, states: ['early'] }, { version: 2, states: ['confirmed'] }, { version: 3, states: ['terminated'] },
  ]);
  assert.match(dec(alice.of('notify')[1]!.body), /<identity display="Carol">sip:carol@10\.0\.0\.9<\/identity>/);
  assert.ok(alice.of('notify').every((n) => n.fork === 0 && n.state === 'active'));
  // CSeq of bob's NOTIFYs goes up in the dialog.
  const cseqs = bob.sent.filter((s) => s.startsWith('NOTIFY ')).map((s) => Number(/\r\nCSeq: (\d+) NOTIFY/.exec(s)![1]));
  assert.equal(cseqs, [1, 2, 3, 4]);
});

test('NOTIFYs are one at a time per watcher: three changes while one is in flight → the newest follows', () => {
  const { net, alice, bob } = pair();
  bob.ua.serve('dialog');
  alice.ua.subscribe(BOB_AOR, 'dialog', net.now, { expires: 600 }); alice.drain();
  net.run(50);
  bob.ua.setDialogState([{ id: 'c1', state: 'early' }], net.now);
  bob.ua.setDialogState([{ id: 'c1', state: 'confirmed' }], net.now);
  bob.ua.setDialogState([{ id: 'c1', state: 'terminated' }], net.now);
  bob.drain();
  net.run(100);
  const bodies = alice.of('notify').map((n) => dec(n.body));
  assert.is(bodies.length, 3, 'initial, the first change, then only the newest');
  assert.match(bodies[1]!, /version="1"[\s\S]*<state>early<\/state>/);
  assert.match(bodies[2]!, /version="2"[\s\S]*<state>terminated<\/state>/);
});

test('refresh between two UAs: Suppress-If-Match with the last SIP-ETag → 204, no NOTIFY; after a change the state flows again', () => {
  const { net, alice, bob } = pair();
  bob.ua.serve('dialog');
  const id = alice.ua.subscribe(BOB_AOR, 'dialog', net.now, { expires: 60 }).unwrap();
  alice.drain();
  net.run(50);
  const etag = header(bob.sent.find((s) => s.startsWith('NOTIFY '))!, 'SIP-ETag');
  net.run(60_000); // the refresh is due before expiry
  const subs = alice.sent.filter((s) => s.startsWith('SUBSCRIBE '));
  assert.ok(subs.length >= 2, `refreshed (${subs.length} SUBSCRIBEs)`);
  assert.is(header(subs[1]!, 'Suppress-If-Match'), etag);
  assert.match(subs[1]!, /\r\nTo: <sip:bob@10\.0\.0\.2:5070>;tag=[0-9a-f]+\r\n/, 'in the dialog');
  assert.ok(bob.sent.some((s) => s.startsWith('SIP/2.0 204 No Notification') && /\r\nExpires: 60\r\n/.test(s)));
  assert.is(bob.sent.filter((s) => s.startsWith('NOTIFY ')).length, 1, 'no NOTIFY for a refresh of unchanged state');
  assert.is(alice.ua.watcherCount(), 0);
  assert.is(bob.ua.watcherCount('dialog'), 1, 'still subscribed after the expiry time thanks to the refreshes');
  const last = alice.of('subscription').filter((e) => e.id === id).at(-1)!;
  assert.is(last.state, 'active');

  bob.ua.setDialogState([{ id: 'c1', state: 'confirmed' }], net.now); bob.drain();
  net.run(50);
  const notes = alice.of('notify');
  assert.is(notes.length, 2);
  assert.match(dec(notes[1]!.body), /version="1"/);
  const newTag = header(bob.sent.filter((s) => s.startsWith('NOTIFY ')).at(-1)!, 'SIP-ETag');
  assert.is.not(newTag, etag, 'a new state has a new entity-tag');
  net.run(60_000);
  const later = alice.sent.filter((s) => s.startsWith('SUBSCRIBE ')).at(-1)!;
  assert.is(header(later, 'Suppress-If-Match'), newTag, 'the refresh names the newest tag');
});

test('unsubscribe: Expires 0 → 200 Expires 0 and a final NOTIFY terminated;reason=timeout with the state; both sides let go', () => {
  const { net, alice, bob } = pair();
  bob.ua.serve('dialog');
  const id = alice.ua.subscribe(BOB_AOR, 'dialog', net.now, { expires: 600 }).unwrap();
  alice.drain();
  net.run(50);
  alice.ua.unsubscribe(id, net.now); alice.drain();
  net.run(100);
  const unsub = alice.sent.filter((s) => s.startsWith('SUBSCRIBE ')).at(-1)!;
  assert.match(unsub, /\r\nExpires: 0\r\n/);
  assert.not.match(unsub, /Suppress-If-Match/, 'never on an unsubscribe');
  assert.ok(bob.sent.some((s) => s.startsWith('SIP/2.0 200') && /CSeq: 2 SUBSCRIBE/.test(s) && /\r\nExpires: 0\r\n/.test(s)));
  const final = bob.sent.filter((s) => s.startsWith('NOTIFY ')).at(-1)!;
  assert.match(final, /\r\nSubscription-State: terminated;reason=timeout\r\n/);
  assert.match(bodyOf(final), /<dialog-info /, 'the final NOTIFY carries the state');
  assert.is(alice.of('subscription').filter((e) => e.id === id).at(-1)!.state, 'terminated');
  assert.equal(bob.of('watcher').map((e) => e.state), ['active', 'terminated']);
  assert.is(bob.ua.watcherCount(), 0);
  assert.is(bob.ua.watcherRecords, 0, 'record freed once the final NOTIFY was answered');
});

test('expiry: a watcher that never refreshes gets terminated;reason=timeout at its Expires, then the record is freed', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog');
  const w = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'exp1', 'wt1');
  w.subscribe('dialog', 5);
  net.run(50);
  assert.match(w.lastResponse(), /^SIP\/2\.0 200 /);
  assert.is(w.notifies.length, 1);
  assert.match(w.notifies[0]!, /\r\nSubscription-State: active;expires=5\r\n/);
  net.run(4_800);
  assert.is(w.notifies.length, 1, 'nothing before the expiry');
  net.run(400);
  assert.is(w.notifies.length, 2);
  assert.match(w.notifies[1]!, /\r\nSubscription-State: terminated;reason=timeout\r\n/);
  assert.is(bob.ua.watcherRecords, 0);
  assert.is(bob.of('watcher').at(-1)!.state, 'terminated');
  assert.is(bob.of('watcher').at(-1)!.reason, 'timeout');
});

test('Expires: missing → package default (3600), too long → capped at maxExpires; Expires 0 initially is a fetch', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog', { maxExpires: 300 });
  const a = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'cap1', 'a1');
  a.subscribe('dialog', null);
  const b = new FakeWatcher(net.addPeer('10.0.0.8', 5060), 'cap2', 'b1');
  b.subscribe('dialog', 100_000);
  const c = new FakeWatcher(net.addPeer('10.0.0.9', 5060), 'cap3', 'c1');
  c.subscribe('dialog', 0);
  net.run(100);
  assert.is(header(a.lastResponse(), 'Expires'), '300');
  assert.is(header(b.lastResponse(), 'Expires'), '300');
  assert.is(header(c.lastResponse(), 'Expires'), '0');
  assert.match(c.notifies[0]!, /\r\nSubscription-State: terminated;reason=timeout\r\n/);
  assert.match(bodyOf(c.notifies[0]!), /version="0"/, 'a fetch gets the state once');
  assert.is(bob.ua.watcherCount(), 2);
});

test('capacity: the watcher table is bounded (capacities.maxSubscriptions); one more → 503 with Retry-After', () => {
  const { net, bob } = pair({ capacities: { maxSubscriptions: 2 } });
  bob.ua.serve('dialog');
  const ws = [1, 2, 3].map((i) => new FakeWatcher(net.addPeer(`10.0.1.${i}`, 5060), `full${i}`, `t${i}`));
  ws[0]!.subscribe('dialog', 120);
  ws[1]!.subscribe('dialog', 600);
  net.run(50);
  ws[2]!.subscribe('dialog', 600);
  net.run(50);
  assert.match(ws[2]!.lastResponse(), /^SIP\/2\.0 503 /);
  const ra = Number(header(ws[2]!.lastResponse(), 'Retry-After'));
  assert.ok(ra >= 119 && ra <= 120, `Retry-After = the soonest expiry (${ra})`);
  assert.is(ws[2]!.notifies.length, 0);
  assert.ok(bob.of('warning').some((e) => e.code === 'watchers-full'));
  // The first one leaves: room again.
  ws[0]!.subscribe('dialog', 0);
  net.run(50);
  ws[2]!.subscribe('dialog', 600, [], false);
  net.run(50);
  assert.match(ws[2]!.lastResponse(), /^SIP\/2\.0 200 /);
  assert.is(bob.ua.watcherCount(), 2);
});

test('481 (or a timeout) to a NOTIFY drops that watcher; others keep theirs', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog');
  const gone = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'g1', 'g');
  const stays = new FakeWatcher(net.addPeer('10.0.0.8', 5060), 's1', 's');
  gone.subscribe('dialog', 600);
  stays.subscribe('dialog', 600);
  net.run(50);
  gone.notifyStatus = 481;
  bob.ua.setDialogState([{ id: 'x', state: 'confirmed' }], net.now); bob.drain();
  net.run(50);
  assert.is(bob.ua.watcherCount(), 1);
  assert.ok(bob.of('watcher').some((e) => e.state === 'terminated' && e.reason === 'gone'));
  bob.ua.setDialogState([], net.now); bob.drain();
  net.run(50);
  assert.is(gone.notifies.length, 2, 'nothing more to the dropped one');
  assert.is(stays.notifies.length, 3);
  // A watcher that never answers: Timer F (64·T1) then dropped.
  net.dropRule = (text, _from, to) => to.address === '10.0.0.8' && text.startsWith('NOTIFY ');
  bob.ua.setDialogState([{ id: 'y', state: 'early' }], net.now); bob.drain();
  net.run(40_000);
  assert.is(bob.ua.watcherCount(), 0);
  assert.is(bob.ua.watcherRecords, 0);
});

test('answers: 489 for a package not served (Allow-Events), 481 for an unknown dialog, 403 under known-peers', () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog', { policy: 'known-peers' });
  const w = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'q1', 'q');
  w.subscribe('presence', 60);
  net.run(30);
  assert.match(w.lastResponse(), /^SIP\/2\.0 489 Bad Event/);
  assert.match(w.lastResponse(), /\r\nAllow-Events: [^\r]*dialog/);
  w.remoteTag = 'nosuchtag';
  w.subscribe('dialog', 60);
  net.run(30);
  assert.match(w.lastResponse(), /^SIP\/2\.0 481 /);
  w.remoteTag = '';
  w.subscribe('dialog', 60);
  net.run(30);
  assert.match(w.lastResponse(), /^SIP\/2\.0 403 /, 'a stranger under known-peers');
  assert.is(w.notifies.length, 0);
});

test("policy 'ask': 200 + NOTIFY pending without state; authorize → active with the document; deny → terminated;reason=rejected", () => {
  const { net, bob } = pair();
  bob.ua.serve('dialog', { policy: 'ask' });
  bob.ua.setDialogState([{ id: 'c1', state: 'confirmed' }], net.now);
  const yes = new FakeWatcher(net.addPeer('10.0.0.7', 5060), 'ask1', 'y');
  const no = new FakeWatcher(net.addPeer('10.0.0.8', 5060), 'ask2', 'n');
  yes.subscribe('dialog', 600);
  no.subscribe('dialog', 600);
  net.run(50);
  assert.match(yes.lastResponse(), /^SIP\/2\.0 200 /, 'RFC 6665 §8.3.1: no 202');
  assert.match(yes.notifies[0]!, /\r\nSubscription-State: pending;expires=600\r\n/);
  assert.is(bodyOf(yes.notifies[0]!), '', 'no state before authorisation');
  const pending = bob.of('watcher').filter((e) => e.state === 'pending');
  assert.is(pending.length, 2);
  assert.is(bob.ua.authorizeWatcher(pending[0]!.id, true, net.now).ok, true);
  assert.is(bob.ua.authorizeWatcher(pending[1]!.id, false, net.now).ok, true);
  bob.drain();
  net.run(50);
  assert.match(yes.notifies[1]!, /\r\nSubscription-State: active;expires=\d+\r\n/);
  assert.match(bodyOf(yes.notifies[1]!), /version="0"[\s\S]*<state>confirmed<\/state>/, 'its first document is version 0 (the pending NOTIFY had none)');
  assert.match(no.notifies[1]!, /\r\nSubscription-State: terminated;reason=rejected\r\n/);
  assert.is(bodyOf(no.notifies[1]!), '');
  assert.is(bob.ua.authorizeWatcher(pending[1]!.id, true, net.now).ok, false, 'decided already');
  assert.is(bob.ua.watcherCount(), 1);
});

test('presence peer to peer: PIDF via notify(); shutdown ends watchers with probation;retry-after', () => {
  const { net, alice, bob } = pair();
  bob.ua.serve('presence');
  const pidf = (basic: string) => new TextEncoder().encode(`<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${BOB_AOR}"><tuple id="t"><status><basic>${basic}</basic></status></tuple></presence>`);
  bob.ua.notify('presence', 'application/pidf+xml', pidf('open'), net.now);
  const id = alice.ua.subscribe(BOB_AOR, 'presence', net.now, { expires: 600 }).unwrap();
  alice.drain();
  net.run(50);
  bob.ua.notify('presence', 'application/pidf+xml', pidf('closed'), net.now); bob.drain();
  net.run(50);
  assert.equal(alice.of('notify').map((n) => /<basic>(\w+)</.exec(dec(n.body))![1]), ['open', 'closed']);
  assert.ok(alice.of('notify').every((n) => n.contentType === 'application/pidf+xml'));
  assert.is(bob.ua.notify('message-summary', 'x/y', new Uint8Array(0), net.now).ok, false, 'not served');
  bob.ua.shutdown(net.now); bob.drain();
  net.run(50);
  const final = bob.sent.filter((s) => s.startsWith('NOTIFY ')).at(-1)!;
  assert.match(final, /\r\nSubscription-State: terminated;reason=probation;retry-after=60\r\n/);
  const last = alice.of('subscription').filter((e) => e.id === id).at(-1)!;
  assert.is(last.state, 'backing-off', 'alice will try again later, not never');
  assert.is(bob.ua.watcherRecords, 0);
  void BOB;
});

test.run();
