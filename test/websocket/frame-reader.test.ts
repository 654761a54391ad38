// RFC 6455 §5 frame parsing: the §5.7 examples fed whole, split at every byte and byte by byte;
// fragmented messages with control frames in between; every §5 rule that fails a connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  WebSocketFrameReader, WebSocketFrameView, WS_EVENT_CLOSE, WS_EVENT_MESSAGE, WS_EVENT_PING, WS_EVENT_PONG,
  WS_OP_BINARY, WS_OP_TEXT, WS_OP_PING, WS_OP_PONG,
} from '../../core/transport/websocket-frame-reader.js';
import {
  E_WS_BAD_CLOSE_CODE, E_WS_BAD_CLOSE_PAYLOAD, E_WS_BAD_LENGTH, E_WS_BAD_OPCODE, E_WS_BAD_UTF8,
  E_WS_CONTROL_FRAGMENTED, E_WS_CONTROL_TOO_LONG, E_WS_EXPECTED_CONTINUATION, E_WS_MASK_EXPECTED,
  E_WS_MASK_UNEXPECTED, E_WS_MESSAGE_TOO_BIG, E_WS_NON_MINIMAL_LENGTH, E_WS_RESERVED_BITS,
  E_WS_UNEXPECTED_CONTINUATION, WS_CLOSE_NO_STATUS, wsCloseStatusFor, wsErrorName,
} from '../../core/transport/websocket-errors.js';
import { ascii, bytes, collect, type Collected } from './helpers.js';

const HELLO = ascii('Hello');
const clientReader = (size = 70_000) => new WebSocketFrameReader(new Uint8Array(size), { role: 'client' });
const serverReader = (size = 70_000) => new WebSocketFrameReader(new Uint8Array(size), { role: 'server' });

/** Whole, split in two at every position, and one byte at a time: the same outcome each way. */
function everySplit(make: () => WebSocketFrameReader, wire: Uint8Array, check: (c: Collected, how: string) => void): void {
  check(collect(make(), [wire]), 'whole');
  for (let k = 1; k < wire.length; k++) check(collect(make(), [wire.subarray(0, k), wire.subarray(k)]), `split at ${k}`);
  const single: Uint8Array[] = [];
  for (let k = 0; k < wire.length; k++) single.push(wire.subarray(k, k + 1));
  check(collect(make(), single), 'byte by byte');
}

// §5.7 "A single-frame unmasked text message"
test('§5.7 single-frame unmasked text "Hello"', () => {
  everySplit(clientReader, bytes(0x81, 0x05, HELLO), (c, how) => {
    assert.is(c.error, 0, how);
    assert.equal(c.events, [{ event: WS_EVENT_MESSAGE, opcode: WS_OP_TEXT, frames: 1, payload: HELLO }], how);
  });
});

// §5.7 "A single-frame masked text message"
test('§5.7 single-frame masked text "Hello" (unmasked by the reader)', () => {
  everySplit(serverReader, bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58), (c, how) => {
    assert.is(c.error, 0, how);
    assert.equal(c.events, [{ event: WS_EVENT_MESSAGE, opcode: WS_OP_TEXT, frames: 1, payload: HELLO }], how);
  });
});

// §5.7 "A fragmented unmasked text message"
test('§5.7 fragmented unmasked text "Hel" + "lo" is one message', () => {
  everySplit(clientReader, bytes(0x01, 0x03, ascii('Hel'), 0x80, 0x02, ascii('lo')), (c, how) => {
    assert.is(c.error, 0, how);
    assert.equal(c.events, [{ event: WS_EVENT_MESSAGE, opcode: WS_OP_TEXT, frames: 2, payload: HELLO }], how);
  });
});

// §5.7 "Unmasked Ping request and masked Ping response"
test('§5.7 unmasked ping and masked pong', () => {
  everySplit(clientReader, bytes(0x89, 0x05, HELLO), (c, how) => {
    assert.equal(c.events, [{ event: WS_EVENT_PING, opcode: WS_OP_PING, frames: 1, payload: HELLO }], how);
  });
  everySplit(serverReader, bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58), (c, how) => {
    assert.equal(c.events, [{ event: WS_EVENT_PONG, opcode: WS_OP_PONG, frames: 1, payload: HELLO }], how);
  });
});

