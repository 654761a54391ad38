import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FlowKeepalive, type KeepaliveEvent } from '../../core/transport/index.js';

const events = (k: FlowKeepalive) => { const out: KeepaliveEvent[] = []; for (let e = k.pollEvent(); e; e = k.pollEvent()) out.push(e); return out; };

test('stream: double-CRLF ping, single-CRLF pong keeps the flow; silence for 10 s kills it (RFC 5626 §4.4.1)', () => {
  const k = new FlowKeepalive({ mode: 'stream-ping', intervalMs: 120_000, answerTimeoutMs: 10_000, random: () => 0 });
  k.start(0);
  assert.is(k.nextDeadline(), 96_000, '80% of the interval with random() = 0');
  k.handleTimeout(96_000);
  assert.equal(Array.from(k.pollTransmit()!), [13, 10, 13, 10]);
  assert.is(k.pollTransmit(), null);
  assert.is(k.nextDeadline(), 106_000);
  k.onStreamPong(100_000);
  assert.is(k.nextDeadline(), 196_000);
  k.handleTimeout(196_000);
  k.pollTransmit();
  k.handleTimeout(205_999);
  assert.equal(events(k), []);
  k.handleTimeout(206_000);
  assert.equal(events(k), [{ kind: 'flow-failed', at: 206_000 }]);
  assert.ok(k.failed);
  assert.is(k.nextDeadline(), Infinity);
});

test('intervals spread between 80% and 100% of nominal', () => {
  for (const r of [0, 0.25, 0.999]) {
    const k = new FlowKeepalive({ mode: 'udp-crlf', intervalMs: 25_000, answerTimeoutMs: 10_000, random: () => r });
    k.start(0);
    assert.ok(k.nextDeadline() >= 20_000 && k.nextDeadline() < 25_000);
  }
});

test('UDP STUN: answer gives the public address; a changed mapping is reported', () => {
  let n = 0;
  const k = new FlowKeepalive({ mode: 'stun', intervalMs: 25_000, answerTimeoutMs: 10_000, random: () => ((n++ * 37) % 100) / 100 });
  k.start(0);
  const answer = (ip: number[], port: number) => {
    k.handleTimeout(k.nextDeadline());
    const req = k.pollTransmit()!;
    assert.is(req.length, 20);
    const res = new Uint8Array(32);
    res.set([0x01, 0x01, 0, 12, 0x21, 0x12, 0xa4, 0x42]);
    res.set(req.subarray(8, 20), 8);
    res.set([0, 0x20, 0, 8, 0, 1, (port >> 8) ^ 0x21, (port & 0xff) ^ 0x12, ip[0]! ^ 0x21, ip[1]! ^ 0x12, ip[2]! ^ 0xa4, ip[3]! ^ 0x42], 20);
    assert.ok(k.onStunDatagram(k.nextDeadline() - 5000, res, 0, res.length));
  };
  answer([203, 0, 113, 5], 40000);
  assert.equal(events(k).map((e) => e.kind === 'public-address' && `${e.address} ${e.changed}`), ['203.0.113.5:40000 false']);
  answer([203, 0, 113, 5], 40000);
  assert.equal(events(k), [], 'same mapping: nothing to report');
  answer([203, 0, 113, 5], 40001);
  assert.equal(events(k).map((e) => e.kind === 'public-address' && `${e.address} ${e.changed}`), ['203.0.113.5:40001 true']);
  // No answer at all: the flow is declared dead after the answer timeout.
  k.handleTimeout(k.nextDeadline());
  k.pollTransmit();
  k.handleTimeout(k.nextDeadline());
  assert.equal(events(k).map((e) => e.kind), ['flow-failed']);
});

test('stray STUN and pongs are ignored when nothing is outstanding', () => {
  const k = new FlowKeepalive({ mode: 'stun', intervalMs: 25_000, answerTimeoutMs: 10_000, random: () => 0 });
  k.start(0);
  assert.not.ok(k.onStunDatagram(1, new Uint8Array(20), 0, 20));
  k.onStreamPong(1);
  assert.is(k.nextDeadline(), 20_000);
});

test.run();
