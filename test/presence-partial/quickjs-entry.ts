// Runs inside QuickJS (bundled by esbuild, no Node APIs): partial presence end to end in the core —
// the notifier's writer makes pidf-full and pidf-diffs of a sequence of PIDFs, PresenceStates with
// partial PIDF on applies them — and returns what was shown after each, plus a throughput figure.
import { stringToUtf8 } from '../../core/xml/bytes.js';
import { PresenceStates } from '../../core/presence/presence-states.js';
import { PidfDiffWriter } from '../../core/presence/partial/pidf-diff-writer.js';
import { partialPidfModule } from '../../core/presence/partial/partial-pidf.js';

interface Input { docs: string[]; iterations: number }

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  return out.subarray(0, stringToUtf8(text, out, 0, out.length));
}

export function run(input: Input): unknown {
  const docs = input.docs.map(bytes);
  const writer = new PidfDiffWriter();
  const out = new Uint8Array(8192);
  // The NOTIFY bodies a partial-presence notifier sends for this sequence.
  const bodies: Uint8Array[] = [];
  const kinds: string[] = [];
  for (let i = 0; i < docs.length; i++) {
    let n = i > 0 ? writer.writeDiff(docs[i - 1]!, 0, docs[i - 1]!.length, docs[i]!, 0, docs[i]!.length, i, out) : -1;
    kinds.push(n >= 0 ? 'diff' : 'full');
    if (n < 0) n = writer.writeFull(docs[i]!, 0, docs[i]!.length, i, out);
    bodies.push(out.slice(0, n));
  }
  const type = bytes('application/pidf-diff+xml');
  const states = new PresenceStates({ maxStates: 1, partialDocumentBytes: 4096, partialPidf: partialPidfModule });
  const shown: unknown[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const code = states.apply(1, type, 0, type.length, bodies[i]!, 0, bodies[i]!.length, 1000 + i);
    const s = states.get(1)!;
    shown.push([code, s.display, s.activities, s.noteText()]);
  }
  // Throughput: the whole sequence again and again (a full state restarts each round).
  const t0 = Date.now();
  let applied = 0;
  for (let k = 0; k < input.iterations; k++) {
    for (let i = 0; i < bodies.length; i++) {
      const b = bodies[i]!;
      states.apply(1, type, 0, type.length, b, 0, b.length, 2000 + k);
      applied++;
    }
  }
  const ms = Date.now() - t0;
  return { kinds, shown, perSecond: ms > 0 ? Math.round((applied * 1000) / ms) : applied };
}

(globalThis as unknown as { __run: (input: string) => string }).__run = (input: string) => JSON.stringify(run(JSON.parse(input) as Input));
