// A desk phone with a 20-key BLF expansion module on a serial line. Plain JSON data; see README.md.
import type { BoardDefinition } from '../codec.js';

const KEYS = 20;
const KEY_F1 = 59;

export const deskExp20: BoardDefinition = {
  id: 'desk-exp20',
  name: 'Desk phone with a 20-key serial expansion module',
  vendor: 'hardphone reference',
  engine: 'quickjs',
  capabilities: {
    transports: ['udp', 'tcp'],
    tls: false,
    display: 'text',
    blfKeys: KEYS,
    mwiLamp: true,
    modules: { msrp: false, rls: true, imdn: false },
  },
  panels: [{ id: 'exp1', lamps: KEYS, keys: KEYS, serial: { path: '/dev/ttyS1', baudRate: 115200 } }],
  leds: [
    { role: 'led.mwi', colors: ['red'], wiring: { kind: 'mono', led: 'desk:red:mwi' } },
    ...Array.from({ length: KEYS }, (_, i) => ({
      role: `led.blf.${i}`,
      colors: ['red' as const, 'green' as const, 'amber' as const],
      wiring: { kind: 'panel' as const, panel: 'exp1', index: i },
    })),
  ],
  keys: [
    ...Array.from({ length: KEYS }, (_, i) => ({
      role: `key.blf.${i}`,
      wiring: { kind: 'panel' as const, panel: 'exp1', index: i },
    })),
    { role: 'key.soft.0', wiring: { kind: 'evdev', code: KEY_F1 } },
    { role: 'key.soft.1', wiring: { kind: 'evdev', code: KEY_F1 + 1 } },
    { role: 'key.soft.2', wiring: { kind: 'evdev', code: KEY_F1 + 2 } },
    { role: 'key.dnd', label: 'DND', wiring: { kind: 'evdev', code: KEY_F1 + 3 } },
  ],
  displays: [{
    role: 'display.status', kind: 'text', cols: 24, rows: 2,
    controller: 'hd44780-i2c', bus: 'i2c-0', address: 0x27,
  }],
  capacities: {
    maxSubscriptions: 24,
    blfKeys: KEYS,
    pendingMessages: 8,
    rxBufferBytes: 8192,
    txBufferBytes: 8192,
  },
  indicators: { preset: 'cisco-like', maxRateHz: 20 },
};
