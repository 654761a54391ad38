// `hardphone sim --tui`: both phones in the terminal, for headless machines. Each display is a
// platform/display TerminalCharDisplay (the same renderer a character LCD stand-in uses); lamps
// are coloured dots that blink with the frame's phase (lampLitAt). On a TTY the screen is redrawn
// in place and keys are read; otherwise frames are printed one after another (CI logs).
//
// Keys (to the selected phone; Tab picks the next phone):
//   1 2 3 4 5 6 7 8 9 0 q w e r t y   BLF keys 0-15        F1-F4  soft keys      F5 DND
//   F6 Presence   F7 Messages   A available   W away   B busy   D DND   O offline
//   R ring   T take a call   H hang up   M read messages   I type an IM (Enter sends)   Ctrl-C quit
import { lampLitAt, type LampState } from '../../core/indicators/frame.js';
import { TerminalCharDisplay } from '../../platform/display/terminal-char-display.js';
import { RESET, sgr } from '../../platform/display/ansi.js';
import type { PresenceValue } from '../../core/keys/commands.js';
import type { SimSession } from './session.js';
import type { SimPhone } from './phone.js';

const BLF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'q', 'w', 'e', 'r', 't', 'y'];
const FUNCTION_KEYS: Readonly<Record<string, string>> = {
  '\x1bOP': 'key.soft.0', '\x1bOQ': 'key.soft.1', '\x1bOR': 'key.soft.2', '\x1bOS': 'key.soft.3',
  '\x1b[11~': 'key.soft.0', '\x1b[12~': 'key.soft.1', '\x1b[13~': 'key.soft.2', '\x1b[14~': 'key.soft.3',
  '\x1b[15~': 'key.dnd', '\x1b[17~': 'key.presence', '\x1b[18~': 'key.messages',
};
const PRESENCE_KEYS: Readonly<Record<string, PresenceValue>> = { A: 'available', W: 'away', B: 'busy', D: 'dnd', O: 'offline' };
const COLOR: Readonly<Record<string, string>> = { red: '1;31', green: '1;32', amber: '1;33' };
const LOG_LINES = 8;
const REDRAW_MS = 100;
const PLAIN_MIN_INTERVAL_MS = 500;

export interface TuiOptions {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  /** Ctrl-C pressed (raw mode swallows SIGINT). */
  readonly onQuit: () => void;
}

export class SimTui {
  private selected = 0;
  private readonly log: string[] = [];
  private composing: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastPlain = '';
  private lastPlainAt = 0;
  private readonly tty: boolean;
  private readonly onData = (data: Buffer): void => {
    for (const key of splitKeys(data.toString('utf8'))) this.key(key);
  };
  private readonly unsubscribe: () => void;

  constructor(private readonly session: SimSession, private readonly options: TuiOptions) {
    this.tty = options.output.isTTY === true;
    this.unsubscribe = session.onChange(() => {});
    if (this.tty) {
      options.output.write('\x1b[?25l\x1b[2J');
      if (options.input.isTTY) {
        options.input.setRawMode(true);
        options.input.resume();
        options.input.on('data', this.onData);
      }
    }
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
  }

  /** A log line: shown under the phones on a TTY, printed otherwise. */
  addLog(line: string): void {
    if (!this.tty) {
      this.options.output.write(`${line}\n`);
      return;
    }
    this.log.push(line);
    if (this.log.length > LOG_LINES) this.log.shift();
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.unsubscribe();
    if (this.tty) {
      this.options.output.write('\x1b[?25h\n');
      if (this.options.input.isTTY) {
        this.options.input.off('data', this.onData);
        this.options.input.setRawMode(false);
        this.options.input.pause();
      }
    }
  }

  /** The whole screen as text (ANSI colours only on a TTY). */
  render(now: number): string {
    const blocks = this.session.phones.map((p, i) => this.phoneBlock(p, i === this.selected, now));
    const height = Math.max(...blocks.map((b) => b.length));
    const width = Math.max(...blocks.flat().map(visibleLength)) + 2;
    const rows: string[] = [];
    for (let r = 0; r < height; r++) rows.push(blocks.map((b) => padVisible(b[r] ?? '', width)).join('  '));
    rows.push('');
    rows.push(this.composing !== null
      ? `IM from ${this.session.phones[this.selected]!.name}: ${this.composing}_`
      : 'Tab phone · 1-0 q-y BLF · F1-F4 soft · F5 DND F6 Pres F7 Msg · A/W/B/D/O presence · R ring T take H hangup · M read · I IM · ^C quit');
    return rows.join('\n');
  }

