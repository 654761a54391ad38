// The built-in boards, checked on first use. A built-in that fails its own checks is a bug in
// this repository; builtinBoard reports it like any other bad board instead of throwing.

import { Ok, Err, type Result } from '../core/result.js';
import { loadBoard } from './load.js';
import type { Board } from './normalize.js';
import type { BoardDefinition } from './codec.js';
import { simDesk } from './sim-desk/board.js';
import { linuxDesk } from './linux-desk/board.js';
import { deskExp20 } from './desk-exp20/board.js';

export const BUILTIN_DEFINITIONS: Readonly<Record<string, BoardDefinition>> = {
  'sim-desk': simDesk,
  'linux-desk': linuxDesk,
  'desk-exp20': deskExp20,
};

const loaded = new Map<string, Result<Board, string[]>>();

export function builtinBoardIds(): string[] {
  return Object.keys(BUILTIN_DEFINITIONS);
}

export function builtinBoard(id: string): Result<Board, string[]> {
  const cached = loaded.get(id);
  if (cached) return cached;
  const def = Object.prototype.hasOwnProperty.call(BUILTIN_DEFINITIONS, id) ? BUILTIN_DEFINITIONS[id] : undefined;
  if (def === undefined) {
    return Err([`no built-in board "${id}" (have: ${builtinBoardIds().join(', ')})`]);
  }
  // Round-trip through JSON so built-ins are checked exactly as a board.json file would be.
  const result = loadBoard(JSON.parse(JSON.stringify(def)));
  const out = result.ok ? Ok(result.val) : Err(result.val.map((e) => `${id}: ${e}`));
  loaded.set(id, out);
  return out;
}
