// Reads a PIDF document (RFC 3863) with RPID (RFC 4480), CIPID (RFC 4482) and data-model
// (RFC 4479) extensions into a preallocated PidfDocument. Each element gets a role from its
// parent's role, its namespace and its local name (the ROLE_RULES table); unknown elements and
// everything under them are skipped (RFC 3863 §4.1.7: ignore what is not understood).
import { XmlReader, XmlToken, XmlError, XML_NAMESPACE_URI } from '../../xml/reader.js';
import type { XmlScratch, XmlScratchSize } from '../../xml/scratch.js';
import { ascii, bytesEqual } from '../../xml/bytes.js';
import { Ns, NS_PIDF, NS_CODE_COUNT, PRESENCE_NAMESPACE_CODES } from './namespaces.js';
import { Basic, DEFAULT_PIDF_LIMITS, NOTE_OF_DOCUMENT, NOTE_OF_PERSON, PidfDocument, type PidfLimits } from './pidf-model.js';
import { activityCode, moodCode, privacyCode, NO_VALUE } from './rpid-vocabulary.js';
import { parseRfc3339Into } from './timestamp.js';
import type { Span } from './text-pool.js';

export const PresenceDocError = {
  None: 0,
  /** Not well-formed XML or over an XML limit: see xmlError / errorPosition. */
  Xml: 1,
  /** The root element is not the expected one (e.g. not {urn:ietf:params:xml:ns:pidf}presence). */
  WrongRoot: 2,
} as const;
export type PresenceDocError = typeof PresenceDocError[keyof typeof PresenceDocError];

// A `const enum`: esbuild writes the roles into the code as literals (an object's properties
// would be looked up on every use in an interpreter).
const enum Role {
  Skip = 0, Root = 1, Presence = 2, Tuple = 3, Status = 4, Basic = 5, Contact = 6, Note = 7, Timestamp = 8,
  Person = 9, Activities = 10, ActivityValue = 11, ActivityOther = 12, Mood = 13, MoodValue = 14, MoodOther = 15,
  PlaceType = 16, PlaceTypeValue = 17, PlaceTypeOther = 18, Privacy = 19, PrivacyValue = 20,
  DisplayName = 21, Card = 22, Icon = 23, Homepage = 24, ImStatus = 25,
}
const ROLE_COUNT = Role.ImStatus + 1;

const ANY = -1;
const ANY_NAME = null;
const HOLDERS = [Role.Tuple, Role.Person] as const;

// [parent role(s), namespace, local name (null = any), role]
type Rule = readonly [readonly Role[], Ns | typeof ANY, string | null, Role];
const rule = (parents: readonly Role[], ns: Ns | typeof ANY, name: string | null, role: Role): Rule => [parents, ns, name, role];

