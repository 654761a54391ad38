// Runs inside QuickJS: the same presence world the Node benchmark drives (presence-harness.ts).
// Two calls, so that the host can time the steady state alone (with its own CPU clock as well):
// __setup builds the UA, its 50 subscriptions and warms up; __run sends the timed NOTIFYs, timed
// here too with the engine's own Date (bellard's QuickJS has no `performance`).
import { PresenceWorld, type PresencePath } from './presence-harness.js';

interface Input { subscriptions: number; warm: number; path: PresencePath; devices: 1 | 3 }

let world: PresenceWorld | null = null;
let next = 0;

const g = globalThis as unknown as { __setup: (s: string) => string; __run: (n: number) => string; __floor: (n: number) => string; __body: (n: number) => string };

g.__setup = (text: string): string => {
  const input = JSON.parse(text) as Input;
  world = new PresenceWorld({ subscriptions: input.subscriptions, path: input.path, devices: input.devices });
  for (; next < input.warm; next++) world.step(next);
  return JSON.stringify({ mismatches: world.mismatches, bodyBytes: world.bodyBytes() });
};

g.__run = (iterations: number): string => {
  const w = world!;
  let sink = 0;
  const start = Date.now();
  for (let k = 0; k < iterations; k++, next++) sink += w.step(next);
  const elapsedMs = Date.now() - start;
  return JSON.stringify({ elapsedMs, sink, mismatches: w.mismatches });
};

/** The byte-scan floor over the same messages (see PresenceWorld.scan). */
g.__floor = (iterations: number): string => {
  const w = world!;
  let sink = 0;
  const start = Date.now();
  for (let k = 0; k < iterations; k++) sink += w.scan(k);
  return JSON.stringify({ elapsedMs: Date.now() - start, sink });
};

/** The PIDF reads alone, over the same bodies (see PresenceWorld.readBody). */
g.__body = (iterations: number): string => {
  const w = world!;
  let sink = 0;
  const start = Date.now();
  for (let k = 0; k < iterations; k++) sink += w.readBody(next + k);
  return JSON.stringify({ elapsedMs: Date.now() - start, sink });
};
