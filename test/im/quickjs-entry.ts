// Bundle entry for QuickJS: exposes the IM scenario through the JSON bridge.
import { scenario, type ScenarioInput } from './im-scenario.js';

(globalThis as unknown as { __run: (s: string) => string }).__run = (input: string): string =>
  JSON.stringify(scenario(JSON.parse(input) as ScenarioInput));
