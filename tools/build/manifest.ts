// manifest.json, written beside each bundle: what was built, for which board and engine, and
// the figures a flasher or a size table needs.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { EngineId } from './engines.js';

export interface BundleFigures {
  readonly bytes: number;
  /** gzip at level 9: the "min+gzip" size of the budget. */
  readonly gzipBytes: number;
  readonly sha256: string;
}

export interface Manifest extends BundleFigures {
  readonly board: string;
  readonly engine: EngineId;
  readonly version: string;
  /** The bundle's file name (beside the manifest). */
  readonly file: string;
  /**
   * `library`: the SDK modules the board enables, under `hardphone`, for firmware that links its
   * own application; `app`: the phone application (tools/build/app), ready to start on a host.
   */
  readonly kind: 'library' | 'app';
  /** Names under `hardphone` of the core modules inside (library); empty for an app. */
  readonly modules: readonly string[];
}

export function bundleFigures(bytes: Uint8Array): BundleFigures {
  return {
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export function manifestText(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
