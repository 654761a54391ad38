// The bounded, preallocated model a PIDF (RFC 3863) document with RPID (RFC 4480), CIPID
// (RFC 4482) and data-model (RFC 4479) elements is read into. All text is a Span into the
// document's TextPool; nothing here is allocated while reading.
import { Span, TextPool } from './text-pool.js';
import { NO_VALUE } from './rpid-vocabulary.js';
import { bytesEqual } from '../../xml/bytes.js';
import type { XmlScratch } from '../../xml/scratch.js';

/** RFC 3863 §4.1.4 <basic>. */
export const Basic = { Unknown: 0, Open: 1, Closed: 2 } as const;
export type Basic = typeof Basic[keyof typeof Basic];

export interface PidfLimits {
  readonly maxTuples: number;
  readonly maxNotes: number;
  /** Bytes of decoded text (ids, URIs, notes) per document. */
  readonly textBytes: number;
  /** Largest document, in bytes. */
  readonly maxBytes: number;
}
export const DEFAULT_PIDF_LIMITS: PidfLimits = { maxTuples: 8, maxNotes: 16, textBytes: 4096, maxBytes: 16 * 1024 };

/** A <tuple> or the <person>: both may carry notes, timestamps, RPID and CIPID elements. */
export class PresenceHolder {
  readonly id = new Span();
  /** Tuples only. */
  basic: Basic = Basic.Unknown;
  readonly contact = new Span();
  /** <contact priority>: thousandths (0..1000), -1 when absent. */
  priority = -1;
  readonly timestamp = new Span();
  timestampMs = NaN;
  /** RPID activities as a bit mask over ACTIVITY_NAMES. */
  activities = 0;
  readonly activityOther = new Span();
  /** RPID §3.1 from/until on <activities>, as epoch ms (NaN when absent). */
  activitiesFromMs = NaN;
  activitiesUntilMs = NaN;
  /** RPID mood: the first value's MOOD_NAMES index. */
  mood = NO_VALUE;
  readonly moodOther = new Span();
  /** RPID place-type: local name of the value element, or the <other> text. */
  readonly placeType = new Span();
  /** RPID privacy: bit mask over PRIVACY_NAMES. */
  privacy = 0;
  /** CIPID (RFC 4482 §3). */
  readonly displayName = new Span();
  readonly card = new Span();
  readonly icon = new Span();
  readonly homepage = new Span();
  /** <im:im> inside <status> (RFC 3863 §4.3.1 example): busy, away, ... */
  readonly imStatus = new Span();
  /** The spans above, cleared in one loop: Span.clear() on each costs QuickJS 11 calls per holder (~25% of clear()). */
  private readonly spans: readonly Span[] = [this.id, this.contact, this.timestamp, this.activityOther, this.moodOther, this.placeType, this.displayName, this.card, this.icon, this.homepage, this.imStatus];

  clear(): void {
    var spans = this.spans;
    for (var i = 0; i < spans.length; i++) { var span = spans[i]!; span.start = 0; span.end = 0; }
    this.basic = Basic.Unknown;
    this.priority = -1;
    this.timestampMs = NaN;
    this.activities = 0;
    this.activitiesFromMs = NaN;
    this.activitiesUntilMs = NaN;
    this.mood = NO_VALUE;
    this.privacy = 0;
  }
}

/** Note owners other than a tuple index. */
export const NOTE_OF_DOCUMENT = -1;
export const NOTE_OF_PERSON = -2;

export class PresenceNote {
  /** Tuple index, NOTE_OF_PERSON or NOTE_OF_DOCUMENT. */
  owner = NOTE_OF_DOCUMENT;
  readonly lang = new Span();
  readonly text = new Span();
}

export class PidfDocument {
  readonly pool: TextPool;
  readonly entity = new Span();
  readonly tuples: readonly PresenceHolder[];
  tupleCount = 0;
  readonly person = new PresenceHolder();
  hasPerson = false;
  readonly notes: readonly PresenceNote[];
  noteCount = 0;
  /** Elements beyond the limits (tuples, notes, further persons) that were skipped. */
  dropped = 0;
  /** Skipped (not understood) elements marked pidf:mustUnderstand="true"/"1" (RFC 3863 §4.3.3):
   *  the application decides whether to distrust the document. */
  mustUnderstandSkipped = 0;

  /** `scratch`: the text lives in the shared scratch (valid until the next read by any reader sharing it). */
  constructor(readonly limits: PidfLimits = DEFAULT_PIDF_LIMITS, scratch?: XmlScratch) {
    this.pool = new TextPool(limits.textBytes, scratch?.text);
    this.tuples = Array.from({ length: limits.maxTuples }, () => new PresenceHolder());
    this.notes = Array.from({ length: limits.maxNotes }, () => new PresenceNote());
  }

  clear(): void {
    this.pool.clear();
    this.entity.clear();
    for (let i = 0; i < this.tupleCount; i++) this.tuples[i]!.clear();
    this.tupleCount = 0;
    this.person.clear();
    this.hasPerson = false;
    this.noteCount = 0;
    this.dropped = 0;
    this.mustUnderstandSkipped = 0;
  }

  /** Display text of a span (allocates: UI only). */
  text(span: Span): string {
    return this.pool.text(span.start, span.end);
  }

  spanEquals(span: Span, literal: Uint8Array): boolean {
    return bytesEqual(this.pool.bytes, span.start, span.end, literal);
  }

  /**
   * The note of `owner` best matching language `lang` (RFC 3863 §4.1.6: notes differ by xml:lang):
   * exact tag, then same primary subtag, then a note without xml:lang, then the first. -1 if none.
   */
  noteFor(owner: number, lang: Uint8Array | null = null): number {
    let first = -1, noLang = -1, primary = -1;
    const bytes = this.pool.bytes;
    for (let i = 0; i < this.noteCount; i++) {
      const note = this.notes[i]!;
      if (note.owner !== owner) continue;
      if (first < 0) first = i;
      if (note.lang.isEmpty) { if (noLang < 0) noLang = i; continue; }
      if (lang === null) continue;
      if (equalsIgnoreCase(bytes, note.lang.start, note.lang.end, lang, lang.length)) return i;
      if (primary < 0 && samePrimaryTag(bytes, note.lang.start, note.lang.end, lang)) primary = i;
    }
    if (primary >= 0) return primary;
    if (noLang >= 0) return noLang;
    return first;
  }
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function equalsIgnoreCase(buf: Uint8Array, start: number, end: number, other: Uint8Array, otherLength: number): boolean {
  if (end - start !== otherLength) return false;
  for (let i = 0; i < otherLength; i++) if (lower(buf[start + i]!) !== lower(other[i]!)) return false;
  return true;
}

// RFC 5646 language tags: "en-GB" and "en" share the primary subtag "en".
function samePrimaryTag(buf: Uint8Array, start: number, end: number, other: Uint8Array): boolean {
  let a = start;
  let b = 0;
  for (;;) {
    const ca = a < end && buf[a] !== 0x2d ? lower(buf[a]!) : -1;
    const cb = b < other.length && other[b] !== 0x2d ? lower(other[b]!) : -1;
    if (ca !== cb) return false;
    if (ca === -1) return true;
    a++;
    b++;
  }
}
