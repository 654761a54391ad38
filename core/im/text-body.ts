// text/plain bodies of instant messages (RFC 3428 §8: text/plain is the one type every UA must
// accept), with their charset (RFC 2046 §4.1.2) and a size limit.
//
//   Content-Type: text/plain; charset=<charset>
//
// Decisions, and why:
// - No charset parameter means UTF-8, not RFC 2046's US-ASCII: US-ASCII is a subset, so nothing
//   correct is decoded wrongly, and SIP phones in the field send UTF-8 without saying so.
// - UTF-8 and ISO-8859-1 are decoded; US-ASCII is decoded as UTF-8 (mislabelled UTF-8 is the
//   common case). Any other charset is refused with 415 advice rather than shown as mojibake.
// - Ill-formed UTF-8 is not refused: each bad part becomes U+FFFD and `malformed` says so. A
//   desk phone must not drop a text because one byte is wrong.
// - Too large → 413 advice (RFC 3261 §21.4.11); the caller gives the limit (board buffers).
import { utf8Decode, utf8Encode, utf8InvalidAt, utf8Length } from '../bytes/utf8.js';
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';
import { ACCEPTED_CONTENT_TYPES, CONTENT_TYPE_TEXT, parseMediaType } from './body-kind.js';

export const E_TEXT_NOT_TEXT_PLAIN = -821;
export const E_TEXT_UNSUPPORTED_CHARSET = -822;
export const E_TEXT_TOO_LARGE = -823;
export const E_TEXT_NO_SPACE = -824;

export type TextCharset = 'utf-8' | 'iso-8859-1' | 'us-ascii';

/** The Content-Type we write: always UTF-8, always said explicitly. */
export const TEXT_PLAIN_UTF8 = 'text/plain;charset=UTF-8';

export interface TextBodyLimits {
  /** Largest body accepted or written, in bytes (after charset encoding). */
  readonly maxBytes: number;
}

// RFC 3428 §7: a MESSAGE over UDP without congestion control stays under 1300 bytes in all;
// 4 KiB covers a text sent over TCP/TLS while keeping a phone's buffers small.
export const DEFAULT_TEXT_BODY_LIMITS: TextBodyLimits = { maxBytes: 4096 };

export interface DecodedText {
  readonly text: string;
  readonly charset: TextCharset;
  /** Some bytes were not valid in the charset and were replaced with U+FFFD. */
  readonly malformed: boolean;
}

/** What to answer instead of 200, and why. */
export interface TextBodyRefusal {
  readonly code: number;
  readonly status: 413 | 415;
  readonly reason: string;
  /** For the Accept header of a 415 (RFC 3261 §21.4.13). */
  readonly accept: string;
  /** Human-readable detail for logs. */
  readonly detail: string;
}

// IANA character-set names and aliases (lower case) for the charsets we decode.
const CHARSETS: Readonly<Record<string, TextCharset>> = {
  'utf-8': 'utf-8', utf8: 'utf-8',
  'iso-8859-1': 'iso-8859-1', 'iso_8859-1': 'iso-8859-1', 'iso_8859-1:1987': 'iso-8859-1', latin1: 'iso-8859-1',
  l1: 'iso-8859-1', 'iso-ir-100': 'iso-8859-1', ibm819: 'iso-8859-1', cp819: 'iso-8859-1', csisolatin1: 'iso-8859-1',
  'us-ascii': 'us-ascii', ascii: 'us-ascii', 'ansi_x3.4-1968': 'us-ascii', 'iso646-us': 'us-ascii', csascii: 'us-ascii',
};

/** The charset we would decode for a charset label, or null when unsupported. */
export function textCharsetOf(label: string): TextCharset | null {
  const key = label.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(CHARSETS, key) ? CHARSETS[key]! : null;
}

function refuse(code: number, detail: string): TextBodyRefusal {
  const status = code === E_TEXT_TOO_LARGE ? 413 : 415;
  return { code, status, reason: status === 413 ? 'Request Entity Too Large' : 'Unsupported Media Type', accept: ACCEPTED_CONTENT_TYPES, detail };
}

const CHUNK = 1024;

function latin1Decode(buf: Uint8Array, off: number, len: number): string {
  let text = '';
  const end = off + len;
  // ISO-8859-1 maps each byte to the code point of the same value; chunks keep the argument
  // list of fromCharCode bounded on every engine.
  for (let i = off; i < end; i += CHUNK) {
    text += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
  }
  return text;
}

/**
 * Decodes a received text/plain body buf[off, off+len) given the message's Content-Type value.
 * Never throws; a refusal says which response to send.
 */
export function decodeTextBody(buf: Uint8Array, off: number, len: number, contentType: string | null, limits: TextBodyLimits = DEFAULT_TEXT_BODY_LIMITS): Result<DecodedText, TextBodyRefusal> {
  const media = contentType === null ? null : parseMediaType(contentType);
  if (media === null || media.essence !== CONTENT_TYPE_TEXT) return Err(refuse(E_TEXT_NOT_TEXT_PLAIN, `not text/plain: ${contentType ?? '(none)'}`));
  if (len > limits.maxBytes) return Err(refuse(E_TEXT_TOO_LARGE, `${len} bytes > ${limits.maxBytes}`));
  const label = media.params['charset'];
  const charset = label === undefined ? 'utf-8' : textCharsetOf(label);
  if (charset === null) return Err(refuse(E_TEXT_UNSUPPORTED_CHARSET, `charset ${label}`));
  if (charset === 'iso-8859-1') return Ok({ text: latin1Decode(buf, off, len), charset, malformed: false });
  // A UTF-8 byte order mark is not part of the text.
  if (len >= 3 && buf[off] === 0xef && buf[off + 1] === 0xbb && buf[off + 2] === 0xbf) { off += 3; len -= 3; }
  let malformed = utf8InvalidAt(buf, off, len) >= 0;
  if (charset === 'us-ascii' && !malformed) {
    for (let i = off; i < off + len; i++) if (buf[i]! >= 0x80) { malformed = true; break; }
  }
  return Ok({ text: utf8Decode(buf, off, len), charset, malformed });
}

/**
 * Encodes `text` as a UTF-8 text/plain body at out[off..]; returns the byte length. The
 * Content-Type to send with it is TEXT_PLAIN_UTF8. All or nothing.
 */
export function encodeTextBody(text: string, out: Uint8Array, off: number, limits: TextBodyLimits = DEFAULT_TEXT_BODY_LIMITS): Result<number, number> {
  const need = utf8Length(text);
  if (need > limits.maxBytes) return Err(E_TEXT_TOO_LARGE);
  if (off < 0 || need > out.length - off) return Err(E_TEXT_NO_SPACE);
  return Ok(utf8Encode(text, out, off));
}

export function textBodyErrorName(code: number): string {
  switch (code) {
    case E_TEXT_NOT_TEXT_PLAIN: return 'E_TEXT_NOT_TEXT_PLAIN';
    case E_TEXT_UNSUPPORTED_CHARSET: return 'E_TEXT_UNSUPPORTED_CHARSET';
    case E_TEXT_TOO_LARGE: return 'E_TEXT_TOO_LARGE';
    case E_TEXT_NO_SPACE: return 'E_TEXT_NO_SPACE';
    default: return `E_TEXT(${code})`;
  }
}
