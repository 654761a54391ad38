// One simulated desk phone: the state a real phone keeps (own presence, the call, the watched
// colleagues, received IMs), driven by key presses and LinkEvents, shown through the same
// IndicatorEngine + IndicatorScheduler a device runs. No I/O and no clock: every method takes
// `now` (ms), the SIP side sits behind a PhoneLink, and changes go out to one listener.
import { IndicatorEngine } from '../../core/indicators/engine.js';
import { IndicatorScheduler } from '../../core/indicators/scheduler.js';
import { initialIndicatorInput, type BlfState, type IndicatorInput, type PresenceStatus } from '../../core/indicators/input.js';
import type { LampState } from '../../core/indicators/frame.js';
import { PRESENCE_TEXT } from '../../core/indicators/status-lines.js';
import { fitPair, fitText, spreadLabels } from '../../core/indicators/text-fit.js';
import { KeyPressTracker } from '../../core/keys/key-press.js';
import { defaultKeyMap, IDLE_SOFT_KEYS } from '../../core/keys/keymap.js';
import type { AppCommand, PresenceValue } from '../../core/keys/commands.js';
import { indicatorLayout, statusTextGrid } from '../../boards/layout.js';
import type { Board } from '../../boards/normalize.js';
import type { CallState } from './documents.js';
import type { LinkEvent, PhoneLink } from './link.js';

export interface BlfKeyConfig {
  /** What the key's label and the display show, e.g. "Bob". */
  readonly label: string;
  readonly uri: string;
}

export interface PhoneConfig {
  /** Short name used in logs and URLs, e.g. "alice". */
  readonly name: string;
  /** Shown on the display's first line, e.g. "Alice". */
  readonly identity: string;
  readonly board: Board;
  readonly blf: readonly BlfKeyConfig[];
  readonly link: PhoneLink;
}

export type PhoneView = 'status' | 'message' | 'contact';

export interface ReceivedIm {
  readonly from: string;
  readonly text: string;
  readonly at: number;
}

/** What the listener hears. `action` is something the user of this phone did. */
export type PhoneChange =
  | { readonly kind: 'lamp'; readonly role: string; readonly state: LampState }
  | { readonly kind: 'display'; readonly lines: readonly string[] }
  /** `visible`: watchers see it (presence, note, call), so their lamps may follow. */
  | { readonly kind: 'action'; readonly text: string; readonly visible: boolean }
  | { readonly kind: 'link'; readonly event: LinkEvent }
  | { readonly kind: 'state' };

/** A watched colleague's lamp from their presence, when their dialog state says nothing more. */
const PRESENCE_BLF: Readonly<Record<PresenceStatus, BlfState>> = {
  available: 'idle',
  away: 'idle',
  busy: 'talking',
  dnd: 'talking',
  'on-the-phone': 'talking',
  offline: 'unknown',
  unknown: 'unknown',
};
/** Dialog states that outrank presence: the line is in use whatever the colleague set. */
const DIALOG_WINS: ReadonlySet<BlfState> = new Set<BlfState>(['ringing', 'dialling', 'talking', 'held', 'parked']);

/** BLF key state from both watched documents (see the tables above). */
export function combinedBlfState(presence: PresenceStatus, dialog: BlfState): BlfState {
  if (DIALOG_WINS.has(dialog)) return dialog;
  const fromPresence = PRESENCE_BLF[presence];
  if (fromPresence === 'unknown' && presence === 'unknown' && dialog === 'idle') return 'idle';
  return fromPresence;
}

interface Watched {
  presence: PresenceStatus;
  note: string;
  dialog: BlfState;
  caller: string;
}

const CONTACT_VIEW_MS = 4000;
const MAX_KEPT_IMS = 50;

export class SimPhone {
  readonly name: string;
  readonly config: PhoneConfig;
  readonly input: IndicatorInput;
  readonly lamps = new Map<string, LampState>();
  presenceValue: PresenceValue = 'available';
  presenceNote = '';
  call: CallState = 'idle';
  caller = '';
  view: PhoneView = 'status';
  /** The BLF key whose colleague IMs go to (a BLF key press selects it). */
  imTarget = 0;
  readonly received: ReceivedIm[] = [];
  readonly watched: Watched[];

  private readonly engine: IndicatorEngine;
  private readonly scheduler: IndicatorScheduler;
  private readonly keys: KeyPressTracker;
  private readonly cols: number;
  private readonly rows: number;
  private statusLines: readonly string[] = [];
  private contactKey = 0;
  private viewUntil = Infinity;
  private listener: (phone: SimPhone, change: PhoneChange) => void = () => {};
  private beforeDnd: PresenceValue = 'available';