  private phoneBlock(phone: SimPhone, selected: boolean, now: number): string[] {
    const lcd = new TerminalCharDisplay({ rows: 4, cols: 20, write: () => {}, ansi: this.tty, title: `${phone.name}${selected ? ' *' : ''}` });
    lcd.showLines(phone.screen());
    const lines = [
      `${this.dot(phone.lamps.get('led.mwi'), now)} MWI   ${phone.input.registration.padEnd(12)} ${this.dot(phone.lamps.get('led.dnd'), now)} DND`,
      ...lcd.render().replace(/\n$/, '').split('\n'),
    ];
    for (let row = 0; row < 4; row++) {
      let line = '';
      for (let col = 0; col < 4; col++) {
        const i = col * 4 + row;
        const label = (phone.config.blf[i]?.label ?? '').slice(0, 5).padEnd(5);
        line += `${this.dot(phone.lamps.get(`led.blf.${i}`), now)}${BLF_KEYS[i]} ${label} `;
      }
      lines.push(line);
    }
    lines.push(`presence ${phone.presenceValue} · call ${phone.call}`);
    return lines;
  }

  private dot(state: LampState | undefined, now: number): string {
    const lit = state !== undefined && lampLitAt(state, now);
    if (!this.tty) return lit ? (state!.color ?? 'x')[0]!.toUpperCase() : '.';
    return lit ? `${sgr(COLOR[state!.color ?? 'red'] ?? '1')}●${RESET}` : `${sgr('2')}○${RESET}`;
  }

  private draw(): void {
    const now = this.session.now();
    const screen = this.render(now);
    if (this.tty) {
      this.options.output.write(`\x1b[H${screen.split('\n').map((l) => `${l}\x1b[K`).join('\n')}\n\n${this.log.map((l) => `${l}\x1b[K`).join('\n')}\x1b[J`);
      return;
    }
    if (screen === this.lastPlain || Date.now() - this.lastPlainAt < PLAIN_MIN_INTERVAL_MS) return;
    this.lastPlain = screen;
    this.lastPlainAt = Date.now();
    this.options.output.write(`${screen}\n\n`);
  }

  private key(data: string): void {
    const phones = this.session.phones;
    const phone = phones[this.selected]!;
    const now = this.session.now();
    if (data === '\x03') { this.options.onQuit(); return; }
    if (this.composing !== null) {
      if (data === '\r' || data === '\n') {
        const r = phone.sendIm(this.composing, now);
        if (typeof r === 'string') this.addLog(`${phone.name}: ${r}`);
        this.composing = null;
      } else if (data === '\x1b') this.composing = null;
      else if (data === '\x7f' || data === '\b') this.composing = this.composing.slice(0, -1);
      else if (!data.startsWith('\x1b')) this.composing += data.replace(/[\x00-\x1f]/g, '');
      return;
    }
    if (data === '\t') { this.selected = (this.selected + 1) % phones.length; return; }
    const role = FUNCTION_KEYS[data] ?? (BLF_KEYS.includes(data) ? `key.blf.${BLF_KEYS.indexOf(data)}` : undefined);
    if (role !== undefined) {
      // A terminal reports no key-up: every key is a short press.
      phone.press(role, now);
      phone.release(role, now);
      return;
    }
    const presence = PRESENCE_KEYS[data];
    if (presence !== undefined) phone.setPresence(presence, now);
    else if (data === 'R') phone.ring('Carol', now);
    else if (data === 'T') phone.takeCall(now);
    else if (data === 'H') phone.hangUp(now);
    else if (data === 'M') phone.readMessages(now);
    else if (data === 'I') this.composing = '';
  }
}

/** One read from a raw terminal may hold several keys: split escape sequences and characters. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < data.length;) {
    const seq = data[i] === '\x1b' ? /^\x1b(?:O[A-Z]|\[[0-9;]*[~A-Za-z])/.exec(data.slice(i)) : null;
    const len = seq !== null ? seq[0].length : data.codePointAt(i)! > 0xffff ? 2 : 1;
    keys.push(data.slice(i, i + len));
    i += len;
  }
  return keys;
}

function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').length;
}

/** Pads to `width` visible columns (ANSI sequences take no room). */
function padVisible(text: string, width: number): string {
  const visible = visibleLength(text);
  return visible >= width ? text : text + ' '.repeat(width - visible);
}
