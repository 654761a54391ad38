// The panel protocol without I/O: COBS vectors, frame and lamp codecs, and two PanelLinks joined
// by a fault-injecting wire on virtual time (lost frames, lost Acks, garbage, restarts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { cobsDecode, cobsEncode, cobsMaxEncoded, COBS_INVALID } from '../../platform/serial/panel/cobs.js';
import {
  AckStatus, FrameError, FrameType, LampError, MAX_FRAME, checkFrame, decodeLamps, encodeFrame, encodeLamps,
} from '../../platform/serial/panel/frame.js';
import { PanelLink, type PanelLinkEvent } from '../../platform/serial/panel/link.js';
import type { LampState } from '../../core/indicators/frame.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').filter(Boolean), (h) => parseInt(h, 16));

function encode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncoded(bytes.length));
  return out.subarray(0, cobsEncode(bytes, 0, bytes.length, out, 0));
}
function decode(bytes: Uint8Array): Uint8Array | number {
  const out = new Uint8Array(bytes.length + 1);
  const n = cobsDecode(bytes, 0, bytes.length, out);
  return n < 0 ? n : out.subarray(0, n);
}

test('COBS: the published examples', () => {
  const seq = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => (from + i).toString(16).padStart(2, '0')).join(' ');
  const cases: Array<[string, string]> = [
    ['00', '01 01'],
    ['00 00', '01 01 01'],
    ['00 11 00', '01 02 11 01'],
    ['11 22 00 33', '03 11 22 02 33'],
    ['11 22 33 44', '05 11 22 33 44'],
    ['11 00 00 00', '02 11 01 01 01'],
    [seq(1, 254), `ff ${seq(1, 254)}`],
    [`00 ${seq(1, 254)}`, `01 ff ${seq(1, 254)}`],
    [seq(1, 255), `ff ${seq(1, 254)} 02 ff`],
    [`${seq(2, 255)} 00`, `ff ${seq(2, 255)} 01 01`],
  ];
  for (const [plain, coded] of cases) {
    assert.is(hex(encode(fromHex(plain))), coded, `encode ${plain.slice(0, 20)}`);
    assert.is(hex(decode(fromHex(coded)) as Uint8Array), plain, `decode ${coded.slice(0, 20)}`);
  }
});

test('COBS: round trip and no zero in the output, for any bytes (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
    const coded = encode(bytes);
    if (coded.includes(0)) return false;
    if (coded.length > cobsMaxEncoded(bytes.length)) return false;
    const back = decode(coded);
    return typeof back !== 'number' && hex(back) === hex(bytes);
  }), { numRuns: 300 });
});

test('COBS: invalid input is reported, never thrown', () => {
  assert.is(decode(fromHex('03 11 00')), COBS_INVALID);
  assert.is(decode(fromHex('05 11 22')), COBS_INVALID);
  assert.is(decode(fromHex('00')), COBS_INVALID);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const out = new Uint8Array(64);
    const n = cobsDecode(bytes, 0, bytes.length, out);
    return n >= -2 && n <= 64;
  }), { numRuns: 300 });
});

test('frame: 00 COBS(type seq payload crc) 00, CRC-16/CCITT-FALSE checked', () => {
  const wire = encodeFrame(FrameType.Key, 7, Uint8Array.of(3, 1));
  assert.is(wire[0], 0);
  assert.is(wire[wire.length - 1], 0);
  assert.not.ok(wire.subarray(1, -1).includes(0));
  const raw = decode(wire.subarray(1, -1)) as Uint8Array;
  assert.equal(Array.from(raw.subarray(0, 4)), [FrameType.Key, 7, 3, 1]);
  assert.is(checkFrame(raw, raw.length), 2);
  raw[2] ^= 0x01;
  assert.is(checkFrame(raw, raw.length), FrameError.BadCrc);
  assert.is(checkFrame(raw, 3), FrameError.TooShort);
  assert.is(checkFrame(new Uint8Array(MAX_FRAME + 1), MAX_FRAME + 1), FrameError.TooLong);
});

const RED_FAST: LampState = { pattern: 'fast-blink', color: 'red', onMs: 100, offMs: 100 };
const GREEN: LampState = { pattern: 'solid', color: 'green', onMs: 0, offMs: 0 };
const AMBER_SLOW: LampState = { pattern: 'slow-blink', color: 'amber', onMs: 1000, offMs: 1000 };
const OFF: LampState = { pattern: 'off', color: null, onMs: 0, offMs: 0 };

