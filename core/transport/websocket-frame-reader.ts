// WebSocket frame parser (RFC 6455 §5) for SIP over WebSocket (RFC 7118). Sans-I/O: the host
// feeds whatever bytes its socket produced, split anywhere; the reader reports one event at a
// time in a reusable view. RFC 7118 §5 puts exactly one SIP message in each WebSocket message,
// so a reassembled message goes to the UA whole, like a datagram, with no Content-Length framing.
//
// §5.2 Base Framing Protocol:
//
//      0                   1                   2                   3
//      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//     +-+-+-+-+-------+-+-------------+-------------------------------+
//     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//     | |1|2|3|       |K|             |                               |
//     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//     |     Extended payload length continued, if payload len == 127  |
//     + - - - - - - - - - - - - - - - +-------------------------------+
//     |                               |Masking-key, if MASK set to 1  |
//     +-------------------------------+-------------------------------+
//     | Masking-key (continued)       |          Payload Data         |
//     +-------------------------------- - - - - - - - - - - - - - - - +
//     :                     Payload Data continued ...                :
//     + - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - +
//     |                     Payload Data continued ...                |
//     +---------------------------------------------------------------+
//
//    ws-frame                = frame-fin frame-rsv1 frame-rsv2 frame-rsv3
//                              frame-opcode frame-masked frame-payload-length
//                              [ frame-masking-key ] frame-payload-data
//    frame-opcode            = frame-opcode-non-control / frame-opcode-control /
//                              frame-opcode-cont
//    frame-opcode-cont       = %x0 ; frame continuation
//    frame-opcode-non-control= %x1 ; text frame
//                            / %x2 ; binary frame
//                            / %x3-7 ; reserved for further non-control frames
//    frame-opcode-control    = %x8 ; connection close
//                            / %x9 ; ping
//                            / %xA ; pong
//                            / %xB-F ; reserved for further control frames
//    frame-payload-length    = ( %x00-7D )
//                            / ( %x7E frame-payload-length-16 )
//                            / ( %x7F frame-payload-length-63 )
//    frame-payload-length-16 = %x0000-FFFF
//    frame-payload-length-63 = %x0000000000000000-7FFFFFFFFFFFFFFF
//    frame-masking-key       = 4( %x00-FF ) ; present only if frame-masked is 1
//
// Where payload bytes go:
//   - An unfragmented text/binary frame whose payload lies whole in the chunk being read is
//     unmasked in place (§5.3: octet i ^= key[i mod 4]) and reported from the caller's bytes: no
//     copy on the common path of one SIP message per frame.
//   - Otherwise (split across reads, or fragmented into continuation frames, §5.4) the payload is
//     unmasked while copied into the caller-owned message buffer, whose size bounds a message.
//   - Control frames (close, ping, pong; §5.5) may arrive between fragments, so their at most 125
//     bytes go to a buffer of their own and never disturb a message being reassembled.
// Errors are sticky (§7.1.7: the connection is failed); reset() starts over for a new connection.
import { utf8InvalidAt } from '../bytes/utf8.js';
import {
  E_WS_BAD_CLOSE_CODE, E_WS_BAD_CLOSE_PAYLOAD, E_WS_BAD_LENGTH, E_WS_BAD_OPCODE, E_WS_BAD_UTF8,
  E_WS_CONTROL_FRAGMENTED, E_WS_CONTROL_TOO_LONG, E_WS_EXPECTED_CONTINUATION, E_WS_MASK_EXPECTED,
  E_WS_MASK_UNEXPECTED, E_WS_MESSAGE_TOO_BIG, E_WS_NON_MINIMAL_LENGTH, E_WS_RESERVED_BITS,
  E_WS_UNEXPECTED_CONTINUATION, WS_CLOSE_NO_STATUS,
} from './websocket-errors.js';

