// What an instant-message body is, from its Content-Type, before anything renders it. Every
// incoming MESSAGE (and every CPIM-wrapped content) goes through classifyBody first, so that a
// status document is never shown as a chat text (IMSDroid #302 put isComposing XML on screen).
//
//   media-type = type "/" subtype *( OWS ";" OWS parameter )        (RFC 9110 §8.3.1, RFC 2045 §5.1)
//   parameter  = token "=" ( token / quoted-string )
//
// Strings in, strings out: this runs once per message, off the hot path.

export type BodyKind = 'text' | 'iscomposing' | 'imdn' | 'cpim' | 'unsupported';

export const CONTENT_TYPE_TEXT = 'text/plain';
export const CONTENT_TYPE_ISCOMPOSING = 'application/im-iscomposing+xml';
export const CONTENT_TYPE_IMDN = 'message/imdn+xml';
export const CONTENT_TYPE_CPIM = 'message/cpim';

/** What we accept, for the Accept header of a 415 (RFC 3261 §21.4.13). */
export const ACCEPTED_CONTENT_TYPES = `${CONTENT_TYPE_TEXT}, ${CONTENT_TYPE_CPIM}, ${CONTENT_TYPE_ISCOMPOSING}, ${CONTENT_TYPE_IMDN}`;

export interface MediaType {
  /** Lower-cased "type/subtype". */
  readonly essence: string;
  /** Parameters with lower-cased names; values unquoted, case kept. Later duplicates are ignored. */
  readonly params: Readonly<Record<string, string>>;
}

// RFC 9110 §5.6.2 tchar.
function isTokenChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true;
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true;
  return c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x27 || c === 0x2a || c === 0x2b
    || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function scanToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Parses a Content-Type value; null when it is not type/subtype with well-formed parameters. */
export function parseMediaType(value: string): MediaType | null {
  let i = skipSpace(value, 0);
  const typeStart = i;
  i = scanToken(value, i);
  if (i === typeStart) return null;
  const type = value.slice(typeStart, i);
  i = skipSpace(value, i);
  if (value.charCodeAt(i) !== 0x2f) return null;
  i = skipSpace(value, i + 1);
  const subStart = i;
  i = scanToken(value, i);
  if (i === subStart) return null;
  const essence = `${type}/${value.slice(subStart, i)}`.toLowerCase();
  const params: Record<string, string> = {};
  for (;;) {
    i = skipSpace(value, i);
    if (i >= value.length) break;
    if (value.charCodeAt(i) !== 0x3b) return null;
    i = skipSpace(value, i + 1);
    if (i >= value.length) break; // a trailing ";" is common and harmless
    const nameStart = i;
    i = scanToken(value, i);
    if (i === nameStart) return null;
    const name = value.slice(nameStart, i).toLowerCase();
    i = skipSpace(value, i);
    if (value.charCodeAt(i) !== 0x3d) return null;
    i = skipSpace(value, i + 1);
    let paramValue = '';
    if (value.charCodeAt(i) === 0x22) {
      // quoted-string with quoted-pair (RFC 9110 §5.6.4)
      i++;
      for (;;) {
        if (i >= value.length) return null;
        const c = value.charCodeAt(i);
        if (c === 0x22) { i++; break; }
        if (c === 0x5c && i + 1 < value.length) { paramValue += value[i + 1]; i += 2; continue; }
        paramValue += value[i];
        i++;
      }
    } else {
      const valueStart = i;
      i = scanToken(value, i);
      if (i === valueStart) return null;
      paramValue = value.slice(valueStart, i);
    }
    if (!(name in params)) params[name] = paramValue;
  }
  return { essence, params };
}

const KIND_BY_ESSENCE: Readonly<Record<string, BodyKind>> = {
  [CONTENT_TYPE_TEXT]: 'text',
  [CONTENT_TYPE_ISCOMPOSING]: 'iscomposing',
  [CONTENT_TYPE_IMDN]: 'imdn',
  [CONTENT_TYPE_CPIM]: 'cpim',
};

/**
 * The kind of an IM body from its Content-Type value (parameters allowed). A missing or
 * malformed type is 'unsupported', never 'text': RFC 3261 §7.4.1 defaults nothing for MESSAGE.
 */
export function classifyBody(contentType: string | null | undefined): BodyKind {
  if (!contentType) return 'unsupported';
  const media = parseMediaType(contentType);
  if (media === null) return 'unsupported';
  // Own properties only: a crafted type must never reach Object.prototype.
  return Object.prototype.hasOwnProperty.call(KIND_BY_ESSENCE, media.essence) ? KIND_BY_ESSENCE[media.essence]! : 'unsupported';
}
