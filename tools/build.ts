// `hardphone build --board <id|all|file.json> --engine quickjs|xs|node [--app] [--out dir] [--check-budget]`:
// a firmware bundle per board and engine with manifest.json beside it (tools/build/ does the work):
// the SDK library by default, the phone application with --app.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinBoard, builtinBoardIds, loadBoardText, type Board } from '../boards/index.js';
import { ENGINE_IDS, isEngineId, type EngineId } from './build/engines.js';
import { buildFirmware, measureBudget } from './build/firmware.js';
import { BUDGET_GZIP_BYTES } from './build/budget.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const buildUsage = `usage: hardphone build --board <id|all|board.json> --engine ${ENGINE_IDS.join('|')} [--app] [--out dir] [--check-budget]

  --board          a built-in board (${builtinBoardIds().join(', ')}), "all" for every built-in, or a board.json file
  --engine         the JavaScript engine the bundle is for
  --app            the phone application (registers, watches its BLF keys and MWI, drives the lamps
                   and the display; globalThis.hardphoneApp) with layout.json for its start config,
                   instead of the SDK library (globalThis.hardphone: the modules the board enables)
  --out            where the bundle and manifest.json go (default dist/firmware/<board>-<engine>;
                   with --board all, one <board>-<engine> folder per board inside it)
  --check-budget   exit 1 when core + presence + page-mode IM exceeds ${BUDGET_GZIP_BYTES / 1024} KiB min+gzip
`;

interface BuildArgs {
  boards: Board[];
  engine: EngineId;
  out: string | null;
  checkBudget: boolean;
  app: boolean;
}

class UsageError extends Error {}
/** A board that fails its checks: exit 2 like a usage error, but its problems are the whole message. */
class BoardError extends UsageError {}

function takeValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return v;
}

function resolveBoards(spec: string): Board[] {
  if (spec === 'all') return builtinBoardIds().map((id) => resolveBoards(id)[0]!);
  if (spec.endsWith('.json')) {
    if (!existsSync(spec)) throw new UsageError(`board file ${spec} does not exist`);
    const loaded = loadBoardText(readFileSync(spec, 'utf8'));
    if (!loaded.ok) throw new BoardError(`board file ${spec} is not a valid board:\n  ${loaded.val.join('\n  ')}`);
    return [loaded.val];
  }
  if (!builtinBoardIds().includes(spec)) {
    throw new UsageError(`unknown board "${spec}"; known boards: ${builtinBoardIds().join(', ')} (or "all", or a board.json file)`);
  }
  const loaded = builtinBoard(spec);
  if (!loaded.ok) throw new BoardError(`built-in board ${spec} does not pass its own checks:\n  ${loaded.val.join('\n  ')}`);
  return [loaded.val];
}

function parseArgs(argv: string[]): BuildArgs {
  let board: string | null = null;
  let engine: string | null = null;
  let out: string | null = null;
  let checkBudget = false;
  let app = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--board': board = takeValue(argv, i++, a); break;
      case '--engine': engine = takeValue(argv, i++, a); break;
      case '--out': out = takeValue(argv, i++, a); break;
      case '--check-budget': checkBudget = true; break;
      case '--app': app = true; break;
      default: throw new UsageError(`unexpected argument "${a}"`);
    }
  }
  if (board === null) throw new UsageError('missing --board');
  if (engine === null) throw new UsageError('missing --engine');
  if (!isEngineId(engine)) throw new UsageError(`unknown engine "${engine}"; engines: ${ENGINE_IDS.join(', ')}`);
  return { boards: resolveBoards(board), engine, out, checkBudget, app };
}

const group = (n: number) => n.toLocaleString('en-US');
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function buildCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(buildUsage);
    return 0;
  }
  let args: BuildArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(e instanceof BoardError ? `hardphone build: ${e.message}\n` : `hardphone build: ${e.message}\n\n${buildUsage}`);
    return 2;
  }
  const many = args.boards.length > 1;
  const rows: string[] = [];
  let failed = false;
  for (const board of args.boards) {
    const name = `${args.app ? 'app-' : ''}${board.id}-${args.engine}`;
    const outDir = args.out === null ? resolve('dist/firmware', name) : many ? resolve(args.out, name) : resolve(args.out);
    const built = await buildFirmware({ root: ROOT, board, engine: args.engine, outDir, app: args.app });
    if (!built.ok) {
      process.stderr.write(`hardphone build: ${board.id} for ${args.engine} failed:\n  ${built.val.join('\n  ')}\n`);
      failed = true;
      continue;
    }
    const m = built.val.manifest;
    const rel = relative(process.cwd(), built.val.bundlePath);
    const shown = rel.startsWith('..') ? built.val.bundlePath : rel;
    process.stdout.write(`${board.id} (${args.engine}): ${shown}\n`);
    process.stdout.write(`  ${group(m.bytes)} B raw, ${group(m.gzipBytes)} B gzip (${kib(m.gzipBytes)}); sha256 ${m.sha256}\n`);
    process.stdout.write(m.kind === 'app' ? `  the phone application (globalThis.hardphoneApp); its layout: ${join(dirname(shown), 'layout.json')}\n` : `  modules: ${m.modules.join(' ')}\n`);
    for (const note of built.val.notes) process.stdout.write(`  note: ${note}\n`);
    rows.push(`  ${board.id.padEnd(12)} ${group(m.bytes).padStart(9)} B  ${group(m.gzipBytes).padStart(8)} B`);
  }
  if (many && rows.length > 0) process.stdout.write(`sizes (${args.engine}, raw and min+gzip):\n${rows.join('\n')}\n`);
  if (failed) return 1;

  // The budgeted part is the same set of modules on every board; measure it once. The budget is
  // about device firmware (terser runs for QuickJS/XS only), so a node build measures it as the
  // quickjs bundle: the verdict, and --check-budget, mean the same on every engine.
  const budgetEngine: EngineId = args.engine === 'node' ? 'quickjs' : args.engine;
  const budget = await measureBudget(ROOT, args.boards[0]!, budgetEngine);
  if (!budget.ok) {
    process.stderr.write(`hardphone build: the budget bundle failed:\n  ${budget.val.join('\n  ')}\n`);
    return 1;
  }
  const b = budget.val;
  process.stdout.write(
    `budget${budgetEngine === args.engine ? '' : ` (measured as the ${budgetEngine} bundle)`}: core + presence + page-mode IM = ${group(b.gzipBytes)} B min+gzip (${kib(b.gzipBytes)}), limit ${group(b.limit)} B (${kib(b.limit)}): ${b.pass ? 'PASS' : 'FAIL'}\n`,
  );
  if (!b.pass) {
    const top = b.largest.slice(0, 6).map((f) => `${f.folder} ${group(f.bytes)} B`).join(', ');
    process.stdout.write(`  over by ${group(b.gzipBytes - b.limit)} B; largest (esbuild-minified, before terser and gzip): ${top}\n`);
  }
  return !b.pass && args.checkBudget ? 1 : 0;
}
