// The one place the core imports ts-results. ts-results 3.3.0 ships a UMD CommonJS build as
// "main" (Node's ESM loader exposes it only as `default`, and it needs tslib at run time) and an
// ES module build as "module" (which bundlers such as esbuild pick, exposing named exports).
// A namespace import plus this check works under both, so every other file imports from here.
import * as tsResults from 'ts-results';

type TsResults = typeof import('ts-results');
const defaultKey = 'default';
const lib: TsResults = 'Ok' in tsResults
  ? tsResults
  : (tsResults as unknown as Record<string, TsResults>)[defaultKey];

export const Ok = lib.Ok;
export const Err = lib.Err;
export type { Result, Ok as OkResult, Err as ErrResult } from 'ts-results';
