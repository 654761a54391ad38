// Reads an RFC 4235 dialog-info document (the "dialog" event package, used for busy-lamp
// keys) into a bounded, preallocated model. Text is kept as spans into a TextPool.
//
//   <dialog-info version="N" state="full|partial" entity="uri">       (§4.1)
//     <dialog id=".." call-id local-tag remote-tag direction="initiator|recipient">  (§4.1.1)
//       <state event code>trying|proceeding|early|confirmed|terminated</state>   (§4.1.3)
//       <local>/<remote>  <identity display="..">uri</identity>                 (§4.1.6.1)
//                         <target uri=".."><param pname pval/></target>         (§4.1.6.2)
import { XmlReader, XmlToken, XmlError } from '../xml/reader.js';
import type { XmlScratch, XmlScratchSize } from '../xml/scratch.js';
import { ascii, bytesEqual, parseDecimal } from '../xml/bytes.js';
import { NS_DIALOG_INFO } from '../presence/documents/namespaces.js';
import { PresenceDocError } from '../presence/documents/pidf-reader.js';
import { Span, TextPool } from '../presence/documents/text-pool.js';

export { PresenceDocError } from '../presence/documents/pidf-reader.js';

/** §4.1.3 dialog states (RFC 4235 Figure 3). */
export const DialogState = { Unknown: 0, Trying: 1, Proceeding: 2, Early: 3, Confirmed: 4, Terminated: 5 } as const;
export type DialogState = typeof DialogState[keyof typeof DialogState];
const STATE_NAMES: ReadonlyArray<readonly [Uint8Array, DialogState]> = [
  [ascii('trying'), DialogState.Trying], [ascii('proceeding'), DialogState.Proceeding], [ascii('early'), DialogState.Early],
  [ascii('confirmed'), DialogState.Confirmed], [ascii('terminated'), DialogState.Terminated],
];

/** §4.1.1 direction: initiator = the observed user sent the INVITE. */
export const DialogDirection = { Unknown: 0, Initiator: 1, Recipient: 2 } as const;
export type DialogDirection = typeof DialogDirection[keyof typeof DialogDirection];

export class DialogParticipant {
  readonly identity = new Span();
  readonly display = new Span();
  readonly target = new Span();
  /** A target param +sip.rendering="no" (RFC 3840 §9; RFC 4235 §6.2): this side holds the media. */
  renderingNo = false;
  clear(): void {
    this.identity.clear();
    this.display.clear();
    this.target.clear();
    this.renderingNo = false;
  }
}

export class DialogEntry {
  readonly id = new Span();
  readonly callId = new Span();
  readonly localTag = new Span();
  readonly remoteTag = new Span();
  direction: DialogDirection = DialogDirection.Unknown;
  state: DialogState = DialogState.Unknown;
  /** <state event=".."> (e.g. "rejected", "replaced") and code=".." (-1 when absent). */
  readonly stateEvent = new Span();
  stateCode = -1;
  readonly local = new DialogParticipant();
  readonly remote = new DialogParticipant();
  clear(): void {
    this.id.clear();
    this.callId.clear();
    this.localTag.clear();
    this.remoteTag.clear();
    this.direction = DialogDirection.Unknown;
    this.state = DialogState.Unknown;
    this.stateEvent.clear();
    this.stateCode = -1;
    this.local.clear();
    this.remote.clear();
  }
}

export interface DialogInfoLimits {
  readonly maxDialogs: number;
  readonly textBytes: number;
  readonly maxBytes: number;
}
export const DEFAULT_DIALOG_INFO_LIMITS: DialogInfoLimits = { maxDialogs: 8, textBytes: 4096, maxBytes: 16 * 1024 };

/** The XML nesting a dialog-info reader accepts (RFC 4235 documents are a few levels deep). */
const DIALOG_INFO_XML_LIMITS = { maxDepth: 16, maxAttributes: 16, maxNamespaces: 16 } as const;

/** What an XmlScratch shared with a DialogInfoReader of these limits must hold. */
export function dialogInfoScratchSize(limits: DialogInfoLimits = DEFAULT_DIALOG_INFO_LIMITS): XmlScratchSize {
  return { ...DIALOG_INFO_XML_LIMITS, textBytes: limits.textBytes };
}

export class DialogInfoDocument {
  readonly pool: TextPool;
  /** §4.1.2 version, -1 when missing or not a number. */
  version = -1;
  /** §4.1 state="full" (false = partial). */
  full = true;
  readonly entity = new Span();
  readonly dialogs: readonly DialogEntry[];
  dialogCount = 0;
  /** Dialogs beyond maxDialogs that were skipped. */
  dropped = 0;

