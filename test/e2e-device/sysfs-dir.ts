// A Linux LED class as real files in a temp directory that behave like sysfs: every write goes
// through FakeSysfs (platform/leds, the kernel's rules: writing 0 to brightness drops the trigger,
// delay_on/delay_off exist only under the timer trigger, …) and the LED's directory is then
// rewritten from FakeSysfs's view, so `cat <dir>/<led>/trigger` shows what the kernel would.
// The tests read the files with node:fs, as a person at the phone's shell would.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSysfs, fakeSysfsFor, type LedFiles, type SysfsLamp } from '../../platform/leds/index.js';

const ALL_FILES = ['brightness', 'max_brightness', 'trigger', 'delay_on', 'delay_off', 'multi_index', 'multi_intensity'];

export class SysfsDir implements LedFiles {
  readonly fake: FakeSysfs;
  private readonly names: string[];

  constructor(readonly root: string, lamps: readonly SysfsLamp[]) {
    this.fake = fakeSysfsFor(lamps, root);
    this.names = [];
    for (const { wiring: w } of lamps) {
      if (w.kind === 'bicolor') this.names.push(w.red, w.green);
      else this.names.push(w.led);
    }
    for (const name of this.names) this.materialize(name);
  }

  read(path: string): string | null {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  }

  write(path: string, data: string): string | null {
    const error = this.fake.write(path, data);
    const name = path.slice(this.root.length + 1).split('/')[0]!;
    if (this.names.includes(name)) this.materialize(name);
    return error;
  }

  /** `<root>/<led>/<file>` as text without the newline, or null when the file does not exist. */
  file(led: string, name: string): string | null {
    const text = this.read(join(this.root, led, name));
    return text === null ? null : text.replace(/\n$/, '');
  }

  /** The active trigger, read from the `trigger` file ("[timer]" → "timer"). */
  trigger(led: string): string | null {
    const text = this.file(led, 'trigger');
    return text === null ? null : /\[([^\]]+)\]/.exec(text)?.[1] ?? null;
  }

  private materialize(name: string): void {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    const present = this.fake.files(name);
    for (const file of ALL_FILES) {
      const path = join(dir, file);
      const text = present.includes(file) ? this.fake.read(path) : null;
      if (text !== null) writeFileSync(path, text);
      else if (existsSync(path)) rmSync(path);
    }
  }
}
