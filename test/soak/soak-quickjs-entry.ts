// Runs inside QuickJS (bundled by soak-quickjs.test.ts / run-soak.ts with test/support/quickjs.ts):
// the soak scenario, driven one slice at a time from the host through three globals, so the host
// can read the engine's memory between slices. Figures go out as JSON strings (no objects cross).
import { SoakScenario } from './soak-scenario.js';
import { FlowSoakScenario } from './soak-flows-scenario.js';
import { StreamSoakScenario } from './soak-streams-scenario.js';

let soak: SoakScenario | FlowSoakScenario | StreamSoakScenario | null = null;
const g = globalThis as unknown as Record<string, unknown>;

/** `{ seed?, leak?, flows?, streams? }` → starts the phones (`flows`: the second scenario, soak-flows-scenario.ts; `streams`: the third, soak-streams-scenario.ts). */
g.__soakStart = (input: string): string => {
  const opts = JSON.parse(input) as { seed?: number; leak?: boolean; flows?: boolean; streams?: boolean };
  soak = opts.streams === true ? new StreamSoakScenario(opts) : opts.flows === true ? new FlowSoakScenario(opts) : new SoakScenario(opts);
  const baseline = soak.occupancy();
  soak.start();
  return JSON.stringify({ baseline });
};

/** Runs `hours` more virtual hours; `phase` 'quiesce' / 'shutdown' first ends the churn / shuts the phones down. */
g.__soakRun = (hours: number, phase: string): string => {
  const s = soak!;
  if (phase === 'quiesce') s.quiesce();
  if (phase === 'shutdown') s.shutdown();
  s.run(hours);
  return JSON.stringify({
    now: s.now, counters: s.counters, occupancy: s.occupancy(),
    intendedSubscriptions: s.intendedSubscriptions, activeSubscriptions: s.activeSubscriptions, leakedObjects: s.leakedObjects,
  });
};
