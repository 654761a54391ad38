// Tags, Call-IDs and branches from the host's random source (RFC 3261 §19.3: tags and Call-IDs
// "MUST be globally unique and cryptographically random with at least 32 bits of randomness";
// §8.1.1.7: branches unique per transaction). The core has no entropy of its own and must not
// call Math.random, so every token is drawn from `random` in the config.

const HEX = '0123456789abcdef';

/** `n` lowercase hex digits (4 bits each) as a string: for tags and Call-IDs, made once per dialog or request. */
export function randomHex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[nibble(random)];
  return s;
}

/** Writes `n` hex digits into out[off..] without allocating (branches, one per request). */
export function fillHex(random: () => number, out: Uint8Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) out[off + i] = HEX.charCodeAt(nibble(random));
}

function nibble(random: () => number): number {
  const r = random();
  // Clamp a misbehaving source rather than writing garbage into a header.
  return r >= 0 && r < 1 ? Math.floor(r * 16) : 0;
}
