// Entry bundled for QuickJS: exposes the engine program to the host as a JSON string function.
import { runEngineProgram } from './engine-program.js';

(globalThis as unknown as { __run: (input: string) => string }).__run = () => JSON.stringify(runEngineProgram());
