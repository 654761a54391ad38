// The isComposing status document (RFC 3994 §4, schema §6), Content-Type
// application/im-iscomposing+xml: the peer is (or stopped) writing a message.
//
//   <isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">
//     <state>active|idle</state>            required
//     <lastactive>date-time</lastactive>    optional, RFC 3339
//     <contenttype>type[/subtype]</contenttype>  optional ("text/plain", or a top-level "audio")
//     <refresh>positive integer</refresh>   optional, seconds; only meaningful with "active"
//     ##other elements                      ignored
//   </isComposing>
//
// The reader is bounded (core/xml limits, fixed scratch buffers) and never throws. Only the
// required <state> fails a document; a bad optional field is dropped and flagged in `warnings`,
// because a typing indicator is advisory and a peer's sloppy timestamp should not hide it.
import { XmlReader, XmlToken, XmlError } from '../xml/reader.js';
import { XmlWriter } from '../xml/writer.js';
import { ascii, bytesEqual, bytesEqualIgnoreCase, parseDecimal, trimEnd, trimStart, utf8ToString } from '../xml/bytes.js';
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';
import { formatRfc3339, parseRfc3339 } from './datetime.js';

export const NS_ISCOMPOSING = 'urn:ietf:params:xml:ns:im-iscomposing';
const NS_ISCOMPOSING_BYTES = ascii(NS_ISCOMPOSING);

export const ISC_OK = 0;
/** The XML itself is bad: see xmlError and errorPosition. */
export const E_ISC_XML = -831;
/** The root is not {urn:ietf:params:xml:ns:im-iscomposing}isComposing. */
export const E_ISC_WRONG_ROOT = -832;
/** No <state> element (RFC 3994 §6: minOccurs 1). */
export const E_ISC_NO_STATE = -833;
/** <state> is neither "active" nor "idle". */
export const E_ISC_BAD_STATE = -834;
/** Writer: the output buffer is too small (or the XML writer failed). */
export const E_ISC_NO_SPACE = -835;

/** Flags in IsComposingDocument.warnings: optional fields that were present but unusable. */
export const W_ISC_BAD_REFRESH = 1;
export const W_ISC_BAD_LASTACTIVE = 2;
export const W_ISC_CONTENTTYPE_TOO_LONG = 4;

export type ComposingState = 'active' | 'idle';

export interface IsComposingLimits {
  readonly maxBytes: number;
  /** Longest <contenttype> kept, in bytes. */
  readonly maxContentTypeBytes: number;
}
export const DEFAULT_ISCOMPOSING_LIMITS: IsComposingLimits = { maxBytes: 2048, maxContentTypeBytes: 64 };

const ROOT = ascii('isComposing');
const STATE = ascii('state');
const LASTACTIVE = ascii('lastactive');
const CONTENTTYPE = ascii('contenttype');
const REFRESH = ascii('refresh');
const ACTIVE = ascii('active');
const IDLE = ascii('idle');

const FIELD_NONE = 0, FIELD_STATE = 1, FIELD_LASTACTIVE = 2, FIELD_CONTENTTYPE = 3, FIELD_REFRESH = 4;
const FIELD_NAMES: ReadonlyArray<readonly [Uint8Array, number]> = [
  [STATE, FIELD_STATE], [LASTACTIVE, FIELD_LASTACTIVE], [CONTENTTYPE, FIELD_CONTENTTYPE], [REFRESH, FIELD_REFRESH],
];

/** Text fields longer than this (other than contenttype) cannot be valid, so they need no room. */
const SCRATCH_BYTES = 64;

export class IsComposingReader {
  // ---- the last document read (valid after read() returned ISC_OK)
  state: ComposingState = 'idle';
  /** <lastactive> in epoch ms, NaN when absent or unusable. */
  lastActive = NaN;
  /** <refresh> in seconds, -1 when absent or unusable (RFC 3994 §3.3: the receiver then uses 120). */
  refresh = -1;
  /** <contenttype>, '' when absent. */
  contentType = '';
  warnings = 0;

  // ---- the last failure
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;

  private readonly xml: XmlReader;
  private readonly scratch: Uint8Array;
  private scratchUsed = 0;
  private scratchOverflow = false;

