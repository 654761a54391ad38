// Found by fuzzing (.tmp/fuzzcamp): on a reliable flow Timer J is 0 (RFC 3261 §17.2.2), so a
// non-INVITE server transaction ends in the same input that answers it, and its response buffer
// went back to the pool before the host had polled the response. A second request handled in that
// input (pipelined requests in one TCP read) reused the buffer: the first requester got the
// second's response, cut to the first one's length — wrong answers, and garbage bytes in the TCP
// stream. Buffers of ended transactions are now held until the host has taken every transmit.
// (Two MESSAGEs auto-answered by one handleTimeout on a WebSocket are checked too: same shape.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, BufferPool, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { streamModule } from '../../core/ua/stream-flows.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { enc, seededRandom } from './memory-net.js';

const FROM_PEER: Endpoint = { transport: 'tcp', address: '10.0.0.9', port: 5060 };

function request(method: string, i: number, transport = 'TCP'): string {
  return `${method} sip:bob@10.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/${transport} 10.0.0.9:5060;branch=z9hG4bKp${i}\r\nMax-Forwards: 70\r\n` +
    `From: <sip:x@10.0.0.9>;tag=f${i}\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: call${i}@10.0.0.9\r\nCSeq: ${i} ${method}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi`;
}

/** Every transmit, each checked to be exactly one whole SIP response: [status, Call-ID, CSeq]. */
function responses(ua: UserAgent): string[][] {
  const out = new Outgoing();
  const view = new SipMessageView();
  const got: string[][] = [];
  while (ua.pollTransmit(out)) {
    const n = parse(out.bytes, out.off, out.len, view, createParseOptions({ datagram: true }));
    assert.is(n, out.len, 'a whole message, nothing cut or left over');
    got.push([String(view.statusCode), view.headerText(H.CALL_ID) ?? '', view.headerText(H.CSEQ) ?? '']);
  }
  return got;
}

function phone(): UserAgent {
  return new UserAgent({ random: seededRandom(5), aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070, inboundMessagePolicy: 'open' },
    { streams: streamModule });
}

test('three requests in one TCP read: each gets its own whole response', () => {
  const ua = phone();
  const bytes = enc(request('OPTIONS', 1) + request('FOO', 2) + request('OPTIONS', 3));
  ua.handleStream(FROM_PEER, bytes, 0, bytes.length, 0);
  assert.equal(responses(ua), [
    ['200', 'call1@10.0.0.9', '1 OPTIONS'],
    ['501', 'call2@10.0.0.9', '2 FOO'],
    ['200', 'call3@10.0.0.9', '3 OPTIONS'],
  ]);
  // Once the host has taken them, the buffers are free again: the next read is answered too.
  const again = enc(request('OPTIONS', 4) + request('OPTIONS', 5));
  ua.handleStream(FROM_PEER, again, 0, again.length, 10);
  assert.equal(responses(ua).map((r) => r[1]), ['call4@10.0.0.9', 'call5@10.0.0.9']);
});

test('WebSocket: two MESSAGEs answered by the same handleTimeout get their own 200s', () => {
  const ua = phone();
  const ws: Endpoint = { transport: 'ws', address: '10.0.0.9', port: 5060 };
  for (const i of [1, 2]) {
    const b = enc(request('MESSAGE', i, 'WS'));
    ua.handleDatagram(b, 0, b.length, ws, 0);
  }
  const events: UaEvent[] = [];
  for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) events.push(e);
  assert.is(events.filter((e) => e.kind === 'message').length, 2);
  assert.equal(responses(ua), []);
  ua.handleTimeout(ua.pollTimeout()); // messageResponseDeadlineMs: the UA answers both itself
  assert.equal(responses(ua), [['200', 'call1@10.0.0.9', '1 MESSAGE'], ['200', 'call2@10.0.0.9', '2 MESSAGE']]);
});

test('BufferPool: a held slot is not handed out again before flush(), and is never listed twice', () => {
  const pool = new BufferPool(3, 8);
  const a = pool.acquire();
  const b = pool.acquire();
  pool.hold(a);
  pool.hold(a);
  pool.release(a);
  assert.is(pool.available, 1);
  const c = pool.acquire();
  assert.ok(c !== a && c !== b);
  assert.is(pool.acquire(), -1, 'the held slot is not free yet');
  pool.flush();
  assert.is(pool.available, 1);
  assert.is(pool.acquire(), a);
  assert.is(pool.acquire(), -1);
  pool.hold(-1);
  pool.hold(7);
  pool.flush();
  assert.is(pool.available, 0);
});

test.run();
