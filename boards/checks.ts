// Rules that span fields, run after the codec accepted the shape. Each message starts with the
// path of the field to fix, written like the codec's (report.ts), so a board author sees one
// kind of error list. The rules, in order:
//   unique roles, panel ids, LED names, panel slots and key codes;
//   lamp colours/patterns make sense for the wiring (a mono LED has one colour; a multicolour
//     LED has the channels its colours need; every lamp can show "off" and "solid");
//   counts match: led.blf.0..n-1 and key.blf.0..n-1 for n = capabilities.blfKeys, the MWI lamp
//     exactly when capabilities.mwiLamp, the status display exactly as capabilities.display says;
//   capacities cover the capabilities (BLF slots, one subscription per key unless RLS);
//   TLS transports need capabilities.tls; Linux LED wirings need a Linux engine;
//   indicator overrides are well-formed lamp states.

import type { BoardDefinition } from './codec.js';
import { joinPath } from './report.js';
import { lampSourceOf } from '../core/indicators/roles.js';
import { lampStateProblem } from '../core/indicators/policy.js';
import type { LampState } from '../core/indicators/frame.js';
import { normalizeLampState } from './normalize.js';

const CHANNELS_FOR_COLOR = { red: ['red'], green: ['green'], amber: ['red', 'green'] } as const;
const SYSFS_WIRINGS = new Set(['mono', 'bicolor', 'multicolor']);

export function checkBoard(board: BoardDefinition): string[] {
  const errors: string[] = [];
  checkLamps(board, errors);
  checkKeys(board, errors);
  checkDisplays(board, errors);
  checkCounts(board, errors);
  checkCapacities(board, errors);
  checkIndicators(board, errors);
  return errors;
}

/** Remembers where each name was first seen and reports the second use. */
class FirstUse {
  private readonly seen = new Map<string, string>();
  claim(name: string, where: string, errors: string[], path: string, what: string): void {
    const first = this.seen.get(name);
    if (first === undefined) this.seen.set(name, where);
    else errors.push(`${path}: ${what} already used by ${first}`);
  }
}

function checkLamps(board: BoardDefinition, errors: string[]): void {
  const roles = new FirstUse();
  const ledNames = new FirstUse();
  const panelSlots = new FirstUse();
  const panels = new Map((board.panels ?? []).map((p) => [p.id, p]));
  const panelIds = new FirstUse();
  (board.panels ?? []).forEach((p, i) => panelIds.claim(p.id, `panels[${i}]`, errors, joinPath('panels', i, 'id'), `"${p.id}"`));

  board.leds.forEach((lamp, i) => {
    const at = (...steps: (string | number)[]) => joinPath('leds', i, ...steps);
    roles.claim(lamp.role, `leds[${i}]`, errors, at('role'), `"${lamp.role}"`);
    duplicates(lamp.colors, at('colors'), errors);
    if (lamp.patterns) {
      duplicates(lamp.patterns, at('patterns'), errors);
      if (lamp.patterns.indexOf('off') < 0 || lamp.patterns.indexOf('solid') < 0) {
        errors.push(`${at('patterns')}: must include "off" and "solid"`);
      }
    }
    const w = lamp.wiring;
    if (SYSFS_WIRINGS.has(w.kind) && board.engine === 'xs') {
      errors.push(`${at('wiring', 'kind')}: "${w.kind}" is a Linux LED class wiring, but engine is "xs"`);
    }
    switch (w.kind) {
      case 'mono':
        if (lamp.colors.length !== 1) errors.push(`${at('colors')}: a mono LED shows one colour, got ${lamp.colors.length}`);
        ledNames.claim(w.led, `leds[${i}]`, errors, at('wiring', 'led'), `LED "${w.led}"`);
        break;
      case 'bicolor':
        ledNames.claim(w.red, `leds[${i}]`, errors, at('wiring', 'red'), `LED "${w.red}"`);
        ledNames.claim(w.green, `leds[${i}]`, errors, at('wiring', 'green'), `LED "${w.green}"`);
        if (w.red === w.green) errors.push(`${at('wiring')}: red and green must be two different LEDs`);
        break;
      case 'multicolor':
        ledNames.claim(w.led, `leds[${i}]`, errors, at('wiring', 'led'), `LED "${w.led}"`);
        duplicates(w.channels, at('wiring', 'channels'), errors);
        for (const color of lamp.colors) {
          for (const needed of CHANNELS_FOR_COLOR[color]) {
            if (w.channels.indexOf(needed) < 0) {
              errors.push(`${at('wiring', 'channels')}: colour "${color}" needs channel "${needed}"`);
            }
          }
        }
        break;
      case 'panel': {
        const p = panels.get(w.panel);
        if (p === undefined) {
          errors.push(`${at('wiring', 'panel')}: no panel "${w.panel}" in panels`);
        } else if (w.index >= p.lamps) {
          errors.push(`${at('wiring', 'index')}: ${w.index} is beyond panel "${w.panel}" (${p.lamps} lamps)`);
        }
        panelSlots.claim(`${w.panel}#${w.index}`, `leds[${i}]`, errors, at('wiring'), `panel "${w.panel}" lamp ${w.index}`);
        break;
      }
      case 'sim':
        break;
    }
  });
}

