// One firmware build: board → module selection → generated entry → bundle → files on disk.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ok, Err, type Result } from '../../core/result.js';
import { indicatorLayout, type Board } from '../../boards/index.js';
import { selectModules } from './core-modules.js';
import { entrySource, withEntryFile } from './entry.js';
import { ENGINES, type EngineId } from './engines.js';
import { bundleEntry } from './bundle.js';
import { bundleFigures, manifestText, type Manifest } from './manifest.js';
import { checkBudget, type BudgetCheck } from './budget.js';

export interface FirmwareRequest {
  readonly root: string;
  readonly board: Board;
  readonly engine: EngineId;
  readonly outDir: string;
  /** Build the phone application (tools/build/app/entry.ts) instead of the module library. */
  readonly app?: boolean;
}

export interface FirmwareBuild {
  readonly bundlePath: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  readonly notes: readonly string[];
}

export function packageVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export function bundleFileName(board: string, engine: EngineId, app = false): string {
  return `hardphone-${app ? 'app-' : ''}${board}-${engine}${ENGINES[engine].extension}`;
}

/** The phone application's entry: what the QuickJS boot tests start (tools/build/app/README.md). */
export function appEntry(root: string): string {
  return join(root, 'tools', 'build', 'app', 'entry.ts');
}

/**
 * The phone application bundled like firmware: the same esbuild configuration, host-API check
 * and terser pass as the library, tree-shaken to what the application calls.
 */
export function bundleApp(root: string, engine: EngineId) {
  return bundleEntry({ entry: appEntry(root), engine: ENGINES[engine], root });
}

async function bundleModules(root: string, board: Board, engine: EngineId, budgetOnly: boolean) {
  const selection = selectModules(board, root, budgetOnly);
  const source = entrySource({ root, board, engine, version: packageVersion(root), modules: selection.modules, withInfo: !budgetOnly });
  const bundled = await withEntryFile(source, (entry) => bundleEntry({ entry, engine: ENGINES[engine], root }));
  return { selection, bundled };
}

/**
 * Builds the bundle and writes it with manifest.json into `outDir`. An app build also writes
 * layout.json, the board's lamps, keys and display as the application's start config takes them
 * (`layout`), so a host does not need the board codec on the device.
 */
export async function buildFirmware(req: FirmwareRequest): Promise<Result<FirmwareBuild, string[]>> {
  const { root, board, engine } = req;
  const app = req.app === true;
  const built = app ? { selection: null, bundled: await bundleApp(root, engine) } : await bundleModules(root, board, engine, false);
  const { selection, bundled } = built;
  if (!bundled.ok) return Err(bundled.val);
  const bytes = bundled.val.bytes;
  const outDir = resolve(req.outDir);
  mkdirSync(outDir, { recursive: true });
  const file = bundleFileName(board.id, engine, app);
  const manifest: Manifest = {
    board: board.id,
    engine,
    version: packageVersion(root),
    ...bundleFigures(bytes),
    file,
    kind: app ? 'app' : 'library',
    modules: selection === null ? [] : selection.modules.map((m) => m.name),
  };
  const bundlePath = join(outDir, file);
  const manifestPath = join(outDir, 'manifest.json');
  writeFileSync(bundlePath, bytes);
  writeFileSync(manifestPath, manifestText(manifest));
  if (app) writeFileSync(join(outDir, 'layout.json'), JSON.stringify(indicatorLayout(board), null, 2) + '\n');
  return Ok({ bundlePath, manifestPath, manifest, notes: selection === null ? [] : selection.notes });
}

/**
 * Size of core + presence + page-mode IM as a phone application carries it on `engine`: the
 * budget entry (tools/build/app/budget-entry.ts) bundled and tree-shaken like firmware. The
 * library bundle above exposes every module whole, which no phone ships; the budget is about
 * what one does. `board` picks nothing yet: every board carries this part.
 */
export async function measureBudget(root: string, _board: Board, engine: EngineId): Promise<Result<BudgetCheck, string[]>> {
  const entry = join(root, 'tools', 'build', 'app', 'budget-entry.ts');
  const bundled = await bundleEntry({ entry, engine: ENGINES[engine], root });
  if (!bundled.ok) return Err(bundled.val);
  const figures = bundleFigures(bundled.val.bytes);
  return Ok(checkBudget(figures.bytes, figures.gzipBytes, BUDGET_MODULES, bundled.val.metafile));
}

/** What the budget entry holds, by layer. */
export const BUDGET_MODULES: readonly string[] = ['ua', 'sip', 'transaction', 'auth', 'registration', 'event', 'dialog', 'transport', 'publication', 'presenceDocuments', 'xml', 'pageIm'];
