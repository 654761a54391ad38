// baresip 1.0.0 and OUR UserAgent through Kamailio (issue 5 part 6, issue 4 part 9): the flows of
// test/support/baresip/scenarios.ts, unchanged, with alice being our UA (ua-peer.ts) instead of
// the raw client: MESSAGE to and from baresip, alice watching baresip's presence, baresip
// watching alice's PUBLISHed presence. Each test stops baresip and alice's UA in finally.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipWithoutBaresip, withBaresip, type Baresip, type BaresipOptions } from '../support/baresip/harness.js';
import type { InteropPeer } from '../support/baresip/peer.js';
import { openUaPeer } from '../support/baresip/ua-peer.js';
import { baresipSeesPresence, messageFromBaresip, messageToBaresip, watchBaresipPresence } from '../support/baresip/scenarios.js';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';

const skip = skipWithoutBaresip('test/baresip/ua-peer.test.ts') || skipWithoutKamailio('test/baresip/ua-peer.test.ts');
let kam: Kamailio | undefined;

test.before(async () => {
  if (!skip) kam = await startKamailio();
});
test.after(async () => {
  await kam?.stop();
});

const bobOptions = (extra: Partial<BaresipOptions> = {}): BaresipOptions =>
  ({ kamailio: kam!, user: 'bob', password: 'bobpw', peers: ['alice', 'carol'], ...extra });

/** Runs `body` with baresip as bob and our UA as alice, both stopped whatever happens. */
async function withBobAndAlice(extra: Partial<BaresipOptions>, body: (alice: InteropPeer, bob: Baresip) => Promise<void>): Promise<void> {
  await withBaresip(bobOptions(extra), async (bob) => {
    const alice = await openUaPeer(kam!, 'alice', 'alicepw');
    try {
      await body(alice, bob);
    } finally {
      await alice.close();
    }
  });
}

if (skip) {
  test.skip('baresip and our UA through Kamailio (baresip or kamailio not installed)', () => {});
} else {
  test('our UA alice → MESSAGE → Kamailio → baresip bob: baresip shows it, alice\'s delivery event says 200', async () => {
    await withBobAndAlice({}, async (alice, bob) => {
      const text = 'hello bob from our UA — "quoted" ü\nsecond line';
      const { status, received } = await messageToBaresip(alice, bob, text);
      assert.is(status, 200);
      assert.is(received.peer, 'sip:alice@127.0.0.1');
      assert.is(received.body, text);
      assert.is(bob.messages.length, 1, 'exactly one MESSAGE shown');
    });
  });

  test('baresip bob → MESSAGE → Kamailio → our UA alice (inbound policy: via the registrar), answered 200', async () => {
    await withBobAndAlice({}, async (alice, bob) => {
      const received = await messageFromBaresip(bob, alice, 'hi alice — ü');
      assert.is(received.from, 'sip:bob@127.0.0.1');
      assert.match(received.contentType, /^text\/plain/);
      assert.is(received.body, 'hi alice — ü');
      const again = await messageFromBaresip(bob, alice, 'second');
      assert.is(again.body, 'second');
      assert.equal(bob.messageFailures(), [], 'baresip saw no failure for either MESSAGE');
    });
  });

  test('our UA MESSAGEs a user who is not registered: one delivery event, refused 404 by Kamailio', async () => {
    await withBobAndAlice({}, async (alice) => {
      assert.is(await alice.sendMessage('sip:carol@127.0.0.1', 'anyone there?'), 404);
    });
  });

  test('our UA watches baresip (pubint): a NOTIFY saying open; presence_offline → a NOTIFY saying closed', async () => {
    await withBobAndAlice({ pubint: 60 }, async (alice, bob) => {
      const { watch, basics } = await watchBaresipPresence(alice, bob, 'open');
      assert.ok(basics.includes('open'), basics.join(','));
      const offline = await bob.command('presence_offline');
      assert.ok(offline.ok, offline.data);
      // As in interop.test.ts: a stale "open" tuple from a doubled initial PUBLISH may remain.
      const later = await watch.until((b) => b.includes('closed'), 5000);
      assert.ok(later.includes('closed'), later.join(','));
    });
  });

  test('baresip watches our UA: alice PUBLISHes open then closed; baresip shows Online then Offline', async () => {
    const alice = await openUaPeer(kam!, 'alice', 'alicepw');
    try {
      await withBaresip({ kamailio: kam!, user: 'bob', password: 'bobpw', contacts: [{ uri: alice.aor, name: 'Alice', watch: true }] }, async (bob) => {
        assert.is(await baresipSeesPresence(alice, bob, 'open'), 200);
        assert.is(await bob.contactStatus(alice.aor), 'Online');
        assert.is(await baresipSeesPresence(alice, bob, 'closed'), 200);
        assert.match(bob.log(), /<sip:alice@127\.0\.0\.1> changed status from Online to Offline/);
      });
      // Both PUBLISHes got their own outcome event, each with an entity tag from the server.
      const outcomes = alice.ua.events.filter((e) => e.kind === 'publish-outcome');
      assert.ok(outcomes.length >= 2 && outcomes.every((e) => e.kind === 'publish-outcome' && e.ok && e.etag !== ''), JSON.stringify(outcomes));
    } finally {
      await alice.close();
    }
  });
}

test.run();
