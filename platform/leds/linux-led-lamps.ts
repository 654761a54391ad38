// Lamps on the Linux LED class (/sys/class/leds/<name>/...), as a LampDriver.
//
// How a LampState becomes sysfs writes (kernel Documentation/ABI/testing/sysfs-class-led and
// leds-class-multicolor.rst; device notes §2.1):
//   off        trigger ← none, brightness ← 0
//   solid      trigger ← none, brightness ← max_brightness
//   blink      brightness ← max_brightness, trigger ← timer, delay_on ← onMs, delay_off ← offMs
// Brightness goes first for a blink because the timer blinks at the brightness the LED had
// (max_brightness if it was off). Writes a LED is already known to have are skipped.
// Wirings (see boards/codec.ts):
//   mono        one LED, lit in any colour the lamp shows (it has one)
//   bicolor     two mono LEDs, red and green; amber lights both with the same pattern
//   multicolor  one LED; the colour is its multi_intensity, written in ONE write (the kernel
//               refuses a partial vector) in multi_index order, before brightness
// A failed write is reported through onError, never thrown; that LED's state becomes unknown,
// so the next setLamp rewrites it completely.

import type { LampDriver, LampColor, LampState } from '../../core/indicators/frame.js';
import type { LedFiles } from './files.js';

export type LedChannel = 'red' | 'green' | 'blue';

export type SysfsWiring =
  | { readonly kind: 'mono'; readonly led: string }
  | { readonly kind: 'bicolor'; readonly red: string; readonly green: string }
  | { readonly kind: 'multicolor'; readonly led: string; readonly channels: readonly LedChannel[] };

export interface SysfsLamp {
  readonly role: string;
  readonly wiring: SysfsWiring;
}

export interface LedWriteError {
  readonly role: string;
  readonly path: string;
  /** errno name from the write ("EINVAL", "ENOENT", …) or "MULTI_INDEX" for a channel mismatch. */
  readonly code: string;
  readonly detail?: string;
}

export interface LinuxLedOptions {
  readonly files: LedFiles;
  /** Default /sys/class/leds. */
  readonly root?: string;
  readonly lamps: readonly SysfsLamp[];
  readonly onError?: (error: LedWriteError) => void;
}

export const DEFAULT_LED_ROOT = '/sys/class/leds';

type Mode = 'off' | 'solid' | 'timer';

/** What one physical LED should do. */
interface LedTarget {
  mode: Mode;
  onMs: number;
  offMs: number;
  /** multi_intensity text for a multicolour LED, else null. */
  intensity: string | null;
}

const CHANNELS_OF: Readonly<Record<LampColor, readonly LedChannel[]>> = {
  red: ['red'],
  green: ['green'],
  amber: ['red', 'green'],
};

const OFF_TARGET: LedTarget = { mode: 'off', onMs: 0, offMs: 0, intensity: null };

export class LinuxLedLamps implements LampDriver {
  private readonly files: LedFiles;
  private readonly root: string;
  private readonly lamps = new Map<string, SysfsWiring>();
  private readonly onError: (error: LedWriteError) => void;
  /** Last state written per LED name; absent = unknown. */
  private readonly known = new Map<string, LedTarget>();
  private readonly maxBrightness = new Map<string, number>();
  private readonly channelOrder = new Map<string, readonly LedChannel[]>();

  constructor(options: LinuxLedOptions) {
    this.files = options.files;
    const root = options.root ?? DEFAULT_LED_ROOT;
    this.root = root.endsWith('/') ? root.slice(0, -1) : root;
    for (const lamp of options.lamps) this.lamps.set(lamp.role, lamp.wiring);
    this.onError = options.onError ?? (() => {});
  }

  /** The roles this adapter drives. */
  roles(): string[] {
    return [...this.lamps.keys()];
  }

  setLamp(role: string, state: LampState): void {
    const wiring = this.lamps.get(role);
    if (wiring === undefined) return;
    switch (wiring.kind) {
      case 'mono':
        this.drive(role, wiring.led, state.color === null ? OFF_TARGET : target(state, null));
        break;
      case 'bicolor': {
        const lit = state.color === null ? [] : CHANNELS_OF[state.color];
        this.drive(role, wiring.red, lit.indexOf('red') >= 0 ? target(state, null) : OFF_TARGET);
        this.drive(role, wiring.green, lit.indexOf('green') >= 0 ? target(state, null) : OFF_TARGET);
        break;
      }
      case 'multicolor': {
        if (state.color === null) { this.drive(role, wiring.led, OFF_TARGET); break; }
        const order = this.channelsOf(role, wiring);
        const max = this.maxOf(wiring.led);
        const lit = CHANNELS_OF[state.color];
        const intensity = order.map((c) => (lit.indexOf(c) >= 0 ? max : 0)).join(' ');
        this.drive(role, wiring.led, target(state, intensity));
        break;
      }
    }
  }

