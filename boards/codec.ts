// The board definition format and its io-ts codec. A board says what a phone model is (identity,
// engine), what it can do (capabilities), which hardware plays which role (lamps, keys,
// displays, expansion panels) and how much the core may preallocate (capacities). See the
// README in each board folder for worked examples, and checks.ts for the rules that span fields.

import * as t from 'io-ts';
import { lampSourceOf, decimalIndex } from '../core/indicators/roles.js';
import { isPolicyKey, type PolicyKey } from '../core/indicators/policy.js';
import { PRESET_NAMES } from '../core/indicators/presets.js';
import {
  intRange, listOf, literal, matching, nullable, numberIn, oneOf, recordOf, strictObject, stringWhere, tagged,
} from './codec-kit.js';

// ---- Identity

export const BoardId = matching('board id (a-z, 0-9, "-"; up to 40)', /^[a-z0-9][a-z0-9-]{0,39}$/);
export const Engine = oneOf(['quickjs', 'xs', 'node'] as const);
export type Engine = t.TypeOf<typeof Engine>;
const Text = matching('non-empty text (up to 80 characters)', /^[^\u0000-\u001f]{1,80}$/);

// ---- Capabilities

export const Transport = oneOf(['udp', 'tcp', 'tls', 'ws', 'wss'] as const);
export type Transport = t.TypeOf<typeof Transport>;
export const DisplayKind = oneOf(['text', 'pixel', 'none'] as const);

export const Modules = strictObject('modules', {
  /** RFC 4975 session-mode chat. */
  msrp: t.boolean,
  /** RFC 4662 resource lists: one subscription for all BLF keys. */
  rls: t.boolean,
  /** RFC 5438 delivery notifications. */
  imdn: t.boolean,
});

export const Capabilities = strictObject('capabilities', {
  transports: listOf(Transport, 1, 5),
  tls: t.boolean,
  display: DisplayKind,
  blfKeys: intRange(0, 1023),
  mwiLamp: t.boolean,
  modules: Modules,
});

// ---- Lamps

export const LampColor = oneOf(['red', 'green', 'amber'] as const);
export const LampPattern = oneOf(['off', 'solid', 'slow-blink', 'fast-blink'] as const);
/** Channels a multicolour LED may list in its `multi_index`. */
export const LedChannel = oneOf(['red', 'green', 'blue'] as const);
export type LedChannel = t.TypeOf<typeof LedChannel>;

/** A Linux LED class device name, e.g. "phone:red:line1" (no "/", no blanks). */
export const SysfsLedName = matching('LED class name like "phone:red:blf1"', /^(?!\.\.?$)[^/\s]{1,64}$/);
const PanelId = matching('panel id (a-z, 0-9, "-")', /^[a-z0-9][a-z0-9-]{0,31}$/);

export const LampRole = stringWhere(
  'lamp role "led.mwi"|"led.dnd"|"led.presence"|"led.blf.<n>"',
  (s) => lampSourceOf(s) !== null,
);

export const LampWiring = tagged('lamp wiring', 'kind', {
  /** One single-colour Linux LED. */
  mono: strictObject('mono wiring', { kind: literal('mono'), led: SysfsLedName }),
  /** A red/green key lamp that Linux shows as two mono LEDs; amber lights both. */
  bicolor: strictObject('bicolor wiring', { kind: literal('bicolor'), red: SysfsLedName, green: SysfsLedName }),
  /** One multicolour LED (`multi_intensity`), channels in its `multi_index` order. */
  multicolor: strictObject('multicolor wiring', {
    kind: literal('multicolor'), led: SysfsLedName, channels: listOf(LedChannel, 1, 4),
  }),
  /** Lamp `index` of expansion panel `panel` (see `panels`). */
  panel: strictObject('panel wiring', { kind: literal('panel'), panel: PanelId, index: intRange(0, 1023) }),
  /** Drawn by the simulator. */
  sim: strictObject('sim wiring', { kind: literal('sim') }),
});
export type LampWiring = t.TypeOf<typeof LampWiring>;

export const LampDefinition = strictObject(
  'lamp',
  { role: LampRole, colors: listOf(LampColor, 1, 3), wiring: LampWiring },
  /** What the hardware can show; default all four. Must include "off" and "solid". */
  { patterns: listOf(LampPattern, 2, 4) },
);

// ---- Keys

export const KeyRole = stringWhere(
  'key role "key.dnd"|"key.presence"|"key.messages"|"key.blf.<n>"|"key.soft.<n>"',
  (s) => keyRoleOk(s),
);