const ROLE_RULES: readonly Rule[] = [
  rule([Role.Root], Ns.Pidf, 'presence', Role.Presence),
  rule([Role.Presence], Ns.Pidf, 'tuple', Role.Tuple),
  rule([Role.Presence], Ns.Pidf, 'note', Role.Note),
  rule([Role.Presence], Ns.DataModel, 'person', Role.Person),
  rule([Role.Tuple], Ns.Pidf, 'status', Role.Status),
  rule([Role.Tuple], Ns.Pidf, 'contact', Role.Contact),
  rule([Role.Tuple], Ns.Pidf, 'note', Role.Note),
  rule([Role.Tuple], Ns.Pidf, 'timestamp', Role.Timestamp),
  rule([Role.Tuple, Role.Person], Ns.DataModel, 'note', Role.Note),
  rule([Role.Person], Ns.DataModel, 'timestamp', Role.Timestamp),
  rule([Role.Status], Ns.Pidf, 'basic', Role.Basic),
  rule([Role.Status], Ns.PidfIm, 'im', Role.ImStatus),
  // RPID elements belong to <person> (RFC 4480 §3); older UAs put them in <tuple> or <status>.
  rule([...HOLDERS, Role.Status], Ns.Rpid, 'activities', Role.Activities),
  rule([...HOLDERS, Role.Status], Ns.Rpid, 'mood', Role.Mood),
  rule([...HOLDERS, Role.Status], Ns.Rpid, 'place-type', Role.PlaceType),
  rule([...HOLDERS, Role.Status], Ns.Rpid, 'privacy', Role.Privacy),
  rule([Role.Activities], Ns.Rpid, 'other', Role.ActivityOther),
  rule([Role.Activities], Ns.Rpid, 'note', Role.Skip),
  rule([Role.Activities], Ns.Rpid, ANY_NAME, Role.ActivityValue),
  rule([Role.Mood], Ns.Rpid, 'other', Role.MoodOther),
  rule([Role.Mood], Ns.Rpid, 'note', Role.Skip),
  rule([Role.Mood], Ns.Rpid, ANY_NAME, Role.MoodValue),
  rule([Role.PlaceType], Ns.Rpid, 'other', Role.PlaceTypeOther),
  rule([Role.PlaceType], Ns.Rpid, 'note', Role.Skip),
  rule([Role.PlaceType], ANY, ANY_NAME, Role.PlaceTypeValue),
  rule([Role.Privacy], Ns.Rpid, ANY_NAME, Role.PrivacyValue),
  rule([...HOLDERS], Ns.Cipid, 'display-name', Role.DisplayName),
  rule([...HOLDERS], Ns.Cipid, 'card', Role.Card),
  rule([...HOLDERS], Ns.Cipid, 'icon', Role.Icon),
  rule([...HOLDERS], Ns.Cipid, 'homepage', Role.Homepage),
];
// The table in flat typed arrays, so matching an element walks numbers, not tuples.
const RULE_COUNT = ROLE_RULES.length;
const RULE_PARENTS = Uint32Array.from(ROLE_RULES, ([parents]) => parents.reduce<number>((mask, p) => mask | (1 << p), 0));
const RULE_NS = Int8Array.from(ROLE_RULES, ([, ns]) => ns);
const RULE_NAME: readonly (Uint8Array | null)[] = ROLE_RULES.map(([, , name]) => (name === null ? null : ascii(name)));
const RULE_ROLE = Uint8Array.from(ROLE_RULES, ([, , , role]) => role);
const RULE_NAME_LENGTH = Int16Array.from(RULE_NAME, (name) => (name === null ? -1 : name.length));
const RULE_NAME_FIRST = Uint8Array.from(RULE_NAME, (name) => (name === null ? 0 : name[0]!));
// The rules that apply to (parent role, namespace code), in table order: the reader gives the
// element's namespace as a code, so an element is matched against the two or three rules of its
// namespace under its parent, not all of them (in an interpreter each rule looked at is paid for).
const RULES_FROM = new Uint8Array(ROLE_COUNT * NS_CODE_COUNT + 1);
const RULES_BY_KEY: number[] = [];
for (let parent = 0; parent < ROLE_COUNT; parent++) {
  for (let ns = 0; ns < NS_CODE_COUNT; ns++) {
    RULES_FROM[parent * NS_CODE_COUNT + ns] = RULES_BY_KEY.length;
    for (let r = 0; r < RULE_COUNT; r++) {
      if ((RULE_PARENTS[r]! & (1 << parent)) !== 0 && (RULE_NS[r] === ANY || RULE_NS[r] === ns)) RULES_BY_KEY.push(r);
    }
  }
}
RULES_FROM[ROLE_COUNT * NS_CODE_COUNT] = RULES_BY_KEY.length;
const RULES = Uint8Array.from(RULES_BY_KEY);

const ATTR_ENTITY = ascii('entity');
const ATTR_ID = ascii('id');
const ATTR_PRIORITY = ascii('priority');
const ATTR_FROM = ascii('from');
const ATTR_UNTIL = ascii('until');
const ATTR_LANG = ascii('lang');
const OPEN = ascii('open');
const ATTR_MUST_UNDERSTAND = ascii('mustUnderstand');
const ONE = ascii('1');
const TRUE = ascii('true');
const CLOSED = ascii('closed');

