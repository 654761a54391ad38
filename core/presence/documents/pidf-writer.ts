// Writes the PIDF body of our own PUBLISH (RFC 3903) : one tuple for this phone and, when the
// user set an activity/mood/etc., a data-model <person> with RPID and CIPID elements
// (RFC 4479 §3: activities belong to the person, not to the device's tuple).
import { XmlWriter } from '../../xml/writer.js';
import { XmlError } from '../../xml/errors.js';
import type { Result } from '../../result.js';
import type { ActivityName, MoodName, PrivacyName } from './rpid-vocabulary.js';

export interface PublishedTuple {
  readonly id: string;
  readonly basic: 'open' | 'closed';
  readonly contact?: string;
  /** 0..1 (RFC 3863 §4.1.3 priority). */
  readonly priority?: number;
  readonly note?: string;
  readonly noteLang?: string;
  /** RFC 3339 date-time. */
  readonly timestamp?: string;
}

export interface PublishedPerson {
  readonly id: string;
  readonly activities?: readonly ActivityName[];
  /** Text of <rpid:other> inside <activities>. */
  readonly activityOther?: string;
  readonly from?: string;
  readonly until?: string;
  readonly mood?: MoodName;
  /** A location-type value (RFC 4589), e.g. "office", "residence". */
  readonly placeType?: string;
  readonly privacy?: readonly PrivacyName[];
  readonly note?: string;
  readonly noteLang?: string;
  readonly displayName?: string;
  readonly card?: string;
  readonly icon?: string;
  readonly homepage?: string;
  readonly timestamp?: string;
}

export interface PublishedPresence {
  /** pres: or sip: URI of the presentity. */
  readonly entity: string;
  readonly tuples: readonly PublishedTuple[];
  readonly person?: PublishedPerson;
}

function formatPriority(q: number): string {
  const clamped = q < 0 ? 0 : q > 1 ? 1 : q;
  return (Math.round(clamped * 1000) / 1000).toString();
}

function note(w: XmlWriter, name: string, text: string | undefined, lang: string | undefined): void {
  if (text === undefined) return;
  w.startElement(name);
  if (lang !== undefined) w.attribute('xml:lang', lang);
  w.text(text).endElement();
}

/** Writes the document into out[start, end); returns its end offset or an XmlError. */
export function writePidf(doc: PublishedPresence, out: Uint8Array, start = 0, end = out.length, writer = new XmlWriter()): Result<number, XmlError> {
  const w = writer.reset(out, start, end);
  const p = doc.person;
  w.declaration().startElement('presence')
    .attribute('xmlns', 'urn:ietf:params:xml:ns:pidf');
  if (p !== undefined) {
    w.attribute('xmlns:dm', 'urn:ietf:params:xml:ns:pidf:data-model')
      .attribute('xmlns:rpid', 'urn:ietf:params:xml:ns:pidf:rpid')
      .attribute('xmlns:c', 'urn:ietf:params:xml:ns:pidf:cipid');
    if (p.placeType !== undefined) w.attribute('xmlns:lt', 'urn:ietf:params:xml:ns:location-type');
  }
  w.attribute('entity', doc.entity);

  for (let i = 0; i < doc.tuples.length; i++) {
    const t = doc.tuples[i]!;
    w.startElement('tuple').attribute('id', t.id)
      .startElement('status').element('basic', t.basic).endElement();
    if (t.contact !== undefined) {
      w.startElement('contact');
      if (t.priority !== undefined) w.attribute('priority', formatPriority(t.priority));
      w.text(t.contact).endElement();
    }
    note(w, 'note', t.note, t.noteLang);
    if (t.timestamp !== undefined) w.element('timestamp', t.timestamp);
    w.endElement();
  }

  if (p !== undefined) {
    w.startElement('dm:person').attribute('id', p.id);
    if ((p.activities !== undefined && p.activities.length > 0) || p.activityOther !== undefined) {
      w.startElement('rpid:activities');
      if (p.from !== undefined) w.attribute('from', p.from);
      if (p.until !== undefined) w.attribute('until', p.until);
      const activities = p.activities ?? [];
      for (let i = 0; i < activities.length; i++) {
        if (activities[i] !== 'other') w.startElement(`rpid:${activities[i]}`).endElement();
      }
      if (p.activityOther !== undefined) w.element('rpid:other', p.activityOther);
      w.endElement();
    }
    if (p.mood !== undefined) w.startElement('rpid:mood').startElement(`rpid:${p.mood}`).endElement().endElement();
    if (p.placeType !== undefined) w.startElement('rpid:place-type').startElement(`lt:${p.placeType}`).endElement().endElement();
    if (p.privacy !== undefined && p.privacy.length > 0) {
      w.startElement('rpid:privacy');
      for (let i = 0; i < p.privacy.length; i++) w.startElement(`rpid:${p.privacy[i]}`).endElement();
      w.endElement();
    }
    if (p.displayName !== undefined) w.element('c:display-name', p.displayName);
    if (p.card !== undefined) w.element('c:card', p.card);
    if (p.icon !== undefined) w.element('c:icon', p.icon);
    if (p.homepage !== undefined) w.element('c:homepage', p.homepage);
    note(w, 'dm:note', p.note, p.noteLang);
    if (p.timestamp !== undefined) w.element('dm:timestamp', p.timestamp);
    w.endElement();
  }
  w.endElement();
  return w.finish();
}
