// Reads an RLMI document (application/rlmi+xml, RFC 4662 §5) — the root part of a resource-list
// NOTIFY — into a bounded, preallocated model. Text is kept as spans into a TextPool, so reading
// NOTIFY after NOTIFY allocates nothing.
//
//   <list xmlns="urn:ietf:params:xml:ns:rlmi" uri version fullState [cid]>        (§5.2)
//     <name xml:lang>..</name>*                                                  (§5.2)
//     <resource uri>                                                             (§5.3)
//       <name xml:lang>..</name>*
//       <instance id state="active|pending|terminated" [reason] [cid]/>*        (§5.4)
//     </resource>*
//   </list>
//
// Unlike the PIDF reader, going past a limit is an error here, not a silent drop: a list
// notification with resources missing would make the phone believe they left the list (§5.2:
// in full state, a resource not listed is no longer on it). The caller resubscribes or reports.
import { XmlReader, XmlToken, XmlError } from '../../xml/reader.js';
import { ascii, bytesEqual, bytesEqualIgnoreCase, parseDecimal } from '../../xml/bytes.js';
import { Span, TextPool } from '../documents/text-pool.js';

export const NS_RLMI = ascii('urn:ietf:params:xml:ns:rlmi');

export const RlmiError = {
  None: 0,
  /** Not well-formed XML or over an XML limit: see xmlError / errorPosition. */
  Xml: 1,
  /** The root element is not {urn:ietf:params:xml:ns:rlmi}list. */
  WrongRoot: 2,
  /** <list> without uri, a numeric version or fullState (all required by the §5.2 schema). */
  BadList: 3,
  /** <resource> without uri (§5.3). */
  BadResource: 4,
  /** <instance> without id or with a state other than active/pending/terminated (§5.4). */
  BadInstance: 5,
  TooManyResources: 6,
  TooManyInstances: 7,
  /** The decoded text (URIs, names, ids) did not fit the text pool. */
  TextOverflow: 8,
} as const;
export type RlmiError = typeof RlmiError[keyof typeof RlmiError];

const ERROR_NAMES: readonly string[] = Object.keys(RlmiError);
export function rlmiErrorName(code: number): string {
  return ERROR_NAMES[code] ?? `RlmiError(${code})`;
}

/** §5.4 instance state. */
export const InstanceState = { Unknown: 0, Active: 1, Pending: 2, Terminated: 3 } as const;
export type InstanceState = typeof InstanceState[keyof typeof InstanceState];
const INSTANCE_STATES: ReadonlyArray<readonly [Uint8Array, InstanceState]> = [
  [ascii('active'), InstanceState.Active], [ascii('pending'), InstanceState.Pending], [ascii('terminated'), InstanceState.Terminated],
];

export class RlmiInstance {
  /** Index of the resource this instance belongs to. */
  resource = 0;
  readonly id = new Span();
  state: InstanceState = InstanceState.Unknown;
  /** §5.4 reason (terminated: e.g. "rejected", "noresource"); empty when absent. */
  readonly reason = new Span();
  /** Content-ID of the part carrying the instance's state (RFC 2392 form without "<>"). */
  readonly cid = new Span();
}

export class RlmiResource {
  readonly uri = new Span();
  /** The <name> in the preferred language, else the first one. */
  readonly name = new Span();
  firstInstance = 0;
  instanceCount = 0;
}

export interface RlmiLimits {
  readonly maxResources: number;
  readonly maxInstances: number;
  readonly textBytes: number;
  readonly maxBytes: number;
}
export const DEFAULT_RLMI_LIMITS: RlmiLimits = { maxResources: 32, maxInstances: 48, textBytes: 8192, maxBytes: 32 * 1024 };

export class RlmiDocument {
  readonly pool: TextPool;
  readonly uri = new Span();
  readonly name = new Span();
  /** §5.2 version, -1 before a document was read. */
  version = -1;
  fullState = false;
  readonly resources: readonly RlmiResource[];
  resourceCount = 0;
  readonly instances: readonly RlmiInstance[];
  instanceCount = 0;

  constructor(readonly limits: RlmiLimits = DEFAULT_RLMI_LIMITS) {
    this.pool = new TextPool(limits.textBytes);
    this.resources = Array.from({ length: limits.maxResources }, () => new RlmiResource());
    this.instances = Array.from({ length: limits.maxInstances }, () => new RlmiInstance());
  }