// §5.2 / §11.8 opcodes.
export const WS_OP_CONTINUATION = 0x0;
export const WS_OP_TEXT = 0x1;
export const WS_OP_BINARY = 0x2;
export const WS_OP_CLOSE = 0x8;
export const WS_OP_PING = 0x9;
export const WS_OP_PONG = 0xa;

// What a call to read() completed.
export const WS_EVENT_NONE = 0;
/** A whole text/binary message (all fragments joined). */
export const WS_EVENT_MESSAGE = 1;
export const WS_EVENT_PING = 2;
export const WS_EVENT_PONG = 3;
/** A close frame: `closeCode` (1005 when it had no body) and the reason span. */
export const WS_EVENT_CLOSE = 4;

/** §5.5: "All control frames MUST have a payload length of 125 bytes or less". */
export const WS_MAX_CONTROL_PAYLOAD = 125;

export interface WebSocketReaderOptions {
  /**
   * 'client': frames come from a server and MUST NOT be masked; 'server': they come from a
   * client and MUST be masked (§5.1). Default 'client' (a phone connects out).
   */
  readonly role: 'client' | 'server';
  /** Largest message accepted (default: the message buffer's length, also the upper bound). */
  readonly maxMessageBytes: number;
  /** Check that text messages and close reasons are UTF-8 (§8.1). Default true. */
  readonly validateUtf8: boolean;
}

/** Filled by WebSocketFrameReader.read(); valid until the next read() or reset(). */
export class WebSocketFrameView {
  /** WS_EVENT_*: what the last read() completed (WS_EVENT_NONE: keep feeding). */
  event = WS_EVENT_NONE;
  /** Opcode of the message (WS_OP_TEXT / WS_OP_BINARY) or of the control frame. */
  opcode = 0;
  /** FIN of the last frame (always true for an event: messages are reported whole). */
  fin = false;
  /** Whether the frame(s) carried a masking key. */
  masked = false;
  /** Bytes of the payload, unmasked: the caller's own buffer or the reader's message buffer. */
  buf: Uint8Array = EMPTY;
  payloadOff = 0;
  payloadLen = 0;
  /** Frames that made this message (1 when it was not fragmented). */
  frames = 0;
  /** WS_EVENT_CLOSE: the status code (§7.4), or 1005 when the frame had none. */
  closeCode = 0;
  /** WS_EVENT_CLOSE: the reason text span (UTF-8) inside buf. */
  reasonOff = 0;
  reasonLen = 0;
  /** After an error: the E_WS_* code, the index in the caller's buffer and in the whole stream. */
  errorCode = 0;
  errorOffset = -1;
  errorPosition = -1;
}

const EMPTY = new Uint8Array(0);

// Reader states (§5.2: a frame is a header, then its payload).
const HEADER = 0;
const PAYLOAD = 1;
const FAILED = 2;

// Per opcode: 0 reserved, 1 data (text/binary), 2 continuation, 3 control. A table rather than
// scattered comparisons; reserved opcodes fail the connection (§5.2).
const OPCODE_CLASS = new Uint8Array([2, 1, 1, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0]);
const RESERVED_OP = 0;
const DATA_OP = 1;
const CONTINUATION_OP = 2;
const CONTROL_OP = 3;

/** §7.4.1/§7.4.2: may this status code appear in a close frame? */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  // 1004 reserved; 1005 and 1006 are for reporting only, never on the wire.
  return code !== 1004 && code !== 1005 && code !== 1006;
}

export class WebSocketFrameReader {
  /** Stream bytes consumed since construction or reset(). */
  position = 0;
  /** Frames (data and control) parsed so far. */
  framesRead = 0;

  private readonly messageBuffer: Uint8Array;
  private readonly control = new Uint8Array(WS_MAX_CONTROL_PAYLOAD);
  private readonly header = new Uint8Array(14);
  private readonly maxMessage: number;
  private readonly expectMasked: boolean;
  private readonly validateUtf8: boolean;
  private state = HEADER;
  private headerLen = 0;
  private headerNeed = 2;
  // The frame being read.
  private fin = false;
  private opcode = 0;
  private masked = false;
  private payloadLen = 0;
  private payloadDone = 0;
  private maskAt = 0;
  // The fragmented message being reassembled (§5.4).
  private inMessage = false;
  private messageOpcode = 0;
  private messageLen = 0;
  private messageFrames = 0;
  private messageMasked = false;
  private errorCode = 0;