function checkKeys(board: BoardDefinition, errors: string[]): void {
  const roles = new FirstUse();
  const slots = new FirstUse();
  const panels = new Map((board.panels ?? []).map((p) => [p.id, p]));
  board.keys.forEach((key, i) => {
    const at = (...steps: (string | number)[]) => joinPath('keys', i, ...steps);
    roles.claim(key.role, `keys[${i}]`, errors, at('role'), `"${key.role}"`);
    const w = key.wiring;
    switch (w.kind) {
      case 'panel': {
        const p = panels.get(w.panel);
        if (p === undefined) errors.push(`${at('wiring', 'panel')}: no panel "${w.panel}" in panels`);
        else if (w.index >= p.keys) errors.push(`${at('wiring', 'index')}: ${w.index} is beyond panel "${w.panel}" (${p.keys} keys)`);
        slots.claim(`panel ${w.panel}#${w.index}`, `keys[${i}]`, errors, at('wiring'), `panel "${w.panel}" key ${w.index}`);
        break;
      }
      case 'evdev':
        slots.claim(`evdev ${w.device ?? ''}#${w.code}`, `keys[${i}]`, errors, at('wiring'), `key code ${w.code}`);
        break;
      case 'sim':
        slots.claim(`sim ${w.key}`, `keys[${i}]`, errors, at('wiring'), `simulator key "${w.key}"`);
        break;
    }
  });
}

function checkDisplays(board: BoardDefinition, errors: string[]): void {
  const roles = new FirstUse();
  const declared = board.capabilities.display;
  let status = -1;
  board.displays.forEach((d, i) => {
    roles.claim(d.role, `displays[${i}]`, errors, joinPath('displays', i, 'role'), `"${d.role}"`);
    if (d.role === 'display.status' && status < 0) status = i;
    if (d.kind === 'pixel') {
      if (d.height % 8 !== 0) {
        errors.push(`${joinPath('displays', i, 'height')}: ${d.height} is not a whole number of 8-pixel pages`);
      }
      const glyph = d.glyph ?? DEFAULT_GLYPH;
      if (Math.floor(d.width / glyph.width) < 8 || Math.floor(d.height / glyph.height) < 1) {
        errors.push(`${joinPath('displays', i, 'glyph')}: leaves fewer than 8 columns or no line of text`);
      }
    }
  });
  if (declared === 'none') {
    if (status >= 0) errors.push(`capabilities.display: "none" but displays[${status}] is the status display`);
  } else if (status < 0) {
    errors.push(`capabilities.display: "${declared}" but displays has no "display.status"`);
  } else if (board.displays[status]!.kind !== declared) {
    errors.push(`${joinPath('displays', status, 'kind')}: "${board.displays[status]!.kind}" but capabilities.display is "${declared}"`);
  }
}

