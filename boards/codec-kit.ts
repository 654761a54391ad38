// Small io-ts combinators for board files. io-ts' own `type`/`partial`/`union`/`intersection`
// report errors per union member and through intersection indices, which makes paths like
// `leds.3.1.colors.0` and one message per member; these keep one error per problem, with the
// path a person would write (report.ts formats it), and refuse unknown properties so that a typo
// ("colour") is an error instead of a silently ignored field.

import * as t from 'io-ts';

export type Props = Record<string, t.Mixed>;

type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

export type ObjectOf<R extends Props, O extends Props> = Expand<
  { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> }
>;

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function isPlainObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** An object with required and optional properties and nothing else. */
export function strictObject<R extends Props, O extends Props = Record<never, t.Mixed>>(
  name: string,
  required: R,
  optional?: O,
): t.Type<ObjectOf<R, O>, ObjectOf<R, O>, unknown> {
  const opt: Props = optional ?? {};
  // Name the required properties, so a missing section says what goes in it
  // ("capabilities.modules: missing, expected an object with msrp, rls, imdn").
  const requiredKeys = Object.keys(required);
  const expected = requiredKeys.length > 0 ? `expected an object with ${requiredKeys.join(', ')}` : 'expected an object';
  const is = (u: unknown): u is ObjectOf<R, O> =>
    isPlainObject(u) &&
    Object.keys(required).every((k) => required[k]!.is(u[k])) &&
    Object.keys(opt).every((k) => u[k] === undefined || opt[k]!.is(u[k])) &&
    Object.keys(u).every((k) => hasOwn(required, k) || hasOwn(opt, k));
  return new t.Type<ObjectOf<R, O>, ObjectOf<R, O>, unknown>(
    name,
    is,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, expected);
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(required)) {
        const codec = required[key]!;
        const result = codec.validate(u[key], t.appendContext(c, key, codec, u[key]));
        if (result._tag === 'Left') errors.push(...result.left); else out[key] = result.right;
      }
      for (const key of Object.keys(opt)) {
        if (u[key] === undefined) continue;
        const codec = opt[key]!;
        const result = codec.validate(u[key], t.appendContext(c, key, codec, u[key]));
        if (result._tag === 'Left') errors.push(...result.left); else out[key] = result.right;
      }
      for (const key of Object.keys(u)) {
        if (hasOwn(required, key) || hasOwn(opt, key)) continue;
        errors.push({ value: u[key], context: t.appendContext(c, key, t.unknown, u[key]), message: 'unknown property' });
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as ObjectOf<R, O>);
    },
    t.identity,
  );
}

/**
 * A union told apart by one string property (`kind`). An unknown tag is one error at `.kind`
 * listing the tags; a known tag is checked against that member only.
 */
export function tagged<M extends Record<string, t.Mixed>>(
  name: string,
  tag: string,
  members: M,
): t.Type<t.TypeOf<M[keyof M]>, t.TypeOf<M[keyof M]>, unknown> {
  const tags = oneOf(Object.keys(members));
  return new t.Type<t.TypeOf<M[keyof M]>, t.TypeOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> =>
      isPlainObject(u) && typeof u[tag] === 'string' && hasOwn(members, u[tag] as string) &&
      members[u[tag] as string]!.is(u),
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, 'expected an object');
      const value = u[tag];
      if (typeof value !== 'string' || !hasOwn(members, value)) {
        return t.failure(value, t.appendContext(c, tag, tags, value));
      }
      return members[value]!.validate(u, c);
    },
    t.identity,
  );
}

/** One of some strings; the codec's name is the list `"a"|"b"` that error messages quote. */
export function oneOf<V extends string>(values: readonly V[]): t.Type<V, V, unknown> {
  const keys: Record<string, null> = {};
  for (const v of values) keys[v] = null;
  const name = values.map((v) => JSON.stringify(v)).join('|');
  return t.keyof(keys as Record<V, null>, name) as unknown as t.Type<V, V, unknown>;
}

export function literal<V extends string>(value: V): t.Type<V, V, unknown> {
  return oneOf([value]);
}

/** A whole number in [min, max]. */
export function intRange(min: number, max: number): t.Type<number, number, unknown> {
  const is = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max;
  return new t.Type<number, number, unknown>(
    `integer ${min}..${max}`,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** A string matching `pattern`; `name` says in words what is expected. */
export function matching(name: string, pattern: RegExp): t.Type<string, string, unknown> {
  const is = (u: unknown): u is string => typeof u === 'string' && pattern.test(u);
  return new t.Type<string, string, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);
}

/** A string accepted by `accept`. */
export function stringWhere(name: string, accept: (s: string) => boolean): t.Type<string, string, unknown> {
  const is = (u: unknown): u is string => typeof u === 'string' && accept(u);
  return new t.Type<string, string, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);
}

/** An array with between `min` and `max` elements, each checked at `[i]`. */
export function listOf<C extends t.Mixed>(
  item: C,
  min: number,
  max: number,
): t.Type<t.TypeOf<C>[], t.TypeOf<C>[], unknown> {
  const name = `list of ${min}..${max} ${item.name}`;
  return new t.Type<t.TypeOf<C>[], t.TypeOf<C>[], unknown>(
    name,
    (u): u is t.TypeOf<C>[] => Array.isArray(u) && u.length >= min && u.length <= max && u.every((x) => item.is(x)),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, 'expected a list');
      if (u.length < min || u.length > max) {
        return t.failure(u, c, `expected ${min}..${max} entries, got ${u.length}`);
      }
      const errors: t.ValidationError[] = [];
      const out: t.TypeOf<C>[] = [];
      for (let i = 0; i < u.length; i++) {
        const result = item.validate(u[i], t.appendContext(c, String(i), item, u[i]));
        if (result._tag === 'Left') errors.push(...result.left); else out.push(result.right);
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
}

/** An object used as a map: every key accepted by `key`, every value by `value`. */
export function recordOf<K extends string, C extends t.Mixed>(
  keyName: string,
  acceptKey: (k: string) => k is K,
  value: C,
): t.Type<Partial<Record<K, t.TypeOf<C>>>, Partial<Record<K, t.TypeOf<C>>>, unknown> {
  type Out = Partial<Record<K, t.TypeOf<C>>>;
  return new t.Type<Out, Out, unknown>(
    `map of ${keyName} to ${value.name}`,
    (u): u is Out => isPlainObject(u) && Object.keys(u).every((k) => acceptKey(k) && value.is(u[k])),
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, 'expected an object');
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(u)) {
        const ctx = t.appendContext(c, k, value, u[k]);
        if (!acceptKey(k)) {
          errors.push({ value: u[k], context: ctx, message: `unknown key, expected ${keyName}` });
          continue;
        }
        const result = value.validate(u[k], ctx);
        if (result._tag === 'Left') errors.push(...result.left); else out[k] = result.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as Out);
    },
    t.identity,
  );
}

/** `codec` or null. */
export function nullable<C extends t.Mixed>(codec: C): t.Type<t.TypeOf<C> | null, t.TypeOf<C> | null, unknown> {
  return new t.Type<t.TypeOf<C> | null, t.TypeOf<C> | null, unknown>(
    `${codec.name}|null`,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    t.identity,
  );
}

/** One of some numbers. */
export function numberIn(values: readonly number[]): t.Type<number, number, unknown> {
  const is = (u: unknown): u is number => typeof u === 'number' && values.indexOf(u) >= 0;
  return new t.Type<number, number, unknown>(values.join('|'), is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);
}
