// CRC-16 vectors and the byte layout of YMODEM blocks. Expected CRCs come from Python's
// binascii.crc_hqx (an independent CRC-16/XMODEM implementation) and the catalogue check values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc16, CRC16_CCITT_FALSE_INIT, CRC16_XMODEM_INIT } from '../../platform/serial/crc16.js';
import {
  CPMEOF, SOH, STX, dataBlockSize, writeDataBlock, writeEndOfBatchBlock, writeHeaderBlock, MAX_BLOCK_BYTES,
} from '../../platform/serial/ymodem/blocks.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

test('CRC-16/XMODEM and CRC-16/CCITT-FALSE check values', () => {
  const check = ascii('123456789');
  assert.is(crc16(check, 0, 9, CRC16_XMODEM_INIT), 0x31c3);
  assert.is(crc16(check, 0, 9, CRC16_CCITT_FALSE_INIT), 0x29b1);
  assert.is(crc16(ascii('A'), 0, 1), 0x58e5);
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.is(crc16(all, 0, 256), 0x7e55);
  assert.is(crc16(new Uint8Array(128).fill(CPMEOF), 0, 128), 0xf8b0);
  assert.is(crc16(new Uint8Array(0), 0, 0), 0);
});

test('CRC covers exactly [off, off+len)', () => {
  const framed = ascii('xx123456789yy');
  assert.is(crc16(framed, 2, 9), 0x31c3);
});

test('header block 0: SOH 00 FF, name NUL size, NUL padding, CRC big-endian', () => {
  const out = new Uint8Array(MAX_BLOCK_BYTES);
  const n = writeHeaderBlock(out, 'fw.bin', 12345);
  assert.is(n, 133);
  assert.equal([out[0], out[1], out[2]], [SOH, 0x00, 0xff]);
  const expected = new Uint8Array(128);
  expected.set(ascii('fw.bin\u000012345'));
  assert.equal(Array.from(out.subarray(3, 131)), Array.from(expected));
  assert.is((out[131]! << 8) | out[132]!, 0x8bfd); // binascii.crc_hqx(header, 0)
});

test('a name too long for 128 bytes gets a 1024-byte header; an impossible one is refused', () => {
  const out = new Uint8Array(MAX_BLOCK_BYTES);
  const long = 'n'.repeat(200);
  const n = writeHeaderBlock(out, long, 7);
  assert.is(n, 1029);
  assert.is(out[0], STX);
  assert.is(String.fromCharCode(...out.subarray(3, 203)), long);
  assert.is(out[203], 0);
  assert.is(out[204], '7'.charCodeAt(0));
  assert.is(writeHeaderBlock(out, 'n'.repeat(1100), 7), -1);
  assert.is(writeHeaderBlock(out, '', 7), -1);
  assert.is(writeHeaderBlock(out, 'a\u0000b', 7), -1);
});

test('non-ASCII names are sent as UTF-8', () => {
  const out = new Uint8Array(MAX_BLOCK_BYTES);
  writeHeaderBlock(out, 'é€😀', 1);
  assert.equal(Array.from(out.subarray(3, 3 + 9)), [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  assert.is(out[12], 0);
});

test('end-of-batch block: SOH 00 FF and 128 NULs', () => {
  const out = new Uint8Array(MAX_BLOCK_BYTES).fill(0x55);
  const n = writeEndOfBatchBlock(out);
  assert.is(n, 133);
  assert.equal([out[0], out[1], out[2]], [SOH, 0, 0xff]);
  assert.ok(out.subarray(3, 131).every((b) => b === 0));
  assert.equal([out[131], out[132]], [0, 0]); // CRC of all zeros with init 0
});

test('data block: STX seq ~seq, data, CPMEOF padding, CRC over the 1024 data bytes', () => {
  const out = new Uint8Array(MAX_BLOCK_BYTES);
  const data = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff);
  const n = writeDataBlock(out, 0x101, 1024, data, 1000, 500);
  assert.is(n, 1029);
  assert.equal([out[0], out[1], out[2]], [STX, 0x01, 0xfe]);
  assert.equal(Array.from(out.subarray(3, 503)), Array.from(data.subarray(1000, 1500)));
  assert.ok(out.subarray(503, 1027).every((b) => b === CPMEOF));
  assert.is((out[1027]! << 8) | out[1028]!, crc16(out, 3, 1024));
});

test('short tails use 128-byte blocks, longer ones 1 KB', () => {
  assert.is(dataBlockSize(5000), 1024);
  assert.is(dataBlockSize(385), 1024);
  assert.is(dataBlockSize(384), 128);
  assert.is(dataBlockSize(1), 128);
});

test.run();
