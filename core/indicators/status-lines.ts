// The status screen as text lines: what a desk phone's display shows from the indicator input.
// Candidate lines, each present only when it has something to say:
//   identity   own name + registration word        "Alice 201        OK"
//   presence   own presence + note                  "Away: back at 3"
//   alert      the first ringing BLF key + caller   "Bob Smith > Carol +1"
//   counts     unread IM and voicemail              "IM 2  VM 3 new"
//   softkeys   soft-key labels in equal slots       "DND  Pres IM   VM"
// When the display has fewer rows than candidates, PRIORITY decides who stays; the kept lines
// keep the ORDER below, soft keys always on the bottom row (they label the keys under it).

import type { IndicatorInput, PresenceStatus, RegistrationState } from './input.js';
import { fitPair, fitText, spreadLabels } from './text-fit.js';

type LineKind = 'identity' | 'presence' | 'alert' | 'counts' | 'softkeys';

/** Most important first: a ringing colleague beats everything on a one-line display. */
const PRIORITY: readonly LineKind[] = ['alert', 'identity', 'counts', 'presence', 'softkeys'];
/** Top-to-bottom order of the kept lines. */
const ORDER: readonly LineKind[] = ['identity', 'presence', 'alert', 'counts', 'softkeys'];

export const REGISTRATION_TEXT: Readonly<Record<RegistrationState, string>> = {
  registered: 'OK',
  registering: 'Registering',
  unregistered: 'No service',
  failed: 'Reg failed',
};

export const PRESENCE_TEXT: Readonly<Record<PresenceStatus, string>> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
  'on-the-phone': 'On the phone',
  offline: 'Offline',
  unknown: 'Presence unknown',
};

/** Exactly `rows` lines of exactly `cols` characters. */
export function statusLines(input: IndicatorInput, cols: number, rows: number): string[] {
  const text: Record<LineKind, string | null> = {
    identity: fitPair(input.identity, REGISTRATION_TEXT[input.registration], cols),
    presence: fitText(
      input.presenceNote === ''
        ? PRESENCE_TEXT[input.presence]
        : `${PRESENCE_TEXT[input.presence]}: ${input.presenceNote}`,
      cols,
    ),
    alert: alertLine(input, cols),
    counts: countsLine(input, cols),
    softkeys: input.softKeys.length > 0 ? spreadLabels(input.softKeys, cols) : null,
  };
  const kept = new Set<LineKind>();
  for (let i = 0; i < PRIORITY.length && kept.size < rows; i++) {
    if (text[PRIORITY[i]!] !== null) kept.add(PRIORITY[i]!);
  }
  const lines: string[] = [];
  for (let i = 0; i < ORDER.length; i++) {
    const kind = ORDER[i]!;
    if (kind !== 'softkeys' && kept.has(kind)) lines.push(text[kind]!);
  }
  const blank = fitText('', cols);
  const bodyRows = kept.has('softkeys') ? rows - 1 : rows;
  while (lines.length < bodyRows) lines.push(blank);
  if (kept.has('softkeys')) lines.push(text.softkeys!);
  return lines;
}

function alertLine(input: IndicatorInput, cols: number): string | null {
  let first = -1;
  let more = 0;
  for (let i = 0, n = input.blf.length; i < n; i++) {
    if (input.blf[i]!.state !== 'ringing') continue;
    if (first < 0) first = i; else more++;
  }
  if (first < 0) return null;
  const key = input.blf[first]!;
  const what = key.caller === '' ? `${key.label} ringing` : `${key.caller} > ${key.label}`;
  return fitPair(what, more > 0 ? `+${more}` : '', cols);
}

function countsLine(input: IndicatorInput, cols: number): string | null {
  const m = input.messages;
  const parts: string[] = [];
  if (input.unreadIm > 0) parts.push(`IM ${input.unreadIm}`);
  if (m.urgentNew > 0) parts.push(`VM ${m.newCount} new!`);
  else if (m.newCount > 0) parts.push(`VM ${m.newCount} new`);
  else if (m.waiting) parts.push('VM waiting');
  return parts.length === 0 ? null : fitText(parts.join('  '), cols);
}
