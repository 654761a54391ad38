// The WebSocket codec exercised the same way on Node and inside QuickJS (bundled like firmware):
// the RFC 6455 §5.7 vectors fed whole and split at every byte, a masked round trip, the §1.3
// handshake vector, SHA-1 of the FIPS 180 strings, and a few errors. Only core/ code, no host API.
import { WebSocketFrameReader, WebSocketFrameView, WS_EVENT_NONE } from '../../core/transport/websocket-frame-reader.js';
import { WebSocketFrameWriter } from '../../core/transport/websocket-frame-writer.js';
import { WebSocketClientHandshake, websocketAccept, HS_OPEN } from '../../core/transport/websocket-handshake.js';
import { sha1Hex } from '../../core/bytes/sha1.js';
import { asciiString } from '../../core/bytes/ascii.js';
import { utf8Bytes } from '../../core/bytes/utf8.js';

export interface EngineResult {
  /** Per vector: the events (kind:opcode:payload-hex) seen for each way of splitting, joined. */
  vectors: string[][];
  roundTrip: string;
  accept: string;
  handshakeState: number;
  sha1: string[];
  errors: number[];
}

function hex(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (b[off + i]! < 16 ? '0' : '') + b[off + i]!.toString(16);
  return s;
}

function feed(wire: number[], role: 'client' | 'server', cut: number): string {
  const reader = new WebSocketFrameReader(new Uint8Array(70000), { role });
  const view = new WebSocketFrameView();
  const parts = cut > 0 ? [wire.slice(0, cut), wire.slice(cut)] : [wire];
  const out: string[] = [];
  for (const part of parts) {
    const chunk = Uint8Array.from(part);
    let at = 0;
    while (at < chunk.length) {
      const n = reader.read(chunk, at, chunk.length - at, view);
      if (n < 0) { out.push(`error${n}@${view.errorPosition}`); return out.join(' '); }
      at += n;
      if (view.event !== WS_EVENT_NONE) out.push(`${view.event}:${view.opcode}:${hex(view.buf, view.payloadOff, view.payloadLen)}`);
    }
  }
  return out.join(' ');
}

const HELLO = [0x48, 0x65, 0x6c, 0x6c, 0x6f];
const MASKED_HELLO = [0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
const VECTORS: [number[], 'client' | 'server'][] = [
  [[0x81, 0x05, ...HELLO], 'client'],
  [[0x81, 0x85, ...MASKED_HELLO], 'server'],
  [[0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f], 'client'],
  [[0x89, 0x05, ...HELLO], 'client'],
  [[0x8a, 0x85, ...MASKED_HELLO], 'server'],
  [[0x82, 0x7e, 0x01, 0x00, ...Array.from({ length: 256 }, (_, i) => i)], 'client'],
];

export function runEngineProgram(): EngineResult {
  const vectors = VECTORS.map(([wire, role]) => {
    const seen: string[] = [];
    for (let cut = 0; cut < wire.length; cut++) seen.push(feed(wire, role, cut));
    return seen;
  });
  let seed = 7;
  const random = (out: Uint8Array, off: number, len: number) => { for (let i = 0; i < len; i++) { seed = (seed * 1103515245 + 12345) >>> 0; out[off + i] = seed >>> 24; } };
  const writer = new WebSocketFrameWriter({ role: 'client', random });
  const payload = utf8Bytes('MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n\r\nh\u00e9llo');
  const frame = new Uint8Array(writer.frameLength(payload.length));
  writer.text(frame, 0, frame.length, payload, 0, payload.length);
  const roundTrip = feed(Array.from(frame), 'server', 3);
  const key = utf8Bytes('dGhlIHNhbXBsZSBub25jZQ==');
  const accept = new Uint8Array(28);
  websocketAccept(key, 0, key.length, accept, 0);
  const hs = new WebSocketClientHandshake({ random: (out, off, len) => { const s = utf8Bytes('the sample nonce'); for (let i = 0; i < len; i++) out[off + i] = s[i]!; } });
  hs.writeRequest(new Uint8Array(400), 0, 400, '127.0.0.1:8080', '/');
  const response = utf8Bytes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n');
  for (let i = 0; i < response.length; i++) hs.push(response, i, 1);
  const errors = [
    [0xc1, 0x00], [0x83, 0x00], [0x89, 0x7e, 0x00, 0x7e], [0x80, 0x00], [0x81, 0x80, 1, 2, 3, 4], [0x82, 0x7e, 0x00, 0x05], [0x81, 0x02, 0xc3, 0x28],
  ].map((wire) => { const r = feed(wire, 'client', 0); return Number(/error(-\d+)/.exec(r)?.[1] ?? 0); });
  return {
    vectors,
    roundTrip,
    accept: asciiString(accept, 0, 28),
    handshakeState: hs.state === HS_OPEN ? 1 : 0,
    sha1: ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'].map((s) => sha1Hex(s)),
    errors,
  };
}
