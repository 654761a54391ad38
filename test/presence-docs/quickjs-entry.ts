// Runs inside QuickJS (bundled by esbuild, no Node APIs): reads the documents given as strings
// with the core readers and returns plain results, plus a small throughput figure.
import { stringToUtf8 } from '../../core/xml/bytes.js';
import { PidfReader, EffectivePresence, composeEffectivePresence, activityNames, MOOD_NAMES } from '../../core/presence/documents/index.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { BusyLampTarget } from '../../core/packages/dialog-info-blf.js';
import { parseMessageSummary, MessageSummary, Count } from '../../core/packages/message-summary.js';

interface Input { pidf: string; pidfSmall: string; dialogs: string[]; mwi: string; now: number; iterations: number }

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  return out.subarray(0, stringToUtf8(text, out, 0, out.length));
}

export function run(input: Input): unknown {
  const pidf = new PidfReader();
  const pidfBytes = bytes(input.pidf);
  const code = pidf.read(pidfBytes);
  const doc = pidf.document;
  const effective = composeEffectivePresence(doc, input.now, null, new EffectivePresence());
  const dialogReader = new DialogInfoReader();
  const key = new BusyLampTarget();
  const blf: number[] = [];
  for (const d of input.dialogs) {
    dialogReader.read(bytes(d));
    key.apply(dialogReader.document);
    blf.push(key.state);
  }
  const mwi = new MessageSummary();
  const mwiBytes = bytes(input.mwi);
  parseMessageSummary(mwiBytes, 0, mwiBytes.length, mwi);

  // Throughput: read + compose, for the large RFC 4480 example and a typical small PIDF.
  const perSecond = (body: Uint8Array): number => {
    const started = Date.now();
    for (let i = 0; i < input.iterations; i++) {
      pidf.read(body);
      sum += composeEffectivePresence(pidf.document, input.now, null, effective).state;
    }
    const elapsedMs = Date.now() - started;
    return elapsedMs > 0 ? Math.round((input.iterations * 1000) / elapsedMs) : -1;
  };
  let sum = 0;
  const perSecondLarge = perSecond(pidfBytes);
  const perSecondSmall = perSecond(bytes(input.pidfSmall));
  pidf.read(pidfBytes);
  composeEffectivePresence(pidf.document, input.now, null, effective);
  return {
    code,
    tuples: doc.tupleCount,
    tupleIds: Array.from({ length: doc.tupleCount }, (_, i) => doc.text(doc.tuples[i]!.id)),
    activities: activityNames(doc.person.activities),
    mood: MOOD_NAMES[doc.person.mood],
    state: effective.state,
    note: effective.note >= 0 ? doc.text(doc.notes[effective.note]!.text) : '',
    blf,
    caller: key.callerDisplay,
    mwi: [mwi.waiting, mwi.count('voice-message', Count.New), mwi.count('voice-message', Count.Old)],
    perSecondLarge,
    perSecondSmall,
    sum,
  };
}

(globalThis as unknown as { __run: (input: string) => string }).__run = (input: string) => JSON.stringify(run(JSON.parse(input) as Input));
