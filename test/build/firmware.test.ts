// `hardphone build` for every built-in board: the files it writes, the manifest's figures, and
// that optional modules reach a bundle only when the board enables them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { builtinBoardIds, loadBoard, BUILTIN_DEFINITIONS } from '../../boards/index.js';
import { buildFirmware } from '../../tools/build/firmware.js';
import { ROOT, tempDir, board, runBuild } from './helpers.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const out = tempDir();
const bundles = new Map<string, string>();

// Text only core/msrp has: its writer's path header and its parser's entry point.
const MSRP_MARKS = ['From-Path: ', 'parseMsrp'];
// Text only core/mime has: the multipart reader's error for a body that never shows its boundary.
const MIME_MARK = 'the boundary never appears in the body';

test('every built-in board builds for quickjs, with a manifest whose figures match the file', async () => {
  const ids = builtinBoardIds();
  assert.ok(ids.includes('sim-desk') && ids.length >= 3, `built-in boards: ${ids.join(', ')}`);
  const run = await runBuild(['--board', 'all', '--engine', 'quickjs', '--out', out.path]);
  assert.is(run.code, 0, run.stderr);
  for (const id of ids) {
    const dir = join(out.path, `${id}-quickjs`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const file = join(dir, String(manifest.file));
    assert.ok(existsSync(file), `${id}: bundle beside the manifest`);
    const bytes = readFileSync(file);
    assert.is(manifest.board, id);
    assert.is(manifest.engine, 'quickjs');
    assert.is(manifest.version, version);
    assert.is(manifest.bytes, bytes.length, `${id}: bytes is the file size`);
    assert.is(manifest.gzipBytes, gzipSync(bytes, { level: 9 }).length, `${id}: gzipBytes is gzip -9 of the file`);
    assert.is(manifest.sha256, createHash('sha256').update(bytes).digest('hex'), `${id}: sha256 of the file`);
    assert.ok((manifest.gzipBytes as number) < bytes.length / 2, `${id}: the bundle is minified text that compresses`);
    // Sizes per board are printed.
    assert.match(run.stdout, new RegExp(`${id}\\s+${bytes.length.toLocaleString('en-US')} B\\s+${(manifest.gzipBytes as number).toLocaleString('en-US')} B`));
    bundles.set(id, bytes.toString('utf8'));
  }
});

test('the bundle is es2022, minified, an IIFE that sets globalThis.hardphone', () => {
  const code = bundles.get('linux-desk')!;
  assert.ok(code.startsWith('"use strict";(()=>{') || code.startsWith('(()=>{'), code.slice(0, 40));
  assert.match(code, /globalThis\.hardphone=/);
  assert.not.match(code, /\n\s{2,}/, 'no indentation left');
  assert.not.match(code, /^\s*(import|export)\b/m, 'a script, not a module');
});

test('MSRP code is in a board that enables it and absent from boards that do not', () => {
  const withMsrp = builtinBoardIds().filter((id) => board(id).capabilities.modules.msrp);
  const without = builtinBoardIds().filter((id) => !board(id).capabilities.modules.msrp);
  assert.ok(withMsrp.includes('sim-desk'), 'sim-desk enables msrp');
  assert.ok(without.length > 0, 'some built-in board leaves msrp out');
  for (const id of withMsrp) for (const mark of MSRP_MARKS) assert.ok(bundles.get(id)!.includes(mark), `${id} carries ${mark}`);
  for (const id of without) for (const mark of MSRP_MARKS) assert.not.ok(bundles.get(id)!.includes(mark), `${id} has no ${mark}`);
});

test('a board without resource lists carries no multipart reader; page-mode IM and presence stay', async () => {
  const def = JSON.parse(JSON.stringify(BUILTIN_DEFINITIONS['linux-desk'])) as { capabilities: { modules: Record<string, boolean> }; capacities: { maxSubscriptions: number } };
  def.capabilities.modules = { msrp: false, rls: false, imdn: false };
  def.capacities.maxSubscriptions = 64; // one subscription per BLF key without RLS
  const loaded = loadBoard(def);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.val.join('; '));
  if (!loaded.ok) return;
  const dir = tempDir();
  try {
    const built = await buildFirmware({ root: ROOT, board: loaded.val, engine: 'quickjs', outDir: dir.path });
    assert.ok(built.ok, built.ok ? '' : built.val.join('; '));
    if (!built.ok) return;
    const code = readFileSync(built.val.bundlePath, 'utf8');
    assert.not.ok(code.includes(MIME_MARK), 'no core/mime');
    assert.ok(bundles.get('linux-desk')!.includes(MIME_MARK), 'linux-desk (rls) has core/mime');
    assert.not.ok(built.val.manifest.modules.includes('mime'));
    for (const m of ['sip', 'transaction', 'publication', 'presenceDocuments', 'im']) assert.ok(built.val.manifest.modules.includes(m), m);
    assert.ok(built.val.manifest.bytes < Buffer.byteLength(bundles.get('linux-desk')!), 'smaller than with rls');
  } finally {
    dir.remove();
  }
});

test('the node engine gets an ES module that imports and exposes the same API', async () => {
  const dir = tempDir();
  try {
    const run = await runBuild(['--board', 'sim-desk', '--engine', 'node', '--out', dir.path]);
    assert.is(run.code, 0, run.stderr);
    const manifest = JSON.parse(readFileSync(join(dir.path, 'manifest.json'), 'utf8')) as { file: string; engine: string };
    assert.is(manifest.engine, 'node');
    assert.ok(manifest.file.endsWith('.mjs'));
    const mod = (await import(join(dir.path, manifest.file))) as { default: { board: { id: string }; modules: string[]; sip: { parse: unknown } } };
    assert.is(mod.default.board.id, 'sim-desk');
    assert.type(mod.default.sip.parse, 'function');
    assert.ok(mod.default.modules.includes('msrp'));
  } finally {
    dir.remove();
  }
});

test.after(() => out.remove());
test.run();
