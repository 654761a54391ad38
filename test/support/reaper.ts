// Programs and temp dirs that test harnesses (Kamailio, baresip) start: a crashed or
// interrupted test run must not leave them behind. Harnesses register what they start; on exit
// the whole process groups are killed and the dirs removed; on SIGINT/SIGTERM the same, then the
// signal is re-raised.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface Tracked {
  /** Programs started and not yet seen to exit (a harness counts its own for cleanup tests). */
  readonly running: Set<ChildProcess>;
  readonly liveDirs: Set<string>;
}

const all: Tracked[] = [];
let installed = false;

/** One harness's sets, swept by the exit hook together with every other harness's. */
export function tracked(): Tracked {
  const t: Tracked = { running: new Set(), liveDirs: new Set() };
  all.push(t);
  return t;
}

export function installExitHook(): void {
  if (installed) return;
  installed = true;
  const killAll = (): void => {
    for (const { running, liveDirs } of all) {
      for (const child of running) {
        if (child.pid !== undefined) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
      }
      running.clear();
      for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
      liveDirs.clear();
    }
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAll();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
