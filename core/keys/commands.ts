// What a key press asks the application to do. Commands are plain data: the key layer decides
// *which* command a press means, the application (core/ua and friends) carries it out. A command
// never holds state of its own ("toggle", "cycle" are resolved by the application against its
// current state), so the same press always yields the same command.

/** Presence states a user sets from the phone (published as PIDF/RPID by the presence layer). */
export type PresenceValue = 'available' | 'away' | 'busy' | 'dnd' | 'offline';

export const PRESENCE_VALUES: readonly PresenceValue[] = ['available', 'away', 'busy', 'dnd', 'offline'];

export type AppCommand =
  /** Do-not-disturb on ↔ off. */
  | { readonly kind: 'toggle-dnd' }
  | { readonly kind: 'set-presence'; readonly value: PresenceValue }
  /** Next value after the current one in `values` (wrapping); the first one if current is not listed. */
  | { readonly kind: 'cycle-presence'; readonly values: readonly PresenceValue[] }
  /** Open the IM conversation with a SIP URI (a BLF key's colleague, a speed-dial target). */
  | { readonly kind: 'open-conversation'; readonly target: string }
  /** Show a contact's presence and dialog details (the usual long press on a BLF key). */
  | { readonly kind: 'show-contact'; readonly target: string }
  /** Unread instant messages. */
  | { readonly kind: 'open-inbox' }
  /** Voicemail summary (message-summary counts). */
  | { readonly kind: 'open-voicemail' };

export type AppCommandKind = AppCommand['kind'];

export function sameCommand(a: AppCommand, b: AppCommand): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'set-presence': return a.value === (b as typeof a).value;
    case 'cycle-presence': {
      const other = (b as typeof a).values;
      return a.values.length === other.length && a.values.every((v, i) => v === other[i]);
    }
    case 'open-conversation':
    case 'show-contact': return a.target === (b as typeof a).target;
    default: return true;
  }
}
