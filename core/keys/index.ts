// Keys: from a board's key roles to application commands, short and long presses.
export { PRESENCE_VALUES, sameCommand, type AppCommand, type AppCommandKind, type PresenceValue } from './commands.js';
export {
  DEFAULT_LONG_PRESS_MS, IDLE_SOFT_KEYS, DEFAULT_FUNCTION_KEYS, blfBindings, softKeyBindings,
  defaultKeyMap, findBinding, type KeyBinding, type KeyMap, type SoftKey, type DefaultKeyMapOptions,
} from './keymap.js';
export { KeyPressTracker, type KeyAction } from './key-press.js';
// The JSON codec (keymap-codec.ts: loadKeyMap) is deliberately not re-exported: it builds io-ts
// types at load time, which bundlers keep, adding ~18 KB to device bundles that do not read key
// maps from JSON. Import it from './keymap-codec.js' where configuration is loaded.
