// Property tests: the frame reader and the handshake never throw on any bytes split anyhow,
// always make progress, and a stream of frames the writer produced reads back the same
// whatever the chunking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { WebSocketFrameReader, WebSocketFrameView, WS_EVENT_NONE, WS_EVENT_MESSAGE, WS_EVENT_PING } from '../../core/transport/websocket-frame-reader.js';
import { WebSocketFrameWriter } from '../../core/transport/websocket-frame-writer.js';
import { WebSocketClientHandshake, HS_PENDING } from '../../core/transport/websocket-handshake.js';
import { collect } from './helpers.js';

/** Cuts `data` at the given (sorted, deduplicated) positions. */
function cut(data: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of at) { out.push(data.subarray(prev, p)); prev = p; }
  out.push(data.subarray(prev));
  return out.filter((c) => c.length > 0);
}

test('random bytes: no throw, progress on every call, sticky errors with a position', () => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom<'client' | 'server'>('client', 'server'), fc.integer({ min: 1, max: 300 }),
    (data, points, role, max) => {
      const reader = new WebSocketFrameReader(new Uint8Array(max), { role });
      const view = new WebSocketFrameView();
      let failed = 0;
      for (const chunk of cut(data.slice(), points)) {
        let at = 0;
        while (at < chunk.length) {
          const n = reader.read(chunk, at, chunk.length - at, view);
          if (n < 0) {
            if (failed !== 0 && n !== failed) return false;
            failed = n;
            if (view.errorPosition < 0 || view.errorPosition >= data.length) return false;
            break;
          }
          if (n === 0 && view.event === WS_EVENT_NONE) return false;
          if (view.event === WS_EVENT_MESSAGE && view.payloadLen > max) return false;
          at += n;
        }
      }
      return true;
    }), { numRuns: 3000, seed: 6455 });
});

test('frames from the writer read back identically under any chunking (client → server, masked)', () => {
  const frame = fc.record({
    kind: fc.constantFrom('text', 'binary', 'ping'),
    payload: fc.uint8Array({ maxLength: 300 }),
  });
  fc.assert(fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer(), (frames, points, seed) => {
    let s = seed >>> 0;
    const writer = new WebSocketFrameWriter({ role: 'client', random: (o, off, len) => { for (let i = 0; i < len; i++) { s = (s * 1103515245 + 12345) >>> 0; o[off + i] = s >>> 24; } } });
    const wire = new Uint8Array(frames.reduce((n, f) => n + 14 + f.payload.length, 0));
    let p = 0;
    const expected: { event: number; payload: number[] }[] = [];
    for (const f of frames) {
      // Text frames must carry UTF-8: use ASCII payloads for them.
      const payload = f.kind === 'text' ? f.payload.map((b) => b & 0x7f) : f.kind === 'ping' ? f.payload.subarray(0, 125) : f.payload;
      const n = f.kind === 'text' ? writer.text(wire, p, wire.length, payload, 0, payload.length)
        : f.kind === 'binary' ? writer.binary(wire, p, wire.length, payload, 0, payload.length)
          : writer.ping(wire, p, wire.length, payload, 0, payload.length);
      if (n < 0) return false;
      p += n;
      expected.push({ event: f.kind === 'ping' ? WS_EVENT_PING : WS_EVENT_MESSAGE, payload: Array.from(payload) });
    }
    const got = collect(new WebSocketFrameReader(new Uint8Array(400), { role: 'server' }), cut(wire.subarray(0, p), points));
    assert.is(got.error, 0);
    assert.equal(got.events.map((e) => ({ event: e.event, payload: e.payload })), expected);
    return true;
  }), { numRuns: 500, seed: 7118 });
});

test('random handshake responses: no throw, never more bytes taken than given', () => {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }).map((s) => Uint8Array.from(Buffer.from(`HTTP/1.1 101 OK\r\n${s}\r\n\r\n`, 'latin1')))),
    fc.array(fc.nat(), { maxLength: 5 }), (data, points) => {
      const hs = new WebSocketClientHandshake({ random: (o, off, len) => o.fill(7, off, off + len), maxResponseBytes: 256 });
      hs.writeRequest(new Uint8Array(300), 0, 300, 'h', '/');
      for (const chunk of cut(data, points)) {
        if (hs.state !== HS_PENDING) break;
        const n = hs.push(chunk, 0, chunk.length);
        if (n > chunk.length) return false;
        if (n < 0 && hs.errorCode !== n) return false;
      }
      return true;
    }), { numRuns: 2000, seed: 13 });
});

test.run();
