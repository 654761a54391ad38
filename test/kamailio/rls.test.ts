// Resource lists through a real RLS (RFC 4662 + RFC 4826): Kamailio 5.6 with rls + pua and
// xcap_server (startKamailio({ rls: true })). Alice PUTs an rls-services document listing bob
// and carol over XCAP (NodeXcapClient, digest auth), subscribes to the list URI with eventlist,
// bob and carol PUBLISH, and alice's UA (enableResourceLists) turns Kamailio's multipart/related
// NOTIFYs into per-resource presence events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { UaTestHost } from '../ua-kamailio/ua-test-host.js';
import { NodeXcapClient } from '../../platform/node/xcap-client.js';
import { Auid, writeRlsServices } from '../../core/presence/xcap/index.js';
import { resourceListsModule, type UaEvent } from '../../core/ua/index.js';

const skip = skipWithoutKamailio('test/kamailio/rls.test.ts', undefined, { rls: true });
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];
const te = new TextEncoder();

type ListResourceEvent = Extract<UaEvent, { kind: 'list-resource' }>;

async function openUa(user: string, k: Kamailio): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'udp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password: `${user}pw`, registrar: `sip:${k.host}:${k.port};transport=udp`,
    localAddress: '127.0.0.1', localPort: port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
    subscribeExpires: 120, publishExpires: 60,
  }));
  hosts.push(h);
  assert.ok(h.run((ua, now) => ua.register(now)).ok);
  await h.waitFor('registration', (e) => e.state === 'registered', 5000);
  return h;
}

const pidf = (user: string, basic: 'open' | 'closed', note: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${user}@127.0.0.1">\n<tuple id="t-${user}"><status><basic>${basic}</basic></status><note>${note}</note></tuple>\n</presence>\n`;

test.before(async () => {
  if (skip) return;
  kam = await startKamailio({ rls: true, debug: Number(process.env.KAM_DEBUG ?? 1) });
});

test.after(async () => {
  if (process.env.KAM_DEBUG) console.log(kam?.log());
  for (const h of hosts) h.close();
  await kam?.stop();
});

test('rls-services over XCAP, SUBSCRIBE with eventlist, per-resource presence from multipart/related NOTIFYs', async () => {
  if (skip) return;
  const k = kam!;
  const alice = await openUa('alice', k);
  const bob = await openUa('bob', k);
  const carol = await openUa('carol', k);
  alice.run((ua) => ua.enableResourceLists(resourceListsModule));

  // Alice's list lives in her rls-services document (RFC 4826 §4), stored over XCAP.
  const listUri = `sip:alice-buddies@${k.domain}`;
  const out = new Uint8Array(2048);
  const n = writeRlsServices([{ uri: listUri, listName: 'buddies', packages: ['presence'], entries: [{ uri: `sip:bob@${k.domain}`, displayName: 'Bob' }, { uri: `sip:carol@${k.domain}`, displayName: 'Carol' }] }], out).unwrap();
  const xcap = new NodeXcapClient({ host: k.host, port: k.port, xui: `sip:alice@${k.domain}`, username: 'alice', password: 'alicepw', timeoutMs: 4000 });
  const stored = await xcap.putDocument(Auid.RlsServices, out.slice(0, n));
  assert.ok(stored.ok, JSON.stringify(stored));

  bob.run((ua, now) => ua.publish(te.encode(pidf('bob', 'open', 'Bob at his desk')), 'application/pidf+xml', now)).unwrap();
  carol.run((ua, now) => ua.publish(te.encode(pidf('carol', 'closed', 'Carol is out')), 'application/pidf+xml', now)).unwrap();
  await bob.waitFor('publish-outcome', (e) => e.ok, 5000);
  await carol.waitFor('publish-outcome', (e) => e.ok, 5000);

  const subId = alice.run((ua, now) => ua.subscribe(listUri, 'presence', now, { eventlist: true })).unwrap();
  await alice.waitFor('subscription', (e) => e.id === subId && e.state === 'active', 5000);
  const bobSeen = await alice.waitFor('list-resource', (e) => e.subscriptionId === subId && e.uri === `sip:bob@${k.domain}` && e.presence?.display === 'available', 8000);
  const carolSeen = await alice.waitFor('list-resource', (e) => e.subscriptionId === subId && e.uri === `sip:carol@${k.domain}` && e.presence?.display === 'offline', 8000);
  assert.is(bobSeen.list, listUri);
  assert.is(bobSeen.state, 'active');
  assert.is(bobSeen.presence!.note, 'Bob at his desk');
  assert.is(carolSeen.presence!.note, 'Carol is out');
  const lists = alice.events.filter((e): e is Extract<UaEvent, { kind: 'list' }> => e.kind === 'list' && e.subscriptionId === subId);
  assert.ok(lists.length > 0 && lists.every((l) => l.uri === listUri && l.outcome !== 'bad-body'), JSON.stringify(lists));

  // A change of one resource reaches alice as that resource's event.
  const m = alice.mark();
  bob.run((ua, now) => ua.publish(te.encode(pidf('bob', 'open', 'Bob on a call')), 'application/pidf+xml', now)).unwrap();
  const changed = await alice.waitFor('list-resource', (e) => e.subscriptionId === subId && e.uri === `sip:bob@${k.domain}` && e.presence?.note === 'Bob on a call', 8000, m);
  assert.is((changed as ListResourceEvent).state, 'active');
});

test.run();