  /**
   * @param messageBuffer caller-owned space where split or fragmented messages are put together;
   *   its length caps maxMessageBytes.
   */
  constructor(messageBuffer: Uint8Array, options?: Partial<WebSocketReaderOptions>) {
    this.messageBuffer = messageBuffer;
    const max = options?.maxMessageBytes ?? messageBuffer.length;
    this.maxMessage = max < messageBuffer.length ? max : messageBuffer.length;
    this.expectMasked = (options?.role ?? 'client') === 'server';
    this.validateUtf8 = options?.validateUtf8 ?? true;
  }

  get maxMessageBytes(): number {
    return this.maxMessage;
  }

  /** True after an error: the connection must be failed; reset() for a new one. */
  get failed(): boolean {
    return this.state === FAILED;
  }

  reset(): void {
    this.position = 0;
    this.framesRead = 0;
    this.state = HEADER;
    this.headerLen = 0;
    this.headerNeed = 2;
    this.inMessage = false;
    this.messageLen = 0;
    this.messageFrames = 0;
    this.errorCode = 0;
  }

  /**
   * Reads from buf[off, off+len) until one event completes or the bytes run out. Returns the
   * bytes consumed (>= 0; the caller feeds the rest again) with view.event set, or a negative
   * E_WS_* code (view.errorCode/errorOffset/errorPosition). Never throws on any bytes; it
   * consumes at least one byte whenever len > 0 and no error is returned.
   */
  read(buf: Uint8Array, off: number, len: number, view: WebSocketFrameView): number {
    view.event = WS_EVENT_NONE;
    if (this.state === FAILED) return this.errorCode;
    const end = off + len;
    let i = off;
    if (this.state === HEADER) {
      const header = this.header;
      while (i < end) {
        header[this.headerLen++] = buf[i++];
        if (this.headerLen === 2) {
          const err = this.firstTwoBytes();
          if (err < 0) return this.fail(view, err, i - 1, i - off);
        }
        if (this.headerLen === this.headerNeed) break;
      }
      if (this.headerLen < this.headerNeed) return this.consumed(i - off);
      const err = this.headerComplete();
      if (err < 0) return this.fail(view, err, i - 1, i - off);
      this.state = PAYLOAD;
      if (this.payloadLen === 0) return this.frameComplete(view, buf, i, i - off);
      // The common case: a whole SIP message in one frame, all of it in this chunk.
      if (this.fin && !this.inMessage && this.opcode !== WS_OP_CONTINUATION && OPCODE_CLASS[this.opcode] === DATA_OP
        && end - i >= this.payloadLen) {
        if (this.masked) this.unmask(buf, i, buf, i, this.payloadLen);
        this.payloadDone = this.payloadLen;
        return this.frameComplete(view, buf, i, i + this.payloadLen - off);
      }
    }
    if (i >= end) return this.consumed(i - off);
    // PAYLOAD: copy (and unmask) what this chunk holds of it.
    const want = this.payloadLen - this.payloadDone;
    const n = end - i < want ? end - i : want;
    const isControl = OPCODE_CLASS[this.opcode] === CONTROL_OP;
    const target = isControl ? this.control : this.messageBuffer;
    const at = isControl ? this.payloadDone : this.messageLen + this.payloadDone;
    if (this.masked) this.unmask(buf, i, target, at, n);
    else for (let j = 0; j < n; j++) target[at + j] = buf[i + j];
    this.payloadDone += n;
    i += n;
    if (this.payloadDone < this.payloadLen) return this.consumed(i - off);
    return this.frameComplete(view, target, -1, i - off);
  }

