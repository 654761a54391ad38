// The SIP message parser (RFC 3261 §7, §18.3, §25): one pass over a Uint8Array, results written
// as spans into a preallocated SipMessageView. No strings, arrays, closures or regexes are created
// per message, and no input can make it throw: every fault is a negative code plus an offset.
//
//   SIP-message    = Request / Response
//   Request        = Request-Line *( message-header ) CRLF [ message-body ]
//   Request-Line   = Method SP Request-URI SP SIP-Version CRLF
//   Status-Line    = SIP-Version SP Status-Code SP Reason-Phrase CRLF
//   message-header = field-name HCOLON field-value CRLF          (RFC 3261 §7.3.1 / §25.1)
//   HCOLON         = *( SP / HTAB ) ":" SWS
//   LWS            = [*WSP CRLF] 1*WSP ; linear whitespace (a fold)
//   SWS            = [LWS]
import { CLASS as CHAR_CLASS, TOKEN, WSP, DIGIT, CTL, URIC, ALPHA, EOL, LOWER, CR, LF, SP, HTAB, COLON } from '../bytes/chars.js';
import {
  NEED_MORE, E_BAD_START_LINE, E_BAD_METHOD, E_BAD_REQUEST_URI, E_BAD_VERSION, E_BAD_STATUS, E_BAD_REASON,
  E_EXTRA_WHITESPACE, E_BARE_LF, E_BAD_LINE_END, E_BAD_HEADER_NAME, E_NO_COLON, E_BAD_HEADER_VALUE,
  E_TOO_MANY_HEADERS, E_LINE_TOO_LONG, E_MESSAGE_TOO_LARGE, E_BODY_TOO_LARGE, E_BAD_CONTENT_LENGTH,
  E_MULTIPLE_CONTENT_LENGTH, E_MISSING_CONTENT_LENGTH, E_TRUNCATED_BODY, E_TRUNCATED_HEADERS, E_BAD_ARGUMENTS,
} from './errors.js';
import { H, NAME_BASE, NAME_CHECK, NAME_COLUMN, NAME_ID, NAME_START, lookupMethodId } from './header-ids.js';
import type { SipMessageView } from './view.js';

export { NEED_MORE } from './errors.js';

/** Lenient knobs; all false means strict RFC 3261. Preallocate one object and pass it every time. */
export interface ParseOptions {
  /** Accept LF without CR as a line end (RFC 5118's archive files, some hand-written test tools). */
  allowBareLf: boolean;
  /** Strict mode already accepts SP/HTAB between a header name and its colon, because RFC 3261's
   *  HCOLON grammar allows it (RFC 4475 wsinv.dat relies on it). This option also accepts a line
   *  fold there ("Name\r\n : value"), which naive line-wrapping servers produce. */
  allowSpaceBeforeColon: boolean;
  /** Accept control characters and malformed UTF-8 in the Reason-Phrase, and a Status-Line that
   *  ends right after the code with no SP ("SIP/2.0 200\r\n"). The phrase is never interpreted. */
  allowAnyReasonBytes: boolean;
  /** The buffer is one whole UDP datagram (RFC 3261 §18.3): without Content-Length the body is the
   *  rest of the datagram; bytes after Content-Length are ignored (the return value says where the
   *  message ended); an incomplete message is an error rather than NEED_MORE.
   *  When false (stream transports), Content-Length is required. */
  datagram: boolean;
  /** Datagram only: accept a body shorter than Content-Length (body = what is there). RFC 3261
   *  §18.3 says such a message is an error; some RFC examples (RFC 5118 ipv6-in-sdp) miscount. */
  allowShortBody?: boolean;
  /** Datagram only: accept a datagram that ends after a complete header line without the empty
   *  line that closes the header section (RFC 5118 §4.10 archive files, RFC 4475 baddn.dat). */
  allowMissingEmptyLine?: boolean;
}

