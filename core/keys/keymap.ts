// Key maps as data: which command a board's key role means, for a short and a long press.
// Roles are the board's names for its keys (see boards/): "key.blf.N" (the key next to
// "led.blf.N"), "key.dnd", "key.presence", "key.messages", "key.soft.N" (the keys under the
// display's soft-key labels). A role with no binding does nothing.
//
// The default map, as a table (BLF targets and soft keys come from configuration):
//
//   role            short press                          long press
//   key.blf.N       open-conversation <target N>         show-contact <target N>
//   key.dnd         toggle-dnd                           —
//   key.presence    cycle-presence available→away→busy   set-presence available
//   key.messages    open-inbox                           open-voicemail
//   key.soft.N      the Nth soft key's command           —
//
// A key without a long-press command acts on press (no waiting to tell short from long); a key
// with one acts on release, or when held past `longPressMs`. See key-press.ts.

import type { AppCommand } from './commands.js';

export interface KeyBinding {
  readonly role: string;
  readonly press: AppCommand | null;
  readonly longPress: AppCommand | null;
}

export interface KeyMap {
  readonly bindings: readonly KeyBinding[];
  /** Hold time from which a press counts as long (desk phones use about 0.6–1 s). */
  readonly longPressMs: number;
}

/** A soft key: the label the display shows above it, and what pressing it does. */
export interface SoftKey {
  readonly label: string;
  readonly command: AppCommand;
}

export const DEFAULT_LONG_PRESS_MS = 800;

/** The idle screen's soft keys on a four-soft-key phone. */
export const IDLE_SOFT_KEYS: readonly SoftKey[] = [
  { label: 'Avail', command: { kind: 'set-presence', value: 'available' } },
  { label: 'Away', command: { kind: 'set-presence', value: 'away' } },
  { label: 'Busy', command: { kind: 'set-presence', value: 'busy' } },
  { label: 'DND', command: { kind: 'toggle-dnd' } },
];

/** The fixed-function keys of the default map. */
export const DEFAULT_FUNCTION_KEYS: readonly KeyBinding[] = [
  { role: 'key.dnd', press: { kind: 'toggle-dnd' }, longPress: null },
  {
    role: 'key.presence',
    press: { kind: 'cycle-presence', values: ['available', 'away', 'busy'] },
    longPress: { kind: 'set-presence', value: 'available' },
  },
  { role: 'key.messages', press: { kind: 'open-inbox' }, longPress: { kind: 'open-voicemail' } },
];

/** `key.blf.i` for each monitored URI; an empty string leaves that key unbound. */
export function blfBindings(targets: readonly string[]): KeyBinding[] {
  const out: KeyBinding[] = [];
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    if (target === '') continue;
    out.push({
      role: `key.blf.${i}`,
      press: { kind: 'open-conversation', target },
      longPress: { kind: 'show-contact', target },
    });
  }
  return out;
}

export function softKeyBindings(softKeys: readonly SoftKey[]): KeyBinding[] {
  return softKeys.map((key, i) => ({ role: `key.soft.${i}`, press: key.command, longPress: null }));
}

export interface DefaultKeyMapOptions {
  /** The URI each BLF key watches, by key index. */
  readonly blfTargets: readonly string[];
  readonly softKeys?: readonly SoftKey[];
  readonly longPressMs?: number;
  /** Extra or replacing bindings (a later binding for the same role wins). */
  readonly overrides?: readonly KeyBinding[];
}

export function defaultKeyMap(options: DefaultKeyMapOptions): KeyMap {
  return {
    bindings: [
      ...blfBindings(options.blfTargets),
      ...DEFAULT_FUNCTION_KEYS,
      ...softKeyBindings(options.softKeys ?? IDLE_SOFT_KEYS),
      ...(options.overrides ?? []),
    ],
    longPressMs: options.longPressMs ?? DEFAULT_LONG_PRESS_MS,
  };
}

/** The binding for a role (the last one wins, so overrides can follow defaults), or undefined. */
export function findBinding(map: KeyMap, role: string): KeyBinding | undefined {
  for (let i = map.bindings.length - 1; i >= 0; i--) if (map.bindings[i]!.role === role) return map.bindings[i];
  return undefined;
}