function keyRoleOk(role: string): boolean {
  if (role === 'key.dnd' || role === 'key.presence' || role === 'key.messages') return true;
  if (role.startsWith('key.blf.')) return decimalIndex(role, 8) >= 0;
  if (role.startsWith('key.soft.')) return decimalIndex(role, 9) >= 0;
  return false;
}

export const KeyWiring = tagged('key wiring', 'kind', {
  /** Key `index` of expansion panel `panel`. */
  panel: strictObject('panel key', { kind: literal('panel'), panel: PanelId, index: intRange(0, 1023) }),
  /** A Linux input event key code (linux/input-event-codes.h), optionally from one device. */
  evdev: strictObject('evdev key', { kind: literal('evdev'), code: intRange(1, 767) }, {
    device: matching('device path', /^\/[^\s]{1,127}$/),
  }),
  /** A key of the simulator's keyboard, e.g. "F1" or "d". */
  sim: strictObject('sim key', { kind: literal('sim'), key: matching('key name', /^[A-Za-z0-9+-]{1,16}$/) }),
});
export type KeyWiring = t.TypeOf<typeof KeyWiring>;

export const KeyDefinition = strictObject(
  'key',
  { role: KeyRole, wiring: KeyWiring },
  { label: Text },
);

// ---- Displays

export const DisplayRole = oneOf(['display.status'] as const);
const Controller = oneOf(['hd44780-i2c', 'hd44780-gpio', 'ssd1306-i2c', 'fbdev', 'terminal', 'sim'] as const);

export const DisplayDefinition = tagged('display', 'kind', {
  /** A character display (HD44780-like): its grid is the text grid. */
  text: strictObject('text display', {
    role: DisplayRole, kind: literal('text'), cols: intRange(8, 80), rows: intRange(1, 16),
  }, { controller: Controller, bus: Text, address: intRange(0, 127) }),
  /** A 1-bpp pixel display (SSD1306-like, 8-pixel pages); text is drawn in `glyph` cells. */
  pixel: strictObject('pixel display', {
    role: DisplayRole, kind: literal('pixel'), width: intRange(32, 1024), height: intRange(8, 1024),
  }, {
    glyph: strictObject('glyph', { width: intRange(4, 32), height: intRange(6, 32) }),
    controller: Controller, bus: Text, address: intRange(0, 127),
  }),
});
export type DisplayDefinition = t.TypeOf<typeof DisplayDefinition>;

// ---- Expansion panels

export const PanelDefinition = strictObject('panel', {
  id: PanelId,
  /** Lamps and keys on the panel, addressed 0..n-1 by the lamp and key wirings. */
  lamps: intRange(1, 1024),
  keys: intRange(0, 1024),
  serial: strictObject('serial line', {
    path: matching('device path', /^\/[^\s]{1,127}$/),
    baudRate: numberIn([9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]),
  }),
});

// ---- Capacities the core preallocates from

export const Capacities = strictObject('capacities', {
  /** SUBSCRIBE dialogs alive at once (dialog, presence, message-summary). */
  maxSubscriptions: intRange(1, 4096),
  /** BLF key slots (at least capabilities.blfKeys; more for paged expansion modules). */
  blfKeys: intRange(0, 1023),
  /** Outgoing MESSAGEs waiting for a final response. */
  pendingMessages: intRange(1, 1024),
  /** Datagram/stream receive and transmit buffers; RFC 3261 §18.1.1 expects up to 1300 bytes over UDP. */
  rxBufferBytes: intRange(1300, 1048576),
  txBufferBytes: intRange(1300, 1048576),
});

// ---- Indicator policy

export const LampStateInput = strictObject('lamp state', { pattern: LampPattern }, {
  color: nullable(LampColor), onMs: intRange(0, 60000), offMs: intRange(0, 60000),
});

export const Indicators = strictObject('indicators', {
  preset: oneOf(PRESET_NAMES),
}, {
  overrides: recordOf('a policy key like "blf.idle"', (k): k is PolicyKey => isPolicyKey(k), LampStateInput),
  maxRateHz: intRange(1, 100),
});

// ---- The board

export const BoardDefinition = strictObject('board', {
  id: BoardId,
  name: Text,
  vendor: Text,
  engine: Engine,
  capabilities: Capabilities,
  leds: listOf(LampDefinition, 0, 1100),
  keys: listOf(KeyDefinition, 0, 1100),
  displays: listOf(DisplayDefinition, 0, 4),
  capacities: Capacities,
}, {
  panels: listOf(PanelDefinition, 0, 8),
  /** Where the Linux LED class lives (default /sys/class/leds). */
  sysfsRoot: matching('absolute path', /^\/[^\s]{0,255}$/),
  indicators: Indicators,
});
export type BoardDefinition = t.TypeOf<typeof BoardDefinition>;