const NO_HOLDER = -3;

/** The XML nesting a PIDF reader accepts (PIDF with RPID, CIPID and data-model extensions). */
const PIDF_XML_LIMITS = { maxDepth: 24, maxAttributes: 24, maxNamespaces: 24 } as const;

/** What an XmlScratch shared with a PidfReader of these limits must hold. */
export function pidfScratchSize(limits: PidfLimits = DEFAULT_PIDF_LIMITS): XmlScratchSize {
  return { ...PIDF_XML_LIMITS, textBytes: limits.textBytes };
}

export class PidfReader {
  readonly document: PidfDocument;
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;
  private readonly xml: XmlReader;
  private readonly roles: Uint8Array;
  private readonly holders: Int16Array;
  /** Pool offset where the text of the element at each depth starts. */
  private readonly textStart: Int32Array;
  /** Where times are parsed to: a double returned from a call would be boxed (one allocation per timestamp). */
  private readonly time = new Float64Array(1);
  /** Per role: its text is kept (HAS_TEXT, less what composeOnly leaves out). */
  private hasText = HAS_TEXT;
  /** Per role: work at the start tag (STARTS, less what composeOnly leaves out). */
  private starts = STARTS;
  private keepIds = true;

  /**
   * `scratch` (sized with pidfScratchSize): share the XML stacks and the text with other readers
   * used one at a time (core/xml/scratch.ts); `document` then holds until the next read by any of
   * them.
   */
  constructor(limits: PidfLimits = DEFAULT_PIDF_LIMITS, scratch?: XmlScratch) {
    this.document = new PidfDocument(limits, scratch);
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, ...PIDF_XML_LIMITS }, scratch);
    // Indentation between elements is never kept (element text is trimmed): not worth a token.
    this.xml.skipBlankText = true;
    // Each namespace declaration is matched against the PIDF family once; elements then carry a code.
    this.xml.setNamespaceCodes(PRESENCE_NAMESPACE_CODES);
    const depth = this.xml.limits.maxDepth + 1;
    this.roles = new Uint8Array(depth);
    this.holders = new Int16Array(depth);
    this.textStart = new Int32Array(depth);
  }

  /**
   * Read only what composeEffectivePresence uses: ids, entity, contact URIs, timestamps,
   * place-type and the CIPID texts stay empty. The document is checked exactly as before (the
   * same result codes, errors and positions): only copying and parsing of unused text is left out.
   */
  set composeOnly(on: boolean) {
    this.hasText = on ? COMPOSE_HAS_TEXT : HAS_TEXT;
    this.starts = on ? COMPOSE_STARTS : STARTS;
    this.keepIds = !on;
  }

  /** Reads buf[start, end) into `document`; returns PresenceDocError.None or the failure. */
  read(buf: Uint8Array, start = 0, end = buf.length): PresenceDocError {
    // `var`, declared once: QuickJS gives each let/const a TDZ slot, set again each time its block
    // is entered and checked on each read, and this loop body runs for every token.
    var doc = this.document;
    var xml = this.xml;
    var pool = doc.pool;
    doc.clear();
    xml.reset(buf, start, end);
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    var roles = this.roles;
    var holders = this.holders;
    var textStart = this.textStart;
    var hasText = this.hasText;
    var starts = this.starts;
    var keepIds = this.keepIds;
    // Elements whose text is not kept report neither text nor end tag (XmlReader.quietDepths):
    // ~36 round trips fewer per 3-device document.
    var quiet = xml.quietDepths;
    roles[0] = Role.Root;
    holders[0] = NO_HOLDER;
    var kind = 0, depth = 0, role: Role = Role.Skip, parentRole = 0, holder = 0, key = 0, last = 0;
    var localStart = 0, localLength = 0, k = 0, r = 0, length = 0, i = 0, name: Uint8Array;

    for (kind = xml.next(); kind !== Tok.EndDocument; kind = xml.next()) {
      if (kind === Tok.Start) {
        depth = xml.depth;
        parentRole = roles[depth - 1]!;
        role = Role.Skip;
        if (parentRole !== Role.Skip) {
          // The element's role: the first rule for (parent role, namespace) whose name matches.
          key = parentRole * NS_CODE_COUNT + xml.namespaceCode;
          last = RULES_FROM[key + 1]!;
          localStart = xml.localStart;
          localLength = xml.localEnd - localStart;
          for (k = RULES_FROM[key]!; k < last; k++) {
            r = RULES[k]!;
            length = RULE_NAME_LENGTH[r]!;
            if (length >= 0) {
              if (length !== localLength || buf[localStart] !== RULE_NAME_FIRST[r]) continue;
              // The first byte is equal: compare from the second.
              name = RULE_NAME[r]!;
              i = 1;
              if (length > 1) while (buf[localStart + i] === name[i] && ++i < length);
              if (i !== length) continue;
            }
            role = RULE_ROLE[r]! as Role;
            break;
          }
        }
        if (depth === 1 && role !== Role.Presence) {
          this.errorPosition = xml.nameStart;
          return PresenceDocError.WrongRoot;
        }
        if (role === Role.Skip) {
          if (xml.attributeCount > 0 && this.mustUnderstand()) doc.mustUnderstandSkipped++;
          roles[depth] = Role.Skip;
          quiet[depth] = 1;
          continue;
        }
        holder = holders[depth - 1]!;
        if (role === Role.Tuple) {
          holder = this.startTuple();
          if (holder === NO_HOLDER) role = Role.Skip;
        } else if (role === Role.Person) {
          if (doc.hasPerson) { doc.dropped++; role = Role.Skip; holder = NO_HOLDER; } else {
            doc.hasPerson = true;
            holder = NOTE_OF_PERSON;
            if (keepIds) this.readId(doc.person.id);
          }
        } else if (role === Role.Presence && keepIds) {
          i = xml.findAttribute(ATTR_ENTITY, null);
          if (i >= 0) this.setFromAttribute(doc.entity, i);
        }
        roles[depth] = role;
        quiet[depth] = hasText[role]! ^ 1;
        holders[depth] = holder;
        textStart[depth] = pool.used;
        if (starts[role] === 1) this.onStart(role, holder, buf);
        continue;
      }
      if (kind === Tok.End) {
        depth = xml.depth;
        role = roles[depth]! as Role;
        if (hasText[role] === 1) this.onTextEnd(role, holders[depth]!, textStart[depth]!, pool.used);
        continue;
      }
      if (kind === Tok.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return PresenceDocError.Xml;
      }
      // Text under an element whose text is kept (one table look-up decides).
      if ((kind === Tok.Text || kind === Tok.CData) && hasText[roles[xml.depth]!] === 1) {
        i = xml.decodeText(pool.bytes, pool.used);
        if (i < 0) pool.overflowed = true; else pool.used = i;
      }
    }
    return PresenceDocError.None;
  }

  private mustUnderstand(): boolean {
    const xml = this.xml;
    const i = xml.findAttribute(ATTR_MUST_UNDERSTAND, NS_PIDF);
    if (i < 0) return false;
    const buf = xml.buffer;
    const s = xml.attrValueStartAt(i);
    const e = xml.attrValueEndAt(i);
    return bytesEqual(buf, s, e, ONE) || bytesEqual(buf, s, e, TRUE);
  }

  // The per-element helpers below declare their locals with `var` (see read()).
  private startTuple(): number {
    var doc = this.document;
    if (doc.tupleCount >= doc.limits.maxTuples) { doc.dropped++; return NO_HOLDER; }
    var index = doc.tupleCount++;
    if (this.keepIds) this.readId(doc.tuples[index]!.id);
    return index;
  }

  private readId(span: Span): void {
    var i = this.xml.findAttribute(ATTR_ID, null);
    if (i >= 0) this.setFromAttribute(span, i);
  }

  private setFromAttribute(span: Span, attribute: number): void {
    var pool = this.document.pool;
    var at = pool.appendAttribute(this.xml, attribute);
    if (at >= 0) span.set(pool.trimmedStart(at, pool.used), pool.trimmedEnd(at, pool.used));
  }

  /** The RFC 3339 attribute `name` into this.time[0] (NaN when absent or invalid). */
  private attributeTime(name: Uint8Array, buf: Uint8Array): void {
    var xml = this.xml;
    var i = xml.findAttribute(name, null);
    if (i < 0) { this.time[0] = NaN; return; }
    var s = xml.attrValueStartAt(i);
    var e = xml.attrValueEndAt(i);
    while (s < e && (buf[s] === 0x20 || buf[s] === 0x0a || buf[s] === 0x09 || buf[s] === 0x0d)) s++;
    while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x0a || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
    parseRfc3339Into(buf, s, e, this.time, 0);
  }

  private onStart(role: Role, holderIndex: number, buf: Uint8Array): void {
    var xml = this.xml;
    var doc = this.document;
    var holder = holderIndex >= 0 ? doc.tuples[holderIndex] : holderIndex === NOTE_OF_PERSON ? doc.person : undefined;
    switch (role) {
      case Role.Contact: {
        if (holder === undefined) return;
        var i = xml.findAttribute(ATTR_PRIORITY, null);
        if (i >= 0) holder.priority = parseQValue(buf, xml.attrValueStartAt(i), xml.attrValueEndAt(i));
        return;
      }
      case Role.Note: {
        if (doc.noteCount >= doc.limits.maxNotes) { doc.dropped++; return; }
        var note = doc.notes[doc.noteCount]!;
        note.owner = holderIndex === NO_HOLDER ? NOTE_OF_DOCUMENT : holderIndex;
        note.lang.clear();
        note.text.clear();
        var i = xml.findAttribute(ATTR_LANG, XML_NAMESPACE_URI);
        // The lang goes into the pool before the text; the text span starts after it.
        if (i >= 0) this.setFromAttribute(note.lang, i);
        this.textStart[xml.depth] = doc.pool.used;
        return;
      }
      case Role.Activities:
        if (holder === undefined) return;
        this.attributeTime(ATTR_FROM, buf);
        holder.activitiesFromMs = this.time[0]!;
        this.attributeTime(ATTR_UNTIL, buf);
        holder.activitiesUntilMs = this.time[0]!;
        return;
      case Role.ActivityValue: {
        var code = activityCode(buf, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE) holder.activities |= 1 << code;
        return;
      }
      case Role.MoodValue: {
        var code = moodCode(buf, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE && holder.mood === NO_VALUE) holder.mood = code;
        return;
      }
      case Role.PrivacyValue: {
        var code = privacyCode(buf, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE) holder.privacy |= 1 << code;
        return;
      }
      case Role.PlaceTypeValue: {
        if (holder === undefined || !holder.placeType.isEmpty) return;
        var pool = doc.pool;
        var at = pool.appendBytes(buf, xml.localStart, xml.localEnd);
        if (at >= 0) holder.placeType.set(at, pool.used);
        return;
      }
      default:
        return;
    }
  }

  private onTextEnd(role: Role, holderIndex: number, start: number, end: number): void {
    var doc = this.document;
    var pool = doc.pool;
    var s = pool.trimmedStart(start, end);
    var e = pool.trimmedEnd(s, end);
    var holder = holderIndex >= 0 ? doc.tuples[holderIndex] : holderIndex === NOTE_OF_PERSON ? doc.person : undefined;
    switch (role) {
      case Role.Note: {
        // The note slot was claimed in onStart only if there was room.
        var index = doc.noteCount;
        if (index < doc.limits.maxNotes && doc.notes[index]!.owner === (holderIndex === NO_HOLDER ? NOTE_OF_DOCUMENT : holderIndex)) {
          doc.notes[index]!.text.set(s, e);
          doc.noteCount++;
        }
        return;
      }
      case Role.Basic:
        if (holder === undefined) return;
        if (bytesEqual(pool.bytes, s, e, OPEN)) holder.basic = Basic.Open;
        else if (bytesEqual(pool.bytes, s, e, CLOSED)) holder.basic = Basic.Closed;
        return;
      case Role.Contact: holder?.contact.set(s, e); return;
      case Role.Timestamp:
        if (holder === undefined) return;
        holder.timestamp.set(s, e);
        parseRfc3339Into(pool.bytes, s, e, this.time, 0);
        holder.timestampMs = this.time[0]!;
        return;
      case Role.ActivityOther: holder?.activityOther.set(s, e); if (holder) holder.activities |= OTHER_ACTIVITY_BIT; return;
      case Role.MoodOther: holder?.moodOther.set(s, e); if (holder && holder.mood === NO_VALUE) holder.mood = OTHER_MOOD; return;
      case Role.PlaceTypeOther: if (holder?.placeType.isEmpty) holder.placeType.set(s, e); return;
      case Role.DisplayName: holder?.displayName.set(s, e); return;
      case Role.Card: holder?.card.set(s, e); return;
      case Role.Icon: holder?.icon.set(s, e); return;
      case Role.Homepage: holder?.homepage.set(s, e); return;
      case Role.ImStatus: holder?.imStatus.set(s, e); return;
      default: return;
    }
  }
}

