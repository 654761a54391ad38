// CRC-16 with the CCITT polynomial 0x1021, MSB first, no reflection, no final XOR.
// Two members of that family are used on the serial line:
//   CRC-16/XMODEM        init 0x0000, check("123456789") = 0x31C3 — YMODEM blocks (XMODEM/YMODEM
//                        protocol reference, Forsberg 1988, §"CRC calculation").
//   CRC-16/CCITT-FALSE   init 0xFFFF, check("123456789") = 0x29B1 — panel frames, because a
//                        non-zero init also catches leading zero bytes.
// Engine-neutral: no host APIs, the table is built once at module load.

export const CRC16_XMODEM_INIT = 0x0000;
export const CRC16_CCITT_FALSE_INIT = 0xffff;

const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
}

/** CRC-16 (poly 0x1021) of buf[off, off+len), starting from `init`. Allocates nothing. */
export function crc16(buf: Uint8Array, off: number, len: number, init: number = CRC16_XMODEM_INIT): number {
  let crc = init & 0xffff;
  const end = off + len;
  for (let i = off; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ buf[i]!) & 0xff]!;
  }
  return crc;
}
