// The PIDF reader as it was before its interpreter-speed rewrite (2026-11), on the reference XML
// reader: an oracle for test/presence-docs/differential.test.ts. Not used by core/.
// Reads a PIDF document (RFC 3863) with RPID (RFC 4480), CIPID (RFC 4482) and data-model
// (RFC 4479) extensions into a preallocated PidfDocument. Each element gets a role from its
// parent's role, its namespace and its local name (the ROLE_RULES table); unknown elements and
// everything under them are skipped (RFC 3863 §4.1.7: ignore what is not understood).
import { XmlReader, XmlToken } from '../xml/reference-reader.js';
import { XmlError } from '../../core/xml/errors.js';
import { ascii, bytesEqual } from '../../core/xml/bytes.js';
import { Ns, NS_PIDF, namespaceCode } from '../../core/presence/documents/namespaces.js';
import { Basic, DEFAULT_PIDF_LIMITS, NOTE_OF_DOCUMENT, NOTE_OF_PERSON, PidfDocument, PresenceHolder, type PidfLimits } from '../../core/presence/documents/pidf-model.js';
import { activityCode, moodCode, privacyCode, NO_VALUE } from '../../core/presence/documents/rpid-vocabulary.js';
import { parseRfc3339Into } from '../../core/presence/documents/timestamp.js';
import type { Span } from '../../core/presence/documents/text-pool.js';

export const PresenceDocError = {
  None: 0,
  /** Not well-formed XML or over an XML limit: see xmlError / errorPosition. */
  Xml: 1,
  /** The root element is not the expected one (e.g. not {urn:ietf:params:xml:ns:pidf}presence). */
  WrongRoot: 2,
} as const;
export type PresenceDocError = typeof PresenceDocError[keyof typeof PresenceDocError];

const Role = {
  Skip: 0, Root: 1, Presence: 2, Tuple: 3, Status: 4, Basic: 5, Contact: 6, Note: 7, Timestamp: 8,
  Person: 9, Activities: 10, ActivityValue: 11, ActivityOther: 12, Mood: 13, MoodValue: 14, MoodOther: 15,
  PlaceType: 16, PlaceTypeValue: 17, PlaceTypeOther: 18, Privacy: 19, PrivacyValue: 20,
  DisplayName: 21, Card: 22, Icon: 23, Homepage: 24, ImStatus: 25,
} as const;
type Role = typeof Role[keyof typeof Role];

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
// The rules that apply under each parent role, in table order: an element is matched against
// a handful of rules, not all of them (in an interpreter each rule looked at is paid for).
const ROLE_COUNT = Math.max(...Object.values(Role)) + 1;
const RULES_FROM = new Uint8Array(ROLE_COUNT + 1);
const RULES_BY_PARENT = new Uint8Array(ROLE_RULES.reduce((n, [parents]) => n + parents.length, 0));
{
  let at = 0;
  for (let parent = 0; parent < ROLE_COUNT; parent++) {
    RULES_FROM[parent] = at;
    for (let r = 0; r < RULE_COUNT; r++) if ((RULE_PARENTS[r]! & (1 << parent)) !== 0) RULES_BY_PARENT[at++] = r;
  }
  RULES_FROM[ROLE_COUNT] = at;
}

const ATTR_ENTITY = ascii('entity');
const ATTR_ID = ascii('id');
const ATTR_PRIORITY = ascii('priority');
const ATTR_FROM = ascii('from');
const ATTR_UNTIL = ascii('until');
const ATTR_LANG = ascii('lang');
const XML_NS_URI = ascii('http://www.w3.org/XML/1998/namespace');
const OPEN = ascii('open');
const ATTR_MUST_UNDERSTAND = ascii('mustUnderstand');
const ONE = ascii('1');
const TRUE = ascii('true');
const CLOSED = ascii('closed');

const NO_HOLDER = -3;
const NS_CACHE = 24;

export class PidfReader {
  readonly document: PidfDocument;
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;
  private readonly xml: XmlReader;
  private readonly roles: Uint8Array;
  private readonly holders: Int16Array;
  /** Pool offset where the text of the element at each depth starts. */
  private readonly textStart: Int32Array;
  private readonly nsCacheUri = new Int32Array(NS_CACHE);
  private readonly nsCacheCode = new Int8Array(NS_CACHE);
  /** Where times are parsed to: a double returned from a call would be boxed (one allocation per timestamp). */
  private readonly time = new Float64Array(1);

