// platform/leds: lamps on the Linux LED class.
export type { LedFiles } from './files.js';
export { nodeLedFiles } from './node-files.js';
export { FakeSysfs, fakeSysfsFor } from './fake-sysfs.js';
export type { FakeLedOptions, FakeLedState, LedAppearance, FakeWrite } from './fake-sysfs.js';
export { LinuxLedLamps, DEFAULT_LED_ROOT } from './linux-led-lamps.js';
export type { SysfsLamp, SysfsWiring, LedWriteError, LinuxLedOptions, LedChannel } from './linux-led-lamps.js';
export { sysfsLampsOf } from './from-board.js';
