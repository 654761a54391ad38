// Shared by the build tests: the project root, temp dirs, and running the CLI with its output
// captured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinBoard, type Board } from '../../boards/index.js';
import { buildCommand } from '../../tools/build.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'test', 'build', 'fixtures');

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'hardphone-build-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function board(id: string): Board {
  const b = builtinBoard(id);
  if (!b.ok) throw new Error(`built-in board ${id} is invalid: ${b.val.join('; ')}`);
  return b.val;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hardphone build …` in this process with stdout and stderr captured. */
export async function runBuild(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const code = await buildCommand(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}