  constructor(limits: PidfLimits = DEFAULT_PIDF_LIMITS) {
    this.document = new PidfDocument(limits);
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, maxDepth: 24, maxAttributes: 24, maxNamespaces: 24 });
    // Indentation between elements is never kept (element text is trimmed): not worth a token.
    this.xml.skipBlankText = true;
    const depth = this.xml.limits.maxDepth + 1;
    this.roles = new Uint8Array(depth);
    this.holders = new Int16Array(depth);
    this.textStart = new Int32Array(depth);
  }

  /** Reads buf[start, end) into `document`; returns PresenceDocError.None or the failure. */
  read(buf: Uint8Array, start = 0, end = buf.length): PresenceDocError {
    const doc = this.document;
    const xml = this.xml;
    const pool = doc.pool;
    doc.clear();
    xml.reset(buf, start, end);
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    this.nsCacheUri.fill(-1);
    this.roles[0] = Role.Root;
    this.holders[0] = NO_HOLDER;

    const roles = this.roles;
    for (let kind = xml.next(); kind !== END_DOCUMENT; kind = xml.next()) {
      if (kind === TOKEN_ERROR) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return PresenceDocError.Xml;
      }
      const depth = xml.depth;
      if (kind === START_ELEMENT) {
        const parentRole = roles[depth - 1]! as Role;
        const role = parentRole === ROLE_SKIP ? ROLE_SKIP : this.roleOf(parentRole);
        if (depth === 1 && role !== Role.Presence) {
          this.errorPosition = xml.nameStart;
          return PresenceDocError.WrongRoot;
        }
        if (role === ROLE_SKIP && xml.attributeCount > 0 && this.mustUnderstand()) doc.mustUnderstandSkipped++;
        let holder = this.holders[depth - 1]!;
        let effectiveRole: Role = role;
        if (role === Role.Tuple) {
          holder = this.startTuple();
          if (holder === NO_HOLDER) effectiveRole = Role.Skip;
        } else if (role === Role.Person) {
          if (doc.hasPerson) { doc.dropped++; effectiveRole = Role.Skip; holder = NO_HOLDER; } else {
            doc.hasPerson = true;
            holder = NOTE_OF_PERSON;
            this.readId(doc.person.id);
          }
        } else if (role === Role.Presence) {
          const i = xml.findAttribute(ATTR_ENTITY, null);
          if (i >= 0) this.setFromAttribute(doc.entity, i);
        }
        roles[depth] = effectiveRole;
        this.holders[depth] = holder;
        this.textStart[depth] = pool.used;
        if (STARTS[effectiveRole] === 1) this.onStart(effectiveRole, holder);
        continue;
      }
      if (kind === END_ELEMENT) {
        const role = roles[depth]! as Role;
        if (HAS_TEXT[role] === 1) this.onTextEnd(role, this.holders[depth]!, this.textStart[depth]!, pool.used);
        continue;
      }
      // Whitespace between elements is most of the Text tokens: one table look-up decides.
      if ((kind === TEXT || kind === CDATA) && HAS_TEXT[roles[depth]!] === 1) pool.appendToken(xml as never);
    }
    return PresenceDocError.None;
  }

  private roleOf(parentRole: Role): Role {
    const xml = this.xml;
    const ns = this.namespaceCodeOf(xml.namespace);
    const buf = xml.buffer;
    const localStart = xml.localStart;
    const localLength = xml.localEnd - localStart;
    const last = RULES_FROM[parentRole + 1]!;
    for (let k = RULES_FROM[parentRole]!; k < last; k++) {
      const r = RULES_BY_PARENT[k]!;
      const ruleNs = RULE_NS[r]!;
      if (ruleNs !== ANY && ruleNs !== ns) continue;
      const length = RULE_NAME_LENGTH[r]!;
      if (length >= 0) {
        if (length !== localLength) continue;
        const name = RULE_NAME[r]!;
        let i = 0;
        while (i < length && buf[localStart + i] === name[i]) i++;
        if (i !== length) continue;
      }
      return RULE_ROLE[r]! as Role;
    }
    return Role.Skip;
  }

  // Namespace code per binding, cached for the document: a binding is identified by the
  // position of its URI in the input (indices are reused after a scope ends).
  private namespaceCodeOf(ns: number): Ns {
    if (ns < 0 || ns >= NS_CACHE) return namespaceCode(this.xml as never, ns);
    const uriStart = this.xml.namespaceUriStart(ns);
    if (this.nsCacheUri[ns] === uriStart) return this.nsCacheCode[ns]! as Ns;
    const code = namespaceCode(this.xml as never, ns);
    this.nsCacheUri[ns] = uriStart;
    this.nsCacheCode[ns] = code;
    return code;
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

  private holder(index: number): PresenceHolder | undefined {
    if (index === NOTE_OF_PERSON) return this.document.person;
    if (index >= 0) return this.document.tuples[index];
    return undefined;
  }

  private startTuple(): number {
    const doc = this.document;
    if (doc.tupleCount >= doc.limits.maxTuples) { doc.dropped++; return NO_HOLDER; }
    const index = doc.tupleCount++;
    this.readId(doc.tuples[index]!.id);
    return index;
  }

  private readId(span: Span): void {
    const i = this.xml.findAttribute(ATTR_ID, null);
    if (i >= 0) this.setFromAttribute(span, i);
  }

  private setFromAttribute(span: Span, attribute: number): void {
    const pool = this.document.pool;
    const at = pool.appendAttribute(this.xml as never, attribute);
    if (at >= 0) span.set(pool.trimmedStart(at, pool.used), pool.trimmedEnd(at, pool.used));
  }

  /** The RFC 3339 attribute `name` into this.time[0] (NaN when absent or invalid). */
  private attributeTime(name: Uint8Array): void {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    if (i < 0) { this.time[0] = NaN; return; }
    const buf = xml.buffer;
    let s = xml.attrValueStartAt(i);
    let e = xml.attrValueEndAt(i);
    while (s < e && (buf[s] === 0x20 || buf[s] === 0x0a || buf[s] === 0x09 || buf[s] === 0x0d)) s++;
    while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x0a || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
    parseRfc3339Into(buf, s, e, this.time, 0);
  }

  private onStart(role: Role, holderIndex: number): void {
    const xml = this.xml;
    const holder = this.holder(holderIndex);
    const doc = this.document;
    switch (role) {
      case Role.Contact: {
        if (holder === undefined) return;
        const i = xml.findAttribute(ATTR_PRIORITY, null);
        if (i >= 0) holder.priority = parseQValue(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i));
        return;
      }
      case Role.Note: {
        if (doc.noteCount >= doc.limits.maxNotes) { doc.dropped++; return; }
        const note = doc.notes[doc.noteCount]!;
        note.owner = holderIndex === NO_HOLDER ? NOTE_OF_DOCUMENT : holderIndex;
        note.lang.clear();
        note.text.clear();
        const i = xml.findAttribute(ATTR_LANG, XML_NS_URI);
        // The lang goes into the pool before the text; the text span starts after it.
        if (i >= 0) this.setFromAttribute(note.lang, i);
        this.textStart[xml.depth] = doc.pool.used;
        return;
      }
      case Role.Activities:
        if (holder === undefined) return;
        this.attributeTime(ATTR_FROM);
        holder.activitiesFromMs = this.time[0]!;
        this.attributeTime(ATTR_UNTIL);
        holder.activitiesUntilMs = this.time[0]!;
        return;
      case Role.ActivityValue: {
        const code = activityCode(xml.buffer, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE) holder.activities |= 1 << code;
        return;
      }
      case Role.MoodValue: {
        const code = moodCode(xml.buffer, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE && holder.mood === NO_VALUE) holder.mood = code;
        return;
      }
      case Role.PrivacyValue: {
        const code = privacyCode(xml.buffer, xml.localStart, xml.localEnd);
        if (holder !== undefined && code !== NO_VALUE) holder.privacy |= 1 << code;
        return;
      }
      case Role.PlaceTypeValue: {
        if (holder === undefined || !holder.placeType.isEmpty) return;
        const pool = doc.pool;
        const at = pool.appendBytes(xml.buffer, xml.localStart, xml.localEnd);
        if (at >= 0) holder.placeType.set(at, pool.used);
        return;
      }
      default:
        return;
    }
  }

  private onTextEnd(role: Role, holderIndex: number, start: number, end: number): void {
    const doc = this.document;
    const pool = doc.pool;
    const s = pool.trimmedStart(start, end);
    const e = pool.trimmedEnd(s, end);
    const holder = this.holder(holderIndex);
    switch (role) {
      case Role.Note: {
        // The note slot was claimed in onStart only if there was room.
        const index = doc.noteCount;
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
// Token and role numbers as plain constants (a property read each time otherwise, in an interpreter).
const END_DOCUMENT = XmlToken.EndDocument, TOKEN_ERROR = XmlToken.Error, START_ELEMENT = XmlToken.StartElement;
const END_ELEMENT = XmlToken.EndElement, TEXT = XmlToken.Text, CDATA = XmlToken.CData;
const ROLE_SKIP = Role.Skip;

// RFC 3261 §25.1: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) → thousandths, -1 if bad.
function parseQValue(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === 0x20) start++;
  while (end > start && buf[end - 1] === 0x20) end--;
  if (start >= end) return -1;
  const first = buf[start]!;
  if (first !== 0x30 && first !== 0x31) return -1;
  let value = (first - 0x30) * 1000;
  if (start + 1 === end) return value;
  if (buf[start + 1] !== 0x2e || end - start > 5) return -1;
  let scale = 100;
  for (let i = start + 2; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    value += (c - 0x30) * scale;
    scale /= 10;
  }
  return value > 1000 ? -1 : value;
}
