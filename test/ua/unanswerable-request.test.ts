// Found by fuzzing (.tmp/fuzzcamp): a non-INVITE request missing a header the response must echo
// (To, From, Call-ID) was dropped with `unanswerable-request`, but its server transaction stayed
// in Trying forever — Trying has no timer and ignored the transport error the UA used to end it.
// maxTransactions (128) such datagrams from anyone left the phone deaf to every later request
// (`transactions-full`). Now the transaction ends at once and the phone keeps answering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, UaOccupancy, Outgoing, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { TxDriver } from '../support/tx-driver.js';
import { EVENT_REQUEST, EVENT_TERMINATED, EVENT_TRANSPORT_ERROR, STATE_TRYING, METHOD_MESSAGE } from '../../core/transaction/index.js';
import { enc, dec, seededRandom } from './memory-net.js';

function request(method: string, branch: string, omit: string): Uint8Array {
  const lines = [`${method} sip:bob@10.0.0.2:5070 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${branch}`, 'Max-Forwards: 70',
    'From: <sip:x@10.0.0.9>;tag=f1', 'To: <sip:bob@10.0.0.2>', `Call-ID: ${branch}@10.0.0.9`, `CSeq: 1 ${method}`, 'Content-Type: text/plain', 'Content-Length: 2', '', 'hi'];
  return enc(lines.filter((l) => !l.startsWith(omit)).join('\r\n'));
}

function run(ua: UserAgent, bytes: Uint8Array, from: Endpoint, now: number): { sent: string[]; events: UaEvent[] } {
  ua.handleDatagram(bytes, 0, bytes.length, from, now);
  const out = new Outgoing();
  const sent: string[] = [];
  while (ua.pollTransmit(out)) sent.push(dec(out.bytes, out.off, out.len));
  const events: UaEvent[] = [];
  for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) events.push(e);
  return { sent, events };
}

test('transaction engine: a non-INVITE server transaction in Trying ends on a transport error', () => {
  const d = new TxDriver();
  d.receiveRequest(METHOD_MESSAGE, 'z9hG4bK-u1', 1, false);
  const id = d.eventsOf(EVENT_REQUEST)[0]!.txId;
  assert.is(d.engine.stateOf(id), STATE_TRYING);
  assert.is(d.engine.handleTransportError(id, 0), 0);
  d.drain();
  assert.equal(d.eventsOf(EVENT_TRANSPORT_ERROR).map((e) => e.txId), [id]);
  assert.equal(d.eventsOf(EVENT_TERMINATED).map((e) => e.txId), [id]);
  assert.is(d.engine.liveCount, 0);
});

for (const transport of ['udp', 'ws'] as const) {
  test(`${transport}: 300 requests without To/From/Call-ID hold no transaction; the phone still answers`, () => {
    const ua = new UserAgent({ random: seededRandom(3), aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070, inboundMessagePolicy: 'open' });
    const from: Endpoint = { transport, address: '10.0.0.9', port: 5060 };
    const occ = new UaOccupancy();
    const methods = ['OPTIONS', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH'];
    const omitted = ['To:', 'From:', 'Call-ID:'];
    for (let i = 0; i < 300; i++) {
      const r = run(ua, request(methods[i % methods.length]!, `bad${i}`, omitted[i % omitted.length]!), from, i);
      assert.equal(r.sent, [], 'no response can be written');
      assert.equal(r.events.map((e) => e.kind === 'warning' ? e.code : e.kind), ['unanswerable-request']);
      ua.occupancy(occ);
      assert.is(occ.serverTransactions, 0, `request ${i}: its transaction ended`);
      assert.is(occ.endpointsInUse, 0, `request ${i}: its source endpoint was released`);
    }
    // More than maxTransactions (128) of them came in; later requests are still answered.
    const options = run(ua, request('OPTIONS', 'good1', 'none'), from, 400);
    assert.is(options.sent.length, 1);
    assert.match(options.sent[0]!, /^SIP\/2\.0 200 OK\r\n/);
    const message = run(ua, request('MESSAGE', 'good2', 'none'), from, 401);
    const got = message.events.filter((e): e is Extract<UaEvent, { kind: 'message' }> => e.kind === 'message');
    assert.is(got.length, 1);
    assert.is(dec(got[0]!.body), 'hi');
  });
}

test.run();
