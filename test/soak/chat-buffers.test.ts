// Two buffer-pool leaks of session-mode chats, found by the soak's occupancy figures (a heap diff
// cannot see them: the pools are allocated once, so memory stays flat while slots run out):
// 1. a chat INVITE's request buffer was never returned (releaseRequestSlot skipped INVITEs, also
//    at EVENT_TERMINATED): after 16 chats a phone could send nothing at all;
// 2. an INVITE answered 180 and then 486/480/487 lost the 180's response buffer (only the last
//    response's slot was recorded): after ~128 such chats every incoming request was dropped.
// Two UAs in memory (test/ua/memory-net.ts), virtual time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, type UaNode } from '../ua/memory-net.js';
import { chatModule, UaOccupancy } from '../../core/ua/index.js';

function pair(): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 3);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5060 }, 4);
  alice.ua.enableChat(chatModule, { listener: { address: '10.0.0.1', port: 7000 } });
  bob.ua.enableChat(chatModule, { listener: { address: '10.0.0.2', port: 7000 } });
  return { net, alice, bob };
}

/** Bob answers alice's next chat offer with `answer`, then both sides end it. */
function chat(net: MemoryNet, alice: UaNode, bob: UaNode, answer: 'accept' | 'reject' | 'cancel'): void {
  const id = alice.ua.startChat('sip:bob@10.0.0.2', net.now).unwrap();
  alice.drain();
  net.run(50);
  const offer = bob.of('chat-offer').pop()!;
  assert.ok(offer !== undefined, 'bob got the offer');
  if (answer === 'accept') {
    bob.ua.acceptChat(offer.sessionId, net.now).unwrap();
    bob.drain();
    net.run(50);
    alice.ua.endChat(id, net.now).unwrap();
    alice.drain();
  } else if (answer === 'reject') {
    bob.ua.rejectChat(offer.sessionId, 486, net.now).unwrap();
    bob.drain();
  } else {
    alice.ua.endChat(id, net.now).unwrap(); // CANCEL → 487 to the INVITE
    alice.drain();
  }
  net.run(5000); // an ended chat lingers 64·T1 in its slot (8 slots): one chat every 5 s keeps a slot free
}

const held = (n: UaNode) => {
  const o = n.ua.occupancy(new UaOccupancy());
  return { requestBuffers: o.requestBuffersInUse, responseBuffers: o.responseBuffersInUse, clientTx: o.clientTransactions, serverTx: o.serverTransactions, chats: o.chats };
};
const none = { requestBuffers: 0, responseBuffers: 0, clientTx: 0, serverTx: 0, chats: 0 };

for (const answer of ['accept', 'reject', 'cancel'] as const) {
  test(`40 chats (${answer}): every request and response buffer comes back when the transactions end`, () => {
    const { net, alice, bob } = pair();
    for (let i = 0; i < 40; i++) {
      chat(net, alice, bob, answer);
      // Buffers are held only by live transactions: never more than those.
      for (const n of [alice, bob]) {
        const h = held(n);
        assert.ok(h.requestBuffers <= h.clientTx && h.responseBuffers <= h.serverTx, `chat ${i}: ${JSON.stringify(h)}`);
      }
    }
    const states = alice.of('chat-state').filter((e) => e.state === 'ended').length;
    assert.is(states, 40, 'every chat ended at the caller');
    net.run(60_000); // Timer D/H/I/J/K and the chats' 64·T1 linger
    assert.equal(held(alice), none);
    assert.equal(held(bob), none);
    // And the phone can still do everything: a MESSAGE goes and is answered.
    alice.ua.sendMessage('sip:bob@10.0.0.2', 'text/plain', new Uint8Array([104, 105]), net.now).unwrap();
    alice.drain();
    net.run(3000);
    assert.is(alice.of('message-status').pop()?.outcome, 'accepted');
  });
}

test.run();
