// baresip 1.0.0 as an independent peer through Kamailio (issue 5 part 6, issue 4 part 9):
// MESSAGE to and from baresip, and baresip's own PUBLISHed presence seen by a watcher.
// The other side is an InteropPeer (test/support/baresip/peer.ts): the raw client here; the UA
// façade tests can run the same scenarios (test/support/baresip/scenarios.ts) with our UA.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipWithoutBaresip, withBaresip, type Baresip, type BaresipOptions } from '../support/baresip/harness.js';
import { openRawPeer, pidfBasics, type InteropPeer } from '../support/baresip/peer.js';
import { baresipSeesPresence, messageFromBaresip, messageToBaresip, watchBaresipPresence } from '../support/baresip/scenarios.js';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';

const skip = skipWithoutBaresip('test/baresip/interop.test.ts') || skipWithoutKamailio('test/baresip/interop.test.ts');
let kam: Kamailio | undefined;

test.before(async () => {
  if (!skip) kam = await startKamailio();
});
test.after(async () => {
  await kam?.stop();
});

const bobOptions = (extra: Partial<BaresipOptions> = {}): BaresipOptions =>
  ({ kamailio: kam!, user: 'bob', password: 'bobpw', peers: ['alice', 'carol'], ...extra });

/** Runs `body` with baresip as bob and a raw peer as alice, both stopped whatever happens. */
async function withBobAndAlice(extra: Partial<BaresipOptions>, body: (alice: InteropPeer, bob: Baresip) => Promise<void>): Promise<void> {
  await withBaresip(bobOptions(extra), async (bob) => {
    const alice = await openRawPeer(kam!, 'alice', 'alicepw');
    try {
      await body(alice, bob);
    } finally {
      await alice.close();
    }
  });
}

test('pidfBasics reads <basic> with or without a namespace prefix', () => {
  assert.equal(pidfBasics('<tuple><status><basic>open</basic></status></tuple><p:basic> closed </p:basic>'), ['open', 'closed']);
  assert.equal(pidfBasics(''), []);
});

if (skip) {
  test.skip('baresip interop through Kamailio (baresip or kamailio not installed)', () => {});
} else {
  test('alice (raw) → MESSAGE → Kamailio → baresip bob: baresip shows it, alice gets 200', async () => {
    await withBobAndAlice({}, async (alice, bob) => {
      const text = 'hello bob — "quoted" ü\nsecond line';
      const { status, received } = await messageToBaresip(alice, bob, text);
      assert.is(status, 200);
      assert.is(received.peer, 'sip:alice@127.0.0.1');
      assert.is(received.body, text);
      assert.is(bob.messages.length, 1, 'exactly one MESSAGE shown');
    });
  });

  test('baresip bob → MESSAGE (ctrl_tcp message) → Kamailio → alice (raw), who answers 200', async () => {
    await withBobAndAlice({}, async (alice, bob) => {
      const received = await messageFromBaresip(bob, alice, 'hi alice — ü');
      assert.is(received.from, 'sip:bob@127.0.0.1');
      assert.match(received.contentType, /^text\/plain/);
      assert.is(received.body, 'hi alice — ü');
      // A second one to the same contact: selecting the current contact is repeatable.
      const again = await messageFromBaresip(bob, alice, 'second');
      assert.is(again.body, 'second');
      assert.equal(bob.messageFailures(), []);
    });
  });

  test('baresip MESSAGE to an unregistered user: Kamailio\'s 404 shows in messageFailures()', async () => {
    await withBaresip(bobOptions(), async (bob) => {
      await bob.sendMessage('sip:carol@127.0.0.1', 'anyone there?');
      const deadline = Date.now() + 3000;
      while (bob.messageFailures().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(bob.messageFailures(), ['404 Not Found'], bob.log());
    });
  });

  test('baresip with pubint PUBLISHes PIDF: alice\'s SUBSCRIBE gets a NOTIFY saying open; presence_offline → a NOTIFY saying closed', async () => {
    await withBobAndAlice({ pubint: 60 }, async (alice, bob) => {
      const { watch, basics } = await watchBaresipPresence(alice, bob, 'open');
      assert.ok(basics.includes('open'), basics.join(','));
      const offline = await bob.command('presence_offline');
      assert.ok(offline.ok, offline.data);
      // baresip re-PUBLISHes with SIP-If-Match; Kamailio NOTIFYs the same subscription. Kamailio
      // keeps every publication made without SIP-If-Match, and baresip 1.0.0 sometimes sends two
      // initial PUBLISHes, so a stale "open" tuple may remain beside the closed one: check that
      // a closed tuple arrives, not that open is gone.
      const later = await watch.until((b) => b.includes('closed'), 5000);
      assert.ok(later.includes('closed'), later.join(','));
    });
  });

  test('baresip as watcher: alice (raw) PUBLISHes open then closed; baresip\'s contact shows Online then Offline', async () => {
    const alice = await openRawPeer(kam!, 'alice', 'alicepw');
    try {
      await withBaresip({ kamailio: kam!, user: 'bob', password: 'bobpw', contacts: [{ uri: alice.aor, name: 'Alice', watch: true }] }, async (bob) => {
        assert.is(await baresipSeesPresence(alice, bob, 'open'), 200);
        assert.is(await bob.contactStatus(alice.aor), 'Online');
        assert.is(await baresipSeesPresence(alice, bob, 'closed'), 200);
        assert.match(bob.log(), /<sip:alice@127\.0\.0\.1> changed status from Online to Offline/);
      });
    } finally {
      await alice.close();
    }
  });
}

test.run();