  /**
   * Turn every LED off and forget what was known. For start-up, when a bootloader or an earlier
   * run may have left triggers running.
   */
  allOff(): void {
    this.known.clear();
    for (const [role, wiring] of this.lamps) {
      const names = wiring.kind === 'bicolor' ? [wiring.red, wiring.green] : [wiring.led];
      for (const name of names) this.drive(role, name, OFF_TARGET);
    }
  }

  private drive(role: string, name: string, want: LedTarget): void {
    const had = this.known.get(name);
    if (had !== undefined && sameTarget(had, want)) return;
    this.known.delete(name);
    const dir = `${this.root}/${name}/`;
    const write = (file: string, data: string): boolean => {
      const code = this.files.write(dir + file, data);
      if (code === null) return true;
      this.onError({ role, path: dir + file, code });
      return false;
    };
    const ok = this.sequence(name, had, want, write);
    if (ok) this.known.set(name, want);
  }

  private sequence(
    name: string,
    had: LedTarget | undefined,
    want: LedTarget,
    write: (file: string, data: string) => boolean,
  ): boolean {
    const max = String(this.maxOf(name));
    if (want.mode === 'off') {
      return write('trigger', 'none') && write('brightness', '0');
    }
    if (want.intensity !== null && had?.intensity !== want.intensity) {
      if (!write('multi_intensity', want.intensity)) return false;
    }
    if (want.mode === 'solid') {
      // Removing a running trigger turns the LED off, so brightness follows it.
      if (had?.mode !== 'off' && had?.mode !== 'solid') { if (!write('trigger', 'none')) return false; }
      return had?.mode === 'solid' || write('brightness', max);
    }
    const fresh = had?.mode !== 'timer';
    if (fresh) {
      if (had?.mode !== 'solid' && !write('brightness', max)) return false;
      if (!write('trigger', 'timer')) return false;
    }
    if (fresh || had!.onMs !== want.onMs) { if (!write('delay_on', String(want.onMs))) return false; }
    if (fresh || had!.offMs !== want.offMs) { if (!write('delay_off', String(want.offMs))) return false; }
    return true;
  }

  private maxOf(name: string): number {
    let max = this.maxBrightness.get(name);
    if (max === undefined) {
      const text = this.files.read(`${this.root}/${name}/max_brightness`);
      const value = text === null ? NaN : Number(text.trim());
      // Unreadable: 255 (LED_FULL); the kernel clamps brightness to max_brightness anyway.
      max = Number.isInteger(value) && value > 0 ? value : 255;
      this.maxBrightness.set(name, max);
    }
    return max;
  }

  /** The LED's own multi_index order when readable (it wins over the board's word for it). */
  private channelsOf(role: string, wiring: Extract<SysfsWiring, { kind: 'multicolor' }>): readonly LedChannel[] {
    let order = this.channelOrder.get(wiring.led);
    if (order !== undefined) return order;
    order = wiring.channels;
    const path = `${this.root}/${wiring.led}/multi_index`;
    const text = this.files.read(path);
    if (text !== null) {
      const actual = text.trim().split(/\s+/) as LedChannel[];
      if (actual.join(' ') !== wiring.channels.join(' ')) {
        this.onError({ role, path, code: 'MULTI_INDEX', detail: `board says "${wiring.channels.join(' ')}", LED says "${actual.join(' ')}"` });
        order = actual;
      }
    }
    this.channelOrder.set(wiring.led, order);
    return order;
  }
}

function target(state: LampState, intensity: string | null): LedTarget {
  if (state.pattern === 'off') return OFF_TARGET;
  if (state.pattern === 'solid') return { mode: 'solid', onMs: 0, offMs: 0, intensity };
  return { mode: 'timer', onMs: state.onMs, offMs: state.offMs, intensity };
}

function sameTarget(a: LedTarget, b: LedTarget): boolean {
  return a.mode === b.mode && a.onMs === b.onMs && a.offMs === b.offMs &&
    (a.mode === 'off' || a.intensity === b.intensity);
}