  /** `scratch`: the text lives in the shared scratch (valid until the next read by any reader sharing it). */
  constructor(readonly limits: DialogInfoLimits = DEFAULT_DIALOG_INFO_LIMITS, scratch?: XmlScratch) {
    this.pool = new TextPool(limits.textBytes, scratch?.text);
    this.dialogs = Array.from({ length: limits.maxDialogs }, () => new DialogEntry());
  }

  clear(): void {
    this.pool.clear();
    this.version = -1;
    this.full = true;
    this.entity.clear();
    for (let i = 0; i < this.dialogCount; i++) this.dialogs[i]!.clear();
    this.dialogCount = 0;
    this.dropped = 0;
  }

  text(span: Span): string {
    return this.pool.text(span.start, span.end);
  }
}

const Role = { Skip: 0, Root: 1, DialogInfo: 2, Dialog: 3, State: 4, Local: 5, Remote: 6, Identity: 7, Target: 8, Param: 9 } as const;
type Role = typeof Role[keyof typeof Role];

// [parent role, local name, role]; every element is in the dialog-info namespace.
const ROLE_RULES: ReadonlyArray<readonly [Role, Uint8Array, Role]> = [
  [Role.Root, ascii('dialog-info'), Role.DialogInfo],
  [Role.DialogInfo, ascii('dialog'), Role.Dialog],
  [Role.Dialog, ascii('state'), Role.State],
  [Role.Dialog, ascii('local'), Role.Local],
  [Role.Dialog, ascii('remote'), Role.Remote],
  [Role.Local, ascii('identity'), Role.Identity],
  [Role.Remote, ascii('identity'), Role.Identity],
  [Role.Local, ascii('target'), Role.Target],
  [Role.Remote, ascii('target'), Role.Target],
  [Role.Target, ascii('param'), Role.Param],
];

const A_VERSION = ascii('version');
const A_STATE = ascii('state');
const A_ENTITY = ascii('entity');
const A_ID = ascii('id');
const A_CALL_ID = ascii('call-id');
const A_LOCAL_TAG = ascii('local-tag');
const A_REMOTE_TAG = ascii('remote-tag');
const A_DIRECTION = ascii('direction');
const A_EVENT = ascii('event');
const A_CODE = ascii('code');
const A_DISPLAY = ascii('display');
const A_URI = ascii('uri');
const A_PNAME = ascii('pname');
const A_PVAL = ascii('pval');
const PARTIAL = ascii('partial');
const INITIATOR = ascii('initiator');
const RECIPIENT = ascii('recipient');
const SIP_RENDERING = ascii('+sip.rendering');
const NO = ascii('no');
const NO_DIALOG = -1;

export class DialogInfoReader {
  readonly document: DialogInfoDocument;
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;
  private readonly xml: XmlReader;
  private readonly roles: Uint8Array;
  private readonly textStart: Int32Array;
  private dialog = NO_DIALOG;
  private participant: DialogParticipant | undefined;