  private consumed(n: number): number {
    this.position += n;
    return n;
  }

  /** `back`: how many bytes before the last consumed one the offending byte is (0: that one). */
  private fail(view: WebSocketFrameView, code: number, at: number, consumed: number, back = 0): number {
    this.state = FAILED;
    this.errorCode = code;
    view.errorCode = code;
    view.errorOffset = at;
    view.errorPosition = this.position + consumed - 1 - back;
    this.position += consumed;
    return code;
  }

  /** §5.2 first two octets: FIN, RSV, opcode, MASK, 7-bit length; sets how long the header is. */
  private firstTwoBytes(): number {
    const b0 = this.header[0];
    const b1 = this.header[1];
    if ((b0 & 0x70) !== 0) return E_WS_RESERVED_BITS;
    const opcode = b0 & 0x0f;
    const cls = OPCODE_CLASS[opcode];
    if (cls === RESERVED_OP) return E_WS_BAD_OPCODE;
    const fin = (b0 & 0x80) !== 0;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if (cls === CONTROL_OP) {
      if (!fin) return E_WS_CONTROL_FRAGMENTED;
      if (len7 > WS_MAX_CONTROL_PAYLOAD) return E_WS_CONTROL_TOO_LONG;
    } else if (cls === CONTINUATION_OP) {
      if (!this.inMessage) return E_WS_UNEXPECTED_CONTINUATION;
    } else if (this.inMessage) {
      return E_WS_EXPECTED_CONTINUATION;
    }
    // §5.1: clients mask every frame, servers none.
    if (masked !== this.expectMasked) return masked ? E_WS_MASK_UNEXPECTED : E_WS_MASK_EXPECTED;
    this.fin = fin;
    this.opcode = opcode;
    this.masked = masked;
    this.headerNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
    return 0;
  }

  /** The extended length (§5.2: minimal encoding, 63 bits) and the size limit. */
  private headerComplete(): number {
    const h = this.header;
    const len7 = h[1] & 0x7f;
    let length = len7;
    let p = 2;
    if (len7 === 126) {
      length = (h[2] << 8) | h[3];
      p = 4;
      if (length < 126) return E_WS_NON_MINIMAL_LENGTH;
    } else if (len7 === 127) {
      const hi = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
      const lo = ((h[6] << 24) | (h[7] << 16) | (h[8] << 8) | h[9]) >>> 0;
      p = 10;
      if (hi >= 0x80000000) return E_WS_BAD_LENGTH;
      length = hi * 0x100000000 + lo;
      if (length < 0x10000) return E_WS_NON_MINIMAL_LENGTH;
    }
    this.maskAt = p;
    this.payloadLen = length;
    this.payloadDone = 0;
    if (OPCODE_CLASS[this.opcode] !== CONTROL_OP && length > this.maxMessage - this.messageLen) return E_WS_MESSAGE_TOO_BIG;
    return 0;
  }

  /** §5.3: out[j] = in[j] XOR key[(payloadDone + j) mod 4]; `out` may be `src` (in place). */
  private unmask(src: Uint8Array, from: number, out: Uint8Array, to: number, n: number): void {
    const h = this.header;
    const k = this.maskAt;
    const k0 = h[k], k1 = h[k + 1], k2 = h[k + 2], k3 = h[k + 3];
    let phase = this.payloadDone & 3;
    let j = 0;
    // Up to the next multiple of 4 in the payload, then four bytes per step with fixed key bytes.
    for (; j < n && phase !== 0; j++) {
      out[to + j] = src[from + j] ^ (phase === 1 ? k1 : phase === 2 ? k2 : k3);
      phase = (phase + 1) & 3;
    }
    const whole = j + ((n - j) & ~3);
    for (; j < whole; j += 4) {
      out[to + j] = src[from + j] ^ k0;
      out[to + j + 1] = src[from + j + 1] ^ k1;
      out[to + j + 2] = src[from + j + 2] ^ k2;
      out[to + j + 3] = src[from + j + 3] ^ k3;
    }
    for (let q = 0; j < n; j++, q++) out[to + j] = src[from + j] ^ (q === 0 ? k0 : q === 1 ? k1 : k2);
  }

