// ts-results in a firmware bundle without the parts no core code can reach (issue #7's size
// budget: ~330 B min+gzip of the budget entry). Same library, same code paths for Ok and Err;
// two things change only in how esbuild sees it:
//
// 1. core/result.ts imports ts-results as a namespace and picks `Ok`/`Err` from it or from its
//    `default`, because Node's ESM loader sees only the UMD "main" build as a default export.
//    esbuild takes the ES module build ("module", bundle.ts's mainFields), which has the named
//    exports, but a namespace used that way makes it keep every export of the library (Option,
//    Some, None and the namespaces below). In a bundle, core/result.ts is read as the named
//    re-export it stands for.
// 2. The ES module build creates its `Result` and `Option` namespaces (Result.all, Result.wrap,
//    Option.isOption, …) with a call at load:
//      export var Result;
//      (function (Result) { … })(Result || (Result = {}));
//    which esbuild must keep as a side effect even when nobody reads `Result`. Rewritten as
//      export var Result = /* @__PURE__ */ (function (Result) { …; return Result; })({});
//    it means the same (Result starts undefined, so the argument was `{}`), stays whole when some
//    code reads it (an application importing 'ts-results' itself), and goes when none does:
//    core/result.ts re-exports only Ok and Err. A later ts-results whose text differs is bundled
//    as it is, only bigger (test/build/ts-results-plugin.test.ts notices).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

const NAMESPACES = ['Result', 'Option'];

/** `source` with each namespace-building call of NAMESPACES made a pure initializer; unchanged if the text is not the expected one. */
export function pureNamespaces(source: string): string {
  let out = source;
  for (const name of NAMESPACES) {
    const open = `export var ${name};\n(function (${name}) {`;
    const close = `})(${name} || (${name} = {}));`;
    const at = out.indexOf(open);
    const end = at < 0 ? -1 : out.indexOf(close, at);
    if (at < 0 || end < 0) continue;
    out = `${out.slice(0, at)}export var ${name} = /* @__PURE__ */ (function (${name}) {${out.slice(at + open.length, end)}    return ${name};\n})({});${out.slice(end + close.length)}`;
  }
  return out;
}

export function tsResultsPlugin(root: string): Plugin {
  return {
    name: 'ts-results',
    setup(b) {
      const resultModule = join(root, 'core', 'result.ts');
      b.onLoad({ filter: /[\\/]core[\\/]result\.ts$/ }, (args) => {
        if (args.path !== resultModule) return undefined;
        return { contents: "export { Ok, Err } from 'ts-results';", loader: 'ts', resolveDir: join(root, 'core') };
      });
      b.onLoad({ filter: /[\\/]ts-results[\\/]esm[\\/](result|option)\.js$/ }, (args) => ({
        contents: pureNamespaces(readFileSync(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}
