// publish(…, { event: 'dialog' }) against a real Kamailio 5.6 (presence + presence_dialoginfo):
// alice's UA PUBLISHes dialog-info written by core/packages/dialog-info-writer.ts next to her
// presence (two publications, two entity-tags); bob's UA, subscribed to alice's dialog package,
// gets NOTIFYs with her call (early → Ringing on his BLF key, then confirmed after a modify with
// SIP-If-Match); unpublish(now, 'dialog') removes only that publication. Every wait is bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { writeDialogInfo, type PublishedDialog } from '../../core/packages/dialog-info-writer.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { BusyLampTarget, BlfState } from '../../core/packages/dialog-info-blf.js';
import { PresenceDocError } from '../../core/presence/documents/index.js';
import { UaTestHost } from './ua-test-host.js';

const skip = skipWithoutKamailio('test/ua-kamailio/publish-dialog.test.ts');
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];
const te = new TextEncoder();
const td = new TextDecoder();

async function openUa(user: string, password: string, k: Kamailio): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'udp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password, registrar: `sip:${k.host}:${k.port};transport=udp`,
    localAddress: '127.0.0.1', localPort: port, t1: 100, backoff: { baseS: 1, maxS: 2 },
    subscribeExpires: 60, publishExpires: 60,
  }));
  hosts.push(h);
  return h;
}

function dialogInfo(entity: string, dialog: PublishedDialog): Uint8Array {
  const out = new Uint8Array(2048);
  const n = writeDialogInfo({ version: 0, state: 'full', entity, dialogs: [dialog] }, out);
  if (!n.ok) throw new Error(`dialog-info writer failed: ${JSON.stringify(n.val)}`);
  return out.slice(0, n.val);
}

test.before(async () => {
  if (skip) return;
  kam = await startKamailio();
});

test.after(async () => {
  for (const h of hosts) h.close();
  await kam?.stop();
});

test('alice PUBLISHes dialog-info (and presence) through the UA; bob\'s dialog subscription sees Ringing, then confirmed; unpublish dialog only', async () => {
  if (skip) return;
  assert.ok(kam, 'Kamailio started');
  const k = kam!;
  const alice = await openUa('alice', 'alicepw', k);
  const bob = await openUa('bob', 'bobpw', k);
  const aliceAor = `sip:alice@${k.domain}`;
  alice.run((ua, now) => ua.register(now));
  bob.run((ua, now) => ua.register(now));
  await alice.waitFor('registration', (e) => e.state === 'registered', 5000);
  await bob.waitFor('registration', (e) => e.state === 'registered', 5000);

  const blfId = bob.run((ua, now) => ua.subscribe(aliceAor, 'dialog', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === blfId && e.state === 'active', 5000);
  const mb = bob.mark();

  // Presence first, then dialog: both stay published, each under its own entity-tag.
  const ma = alice.mark();
  assert.ok(alice.run((ua, now) => ua.publish(te.encode(`<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${aliceAor}"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>`), 'application/pidf+xml', now)).ok);
  const early: PublishedDialog = { id: 'd1', callId: 'c1@127.0.0.1', localTag: 'l1', remoteTag: 'r1', direction: 'recipient', state: 'early', remote: { identity: 'sip:carol@127.0.0.1', display: 'Carol' } };
  assert.ok(alice.run((ua, now) => ua.publish(dialogInfo(aliceAor, early), 'application/dialog-info+xml', now, { event: 'dialog' })).ok);
  const pubDialog = await alice.waitFor('publish-outcome', (e) => e.event === 'dialog', 5000, ma);
  const pubPresence = await alice.waitFor('publish-outcome', (e) => e.event === 'presence', 5000, ma);
  assert.ok(pubDialog.ok, `dialog PUBLISH accepted (status ${pubDialog.status})`);
  assert.ok(pubPresence.ok, `presence PUBLISH accepted (status ${pubPresence.status})`);
  assert.ok(pubDialog.etag !== '' && pubPresence.etag !== '' && pubDialog.etag !== pubPresence.etag, `two entity-tags: ${pubDialog.etag} / ${pubPresence.etag}`);

  const ringing = await bob.waitFor('notify', (e) => e.subscriptionId === blfId && td.decode(e.body).includes('early'), 5000, mb);
  assert.is(ringing.event, 'dialog');
  assert.match(ringing.contentType, /application\/dialog-info\+xml/);
  const reader = new DialogInfoReader();
  assert.is(reader.read(ringing.body), PresenceDocError.None, td.decode(ringing.body));
  const key = new BusyLampTarget();
  key.apply(reader.document);
  assert.is(key.state, BlfState.Ringing, td.decode(ringing.body));
  assert.is(key.callerIdentity, 'sip:carol@127.0.0.1');

  // Modify (SIP-If-Match = the dialog tag): the call is answered.
  const m2 = bob.mark();
  const ma2 = alice.mark();
  alice.run((ua, now) => ua.publish(dialogInfo(aliceAor, { ...early, state: 'confirmed' }), 'application/dialog-info+xml', now, { event: 'dialog' }));
  const modified = await alice.waitFor('publish-outcome', (e) => e.event === 'dialog', 5000, ma2);
  assert.ok(modified.ok, `modify accepted (status ${modified.status})`);
  assert.not.ok(alice.wire.some((l) => l.startsWith('<< SIP/2.0 412')), 'no 412: every SIP-If-Match named a live entity-tag of its package');
  const confirmed = await bob.waitFor('notify', (e) => e.subscriptionId === blfId && td.decode(e.body).includes('confirmed'), 5000, m2);
  assert.is(reader.read(confirmed.body), PresenceDocError.None);
  key.apply(reader.document);
  assert.is(key.state, BlfState.Busy, td.decode(confirmed.body));

  // Remove the dialog publication only; presence stays published.
  const ma3 = alice.mark();
  assert.ok(alice.run((ua, now) => ua.unpublish(now, 'dialog')).ok);
  const removed = await alice.waitFor('publication', (e) => e.event === 'dialog' && (e.state === 'idle' || e.state === 'failed'), 5000, ma3);
  assert.is(removed.state, 'idle', `removal answered ${removed.status}`);
  assert.ok(!alice.events.slice(ma3).some((e) => e.kind === 'publication' && e.event === 'presence'), 'presence publication untouched');

  bob.run((ua, now) => ua.unsubscribe(blfId, now));
  await bob.waitFor('subscription', (e) => e.id === blfId && e.state === 'terminated', 5000, m2);
});

test.run();
