// Vendor-like lamp conventions as data. Sources (device notes §1.2–1.4): Yealink admin and
// auto-provisioning guides (BLF LED mode 0: fast flash 200 ms, slow flash 1 s), Cisco SPA/8800
// MPP LED scripts (fast blink 100/100 ms, slow blink 1 s/1 s; default BLF idle green), Snom
// D-series defaults (idle off, incoming blinking red, busy and DND steady red, held steady).
// Rows no vendor documents are our choices and say so.

import { fastBlink, off, slowBlink, solid, type LampPolicy } from './policy.js';

/** Presence lamp rows shared by all presets (device notes §1.3, our proposal). */
const PRESENCE_ROWS = {
  'presence.available': solid('green'),
  'presence.on-the-phone': solid('red'),
  'presence.busy': solid('red'),
  'presence.dnd': slowBlink('red', 1000),
  'presence.away': solid('amber'),
  'presence.offline': off,
  'presence.unknown': off,
} as const;

/** The SDK default: the common subset of the vendor tables (device notes §1.2 proposal). */
const DEFAULT_POLICY: LampPolicy = {
  'blf.idle': solid('green'),
  'blf.ringing': fastBlink('red', 200),
  'blf.dialling': solid('red'),
  'blf.talking': solid('red'),
  'blf.held': slowBlink('red', 500),
  'blf.parked': slowBlink('red', 1000),
  // Off, as Yealink shows a key whose subscription failed; idle is green, so the two differ.
  'blf.unknown': off,
  'mwi.urgent': fastBlink('red', 200),
  'mwi.voicemail': slowBlink('red', 1000),
  'mwi.im': slowBlink('red', 1000),
  'mwi.none': off,
  'dnd.on': solid('red'),
  'dnd.off': off,
  ...PRESENCE_ROWS,
};

/** Yealink T4x/T5x memory and EXP keys, BLF LED mode 0; one shared message lamp (T46G guide). */
const YEALINK_LIKE: LampPolicy = {
  'blf.idle': solid('green'),
  'blf.ringing': fastBlink('red', 200),
  'blf.dialling': solid('red'),
  'blf.talking': solid('red'),
  'blf.held': slowBlink('red', 1000),
  'blf.parked': slowBlink('red', 1000),
  'blf.unknown': off,
  'mwi.urgent': slowBlink('red', 1000),
  'mwi.voicemail': slowBlink('red', 1000),
  'mwi.im': slowBlink('red', 1000),
  'mwi.none': off,
  'dnd.on': solid('red'),
  'dnd.off': off,
  ...PRESENCE_ROWS,
};

/** Cisco 8800 MPP default BLF settings with SPA LED-script timings; steady red message light. */
const CISCO_LIKE: LampPolicy = {
  'blf.idle': solid('green'),
  'blf.ringing': fastBlink('red', 100),
  'blf.dialling': solid('red'),
  'blf.talking': solid('red'),
  'blf.held': slowBlink('red', 1000),
  'blf.parked': slowBlink('red', 1000),
  'blf.unknown': off,
  'mwi.urgent': solid('red'),
  'mwi.voicemail': solid('red'),
  'mwi.im': solid('red'),
  'mwi.none': off,
  'dnd.on': solid('red'),
  'dnd.off': off,
  ...PRESENCE_ROWS,
};

/** Snom D-series defaults: idle keys are dark, held shows steady. */
const SNOM_LIKE: LampPolicy = {
  'blf.idle': off,
  'blf.ringing': fastBlink('red', 250),
  'blf.dialling': solid('red'),
  'blf.talking': solid('red'),
  'blf.held': solid('red'),
  'blf.parked': slowBlink('red', 1000),
  // Snom documents no such state; idle is dark here, so "unknown" is a short green flash every
  // 2 s: visibly alive, visibly not idle (our choice).
  'blf.unknown': slowBlink('green', 100, 1900),
  'mwi.urgent': slowBlink('red', 500),
  'mwi.voicemail': slowBlink('red', 500),
  'mwi.im': slowBlink('red', 500),
  'mwi.none': off,
  'dnd.on': solid('red'),
  'dnd.off': off,
  ...PRESENCE_ROWS,
};

export const PRESETS = {
  default: DEFAULT_POLICY,
  'yealink-like': YEALINK_LIKE,
  'cisco-like': CISCO_LIKE,
  'snom-like': SNOM_LIKE,
} as const satisfies Readonly<Record<string, LampPolicy>>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as readonly PresetName[];