test('lamps: entries round-trip; malformed payloads give codes', () => {
  const entries = [{ key: 0, state: RED_FAST }, { key: 19, state: GREEN }, { key: 5, state: AMBER_SLOW }, { key: 7, state: OFF }];
  const payload = encodeLamps(entries);
  assert.is(payload.length, 1 + 4 * 7);
  assert.equal(Array.from(payload.subarray(1, 8)), [0, 3, 1, 0, 100, 0, 100]);
  assert.equal(decodeLamps(payload), entries);
  assert.is(decodeLamps(payload.subarray(0, 10)), LampError.BadLength);
  assert.is(decodeLamps(new Uint8Array(0)), LampError.BadLength);
  const badPattern = payload.slice(); badPattern[2] = 9;
  assert.is(decodeLamps(badPattern), LampError.BadPattern);
  const badColor = payload.slice(); badColor[3] = 4;
  assert.is(decodeLamps(badColor), LampError.BadColor);
  const litWithoutColor = payload.slice(); litWithoutColor[3] = 0;
  assert.is(decodeLamps(litWithoutColor), LampError.ColorMismatch);
});

type Fault = (bytes: Uint8Array, from: 'a' | 'b') => Uint8Array | null;

/** Two links on a wire with virtual time. `fault` may drop (null) or rewrite each transmission. */
function wire(a: PanelLink, b: PanelLink, fault: Fault = (x) => x) {
  let now = 0;
  const events = { a: [] as PanelLinkEvent[], b: [] as PanelLinkEvent[] };
  const run = (maxSteps = 10_000, mustSettle = true): void => {
    for (let steps = 0; steps < maxSteps; steps++) {
      let moved = false;
      for (const [from, to, name] of [[a, b, 'a'], [b, a, 'b']] as const) {
        for (let out = from.pollTransmit(); out !== null; out = from.pollTransmit()) {
          moved = true;
          const delivered = fault(out, name);
          if (delivered !== null) to.handleBytes(delivered, 0, delivered.length, now);
        }
      }
      for (let e = a.pollEvent(); e; e = a.pollEvent()) events.a.push(e);
      for (let e = b.pollEvent(); e; e = b.pollEvent()) events.b.push(e);
      if (moved) continue;
      const deadlines = [a.pollTimeout(), b.pollTimeout()].filter((d) => d >= 0);
      if (deadlines.length === 0) return;
      now = Math.min(...deadlines);
      a.handleTimeout(now);
      b.handleTimeout(now);
    }
    if (mustSettle) throw new Error('wire did not settle');
  };
  return { run, events, now: () => now, send: (link: PanelLink, type: number, payload: Uint8Array, tag = 0) => link.send(type, payload, now, tag) };
}

const isAck = (bytes: Uint8Array): boolean => (decode(bytes.subarray(1, -1)) as Uint8Array)[0] === FrameType.Ack;

test('link: a frame is delivered and acknowledged', () => {
  const a = new PanelLink();
  const b = new PanelLink();
  const w = wire(a, b);
  w.send(a, FrameType.Key, Uint8Array.of(4, 1), 42);
  w.run();
  assert.equal(w.events.b, [{ kind: 'frame', type: FrameType.Key, seq: 0, payload: Uint8Array.of(4, 1) }]);
  assert.equal(w.events.a, [{ kind: 'delivered', type: FrameType.Key, seq: 0, tag: 42 }]);
  assert.is(w.now(), 0);
});

test('link: a lost Ack → the frame is sent again, the receiver acknowledges it but delivers it once', () => {
  const a = new PanelLink({ ackTimeoutMs: 50 });
  const b = new PanelLink();
  let dropped = 0;
  const w = wire(a, b, (bytes, from) => (from === 'b' && isAck(bytes) && dropped++ === 0 ? null : bytes));
  w.send(a, FrameType.Key, Uint8Array.of(9, 1));
  w.run();
  assert.is(w.events.b.length, 1);
  assert.is(b.stats.duplicates, 1);
  assert.is(a.stats.retransmissions, 1);
  assert.equal(w.events.a.map((e) => e.kind), ['delivered']);
  assert.is(w.now(), 50);
});

test('link: a corrupted frame fails its CRC, is dropped, and the retransmission gets through', () => {
  const a = new PanelLink({ ackTimeoutMs: 30 });
  const b = new PanelLink();
  let corrupted = false;
  const w = wire(a, b, (bytes, from) => {
    if (from !== 'a' || corrupted) return bytes;
    corrupted = true;
    const copy = bytes.slice();
    copy[3] = copy[3] === 0x55 ? 0x56 : 0x55;
    return copy;
  });
  w.send(a, FrameType.Lamps, encodeLamps([{ key: 1, state: GREEN }]));
  w.run();
  assert.is(b.stats.badFrames, 1);
  assert.is(w.events.b.length, 1);
  assert.equal(w.events.a.map((e) => e.kind), ['delivered']);
});

