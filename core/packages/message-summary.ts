// application/simple-message-summary bodies (RFC 3842 §5.2), the message-waiting lamp's input.
// Parsed in place: spans refer to the caller's buffer, counts go into preallocated fields.
//
//   message-summary  = msg-status-line CRLF [msg-account CRLF] [*(msg-summary-line CRLF)]
//                      [ *opt-msg-headers ]
//   msg-status-line  = "Messages-Waiting" HCOLON msg-status
//   msg-status       = "yes" / "no"
//   msg-account      = "Message-Account" HCOLON Account-URI
//   msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
//                      [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
//   opt-msg-headers  = CRLF 1*(extension-header CRLF)
//
// Leniency (bodies come from many voicemail servers): LF-only line ends, header names in any
// case, lines in any order, unknown lines ignored. Not lenient: a missing or bad
// Messages-Waiting line, or a malformed count, is an error code with its position.
import { ascii } from '../xml/bytes.js';

export const MwiError = {
  None: 0,
  /** Empty body (Kamailio's first NOTIFY before anyone published). */
  EmptyBody: 1,
  MissingStatus: 2,
  BadStatus: 3,
  BadCount: 4,
  TooLarge: 5,
} as const;
export type MwiError = typeof MwiError[keyof typeof MwiError];

export const MessagesWaiting = { Unknown: 0, Yes: 1, No: 2 } as const;
export type MessagesWaiting = typeof MessagesWaiting[keyof typeof MessagesWaiting];

// RFC 3458 message-context-class values, as used in summary lines (e.g. "Voice-Message").
export const MESSAGE_CLASSES = ['voice-message', 'fax-message', 'pager-message', 'multimedia-message', 'text-message', 'none'] as const;
export type MessageClass = typeof MESSAGE_CLASSES[number];
const CLASS_BYTES = MESSAGE_CLASSES.map(ascii);
const CLASS_COUNT = MESSAGE_CLASSES.length;

const MESSAGES_WAITING = ascii('messages-waiting');
const MESSAGE_ACCOUNT = ascii('message-account');
const YES = ascii('yes');
const NO = ascii('no');

/** Index of the four counts of one class in `counts`. */
export const Count = { New: 0, Old: 1, UrgentNew: 2, UrgentOld: 3 } as const;

export class MessageSummary {
  waiting: MessagesWaiting = MessagesWaiting.Unknown;
  /** Message-Account URI span in the parsed buffer (start === end when absent). */
  accountStart = 0;
  accountEnd = 0;
  /** counts[class * 4 + Count.X]; -1 when the line or the urgent part is absent. */
  readonly counts = new Int32Array(CLASS_COUNT * 4).fill(-1);
  error: MwiError = MwiError.None;
  errorPosition = -1;

  clear(): void {
    this.waiting = MessagesWaiting.Unknown;
    this.accountStart = 0;
    this.accountEnd = 0;
    this.counts.fill(-1);
    this.error = MwiError.None;
    this.errorPosition = -1;
  }

  count(messageClass: MessageClass, which: typeof Count[keyof typeof Count]): number {
    return this.counts[MESSAGE_CLASSES.indexOf(messageClass) * 4 + which]!;
  }

