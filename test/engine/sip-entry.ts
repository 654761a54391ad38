// Bundle entry for QuickJS: exposes the verdict function through the JSON bridge.
import { verdicts } from './sip-verdicts.js';

(globalThis as unknown as { __run: (s: string) => string }).__run = (input: string): string =>
  JSON.stringify(verdicts(JSON.parse(input) as number[][]));
