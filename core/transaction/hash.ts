// 32-bit FNV-1a over byte spans, used to find a transaction in O(1) from the few header values
// that identify it (§17.1.3, §17.2.3). Hashes only narrow the search: branches are then compared
// byte for byte against the copy the engine keeps (see branch-pool.ts).
// Math.imul keeps the arithmetic in 32-bit integers on every engine (QuickJS, XS, V8).

// Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a of buf[off, off+len), continuing from `seed` (so several spans can be chained). */
export function hashBytes(buf: Uint8Array, off: number, len: number, seed: number = FNV_OFFSET): number {
  var h = seed | 0;
  var end = off + len;
  for (var i = off; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h | 0;
}

/**
 * FNV-1a of the ASCII-lowercased span: host names in Via sent-by compare case-insensitively
 * (RFC 3261 §19.1.4), so `Host.Example.COM` and `host.example.com` must hash alike.
 */
export function hashBytesCaseless(buf: Uint8Array, off: number, len: number, seed: number = FNV_OFFSET): number {
  var h = seed | 0;
  var end = off + len;
  for (var i = off; i < end; i++) {
    const c = buf[i]!;
    h = Math.imul(h ^ (c >= 0x41 && c <= 0x5a ? c | 0x20 : c), FNV_PRIME);
  }
  return h | 0;
}

/** Mixes a small integer into a hash (used to chain the CSeq number into the RFC 2543 hash). */
export function hashNumber(value: number, seed: number = FNV_OFFSET): number {
  var h = seed | 0;
  h = Math.imul(h ^ (value & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((value >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((value >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((value >>> 24) & 0xff), FNV_PRIME);
  return h | 0;
}

/** A murmur3-style finaliser: spreads the bits before the value is masked into a table index. */
export function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
