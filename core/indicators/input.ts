// What the indicator engine reads: a plain snapshot of the phone's state that the UA layers
// (registration, presence, dialog/BLF, message-summary, page-mode IM) keep up to date. The engine
// never keeps a reference between calls, so the owner may mutate one object in place and hand
// it in again (that is what the scheduler expects: mutate, then markDirty).

/** Own registration, as the account layer reports it (RFC 3261 §10). */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/**
 * Own presence as the user set it. 'dnd' is its own state here even though RPID (RFC 4480) has
 * no DND activity: servers carry it as `busy` + a note, but the phone shows it differently.
 */
export type PresenceStatus =
  | 'available' | 'away' | 'busy' | 'dnd' | 'on-the-phone' | 'offline' | 'unknown';

/**
 * What one BLF key shows about the user it monitors (see blf-state.ts for the RFC 4235 mapping).
 * 'unknown' means the subscription failed or never produced a NOTIFY; it must not look idle.
 */
export type BlfState = 'idle' | 'ringing' | 'dialling' | 'talking' | 'held' | 'parked' | 'unknown';

export interface BlfKeyInput {
  state: BlfState;
  /** The key's label (the monitored user's name or extension), shown with the caller. */
  label: string;
  /** Who is calling the monitored user while 'ringing' ('' when unknown). */
  caller: string;
}

/** RFC 3842 message-summary for the own voicemail account. */
export interface MessageSummaryInput {
  /** `Messages-Waiting: yes`. */
  waiting: boolean;
  /** `Voice-Message: new/old (urgent-new/urgent-old)`: the new, old and urgent-new counts. */
  newCount: number;
  oldCount: number;
  urgentNew: number;
}

export interface IndicatorInput {
  /** Own display name or number, shown on the first display line. */
  identity: string;
  registration: RegistrationState;
  presence: PresenceStatus;
  /** The PIDF `<note>` (RFC 3863 §4.1.6) the user set; '' for none. */
  presenceNote: string;
  /** One entry per BLF key, index = key number. Keys beyond the array are 'unknown'. */
  blf: readonly BlfKeyInput[];
  messages: MessageSummaryInput;
  /** Unread page-mode IMs (RFC 3428), a local count. */
  unreadIm: number;
  /** Soft-key labels left to right, as the application currently assigns them. */
  softKeys: readonly string[];
}

/** A neutral starting state: unregistered, unknown presence, every key 'unknown'. */
export function initialIndicatorInput(identity: string, blfKeys: number): IndicatorInput {
  const blf: BlfKeyInput[] = [];
  for (let i = 0; i < blfKeys; i++) blf.push({ state: 'unknown', label: `Key ${i + 1}`, caller: '' });
  return {
    identity,
    registration: 'unregistered',
    presence: 'unknown',
    presenceNote: '',
    blf,
    messages: { waiting: false, newCount: 0, oldCount: 0, urgentNew: 0 },
    unreadIm: 0,
    softKeys: [],
  };
}