export function createParseOptions(overrides?: Partial<ParseOptions>): ParseOptions {
  return {
    allowBareLf: overrides?.allowBareLf === true,
    allowSpaceBeforeColon: overrides?.allowSpaceBeforeColon === true,
    allowAnyReasonBytes: overrides?.allowAnyReasonBytes === true,
    datagram: overrides?.datagram === true,
    allowShortBody: overrides?.allowShortBody === true,
    allowMissingEmptyLine: overrides?.allowMissingEmptyLine === true,
  };
}

/** Strict, stream transport. */
const STRICT_STREAM: ParseOptions = Object.freeze(createParseOptions());

const MAX_CONTENT_LENGTH_DIGITS = 10;

/** Inputs shorter than this are scanned byte by byte (no word view is looked up or made). */
const MIN_WORD_SCAN_BYTES = 128;

function fail(view: SipMessageView, code: number, at: number): number {
  view.errorCode = code;
  view.errorOffset = at;
  return code;
}

/** A scan stopped at `stop` (the end of the data or a size limit) inside the line that starts at
 *  `lineStart`. If a limit lies before the end of the data, the line or message is too long:
 *  whichever limit comes first decides, so that the verdict never depends on how the bytes were
 *  chunked. Otherwise the data ran out: NEED_MORE on a stream, an error for a datagram. */
function stopped(view: SipMessageView, off: number, end: number, lineStart: number, datagram: boolean): number {
  const limits = view.limits;
  const lineLimit = lineStart + limits.maxLineBytes;
  const messageLimit = off + limits.maxMessageBytes;
  const first = lineLimit < messageLimit ? lineLimit : messageLimit;
  if (end > first) {
    return first === lineLimit ? fail(view, E_LINE_TOO_LONG, lineLimit) : fail(view, E_MESSAGE_TOO_LARGE, messageLimit);
  }
  if (datagram) return fail(view, E_TRUNCATED_HEADERS, end);
  view.errorCode = NEED_MORE;
  view.errorOffset = end;
  return NEED_MORE;
}

/** "SIP/2.0", case-insensitive (RFC 3261 §7.1: "The SIP-Version string is case-insensitive"). */
function isSip20(buf: Uint8Array, at: number, end: number): boolean {
  return end - at === 7 && LOWER[buf[at]] === 0x73 && LOWER[buf[at + 1]] === 0x69 && LOWER[buf[at + 2]] === 0x70 &&
    buf[at + 3] === 0x2f && buf[at + 4] === 0x32 && buf[at + 5] === 0x2e && buf[at + 6] === 0x30;
}

/** True when buf[at, at+4) is "SIP/" in any case: the start of a Status-Line ("/" is not a token
 *  character, so no method can start this way). */
function startsWithSipSlash(buf: Uint8Array, at: number, end: number): boolean {
  return end - at >= 4 && LOWER[buf[at]] === 0x73 && LOWER[buf[at + 1]] === 0x69 && LOWER[buf[at + 2]] === 0x70 &&
    buf[at + 3] === 0x2f;
}

/** The scheme buf[at, colon) is "sip" or "sips", case-insensitive (RFC 3986 §3.1). */
function isSipScheme(buf: Uint8Array, at: number, colon: number): boolean {
  const n = colon - at;
  if (n !== 3 && n !== 4) return false;
  if (LOWER[buf[at]] !== 0x73 || LOWER[buf[at + 1]] !== 0x69 || LOWER[buf[at + 2]] !== 0x70) return false;
  return n === 3 || LOWER[buf[at + 3]] === 0x73;
}

/** Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB):
 *  in practice every octet but CTLs, with non-ASCII octets forming UTF-8 sequences (lead byte and
 *  continuation count are checked; overlong forms are not, the phrase is never interpreted).
 *  Returns the offset of the first bad octet, or -1. */
function checkReason(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      if (CHAR_CLASS[b] & CTL) return i;
      i++;
      continue;
    }
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    if (i + need >= end) return i; // sequence cut off by the end of the line
    for (let k = 1; k <= need; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i + k;
    i += need + 1;
  }
  return -1;
}

/** Parse one message from buf[off, off+len). Returns bytes consumed (> 0; leading CRLFs before the
 *  start line count as consumed, RFC 3261 §7.5), NEED_MORE (0), or a negative error code with
 *  view.errorOffset set. On E_TRUNCATED_BODY the start line and headers in the view are valid. */
