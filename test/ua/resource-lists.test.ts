// Resource lists in the UA (RFC 4662): with enableResourceLists(resourceListsModule), NOTIFYs of an
// eventlist subscription carrying multipart/related + RLMI become per-resource events (state,
// presence, dialog summary, nested lists) and one list event; partial versions merge, a version
// gap refreshes the subscription (full state follows), stale versions are ignored. A scripted
// RLS in memory sends the RFC 4662 §6 messages from test/corpus and synthetic lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H } from '../../core/sip/header-ids.js';
import { resourceListsModule, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { MemoryNet, type FakePeer, type UaNode } from './memory-net.js';
import { corpusNotify, related, rlmi, pidf, type Notify } from '../rls/helpers.js';

const SERVER: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };
type ListResourceEvent = Extract<UaEvent, { kind: 'list-resource' }>;
type ListEvent = Extract<UaEvent, { kind: 'list' }>;

// The two printing errors of RFC 4662 §6 (see test/rls/notify.test.ts and test/corpus/README.md).
const fixStep3 = (t: string) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"');
const fixStep13 = (t: string) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml');

interface Rls {
  net: MemoryNet; bob: UaNode; server: FakePeer; subscribes: string[];
  /** Sends a NOTIFY in the list dialog (the server's CSeq grows). */
  notify(n: Notify | null, state?: string, contentType?: string): void;
  /** What the server sends in answer to the next SUBSCRIBE refreshes (after the 200). */
  onRefresh: (() => void) | null;
}

function rlsWithBob(enable = true, event = 'presence'): Rls {
  const net = new MemoryNet();
  const server = net.addPeer(SERVER.address, SERVER.port);
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: '10.0.0.2', localPort: 5070,
    backoff: { baseS: 1, maxS: 4 },
  }, 9);
  if (enable) bob.ua.enableResourceLists(resourceListsModule);
  const dlg = { callId: '', fromTag: '', cseq: 0 };
  const rls: Rls = {
    net, bob, server, subscribes: [], onRefresh: null,
    notify(n, state = 'active;expires=600', contentType) {
      dlg.cseq++;
      const ct = contentType ?? (n === null ? '' : Buffer.from(n.contentType).toString('latin1'));
      server.request(bob.endpoint, [
        'NOTIFY sip:bob@10.0.0.2:5070 SIP/2.0', `Via: SIP/2.0/UDP 10.0.0.100:5060;branch=z9hG4bKlist${dlg.cseq}`, 'Max-Forwards: 70',
        `From: <sip:buddies@10.0.0.100>;tag=rls1`, `To: <sip:bob@10.0.0.100>;tag=${dlg.fromTag}`, `Call-ID: ${dlg.callId}`,
        `CSeq: ${dlg.cseq} NOTIFY`, 'Contact: <sip:10.0.0.100:5060>', `Event: ${event}`, `Subscription-State: ${state}`, 'Require: eventlist',
        ...(ct !== '' ? [`Content-Type: ${ct}`] : []),
      ], n === null ? '' : Buffer.from(n.body).toString('latin1'));
      net.run(20);
    },
  };
  server.handler = (p, text, from) => {
    if (!text.startsWith('SUBSCRIBE ')) return;
    rls.subscribes.push(text);
    dlg.callId = p.header(H.CALL_ID);
    dlg.fromTag = /tag=([^;>\s]+)/.exec(p.header(H.FROM))![1]!;
    p.reply(from, 200, 'OK', [['Expires', p.header(H.EXPIRES)], ['Contact', '<sip:10.0.0.100:5060>'], ['Require', 'eventlist']], 'rls1');
    if (rls.subscribes.length > 1 && rls.onRefresh !== null) rls.onRefresh();
  };
  return rls;
}

function start(rls: Rls, event = 'presence'): number {
  const id = rls.bob.ua.subscribe('sip:buddies@10.0.0.100', event, rls.net.now, { eventlist: true, expires: 600 }).unwrap();
  rls.bob.drain();
  rls.net.run(20);
  assert.is(rls.subscribes.length, 1);
  return id;
}

/** Events since `from` of one kind. */
function since<K extends UaEvent['kind']>(bob: UaNode, from: number, kind: K): Extract<UaEvent, { kind: K }>[] {
  return bob.events.slice(from).filter((e): e is Extract<UaEvent, { kind: K }> => e.kind === kind);
}

const brief = (e: ListResourceEvent) => [e.uri, e.state, e.presence?.display ?? null, e.list];

