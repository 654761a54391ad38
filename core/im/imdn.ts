// Instant Message Disposition Notification (RFC 5438): the CPIM headers that ask for
// notifications, and the message/imdn+xml document that answers them.
//
// Request (§6, §7.1.1), in the CPIM message headers of the IM:
//   NS: imdn <urn:ietf:params:imdn>
//   imdn.Message-ID: 34jk324j                    ; §6.3, unique, >= 32 bits of randomness
//   DateTime: 2006-04-04T12:16:49-05:00          ; §6.3 (RFC 3862 §4.7), copied into the IMDN
//   imdn.Disposition-Notification: positive-delivery, display
//     Disposition-Notification = notification *( "," notification )   (§6.2, §12.1)
//     notification = "positive-delivery" / "negative-delivery" / "display" / "processing" / token
//
// Notification (§7.2, schema §9), a CPIM message with Content-Type message/imdn+xml and
// Content-Disposition: notification:
//   <imdn xmlns="urn:ietf:params:xml:ns:imdn">
//     <message-id/> <datetime/> [<recipient-uri/>] [<original-recipient-uri/>] [<subject/>]
//     ( <delivery-notification><status><delivered/>|<failed/>|<forbidden/>|<error/></status>
//     | <display-notification><status><displayed/>|<forbidden/>|<error/></status>
//     | <processing-notification><status><processed/>|<stored/>|<forbidden/>|<error/></status> )
//   </imdn>
//
// Readers never throw and are bounded (XML limits, a fixed scratch per text field). Writers
// write into the caller's buffer, all or nothing.
import { XmlReader, XmlToken, XmlError } from '../xml/reader.js';
import { XmlWriter } from '../xml/writer.js';
import { ascii, bytesEqual, trimEnd, trimStart, utf8ToString } from '../xml/bytes.js';
import { utf8Encode, utf8Length, utf8Decode } from '../bytes/utf8.js';
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';
import { CpimView } from './cpim.js';
import { parseRfc3339 } from './datetime.js';

export const NS_IMDN_CPIM = 'urn:ietf:params:imdn';
export const NS_IMDN_XML = 'urn:ietf:params:xml:ns:imdn';
const NS_IMDN_XML_BYTES = ascii(NS_IMDN_XML);

export const IMDN_OK = 0;
/** readImdnRequest: the IM asks for no notification (not an error). */
export const IMDN_NOT_REQUESTED = 1;
export const E_IMDN_XML = -841;
export const E_IMDN_WRONG_ROOT = -842;
export const E_IMDN_NO_MESSAGE_ID = -843;
export const E_IMDN_NO_NOTIFICATION = -844;
export const E_IMDN_BAD_STATUS = -845;
export const E_IMDN_NO_DATETIME = -846;
export const E_IMDN_NO_SPACE = -847;
export const E_IMDN_BAD_VALUE = -848;

const NAMES: Readonly<Record<number, string>> = {
  [IMDN_OK]: 'IMDN_OK', [IMDN_NOT_REQUESTED]: 'IMDN_NOT_REQUESTED', [E_IMDN_XML]: 'E_IMDN_XML',
  [E_IMDN_WRONG_ROOT]: 'E_IMDN_WRONG_ROOT', [E_IMDN_NO_MESSAGE_ID]: 'E_IMDN_NO_MESSAGE_ID',
  [E_IMDN_NO_NOTIFICATION]: 'E_IMDN_NO_NOTIFICATION', [E_IMDN_BAD_STATUS]: 'E_IMDN_BAD_STATUS',
  [E_IMDN_NO_DATETIME]: 'E_IMDN_NO_DATETIME', [E_IMDN_NO_SPACE]: 'E_IMDN_NO_SPACE', [E_IMDN_BAD_VALUE]: 'E_IMDN_BAD_VALUE',
};
export function imdnErrorName(code: number): string {
  return NAMES[code] ?? `E_IMDN(${code})`;
}

// ---------------------------------------------------------------- Disposition-Notification

export const DISPOSITION_POSITIVE_DELIVERY = 1;
export const DISPOSITION_NEGATIVE_DELIVERY = 2;
export const DISPOSITION_DISPLAY = 4;
export const DISPOSITION_PROCESSING = 8;

