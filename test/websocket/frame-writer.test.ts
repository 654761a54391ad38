// RFC 6455 §5.2/§5.3 frames written into a caller buffer: exact bytes for the §5.7 examples,
// client masking round-trips through the reader for every length class, all-or-nothing on space.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocketFrameWriter, wsHeaderLength } from '../../core/transport/websocket-frame-writer.js';
import { WebSocketFrameReader, WS_EVENT_CLOSE, WS_EVENT_MESSAGE, WS_EVENT_PING, WS_OP_BINARY, WS_OP_TEXT } from '../../core/transport/websocket-frame-reader.js';
import { E_WS_BAD_CLOSE_CODE, E_WS_CONTROL_TOO_LONG, E_WS_NO_SPACE } from '../../core/transport/websocket-errors.js';
import { ascii, bytes, collect } from './helpers.js';

/** A key source replaying fixed bytes (the §5.7 key 37 fa 21 3d), then counting up. */
function fixedKeys(first: number[]): (out: Uint8Array, off: number, len: number) => void {
  let n = 0;
  return (out, off, len) => {
    for (let i = 0; i < len; i++, n++) out[off + i] = n < first.length ? first[n]! : (n * 37) & 255;
  };
}

test('§5.7 examples come out byte for byte (server unmasked, client masked with the example key)', () => {
  const out = new Uint8Array(64);
  const server = new WebSocketFrameWriter({ role: 'server' });
  const hello = bytes(ascii('Hello'));
  let n = server.text(out, 0, out.length, hello, 0, 5);
  assert.equal(Array.from(out.subarray(0, n)), [0x81, 0x05, ...ascii('Hello')]);
  n = server.ping(out, 0, out.length, hello, 0, 5);
  assert.equal(Array.from(out.subarray(0, n)), [0x89, 0x05, ...ascii('Hello')]);
  const client = new WebSocketFrameWriter({ role: 'client', random: fixedKeys([0x37, 0xfa, 0x21, 0x3d, 0x37, 0xfa, 0x21, 0x3d]) });
  n = client.text(out, 0, out.length, hello, 0, 5);
  assert.equal(Array.from(out.subarray(0, n)), [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  n = client.pong(out, 0, out.length, hello, 0, 5);
  assert.equal(Array.from(out.subarray(0, n)), [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  const big = new Uint8Array(256);
  const frame = new Uint8Array(300);
  n = server.binary(frame, 0, frame.length, big, 0, 256);
  assert.equal(Array.from(frame.subarray(0, 4)), [0x82, 0x7e, 0x01, 0x00]);
  assert.is(n, 260);
});

test('masking round trip: client frames of every length class read back by a server reader', () => {
  let seed = 99;
  const random = (out: Uint8Array, off: number, len: number) => {
    for (let i = 0; i < len; i++) { seed = (seed * 1103515245 + 12345) >>> 0; out[off + i] = seed >>> 24; }
  };
  const writer = new WebSocketFrameWriter({ role: 'client', random });
  for (const len of [0, 1, 3, 4, 5, 125, 126, 127, 1000, 65535, 65536, 70000]) {
    const payload = new Uint8Array(len);
    for (let i = 0; i < len; i++) payload[i] = (i * 13 + len) & 255;
    const out = new Uint8Array(writer.frameLength(len));
    assert.is(writer.frameLength(len), wsHeaderLength(len, true) + len);
    const n = writer.binary(out, 0, out.length, payload, 0, len);
    assert.is(n, out.length);
    assert.ok((out[1]! & 0x80) !== 0, 'MASK bit set');
    if (len >= 8) assert.not.ok(Buffer.from(out.subarray(n - len)).equals(Buffer.from(payload)), 'payload on the wire is masked');
    const r = collect(new WebSocketFrameReader(new Uint8Array(80_000), { role: 'server' }), [out]);
    assert.is(r.error, 0, `len ${len}`);
    assert.is(r.events[0]!.opcode, WS_OP_BINARY);
    assert.ok(Buffer.from(r.events[0]!.payload).equals(Buffer.from(payload)), `len ${len}`);
  }
});

test('close frames: status + reason, no status, bad code, too long', () => {
  const client = new WebSocketFrameWriter({ role: 'client', random: fixedKeys([1, 2, 3, 4]) });
  const out = new Uint8Array(200);
  const reason = bytes(ascii('going'));
  let n = client.close(out, 0, out.length, 1001, reason, 0, 5);
  const server = () => new WebSocketFrameReader(new Uint8Array(64), { role: 'server' });
  let r = collect(server(), [out.subarray(0, n)]);
  assert.equal([r.events[0]!.event, r.events[0]!.closeCode, r.events[0]!.reason], [WS_EVENT_CLOSE, 1001, 'going']);
  n = client.close(out, 0, out.length, -1, reason, 0, 0);
  r = collect(server(), [out.subarray(0, n)]);
  assert.is(r.events[0]!.closeCode, 1005);
  assert.is(client.close(out, 0, out.length, 1005, reason, 0, 0), E_WS_BAD_CLOSE_CODE);
  assert.is(client.close(out, 0, out.length, 1000, new Uint8Array(124), 0, 124), E_WS_CONTROL_TOO_LONG);
  assert.is(client.ping(out, 0, out.length, new Uint8Array(126), 0, 126), E_WS_CONTROL_TOO_LONG);
});

test('all or nothing: E_WS_NO_SPACE leaves the buffer untouched; frames at an offset', () => {
  const writer = new WebSocketFrameWriter({ role: 'server' });
  const out = new Uint8Array(10).fill(0xee);
  assert.is(writer.text(out, 0, 10, new Uint8Array(9), 0, 9), E_WS_NO_SPACE);
  assert.equal(Array.from(out), new Array(10).fill(0xee));
  assert.is(writer.text(out, 3, 10, bytes(ascii('hello')), 0, 5), 7);
  assert.equal(Array.from(out.subarray(0, 3)), [0xee, 0xee, 0xee]);
  const r = collect(new WebSocketFrameReader(new Uint8Array(16)), [out.subarray(3)]);
  assert.equal([r.events[0]!.event, r.events[0]!.opcode], [WS_EVENT_MESSAGE, WS_OP_TEXT]);
  assert.throws(() => new WebSocketFrameWriter({ role: 'client' }), /random source/);
});

test('a ping answered with a pong carrying the same data', () => {
  const server = new WebSocketFrameWriter({ role: 'server' });
  const client = new WebSocketFrameWriter({ role: 'client', random: fixedKeys([9, 8, 7, 6]) });
  const wire = new Uint8Array(32);
  const n = server.ping(wire, 0, 32, bytes(ascii('abc')), 0, 3);
  const seen = collect(new WebSocketFrameReader(new Uint8Array(16)), [wire.subarray(0, n)]);
  assert.is(seen.events[0]!.event, WS_EVENT_PING);
  const data = Uint8Array.from(seen.events[0]!.payload);
  const m = client.pong(wire, 0, 32, data, 0, data.length);
  const back = collect(new WebSocketFrameReader(new Uint8Array(16), { role: 'server' }), [wire.subarray(0, m)]);
  assert.equal(back.events[0]!.payload, ascii('abc'));
});

test.run();
