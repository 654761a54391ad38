// Helpers for tests that use real pseudo-terminals through socat (not a test file). Every wait is
// bounded, and every socat started here is killed by its pid when the test ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The names of the programs in `names` that are not on PATH. */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status !== 0);
}

/** Prints a banner nobody can miss, for tests skipped because a program is missing. */
export function warnSkipped(what: string, missing: readonly string[]): void {
  const line = '!'.repeat(78);
  console.error(`\n${line}\n!!! SKIPPED: ${what}\n!!! missing program(s): ${missing.join(', ')} — install them (apt-get install socat lrzsz)\n${line}\n`);
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Socat {
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once socat has exited. */
  readonly exited: Promise<number | string>;
  stderr(): string;
  /** Kills socat by its pid (SIGTERM, then SIGKILL), resolving when it is gone. Bounded. */
  stop(): Promise<void>;
}

export function startSocat(args: readonly string[], cwd: string): Socat {
  const child = spawn('socat', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    process: child,
    exited,
    stderr: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const gone = await within(exited, 2000);
      if (gone === TIMED_OUT) { child.kill('SIGKILL'); await within(exited, 2000); }
    },
  };
}

export const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => resolve(TIMED_OUT), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The promise's value; throws (failing the test) after `ms`. */
export async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const result = await within(promise, ms);
  if (result === TIMED_OUT) throw new Error(`timed out after ${ms} ms: ${what}`);
  return result;
}

/** Waits (polling) until every path exists; throws after `ms`. */
export async function waitForPaths(paths: readonly string[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!paths.every((p) => existsSync(p))) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${paths.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`: a connected pair of ptys. */
export async function startPtyPair(dir: string): Promise<{ a: string; b: string; socat: Socat }> {
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const socat = startSocat(['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], dir);
  try {
    await waitForPaths([a, b], 5000);
  } catch (error) {
    await socat.stop();
    throw new Error(`${(error as Error).message}\nsocat said:\n${socat.stderr()}`);
  }
  return { a, b, socat };
}
