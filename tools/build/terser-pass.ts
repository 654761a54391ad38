// The last pass over a device bundle: terser minifies esbuild's output once more. esbuild's
// minifier is fast but local; terser's compressor (several passes over the whole program,
// function hoisting, dead branches after constant propagation) and its frequency-ordered
// identifier mangler take another ~6 % off the min+gzip size (issue #7's budget: 66,076 B →
// 62,070 B on the budget entry of 2026-11-26, esbuild alone vs esbuild + terser).
//
// Only options that keep the program's meaning: no `unsafe*`, no `pure_getters: true`, no
// `pure_new`, no `builtins_pure`, no property mangling (esbuild already renames the private
// member names it may, private-names.ts), no `keep_fargs: false` (Function.length). What each
// chosen non-default option gave on the budget entry (min+gzip, compress passes: 2 as the base):
//   hoist_funs: true       -93 B   function declarations hoisted to the top of their scope
//   sequences: false      -119 B   statements not joined with commas: longer, but gzip likes
//                                  the repeated statement shapes better
//   reduce_funcs: false   -164 B   a function used once elsewhere is not inlined there; this
//                                  also keeps terser from turning a named function into a
//                                  closure allocated inside a hot loop (core/ allocates nothing
//                                  on hot paths)
//   passes: 3 instead of 2: -11 B for +20 % time, not taken.
//   toplevel / mangle.toplevel: 0 B for an IIFE (nothing lives outside it).
//   module: true for an IIFE: -10 B by dropping the "use strict" a script needs; module only
//   for an ES module bundle.
//
// A bundle is minified once per process for given text and options (the tests build the same
// bundle from several files: budget, boot, heap), and the result is kept on disk for the next
// process (terser-cache.ts): the suite and the CLI rebuild the same bundles run after run.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { minify, type MinifyOptions } from 'terser';
import { Ok, Err, type Result } from '../../core/result.js';
import { readCached, writeCached } from './terser-cache.js';

const TERSER_VERSION = (createRequire(import.meta.url)('terser/package.json') as { version: string }).version;

export function terserOptions(format: 'iife' | 'esm'): MinifyOptions {
  return {
    // esbuild targets es2022: terser keeps that syntax (class fields, `??=`, static blocks)
    // and may use it in what it writes.
    ecma: 2022,
    module: format === 'esm',
    compress: { passes: 2, hoist_funs: true, sequences: false, reduce_funcs: false },
    mangle: true,
    format: { comments: false },
  };
}

/** Results by sha256 of (options, input). Bounded: a long-lived process does not keep them all. */
const cache = new Map<string, Promise<Result<string, string[]>>>();
const CACHE_ENTRIES = 24;

interface TerserError {
  message: string;
  line?: number;
  col?: number;
}

function describe(e: unknown): string {
  const t = e as TerserError;
  if (t && typeof t.message === 'string') {
    return `terser failed on esbuild's output${t.line !== undefined ? ` at line ${t.line}, column ${(t.col ?? 0) + 1}` : ''}: ${t.message}`;
  }
  return `terser failed: ${String(e)}`;
}

async function run(code: string, options: MinifyOptions): Promise<Result<string, string[]>> {
  try {
    const out = await minify(code, options);
    return typeof out.code === 'string' ? Ok(out.code) : Err(['terser produced no code']);
  } catch (e) {
    return Err([describe(e)]);
  }
}

async function runCached(code: string, options: MinifyOptions, key: string, cacheDir: string | null): Promise<Result<string, string[]>> {
  const cached = cacheDir === null ? null : readCached(cacheDir, key);
  if (cached !== null) return Ok(cached);
  const result = await run(code, options);
  if (result.ok && cacheDir !== null) writeCached(cacheDir, key, result.val);
  return result;
}

/**
 * `code` through terser with this project's options for `format`. Never throws. `cacheDir`
 * (terserCacheDir) keeps results for other processes; null keeps them in this one only.
 */
export function terserPass(code: string, format: 'iife' | 'esm', cacheDir: string | null = null): Promise<Result<string, string[]>> {
  const options = terserOptions(format);
  const key = createHash('sha256').update(`terser ${TERSER_VERSION}\0${JSON.stringify(options)}\0`).update(code).digest('hex');
  let result = cache.get(key);
  if (result === undefined) {
    result = runCached(code, options, key, cacheDir);
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, result);
  } else {
    // Most recently used last, so the oldest is the one evicted.
    cache.delete(key);
    cache.set(key, result);
  }
  return result;
}
