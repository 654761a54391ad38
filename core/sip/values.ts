// Iterate the comma-separated values of a header across all its instances, without allocating.
// RFC 3261 §7.3.1: "Via: a, b" and two "Via:" lines are equivalent; commas inside a
// quoted-string or between "<" and ">" (a URI may contain ",") do not separate values.
//
// Not for headers whose commas are not list separators: WWW-Authenticate, Authorization,
// Proxy-Authenticate, Proxy-Authorization (RFC 3261 §7.3.1 names them as the exception: their
// commas separate auth-params) and Date ("Sat, 13 Nov 2010 ..."). Their decoders read the whole span.
//
//   quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
//   quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
import { CLASS, WSP, CR, LF } from '../bytes/chars.js';
import type { SipMessageView } from './view.js';

const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LAQUOT = 0x3c;
const RAQUOT = 0x3e;

export class HeaderValueCursor {
  /** Span of the current value (trimmed of LWS), valid after next() returned true. */
  off = 0;
  len = 0;
  /** Index (into the view's header arrays) of the header the current value came from. */
  headerIndex = -1;
  /** The current value ended inside a quoted-string or a "<...>": the header's decoder should reject it. */
  unbalanced = false;

  private view: SipMessageView | null = null;
  private id = 0;
  private single = false;
  private pos = 0;
  private end = 0;

  /** Iterate the values of every header with this id, in message order. */
  reset(view: SipMessageView, id: number): void {
    this.view = view;
    this.id = id;
    this.single = false;
    this.headerIndex = -1;
    this.pos = this.end = 0;
    this.off = this.len = 0;
    this.unbalanced = false;
  }

  /** Iterate the values of one header instance only. */
  resetAt(view: SipMessageView, headerIndex: number): void {
    this.reset(view, 0);
    if (headerIndex < 0 || headerIndex >= view.headerCount) {
      this.single = true;
      this.headerIndex = view.headerCount;
      return;
    }
    this.single = true;
    this.headerIndex = headerIndex;
    this.pos = view.valueOff[headerIndex];
    this.end = this.pos + view.valueLen[headerIndex];
  }

  /** Move to the next non-empty value; false when there are no more. Empty elements (",,") are
   *  skipped, as RFC 7230 §7 asks list recipients to do; decoders that must be stricter can look
   *  at the raw header span. */
  next(): boolean {
    const view = this.view;
    if (view === null) return false;
    const buf = view.buf;
    for (;;) {
      if (this.pos >= this.end) {
        if (this.single) return false;
        const i = view.find(this.id, this.headerIndex + 1);
        if (i < 0) {
          this.headerIndex = view.headerCount;
          return false;
        }
        this.headerIndex = i;
        this.pos = view.valueOff[i];
        this.end = this.pos + view.valueLen[i];
        if (this.pos >= this.end) continue;
      }
      const end = this.end;
      let p = this.pos;
      let quoted = false;
      let angle = false;
      while (p < end) {
        const c = buf[p];
        if (quoted) {
          if (c === BACKSLASH) p++;
          else if (c === DQUOTE) quoted = false;
        } else if (c === DQUOTE) quoted = true;
        else if (c === LAQUOT) angle = true;
        else if (c === RAQUOT) angle = false;
        else if (c === COMMA && !angle) break;
        p++;
      }
      let s = this.pos;
      let e = p > end ? end : p;
      this.pos = p + 1;
      while (s < e && isLws(buf[s])) s++;
      while (e > s && isLws(buf[e - 1])) e--;
      if (e === s) continue;
      this.off = s;
      this.len = e - s;
      this.unbalanced = quoted || angle;
      return true;
    }
  }
}

function isLws(c: number): boolean {
  return (CLASS[c] & WSP) !== 0 || c === CR || c === LF;
}

/** Number of comma-separated values over all headers with this id (e.g. Via hops). */
export function countValues(view: SipMessageView, id: number, cursor: HeaderValueCursor): number {
  cursor.reset(view, id);
  let n = 0;
  while (cursor.next()) n++;
  return n;
}