// §5.7 "256 bytes binary message in a single unmasked frame" and "64KiB binary message"
test('§5.7 256-byte and 64 KiB binary messages (16- and 64-bit lengths)', () => {
  const b256 = Array.from({ length: 256 }, (_, i) => (i * 7) & 255);
  const wire256 = bytes(0x82, 0x7e, 0x01, 0x00, b256);
  const c = collect(clientReader(), [wire256]);
  assert.equal(c.events, [{ event: WS_EVENT_MESSAGE, opcode: WS_OP_BINARY, frames: 1, payload: b256 }]);
  for (const k of [1, 2, 3, 4, 5, 100, 259]) {
    assert.equal(collect(clientReader(), [wire256.subarray(0, k), wire256.subarray(k)]).events[0]!.payload, b256, `split ${k}`);
  }
  const big = new Uint8Array(65536);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 5) & 255;
  const wire64k = bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0, big);
  for (const k of [0, 1, 5, 9, 10, 11, 30000, 65545]) {
    const chunks = k === 0 ? [wire64k] : [wire64k.subarray(0, k), wire64k.subarray(k)];
    const r = collect(clientReader(), chunks);
    assert.is(r.error, 0);
    assert.is(r.events.length, 1);
    assert.ok(Buffer.from(r.events[0]!.payload).equals(Buffer.from(big)), `split ${k}`);
  }
});

