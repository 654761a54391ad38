// Deterministic byte mutations of seed documents for the fuzz tests.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const INTERESTING = [0x3c, 0x3e, 0x2f, 0x26, 0x3b, 0x23, 0x78, 0x22, 0x27, 0x3d, 0x3a, 0x21, 0x3f, 0x2d, 0x5b, 0x5d, 0x20, 0x00, 0x0d, 0xff, 0xc3];

/** Mutates seed into work (capacity ≥ seed length + 64); returns the new length. */
export function mutate(seed: Uint8Array, work: Uint8Array, rnd: () => number): number {
  const capacity = work.length - 1;
  let length = Math.min(seed.length, capacity);
  work.set(seed.subarray(0, length));
  const mutations = 1 + Math.floor(rnd() * 4);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(rnd() * length);
    const op = rnd();
    if (op < 0.4) work[at] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
    else if (op < 0.6) work[at] = Math.floor(rnd() * 256);
    else if (op < 0.75 && length > 1) { work.copyWithin(at, at + 1, length); length--; }
    else if (op < 0.9) length = at;
    else if (length < capacity) { work.copyWithin(at + 1, at, length); work[at] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!; length++; }
  }
  return length;
}
