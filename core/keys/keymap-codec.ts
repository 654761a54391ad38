// Key maps from configuration JSON, checked with io-ts so a bad file is refused with errors that
// name the path ("bindings[1].press.value: expected "available"|"away"|…, got "lunch"").
//
//   {
//     "longPressMs": 800,
//     "blf": ["sip:bob@example.com", "", "sip:carol@example.com"],
//     "softKeys": [{ "label": "Avail", "command": { "kind": "set-presence", "value": "available" } }],
//     "bindings": [{ "role": "key.dnd", "press": { "kind": "set-presence", "value": "dnd" } }]
//   }
//
// Everything is optional; what is given is laid over the default map (keymap.ts): `blf` and
// `softKeys` replace those parts, `bindings` override per role.

import * as t from 'io-ts';
import { Ok, Err, type Result } from '../result.js';
import { PRESENCE_VALUES, type AppCommand, type PresenceValue } from './commands.js';
import { defaultKeyMap, type KeyBinding, type KeyMap, type SoftKey } from './keymap.js';

const ROLE = /^key\.(dnd|presence|messages|blf\.(0|[1-9][0-9]{0,3})|soft\.(0|[1-9][0-9]?))$/;
const SIP_URI = /^sips?:[^\s<>"]+$/;

function refined<A>(name: string, base: t.Type<A, A, unknown>, ok: (a: A) => boolean, expected: string): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u),
    (u, c) => {
      const r = base.validate(u, c);
      if (r._tag === 'Left') return t.failure(u, c, `expected ${expected}`);
      return ok(r.right) ? r : t.failure(u, c, `expected ${expected}`);
    },
    t.identity,
  );
}

const Presence = new t.Type<PresenceValue, PresenceValue, unknown>(
  'PresenceValue',
  (u): u is PresenceValue => typeof u === 'string' && (PRESENCE_VALUES as readonly string[]).includes(u),
  (u, c) => (typeof u === 'string' && (PRESENCE_VALUES as readonly string[]).includes(u)
    ? t.success(u as PresenceValue)
    : t.failure(u, c, `expected ${PRESENCE_VALUES.map((v) => `"${v}"`).join('|')}`)),
  t.identity,
);

const SipUri = refined('SipUri', t.string, (s) => SIP_URI.test(s), 'a sip: or sips: URI');
const Role = refined('KeyRole', t.string, (s) => ROLE.test(s), 'a key role like "key.blf.3", "key.dnd", "key.soft.0"');
const Label = refined('Label', t.string, (s) => s.length <= 16, 'a label of at most 16 characters');
const LongPressMs = refined('LongPressMs', t.number, (n) => Number.isInteger(n) && n >= 200 && n <= 5000, 'an integer from 200 to 5000 (ms)');
const BlfTarget = refined('BlfTarget', t.string, (s) => s === '' || SIP_URI.test(s), 'a sip: URI or "" (unbound)');

/** Fields per command kind (besides `kind`). */
const COMMAND_FIELDS: Record<AppCommand['kind'], Record<string, t.Mixed>> = {
  'toggle-dnd': {},
  'set-presence': { value: Presence },
  'cycle-presence': { values: t.array(Presence) },
  'open-conversation': { target: SipUri },
  'show-contact': { target: SipUri },
  'open-inbox': {},
  'open-voicemail': {},
};
const KINDS = Object.keys(COMMAND_FIELDS);

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** A command, decoded by its `kind` so errors talk about that kind's fields only. */
const Command = new t.Type<AppCommand, AppCommand, unknown>(
  'AppCommand',
  (u): u is AppCommand => Command.validate(u, [])._tag === 'Right',
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c, 'expected a command object');
    const kind = u['kind'];
    if (typeof kind !== 'string' || !KINDS.includes(kind)) {
      return t.failure(kind, t.appendContext(c, 'kind', t.string, kind), `expected ${KINDS.map((k) => `"${k}"`).join('|')}`);
    }
    const fields = COMMAND_FIELDS[kind as AppCommand['kind']];
    const errors: t.ValidationError[] = [];
    const out: Record<string, unknown> = { kind };
    for (const name of Object.keys(fields)) {
      const r = fields[name]!.validate(u[name], t.appendContext(c, name, fields[name]!, u[name]));
      if (r._tag === 'Left') errors.push(...r.left); else out[name] = r.right;
    }
    for (const name of Object.keys(u)) {
      if (name !== 'kind' && !(name in fields)) {
        errors.push({ value: u[name], context: t.appendContext(c, name, t.unknown, u[name]), message: `unknown property for "${kind}"` });
      }
    }
    return errors.length > 0 ? t.failures(errors) : t.success(out as AppCommand);
  },
  t.identity,
);

