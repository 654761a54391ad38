// RPID (RFC 4480) enumerated values as data. Each list's index is the value's code; activities
// are a bit mask (several may hold at once, §3.2), the others a single code.
import { ascii } from '../../xml/bytes.js';

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

/**
 * A vocabulary indexed by name length: a value read from a document is compared in place with
 * the few names of its length only (no string made, no call per name: 61 moods would otherwise
 * cost an interpreter 61 comparisons per <mood>).
 */
class Vocabulary {
  private readonly names: readonly Uint8Array[];
  /** Indices into names, grouped by length: from[length] .. from[length + 1]. */
  private readonly byLength: Uint8Array;
  private readonly from: Uint16Array;

  constructor(words: readonly string[]) {
    this.names = words.map(ascii);
    const longest = Math.max(...words.map((w) => w.length));
    this.from = new Uint16Array(longest + 2);
    this.byLength = new Uint8Array(words.length);
    let at = 0;
    for (let length = 0; length <= longest; length++) {
      this.from[length] = at;
      for (let i = 0; i < words.length; i++) if (words[i]!.length === length) this.byLength[at++] = i;
    }
    this.from[longest + 1] = at;
  }

  // `var` and the `&& ++j < length` loop form: the cheaper ones in QuickJS (see xml/reader.ts).
  code(buf: Uint8Array, start: number, end: number): number {
    var length = end - start;
    var from = this.from;
    if (length <= 0 || length + 1 >= from.length) return NO_VALUE;
    var last = from[length + 1]!;
    var byLength = this.byLength;
    var names = this.names;
    var i = 0, j = 0, name: Uint8Array;
    for (var k = from[length]!; k < last; k++) {
      i = byLength[k]!;
      name = names[i]!;
      j = 0;
      while (buf[start + j] === name[j] && ++j < length);
      if (j === length) return i;
    }
    return NO_VALUE;
  }
}

const ACTIVITIES = new Vocabulary(ACTIVITY_NAMES);
const MOODS = new Vocabulary(MOOD_NAMES);
const PRIVACIES = new Vocabulary(PRIVACY_NAMES);

export const activityCode = (buf: Uint8Array, start: number, end: number): number => ACTIVITIES.code(buf, start, end);
export const moodCode = (buf: Uint8Array, start: number, end: number): number => MOODS.code(buf, start, end);
export const privacyCode = (buf: Uint8Array, start: number, end: number): number => PRIVACIES.code(buf, start, end);

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