const OTHER_ACTIVITY_BIT = 1 << activityCode(ascii('other'), 0, 5);
const OTHER_MOOD = moodCode(ascii('other'), 0, 5);

// Roles whose element text is kept, and roles with work to do at the start tag (onStart), as
// tables: the read loop runs per token, and an interpreter pays for every call and comparison.
const TEXT_ROLES: readonly Role[] = [
  Role.Basic, Role.Contact, Role.Note, Role.Timestamp, Role.ActivityOther, Role.MoodOther, Role.PlaceTypeOther,
  Role.DisplayName, Role.Card, Role.Icon, Role.Homepage, Role.ImStatus,
];
const START_ROLES: readonly Role[] = [Role.Contact, Role.Note, Role.Activities, Role.ActivityValue, Role.MoodValue, Role.PrivacyValue, Role.PlaceTypeValue];
const HAS_TEXT = new Uint8Array(ROLE_COUNT);
for (const r of TEXT_ROLES) HAS_TEXT[r] = 1;
const STARTS = new Uint8Array(ROLE_COUNT);
for (const r of START_ROLES) STARTS[r] = 1;
// What composeEffectivePresence never looks at (composeOnly): contact URIs (the priority is kept),
// timestamps, place-type, CIPID.
const COMPOSE_HAS_TEXT = HAS_TEXT.slice();
for (const r of [Role.Contact, Role.Timestamp, Role.PlaceTypeOther, Role.DisplayName, Role.Card, Role.Icon, Role.Homepage]) COMPOSE_HAS_TEXT[r] = 0;
const COMPOSE_STARTS = STARTS.slice();
COMPOSE_STARTS[Role.PlaceTypeValue] = 0;
// Token numbers as literals in the code (see Role); the check below fails to compile if they drift.
const enum Tok { Error = 0, Start = 1, End = 2, Text = 3, CData = 4, EndDocument = 8 }
void ([XmlToken.Error, XmlToken.StartElement, XmlToken.EndElement, XmlToken.Text, XmlToken.CData, XmlToken.EndDocument] satisfies
  [Tok.Error, Tok.Start, Tok.End, Tok.Text, Tok.CData, Tok.EndDocument]);

// RFC 3261 §25.1: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) → thousandths, -1 if bad.
// `var`: see read().
function parseQValue(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === 0x20) start++;
  while (end > start && buf[end - 1] === 0x20) end--;
  if (start >= end) return -1;
  var first = buf[start]!;
  if (first !== 0x30 && first !== 0x31) return -1;
  var value = (first - 0x30) * 1000;
  if (start + 1 === end) return value;
  if (buf[start + 1] !== 0x2e || end - start > 5) return -1;
  var scale = 100;
  for (var i = start + 2; i < end; i++) {
    var c = buf[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    value += (c - 0x30) * scale;
    scale /= 10;
  }
  return value > 1000 ? -1 : value;
}