export const DEFAULT_GLYPH = { width: 6, height: 8 } as const;

function checkCounts(board: BoardDefinition, errors: string[]): void {
  const n = board.capabilities.blfKeys;
  const lampFor = new Array<boolean>(n).fill(false);
  const keyFor = new Array<boolean>(n).fill(false);
  let mwi = -1;
  board.leds.forEach((lamp, i) => {
    const source = lampSourceOf(lamp.role);
    if (source?.kind === 'mwi' && mwi < 0) mwi = i;
    if (source?.kind !== 'blf') return;
    if (source.index >= n) errors.push(`${joinPath('leds', i, 'role')}: "${lamp.role}" but capabilities.blfKeys is ${n}`);
    else lampFor[source.index] = true;
  });
  board.keys.forEach((key, i) => {
    if (!key.role.startsWith('key.blf.')) return;
    const index = Number(key.role.slice(8));
    if (index >= n) errors.push(`${joinPath('keys', i, 'role')}: "${key.role}" but capabilities.blfKeys is ${n}`);
    else keyFor[index] = true;
  });
  for (let k = 0; k < n; k++) {
    if (!lampFor[k]) errors.push(`leds: no lamp for "led.blf.${k}" (capabilities.blfKeys is ${n})`);
  }
  for (let k = 0; k < n; k++) {
    if (!keyFor[k]) errors.push(`keys: no key for "key.blf.${k}" (capabilities.blfKeys is ${n})`);
  }
  if (board.capabilities.mwiLamp && mwi < 0) errors.push('capabilities.mwiLamp: true but leds has no "led.mwi"');
  if (!board.capabilities.mwiLamp && mwi >= 0) errors.push(`capabilities.mwiLamp: false but leds[${mwi}] is "led.mwi"`);
}

function checkCapacities(board: BoardDefinition, errors: string[]): void {
  const caps = board.capabilities;
  const cap = board.capacities;
  if (cap.blfKeys < caps.blfKeys) {
    errors.push(`capacities.blfKeys: ${cap.blfKeys} is less than capabilities.blfKeys (${caps.blfKeys})`);
  }
  // One dialog subscription per BLF key (RFC 4235) plus message-summary (RFC 3842), unless one
  // RFC 4662 list subscription carries all keys.
  const needed = caps.modules.rls ? 2 : caps.blfKeys + 1;
  if (cap.maxSubscriptions < needed) {
    errors.push(
      `capacities.maxSubscriptions: ${cap.maxSubscriptions} is less than ${needed} ` +
      (caps.modules.rls
        ? '(one resource-list subscription plus message-summary)'
        : '(one per BLF key plus message-summary; or enable capabilities.modules.rls)'),
    );
  }
  caps.transports.forEach((tr, i) => {
    if ((tr === 'tls' || tr === 'wss') && !caps.tls) {
      errors.push(`${joinPath('capabilities', 'transports', i)}: "${tr}" needs capabilities.tls true`);
    }
  });
  duplicates(caps.transports, 'capabilities.transports', errors);
}

function checkIndicators(board: BoardDefinition, errors: string[]): void {
  const overrides = board.indicators?.overrides;
  if (!overrides) return;
  for (const key of Object.keys(overrides) as (keyof typeof overrides)[]) {
    const state: LampState = normalizeLampState(overrides[key]!);
    const problem = lampStateProblem(state);
    if (problem !== null) errors.push(`${joinPath('indicators', 'overrides', key)}: ${problem}`);
  }
}

function duplicates(values: readonly string[], path: string, errors: string[]): void {
  values.forEach((v, i) => {
    if (values.indexOf(v) < i) errors.push(`${path}[${i}]: "${v}" listed twice`);
  });
}