const DISPOSITION_TOKENS: ReadonlyArray<readonly [string, number]> = [
  ['positive-delivery', DISPOSITION_POSITIVE_DELIVERY], ['negative-delivery', DISPOSITION_NEGATIVE_DELIVERY],
  ['display', DISPOSITION_DISPLAY], ['processing', DISPOSITION_PROCESSING],
];

/** Flags of a Disposition-Notification value; unknown tokens are ignored (§6.2 extensibility). */
export function parseDispositions(buf: Uint8Array, off: number, len: number): number {
  let flags = 0;
  const end = off + len;
  let p = off;
  while (p < end) {
    while (p < end && (buf[p] === 0x20 || buf[p] === 0x09 || buf[p] === 0x2c)) p++;
    const start = p;
    while (p < end && buf[p] !== 0x2c) p++;
    let e = p;
    while (e > start && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
    for (let i = 0; i < DISPOSITION_TOKENS.length; i++) {
      const [token, flag] = DISPOSITION_TOKENS[i]!;
      if (e - start === token.length && asciiIs(buf, start, token)) flags |= flag;
    }
  }
  return flags;
}

export function formatDispositions(flags: number): string {
  let out = '';
  for (let i = 0; i < DISPOSITION_TOKENS.length; i++) {
    const [token, flag] = DISPOSITION_TOKENS[i]!;
    if (flags & flag) out += (out === '' ? '' : ', ') + token;
  }
  return out;
}

function asciiIs(buf: Uint8Array, off: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = buf[off + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- request, read from a CPIM view

export class ImdnRequest {
  messageId = '';
  /** DateTime exactly as written: the IMDN's <datetime> copies it (§7.2.1.1). */
  dateTimeText = '';
  /** DateTime in epoch ms, NaN when absent or not RFC 3339. */
  dateTime = NaN;
  dispositions = 0;
  /** CPIM From and To values (display name and URI). */
  from = '';
  to = '';
}

function viewValue(view: CpimView, i: number): string {
  return utf8Decode(view.buf, view.valueOff[i]!, view.valueLen[i]!);
}

/**
 * The IMDN request in a parsed CPIM message (see parseCpim). IMDN_NOT_REQUESTED when the IM
 * asks for nothing; E_IMDN_NO_MESSAGE_ID / E_IMDN_NO_DATETIME when it asks but cannot be
 * answered (§6.3: both are mandatory then). `out` is filled as far as possible either way.
 */
export function readImdnRequest(view: CpimView, out: ImdnRequest): number {
  out.messageId = out.dateTimeText = out.from = out.to = '';
  out.dateTime = NaN;
  out.dispositions = 0;
  const from = view.find('From');
  if (from >= 0) out.from = viewValue(view, from);
  const to = view.find('To');
  if (to >= 0) out.to = viewValue(view, to);
  const dt = view.find('DateTime');
  if (dt >= 0) {
    out.dateTimeText = viewValue(view, dt).trim();
    out.dateTime = parseRfc3339(view.buf, view.valueOff[dt]!, view.valueOff[dt]! + view.valueLen[dt]!);
  }
  const ns = view.findNamespace(NS_IMDN_CPIM);
  if (ns < 0) return IMDN_NOT_REQUESTED;
  const prefixOff = view.valueOff[ns]!;
  const prefixLen = view.namespacePrefixLen(ns);
  const id = view.findPrefixed(prefixOff, prefixLen, 'Message-ID');
  if (id >= 0) out.messageId = viewValue(view, id).trim();
  const dn = view.findPrefixed(prefixOff, prefixLen, 'Disposition-Notification');
  if (dn >= 0) out.dispositions = parseDispositions(view.buf, view.valueOff[dn]!, view.valueLen[dn]!);
  if (out.dispositions === 0) return IMDN_NOT_REQUESTED;
  if (out.messageId === '') return E_IMDN_NO_MESSAGE_ID;
  if (out.dateTimeText === '') return E_IMDN_NO_DATETIME;
  return IMDN_OK;
}

// ---------------------------------------------------------------- the notification document

export type ImdnNotificationKind = 'delivery' | 'display' | 'processing';
export type ImdnStatus = 'delivered' | 'failed' | 'forbidden' | 'error' | 'displayed' | 'processed' | 'stored';

/** Statuses each notification may carry (§9 schema). */
export const IMDN_STATUSES: Readonly<Record<ImdnNotificationKind, readonly ImdnStatus[]>> = {
  delivery: ['delivered', 'failed', 'forbidden', 'error'],
  display: ['displayed', 'forbidden', 'error'],
  processing: ['processed', 'stored', 'forbidden', 'error'],
};
const KINDS: readonly ImdnNotificationKind[] = ['delivery', 'display', 'processing'];
const KIND_ELEMENTS = KINDS.map((k) => ascii(`${k}-notification`));
const ALL_STATUSES: readonly ImdnStatus[] = ['delivered', 'failed', 'forbidden', 'error', 'displayed', 'processed', 'stored'];
const STATUS_ELEMENTS = ALL_STATUSES.map(ascii);

const ROOT = ascii('imdn');
const STATUS = ascii('status');
const F_NONE = 0, F_MESSAGE_ID = 1, F_DATETIME = 2, F_RECIPIENT = 3, F_ORIGINAL_RECIPIENT = 4, F_SUBJECT = 5;
const FIELD_ELEMENTS: ReadonlyArray<readonly [Uint8Array, number]> = [
  [ascii('message-id'), F_MESSAGE_ID], [ascii('datetime'), F_DATETIME], [ascii('recipient-uri'), F_RECIPIENT],
  [ascii('original-recipient-uri'), F_ORIGINAL_RECIPIENT], [ascii('subject'), F_SUBJECT],
];

export interface ImdnLimits {
  readonly maxBytes: number;
  /** Longest text field kept (message-id, URIs, subject), in bytes. */
  readonly maxFieldBytes: number;
}
export const DEFAULT_IMDN_LIMITS: ImdnLimits = { maxBytes: 4096, maxFieldBytes: 256 };

export class ImdnReader {
  // ---- the last document read
  messageId = '';
  dateTimeText = '';
  dateTime = NaN;
  recipientUri = '';
  originalRecipientUri = '';
  subject = '';
  kind: ImdnNotificationKind = 'delivery';
  status: ImdnStatus = 'error';
  /** Text fields longer than maxFieldBytes, dropped (left ''). */
  truncatedFields = 0;

  // ---- the last failure
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;

  private readonly xml: XmlReader;
  private readonly scratch: Uint8Array;
  private used = 0;
  private overflow = false;

  constructor(readonly limits: ImdnLimits = DEFAULT_IMDN_LIMITS) {
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, maxDepth: 8, maxAttributes: 8, maxNamespaces: 8 });
    this.scratch = new Uint8Array(limits.maxFieldBytes);
  }

  /** Reads a message/imdn+xml document buf[start, end); IMDN_OK or an E_IMDN_* code. */
  read(buf: Uint8Array, start = 0, end = buf.length): number {
    const xml = this.xml;
    xml.reset(buf, start, end);
    this.messageId = this.dateTimeText = this.recipientUri = this.originalRecipientUri = this.subject = '';
    this.dateTime = NaN;
    this.kind = 'delivery';
    this.status = 'error';
    this.truncatedFields = 0;
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    let field = F_NONE;
    let kindIndex = -1;
    let inStatus = false;
    let statusIndex = -1;
    let statusPosition = -1;
    for (let token = xml.next(); token !== XmlToken.EndDocument; token = xml.next()) {
      if (token === XmlToken.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return E_IMDN_XML;
      }
      if (token === XmlToken.StartElement) {
        const inNs = xml.namespaceIs(xml.namespace, NS_IMDN_XML_BYTES);
        const d = xml.depth;
        if (d === 1) {
          if (!inNs || !bytesEqual(buf, xml.localStart, xml.localEnd, ROOT)) { this.errorPosition = xml.nameStart; return E_IMDN_WRONG_ROOT; }
        } else if (d === 2 && inNs) {
          field = F_NONE;
          for (let i = 0; i < FIELD_ELEMENTS.length; i++) if (bytesEqual(buf, xml.localStart, xml.localEnd, FIELD_ELEMENTS[i]![0])) field = FIELD_ELEMENTS[i]![1];
          this.used = 0;
          this.overflow = false;
          // The first notification element decides; §9 allows exactly one.
          if (kindIndex < 0) for (let i = 0; i < KIND_ELEMENTS.length; i++) if (bytesEqual(buf, xml.localStart, xml.localEnd, KIND_ELEMENTS[i]!)) { kindIndex = i; statusPosition = xml.nameStart; }
        } else if (d === 3 && inNs && kindIndex >= 0 && bytesEqual(buf, xml.localStart, xml.localEnd, STATUS)) {
          inStatus = true;
        } else if (d === 4 && inNs && inStatus && statusIndex < 0) {
          for (let i = 0; i < STATUS_ELEMENTS.length; i++) if (bytesEqual(buf, xml.localStart, xml.localEnd, STATUS_ELEMENTS[i]!)) statusIndex = i;
          if (statusIndex < 0) statusIndex = -2; // an unknown status: remembered as bad
          statusPosition = xml.nameStart;
        }
      } else if ((token === XmlToken.Text || token === XmlToken.CData) && xml.depth === 2 && field !== F_NONE) {
        const next = xml.decodeText(this.scratch, this.used);
        if (next < 0) this.overflow = true;
        else this.used = next;
      } else if (token === XmlToken.EndElement) {
        if (xml.depth === 2 && field !== F_NONE) { this.finishField(field); field = F_NONE; }
        else if (xml.depth === 3) inStatus = false;
      }
    }
    if (this.messageId === '') { this.errorPosition = end; return E_IMDN_NO_MESSAGE_ID; }
    if (kindIndex < 0) { this.errorPosition = end; return E_IMDN_NO_NOTIFICATION; }
    this.kind = KINDS[kindIndex]!;
    const status = statusIndex >= 0 ? ALL_STATUSES[statusIndex]! : null;
    if (status === null || IMDN_STATUSES[this.kind].indexOf(status) < 0) { this.errorPosition = statusPosition; return E_IMDN_BAD_STATUS; }
    this.status = status;
    if (this.dateTimeText === '') { this.errorPosition = end; return E_IMDN_NO_DATETIME; }
    return IMDN_OK;
  }

  private finishField(field: number): void {
    if (this.overflow) { this.truncatedFields++; return; }
    const s = this.scratch;
    const start = trimStart(s, 0, this.used);
    const end = trimEnd(s, start, this.used);
    const text = utf8ToString(s, start, end);
    switch (field) {
      case F_MESSAGE_ID: this.messageId = text; break;
      case F_DATETIME: this.dateTimeText = text; this.dateTime = parseRfc3339(s, start, end); break;
      case F_RECIPIENT: this.recipientUri = text; break;
      case F_ORIGINAL_RECIPIENT: this.originalRecipientUri = text; break;
      case F_SUBJECT: this.subject = text; break;
    }
  }
}

export interface ImdnDocumentFields {
  /** imdn.Message-ID of the IM being answered. */
  readonly messageId: string;
  /** DateTime of the IM being answered, as it was written. */
  readonly dateTime: string;
  readonly recipientUri?: string;
  readonly originalRecipientUri?: string;
  readonly kind: ImdnNotificationKind;
  readonly status: ImdnStatus;
}

const xmlWriter = new XmlWriter(4);

/** Writes a message/imdn+xml document at out[off, end); returns its length. */
export function writeImdnDocument(out: Uint8Array, off: number, fields: ImdnDocumentFields, end = out.length): Result<number, number> {
  if (IMDN_STATUSES[fields.kind].indexOf(fields.status) < 0 || fields.messageId === '' || fields.dateTime === '') return Err(E_IMDN_BAD_VALUE);
  const w = xmlWriter.reset(out, off, end).declaration()
    .startElement('imdn').attribute('xmlns', NS_IMDN_XML)
    .element('message-id', fields.messageId)
    .element('datetime', fields.dateTime);
  if (fields.recipientUri) w.element('recipient-uri', fields.recipientUri);
  if (fields.originalRecipientUri) w.element('original-recipient-uri', fields.originalRecipientUri);
  w.startElement(`${fields.kind}-notification`).startElement('status').startElement(fields.status).endElement().endElement().endElement();
  const done = w.endElement().finish();
  return done.ok ? Ok(done.val - off) : Err(E_IMDN_NO_SPACE);
}

// ---------------------------------------------------------------- CPIM messages

/** One CPIM message: message headers, then the content's MIME headers and content (RFC 3862 §3). */
class CpimOut {
  pos = 0;
  failed = false;
  constructor(readonly out: Uint8Array, off: number) { this.pos = off; }

  /** A header line; CR or LF in it would inject headers, so it fails the message instead. */
  header(name: string, value: string): this {
    if (this.failed) return this;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) { this.failed = true; return this; }
    return this.text(`${name}: ${value}\r\n`);
  }

  text(s: string): this {
    if (this.failed) return this;
    // RFC 3862 §3.2: header values are UTF-8.
    const n = utf8Encode(s, this.out, this.pos);
    if (n < 0) this.failed = true;
    else this.pos += n;
    return this;
  }

  bytes(src: Uint8Array, off: number, len: number): this {
    if (this.failed) return this;
    if (this.pos + len > this.out.length) { this.failed = true; return this; }
    this.out.set(src.subarray(off, off + len), this.pos);
    this.pos += len;
    return this;
  }
}