  /**
   * `scratch` (sized with dialogInfoScratchSize): share the XML stacks and the text with other
   * readers used one at a time (core/xml/scratch.ts); `document` then holds until the next read by
   * any of them.
   */
  constructor(limits: DialogInfoLimits = DEFAULT_DIALOG_INFO_LIMITS, scratch?: XmlScratch) {
    this.document = new DialogInfoDocument(limits, scratch);
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, ...DIALOG_INFO_XML_LIMITS }, scratch);
    this.roles = new Uint8Array(this.xml.limits.maxDepth + 1);
    this.textStart = new Int32Array(this.xml.limits.maxDepth + 1);
  }

  read(buf: Uint8Array, start = 0, end = buf.length): PresenceDocError {
    const doc = this.document;
    const xml = this.xml;
    doc.clear();
    xml.reset(buf, start, end);
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    this.dialog = NO_DIALOG;
    this.participant = undefined;
    this.roles[0] = Role.Root;
    for (let kind = xml.next(); kind !== XmlToken.EndDocument; kind = xml.next()) {
      if (kind === XmlToken.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return PresenceDocError.Xml;
      }
      const depth = xml.depth;
      if (kind === XmlToken.StartElement) {
        const parent = this.roles[depth - 1]! as Role;
        const role = this.roleOf(parent);
        if (depth === 1 && role !== Role.DialogInfo) {
          this.errorPosition = xml.nameStart;
          return PresenceDocError.WrongRoot;
        }
        this.roles[depth] = this.onStart(role);
        this.textStart[depth] = doc.pool.used;
      } else if (kind === XmlToken.EndElement) {
        this.onEnd(this.roles[depth]! as Role, this.textStart[depth]!);
      } else if ((kind === XmlToken.Text || kind === XmlToken.CData)) {
        const role = this.roles[depth]! as Role;
        if (role === Role.State || role === Role.Identity) doc.pool.appendToken(xml);
      }
    }
    return PresenceDocError.None;
  }

  private roleOf(parent: Role): Role {
    if (parent === Role.Skip) return Role.Skip;
    const xml = this.xml;
    if (!xml.namespaceIs(xml.namespace, NS_DIALOG_INFO)) return Role.Skip;
    const count = ROLE_RULES.length;
    for (let r = 0; r < count; r++) {
      const entry = ROLE_RULES[r]!;
      if (entry[0] === parent && bytesEqual(xml.buffer, xml.localStart, xml.localEnd, entry[1])) return entry[2];
    }
    return Role.Skip;
  }

  private attribute(name: Uint8Array, span: Span): void {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    if (i < 0) return;
    const pool = this.document.pool;
    const at = pool.appendAttribute(xml, i);
    if (at >= 0) span.set(pool.trimmedStart(at, pool.used), pool.trimmedEnd(at, pool.used));
  }

  private attributeIs(name: Uint8Array, value: Uint8Array): boolean {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    return i >= 0 && bytesEqual(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i), value);
  }

  private attributeNumber(name: Uint8Array): number {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    return i < 0 ? -1 : parseDecimal(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i));
  }

  private onStart(role: Role): Role {
    const doc = this.document;
    const entry = this.dialog === NO_DIALOG ? undefined : doc.dialogs[this.dialog];
    switch (role) {
      case Role.DialogInfo:
        doc.version = this.attributeNumber(A_VERSION);
        // §4.1: state is required; anything but "partial" is taken as full (the safe choice).
        doc.full = !this.attributeIs(A_STATE, PARTIAL);
        this.attribute(A_ENTITY, doc.entity);
        return role;
      case Role.Dialog: {
        if (doc.dialogCount >= doc.limits.maxDialogs) { doc.dropped++; this.dialog = NO_DIALOG; return Role.Skip; }
        this.dialog = doc.dialogCount++;
        const d = doc.dialogs[this.dialog]!;
        this.attribute(A_ID, d.id);
        this.attribute(A_CALL_ID, d.callId);
        this.attribute(A_LOCAL_TAG, d.localTag);
        this.attribute(A_REMOTE_TAG, d.remoteTag);
        d.direction = this.attributeIs(A_DIRECTION, INITIATOR) ? DialogDirection.Initiator
          : this.attributeIs(A_DIRECTION, RECIPIENT) ? DialogDirection.Recipient : DialogDirection.Unknown;
        return role;
      }
      case Role.State:
        if (entry === undefined) return Role.Skip;
        this.attribute(A_EVENT, entry.stateEvent);
        entry.stateCode = this.attributeNumber(A_CODE);
        return role;
      case Role.Local:
      case Role.Remote:
        if (entry === undefined) return Role.Skip;
        this.participant = role === Role.Local ? entry.local : entry.remote;
        return role;
      case Role.Identity:
        if (this.participant === undefined) return Role.Skip;
        this.attribute(A_DISPLAY, this.participant.display);
        return role;
      case Role.Target:
        if (this.participant === undefined) return Role.Skip;
        this.attribute(A_URI, this.participant.target);
        return role;
      case Role.Param:
        if (this.participant !== undefined && this.attributeIs(A_PNAME, SIP_RENDERING) && this.attributeIs(A_PVAL, NO)) this.participant.renderingNo = true;
        return role;
      default:
        return role;
    }
  }

  private onEnd(role: Role, textStart: number): void {
    const doc = this.document;
    const pool = doc.pool;
    const s = pool.trimmedStart(textStart, pool.used);
    const e = pool.trimmedEnd(s, pool.used);
    switch (role) {
      case Role.State: {
        const entry = doc.dialogs[this.dialog];
        if (entry === undefined) return;
        for (let i = 0; i < STATE_NAMES.length; i++) {
          if (bytesEqual(pool.bytes, s, e, STATE_NAMES[i]![0])) { entry.state = STATE_NAMES[i]![1]; break; }
        }
        return;
      }
      case Role.Identity:
        this.participant?.identity.set(s, e);
        return;
      case Role.Local:
      case Role.Remote:
        this.participant = undefined;
        return;
      case Role.Dialog:
        this.dialog = NO_DIALOG;
        return;
      default:
        return;
    }
  }
}
