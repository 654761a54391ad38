// Terser's results kept on disk between processes, under node_modules/.cache/ as bundler
// plugins do: terser takes seconds per firmware bundle, and the CLI and the test suite rebuild
// the same bundles run after run. An entry is found only by the sha256 of terser's version, its
// options and the exact input text, so a hit is byte for byte what terser would write now.
//
// Each file holds the sha256 of its code on the first line and is renamed into place whole, so
// a torn or edited file is never used; it is simply minified again. Every failure here (no
// node_modules, read-only disk) only means a miss. The newest ENTRIES stay, the rest are pruned.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ENTRIES = 40;
const HEADER = '// sha256 ';

export function terserCacheDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'hardphone-terser');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function readCached(dir: string, key: string): string | null {
  const path = join(dir, `${key}.js`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const newline = text.indexOf('\n');
  if (!text.startsWith(HEADER) || newline < 0) return null;
  const code = text.slice(newline + 1);
  if (text.slice(HEADER.length, newline) !== sha256(code)) return null;
  try {
    const now = new Date();
    utimesSync(path, now, now); // recently used: kept by the pruning below
  } catch { /* a read-only cache still serves hits */ }
  return code;
}

export function writeCached(dir: string, key: string, code: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(temp, `${HEADER}${sha256(code)}\n${code}`);
    renameSync(temp, join(dir, `${key}.js`));
    prune(dir);
  } catch { /* no cache, no harm */ }
}

/** A temp file this old was left by a process that died before renaming it. */
const STALE_TEMP_MS = 10 * 60 * 1000;

function prune(dir: string): void {
  const names = readdirSync(dir);
  const now = Date.now();
  for (const n of names.filter((name) => name.endsWith('.tmp'))) {
    try { if (now - statSync(join(dir, n)).mtimeMs > STALE_TEMP_MS) unlinkSync(join(dir, n)); } catch { /* gone already */ }
  }
  const entries = names.filter((n) => n.endsWith('.js'));
  if (entries.length <= ENTRIES) return;
  const byAge = entries.map((n) => {
    try { return { n, t: statSync(join(dir, n)).mtimeMs }; } catch { return { n, t: 0 }; }
  }).sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, byAge.length - ENTRIES)) {
    try { unlinkSync(join(dir, n)); } catch { /* another process pruned it */ }
  }
}
