// Reading a board definition: shape (codec.ts), then cross-field rules (checks.ts), then defaults
// (normalize.ts). Never throws: a bad definition gives every problem found, one line each.

import { Ok, Err, type Result } from '../core/result.js';
import { BoardDefinition } from './codec.js';
import { checkBoard } from './checks.js';
import { normalizeBoard, type Board } from './normalize.js';
import { formatErrors } from './report.js';

/** Check a parsed board definition (a JSON value) and fill in its defaults. */
export function loadBoard(json: unknown): Result<Board, string[]> {
  const decoded = BoardDefinition.decode(json);
  if (decoded._tag === 'Left') return Err(formatErrors(decoded.left));
  const problems = checkBoard(decoded.right);
  if (problems.length > 0) return Err(problems);
  return Ok(normalizeBoard(decoded.right));
}

/** The same from JSON text (a board.json file). */
export function loadBoardText(text: string): Result<Board, string[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return Err([`(root): not JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return loadBoard(json);
}
