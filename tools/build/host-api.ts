// Host APIs a device engine lacks must not reach its bundle. Two checks, both exact:
//
// 1. Imports: a plugin refuses every Node built-in module (`node:fs`, `fs`, `path`, …) while
//    esbuild resolves the import, naming the importing file.
// 2. Globals: esbuild's `define` replaces *free* references to each missing global (and
//    `globalThis.X`) with a marker identifier. esbuild applies a define only to an identifier
//    that is not bound in scope, so a local `process` variable, a property such as
//    `obj.process` or a string "Buffer" are left alone; what remains marked in the output is a
//    real use. The bundle's source map then gives the file, line and column of each use.
//    A lone `typeof X` (feature detection) is not a use: it cannot fail on any engine.

import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import type { EngineProfile } from './engines.js';
import { sourceMapLookup, type SourceMapV3 } from './source-map.js';

const MARKER = '__hardphone_missing_';

export interface HostApiUse {
  readonly global: string;
  /** Path from the project root (or absolute when outside it). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function hostApiDefines(engine: EngineProfile): Record<string, string> {
  const define: Record<string, string> = {};
  for (const name of engine.missingGlobals) {
    define[name] = MARKER + name;
    define[`globalThis.${name}`] = MARKER + name;
  }
  return define;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const BUILTIN_FILTER = new RegExp(`^(node:.*|(${builtinModules.filter((m) => !m.startsWith('_')).map(escape).join('|')})(/.*)?)$`);

/** Refuses Node built-in modules for an engine that has none, naming the importer. */
export function nodeBuiltinGuard(engine: EngineProfile, root: string): Plugin {
  return {
    name: 'hardphone-node-builtins',
    setup(build) {
      if (engine.nodeBuiltins) return;
      // esbuild prefixes the message with the importing file's path, line and column.
      build.onResolve({ filter: BUILTIN_FILTER }, (args) => ({
        errors: [{
          text: `${args.importer ? 'imports' : `${displayPath(root, args.path)}: the entry imports`} "${args.path}", a Node built-in module the ${engine.id} engine does not have`,
        }],
      }));
    },
  };
}

export function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

/** After a clean check only `typeof MARKER` remains: give those their real names back, so that
 *  feature detection tests the engine's actual global. */
export function unmarkHostApis(code: string): string {
  return code.replace(new RegExp(`${MARKER}([A-Za-z_$][\\w$]*)`, 'g'), '$1');
}

/** Every marked (free) use of a missing global in `code`, located through its source map. */
export function findHostApiUses(code: string, map: SourceMapV3 | null, outfile: string, root: string): HostApiUse[] {
  const uses: HostApiUse[] = [];
  const lookup = map ? sourceMapLookup(map) : null;
  const pattern = new RegExp(`${MARKER}([A-Za-z_$][\\w$]*)`, 'g');
  let lineStart = 0;
  let line = 0;
  let scanned = 0;
  for (let m = pattern.exec(code); m !== null; m = pattern.exec(code)) {
    if (/typeof\s*\(?\s*$/.test(code.slice(Math.max(0, m.index - 10), m.index))) continue;
    for (; scanned < m.index; scanned++) {
      if (code.charCodeAt(scanned) === 10) { line++; lineStart = scanned + 1; }
    }
    const at = lookup?.(line, m.index - lineStart) ?? null;
    uses.push({
      global: m[1]!,
      file: at ? displayPath(root, resolve(dirname(outfile), at.source)) : '(bundle)',
      line: at ? at.line : line + 1,
      column: at ? at.column : m.index - lineStart + 1,
    });
  }
  return uses;
}
