// STUN Binding (RFC 5389) — just what SIP outbound needs (RFC 5626 §4.4.2, §8): a keep-alive
// request on the SIP UDP flow and the public address in the answer, so a changed NAT mapping
// is noticed and the phone re-registers before calls stop reaching it.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Transaction ID (96 bits)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const STUN_HEADER_BYTES = 20;
export const STUN_MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const ATTR_MAPPED_ADDRESS = 0x0001;
const ATTR_XOR_MAPPED_ADDRESS = 0x0020;

export const STUN_OK = 0;
export const STUN_E_NOT_STUN = -1;
export const STUN_E_TRUNCATED = -2;
export const STUN_E_NOT_BINDING_SUCCESS = -3;
export const STUN_E_WRONG_TRANSACTION = -4;
export const STUN_E_NO_ADDRESS = -5;
export const STUN_E_NO_SPACE = -6;

/** RFC 5389 §6 / RFC 7983: a datagram is STUN when its first two bits are 0 and the cookie matches. */
export function looksLikeStun(buf: Uint8Array, off: number, len: number): boolean {
  if (len < STUN_HEADER_BYTES || (buf[off]! & 0xc0) !== 0) return false;
  return readU32(buf, off + 4) === STUN_MAGIC_COOKIE;
}

/** Writes a Binding request with the caller's 12-byte transaction id; returns 20 or STUN_E_NO_SPACE. */
export function writeBindingRequest(out: Uint8Array, off: number, transactionId: Uint8Array): number {
  if (out.length - off < STUN_HEADER_BYTES || transactionId.length !== 12) return STUN_E_NO_SPACE;
  out[off] = BINDING_REQUEST >> 8;
  out[off + 1] = BINDING_REQUEST & 0xff;
  out[off + 2] = 0;
  out[off + 3] = 0;
  writeU32(out, off + 4, STUN_MAGIC_COOKIE);
  out.set(transactionId, off + 8);
  return STUN_HEADER_BYTES;
}

/** The public address a Binding success response reports. `address` holds 4 or 16 bytes. */
export class MappedAddress {
  family: 4 | 6 = 4;
  port = 0;
  readonly address = new Uint8Array(16);

  equals(other: MappedAddress): boolean {
    if (this.family !== other.family || this.port !== other.port) return false;
    const n = this.family === 4 ? 4 : 16;
    for (let i = 0; i < n; i++) if (this.address[i] !== other.address[i]) return false;
    return true;
  }

  copyFrom(other: MappedAddress): void {
    this.family = other.family;
    this.port = other.port;
    this.address.set(other.address);
  }

  /** Text form, allocated on request. */
  toString(): string {
    if (this.family === 4) return `${this.address[0]}.${this.address[1]}.${this.address[2]}.${this.address[3]}:${this.port}`;
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((this.address[i]! << 8) | this.address[i + 1]!).toString(16));
    return `[${groups.join(':')}]:${this.port}`;
  }
}

/**
 * Reads a Binding success response that must answer `transactionId`; prefers
 * XOR-MAPPED-ADDRESS (§15.2) and falls back to MAPPED-ADDRESS (§15.1) from older servers.
 */
export function parseBindingResponse(buf: Uint8Array, off: number, len: number, transactionId: Uint8Array, out: MappedAddress): number {
  if (!looksLikeStun(buf, off, len)) return STUN_E_NOT_STUN;
  const type = (buf[off]! << 8) | buf[off + 1]!;
  const bodyLen = (buf[off + 2]! << 8) | buf[off + 3]!;
  if (STUN_HEADER_BYTES + bodyLen > len) return STUN_E_TRUNCATED;
  if (type !== BINDING_SUCCESS) return STUN_E_NOT_BINDING_SUCCESS;
  for (let i = 0; i < 12; i++) if (buf[off + 8 + i] !== transactionId[i]) return STUN_E_WRONG_TRANSACTION;
  let found = 0;
  let at = off + STUN_HEADER_BYTES;
  const end = at + bodyLen;
  while (at + 4 <= end) {
    const attr = (buf[at]! << 8) | buf[at + 1]!;
    const attrLen = (buf[at + 2]! << 8) | buf[at + 3]!;
    const value = at + 4;
    if (value + attrLen > end) return STUN_E_TRUNCATED;
    if ((attr === ATTR_XOR_MAPPED_ADDRESS || (attr === ATTR_MAPPED_ADDRESS && found === 0)) && attrLen >= 8) {
      const family = buf[value + 1];
      const xored = attr === ATTR_XOR_MAPPED_ADDRESS;
      if (family === 1 || (family === 2 && attrLen >= 20)) {
        out.family = family === 1 ? 4 : 6;
        const rawPort = (buf[value + 2]! << 8) | buf[value + 3]!;
        out.port = xored ? rawPort ^ (STUN_MAGIC_COOKIE >>> 16) : rawPort;
        const n = family === 1 ? 4 : 16;
        for (let i = 0; i < n; i++) {
          // The XOR key is the cookie followed by the transaction id (§15.2).
          const key = i < 4 ? (STUN_MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : buf[off + 8 + i - 4]!;
          out.address[i] = xored ? buf[value + 4 + i]! ^ key : buf[value + 4 + i]!;
        }
        found = xored ? 2 : 1;
        if (xored) break;
      }
    }
    at = value + ((attrLen + 3) & ~3);
  }
  return found > 0 ? STUN_OK : STUN_E_NO_ADDRESS;
}

function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}
