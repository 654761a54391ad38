// An in-memory Linux LED class (/sys/class/leds) that follows the kernel's rules, for tests and
// the simulator. What it models, from Documentation/ABI/testing/sysfs-class-led,
// Documentation/leds/leds-class-multicolor.rst, drivers/leds/led-class.c, led-triggers.c,
// led-core.c and trigger/ledtrig-timer.c:
//   - brightness: decimal, clamped to max_brightness; writing 0 removes the active trigger
//     (brightness_store → led_trigger_remove); a non-zero write while blinking changes the
//     brightness the blink uses and keeps blinking.
//   - trigger: reads as the list with the active one in [brackets]; writing "none" removes the
//     trigger, writing a name selects it; removing or replacing an active trigger turns the LED
//     off first (led_trigger_set → led_set_brightness(LED_OFF)); an unknown name is EINVAL.
//   - delay_on / delay_off exist only while the trigger is "timer" (ENOENT otherwise); on
//     activation both start at 500 ms ("blink with 1 Hz as default if nothing specified").
//     Blinking uses the current brightness, or max_brightness if the LED was off.
//   - multi_index (read-only) lists the channels; multi_intensity takes exactly one value per
//     channel in ONE write, else EINVAL (multi_intensity_store).
//   - max_brightness and multi_index are read-only (EACCES); unknown files are ENOENT.

import type { LedFiles } from './files.js';
import type { SysfsLamp } from './linux-led-lamps.js';

export interface FakeLedOptions {
  /** 1 for a plain on/off LED, 255 (LED_FULL) for a dimmable one. */
  maxBrightness?: number;
  /** Channels of a multicolour LED in multi_index order, e.g. ["green", "red"]. */
  multiIndex?: readonly string[];
}

export interface FakeLedState {
  brightness: number;
  trigger: string;
  /** Present only while trigger is "timer". */
  delayOn: number | null;
  delayOff: number | null;
  /** The level a blink lights the LED with. */
  blinkBrightness: number;
  multiIntensity: number[] | null;
}

/** What someone looking at the LED sees. */
export interface LedAppearance {
  mode: 'off' | 'on' | 'blink';
  level: number;
  onMs: number;
  offMs: number;
  /** Per multi_index channel, the intensity shown (0 when off); null for single-colour LEDs. */
  intensity: number[] | null;
}

export interface FakeWrite {
  path: string;
  data: string;
  /** null when the write succeeded, else the errno name. */
  error: string | null;
}

const TRIGGERS = ['none', 'timer', 'oneshot', 'heartbeat', 'pattern', 'default-on'];
const DEFAULT_DELAY_MS = 500;

interface Led {
  readonly max: number;
  readonly channels: readonly string[] | null;
  state: FakeLedState;
}

export class FakeSysfs implements LedFiles {
  private readonly leds = new Map<string, Led>();
  /** Every write, in order, including refused ones. */
  readonly writes: FakeWrite[] = [];

  constructor(readonly root: string = '/sys/class/leds') {}

  addLed(name: string, options: FakeLedOptions = {}): this {
    const channels = options.multiIndex ?? null;
    this.leds.set(name, {
      max: options.maxBrightness ?? 1,
      channels,
      state: {
        brightness: 0, trigger: 'none', delayOn: null, delayOff: null, blinkBrightness: 0,
        multiIntensity: channels === null ? null : channels.map(() => 0),
      },
    });
    return this;
  }

  /** Put an LED into a state, as a bootloader or an earlier run might have left it. */
  preset(name: string, state: Partial<FakeLedState>): void {
    const led = this.led(name);
    led.state = { ...led.state, ...state };
  }

  state(name: string): FakeLedState {
    const s = this.led(name).state;
    return { ...s, multiIntensity: s.multiIntensity ? [...s.multiIntensity] : null };
  }

  /** Attribute files that exist for the LED right now. */
  files(name: string): string[] {
    const led = this.led(name);
    const out = ['brightness', 'max_brightness', 'trigger'];
    if (led.state.trigger === 'timer') out.push('delay_on', 'delay_off');
    if (led.channels !== null) out.push('multi_index', 'multi_intensity');
    return out;
  }

  appearance(name: string): LedAppearance {
    const led = this.led(name);
    const s = led.state;
    const blinking = s.trigger === 'timer';
    const level = blinking ? s.blinkBrightness : s.brightness;
    const mode = level === 0 || (blinking && s.delayOn === 0) ? 'off' : blinking && s.delayOff !== 0 ? 'blink' : 'on';
    const intensity = s.multiIntensity === null ? null : s.multiIntensity.map((v) => (mode === 'off' ? 0 : v));
    return {
      mode,
      level: mode === 'off' ? 0 : level,
      onMs: mode === 'blink' ? s.delayOn! : 0,
      offMs: mode === 'blink' ? s.delayOff! : 0,
      intensity,
    };
  }