  /** The lamp: Messages-Waiting says so. */
  get lampOn(): boolean {
    return this.waiting === MessagesWaiting.Yes;
  }
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function equalsIgnoreCase(buf: Uint8Array, start: number, end: number, lowerLiteral: Uint8Array): boolean {
  if (end - start !== lowerLiteral.length) return false;
  for (let i = 0; i < lowerLiteral.length; i++) if (lower(buf[start + i]!) !== lowerLiteral[i]) return false;
  return true;
}

const isWsp = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

export const MAX_MESSAGE_SUMMARY_BYTES = 8192;

/**
 * Parses buf[start, end) into out; returns out.error. Only the first block (up to an empty
 * line) is read: opt-msg-headers after it describe single messages (RFC 3842 §5.2).
 */
export function parseMessageSummary(buf: Uint8Array, start: number, end: number, out: MessageSummary): MwiError {
  out.clear();
  if (end - start > MAX_MESSAGE_SUMMARY_BYTES) return fail(out, MwiError.TooLarge, start + MAX_MESSAGE_SUMMARY_BYTES);
  let pos = start;
  let sawContent = false;
  while (pos < end) {
    let lineEnd = pos;
    while (lineEnd < end && buf[lineEnd] !== 0x0a && buf[lineEnd] !== 0x0d) lineEnd++;
    const next = lineEnd < end && buf[lineEnd] === 0x0d && buf[lineEnd + 1] === 0x0a ? lineEnd + 2 : lineEnd + 1;
    let lineStart = pos;
    pos = next;
    while (lineStart < lineEnd && isWsp(buf[lineStart])) lineStart++;
    if (lineStart === lineEnd) {
      if (sawContent) break; // opt-msg-headers follow
      continue;
    }
    sawContent = true;
    // name HCOLON value  (HCOLON = *( SP / HTAB ) ":" SWS)
    let colon = lineStart;
    while (colon < lineEnd && buf[colon] !== 0x3a) colon++;
    if (colon === lineEnd) continue; // not a header line: ignore
    let nameEnd = colon;
    while (nameEnd > lineStart && isWsp(buf[nameEnd - 1])) nameEnd--;
    let valueStart = colon + 1;
    while (valueStart < lineEnd && isWsp(buf[valueStart])) valueStart++;
    let valueEnd = lineEnd;
    while (valueEnd > valueStart && isWsp(buf[valueEnd - 1])) valueEnd--;

    if (equalsIgnoreCase(buf, lineStart, nameEnd, MESSAGES_WAITING)) {
      if (equalsIgnoreCase(buf, valueStart, valueEnd, YES)) out.waiting = MessagesWaiting.Yes;
      else if (equalsIgnoreCase(buf, valueStart, valueEnd, NO)) out.waiting = MessagesWaiting.No;
      else return fail(out, MwiError.BadStatus, valueStart);
      continue;
    }
    if (equalsIgnoreCase(buf, lineStart, nameEnd, MESSAGE_ACCOUNT)) {
      out.accountStart = valueStart;
      out.accountEnd = valueEnd;
      continue;
    }
    for (let c = 0; c < CLASS_COUNT; c++) {
      if (!equalsIgnoreCase(buf, lineStart, nameEnd, CLASS_BYTES[c]!)) continue;
      const bad = parseCounts(buf, valueStart, valueEnd, out.counts, c * 4);
      if (bad >= 0) return fail(out, MwiError.BadCount, bad);
      break;
    }
  }
  if (!sawContent) return fail(out, MwiError.EmptyBody, start);
  if (out.waiting === MessagesWaiting.Unknown) return fail(out, MwiError.MissingStatus, start);
  return MwiError.None;
}

function fail(out: MessageSummary, code: MwiError, position: number): MwiError {
  out.error = code;
  out.errorPosition = position;
  return code;
}

// newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]; SLASH, LPAREN
// and RPAREN allow surrounding whitespace (RFC 3261 §25.1). Returns -1 or the bad position.
// A module-level cursor and scratch keep this allocation-free.
const scratch = new Int32Array(4);
let cursor = 0;

function skipWsp(buf: Uint8Array, end: number): void {
  while (cursor < end && isWsp(buf[cursor])) cursor++;
}

function readNumber(buf: Uint8Array, end: number, slot: number): boolean {
  skipWsp(buf, end);
  const s = cursor;
  let v = 0;
  while (cursor < end && buf[cursor]! >= 0x30 && buf[cursor]! <= 0x39) {
    v = v * 10 + (buf[cursor]! - 0x30);
    if (v > 0x7fffffff) return false;
    cursor++;
  }
  scratch[slot] = v;
  return cursor > s;
}

function readPunct(buf: Uint8Array, end: number, c: number): boolean {
  skipWsp(buf, end);
  if (cursor >= end || buf[cursor] !== c) return false;
  cursor++;
  return true;
}

function parseCounts(buf: Uint8Array, pos: number, end: number, counts: Int32Array, at: number): number {
  cursor = pos;
  if (!readNumber(buf, end, 0) || !readPunct(buf, end, 0x2f) || !readNumber(buf, end, 1)) return cursor;
  skipWsp(buf, end);
  let urgent = false;
  if (cursor < end) {
    if (!readPunct(buf, end, 0x28) || !readNumber(buf, end, 2) || !readPunct(buf, end, 0x2f) || !readNumber(buf, end, 3) || !readPunct(buf, end, 0x29)) return cursor;
    skipWsp(buf, end);
    if (cursor < end) return cursor;
    urgent = true;
  }
  counts[at] = scratch[0]!;
  counts[at + 1] = scratch[1]!;
  counts[at + 2] = urgent ? scratch[2]! : -1;
  counts[at + 3] = urgent ? scratch[3]! : -1;
  return -1;
}
