// Runs inside QuickJS: the same RouteReader the Node benchmark uses, timed with the engine's
// own Date (bellard's QuickJS has no `performance`).
import { RouteReader } from './hardphone-route.js';

interface Input { messages: number[][]; iterations: number }

(globalThis as unknown as { __run: (s: string) => string }).__run = (text: string): string => {
  const input = JSON.parse(text) as Input;
  const count = input.messages.length;
  let total = 0;
  for (let i = 0; i < count; i++) total += input.messages[i]!.length;
  const buf = new Uint8Array(total);
  const offs = new Uint32Array(count);
  const lens = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const m = input.messages[i]!;
    offs[i] = at;
    lens[i] = m.length;
    buf.set(m, at);
    at += m.length;
  }
  const reader = new RouteReader();
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += reader.read(buf, offs[i % count]!, lens[i % count]!);
  const start = Date.now();
  const iterations = input.iterations;
  for (let i = 0; i < iterations; i++) sink += reader.read(buf, offs[i % count]!, lens[i % count]!);
  const elapsedMs = Date.now() - start;
  return JSON.stringify({ elapsedMs, sink });
};
