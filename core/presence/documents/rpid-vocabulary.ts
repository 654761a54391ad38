// RPID (RFC 4480) enumerated values as data. Each list's index is the value's code; activities
// are a bit mask (several may hold at once, §3.2), the others a single code.
import { ascii, bytesEqual } from '../../xml/bytes.js';

// RFC 4480 §3.2 <activities> (schema: activityElements), in schema order.
export const ACTIVITY_NAMES = [
  'appointment', 'away', 'breakfast', 'busy', 'dinner', 'holiday', 'in-transit', 'looking-for-work',
  'meal', 'meeting', 'on-the-phone', 'performance', 'permanent-absence', 'playing', 'presentation',
  'shopping', 'sleeping', 'spectator', 'steering', 'travel', 'tv', 'unknown', 'vacation', 'working',
  'worship', 'other',
] as const;
export type ActivityName = typeof ACTIVITY_NAMES[number];

// RFC 4480 §3.7 <mood> (schema: moodValue).
export const MOOD_NAMES = [
  'afraid', 'amazed', 'angry', 'annoyed', 'anxious', 'ashamed', 'bored', 'brave', 'calm', 'cold',
  'confused', 'contented', 'cranky', 'curious', 'depressed', 'disappointed', 'disgusted', 'distracted',
  'embarrassed', 'excited', 'flirtatious', 'frustrated', 'grumpy', 'guilty', 'happy', 'hot', 'humbled',
  'humiliated', 'hungry', 'hurt', 'impressed', 'in_awe', 'in_love', 'indignant', 'interested',
  'invincible', 'jealous', 'lonely', 'mean', 'moody', 'nervous', 'neutral', 'offended', 'playful',
  'proud', 'relieved', 'remorseful', 'restless', 'sad', 'sarcastic', 'serious', 'shocked', 'shy',
  'sick', 'sleepy', 'stressed', 'surprised', 'thirsty', 'worried', 'unknown', 'other',
] as const;
export type MoodName = typeof MOOD_NAMES[number];

// RFC 4480 §3.9 <privacy>: who may observe the person's communication.
export const PRIVACY_NAMES = ['audio', 'text', 'video', 'unknown'] as const;
export type PrivacyName = typeof PRIVACY_NAMES[number];

export const NO_VALUE = -1;

const ACTIVITY_BYTES = ACTIVITY_NAMES.map(ascii);
const MOOD_BYTES = MOOD_NAMES.map(ascii);
const PRIVACY_BYTES = PRIVACY_NAMES.map(ascii);

function lookup(table: readonly Uint8Array[], buf: Uint8Array, start: number, end: number): number {
  const count = table.length;
  for (let i = 0; i < count; i++) if (bytesEqual(buf, start, end, table[i]!)) return i;
  return NO_VALUE;
}

export const activityCode = (buf: Uint8Array, start: number, end: number): number => lookup(ACTIVITY_BYTES, buf, start, end);
export const moodCode = (buf: Uint8Array, start: number, end: number): number => lookup(MOOD_BYTES, buf, start, end);
export const privacyCode = (buf: Uint8Array, start: number, end: number): number => lookup(PRIVACY_BYTES, buf, start, end);

export function activityBit(name: ActivityName): number {
  return 1 << ACTIVITY_NAMES.indexOf(name);
}

export function activityNames(mask: number): ActivityName[] {
  const out: ActivityName[] = [];
  for (let i = 0; i < ACTIVITY_NAMES.length; i++) if (mask & (1 << i)) out.push(ACTIVITY_NAMES[i]!);
  return out;
}

export function privacyNames(mask: number): PrivacyName[] {
  const out: PrivacyName[] = [];
  for (let i = 0; i < PRIVACY_NAMES.length; i++) if (mask & (1 << i)) out.push(PRIVACY_NAMES[i]!);
  return out;
}
