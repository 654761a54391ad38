// One firmware build: board → module selection → generated entry → bundle → files on disk.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ok, Err, type Result } from '../../core/result.js';
import type { Board } from '../../boards/index.js';
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

export function bundleFileName(board: string, engine: EngineId): string {
  return `hardphone-${board}-${engine}${ENGINES[engine].extension}`;
}

async function bundleModules(root: string, board: Board, engine: EngineId, budgetOnly: boolean) {
  const selection = selectModules(board, root, budgetOnly);
  const source = entrySource({ root, board, engine, version: packageVersion(root), modules: selection.modules, withInfo: !budgetOnly });
  const bundled = await withEntryFile(source, (entry) => bundleEntry({ entry, engine: ENGINES[engine], root }));
  return { selection, bundled };
}

/** Builds the bundle and writes it with manifest.json into `outDir`. */
export async function buildFirmware(req: FirmwareRequest): Promise<Result<FirmwareBuild, string[]>> {
  const { root, board, engine } = req;
  const { selection, bundled } = await bundleModules(root, board, engine, false);
  if (!bundled.ok) return Err(bundled.val);
  const bytes = bundled.val.bytes;
  const outDir = resolve(req.outDir);
  mkdirSync(outDir, { recursive: true });
  const file = bundleFileName(board.id, engine);
  const manifest: Manifest = {
    board: board.id,
    engine,
    version: packageVersion(root),
    ...bundleFigures(bytes),
    file,
    modules: selection.modules.map((m) => m.name),
  };
  const bundlePath = join(outDir, file);
  const manifestPath = join(outDir, 'manifest.json');
  writeFileSync(bundlePath, bytes);
  writeFileSync(manifestPath, manifestText(manifest));
  return Ok({ bundlePath, manifestPath, manifest, notes: selection.notes });
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