  read(path: string): string | null {
    const at = this.resolve(path);
    if (at === null) return null;
    const { led, file } = at;
    const s = led.state;
    switch (file) {
      case 'brightness': return `${s.brightness}\n`;
      case 'max_brightness': return `${led.max}\n`;
      case 'trigger': return TRIGGERS.map((t) => (t === s.trigger ? `[${t}]` : t)).join(' ') + '\n';
      case 'delay_on': return s.trigger === 'timer' ? `${s.delayOn}\n` : null;
      case 'delay_off': return s.trigger === 'timer' ? `${s.delayOff}\n` : null;
      case 'multi_index': return led.channels ? led.channels.join(' ') + '\n' : null;
      case 'multi_intensity': return s.multiIntensity ? s.multiIntensity.join(' ') + '\n' : null;
      default: return null;
    }
  }

  write(path: string, data: string): string | null {
    const error = this.apply(path, data);
    this.writes.push({ path, data, error });
    return error;
  }

  private apply(path: string, data: string): string | null {
    const at = this.resolve(path);
    if (at === null) return 'ENOENT';
    const { led, file } = at;
    const s = led.state;
    switch (file) {
      case 'brightness': {
        const value = parseUnsigned(data);
        if (value === null) return 'EINVAL';
        const level = Math.min(value, led.max);
        if (level === 0) {
          this.removeTrigger(led);
          s.brightness = 0;
        } else if (s.trigger === 'timer') {
          s.blinkBrightness = level;
          s.brightness = level;
        } else {
          s.brightness = level;
        }
        return null;
      }
      case 'trigger': {
        const name = data.endsWith('\n') ? data.slice(0, -1) : data;
        if (TRIGGERS.indexOf(name) < 0) return 'EINVAL';
        if (name === 'none') { this.removeTrigger(led); return null; }
        const lastLevel = s.brightness;
        this.removeTrigger(led);
        s.trigger = name;
        if (name === 'timer') {
          s.delayOn = DEFAULT_DELAY_MS;
          s.delayOff = DEFAULT_DELAY_MS;
          s.blinkBrightness = lastLevel !== 0 ? lastLevel : s.blinkBrightness !== 0 ? s.blinkBrightness : led.max;
          s.brightness = s.blinkBrightness;
        }
        return null;
      }
      case 'delay_on':
      case 'delay_off': {
        if (s.trigger !== 'timer') return 'ENOENT';
        const value = parseUnsigned(data);
        if (value === null) return 'EINVAL';
        if (file === 'delay_on') s.delayOn = value; else s.delayOff = value;
        return null;
      }
      case 'multi_intensity': {
        if (led.channels === null) return 'ENOENT';
        const values = parseList(data, led.channels.length);
        if (values === null) return 'EINVAL';
        s.multiIntensity = values;
        return null;
      }
      case 'max_brightness':
      case 'multi_index':
        return led.channels === null && file === 'multi_index' ? 'ENOENT' : 'EACCES';
      default:
        return 'ENOENT';
    }
  }

  /** led_trigger_set(led, NULL): an active trigger goes away and takes the light with it. */
  private removeTrigger(led: Led): void {
    const s = led.state;
    if (s.trigger === 'none') return;
    s.trigger = 'none';
    s.delayOn = null;
    s.delayOff = null;
    s.brightness = 0;
  }

  private led(name: string): Led {
    const led = this.leds.get(name);
    if (!led) throw new Error(`fake sysfs: no LED "${name}"`);
    return led;
  }

  private resolve(path: string): { led: Led; file: string } | null {
    const prefix = this.root.endsWith('/') ? this.root : this.root + '/';
    if (!path.startsWith(prefix)) return null;
    const rest = path.slice(prefix.length).split('/');
    if (rest.length !== 2) return null;
    const led = this.leds.get(rest[0]!);
    return led ? { led, file: rest[1]! } : null;
  }
}

/** kstrtoul(buf, 10) as sysfs uses it: digits, one optional trailing newline. */
function parseUnsigned(data: string): number | null {
  const m = /^(\d{1,10})\n?$/.exec(data);
  return m ? Number(m[1]) : null;
}

/** Exactly `count` space-separated unsigned values, one optional trailing newline. */
function parseList(data: string, count: number): number[] | null {
  const body = data.endsWith('\n') ? data.slice(0, -1) : data;
  const parts = body.trim().split(/\s+/);
  if (parts.length !== count || parts.some((p) => !/^\d{1,10}$/.test(p))) return null;
  return parts.map(Number);
}

/** A fake LED class holding every LED the given lamps use (multicolour ones at 255, in board channel order). */
export function fakeSysfsFor(lamps: readonly SysfsLamp[], root?: string): FakeSysfs {
  const fs = new FakeSysfs(root);
  for (const { wiring: w } of lamps) {
    if (w.kind === 'bicolor') fs.addLed(w.red).addLed(w.green);
    else if (w.kind === 'multicolor') fs.addLed(w.led, { maxBrightness: 255, multiIndex: w.channels });
    else fs.addLed(w.led);
  }
  return fs;
}
