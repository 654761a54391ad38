import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createUacDialog, createUasDialog, DialogTable, isLooseRoute, uriOf } from '../../core/dialog/index.js';

const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const local = { callId: 'a84b4c76e66710@pc33.atlanta.com', localTag: '1928301774', localUri: 'sip:alice@atlanta.com', remoteUri: 'sip:bob@biloxi.com' };

test('§12.1.2 UAC: route set is Record-Route reversed; remote target is the Contact', () => {
  const d = createUacDialog(local, {
    remoteTag: 'a6c85cf',
    contactUri: 'sip:bob@192.0.2.4',
    recordRoutes: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
    secure: false,
  }, 314159, false);
  assert.equal(d.routeSet, ['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>']);
  assert.is(d.remoteTarget, 'sip:bob@192.0.2.4');
  assert.is(d.nextLocalSeq(), 314160);
  assert.equal(d.requestTarget(), { requestUri: 'sip:bob@192.0.2.4', routes: ['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>'] });
});

test('§12.2.1.1 strict router first: Request-URI is the router, remote target goes last', () => {
  const d = createUacDialog(local, { remoteTag: 't', contactUri: 'sip:bob@192.0.2.4', recordRoutes: ['<sip:p2.example.com;lr>', '<sip:strict.example.com>'], secure: false }, 1, false);
  assert.equal(d.requestTarget(), { requestUri: 'sip:strict.example.com', routes: ['<sip:p2.example.com;lr>', '<sip:bob@192.0.2.4>'] });
});

test('§12.1.1 UAS: route set in order; out-of-order CSeq refused (§12.2.2), target refresh', () => {
  const d = createUasDialog({ ...local, localTag: 'uas-tag' }, { remoteTag: 'from-tag', contactUri: 'sip:alice@pc33.atlanta.com', recordRoutes: ['<sip:a;lr>', '<sip:b;lr>'], secure: true }, 100, false);
  assert.equal(d.routeSet, ['<sip:a;lr>', '<sip:b;lr>']);
  assert.ok(d.acceptRemoteSeq(101));
  assert.not.ok(d.acceptRemoteSeq(100));
  assert.ok(d.acceptRemoteSeq(101), 'a retransmission with the same CSeq is the transaction layer\'s business');
  d.refreshTarget('sip:alice@198.51.100.7');
  assert.is(d.remoteTarget, 'sip:alice@198.51.100.7');
  d.refreshTarget('');
  assert.is(d.remoteTarget, 'sip:alice@198.51.100.7', 'no Contact keeps the old target');
  assert.ok(d.secure);
});

test('an early dialog confirmed by the 2xx takes that response\'s route set', () => {
  const d = createUacDialog(local, { remoteTag: 'x', contactUri: 'sip:early@h', recordRoutes: ['<sip:one;lr>'], secure: false }, 1, true);
  assert.is(d.state, 'early');
  d.confirm({ remoteTag: 'x', contactUri: 'sip:final@h', recordRoutes: ['<sip:two;lr>', '<sip:three;lr>'], secure: false });
  assert.is(d.state, 'confirmed');
  assert.is(d.remoteTarget, 'sip:final@h');
  assert.equal(d.routeSet, ['<sip:three;lr>', '<sip:two;lr>']);
});

test('no Contact: the remote URI is the target; CSeq wraps below 2^31', () => {
  const d = createUacDialog(local, { remoteTag: 'x', contactUri: '', recordRoutes: [], secure: false }, 0x7fffffff, false);
  assert.is(d.remoteTarget, 'sip:bob@biloxi.com');
  assert.is(d.nextLocalSeq(), 1);
});

test('the table matches by Call-ID and both tags in place, bounded capacity', () => {
  const table = new DialogTable(2);
  const a = createUacDialog(local, { remoteTag: 'r1', contactUri: '', recordRoutes: [], secure: false }, 1, false);
  const b = createUacDialog(local, { remoteTag: 'r2', contactUri: '', recordRoutes: [], secure: false }, 1, false);
  const c = createUacDialog({ ...local, callId: 'other' }, { remoteTag: 'r3', contactUri: '', recordRoutes: [], secure: false }, 1, false);
  assert.ok(table.add(a) && table.add(b));
  assert.not.ok(table.add(c), 'full: refused, not evicted');
  const msg = enc(`${local.callId}|${local.localTag}|r2`);
  const callLen = local.callId.length;
  const tagOff = callLen + 1;
  const remoteOff = tagOff + local.localTag.length + 1;
  assert.is(table.find(msg, 0, callLen, tagOff, local.localTag.length, remoteOff, 2), b, 'forked dialogs differ by remote tag');
  assert.is(table.find(msg, 0, callLen, tagOff, local.localTag.length, remoteOff, 1), null);
  table.remove(b);
  assert.is(table.size, 1);
  assert.ok(table.add(c));
});

test('loose-route detection and URI extraction', () => {
  assert.ok(isLooseRoute('<sip:p1.example.com;lr>'));
  assert.ok(isLooseRoute('<sip:p1.example.com;transport=tcp;LR=on>'));
  assert.not.ok(isLooseRoute('<sip:p1.example.com;lrx>'));
  assert.not.ok(isLooseRoute('<sip:p1.example.com>;lr'), 'a header parameter is not a URI parameter');
  assert.is(uriOf('"Proxy" <sip:p@h;lr>;x=1'), 'sip:p@h;lr');
  assert.is(uriOf(' sip:bare@h '), 'sip:bare@h');
});

test.run();
