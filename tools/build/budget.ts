// The size budget of issue #7: core + presence + page-mode IM ≤ 60 KB min+gzip. It is measured
// on a bundle of exactly the budgeted module groups (core-modules.ts), built with the same
// esbuild configuration and terser pass as the firmware (bundle.ts), so board features outside
// the budget (BLF, MWI, lamps, display, keys, MSRP, resource lists, IMDN) neither hide nor
// inflate it.
// KB here is 1024 bytes; the limit is printed in bytes so nobody has to guess.

import type { Metafile } from 'esbuild';

export const BUDGET_GZIP_BYTES = 60 * 1024;

/**
 * The 60 KiB target is not met: 63,852 B (62.4 KiB, over by 2,412 B) on 2026-11-26
 * (`npx hardphone build --board all --engine quickjs`), down from 66,960 B after TCP/TLS flows
 * (core/ua/stream-flows.ts with the SIP framer), NAT keep-alives with the STUN client and SHA-256
 * digest became opt-in UA modules (UaModules: streams, keepalive, sha256; a phone that passes
 * none carries none), MD5's T table is computed at load and XmlError no longer stays whole as a
 * table. ts-results, the Result library the project chose, costs ~830 B of it (its Ok/Err bring
 * its Option along); a hand-written Result would have saved that and was not kept. Terser after
 * esbuild (terser-pass.ts) is part of the figure. Until the target is met, the size may not grow
 * past this ceiling — a regression guard with about 1 KB of headroom, not the target: the build
 * still prints FAIL against the target, and --check-budget still fails on it.
 */
export const SIZE_CEILING_GZIP_BYTES = 65_000;

export interface BudgetCheck {
  readonly gzipBytes: number;
  readonly bytes: number;
  readonly limit: number;
  readonly pass: boolean;
  readonly modules: readonly string[];
  /** Folders by esbuild-minified bytes (before terser), largest first: where to look when it fails. */
  readonly largest: readonly { readonly folder: string; readonly bytes: number }[];
}

export function checkBudget(bytes: number, gzipBytes: number, modules: readonly string[], metafile: Metafile): BudgetCheck {
  return { bytes, gzipBytes, limit: BUDGET_GZIP_BYTES, pass: gzipBytes <= BUDGET_GZIP_BYTES, modules, largest: bytesByFolder(metafile) };
}

export function bytesByFolder(metafile: Metafile): { folder: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : path;
      totals.set(folder, (totals.get(folder) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals].map(([folder, bytes]) => ({ folder, bytes })).sort((a, b) => b.bytes - a.bytes);
}
