// The two bodies a simulated phone publishes and reads: its presence as PIDF + RPID (RFC 3863,
// RFC 4480) and its call as RFC 4235 dialog-info. Written and read with the core's own writer and
// reader, so the simulator exercises the same code a device runs.
//
// Own presence → PIDF (what a watcher's phone shows):
//   available      <basic>open</basic>
//   away           open + <rpid:away/>
//   busy           open + <rpid:busy/>
//   dnd            open + <rpid:busy/> + <rpid:other>do-not-disturb</rpid:other>: RPID has no DND
//                  activity, servers carry it as busy (core/indicators/input.ts), the `other`
//                  text lets a phone that knows tell it apart
//   offline        <basic>closed</basic>
//   + on a call    <rpid:on-the-phone/> (only where no dialog package is available, see ua-link.ts)
import { writePidf, type PublishedPerson } from '../../core/presence/documents/pidf-writer.js';
import { PidfReader } from '../../core/presence/documents/pidf-reader.js';
import { composeEffectivePresence, EffectivePresence, PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import type { ActivityName } from '../../core/presence/documents/rpid-vocabulary.js';
import { writeDialogInfo, type PublishedDialog } from '../../core/packages/dialog-info-writer.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { BusyLampTarget, BlfState as DocBlfState } from '../../core/packages/dialog-info-blf.js';
import type { BlfState, PresenceStatus } from '../../core/indicators/input.js';
import type { PresenceValue } from '../../core/keys/commands.js';

export const PIDF_TYPE = 'application/pidf+xml';
export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';
const DND_TEXT = 'do-not-disturb';

/** The simulated call: none, an incoming call ringing, or a call in progress. */
export type CallState = 'idle' | 'ringing' | 'talking';

export interface OwnPresence {
  readonly value: PresenceValue;
  readonly note: string;
  /** Add the on-the-phone activity (for watchers that only see presence). */
  readonly onThePhone: boolean;
}

const ACTIVITIES: Readonly<Record<PresenceValue, readonly ActivityName[]>> = {
  available: [], away: ['away'], busy: ['busy'], dnd: ['busy'], offline: [],
};

export function pidfBody(entity: string, p: OwnPresence): Uint8Array {
  const activities: ActivityName[] = [...ACTIVITIES[p.value]];
  if (p.onThePhone && p.value !== 'offline') activities.push('on-the-phone');
  const person: PublishedPerson = {
    id: 'p1',
    ...(activities.length > 0 ? { activities } : {}),
    ...(p.value === 'dnd' ? { activityOther: DND_TEXT } : {}),
    ...(p.note !== '' ? { note: p.note } : {}),
  };
  const out = new Uint8Array(4096);
  const n = writePidf({
    entity,
    tuples: [{ id: 't1', basic: p.value === 'offline' ? 'closed' : 'open', contact: entity }],
    person,
  }, out);
  if (!n.ok) throw new Error(`PIDF does not fit 4096 bytes (xml error ${n.val})`);
  return out.slice(0, n.val);
}

export interface WatchedPresence {
  readonly status: PresenceStatus;
  readonly note: string;
}

const DISPLAY_STATUS: Readonly<Record<PresenceDisplay, PresenceStatus>> = {
  [PresenceDisplay.Unknown]: 'unknown',
  [PresenceDisplay.Offline]: 'offline',
  [PresenceDisplay.Available]: 'available',
  [PresenceDisplay.Away]: 'away',
  [PresenceDisplay.Busy]: 'busy',
  [PresenceDisplay.OnThePhone]: 'on-the-phone',
  [PresenceDisplay.InMeeting]: 'busy',
};

/** Reads a PIDF NOTIFY body; null when it is not a readable PIDF document. */
export class PresenceBodyReader {
  private readonly reader = new PidfReader();
  private readonly effective = new EffectivePresence();

  read(body: Uint8Array, wallNow: number): WatchedPresence | null {
    if (body.length === 0) return { status: 'unknown', note: '' };
    if (this.reader.read(body, 0, body.length) !== 0) return null;
    const doc = this.reader.document;
    const e = composeEffectivePresence(doc, wallNow, null, this.effective);
    let status = DISPLAY_STATUS[e.state];
    if (status === 'busy' && doc.hasPerson && doc.text(doc.person.activityOther) === DND_TEXT) status = 'dnd';
    const note = e.note >= 0 ? doc.text(doc.notes[e.note]!.text) : '';
    return { status, note };
  }
}

/** The simulated call as RFC 4235 dialogs (none when idle): what the UA's notifier writes per watcher. */
export function simDialogs(entity: string, call: CallState, caller: string): PublishedDialog[] {
  return call === 'idle' ? [] : [{
    id: 'sim-call',
    callId: 'sim-call',
    direction: 'recipient',
    state: call === 'ringing' ? 'early' : 'confirmed',
    local: { identity: entity },
    ...(caller !== '' ? { remote: { identity: caller } } : {}),
  }];
}

/** RFC 4235 §4.1.2: a full document; `version` counts NOTIFYs per subscription from 0. */
export function dialogInfoBody(entity: string, call: CallState, caller: string, version: number): Uint8Array {
  const dialogs = simDialogs(entity, call, caller);
  const out = new Uint8Array(4096);
  const n = writeDialogInfo({ version, state: 'full', entity, dialogs }, out);
  if (!n.ok) throw new Error(`dialog-info does not fit 4096 bytes (xml error ${n.val})`);
  return out.slice(0, n.val);
}

const DOC_BLF: Readonly<Record<DocBlfState, BlfState>> = {
  [DocBlfState.Unknown]: 'unknown',
  [DocBlfState.Idle]: 'idle',
  [DocBlfState.Ringing]: 'ringing',
  [DocBlfState.Dialling]: 'dialling',
  [DocBlfState.Busy]: 'talking',
  [DocBlfState.Held]: 'held',
};

export interface WatchedDialog {
  readonly state: BlfState;
  readonly caller: string;
}

/** One monitored user's dialog state across NOTIFYs (partial documents merge). */
export class DialogBodyReader {
  private readonly reader = new DialogInfoReader();
  private readonly target = new BusyLampTarget();

  newSubscription(): void {
    this.target.newSubscription();
  }

  read(body: Uint8Array): WatchedDialog | null {
    if (body.length === 0) return { state: DOC_BLF[this.target.state], caller: '' };
    if (this.reader.read(body, 0, body.length) !== 0) return null;
    this.target.apply(this.reader.document);
    const caller = this.target.callerDisplay !== '' ? this.target.callerDisplay : this.target.callerIdentity;
    return { state: DOC_BLF[this.target.state], caller };
  }
}
