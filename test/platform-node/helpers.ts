// Bounded waiting for the socket tests: every wait fails the test after its timeout instead of
// hanging the suite.
import { networkInterfaces } from 'node:os';

export interface Signal<T> {
  resolve(value: T): void;
  readonly settled: boolean;
  /** The value, or a rejection naming `what` after `ms`. */
  wait(ms: number, what: string): Promise<T>;
}

export function signal<T = void>(): Signal<T> {
  let settled = false;
  let value: T;
  const waiters: ((v: T) => void)[] = [];
  return {
    get settled() { return settled; },
    resolve(v: T) {
      if (settled) return;
      settled = true;
      value = v;
      for (const w of waiters) w(v);
    },
    wait(ms: number, what: string): Promise<T> {
      if (settled) return Promise.resolve(value);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
        waiters.push((v) => { clearTimeout(timer); resolve(v); });
      });
    },
  };
}

/** Resolves once `condition()` holds, polling every few ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** IPv6 loopback present? Tests that need it say loudly when they skip. */
export const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address === '::1'));

export function skipLoudly(name: string, why: string): void {
  console.warn(`\n  !! SKIPPED ${name}: ${why}\n`);
}

/** Deterministic test bytes: byte i of a stream is a function of i alone. */
export function patternByte(i: number): number {
  return (i * 31 + (i >>> 8) * 7) & 0xff;
}
