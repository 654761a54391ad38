// Lamp role names, the board's words for its lamps (see boards/): what each one shows.
//   led.blf.<n>    BLF key n (0-based), from the dialog state of the user it monitors
//   led.mwi        the message lamp: voicemail (RFC 3842) or unread IM (RFC 3428)
//   led.dnd        lit while own presence is do-not-disturb
//   led.presence   own presence
// The index is written without leading zeros so that a role has one spelling.

export type LampSource =
  | { readonly kind: 'blf'; readonly index: number }
  | { readonly kind: 'mwi' }
  | { readonly kind: 'dnd' }
  | { readonly kind: 'presence' };

const FIXED_ROLES: Readonly<Record<string, LampSource>> = {
  'led.mwi': { kind: 'mwi' },
  'led.dnd': { kind: 'dnd' },
  'led.presence': { kind: 'presence' },
};

const BLF_PREFIX = 'led.blf.';
/** BLF keys a board may declare; a bound so a typo cannot make the engine allocate millions. */
export const MAX_BLF_KEYS = 1024;

export function lampSourceOf(role: string): LampSource | null {
  const fixed = FIXED_ROLES[role];
  if (fixed) return fixed;
  if (!role.startsWith(BLF_PREFIX)) return null;
  const index = decimalIndex(role, BLF_PREFIX.length);
  return index < 0 ? null : { kind: 'blf', index };
}

export function blfLampRole(index: number): string {
  return BLF_PREFIX + index;
}

/** The non-negative integer spelled from `start` to the end of `text`, or -1. */
export function decimalIndex(text: string, start: number): number {
  const n = text.length;
  if (start >= n || n - start > 4) return -1;
  if (text.charCodeAt(start) === 48 /* 0 */ && n - start > 1) return -1;
  let value = 0;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value < MAX_BLF_KEYS ? value : -1;
}
