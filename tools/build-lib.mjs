// Transpiles the library folders to dist/ so that `hardphone/core` and friends import as plain
// JavaScript from an installed package. Types come from the .ts sources (see package.json
// "exports"); type checking is `npm run typecheck`, which the test command runs.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const entryPoints = ['core', 'platform', 'boards'].flatMap(sources);
await build({
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
});