export function parse(
  buf: Uint8Array,
  off: number,
  len: number,
  view: SipMessageView,
  options: ParseOptions = STRICT_STREAM,
): number {
  const previous = view.buf;
  view.buf = buf;
  view.headerCount = 0;
  view.contentLength = -1;
  view.statusCode = 0;
  view.methodId = 0;
  view.methodOff = view.methodLen = view.uriOff = view.uriLen = 0;
  view.reasonOff = view.reasonLen = view.bodyOff = view.bodyLen = 0;
  view.messageOff = view.messageLen = 0;
  view.errorCode = 0;
  view.errorOffset = 0;
  view.toTagOff = view.fromTagOff = -2;
  // `(x | 0) === x` rejects NaN, fractions, infinities and values beyond 2^31 in one go.
  if (!(off >= 0 && len >= 0 && off + len <= buf.length && (off | 0) === off && (len | 0) === len)) {
    return fail(view, E_BAD_ARGUMENTS, 0);
  }
  // A reused buffer gets a 32-bit view for the value scan (see the field-value loop). The first
  // sight of a buffer only remembers it, so a caller passing a fresh buffer each time never pays
  // for a view. Short inputs gain nothing and are left alone (reading .buffer of a small typed
  // array can make an engine materialise one).
  let words: Int32Array | null = null;
  if (buf === view.wordsFor) {
    words = view.words;
  } else if (len >= MIN_WORD_SCAN_BYTES) {
    const backing = buf.buffer;
    if (backing === view.wordsBuffer) {
      words = view.words;
      view.wordsFor = buf;
    } else if (previous.length >= MIN_WORD_SCAN_BYTES && backing === previous.buffer && backing.byteLength >= 4) {
      words = new Int32Array(backing, 0, backing.byteLength >> 2);
      view.wordsBuffer = backing;
      view.wordsFor = buf;
      view.words = words;
    }
  }
  const base = buf.byteOffset;
  // The locals the per-byte loops use are `var`, not let/const: QuickJS gives every let/const a
  // TDZ slot, set at scope entry and checked on each use (a `let` loop variable costs ~40 % more per
  // iteration in its wasm build, measured). Function-scope ones, and the header-name automaton's,
  // which run per name byte: turning a block-scoped one into `var` costs bundle bytes (terser can
  // no longer give it a short name shared with its siblings), so the others stay let/const.
  // The class table in a local: one register instead of a module-binding load per byte.
  var CLASS = CHAR_CLASS;
  // Likewise the class bits the per-byte loops test: locals, not imported bindings.
  var ctl = CTL;
  var wsp = WSP;
  var wspEol = WSP | EOL;
  var token = TOKEN;
  var uric = URIC;
  const contentLengthId = H.CONTENT_LENGTH;
  var nameColumn = NAME_COLUMN;
  var nameBase = NAME_BASE;
  var nameCheck = NAME_CHECK;
  const nameId = NAME_ID;
  const datagram = options.datagram;
  const bareLf = options.allowBareLf;
  const limits = view.limits;
  const maxLine = limits.maxLineBytes;
  var end = off + len;
  var p = off;

  // RFC 3261 §7.5: ignore CRLFs before the start line (keep-alives, RFC 5626 §3.5.1).
  while (p < end) {
    if (buf[p] === CR) {
      if (p + 1 >= end) return stopped(view, off, end, p, datagram);
      if (buf[p + 1] !== LF) return fail(view, E_BAD_LINE_END, p);
      p += 2;
    } else if (buf[p] === LF) {
      if (!bareLf) return fail(view, E_BARE_LF, p);
      p++;
    } else {
      break;
    }
  }
  if (p >= end) return stopped(view, off, end, p, datagram);
  const start = p;
  view.messageOff = start;
  const maxMessage = limits.maxMessageBytes;
  const messageLimit = off + maxMessage < end ? off + maxMessage : end;

  // ---- Start line, in one pass. Every scan is bounded by `limit` (end of data, line or message
  // limit, whichever is first); reaching it hands over to stopped(). ----
  var limit = start + maxLine < messageLimit ? start + maxLine : messageLimit;
  var q = start;
  if (startsWithSipSlash(buf, start, limit)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    view.isRequest = false;
    while (q < limit && buf[q] !== SP && buf[q] !== CR && buf[q] !== LF) q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (!isSip20(buf, start, q)) return fail(view, E_BAD_VERSION, start);
    view.versionOff = start;
    view.versionLen = q - start;
    if (buf[q] !== SP) return fail(view, E_BAD_STATUS, q);
    q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (CLASS[buf[q]] & WSP) return fail(view, E_EXTRA_WHITESPACE, q);
    const codeStart = q;
    let code = 0;
    while (q < limit && (CLASS[buf[q]] & DIGIT) && q - codeStart < 4) code = code * 10 + (buf[q++] - 0x30);
    if (q >= limit) return stopped(view, off, end, start, datagram);
    // Status-Code = 3DIGIT; §21 defines classes 1xx-6xx, nothing else has a meaning to a UA.
    if (q - codeStart !== 3 || code < 100 || code > 699) return fail(view, E_BAD_STATUS, codeStart);
    view.statusCode = code;
    let reasonStart = q;
    if (buf[q] === SP) {
      reasonStart = ++q;
    } else if (!((buf[q] === CR || buf[q] === LF) && options.allowAnyReasonBytes)) {
      return fail(view, E_BAD_STATUS, q);
    }
    while (q < limit && buf[q] !== CR && buf[q] !== LF) q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (!options.allowAnyReasonBytes) {
      const bad = checkReason(buf, reasonStart, q);
      if (bad >= 0) return fail(view, E_BAD_REASON, bad);
    }
    view.reasonOff = reasonStart;
    view.reasonLen = q - reasonStart;
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF
    view.isRequest = true;
    while (q < limit && (CLASS[buf[q]] & token)) q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (q === start) return fail(view, (CLASS[buf[q]] & (WSP | EOL)) ? E_BAD_START_LINE : E_BAD_METHOD, q);
    if (buf[q] !== SP) {
      return fail(view, buf[q] === CR || buf[q] === LF ? E_BAD_START_LINE : buf[q] === HTAB ? E_EXTRA_WHITESPACE : E_BAD_METHOD, q);
    }
    view.methodOff = start;
    view.methodLen = q - start;
    view.methodId = lookupMethodId(buf, start, q - start);
    q++;
    // Request-URI: a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":") then URI characters.
    // RFC 4475 ltgtruri.dat: "<" is never allowed; lwsruri.dat: whitespace ends the URI.
    const uriStart = q;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (CLASS[buf[q]] & WSP) return fail(view, E_EXTRA_WHITESPACE, q);
    if (!(CLASS[buf[q]] & ALPHA)) return fail(view, E_BAD_REQUEST_URI, q);
    while (q < limit && ((CLASS[buf[q]] & (ALPHA | DIGIT)) || buf[q] === 0x2b || buf[q] === 0x2d || buf[q] === 0x2e)) q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (buf[q] !== COLON) return fail(view, E_BAD_REQUEST_URI, q);
    // RFC 3261 §19.1.1 (table of URI components): a SIP/SIPS Request-URI must not carry
    // headers ("?..." after the hostport; RFC 4475 escruri.dat). "?" is legal in the user part
    // (user-unreserved; RFC 4475 intmeth.dat), which ends at the first "@". Other schemes may use
    // "?" for their own purposes.
    const sipScheme = isSipScheme(buf, uriStart, q);
    let at = -1;
    let question = -1;
    while (q < limit && (CLASS[buf[q]] & uric)) {
      const u = buf[q];
      if (u === 0x40 && at < 0) { at = q; question = -1; }
      else if (u === 0x3f && question < 0) question = q;
      q++;
    }
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (sipScheme && question >= 0) return fail(view, E_BAD_REQUEST_URI, question);
    if (buf[q] === CR || buf[q] === LF) return fail(view, E_BAD_VERSION, q); // no SIP-Version (RFC 4475 test.dat)
    if (buf[q] !== SP) return fail(view, buf[q] === HTAB ? E_EXTRA_WHITESPACE : E_BAD_REQUEST_URI, q);
    view.uriOff = uriStart;
    view.uriLen = q - uriStart;
    q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (CLASS[buf[q]] & WSP) return fail(view, E_EXTRA_WHITESPACE, q);
    const versionStart = q;
    while (q < limit && !(CLASS[buf[q]] & wspEol)) q++;
    if (q >= limit) return stopped(view, off, end, start, datagram);
    if (CLASS[buf[q]] & WSP) {
      // Something follows the third element. Trailing whitespace only (RFC 4475 trws.dat) is an
      // extra-SP fault; otherwise the "version" was a piece of a Request-URI with LWS inside it
      // (RFC 4475 lwsruri.dat: "sip:user@example.com; lr SIP/2.0"). Decided on the whole line.
      let r = q;
      while (r < limit && buf[r] !== CR && buf[r] !== LF) r++;
      if (r >= limit) return stopped(view, off, end, start, datagram);
      let t = q;
      while (t < r && (CLASS[buf[t]] & WSP)) t++;
      if (t === r && isSip20(buf, versionStart, q)) return fail(view, E_EXTRA_WHITESPACE, q);
      return fail(view, E_BAD_REQUEST_URI, versionStart - 1);
    }
    if (!isSip20(buf, versionStart, q)) return fail(view, E_BAD_VERSION, versionStart);
    view.versionOff = versionStart;
    view.versionLen = q - versionStart;
  }
  // q is at the CR or LF that ends the start line.
  if (buf[q] === CR) {
    if (q + 1 >= end) return stopped(view, off, end, start, datagram);
    if (buf[q + 1] !== LF) return fail(view, E_BAD_LINE_END, q);
    p = q + 2;
  } else {
    if (!bareLf) return fail(view, E_BARE_LF, q);
    p = q + 1;
  }

  // ---- Header fields ----
  const maxHeaders = limits.maxHeaders;
  const ids = view.headerId;
  const nameOffs = view.nameOff;
  const nameLens = view.nameLen;
  const valueOffs = view.valueOff;
  const valueLens = view.valueLen;
  const foldBeforeColon = options.allowSpaceBeforeColon;
  const missingEmptyLine = datagram && options.allowMissingEmptyLine === true;
  let count = 0;
  let contentLength = -1;
  for (;;) {
    const lineStart = p;
    limit = lineStart + maxLine < messageLimit ? lineStart + maxLine : messageLimit;
    if (p >= limit) {
      if (p >= end && missingEmptyLine) break;
      view.headerCount = count;
      return stopped(view, off, end, lineStart, datagram);
    }
    var c = buf[p];
    // The empty line that ends the header section.
    if (c === CR) {
      if (p + 1 >= end) { view.headerCount = count; return stopped(view, off, end, p, datagram); }
      if (buf[p + 1] !== LF) return fail(view, E_BAD_LINE_END, p);
      p += 2;
      break;
    }
    if (c === LF) {
      if (!bareLf) return fail(view, E_BARE_LF, p);
      p++;
      break;
    }
    if (count >= maxHeaders) { view.headerCount = count; return fail(view, E_TOO_MANY_HEADERS, p); }

    // field-name = token; the name automaton (header-ids.ts) yields the header id on the way.
    // `var`: the automaton runs per name byte (see the note on the locals above).
    var nameState = NAME_START;
    while (p < limit) {
      var column = nameColumn[buf[p]];
      if (column === 0) break;
      var t = nameBase[nameState] + column;
      nameState = nameCheck[t] === nameState ? t : 0;
      p++;
    }
    const nameEnd = p;
    if (p >= limit) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
    if (nameEnd === lineStart) return fail(view, E_BAD_HEADER_NAME, p);
    c = buf[p];
    if (c !== COLON) {
      // HCOLON = *( SP / HTAB ) ":" SWS
      if (!(CLASS[c] & WSP) && !(foldBeforeColon && (c === CR || c === LF))) {
        return fail(view, c === CR || c === LF ? E_NO_COLON : E_BAD_HEADER_NAME, p);
      }
      for (;;) {
        while (p < limit && (CLASS[buf[p]] & WSP)) p++;
        if (!foldBeforeColon || p >= limit) break;
        // allowSpaceBeforeColon: a fold between the name and the colon
        if (buf[p] === CR && p + 1 >= end) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
        const fold = buf[p] === CR ? (buf[p + 1] === LF ? 2 : 0) : (buf[p] === LF && bareLf ? 1 : 0);
        if (fold === 0) break;
        if (p + fold >= end) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
        if (!(CLASS[buf[p + fold]] & WSP)) break;
        p += fold;
      }
      if (p >= limit) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
      if (buf[p] !== COLON) return fail(view, E_NO_COLON, p);
    }
    p++; // the colon

    // SWS before the value: whitespace and folds.
    for (;;) {
      while (p < limit && (CLASS[buf[p]] & wsp)) p++;
      if (p >= limit) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
      c = buf[p];
      const eol = c === CR ? 2 : c === LF && bareLf ? 1 : 0;
      if (eol === 0) break;
      if (p + 1 >= end) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
      if (c === CR && buf[p + 1] !== LF) break; // reported by the value loop
      if (p + eol >= end) {
        if (missingEmptyLine) break;
        view.headerCount = count;
        return stopped(view, off, end, lineStart, datagram);
      }
      if (!(CLASS[buf[p + eol]] & WSP)) break; // an empty value
      p += eol + 1;
    }
    const valueStart = p;
    let valueEnd: number;
    // field-value: runs to a line end that is not followed by WSP (a fold).
    for (;;) {
      // Hot loop: every byte of every value passes here once; it is the parser's floor. A value
      // byte stops the scan when it is a CTL other than HTAB (< 0x20, or DEL). With a word view,
      // the aligned words wholly inside [p, limit) that hold no such byte are skipped four bytes
      // at a time (SWAR: per byte, (x - 0x20) & ~x has the top bit set iff x < 0x20, and
      // y = x ^ 0x7f is 0 iff x is DEL; a borrow only spreads above a byte that already matched,
      // so the test on the whole word is exact). The byte loop then finds the exact stop; HTAB,
      // which fails the word test, is accepted there.
      if (words !== null) {
        while (p < limit && ((base + p) & 3) !== 0) {
          const b = buf[p];
          if ((b < 0x20 && b !== 0x09) || b === 0x7f) break;
          p++;
        }
        if (((base + p) & 3) === 0) {
          const wordEnd = (base + limit) >> 2;
          let w = (base + p) >> 2;
          while (w < wordEnd) {
            const x = words[w];
            const y = x ^ 0x7f7f7f7f;
            if (((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) !== 0) break;
            w++;
          }
          p = w * 4 - base;
        }
      }
      // Four bytes per step while none is a CTL (CLASS & CTL: < 0x20 but HTAB, and DEL): an
      // interpreter pays per loop step more than per byte read. The byte loop finds the exact stop.
      const limit4 = limit - 3;
      while (p < limit4 && ((CLASS[buf[p]] | CLASS[buf[p + 1]] | CLASS[buf[p + 2]] | CLASS[buf[p + 3]]) & ctl) === 0) p += 4;
      while (p < limit && (CLASS[buf[p]] & ctl) === 0) p++;
      if (p >= end) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
      c = buf[p];
      let eol: number;
      if (c === CR) {
        if (p + 1 >= end) { view.headerCount = count; return stopped(view, off, end, lineStart, datagram); }
        if (buf[p + 1] !== LF) return fail(view, E_BAD_LINE_END, p);
        eol = 2;
      } else if (c === LF) {
        if (!bareLf) return fail(view, E_BARE_LF, p);
        eol = 1;
      } else if (p >= limit) {
        // an ordinary byte just past the line or message limit
        view.headerCount = count;
        return stopped(view, off, end, lineStart, datagram);
      } else if (p > valueStart && buf[p - 1] === 0x5c) {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): an escaped control character inside a
        // quoted-string (RFC 4475 intmeth.dat has \BEL, \NUL, \DEL). Whether the backslash really
        // sits inside quotes is for the header's decoder to judge.
        p++;
        continue;
      } else {
        return fail(view, E_BAD_HEADER_VALUE, p);
      }
      if (p + eol >= end) {
        // Whether the next line continues this one is unknown yet. A datagram that ends here has
        // no empty line; allowMissingEmptyLine takes the line as the last header.
        if (!missingEmptyLine) {
          view.headerCount = count;
          return stopped(view, off, end, lineStart, datagram);
        }
      } else if (CLASS[buf[p + eol]] & wsp) {
        p += eol + 1; // a fold: the value span runs on through it
        continue;
      }
      valueEnd = p;
      p += eol;
      break;
    }
    // Trim trailing LWS (WSP, and the CR/LF of a fold followed only by whitespace).
    while (valueEnd > valueStart && (CLASS[buf[valueEnd - 1]] & wspEol)) valueEnd--;
    const id = nameId[nameState];
    ids[count] = id;
    nameOffs[count] = lineStart;
    nameLens[count] = nameEnd - lineStart;
    valueOffs[count] = valueStart;
    valueLens[count] = valueEnd - valueStart;
    count++;

    if (id === contentLengthId) {
      // Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT   (RFC 3261 §20.14)
      if (valueEnd === valueStart) { view.headerCount = count; return fail(view, E_BAD_CONTENT_LENGTH, valueStart); }
      let v = 0;
      let digits = 0;
      for (let i = valueStart; i < valueEnd; i++) {
        const d = buf[i];
        if (!(CLASS[d] & DIGIT)) { view.headerCount = count; return fail(view, E_BAD_CONTENT_LENGTH, i); }
        if (v !== 0 || d !== 0x30) digits++; // leading zeros do not count towards the size cap
        if (digits <= MAX_CONTENT_LENGTH_DIGITS) v = v * 10 + (d - 0x30);
      }
      if (digits > MAX_CONTENT_LENGTH_DIGITS) v = Number.MAX_SAFE_INTEGER;
      // Two Content-Length fields that disagree (RFC 4475 mcl01.dat) make framing ambiguous: a
      // proxy and a UA could split the stream differently (request smuggling). Equal repeats are harmless.
      if (contentLength >= 0 && contentLength !== v) {
        view.headerCount = count;
        return fail(view, E_MULTIPLE_CONTENT_LENGTH, lineStart);
      }
      contentLength = v;
      if (v > limits.maxBodyBytes) {
        view.headerCount = count;
        view.contentLength = v;
        return fail(view, E_BODY_TOO_LARGE, valueStart);
      }
    }
  }
  view.headerCount = count;
  view.contentLength = contentLength;

  // ---- Body (RFC 3261 §18.3, §20.14) ----
  const bodyStart = p;
  let bodyLen: number;
  view.bodyOff = bodyStart;
  if (contentLength >= 0) {
    bodyLen = contentLength;
    // At the body the declared length cannot fit: off + maxMessage may lie past the bytes given.
    if (bodyStart + bodyLen - off > maxMessage) return fail(view, E_MESSAGE_TOO_LARGE, bodyStart);
    if (bodyStart + bodyLen > end) {
      if (!datagram) {
        view.errorOffset = end;
        return NEED_MORE;
      }
      view.bodyLen = end - bodyStart;
      if (options.allowShortBody !== true) return fail(view, E_TRUNCATED_BODY, end);
      bodyLen = end - bodyStart;
    }
  } else if (datagram) {
    bodyLen = end - bodyStart;
    if (bodyLen > limits.maxBodyBytes) return fail(view, E_BODY_TOO_LARGE, bodyStart + limits.maxBodyBytes);
    if (end - off > maxMessage) return fail(view, E_MESSAGE_TOO_LARGE, off + maxMessage);
  } else {
    return fail(view, E_MISSING_CONTENT_LENGTH, bodyStart);
  }
  view.bodyLen = bodyLen;
  view.messageLen = bodyStart + bodyLen - start;
  return bodyStart + bodyLen - off;
}
