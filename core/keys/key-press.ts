// Key presses → commands, telling short from long presses by the timestamps the host passes in
// (no clock here). Same host-loop shape as the rest of the core: feed inputs (handlePress,
// handleRelease, handleTimeout), then drain (pollTimeout tells when to call handleTimeout next,
// pollAction hands out the resulting commands in order).
//
// Each bound key is a tiny state machine; its transitions are the tables below. Keys with a
// long-press command wait to see how long they are held; keys without one act on press.

import type { AppCommand } from './commands.js';
import type { KeyMap } from './keymap.js';

/** One command to carry out, with the key press that caused it. */
export interface KeyAction {
  readonly role: string;
  readonly command: AppCommand;
  /** True when the long-press command fired. */
  readonly long: boolean;
  /** Host time of the press (short, no-long-binding keys) or the moment it became long. */
  readonly at: number;
}

const UP = 0;
const HELD = 1;
/** Held, and the long-press command already fired: the release does nothing. */
const HELD_LONG = 2;

const PRESS = 0;
/** Released before longPressMs. */
const RELEASE_EARLY = 1;
/** Released at or after longPressMs without handleTimeout having seen it yet. */
const RELEASE_LATE = 2;
/** handleTimeout found the key held for at least longPressMs. */
const HELD_PAST_LIMIT = 3;

const NONE = 0;
const SHORT = 1;
const LONG = 2;

type Transition = readonly [next: number, output: number];
/** TABLE[state][event]. A repeated press (terminal or panel auto-repeat) changes nothing. */
type Table = readonly (readonly Transition[])[];

const WITH_LONG_PRESS: Table = [
  /* UP        */ [[HELD, NONE], [UP, NONE], [UP, NONE], [UP, NONE]],
  /* HELD      */ [[HELD, NONE], [UP, SHORT], [UP, LONG], [HELD_LONG, LONG]],
  /* HELD_LONG */ [[HELD_LONG, NONE], [UP, NONE], [UP, NONE], [HELD_LONG, NONE]],
];

const PRESS_ONLY: Table = [
  /* UP        */ [[HELD, SHORT], [UP, NONE], [UP, NONE], [UP, NONE]],
  /* HELD      */ [[HELD, NONE], [UP, NONE], [UP, NONE], [HELD, NONE]],
  /* HELD_LONG */ [[HELD_LONG, NONE], [UP, NONE], [UP, NONE], [HELD_LONG, NONE]],
];

export class KeyPressTracker {
  private map: KeyMap;
  /** Role → index into the per-key arrays (last binding for a role wins). */
  private index = new Map<string, number>();
  private roles: string[] = [];
  private shortCommands: (AppCommand | null)[] = [];
  private longCommands: (AppCommand | null)[] = [];
  private state: Uint8Array = new Uint8Array(0);
  private pressedAt: Float64Array = new Float64Array(0);
  private readonly queue: KeyAction[] = [];
  private readonly queueCapacity: number;
  /** Presses of roles the key map does not bind (for diagnostics). */
  unboundPresses = 0;
  /** Actions dropped because nobody drained pollAction(). */
  droppedActions = 0;

  constructor(map: KeyMap, queueCapacity = 16) {
    this.map = map;
    this.queueCapacity = queueCapacity;
    this.setKeyMap(map);
  }

  get keyMap(): KeyMap {
    return this.map;
  }

  /** Replaces the map (e.g. new BLF targets). Keys held right now are forgotten. */
  setKeyMap(map: KeyMap): void {
    this.map = map;
    this.index = new Map();
    this.roles = [];
    this.shortCommands = [];
    this.longCommands = [];
    for (const b of map.bindings) {
      const existing = this.index.get(b.role);
      const i = existing ?? this.roles.length;
      if (existing === undefined) {
        this.index.set(b.role, i);
        this.roles.push(b.role);
      }
      this.shortCommands[i] = b.press;
      this.longCommands[i] = b.longPress;
    }
    this.state = new Uint8Array(this.roles.length);
    this.pressedAt = new Float64Array(this.roles.length);
  }

  handlePress(role: string, at: number): void {
    const i = this.index.get(role);
    if (i === undefined) {
      this.unboundPresses++;
      return;
    }
    if (this.state[i] === UP) this.pressedAt[i] = at;
    this.step(i, PRESS, at);
  }

  handleRelease(role: string, at: number): void {
    const i = this.index.get(role);
    if (i === undefined) return;
    // A clock that went backwards gives a negative hold time: treat it as a short press.
    const held = at - this.pressedAt[i]!;
    this.step(i, held >= this.map.longPressMs ? RELEASE_LATE : RELEASE_EARLY, this.pressedAt[i]! + this.map.longPressMs);
  }

  handleTimeout(now: number): void {
    const limit = this.map.longPressMs;
    const n = this.roles.length;
    for (let i = 0; i < n; i++) {
      if (this.state[i] === HELD && now - this.pressedAt[i]! >= limit) this.step(i, HELD_PAST_LIMIT, this.pressedAt[i]! + limit);
    }
  }

  /** When a held key turns into a long press, or -1 when no key is waiting for that. */
  pollTimeout(): number {
    let next = -1;
    const n = this.roles.length;
    for (let i = 0; i < n; i++) {
      if (this.state[i] !== HELD || this.longCommands[i] === null) continue;
      const due = this.pressedAt[i]! + this.map.longPressMs;
      if (next < 0 || due < next) next = due;
    }
    return next;
  }

  /** The next command to carry out, oldest first, or null. */
  pollAction(): KeyAction | null {
    return this.queue.shift() ?? null;
  }

  /** True while the key is down (for drawing a pressed key in the simulator). */
  isHeld(role: string): boolean {
    const i = this.index.get(role);
    return i !== undefined && this.state[i] !== UP;
  }

  private step(i: number, event: number, longAt: number): void {
    const longCommand = this.longCommands[i]!;
    const table = longCommand === null ? PRESS_ONLY : WITH_LONG_PRESS;
    const [next, output] = table[this.state[i]!]![event]!;
    this.state[i] = next;
    if (output === SHORT) {
      const command = this.shortCommands[i]!;
      if (command !== null) this.emit({ role: this.roles[i]!, command, long: false, at: this.pressedAt[i]! });
    } else if (output === LONG) {
      this.emit({ role: this.roles[i]!, command: longCommand!, long: true, at: longAt });
    }
  }

  private emit(action: KeyAction): void {
    if (this.queue.length >= this.queueCapacity) {
      this.droppedActions++;
      return;
    }
    this.queue.push(action);
  }
}