test('an unfragmented frame whole in the chunk is reported from the caller bytes, unmasked in place', () => {
  const reader = serverReader();
  const view = new WebSocketFrameView();
  const wire = bytes(0xaa, 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
  const n = reader.read(wire, 1, wire.length - 1, view);
  assert.is(n, 11);
  assert.is(view.event, WS_EVENT_MESSAGE);
  assert.ok(view.buf === wire, 'no copy');
  assert.is(view.payloadOff, 7);
  assert.equal(Array.from(wire.subarray(7)), HELLO);
  assert.ok(view.masked);
  assert.is(reader.position, 11);
});

test('control frames between fragments do not disturb the message being reassembled (§5.4)', () => {
  const wire = bytes(
    0x01, 0x03, ascii('REG'),
    0x89, 0x02, ascii('hi'),
    0x00, 0x04, ascii('ISTE'),
    0x8a, 0x00,
    0x80, 0x01, ascii('R'),
    0x88, 0x05, 0x03, 0xe8, ascii('bye'),
  );
  everySplit(clientReader, wire, (c, how) => {
    assert.is(c.error, 0, how);
    assert.equal(c.events, [
      { event: WS_EVENT_PING, opcode: WS_OP_PING, frames: 1, payload: ascii('hi') },
      { event: WS_EVENT_PONG, opcode: WS_OP_PONG, frames: 1, payload: [] },
      { event: WS_EVENT_MESSAGE, opcode: WS_OP_TEXT, frames: 3, payload: ascii('REGISTER') },
      { event: WS_EVENT_CLOSE, opcode: 8, frames: 1, payload: [0x03, 0xe8, ...ascii('bye')], closeCode: 1000, reason: 'bye' },
    ], how);
  });
});

test('several messages in one chunk, empty messages, close without a status', () => {
  const c = collect(clientReader(), [bytes(0x81, 0x00, 0x82, 0x02, 1, 2, 0x01, 0x00, 0x80, 0x00, 0x88, 0x00)]);
  assert.is(c.error, 0);
  assert.equal(c.events.map((e) => [e.event, e.opcode, e.payload.length, e.frames]),
    [[WS_EVENT_MESSAGE, WS_OP_TEXT, 0, 1], [WS_EVENT_MESSAGE, WS_OP_BINARY, 2, 1], [WS_EVENT_MESSAGE, WS_OP_TEXT, 0, 2], [WS_EVENT_CLOSE, 8, 0, 1]]);
  assert.is(c.events[3]!.closeCode, WS_CLOSE_NO_STATUS);
});

test('a message over the limit fails with E_WS_MESSAGE_TOO_BIG (close 1009), also when fragments add up', () => {
  const small = new WebSocketFrameReader(new Uint8Array(64), { maxMessageBytes: 10 });
  assert.is(small.maxMessageBytes, 10);
  assert.is(collect(small, [bytes(0x81, 0x0b, ascii('hello world'))]).error, E_WS_MESSAGE_TOO_BIG);
  assert.ok(small.failed);
  assert.is(collect(small, [bytes(0x81, 0x01, 0x41)]).error, E_WS_MESSAGE_TOO_BIG, 'errors are sticky');
  small.reset();
  assert.equal(collect(small, [bytes(0x81, 0x0a, ascii('0123456789'))]).events[0]!.payload.length, 10, 'exactly the limit fits');
  const frag = new WebSocketFrameReader(new Uint8Array(8));
  const c = collect(frag, [bytes(0x01, 0x05, ascii('01234'), 0x80, 0x04, ascii('5678'))]);
  assert.is(c.error, E_WS_MESSAGE_TOO_BIG);
  assert.is(c.errorPosition, 8, 'the last header byte of the frame that overflowed');
  assert.is(wsCloseStatusFor(E_WS_MESSAGE_TOO_BIG), 1009);
  // A 64-bit length far beyond memory is refused at the header, before any payload.
  assert.is(collect(clientReader(), [bytes(0x82, 0x7f, 0, 0x20, 0, 0, 0, 0, 0, 0)]).error, E_WS_MESSAGE_TOO_BIG);
});

test('§5 rules that fail the connection: numeric codes and positions, never a throw', () => {
  const cases: [string, () => WebSocketFrameReader, Uint8Array, number, number][] = [
    ['RSV1 set', clientReader, bytes(0xc1, 0x00), E_WS_RESERVED_BITS, 1],
    ['reserved opcode 3', clientReader, bytes(0x83, 0x00), E_WS_BAD_OPCODE, 1],
    ['reserved control opcode B', clientReader, bytes(0x8b, 0x00), E_WS_BAD_OPCODE, 1],
    ['ping of 126 bytes', clientReader, bytes(0x89, 0x7e, 0x00, 0x7e), E_WS_CONTROL_TOO_LONG, 1],
    ['fragmented ping', clientReader, bytes(0x09, 0x00), E_WS_CONTROL_FRAGMENTED, 1],
    ['continuation first', clientReader, bytes(0x80, 0x00), E_WS_UNEXPECTED_CONTINUATION, 1],
    ['text inside a fragmented message', clientReader, bytes(0x01, 0x01, 0x41, 0x81, 0x00), E_WS_EXPECTED_CONTINUATION, 4],
    ['unmasked frame to a server', serverReader, bytes(0x81, 0x00), E_WS_MASK_EXPECTED, 1],
    ['masked frame from a server', clientReader, bytes(0x81, 0x80, 1, 2, 3, 4), E_WS_MASK_UNEXPECTED, 1],
    ['16-bit length below 126', clientReader, bytes(0x82, 0x7e, 0x00, 0x7d), E_WS_NON_MINIMAL_LENGTH, 3],
    ['64-bit length below 65536', clientReader, bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff), E_WS_NON_MINIMAL_LENGTH, 9],
    ['64-bit length with the top bit', clientReader, bytes(0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0), E_WS_BAD_LENGTH, 9],
    ['close with one byte', clientReader, bytes(0x88, 0x01, 0x03), E_WS_BAD_CLOSE_PAYLOAD, 2],
    ['close 1005 on the wire', clientReader, bytes(0x88, 0x02, 0x03, 0xed), E_WS_BAD_CLOSE_CODE, 3],
    ['close 999', clientReader, bytes(0x88, 0x02, 0x03, 0xe7), E_WS_BAD_CLOSE_CODE, 3],
    ['close reason not UTF-8', clientReader, bytes(0x88, 0x03, 0x03, 0xe8, 0xff), E_WS_BAD_UTF8, 4],
    // The offending byte, not the frame's last one (found by fuzzing): the code, then a bad reason byte mid-reason.
    ['close 27625 with a reason', clientReader, bytes(0x88, 0x04, 0x6b, 0xe9, 0x6f, 0x6b), E_WS_BAD_CLOSE_CODE, 3],
    ['close reason bad in its middle', clientReader, bytes(0x88, 0x05, 0x03, 0xe8, 0x6f, 0xff, 0x6b), E_WS_BAD_UTF8, 5],
    ['text not UTF-8', clientReader, bytes(0x81, 0x02, 0xc3, 0x28), E_WS_BAD_UTF8, 3],
    ['fragmented text not UTF-8 across the split', clientReader, bytes(0x01, 0x01, 0xe2, 0x80, 0x01, 0x41), E_WS_BAD_UTF8, 5],
  ];
  for (const [what, make, wire, code, position] of cases) {
    assert.is(wsErrorName(code).startsWith('E_WS_'), true);
    everySplit(make, wire, (c, how) => {
      assert.is(c.error, code, `${what} (${how}): got ${wsErrorName(c.error)}`);
      assert.is(c.errorPosition, position, `${what} (${how}) position`);
    });
  }
  // Binary messages are not checked for UTF-8, and the check can be switched off for text.
  assert.is(collect(clientReader(), [bytes(0x82, 0x01, 0xff)]).error, 0);
  assert.is(collect(new WebSocketFrameReader(new Uint8Array(16), { validateUtf8: false }), [bytes(0x81, 0x01, 0xff)]).error, 0);
});

test('valid close codes pass: 1000-1003, 1007-1014, 3000-4999', () => {
  for (const code of [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999]) {
    const c = collect(clientReader(), [bytes(0x88, 0x02, code >> 8, code & 255)]);
    assert.is(c.events[0]?.closeCode, code);
  }
  for (const code of [1004, 1006, 1015, 2999, 5000]) {
    assert.is(collect(clientReader(), [bytes(0x88, 0x02, code >> 8, code & 255)]).error, E_WS_BAD_CLOSE_CODE, String(code));
  }
});

test.run();