  constructor(readonly limits: IsComposingLimits = DEFAULT_ISCOMPOSING_LIMITS) {
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, maxDepth: 8, maxAttributes: 8, maxNamespaces: 8 });
    this.scratch = new Uint8Array(Math.max(SCRATCH_BYTES, limits.maxContentTypeBytes));
  }

  /** Reads buf[start, end); returns ISC_OK or an E_ISC_* code (errorPosition says where). */
  read(buf: Uint8Array, start = 0, end = buf.length): number {
    const xml = this.xml;
    xml.reset(buf, start, end);
    this.state = 'idle';
    this.lastActive = NaN;
    this.refresh = -1;
    this.contentType = '';
    this.warnings = 0;
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    let field = FIELD_NONE;
    let sawState = false;
    for (let kind = xml.next(); kind !== XmlToken.EndDocument; kind = xml.next()) {
      if (kind === XmlToken.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return E_ISC_XML;
      }
      if (kind === XmlToken.StartElement) {
        if (xml.depth === 1) {
          if (!xml.elementIs(NS_ISCOMPOSING_BYTES, ROOT)) { this.errorPosition = xml.nameStart; return E_ISC_WRONG_ROOT; }
          continue;
        }
        if (xml.depth !== 2) continue;
        field = FIELD_NONE;
        if (!xml.namespaceIs(xml.namespace, NS_ISCOMPOSING_BYTES)) continue; // ##other: ignored
        for (let i = 0; i < FIELD_NAMES.length; i++) {
          if (bytesEqual(buf, xml.localStart, xml.localEnd, FIELD_NAMES[i]![0])) field = FIELD_NAMES[i]![1];
        }
        this.scratchUsed = 0;
        this.scratchOverflow = false;
      } else if ((kind === XmlToken.Text || kind === XmlToken.CData) && xml.depth === 2 && field !== FIELD_NONE) {
        const next = xml.decodeText(this.scratch, this.scratchUsed);
        if (next < 0) this.scratchOverflow = true;
        else this.scratchUsed = next;
      } else if (kind === XmlToken.EndElement && xml.depth === 2 && field !== FIELD_NONE) {
        const code = this.finishField(field, xml.nameStart);
        if (code !== ISC_OK) return code;
        if (field === FIELD_STATE) sawState = true;
        field = FIELD_NONE;
      }
    }
    if (!sawState) { this.errorPosition = end; return E_ISC_NO_STATE; }
    return ISC_OK;
  }

  private finishField(field: number, position: number): number {
    const s = this.scratch;
    const start = trimStart(s, 0, this.scratchUsed);
    const end = trimEnd(s, start, this.scratchUsed);
    switch (field) {
      case FIELD_STATE:
        if (!this.scratchOverflow && bytesEqualIgnoreCase(s, start, end, ACTIVE)) this.state = 'active';
        else if (!this.scratchOverflow && bytesEqualIgnoreCase(s, start, end, IDLE)) this.state = 'idle';
        else { this.errorPosition = position; return E_ISC_BAD_STATE; }
        return ISC_OK;
      case FIELD_REFRESH: {
        const seconds = this.scratchOverflow ? -1 : parseDecimal(s, start, end);
        // xs:positiveInteger: zero is not allowed.
        if (seconds > 0) this.refresh = seconds;
        else this.warnings |= W_ISC_BAD_REFRESH;
        return ISC_OK;
      }
      case FIELD_LASTACTIVE: {
        const ms = this.scratchOverflow ? NaN : parseRfc3339(s, start, end);
        if (Number.isNaN(ms)) this.warnings |= W_ISC_BAD_LASTACTIVE;
        else this.lastActive = ms;
        return ISC_OK;
      }
      case FIELD_CONTENTTYPE:
        if (this.scratchOverflow || end - start > this.limits.maxContentTypeBytes) this.warnings |= W_ISC_CONTENTTYPE_TOO_LONG;
        else this.contentType = utf8ToString(s, start, end);
        return ISC_OK;
      default:
        return ISC_OK;
    }
  }
}

export interface IsComposingFields {
  readonly state: ComposingState;
  /** Epoch ms of the last activity (RFC 3994 §3.2: useful with "idle"). */
  readonly lastActive?: number;
  /** What is being composed; RFC 3994 §4 default is text/plain. */
  readonly contentType?: string;
  /** Seconds until the receiver may time "active" out (RFC 3994 §3.2). */
  readonly refresh?: number;
}

const writer = new XmlWriter(4);

/** Writes an isComposing document at out[off, end); returns its length in bytes. */
export function writeIsComposing(out: Uint8Array, off: number, fields: IsComposingFields, end = out.length): Result<number, number> {
  writer.reset(out, off, end)
    .declaration()
    .startElement('isComposing').attribute('xmlns', NS_ISCOMPOSING)
    .element('state', fields.state);
  if (fields.lastActive !== undefined) {
    const stamp = formatRfc3339(fields.lastActive);
    if (stamp !== '') writer.element('lastactive', stamp);
  }
  if (fields.contentType !== undefined && fields.contentType !== '') writer.element('contenttype', fields.contentType);
  if (fields.refresh !== undefined && fields.state === 'active' && fields.refresh > 0) writer.element('refresh', String(Math.floor(fields.refresh)));
  const done = writer.endElement().finish();
  return done.ok ? Ok(done.val - off) : Err(E_ISC_NO_SPACE);
}
