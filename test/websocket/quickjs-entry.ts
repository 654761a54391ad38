// Entry bundled for QuickJS: exposes the WebSocket engine program through the JSON bridge.
import { runEngineProgram } from './engine-program.js';

(globalThis as unknown as { __run: (input: string) => string }).__run = () => JSON.stringify(runEngineProgram());
