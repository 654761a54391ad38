// The esbuild configuration for firmware bundles: one place, so the CLI, the tests and the
// size budget all measure the same thing. For a device engine, terser then minifies esbuild's
// output once more (terser-pass.ts).

import { build, type BuildFailure, type Message, type Metafile } from 'esbuild';
import { Ok, Err, type Result } from '../../core/result.js';
import type { EngineProfile } from './engines.js';
import { findHostApiUses, hostApiDefines, nodeBuiltinGuard, displayPath, unmarkHostApis } from './host-api.js';
import type { SourceMapV3 } from './source-map.js';
import { manglePattern, renamablePrivateNames } from './private-names.js';
import { terserPass } from './terser-pass.js';
import { terserCacheDir } from './terser-cache.js';
import { tsResultsPlugin } from './ts-results-plugin.js';

export interface BundleOutput {
  readonly bytes: Uint8Array;
  /** esbuild's: its per-input `bytesInOutput` are esbuild-minified sizes, before terser. */
  readonly metafile: Metafile;
}

export interface BundleRequest {
  readonly entry: string;
  readonly engine: EngineProfile;
  /** Project root: resolution base and the origin of paths in messages. */
  readonly root: string;
  /**
   * `false` skips the terser pass the engine otherwise gets: for a test that only needs code
   * that runs (and the host-API check), never for what ships, the budget or the boot tests.
   */
  readonly terser?: boolean;
}

function formatMessage(root: string, m: Message): string {
  const loc = m.location;
  const where = loc ? `${displayPath(root, loc.file.startsWith('/') ? loc.file : `${root}/${loc.file}`)}:${loc.line}:${loc.column + 1}: ` : '';
  return `${where}${m.text}`;
}

function isBuildFailure(e: unknown): e is BuildFailure {
  return typeof e === 'object' && e !== null && Array.isArray((e as BuildFailure).errors);
}

/** One scan of the sources per process and root: every bundle of a build shares it. */
const privateNamesByRoot = new Map<string, Promise<string[] | null>>();

function privateNames(root: string): Promise<string[] | null> {
  let names = privateNamesByRoot.get(root);
  if (names === undefined) {
    names = renamablePrivateNames(root);
    privateNamesByRoot.set(root, names);
  }
  return names;
}

/** Bundles `entry` for `engine`: es2022, minified (esbuild, then terser for a device engine),
 *  tree-shaken. Never throws on a bad build. */
export async function bundleEntry(req: BundleRequest): Promise<Result<BundleOutput, string[]>> {
  const { engine, root } = req;
  // Private member names are renamed too (private-names.ts says which and why).
  const mangleProps = manglePattern((await privateNames(root)) ?? []);
  // The output is not written by esbuild; this name only anchors the source map's paths.
  const outfile = `${root}/.hardphone-bundle${engine.extension}`;
  let result;
  try {
    result = await build({
      entryPoints: [req.entry],
      absWorkingDir: root,
      outfile,
      bundle: true,
      write: false,
      format: engine.format,
      platform: engine.platform,
      target: 'es2022',
      minify: true,
      mangleProps,
      treeShaking: true,
      // ts-results and friends: take the ES module build, which tree-shakes.
      mainFields: ['module', 'main'],
      charset: 'utf8',
      legalComments: 'none',
      sourcemap: 'external',
      metafile: true,
      define: hostApiDefines(engine),
      // ts-results without what no core code reaches (ts-results-plugin.ts).
      plugins: [nodeBuiltinGuard(engine, root), tsResultsPlugin(root)],
      logLevel: 'silent',
    });
  } catch (e) {
    if (isBuildFailure(e)) return Err(e.errors.map((m) => formatMessage(root, m)));
    return Err([`esbuild failed: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(engine.extension));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js) return Err(['esbuild produced no bundle']);
  const uses = findHostApiUses(js.text, map ? (JSON.parse(map.text) as SourceMapV3) : null, outfile, root);
  if (uses.length > 0) {
    return Err(uses.map((u) => `${u.file}:${u.line}:${u.column}: uses ${u.global}, which the ${engine.id} engine does not have`));
  }
  const text = unmarkHostApis(js.text);
  // The check above ran on esbuild's output with esbuild's source map, so its messages name
  // the sources; terser only removes and renames, it cannot add a use of a global. The bundle
  // ships without a source map, so there is no map to carry through terser.
  if (!(req.terser ?? engine.terser)) {
    const bytes = text === js.text ? js.contents : new TextEncoder().encode(text);
    return Ok({ bytes, metafile: result.metafile });
  }
  const minified = await terserPass(text, engine.format, terserCacheDir(root));
  if (!minified.ok) return Err(minified.val);
  return Ok({ bytes: new TextEncoder().encode(minified.val), metafile: result.metafile });
}