  constructor(config: PhoneConfig) {
    this.config = config;
    this.name = config.name;
    const grid = statusTextGrid(config.board) ?? { cols: 20, rows: 4 };
    this.cols = grid.cols;
    this.rows = grid.rows;
    const blfKeys = config.board.capabilities.blfKeys;
    this.input = initialIndicatorInput(config.identity, blfKeys);
    this.input.softKeys = IDLE_SOFT_KEYS.map((k) => k.label);
    this.watched = [];
    for (let i = 0; i < blfKeys; i++) {
      const key = config.blf[i];
      if (key !== undefined) (this.input.blf[i] as { label: string }).label = key.label;
      this.watched.push({ presence: 'unknown', note: '', dialog: 'unknown', caller: '' });
    }
    this.engine = new IndicatorEngine(indicatorLayout(config.board));
    this.scheduler = new IndicatorScheduler(
      this.engine,
      { setLamp: (role, state) => { this.lamps.set(role, state); this.emit({ kind: 'lamp', role, state }); } },
      { showLines: (lines) => { this.statusLines = lines; this.showScreen(); } },
      { maxRateHz: config.board.indicators.maxRateHz },
    );
    this.keys = new KeyPressTracker(defaultKeyMap({ blfTargets: config.blf.map((k) => k.uri) }));
  }

  get link(): PhoneLink {
    return this.config.link;
  }

  onChange(listener: (phone: SimPhone, change: PhoneChange) => void): void {
    this.listener = listener;
  }

  /** Starts the link, publishes the initial state and watches every BLF key's colleague. */
  async start(now: () => number): Promise<void> {
    await this.link.start((e) => this.handleLinkEvent(e, now()));
    this.input.presence = this.presenceValue;
    this.link.setPresence(this.ownPresence());
    this.link.setCallState(this.call, this.caller);
    for (const key of this.config.blf) this.link.watch(key.uri);
    this.changed(now());
  }

  // ---- What the user does -------------------------------------------------------------

  press(role: string, now: number): void {
    this.keys.handlePress(role, now);
    this.runKeyActions(now);
  }

  release(role: string, now: number): void {
    this.keys.handleRelease(role, now);
    this.runKeyActions(now);
  }

  setPresence(value: PresenceValue, now: number): void {
    if (value === 'dnd' && this.presenceValue !== 'dnd') this.beforeDnd = this.presenceValue;
    this.presenceValue = value;
    this.link.setPresence(this.ownPresence());
    this.action(`presence ${value}`, true, now);
  }

  setNote(note: string, now: number): void {
    this.presenceNote = note;
    this.link.setPresence(this.ownPresence());
    this.action(note === '' ? 'note cleared' : `note "${note}"`, true, now);
  }

  /** A simulated incoming call starts ringing. */
  ring(caller: string, now: number): void {
    this.setCall('ringing', caller, now);
  }

  takeCall(now: number): void {
    this.setCall('talking', this.caller, now);
  }

  hangUp(now: number): void {
    this.setCall('idle', '', now);
  }

  /** Sends an IM to the colleague of BLF key `imTarget` (or the given key). */
  sendIm(text: string, now: number, key = this.imTarget): number | string {
    const target = this.config.blf[key];
    if (target === undefined) return `BLF key ${key} watches nobody`;
    if (text.trim() === '') return 'empty message';
    const r = this.link.sendIm(target.uri, text);
    if (typeof r === 'number') this.action(`IM to ${target.label}: "${text}"`, false, now);
    return r;
  }

  /** Marks every IM read and goes back to the status screen (the Messages key, or a click on the display). */
  readMessages(now: number): void {
    this.input.unreadIm = 0;
    this.setView('status', now);
    this.changed(now);
  }

  // ---- The host loop ------------------------------------------------------------------

  /** Call at nextDeadline() (or more often): long presses, view timeouts, lamp frames. */
  tick(now: number): void {
    this.keys.handleTimeout(now);
    this.runKeyActions(now);
    if (now >= this.viewUntil) this.setView('status', now);
    this.scheduler.poll(now);
  }

  nextDeadline(): number {
    let next = this.viewUntil;
    const s = this.scheduler.pollTimeout();
    if (s >= 0 && s < next) next = s;
    const k = this.keys.pollTimeout();
    if (k >= 0 && k < next) next = k;
    return next;
  }

