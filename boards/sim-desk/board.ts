// The laptop simulator's desk phone. Plain JSON data; see README.md for the layout.
import type { BoardDefinition } from '../codec.js';

const BLF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'q', 'w', 'e', 'r', 't', 'y'];

export const simDesk: BoardDefinition = {
  id: 'sim-desk',
  name: 'Simulated desk phone (16 BLF keys, 4x20 display)',
  vendor: 'hardphone',
  engine: 'node',
  capabilities: {
    transports: ['udp', 'tcp', 'tls', 'ws', 'wss'],
    tls: true,
    display: 'text',
    blfKeys: 16,
    mwiLamp: true,
    modules: { msrp: true, rls: true, imdn: true },
  },
  leds: [
    { role: 'led.mwi', colors: ['red'], wiring: { kind: 'sim' } },
    { role: 'led.dnd', colors: ['red'], wiring: { kind: 'sim' } },
    ...BLF_KEYS.map((_, i) => ({
      role: `led.blf.${i}`,
      colors: ['red' as const, 'green' as const, 'amber' as const],
      wiring: { kind: 'sim' as const },
    })),
  ],
  keys: [
    ...BLF_KEYS.map((key, i) => ({ role: `key.blf.${i}`, wiring: { kind: 'sim' as const, key } })),
    { role: 'key.soft.0', wiring: { kind: 'sim', key: 'F1' } },
    { role: 'key.soft.1', wiring: { kind: 'sim', key: 'F2' } },
    { role: 'key.soft.2', wiring: { kind: 'sim', key: 'F3' } },
    { role: 'key.soft.3', wiring: { kind: 'sim', key: 'F4' } },
    { role: 'key.dnd', label: 'DND', wiring: { kind: 'sim', key: 'F5' } },
    { role: 'key.presence', label: 'Presence', wiring: { kind: 'sim', key: 'F6' } },
    { role: 'key.messages', label: 'Messages', wiring: { kind: 'sim', key: 'F7' } },
  ],
  displays: [{ role: 'display.status', kind: 'text', cols: 20, rows: 4, controller: 'terminal' }],
  capacities: {
    maxSubscriptions: 32,
    blfKeys: 16,
    pendingMessages: 16,
    rxBufferBytes: 65535,
    txBufferBytes: 65535,
  },
  indicators: { preset: 'default', maxRateHz: 20 },
};