  clear(): void {
    this.pool.clear();
    this.uri.clear();
    this.name.clear();
    this.version = -1;
    this.fullState = false;
    this.resourceCount = 0;
    this.instanceCount = 0;
  }

  /** Display text of a span (allocates: UI and tests only). */
  text(span: Span): string {
    return this.pool.text(span.start, span.end);
  }
}

const Role = { Skip: 0, Root: 1, List: 2, ListName: 3, Resource: 4, ResourceName: 5, Instance: 6 } as const;
type Role = typeof Role[keyof typeof Role];

// [parent role, local name, role]; every element is in the RLMI namespace.
const ROLE_RULES: ReadonlyArray<readonly [Role, Uint8Array, Role]> = [
  [Role.Root, ascii('list'), Role.List],
  [Role.List, ascii('name'), Role.ListName],
  [Role.List, ascii('resource'), Role.Resource],
  [Role.Resource, ascii('name'), Role.ResourceName],
  [Role.Resource, ascii('instance'), Role.Instance],
];

const A_URI = ascii('uri');
const A_VERSION = ascii('version');
const A_FULL_STATE = ascii('fullState');
const A_ID = ascii('id');
const A_STATE = ascii('state');
const A_REASON = ascii('reason');
const A_CID = ascii('cid');
const A_LANG = ascii('lang');
const XML_NS = ascii('http://www.w3.org/XML/1998/namespace');
const TRUE = ascii('true');
const ONE = ascii('1');
const FALSE = ascii('false');
const ZERO = ascii('0');

export class RlmiReader {
  readonly document: RlmiDocument;
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;
  /** Preferred <name> language (e.g. ascii('en')); null: the first name. */
  lang: Uint8Array | null = null;
  private readonly xml: XmlReader;
  private readonly roles: Uint8Array;
  private readonly textStart: Int32Array;
  private resource = -1;
  /** The current name span came from a <name> in the preferred language. */
  private nameIsPreferred = false;
  private nameLangMatches = false;

