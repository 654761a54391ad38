// WebSocket frame writer (RFC 6455 §5.2) into a caller-provided buffer, all or nothing. A SIP
// message goes out as one unfragmented frame (RFC 7118 §5: one SIP message per WebSocket
// message). §5.3: a client masks every frame with a fresh 4-byte key "derived from a strong
// source of entropy"; the core has no crypto, so the host injects the key source. A server
// (role 'server', used by tests and a simulator) sends unmasked frames.
import { E_WS_BAD_CLOSE_CODE, E_WS_CONTROL_TOO_LONG, E_WS_NO_SPACE } from './websocket-errors.js';
import { WS_MAX_CONTROL_PAYLOAD, WS_OP_BINARY, WS_OP_CLOSE, WS_OP_PING, WS_OP_PONG, WS_OP_TEXT, isValidCloseCode } from './websocket-frame-reader.js';

/** Fills out[off, off+len) with random bytes (a CSPRNG on the host: §10.3 masking, §4.1 nonce). */
export type RandomBytes = (out: Uint8Array, off: number, len: number) => void;

export interface WebSocketWriterOptions {
  /** 'client' masks every frame (§5.1, §5.3); 'server' never does. */
  readonly role: 'client' | 'server';
  /** Key source for masking; required for role 'client'. */
  readonly random?: RandomBytes;
}

/** Header bytes of a frame with this payload length (§5.2): 2, +2 or +8 for the length, +4 for a mask. */
export function wsHeaderLength(payloadLen: number, masked: boolean): number {
  return (payloadLen < 126 ? 2 : payloadLen < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

export class WebSocketFrameWriter {
  private readonly mask: boolean;
  private readonly random: RandomBytes | undefined;
  private readonly key = new Uint8Array(4);

  constructor(options: WebSocketWriterOptions) {
    this.mask = options.role === 'client';
    this.random = options.random;
    if (this.mask && this.random === undefined) throw new TypeError('WebSocketFrameWriter: a client needs a random source for masking keys (RFC 6455 §5.3)');
  }

  /** Total bytes of a frame with this payload length in this writer's role. */
  frameLength(payloadLen: number): number {
    return wsHeaderLength(payloadLen, this.mask) + payloadLen;
  }

  text(out: Uint8Array, off: number, end: number, payload: Uint8Array, pOff: number, pLen: number): number {
    return this.frame(out, off, end, WS_OP_TEXT, true, payload, pOff, pLen);
  }

  binary(out: Uint8Array, off: number, end: number, payload: Uint8Array, pOff: number, pLen: number): number {
    return this.frame(out, off, end, WS_OP_BINARY, true, payload, pOff, pLen);
  }

  /** §5.5.2: a ping may carry "Application data" (at most 125 bytes). */
  ping(out: Uint8Array, off: number, end: number, payload: Uint8Array, pOff: number, pLen: number): number {
    if (pLen > WS_MAX_CONTROL_PAYLOAD) return E_WS_CONTROL_TOO_LONG;
    return this.frame(out, off, end, WS_OP_PING, true, payload, pOff, pLen);
  }

  /** §5.5.3: the pong answering a ping carries that ping's application data. */
  pong(out: Uint8Array, off: number, end: number, payload: Uint8Array, pOff: number, pLen: number): number {
    if (pLen > WS_MAX_CONTROL_PAYLOAD) return E_WS_CONTROL_TOO_LONG;
    return this.frame(out, off, end, WS_OP_PONG, true, payload, pOff, pLen);
  }

  /**
   * §5.5.1: close with a status code (-1: none) and an optional UTF-8 reason span; code + reason
   * at most 125 bytes. Returns bytes written or a negative E_WS_* code.
   */
  close(out: Uint8Array, off: number, end: number, code: number, reason: Uint8Array, rOff: number, rLen: number): number {
    if (code < 0) return this.frame(out, off, end, WS_OP_CLOSE, true, reason, rOff, 0);
    if (!isValidCloseCode(code)) return E_WS_BAD_CLOSE_CODE;
    const len = 2 + rLen;
    if (len > WS_MAX_CONTROL_PAYLOAD) return E_WS_CONTROL_TOO_LONG;
    const head = this.header(out, off, end, WS_OP_CLOSE, true, len);
    if (head < 0) return head;
    const p = off + head;
    const k = this.key;
    out[p] = (code >> 8) ^ (this.mask ? k[0] : 0);
    out[p + 1] = (code & 255) ^ (this.mask ? k[1] : 0);
    this.copy(reason, rOff, out, p + 2, rLen, 2);
    return head + len;
  }

  /**
   * Any frame: opcode, FIN, payload span. Returns the bytes written at out[off..), or
   * E_WS_NO_SPACE with nothing written.
   */
  frame(out: Uint8Array, off: number, end: number, opcode: number, fin: boolean, payload: Uint8Array, pOff: number, pLen: number): number {
    const head = this.header(out, off, end, opcode, fin, pLen);
    if (head < 0) return head;
    this.copy(payload, pOff, out, off + head, pLen, 0);
    return head + pLen;
  }

  /** Writes the header (and draws a new masking key); returns its length or E_WS_NO_SPACE. */
  private header(out: Uint8Array, off: number, end: number, opcode: number, fin: boolean, len: number): number {
    const head = wsHeaderLength(len, this.mask);
    if (off < 0 || end > out.length || end - off < head + len) return E_WS_NO_SPACE;
    out[off] = (fin ? 0x80 : 0) | (opcode & 0x0f);
    const maskBit = this.mask ? 0x80 : 0;
    let p = off + 2;
    if (len < 126) {
      out[off + 1] = maskBit | len;
    } else if (len < 0x10000) {
      out[off + 1] = maskBit | 126;
      out[off + 2] = len >> 8;
      out[off + 3] = len & 255;
      p = off + 4;
    } else {
      out[off + 1] = maskBit | 127;
      const hi = Math.floor(len / 0x100000000);
      const lo = len >>> 0;
      out[off + 2] = hi >>> 24; out[off + 3] = (hi >>> 16) & 255; out[off + 4] = (hi >>> 8) & 255; out[off + 5] = hi & 255;
      out[off + 6] = lo >>> 24; out[off + 7] = (lo >>> 16) & 255; out[off + 8] = (lo >>> 8) & 255; out[off + 9] = lo & 255;
      p = off + 10;
    }
    if (this.mask) {
      const k = this.key;
      this.random!(k, 0, 4);
      out[p] = k[0]; out[p + 1] = k[1]; out[p + 2] = k[2]; out[p + 3] = k[3];
    }
    return head;
  }

  /** Copies n payload bytes (the span must not overlap the frame being written), masked with the current key starting at key index `phase` (§5.3). */
  private copy(src: Uint8Array, from: number, out: Uint8Array, to: number, n: number, phase: number): void {
    if (!this.mask) {
      for (let j = 0; j < n; j++) out[to + j] = src[from + j];
      return;
    }
    const k = this.key;
    for (let j = 0; j < n; j++) out[to + j] = src[from + j] ^ k[(phase + j) & 3];
  }
}