  handleLinkEvent(e: LinkEvent, now: number): void {
    this.emit({ kind: 'link', event: e });
    switch (e.kind) {
      case 'registration':
        this.input.registration = e.state;
        break;
      case 'presence': {
        for (const i of this.keysWatching(e.target)) {
          this.watched[i]!.presence = e.status;
          this.watched[i]!.note = e.note;
        }
        break;
      }
      case 'dialog':
        for (const i of this.keysWatching(e.target)) {
          this.watched[i]!.dialog = e.state;
          this.watched[i]!.caller = e.caller;
        }
        break;
      case 'watch-lost':
        for (const i of this.keysWatching(e.target)) {
          if (e.event === 'presence') this.watched[i]!.presence = 'unknown';
          else this.watched[i]!.dialog = 'unknown';
        }
        break;
      case 'im':
        this.received.push({ from: this.labelOf(e.from), text: e.text, at: now });
        if (this.received.length > MAX_KEPT_IMS) this.received.shift();
        this.input.unreadIm++;
        this.setView('message', now);
        break;
      case 'im-status':
      case 'note':
        return;
    }
    this.changed(now);
  }

  // ---- What the page and the terminal draw --------------------------------------------

  /** The display as it is now: the status screen, or the message / contact view over it. */
  screen(): string[] {
    const cols = this.cols;
    const soft = spreadLabels(this.input.softKeys, cols);
    if (this.view === 'message' && this.received.length > 0) {
      const im = this.received[this.received.length - 1]!;
      const body = wrap(im.text, cols, this.rows - 2);
      return [fitPair(`IM ${im.from}`, `${this.input.unreadIm} new`, cols), ...body, soft].slice(0, this.rows);
    }
    if (this.view === 'contact') {
      const key = this.config.blf[this.contactKey];
      const w = this.watched[this.contactKey]!;
      const lines = [
        fitPair(key?.label ?? `Key ${this.contactKey + 1}`, this.contactKey === this.imTarget ? 'IM>' : '', cols),
        fitText(w.note === '' ? PRESENCE_TEXT[w.presence] : `${PRESENCE_TEXT[w.presence]}: ${w.note}`, cols),
        fitText(`Line: ${w.dialog}${w.caller !== '' ? ` ${w.caller}` : ''}`, cols),
        soft,
      ];
      return lines.slice(0, this.rows);
    }
    return this.statusLines.length > 0 ? [...this.statusLines] : [];
  }

  /** One plain object with everything the page shows. */
  snapshot(now: number): PhoneSnapshot {
    const lamps: Record<string, LampState> = {};
    for (const [role, state] of this.lamps) lamps[role] = state;
    return {
      name: this.name,
      identity: this.input.identity,
      aor: this.link.aor,
      at: now,
      lamps,
      lines: this.screen(),
      softKeys: [...this.input.softKeys],
      presence: this.presenceValue,
      note: this.presenceNote,
      call: this.call,
      registration: this.input.registration,
      unreadIm: this.input.unreadIm,
      view: this.view,
      imTarget: this.imTarget,
      blf: this.config.blf.map((k, i) => ({
        index: i, label: k.label, uri: k.uri, state: this.input.blf[i]!.state, presence: this.watched[i]!.presence,
      })),
      received: this.received.slice(-10),
    };
  }

  // ---- Inside ---------------------------------------------------------------------------

  private ownPresence(): { value: PresenceValue; note: string; onThePhone: boolean } {
    return { value: this.presenceValue, note: this.presenceNote, onThePhone: this.call === 'talking' };
  }

  private setCall(call: CallState, caller: string, now: number): void {
    if (call === this.call && caller === this.caller) return;
    const was = this.call;
    this.call = call;
    this.caller = caller;
    this.link.setCallState(call, caller);
    // Presence-only watchers (a server without a dialog package) see the call as on-the-phone.
    if ((was === 'talking') !== (call === 'talking')) this.link.setPresence(this.ownPresence());
    this.action(call === 'idle' ? 'hung up' : call === 'ringing' ? `call ringing${caller !== '' ? ` from ${caller}` : ''}` : 'call taken', true, now);
  }

  private runKeyActions(now: number): void {
    for (let a = this.keys.pollAction(); a !== null; a = this.keys.pollAction()) this.runCommand(a.command, now);
  }

