// Turning io-ts errors into one readable line each: `leds[3].colors[1]: expected "red"|"green"|"amber"`.
// The path is written the way a person points into the JSON: `.name` for properties, `[i]` for
// list entries, `["blf.idle"]` for keys that are not plain identifiers.

import type * as t from 'io-ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(context: t.Context): string {
  let path = '';
  // context[0] is the root (key ''); each later entry's key indexes the entry before it.
  for (let i = 1; i < context.length; i++) {
    path += pathStep(context[i]!.key, Array.isArray(context[i - 1]!.actual));
  }
  return path === '' ? '(root)' : path.startsWith('.') ? path.slice(1) : path;
}

/** One step of a path: `.name`, `[3]` or `["odd key"]`. */
export function pathStep(key: string | number, inList: boolean): string {
  if (inList || typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Joins steps built with pathStep into a path as formatPath writes it. */
export function joinPath(...steps: (string | number)[]): string {
  let path = '';
  for (const step of steps) path += typeof step === 'number' ? `[${step}]` : pathStep(step, false);
  return path.startsWith('.') ? path.slice(1) : path;
}

export function formatError(error: t.ValidationError): string {
  const last = error.context[error.context.length - 1];
  const what = error.message ?? `expected ${last ? last.type.name : 'a value'}`;
  return `${formatPath(error.context)}: ${error.value === undefined ? `missing, ${what}` : what}`;
}

/** One line per error, in the order found, duplicates dropped. */
export function formatErrors(errors: t.Errors): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    const line = formatError(e);
    if (!seen.has(line)) { seen.add(line); out.push(line); }
  }
  return out;
}
