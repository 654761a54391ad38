// A Linux desk phone driving its lamps through the LED class. Plain JSON data; see README.md.
import type { BoardDefinition } from '../codec.js';

/** KEY_F1 in linux/input-event-codes.h; the six BLF keys send KEY_F1..KEY_F6. */
const KEY_F1 = 59;
const KEY_F7 = 65;
const KEY_MAIL = 155;

export const linuxDesk: BoardDefinition = {
  id: 'linux-desk',
  name: 'Linux desk phone (LED class lamps, 128x64 OLED)',
  vendor: 'hardphone reference',
  engine: 'quickjs',
  capabilities: {
    transports: ['udp', 'tcp', 'tls'],
    tls: true,
    display: 'pixel',
    blfKeys: 6,
    mwiLamp: true,
    modules: { msrp: false, rls: true, imdn: false },
  },
  leds: [
    { role: 'led.mwi', colors: ['red'], patterns: ['off', 'solid', 'slow-blink', 'fast-blink'],
      wiring: { kind: 'mono', led: 'phone:red:mwi' } },
    { role: 'led.dnd', colors: ['red'], wiring: { kind: 'mono', led: 'phone:red:dnd' } },
    // Keys 1-5: one red and one green LED each (how most bi-colour key LEDs appear in Linux).
    ...[0, 1, 2, 3, 4].map((i) => ({
      role: `led.blf.${i}`,
      colors: ['red' as const, 'green' as const, 'amber' as const],
      wiring: { kind: 'bicolor' as const, red: `phone:red:blf${i + 1}`, green: `phone:green:blf${i + 1}` },
    })),
    // Key 6: one multicolour LED whose multi_index reads "green red".
    { role: 'led.blf.5', colors: ['red', 'green', 'amber'],
      wiring: { kind: 'multicolor', led: 'phone:multicolor:blf6', channels: ['green', 'red'] } },
  ],
  keys: [
    ...[0, 1, 2, 3, 4, 5].map((i) => ({
      role: `key.blf.${i}`,
      wiring: { kind: 'evdev' as const, code: KEY_F1 + i, device: '/dev/input/by-path/platform-keypad-event' },
    })),
    { role: 'key.dnd', label: 'DND',
      wiring: { kind: 'evdev', code: KEY_F7, device: '/dev/input/by-path/platform-keypad-event' } },
    { role: 'key.messages', label: 'Messages',
      wiring: { kind: 'evdev', code: KEY_MAIL, device: '/dev/input/by-path/platform-keypad-event' } },
  ],
  displays: [{
    role: 'display.status', kind: 'pixel', width: 128, height: 64, glyph: { width: 6, height: 8 },
    controller: 'ssd1306-i2c', bus: 'i2c-1', address: 0x3c,
  }],
  capacities: {
    maxSubscriptions: 16,
    blfKeys: 6,
    pendingMessages: 8,
    rxBufferBytes: 8192,
    txBufferBytes: 8192,
  },
  sysfsRoot: '/sys/class/leds',
  indicators: { preset: 'yealink-like', maxRateHz: 10 },
};