export interface ImdnRequestMessage {
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  /** RFC 3339 text (formatRfc3339(now) for UTC). */
  readonly dateTime: string;
  readonly dispositions: number;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/**
 * Writes a CPIM-wrapped IM that asks for notifications (§7.1.1) at out[off..]; returns its
 * length. Send it with Content-Type: message/cpim.
 */
export function writeImdnRequestMessage(out: Uint8Array, off: number, m: ImdnRequestMessage): Result<number, number> {
  if (m.messageId === '' || m.dateTime === '') return Err(E_IMDN_BAD_VALUE);
  if (/[\r\n]/.test(m.from + m.to + m.messageId + m.dateTime + m.contentType)) return Err(E_IMDN_BAD_VALUE);
  const w = new CpimOut(out, off)
    .header('From', m.from)
    .header('To', m.to)
    .header('NS', `imdn <${NS_IMDN_CPIM}>`)
    .header('imdn.Message-ID', m.messageId)
    .header('DateTime', m.dateTime);
  if (m.dispositions !== 0) w.header('imdn.Disposition-Notification', formatDispositions(m.dispositions));
  w.text('\r\n').header('Content-Type', m.contentType).header('Content-Length', String(m.content.length)).text('\r\n')
    .bytes(m.content, 0, m.content.length);
  return w.failed ? Err(E_IMDN_NO_SPACE) : Ok(w.pos - off);
}

export interface ImdnNotificationMessage {
  /** The recipient of the original IM (us). */
  readonly from: string;
  /** The sender of the original IM. */
  readonly to: string;
  /** A fresh imdn.Message-ID for the notification itself (§7.2.1.1). */
  readonly messageId: string;
  readonly dateTime: string;
  readonly document: ImdnDocumentFields;
}

const documentScratch = new Uint8Array(DEFAULT_IMDN_LIMITS.maxBytes);

/**
 * Writes the CPIM message carrying a notification (§7.2.1.1, §7.2.1.2): no
 * Disposition-Notification (an IMDN never asks for one), Content-Disposition: notification.
 */
export function writeImdnNotificationMessage(out: Uint8Array, off: number, m: ImdnNotificationMessage): Result<number, number> {
  if (/[\r\n]/.test(m.from + m.to + m.messageId + m.dateTime)) return Err(E_IMDN_BAD_VALUE);
  const doc = writeImdnDocument(documentScratch, 0, m.document);
  if (!doc.ok) return doc;
  const w = new CpimOut(out, off)
    .header('From', m.from)
    .header('To', m.to)
    .header('NS', `imdn <${NS_IMDN_CPIM}>`)
    .header('imdn.Message-ID', m.messageId)
    .header('DateTime', m.dateTime)
    .text('\r\n')
    .header('Content-Type', 'message/imdn+xml')
    .header('Content-Disposition', 'notification')
    .header('Content-Length', String(doc.val))
    .text('\r\n')
    .bytes(documentScratch, 0, doc.val);
  return w.failed ? Err(E_IMDN_NO_SPACE) : Ok(w.pos - off);
}

/** Bytes a request message will take (to size the buffer or pick the transport). */
export function imdnRequestMessageLength(m: ImdnRequestMessage): number {
  let n = 0;
  const line = (name: string, value: string) => { n += utf8Length(name) + 2 + utf8Length(value) + 2; };
  line('From', m.from); line('To', m.to); line('NS', `imdn <${NS_IMDN_CPIM}>`); line('imdn.Message-ID', m.messageId); line('DateTime', m.dateTime);
  if (m.dispositions !== 0) line('imdn.Disposition-Notification', formatDispositions(m.dispositions));
  n += 2;
  line('Content-Type', m.contentType); line('Content-Length', String(m.content.length));
  return n + 2 + m.content.length;
}
