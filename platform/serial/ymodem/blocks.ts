// YMODEM block layout (Forsberg, "XMODEM/YMODEM Protocol Reference", 1988):
//
//   SOH|STX  seq  ~seq  data[128|1024]  CRC-16/XMODEM (big-endian, over data only)
//
// Block 0 of each file is the batch header (§6.1 "File Name"): the path name, a NUL, then the
// length in decimal ASCII; the rest is NUL. An all-NUL block 0 ends the batch (§6.1: "a null
// pathname"). Data blocks are padded with CPMEOF (0x1A); the receiver truncates to the length
// from the header. Engine-neutral: builds into caller buffers, allocates nothing.

import { crc16, CRC16_XMODEM_INIT } from '../crc16.js';

export const SOH = 0x01;
export const STX = 0x02;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;
export const CAN = 0x18;
/** 'C': the receiver asks for CRC-16 blocks (and, in YMODEM, for the next header). */
export const CRC_REQUEST = 0x43;
export const CPMEOF = 0x1a;

export const SHORT_BLOCK = 128;
export const LONG_BLOCK = 1024;
/** Header (3) + data + CRC (2). */
export const OVERHEAD = 5;
export const MAX_BLOCK_BYTES = LONG_BLOCK + OVERHEAD;

/**
 * A tail this short goes out as 128-byte SOH blocks: three of them cost at most 399 bytes on the
 * wire against 1029 for one padded STX block, for at most three round trips.
 */
export const SHORT_TAIL_LIMIT = 3 * SHORT_BLOCK;

/** Size of the data block that carries the bytes from `remaining` onward. */
export function dataBlockSize(remaining: number): number {
  return remaining > SHORT_TAIL_LIMIT ? LONG_BLOCK : SHORT_BLOCK;
}

function seal(out: Uint8Array, seq: number, size: number): number {
  out[0] = size === LONG_BLOCK ? STX : SOH;
  out[1] = seq & 0xff;
  out[2] = ~seq & 0xff;
  const crc = crc16(out, 3, size, CRC16_XMODEM_INIT);
  out[3 + size] = crc >>> 8;
  out[4 + size] = crc & 0xff;
  return size + OVERHEAD;
}

/**
 * Data block `seq` carrying data[off, off+count), padded with CPMEOF to `size` (128 or 1024).
 * Returns the number of bytes written to `out` (size + 5).
 */
export function writeDataBlock(out: Uint8Array, seq: number, size: number, data: Uint8Array, off: number, count: number): number {
  for (let i = 0; i < count; i++) out[3 + i] = data[off + i]!;
  out.fill(CPMEOF, 3 + count, 3 + size);
  return seal(out, seq, size);
}

/** Encodes `text` as UTF-8 into out[off…]; returns the byte count, or -1 if it does not fit before `end`. */
function writeUtf8(out: Uint8Array, off: number, end: number, text: string): number {
  let at = off;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let code = text.codePointAt(i)!;
    if (code > 0xffff) i++;
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (at + bytes > end) return -1;
    if (bytes === 1) { out[at++] = code; continue; }
    const lead = bytes === 2 ? 0xc0 : bytes === 3 ? 0xe0 : 0xf0;
    for (let k = bytes - 1; k >= 1; k--) { out[at + k] = 0x80 | (code & 0x3f); code >>>= 6; }
    out[at] = lead | code;
    at += bytes;
  }
  return at - off;
}

/**
 * Header block 0: `name NUL size` (decimal). Uses a 128-byte block when it fits and a 1024-byte
 * one otherwise (§6.1 allows either). Returns the bytes written, or -1 if the name is too long
 * for even a 1024-byte block or contains NUL/'/' issues the receiver would misread.
 */
export function writeHeaderBlock(out: Uint8Array, name: string, size: number): number {
  if (name.length === 0 || name.indexOf('\0') >= 0) return -1;
  const sizeText = String(Math.floor(size));
  for (const blockSize of [SHORT_BLOCK, LONG_BLOCK]) {
    const end = 3 + blockSize;
    const nameBytes = writeUtf8(out, 3, end, name);
    if (nameBytes < 0) continue;
    let at = 3 + nameBytes;
    if (at + 1 + sizeText.length + 1 > end) continue; // NUL, size, and a NUL terminator
    out[at++] = 0;
    for (let i = 0; i < sizeText.length; i++) out[at++] = sizeText.charCodeAt(i);
    out.fill(0, at, end);
    return seal(out, 0, blockSize);
  }
  return -1;
}

/** The end-of-batch block: block 0 with 128 NULs. */
export function writeEndOfBatchBlock(out: Uint8Array): number {
  out.fill(0, 3, 3 + SHORT_BLOCK);
  return seal(out, 0, SHORT_BLOCK);
}
