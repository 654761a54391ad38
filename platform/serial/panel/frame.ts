// Frames of the serial expansion panel protocol (see PROTOCOL.md next to this file):
//
//   on the wire:   00  COBS( type  seq  payload[0..240]  crc_hi crc_lo )  00
//   crc:           CRC-16/CCITT-FALSE over type, seq and payload
//
// Engine-neutral: encodes into fresh or caller buffers, decodes into caller buffers; never throws
// on bytes from the line — bad input gives a negative code.

import { crc16, CRC16_CCITT_FALSE_INIT } from '../crc16.js';
import { cobsEncode, cobsMaxEncoded } from './cobs.js';
import type { LampColor, LampPattern, LampState } from '../../../core/indicators/frame.js';

export const FrameType = {
  /** host → panel: set lamps. Payload: count, then count × LAMP_ENTRY_BYTES. */
  Lamps: 0x01,
  /** panel → host: a key went down or up. Payload: key, action (KeyAction). */
  Key: 0x02,
  /** either way, after power-up or reconnect: version, key count (0 from the host). */
  Hello: 0x03,
  /** either way: acknowledges the frame with the same seq. Payload: status (AckStatus). */
  Ack: 0x7f,
} as const;
export type FrameTypeId = (typeof FrameType)[keyof typeof FrameType];

export const AckStatus = { Ok: 0, BadPayload: 1, UnknownType: 2 } as const;
export const KeyAction = { Release: 0, Press: 1 } as const;

export const PROTOCOL_VERSION = 1;
export const MAX_PAYLOAD = 240;
/** type + seq + payload + CRC. */
export const MAX_FRAME = 2 + MAX_PAYLOAD + 2;
/** Leading and trailing delimiter included. */
export const MAX_WIRE_FRAME = cobsMaxEncoded(MAX_FRAME) + 2;
export const LAMP_ENTRY_BYTES = 7;
export const MAX_LAMPS_PER_FRAME = Math.floor((MAX_PAYLOAD - 1) / LAMP_ENTRY_BYTES);

/** Line errors a decoder reports (negative, with the frame length as position). */
export const FrameError = { TooShort: -10, BadCrc: -11, BadCobs: -12, TooLong: -13 } as const;

/**
 * The wire bytes of one frame: a leading 0x00 as well as the trailing one, so that garbage
 * before the frame ends up in a frame of its own (which fails its CRC) instead of spoiling this one.
 */
export function encodeFrame(type: number, seq: number, payload: Uint8Array, payloadLen: number = payload.length): Uint8Array {
  const raw = new Uint8Array(4 + payloadLen);
  raw[0] = type;
  raw[1] = seq & 0xff;
  raw.set(payload.subarray(0, payloadLen), 2);
  const crc = crc16(raw, 0, 2 + payloadLen, CRC16_CCITT_FALSE_INIT);
  raw[2 + payloadLen] = crc >>> 8;
  raw[3 + payloadLen] = crc & 0xff;
  const out = new Uint8Array(cobsMaxEncoded(raw.length) + 2);
  const n = cobsEncode(raw, 0, raw.length, out, 1);
  out[0] = 0;
  out[n + 1] = 0;
  return out.subarray(0, n + 2);
}

/** Checks a COBS-decoded frame: returns its payload length, or a FrameError. */
export function checkFrame(raw: Uint8Array, len: number): number {
  if (len < 4) return FrameError.TooShort;
  if (len > MAX_FRAME) return FrameError.TooLong;
  const crc = crc16(raw, 0, len - 2, CRC16_CCITT_FALSE_INIT);
  if (crc !== ((raw[len - 2]! << 8) | raw[len - 1]!)) return FrameError.BadCrc;
  return len - 4;
}

// Lamp entries: key, pattern, colour, on ms (u16 BE), off ms (u16 BE).
const PATTERNS: readonly LampPattern[] = ['off', 'solid', 'slow-blink', 'fast-blink'];
const COLORS: readonly (LampColor | null)[] = [null, 'red', 'green', 'amber'];

export interface LampEntry {
  readonly key: number;
  readonly state: LampState;
}

export const LampError = { BadLength: -1, BadPattern: -2, BadColor: -3, ColorMismatch: -4 } as const;

export function encodeLamps(entries: readonly LampEntry[]): Uint8Array {
  const out = new Uint8Array(1 + entries.length * LAMP_ENTRY_BYTES);
  out[0] = entries.length;
  let at = 1;
  for (const { key, state } of entries) {
    out[at] = key;
    out[at + 1] = PATTERNS.indexOf(state.pattern);
    out[at + 2] = COLORS.indexOf(state.color);
    const on = Math.max(0, Math.min(0xffff, Math.round(state.onMs)));
    const off = Math.max(0, Math.min(0xffff, Math.round(state.offMs)));
    out[at + 3] = on >>> 8;
    out[at + 4] = on & 0xff;
    out[at + 5] = off >>> 8;
    out[at + 6] = off & 0xff;
    at += LAMP_ENTRY_BYTES;
  }
  return out;
}

/** Decodes a Lamps payload; a negative LampError when it is malformed (the frame is then refused). */
export function decodeLamps(payload: Uint8Array): LampEntry[] | number {
  const count = payload[0];
  if (count === undefined || payload.length !== 1 + count * LAMP_ENTRY_BYTES) return LampError.BadLength;
  const entries: LampEntry[] = [];
  for (let i = 0, at = 1; i < count; i++, at += LAMP_ENTRY_BYTES) {
    const pattern = PATTERNS[payload[at + 1]!];
    if (pattern === undefined) return LampError.BadPattern;
    const colorIndex = payload[at + 2]!;
    if (colorIndex >= COLORS.length) return LampError.BadColor;
    const color = COLORS[colorIndex]!;
    // LampState: color is null exactly when the pattern is 'off'.
    if ((pattern === 'off') !== (color === null)) return LampError.ColorMismatch;
    entries.push({
      key: payload[at]!,
      state: { pattern, color, onMs: (payload[at + 3]! << 8) | payload[at + 4]!, offMs: (payload[at + 5]! << 8) | payload[at + 6]! },
    });
  }
  return entries;
}