  private runCommand(c: AppCommand, now: number): void {
    switch (c.kind) {
      case 'toggle-dnd':
        this.setPresence(this.presenceValue === 'dnd' ? this.beforeDnd : 'dnd', now);
        return;
      case 'set-presence':
        this.setPresence(c.value, now);
        return;
      case 'cycle-presence': {
        const i = c.values.indexOf(this.presenceValue);
        this.setPresence(c.values[(i + 1) % c.values.length] ?? c.values[0]!, now);
        return;
      }
      case 'open-conversation':
      case 'show-contact': {
        const key = this.config.blf.findIndex((k) => k.uri === c.target);
        if (key < 0) return;
        if (c.kind === 'open-conversation') this.imTarget = key;
        this.contactKey = key;
        this.setView('contact', now);
        this.changed(now);
        return;
      }
      case 'open-inbox':
        if (this.view === 'message' || this.received.length === 0) this.readMessages(now);
        else { this.input.unreadIm = 0; this.setView('message', now); this.changed(now); }
        return;
      case 'open-voicemail':
        this.emit({ kind: 'action', text: 'voicemail: no voicemail account in the simulator', visible: false });
        return;
    }
  }

  private setView(view: PhoneView, now: number): void {
    this.view = view;
    this.viewUntil = view === 'contact' ? now + CONTACT_VIEW_MS : Infinity;
    this.showScreen();
  }

  private showScreen(): void {
    this.emit({ kind: 'display', lines: this.screen() });
  }

  private action(text: string, visible: boolean, now: number): void {
    this.emit({ kind: 'action', text, visible });
    this.changed(now);
  }

  /** Recompute the BLF key inputs and hand the input to the scheduler. */
  private changed(now: number): void {
    this.input.presence = this.presenceValue;
    this.input.presenceNote = this.presenceNote;
    for (let i = 0; i < this.watched.length; i++) {
      const w = this.watched[i]!;
      const key = this.input.blf[i] as { state: BlfState; caller: string };
      key.state = this.config.blf[i] === undefined ? 'unknown' : combinedBlfState(w.presence, w.dialog);
      key.caller = w.caller;
    }
    this.scheduler.update(this.input, now);
    this.emit({ kind: 'state' });
  }

  private keysWatching(target: string): number[] {
    const out: number[] = [];
    const want = userHost(target);
    for (let i = 0; i < this.config.blf.length; i++) if (userHost(this.config.blf[i]!.uri) === want) out.push(i);
    return out;
  }

  private labelOf(uri: string): string {
    const want = userHost(uri);
    const key = this.config.blf.find((k) => userHost(k.uri) === want);
    return key !== undefined ? key.label : uri.replace(/^sips?:/, '').replace(/@.*$/, '');
  }

  private emit(change: PhoneChange): void {
    this.listener(this, change);
  }
}

export interface PhoneSnapshot {
  readonly name: string;
  readonly identity: string;
  readonly aor: string;
  readonly at: number;
  readonly lamps: Record<string, LampState>;
  readonly lines: readonly string[];
  readonly softKeys: readonly string[];
  readonly presence: PresenceValue;
  readonly note: string;
  readonly call: CallState;
  readonly registration: string;
  readonly unreadIm: number;
  readonly view: PhoneView;
  readonly imTarget: number;
  readonly blf: readonly { index: number; label: string; uri: string; state: BlfState; presence: PresenceStatus }[];
  readonly received: readonly ReceivedIm[];
}

/** "sip:bob@127.0.0.1:5072;transport=udp" → "bob@127.0.0.1": who, without where-exactly. */
export function userHost(uri: string): string {
  const m = /^sips?:([^@;?>]+@)?\[?([^\]:;?>]+)/i.exec(uri.trim().replace(/^<|>$/g, ''));
  return m === null ? uri : `${(m[1] ?? '').toLowerCase()}${m[2]!.toLowerCase()}`;
}

/** Words over `rows` lines of `cols` characters; a word longer than a line is cut. */
export function wrap(text: string, cols: number, rows: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    let w = word;
    while (w.length > cols) {
      if (line !== '') { lines.push(line); line = ''; }
      lines.push(w.slice(0, cols));
      w = w.slice(cols);
    }
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= cols) line += ` ${w}`;
    else { lines.push(line); line = w; }
  }
  if (line !== '') lines.push(line);
  const out = lines.slice(0, rows).map((l) => fitText(l, cols));
  while (out.length < rows) out.push(fitText('', cols));
  return out;
}
