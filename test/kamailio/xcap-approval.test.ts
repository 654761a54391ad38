// Watcher approval through a real server (RFC 3857/3858 + RFC 5025 over XCAP, RFC 4825): Kamailio
// 5.6 with xcap_server and presence_xml force_active=0 (startKamailio({ xcap: true })). Bob's
// subscription to alice stays pending; alice's presence.winfo subscription reports him pending;
// alice approves in her watcher table, NodeXcapClient PUTs her pres-rules with digest auth, and
// bob's subscription turns active with alice's PIDF. Carol is denied: terminated;reason=rejected.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { UaTestHost } from '../ua-kamailio/ua-test-host.js';
import { NodeXcapClient } from '../../platform/node/xcap-client.js';
import { WatcherTable, WatcherinfoReader, WatcherStatus, PidfReader } from '../../core/presence/index.js';

const skip = skipWithoutKamailio('test/kamailio/xcap-approval.test.ts', undefined, { xcap: true });
let kam: Kamailio | undefined;
const hosts: UaTestHost[] = [];
const te = new TextEncoder();
const td = new TextDecoder();

async function openUa(user: string, k: Kamailio): Promise<UaTestHost> {
  const h = await UaTestHost.open(user, 'udp', (port) => ({
    aor: `sip:${user}@${k.domain}`, username: user, password: `${user}pw`, registrar: `sip:${k.host}:${k.port};transport=udp`,
    localAddress: '127.0.0.1', localPort: port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
    subscribeExpires: 60, publishExpires: 60,
  }));
  hosts.push(h);
  assert.ok(h.run((ua, now) => ua.register(now)).ok);
  await h.waitFor('registration', (e) => e.state === 'registered', 5000);
  return h;
}

function xcapFor(user: string, k: Kamailio, owner = user): NodeXcapClient {
  return new NodeXcapClient({ host: k.host, port: k.port, xui: `sip:${owner}@${k.domain}`, username: user, password: `${user}pw`, timeoutMs: 4000 });
}

test.before(async () => {
  if (skip) return;
  kam = await startKamailio({ xcap: true });
});

test.after(async () => {
  for (const h of hosts) h.close();
  await kam?.stop();
});

test('pending watcher → winfo reports it → approve over XCAP → active with PIDF; deny → rejected', async () => {
  if (skip) return;
  const k = kam!;
  const alice = await openUa('alice', k);
  const bob = await openUa('bob', k);
  const carol = await openUa('carol', k);

  // Alice watches her watchers (RFC 3857) and publishes her presence.
  const winfoId = alice.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence.winfo', now)).unwrap();
  await alice.waitFor('subscription', (e) => e.id === winfoId && e.state === 'active', 5000);
  const pidf = `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@${k.domain}">\n<tuple id="t-alice"><status><basic>open</basic></status><note>At my desk</note></tuple>\n</presence>\n`;
  alice.run((ua, now) => ua.publish(te.encode(pidf), 'application/pidf+xml', now)).unwrap();
  await alice.waitFor('publish-outcome', (e) => e.ok, 5000);

  // Bob subscribes: alice has no rules yet, so the server keeps him pending (no state for him).
  const mb = bob.mark();
  const bobSub = bob.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence', now)).unwrap();
  await bob.waitFor('subscription', (e) => e.id === bobSub && e.state === 'pending', 5000, mb);
  assert.not.ok(bob.events.slice(mb).some((e) => e.kind === 'notify' && e.subscriptionId === bobSub && td.decode(e.body).includes('At my desk')), 'no presence before approval');

  // Alice's winfo NOTIFY lists bob as pending: the phone asks her.
  const table = new WatcherTable();
  const reader = new WatcherinfoReader();
  const winfo = await alice.waitFor('notify', (e) => e.subscriptionId === winfoId && td.decode(e.body).includes('sip:bob@'), 5000).catch((err) => {
    throw new Error(`${String(err).slice(0, 300)}\nwinfo bodies: ${alice.events.filter((e) => e.kind === 'notify').map((e) => td.decode((e as { body: Uint8Array }).body)).join('\n---\n')}`);
  });
  for (const e of alice.events) if (e.kind === 'notify' && e.subscriptionId === winfoId && e.body.length > 0) table.applyNotify(reader, e.body, 0, e.body.length);
  const pending = new Int16Array(4);
  const n = table.pending(pending);
  const bobSlot = Array.from(pending.subarray(0, n)).find((i) => table.watchers[i]!.uri.text() === `sip:bob@${k.domain}`);
  assert.ok(bobSlot !== undefined, `bob pending in ${td.decode(winfo.body)}`);
  assert.is(table.watchers[bobSlot!]!.status, WatcherStatus.Pending);

  // Only the owner may write her rules: bob's credentials on alice's document are refused (403).
  const intruder = await xcapFor('bob', k, 'alice').approveWatcher(`sip:bob@${k.domain}`);
  assert.equal(intruder.ok ? 'stored' : intruder.status, 403);

  // Alice approves; the pres-rules PUT (401 → digest → 201) makes the server activate bob.
  const xcap = xcapFor('alice', k);
  assert.ok(table.decide(bobSlot!, true));
  const stored = await xcap.carryOutDecisions(table);
  assert.ok(stored.ok, JSON.stringify(stored));
  if (stored.ok) assert.ok(stored.status === 200 || stored.status === 201, `status ${stored.status}`);
  assert.equal(xcap.presRules.rules.rules(), [{ watcher: `sip:bob@${k.domain}`, handling: 'allow' }]);
  await bob.waitFor('subscription', (e) => e.id === bobSub && e.state === 'active', 5000, mb);
  const presence = await bob.waitFor('notify', (e) => e.subscriptionId === bobSub && e.state === 'active' && td.decode(e.body).includes('At my desk'), 5000, mb);
  const doc = new PidfReader();
  assert.is(doc.read(presence.body, 0, presence.body.length), 0);
  assert.is(doc.document.tupleCount, 1);
  // Kamailio 5.6 sends no presence.winfo NOTIFY for the pending → active change made by
  // pres_update_watchers (RFC 3857 §3.2 would have one); the table keeps alice's decision instead.
  assert.not.ok(table.watchers[bobSlot!]!.needsDecision, 'bob is not offered again');

  // Carol subscribes and is denied: block → terminated;reason=rejected (RFC 5025 §3.2.1).
  const mc = carol.mark();
  const carolSub = carol.run((ua, now) => ua.subscribe(`sip:alice@${k.domain}`, 'presence', now)).unwrap();
  await carol.waitFor('subscription', (e) => e.id === carolSub && e.state === 'pending', 5000, mc);
  const denied = await xcap.denyWatcher(`sip:carol@${k.domain}`);
  assert.ok(denied.ok, JSON.stringify(denied));
  const end = await carol.waitFor('subscription', (e) => e.id === carolSub && (e.state === 'failed' || e.state === 'terminated'), 5000, mc);
  assert.is(end.reason, 'rejected');
  assert.not.ok(carol.events.slice(mc).some((e) => e.kind === 'notify' && td.decode(e.body).includes('At my desk')), 'carol never saw alice');
  // Bob is unaffected by carol's rule (the coalesced document still allows him).
  assert.is(xcap.presRules.rules.get(`sip:bob@${k.domain}`), 'allow');
  assert.ok(!bob.events.slice(mb).some((e) => e.kind === 'subscription' && e.id === bobSub && e.state === 'terminated'));
});

test.run();
