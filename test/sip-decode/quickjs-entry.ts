// Bundled by quickjs.test.ts and evaluated inside QuickJS.
import { runDecodeProgram } from './engine-program.js';

(globalThis as unknown as { __run: (input: string) => string }).__run = (input: string): string =>
  JSON.stringify(runDecodeProgram(JSON.parse(input) as [string, string][]));