test('link: garbage before, between and inside the stream is skipped (resync on 0x00)', () => {
  const a = new PanelLink();
  const b = new PanelLink();
  const garbage = [Uint8Array.of(0xff, 0x13, 0x37), Uint8Array.of(0x00, 0x00, 0x05, 0x01), Uint8Array.from({ length: 600 }, (_, i) => (i * 31 + 7) & 0xff)];
  let n = 0;
  const w = wire(a, b, (bytes, from) => {
    if (from !== 'a') return bytes;
    const junk = garbage[n++ % garbage.length]!;
    const glued = new Uint8Array(junk.length + bytes.length);
    glued.set(junk);
    glued.set(bytes, junk.length);
    return glued;
  });
  for (let k = 0; k < 6; k++) w.send(a, FrameType.Key, Uint8Array.of(k, 1));
  w.run();
  assert.equal(w.events.b.map((e) => (e.kind === 'frame' ? e.payload[0] : -1)), [0, 1, 2, 3, 4, 5]);
  assert.ok(b.stats.badFrames >= 2, `badFrames ${b.stats.badFrames}`);
  assert.is(a.stats.retransmissions, 0);
});

test('link: a silent peer → failed after maxRetries, at a bounded time; the queue moves on', () => {
  const a = new PanelLink({ ackTimeoutMs: 40, maxRetries: 3 });
  const b = new PanelLink();
  let blackhole = true;
  const w = wire(a, b, (bytes) => (blackhole ? null : bytes));
  w.send(a, FrameType.Key, Uint8Array.of(1, 1), 1);
  w.send(a, FrameType.Key, Uint8Array.of(2, 1), 2);
  for (let i = 0; i < 50 && w.events.a.length === 0; i++) w.run(1, false); // until the first frame is given up
  assert.equal(w.events.a[0], { kind: 'failed', type: FrameType.Key, seq: 0, tag: 1, reason: 'timeout', status: -1 });
  assert.is(w.now(), 4 * 40);
  assert.is(a.stats.retransmissions, 3);
  blackhole = false;
  w.run();
  assert.equal(w.events.a.slice(1).map((e) => [e.kind, (e as { tag: number }).tag]), [['delivered', 2]]);
  assert.equal(w.events.b.map((e) => (e.kind === 'frame' ? e.payload[0] : -1)), [2]);
});

test('link: a refused payload is reported, not retried', () => {
  const a = new PanelLink();
  const b = new PanelLink({ validate: (type) => (type === FrameType.Lamps ? AckStatus.BadPayload : AckStatus.Ok) });
  const w = wire(a, b);
  w.send(a, FrameType.Lamps, Uint8Array.of(1, 2, 3), 5);
  w.run();
  assert.equal(w.events.a, [{ kind: 'failed', type: FrameType.Lamps, seq: 0, tag: 5, reason: 'refused', status: AckStatus.BadPayload }]);
  assert.equal(w.events.b, []);
  assert.is(a.stats.retransmissions, 0);
});

test('link: after a restart, Hello resets duplicate suppression (without it seq 0 would be eaten)', () => {
  const host = new PanelLink();
  const panel1 = new PanelLink();
  const w1 = wire(host, panel1);
  w1.send(panel1, FrameType.Key, Uint8Array.of(1, 1));
  w1.run();
  assert.is(w1.events.a.length, 1);
  // The panel reboots: a fresh link, seq counting from 0 again.
  const panel2 = new PanelLink();
  const w2 = wire(host, panel2);
  w2.send(panel2, FrameType.Key, Uint8Array.of(2, 1)); // seq 0 again, no Hello first
  w2.run();
  assert.equal(w2.events.a, [], 'taken as a duplicate of the old seq 0');
  assert.is(host.stats.duplicates, 1);
  const panel3 = new PanelLink();
  const w3 = wire(host, panel3);
  w3.send(panel3, FrameType.Hello, Uint8Array.of(1, 20));
  w3.send(panel3, FrameType.Key, Uint8Array.of(3, 1));
  w3.run();
  assert.equal(w3.events.a.map((e) => (e.kind === 'frame' ? [e.type, e.payload[0]] : e.kind)), [[FrameType.Hello, 1], [FrameType.Key, 3]]);
});

test('link: after any random garbage, the next real frame still gets through (property)', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 8 }), (chunks) => {
    const link = new PanelLink();
    for (const c of chunks) link.handleBytes(c, 0, c.length, 0);
    while (link.pollEvent() !== null) { /* a random chunk passing COBS and CRC-16 is possible, if rare */ }
    const frame = encodeFrame(FrameType.Key, 200, Uint8Array.of(17, 1));
    link.handleBytes(frame, 0, frame.length, 0);
    const event = link.pollEvent();
    return event !== null && event.kind === 'frame' && event.seq === 200 && event.payload[0] === 17;
  }), { numRuns: 300 });
});

test.run();