test('RFC 4662 §6 step 3 then step 13: per-resource events for the full list, then the partial one with its nested list', () => {
  const rls = rlsWithBob();
  const id = start(rls);
  let mark = rls.bob.events.length;
  rls.notify(corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', fixStep3));
  assert.ok(rls.bob.sent.some((s) => s.startsWith('SIP/2.0 200 OK') && /CSeq: 1 NOTIFY/.test(s)), 'the list NOTIFY is answered 200');
  const top = 'sip:adam-friends@pres.vancouver.example.com';
  const first = since(rls.bob, mark, 'list-resource');
  assert.equal(first.map(brief), [
    ['sip:bob@vancouver.example.com', 'active', 'available', top],
    ['sip:dave@vancouver.example.com', 'active', 'offline', top],
    ['sip:ed@dallas.example.net', 'unknown', 'unknown', top],
    ['sip:adam-friends@stockholm.example.org', 'unknown', 'unknown', top],
  ]);
  assert.ok(first.every((e) => e.subscriptionId === id && e.event === 'presence'));
  assert.is(first[0]!.name, 'Bob Smith');
  assert.is(first[0]!.contentType, 'application/pidf+xml;charset="UTF-8"');
  assert.match(Buffer.from(first[0]!.body!).toString('utf8'), /<basic>open<\/basic>/, 'the resource part is handed over as well');
  assert.is(first[2]!.body.length, 0, 'Ed has no instance yet: no part');
  const list1 = since(rls.bob, mark, 'list');
  assert.equal(list1.map((l) => [l.uri, l.version, l.fullState, l.outcome, l.resources]), [[top, 1, true, 'applied', 4]]);
  assert.ok(rls.bob.events.slice(mark).findIndex((e) => e.kind === 'list') > rls.bob.events.slice(mark).findIndex((e) => e.kind === 'list-resource'), 'the list event comes after its resources');
  assert.is(since(rls.bob, mark, 'notify').length, 1, 'the raw notify event is still there');

  mark = rls.bob.events.length;
  rls.notify(corpusNotify('rfc4662/13-NOTIFY-multipart-related-nested.sip', fixStep13));
  const org = 'sip:adam-friends@stockholm.example.org';
  const second = since(rls.bob, mark, 'list-resource');
  assert.equal(second.map(brief), [
    ['sip:ed@dallas.example.net', 'pending', 'unknown', top],
    [org, 'active', null, top],
    ['sip:joe@stockholm.example.org', 'active', 'available', org],
    ['sip:mark@stockholm.example.org', 'active', 'offline', org],
  ]);
  assert.ok(second[1]!.isList, 'the ORG resource is a list');
  assert.is(second[1]!.body.length, 0, 'a nested list is reported through its members, not as bytes');
  assert.equal(since(rls.bob, mark, 'list').map((l) => [l.version, l.fullState, l.outcome, l.resources]), [[2, false, 'applied', 6]]);
  assert.is(rls.subscribes.length, 1, 'no refresh: version 2 follows 1');
});

const LIST = 'sip:buddies@10.0.0.100';
const full = (version: number, members: string[]) => related(rlmi(LIST, version, true, members.map((m) => ({
  uri: `sip:${m}@10.0.0.100`, name: m, instances: [{ id: `i${m}`, state: 'active', cid: `${m}${version}@rls` }],
}))), members.map((m) => ({ cid: `${m}${version}@rls`, type: 'application/pidf+xml', body: pidf(`sip:${m}@10.0.0.100`, 'open') })));
const partial = (version: number, member: string, basic: 'open' | 'closed', state = 'active') => related(rlmi(LIST, version, false, [
  { uri: `sip:${member}@10.0.0.100`, instances: [{ id: `i${member}`, state, ...(state === 'active' ? { cid: `${member}${version}@rls` } : { reason: 'rejected' }) }] },
]), state === 'active' ? [{ cid: `${member}${version}@rls`, type: 'application/pidf+xml', body: pidf(`sip:${member}@10.0.0.100`, basic) }] : []);

test('partial versions merge; a version gap refreshes the subscription and the full state it brings drops a resource; stale versions ignored', () => {
  const rls = rlsWithBob();
  start(rls);
  rls.notify(full(0, ['anna', 'bert', 'cleo']));
  let mark = rls.bob.events.length;
  rls.notify(partial(1, 'bert', 'closed'));
  assert.equal(since(rls.bob, mark, 'list-resource').map((e) => [e.uri, e.state, e.presence!.display]), [['sip:bert@10.0.0.100', 'active', 'offline']]);
  assert.equal(since(rls.bob, mark, 'list').map((l) => [l.version, l.outcome, l.resources]), [[1, 'applied', 3]]);

  // Version 2 is lost; 3 arrives: applied (it is newer) and a refresh SUBSCRIBE goes at once.
  rls.onRefresh = () => { rls.onRefresh = null; rls.notify(full(4, ['anna', 'bert'])); };
  mark = rls.bob.events.length;
  rls.notify(partial(3, 'cleo', 'closed', 'terminated'));
  rls.net.run(50);
  assert.is(rls.subscribes.length, 2, 'a refresh SUBSCRIBE after the gap');
  assert.match(rls.subscribes[1]!, /^SUBSCRIBE sip:10\.0\.0\.100:5060 SIP\/2\.0\r\n/, 'in the dialog');
  assert.match(rls.subscribes[1]!, /\r\nSupported: eventlist\r\n/);
  const lists = since(rls.bob, mark, 'list');
  assert.equal(lists.map((l) => [l.version, l.fullState, l.outcome]), [[3, false, 'refreshing'], [4, true, 'applied']]);
  const res = since(rls.bob, mark, 'list-resource');
  assert.equal(res.map((e) => [e.uri, e.state, e.reason]), [
    ['sip:cleo@10.0.0.100', 'terminated', 'rejected'],
    ['sip:anna@10.0.0.100', 'active', ''],
    ['sip:bert@10.0.0.100', 'active', ''],
    ['sip:cleo@10.0.0.100', 'removed', ''],
  ]);
  assert.ok(rls.bob.of('warning').some((w) => w.code === 'list-version-gap'));
  assert.is(lists.at(-1)!.resources, 2);

  mark = rls.bob.events.length;
  rls.notify(partial(2, 'anna', 'closed'));
  assert.equal(since(rls.bob, mark, 'list').map((l) => [l.version, l.outcome]), [[4, 'stale']]);
  assert.is(since(rls.bob, mark, 'list-resource').length, 0, 'a stale version changes nothing');
  assert.is(rls.subscribes.length, 2);
});

test('dialog lists: each resource\'s dialog-info part is summarised (RFC 4235 states)', () => {
  const rls = rlsWithBob(true, 'dialog');
  start(rls, 'dialog');
  const di = (entity: string, version: number, dialogs: string) =>
    `<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${entity}">${dialogs}</dialog-info>\n`;
  const n = related(rlmi(LIST, 0, true, [
    { uri: 'sip:anna@10.0.0.100', instances: [{ id: 'a', state: 'active', cid: 'a@rls' }] },
    { uri: 'sip:bert@10.0.0.100', instances: [{ id: 'b', state: 'active', cid: 'b@rls' }] },
  ]), [
    { cid: 'a@rls', type: 'application/dialog-info+xml', body: di('sip:anna@10.0.0.100', 3, '<dialog id="d1" direction="recipient"><state>early</state></dialog><dialog id="d2"><state>confirmed</state></dialog>') },
    { cid: 'b@rls', type: 'application/dialog-info+xml', body: di('sip:bert@10.0.0.100', 0, '') },
  ]);
  rls.notify(n);
  const res = rls.bob.of('list-resource');
  assert.equal(res.map((e) => [e.uri, e.state, e.presence, e.dialog]), [
    ['sip:anna@10.0.0.100', 'active', null, { dialogs: 2, state: 'early', version: 3 }],
    ['sip:bert@10.0.0.100', 'active', null, { dialogs: 0, state: 'idle', version: 0 }],
  ]);
});

test('not a list body, a broken list body, and a UA without the module', () => {
  const rls = rlsWithBob();
  start(rls);
  // A pending NOTIFY without body and a single PIDF (the URI is not a list): plain notify events only.
  rls.notify(null, 'pending;expires=600');
  const single = pidf('sip:buddies@10.0.0.100', 'open');
  rls.notify({ contentType: Buffer.from('application/pidf+xml'), body: Buffer.from(single), text: single });
  assert.is(rls.bob.of('notify').length, 2);
  assert.is(rls.bob.of('list').length + rls.bob.of('list-resource').length, 0);
  // multipart/related whose root is not RLMI: bad-body, answered 200 all the same (the body is the application's problem).
  const broken = related('<not-rlmi/>', []);
  rls.notify({ ...broken, body: Buffer.from(Buffer.from(broken.body).toString('latin1').replace('<not-rlmi/>', '<list xmlns="urn:ietf:params:xml:ns:rlmi"')) });
  const bad = rls.bob.of('list');
  assert.equal(bad.map((l) => [l.outcome, l.error]), [['bad-body', 'Rlmi']]);
  assert.ok(rls.bob.sent.some((s) => s.startsWith('SIP/2.0 200 OK') && /CSeq: 3 NOTIFY/.test(s)));

  const plain = rlsWithBob(false);
  start(plain);
  plain.notify(full(0, ['anna']));
  assert.is(plain.bob.of('notify').length, 1, 'the application still gets the raw NOTIFY');
  assert.is(plain.bob.of('list').length + plain.bob.of('list-resource').length, 0, 'no list events unless enabled');
});

test('the subscription ending forgets the list; a new subscription starts a new version sequence', () => {
  const rls = rlsWithBob();
  const id = start(rls);
  rls.notify(full(7, ['anna', 'bert']));
  rls.notify(null, 'terminated;reason=deactivated');
  // The UA resubscribes (deactivated: at once, RFC 6665 §4.1.3); the new dialog numbers from 0 again.
  rls.net.run(3000);
  assert.ok(rls.subscribes.length >= 2, 'a fresh SUBSCRIBE');
  const mark = rls.bob.events.length;
  rls.notify(full(0, ['cleo']));
  assert.equal(since(rls.bob, mark, 'list').map((l) => [l.subscriptionId, l.version, l.outcome, l.resources]), [[id, 0, 'applied', 1]]);
  assert.equal(since(rls.bob, mark, 'list-resource').map((e) => [e.uri, e.state]), [['sip:cleo@10.0.0.100', 'active']]);
});

test.run();
