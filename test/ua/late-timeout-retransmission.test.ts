// A host that calls handleTimeout late (a busy device) can find Timer E and Timer F of one UDP
// request due at once (RFC 3261 §17.1.2.2): E queues a retransmission, F ends the transaction and
// frees its request buffer — and a request waiting for a buffer is written into it in the same
// call. The queued retransmission pointed at that buffer with the old length: the peer got the new
// request cut to the old one's length (or the old length padded with the new one's bytes), sent to
// the old destination. A retransmission of a transaction that has ended is not sent any more.
// (Found by reading the fuzzing campaign's note on the server-side bug of the same shape.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { enc, seededRandom } from './memory-net.js';

/** Every transmit, each checked to be exactly one whole SIP request: [method, To URI, CSeq]. */
function requests(ua: UserAgent): string[][] {
  const out = new Outgoing();
  const view = new SipMessageView();
  const got: string[][] = [];
  while (ua.pollTransmit(out)) {
    const n = parse(out.bytes, out.off, out.len, view, createParseOptions({ datagram: true }));
    assert.is(n, out.len, `a whole message, nothing cut or left over: ${JSON.stringify(String.fromCharCode(...out.bytes.subarray(out.off, out.off + out.len)))}`);
    got.push([view.method(), view.requestUri(), view.headerText(H.CSEQ) ?? '']);
  }
  return got;
}

test('Timer E and F due in one late handleTimeout: no retransmission of the ended request, the queued one goes out whole', () => {
  const ua = new UserAgent({
    random: seededRandom(3), aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060,
    capacities: { requestBuffers: 1 },
  });
  assert.ok(ua.sendMessage('sip:bob@10.0.0.2', 'text/plain', enc('the first message, which nobody answers'), 0).ok);
  assert.ok(ua.sendMessage('sip:carol@10.0.0.3', 'text/plain', enc('2nd'), 0).ok, 'queued: the only buffer is taken');
  assert.equal(requests(ua).map((r) => r[1]), ['sip:bob@10.0.0.2'], 'only the first goes out');
  // The host sleeps through all of Timer E's retransmissions and Timer F (64·T1 = 32 s).
  ua.handleTimeout(40_000);
  const sent = requests(ua);
  assert.equal(sent, [['MESSAGE', 'sip:carol@10.0.0.3', '1 MESSAGE']], 'the queued MESSAGE, whole; no retransmission of the timed-out one');
  const statuses: number[] = [];
  for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) if (e.kind === 'message-status') statuses.push(e.status);
  assert.ok(statuses.includes(408), `the first one timed out (${statuses.join(', ')})`);
});

test.run();
