// RFC 6455 §4.1 client handshake for RFC 7118: the §1.3 accept vector, the request's fields,
// and every check of the server's 101 response, with the response split at every byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import {
  HS_FAILED, HS_OPEN, HS_PENDING, WEBSOCKET_GUID, WebSocketClientHandshake, websocketAccept,
} from '../../core/transport/websocket-handshake.js';
import {
  E_WS_HS_BAD_ACCEPT, E_WS_HS_BAD_HEADER, E_WS_HS_BAD_PROTOCOL, E_WS_HS_BAD_STATUS_LINE, E_WS_HS_EXTENSION,
  E_WS_HS_NO_CONNECTION, E_WS_HS_NO_SPACE, E_WS_HS_NO_UPGRADE, E_WS_HS_NOT_101, E_WS_HS_TOO_LONG,
} from '../../core/transport/websocket-errors.js';

const enc = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const dec = (b: Uint8Array) => Buffer.from(b).toString('latin1');

// §1.3: "dGhlIHNhbXBsZSBub25jZQ==" → "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
test('§1.3 example: the accept value of the sample nonce', () => {
  const out = new Uint8Array(28);
  assert.is(websocketAccept(enc('dGhlIHNhbXBsZSBub25jZQ=='), 0, 24, out, 0), 28);
  assert.is(dec(out), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.is(WEBSOCKET_GUID, '258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
});

/** The §1.3 nonce "the sample nonce" as the random source. */
const sampleNonce = (out: Uint8Array, off: number, len: number) => { out.set(enc('the sample nonce').subarray(0, len), off); };

test('the request: GET, Host, Upgrade, Connection, a base64 16-byte key, version 13, protocol sip', () => {
  const hs = new WebSocketClientHandshake({ random: sampleNonce });
  const out = new Uint8Array(512);
  const n = hs.writeRequest(out, 0, out.length, '127.0.0.1:8080', '/');
  assert.is(dec(out.subarray(0, n)), [
    'GET / HTTP/1.1', 'Host: 127.0.0.1:8080', 'Upgrade: websocket', 'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: sip', '', '',
  ].join('\r\n'));
  assert.is(dec(hs.acceptBytes), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.is(hs.writeRequest(out, 0, 60, '127.0.0.1:8080', '/'), E_WS_HS_NO_SPACE);
  assert.is(hs.writeRequest(out, 0, out.length, 'evil\r\nX: y', '/'), E_WS_HS_NO_SPACE, 'no header injection');
  const withOrigin = hs.writeRequest(out, 0, out.length, 'h', '/ws', 'http://phone');
  assert.match(dec(out.subarray(0, withOrigin)), /^GET \/ws HTTP\/1\.1\r\n[^]*\r\nOrigin: http:\/\/phone\r\n\r\n$/);
});

test('random keys: 16 bytes base64, accept = base64(SHA-1(key + GUID)) as node:crypto computes it', () => {
  let seed = 5;
  const hs = new WebSocketClientHandshake({ random: (o, off, len) => { for (let i = 0; i < len; i++) { seed = (seed * 69069 + 1) >>> 0; o[off + i] = seed >>> 24; } } });
  const out = new Uint8Array(512);
  for (let i = 0; i < 20; i++) {
    hs.writeRequest(out, 0, out.length, 'h', '/');
    const key = dec(hs.keyBytes);
    assert.is(Buffer.from(key, 'base64').length, 16);
    assert.is(dec(hs.acceptBytes), createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64'));
  }
});

const GOOD = [
  'HTTP/1.1 101 Switching Protocols',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
  'Sec-WebSocket-Protocol: sip',
  'Server: kamailio (5.6.3 (x86_64/linux))',
  '', '',
].join('\r\n');

function feedSplit(response: string, k: number, trailer = ''): { hs: WebSocketClientHandshake; took: number; result: number } {
  const hs = new WebSocketClientHandshake({ random: sampleNonce });
  hs.writeRequest(new Uint8Array(512), 0, 512, 'h', '/');
  const bytes = enc(response + trailer);
  let took = 0;
  let result = 0;
  for (const [s, e] of k > 0 ? [[0, k], [k, bytes.length]] : [[0, bytes.length]]) {
    if (hs.state !== HS_PENDING) break;
    result = hs.push(bytes, s!, e! - s!);
    if (result < 0) break;
    took += result;
  }
  return { hs, took, result };
}

test('a good 101 opens, split at every byte; push stops at the end of the head (frames follow)', () => {
  const frame = '\x81\x05Hello';
  for (let k = 0; k < GOOD.length; k++) {
    const { hs, took } = feedSplit(GOOD, k, frame);
    assert.is(hs.state, HS_OPEN, `split ${k}`);
    assert.is(hs.status, 101);
    assert.is(took, GOOD.length, `split ${k}: the frame bytes are left for the frame reader`);
  }
  const lenient = GOOD.replace('Upgrade: websocket', 'upgrade:WebSocket  ').replace('Connection: Upgrade', 'Connection: keep-alive, upgrade');
  assert.is(feedSplit(lenient, 0).hs.state, HS_OPEN, 'case-insensitive names, token lists, OWS');
});

test('every §4.1 check fails the handshake with its own code', () => {
  const cases: [string, string, number][] = [
    ['not 101', GOOD.replace('101 Switching Protocols', '404 Not Found'), E_WS_HS_NOT_101],
    ['HTTP/1.0', GOOD.replace('HTTP/1.1', 'HTTP/1.0'), E_WS_HS_BAD_STATUS_LINE],
    ['garbage status', GOOD.replace('101 Switching', '1x1 Switching'), E_WS_HS_BAD_STATUS_LINE],
    ['no Upgrade', GOOD.replace('Upgrade: websocket\r\n', ''), E_WS_HS_NO_UPGRADE],
    ['wrong Upgrade', GOOD.replace('Upgrade: websocket', 'Upgrade: h2c'), E_WS_HS_NO_UPGRADE],
    ['no Connection', GOOD.replace('Connection: Upgrade\r\n', ''), E_WS_HS_NO_CONNECTION],
    ['wrong accept', GOOD.replace('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 's3pPLMBiTxaQ9kYGzzhZRbK+xOp='), E_WS_HS_BAD_ACCEPT],
    ['no accept', GOOD.replace('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n', ''), E_WS_HS_BAD_ACCEPT],
    ['extension not asked for', GOOD.replace('Server:', 'Sec-WebSocket-Extensions: permessage-deflate\r\nServer:'), E_WS_HS_EXTENSION],
    ['other sub-protocol', GOOD.replace('Protocol: sip', 'Protocol: msrp'), E_WS_HS_BAD_PROTOCOL],
    ['no sub-protocol (RFC 7118 §4)', GOOD.replace('Sec-WebSocket-Protocol: sip\r\n', ''), E_WS_HS_BAD_PROTOCOL],
    ['folded header', GOOD.replace('Server:', ' folded\r\nServer:'), E_WS_HS_BAD_HEADER],
    ['header without colon', GOOD.replace('Server:', 'Server'), E_WS_HS_BAD_HEADER],
  ];
  for (const [what, response, code] of cases) {
    for (const k of [0, 1, 20, response.length - 1]) {
      const { hs, result } = feedSplit(response, k);
      assert.is(result, code, `${what} split ${k}`);
      assert.is(hs.state, HS_FAILED);
      assert.ok(hs.errorOffset >= 0);
    }
  }
  assert.is(feedSplit(GOOD.replace('101 Switching Protocols', '404 Not Found'), 0).hs.status, 404);
  const small = new WebSocketClientHandshake({ random: sampleNonce, maxResponseBytes: 64 });
  small.writeRequest(new Uint8Array(512), 0, 512, 'h', '/');
  assert.is(small.push(enc(GOOD), 0, GOOD.length), E_WS_HS_TOO_LONG);
});

test.run();