  constructor(limits: RlmiLimits = DEFAULT_RLMI_LIMITS) {
    this.document = new RlmiDocument(limits);
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, maxDepth: 16, maxAttributes: 16, maxNamespaces: 16 });
    this.roles = new Uint8Array(this.xml.limits.maxDepth + 1);
    this.textStart = new Int32Array(this.xml.limits.maxDepth + 1);
  }

  /** Reads buf[start, end) into `document`; returns RlmiError.None or the failure (with errorPosition). */
  read(buf: Uint8Array, start = 0, end = buf.length): RlmiError {
    const doc = this.document;
    const xml = this.xml;
    const pool = doc.pool;
    doc.clear();
    xml.reset(buf, start, end);
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    this.resource = -1;
    this.roles[0] = Role.Root;
    for (let kind = xml.next(); kind !== XmlToken.EndDocument; kind = xml.next()) {
      if (kind === XmlToken.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return RlmiError.Xml;
      }
      const depth = xml.depth;
      if (kind === XmlToken.StartElement) {
        const role = this.roleOf(this.roles[depth - 1]! as Role);
        if (depth === 1 && role !== Role.List) return this.fail(RlmiError.WrongRoot, xml.nameStart);
        const code = this.onStart(role);
        if (code !== RlmiError.None) return this.fail(pool.overflowed ? RlmiError.TextOverflow : code, xml.nameStart);
        this.roles[depth] = role;
        this.textStart[depth] = pool.used;
      } else if (kind === XmlToken.EndElement) {
        this.onEnd(this.roles[depth]! as Role, this.textStart[depth]!);
      } else if (kind === XmlToken.Text || kind === XmlToken.CData) {
        const role = this.roles[depth]! as Role;
        if (role === Role.ListName || role === Role.ResourceName) pool.appendToken(xml);
      }
    }
    if (pool.overflowed) return this.fail(RlmiError.TextOverflow, end);
    return RlmiError.None;
  }

  private fail(code: RlmiError, position: number): RlmiError {
    this.errorPosition = position;
    return code;
  }

  private roleOf(parent: Role): Role {
    if (parent === Role.Skip) return Role.Skip;
    const xml = this.xml;
    if (!xml.namespaceIs(xml.namespace, NS_RLMI)) return Role.Skip;
    const count = ROLE_RULES.length;
    for (let r = 0; r < count; r++) {
      const rule = ROLE_RULES[r]!;
      if (rule[0] === parent && bytesEqual(xml.buffer, xml.localStart, xml.localEnd, rule[1])) return rule[2];
    }
    return Role.Skip;
  }

  private onStart(role: Role): RlmiError {
    const doc = this.document;
    switch (role) {
      case Role.List: {
        if (!this.attribute(A_URI, doc.uri) || doc.uri.isEmpty) return RlmiError.BadList;
        doc.version = this.number(A_VERSION);
        const full = this.xml.findAttribute(A_FULL_STATE, null);
        if (doc.version < 0 || full < 0) return RlmiError.BadList;
        // xs:boolean: "true" / "1" / "false" / "0".
        if (this.valueIs(full, TRUE) || this.valueIs(full, ONE)) doc.fullState = true;
        else if (this.valueIs(full, FALSE) || this.valueIs(full, ZERO)) doc.fullState = false;
        else return RlmiError.BadList;
        this.nameIsPreferred = false;
        return RlmiError.None;
      }
      case Role.Resource: {
        if (doc.resourceCount >= doc.limits.maxResources) return RlmiError.TooManyResources;
        this.resource = doc.resourceCount++;
        const r = doc.resources[this.resource]!;
        r.name.clear();
        r.firstInstance = doc.instanceCount;
        r.instanceCount = 0;
        if (!this.attribute(A_URI, r.uri) || r.uri.isEmpty) return RlmiError.BadResource;
        this.nameIsPreferred = false;
        return RlmiError.None;
      }
      case Role.ListName:
      case Role.ResourceName:
        this.nameLangMatches = this.langMatches();
        return RlmiError.None;
      case Role.Instance: {
        if (doc.instanceCount >= doc.limits.maxInstances) return RlmiError.TooManyInstances;
        const inst = doc.instances[doc.instanceCount]!;
        inst.resource = this.resource;
        inst.state = InstanceState.Unknown;
        const s = this.xml.findAttribute(A_STATE, null);
        if (s >= 0) {
          for (let i = 0; i < INSTANCE_STATES.length; i++) if (this.valueIs(s, INSTANCE_STATES[i]![0])) inst.state = INSTANCE_STATES[i]![1];
        }
        if (!this.attribute(A_ID, inst.id) || inst.id.isEmpty || inst.state === InstanceState.Unknown) return RlmiError.BadInstance;
        this.attribute(A_REASON, inst.reason);
        this.attribute(A_CID, inst.cid);
        doc.instanceCount++;
        doc.resources[this.resource]!.instanceCount++;
        return RlmiError.None;
      }
      default:
        return RlmiError.None;
    }
  }

  private onEnd(role: Role, textStart: number): void {
    const doc = this.document;
    if (role === Role.Resource) { this.resource = -1; this.nameIsPreferred = false; return; }
    if (role !== Role.ListName && role !== Role.ResourceName) return;
    const target = role === Role.ListName ? doc.name : doc.resources[this.resource]!.name;
    // The first name, replaced once by one in the preferred language (RFC 4662 §5.2: names
    // differ by xml:lang; the display picks one).
    if (this.nameIsPreferred || (!target.isEmpty && !this.nameLangMatches)) return;
    const pool = doc.pool;
    const s = pool.trimmedStart(textStart, pool.used);
    target.set(s, pool.trimmedEnd(s, pool.used));
    this.nameIsPreferred = this.nameLangMatches;
  }

  private langMatches(): boolean {
    const lang = this.lang;
    if (lang === null) return false;
    const i = this.xml.findAttribute(A_LANG, XML_NS);
    return i >= 0 && bytesEqualIgnoreCase(this.xml.buffer, this.xml.attrValueStartAt(i), this.xml.attrValueEndAt(i), lang);
  }

  private valueIs(i: number, literal: Uint8Array): boolean {
    const xml = this.xml;
    return bytesEqual(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i), literal);
  }

  /** Copies the attribute (decoded, trimmed) into the pool; false when absent or the pool is full. */
  private attribute(name: Uint8Array, span: Span): boolean {
    span.clear();
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    if (i < 0) return false;
    const pool = this.document.pool;
    const at = pool.appendAttribute(xml, i);
    if (at < 0) return false;
    // Trim the end from the trimmed start: an all-blank value must give an empty span, not start > end.
    const s = pool.trimmedStart(at, pool.used);
    span.set(s, pool.trimmedEnd(s, pool.used));
    return true;
  }

  private number(name: Uint8Array): number {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    return i < 0 ? -1 : parseDecimal(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i));
  }
}
