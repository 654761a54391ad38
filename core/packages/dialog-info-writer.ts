// Writes an RFC 4235 dialog-info document, for when our own phone is somebody's busy-lamp
// target (the notifier side of the dialog package). Element order follows the §4.1 schema:
// state, duration, replaces, referred-by, route-set, local, remote.
import { XmlWriter } from '../xml/writer.js';
import type { XmlError } from '../xml/errors.js';
import type { Result } from '../result.js';

export type DialogStateName = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

export interface DialogParty {
  readonly identity?: string;
  readonly display?: string;
  readonly target?: string;
  /** Adds <param pname="+sip.rendering" pval="no"/> to the target (the call is on hold). */
  readonly renderingNo?: boolean;
}

export interface PublishedDialog {
  readonly id: string;
  readonly callId?: string;
  readonly localTag?: string;
  readonly remoteTag?: string;
  readonly direction?: 'initiator' | 'recipient';
  readonly state: DialogStateName;
  /** <state event="..."> for terminated dialogs: cancelled, rejected, replaced, local-bye, ... */
  readonly event?: string;
  readonly code?: number;
  readonly local?: DialogParty;
  readonly remote?: DialogParty;
}

export interface PublishedDialogInfo {
  /** §4.1.2: starts at 0 per subscription and goes up by one with each NOTIFY. */
  readonly version: number;
  readonly state: 'full' | 'partial';
  readonly entity: string;
  readonly dialogs: readonly PublishedDialog[];
}

function party(w: XmlWriter, name: string, p: DialogParty | undefined): void {
  if (p === undefined) return;
  w.startElement(name);
  if (p.identity !== undefined) {
    w.startElement('identity');
    if (p.display !== undefined) w.attribute('display', p.display);
    w.text(p.identity).endElement();
  }
  if (p.target !== undefined) {
    w.startElement('target').attribute('uri', p.target);
    if (p.renderingNo) w.startElement('param').attribute('pname', '+sip.rendering').attribute('pval', 'no').endElement();
    w.endElement();
  }
  w.endElement();
}

export function writeDialogInfo(doc: PublishedDialogInfo, out: Uint8Array, start = 0, end = out.length, writer = new XmlWriter()): Result<number, XmlError> {
  const w = writer.reset(out, start, end);
  w.declaration().startElement('dialog-info')
    .attribute('xmlns', 'urn:ietf:params:xml:ns:dialog-info')
    .attribute('version', String(doc.version))
    .attribute('state', doc.state)
    .attribute('entity', doc.entity);
  for (let i = 0; i < doc.dialogs.length; i++) {
    const d = doc.dialogs[i]!;
    w.startElement('dialog').attribute('id', d.id);
    if (d.callId !== undefined) w.attribute('call-id', d.callId);
    if (d.localTag !== undefined) w.attribute('local-tag', d.localTag);
    if (d.remoteTag !== undefined) w.attribute('remote-tag', d.remoteTag);
    if (d.direction !== undefined) w.attribute('direction', d.direction);
    w.startElement('state');
    if (d.event !== undefined) w.attribute('event', d.event);
    if (d.code !== undefined) w.attribute('code', String(d.code));
    w.text(d.state).endElement();
    party(w, 'local', d.local);
    party(w, 'remote', d.remote);
    w.endElement();
  }
  w.endElement();
  return w.finish();
}