  /**
   * The frame's payload is all there. `inPlaceOff` >= 0: it lies unmasked in `where` (the
   * caller's buffer) at that offset; -1: in the message or control buffer.
   */
  private frameComplete(view: WebSocketFrameView, where: Uint8Array, inPlaceOff: number, consumed: number): number {
    this.state = HEADER;
    this.headerLen = 0;
    this.headerNeed = 2;
    this.framesRead++;
    const len = this.payloadLen;
    const opcode = this.opcode;
    if (OPCODE_CLASS[opcode] === CONTROL_OP) {
      view.opcode = opcode;
      view.fin = true;
      view.masked = this.masked;
      view.buf = inPlaceOff >= 0 ? where : this.control;
      view.payloadOff = inPlaceOff >= 0 ? inPlaceOff : 0;
      view.payloadLen = len;
      view.frames = 1;
      if (opcode === WS_OP_PING) view.event = WS_EVENT_PING;
      else if (opcode === WS_OP_PONG) view.event = WS_EVENT_PONG;
      else {
        // §5.5.1: an optional 2-byte status code, then an optional UTF-8 reason. An error names
        // the offending byte of the payload (k): the code's second byte, the reason's first bad one.
        const b = view.buf;
        const o = view.payloadOff;
        const bad = (code: number, k: number) => this.fail(view, code, inPlaceOff >= 0 ? o + k : -1, consumed, len - 1 - k);
        if (len === 1) return bad(E_WS_BAD_CLOSE_PAYLOAD, 0);
        view.closeCode = len === 0 ? WS_CLOSE_NO_STATUS : (b[o] << 8) | b[o + 1];
        if (len >= 2 && !isValidCloseCode(view.closeCode)) return bad(E_WS_BAD_CLOSE_CODE, 1);
        view.reasonOff = len >= 2 ? o + 2 : o;
        view.reasonLen = len >= 2 ? len - 2 : 0;
        const invalid = this.validateUtf8 ? utf8InvalidAt(b, view.reasonOff, view.reasonLen) : -1;
        if (invalid >= 0) return bad(E_WS_BAD_UTF8, invalid - o);
        view.event = WS_EVENT_CLOSE;
      }
      return this.consumed(consumed);
    }
    // Data: the first frame names the message type; continuations add to it (§5.4).
    if (!this.inMessage) {
      this.messageOpcode = opcode;
      this.messageLen = 0;
      this.messageFrames = 0;
      this.messageMasked = this.masked;
    }
    this.messageFrames++;
    if (!this.fin) {
      // An unfragmented frame was read in place only when FIN was set, so this one is in the buffer.
      this.inMessage = true;
      this.messageLen += len;
      return this.consumed(consumed);
    }
    const inPlace = inPlaceOff >= 0 && !this.inMessage;
    const buf = inPlace ? where : this.messageBuffer;
    const payloadOff = inPlace ? inPlaceOff : 0;
    const payloadLen = inPlace ? len : this.messageLen + len;
    this.inMessage = false;
    this.messageLen = 0;
    if (this.validateUtf8 && this.messageOpcode === WS_OP_TEXT) {
      const bad = utf8InvalidAt(buf, payloadOff, payloadLen);
      if (bad >= 0) return this.fail(view, E_WS_BAD_UTF8, inPlace ? bad : -1, consumed);
    }
    view.event = WS_EVENT_MESSAGE;
    view.opcode = this.messageOpcode;
    view.fin = true;
    view.masked = this.messageMasked;
    view.buf = buf;
    view.payloadOff = payloadOff;
    view.payloadLen = payloadLen;
    view.frames = this.messageFrames;
    return this.consumed(consumed);
  }
}