const NullableCommand = t.union([Command, t.null]);

type Fields = Record<string, t.Mixed>;
type Decoded<R extends Fields, O extends Fields> =
  { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> };

/** An object with required and optional fields and no others (a typo must not pass silently). */
function strictObject<R extends Fields, O extends Fields>(name: string, required: R, optional: O): t.Type<Decoded<R, O>, Decoded<R, O>, unknown> {
  const codec: t.Type<Decoded<R, O>, Decoded<R, O>, unknown> = new t.Type<Decoded<R, O>, Decoded<R, O>, unknown>(
    name,
    (u): u is Decoded<R, O> => codec.validate(u, [])._tag === 'Right',
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, `expected ${name} (an object)`);
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      const all: Fields = { ...required, ...optional };
      for (const key of Object.keys(all)) {
        if (u[key] === undefined && !(key in required)) continue;
        const r = all[key]!.validate(u[key], t.appendContext(c, key, all[key]!, u[key]));
        if (r._tag === 'Left') errors.push(...r.left); else out[key] = r.right;
      }
      for (const key of Object.keys(u)) {
        if (!(key in all)) errors.push({ value: u[key], context: t.appendContext(c, key, t.unknown, u[key]), message: 'unknown property' });
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as Decoded<R, O>);
    },
    t.identity,
  );
  return codec;
}

const Binding = strictObject('a key binding', { role: Role }, { press: NullableCommand, longPress: NullableCommand });

const SoftKeyCodec = strictObject('a soft key', { label: Label, command: Command }, {});

export const KeyMapConfig = strictObject('a key map', {}, {
  longPressMs: LongPressMs,
  blf: t.array(BlfTarget),
  softKeys: t.array(SoftKeyCodec),
  bindings: t.array(Binding),
});
export type KeyMapConfig = t.TypeOf<typeof KeyMapConfig>;

/** "bindings[1].press.value" from an io-ts context. */
function pathOf(context: t.Context): string {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const entry = context[i]!;
    // A union tries each member under its index: that index is not part of the user's path.
    if (entry.key === '' || context[i - 1]!.type instanceof t.UnionType) continue;
    path += /^[0-9]+$/.test(entry.key) ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`;
  }
  return path === '' ? '(root)' : path;
}

function describe(u: unknown): string {
  if (u === undefined) return 'nothing';
  try {
    const s = JSON.stringify(u);
    return s.length > 40 ? `${s.slice(0, 37)}...` : s;
  } catch {
    return typeof u;
  }
}

/** One line per problem, deduplicated (a union reports the same spot once per member). */
export function formatKeyMapErrors(errors: t.Errors): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    const path = pathOf(e.context);
    // A null-or-command union: the "expected null" branch only adds noise.
    if (e.context[e.context.length - 1]?.type === t.null) continue;
    const line = `${path}: ${e.message ?? `expected ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}`}, got ${describe(e.value)}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

/** Decodes a key-map configuration (undefined or null: all defaults) over the default map. */
export function loadKeyMap(json: unknown): Result<KeyMap, string[]> {
  const decoded = KeyMapConfig.decode(json ?? {});
  if (decoded._tag === 'Left') return Err(formatKeyMapErrors(decoded.left));
  const config = decoded.right;
  const overrides: KeyBinding[] = (config.bindings ?? []).map((b) => ({
    role: b.role, press: b.press ?? null, longPress: b.longPress ?? null,
  }));
  const options: Parameters<typeof defaultKeyMap>[0] = {
    blfTargets: config.blf ?? [],
    overrides,
    ...(config.softKeys !== undefined ? { softKeys: config.softKeys as SoftKey[] } : {}),
    ...(config.longPressMs !== undefined ? { longPressMs: config.longPressMs } : {}),
  };
  return Ok(defaultKeyMap(options));
}
