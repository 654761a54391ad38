// Byte spans of whole tokens (markup included), for patching a document at the byte level. The
// XmlReader reports names and content; a patch needs where a start tag, an end tag or a comment
// begins and ends so that it can copy what is around them. With skipBlankText off every byte
// inside the root element belongs to a token, so each token starts where the previous one ended:
// only start tags (nameStart − 1) and the prolog need to be found otherwise.
//
// Also a scanner of a start tag's raw attributes: the reader does not list namespace declarations
// (they are not attributes, Namespaces in XML §3), and a patch must find, copy or drop them.
import { XmlReader, XmlToken } from '../../xml/reader.js';

const enum C { LT = 0x3c, GT = 0x3e, SLASH = 0x2f, EQ = 0x3d, QUOT = 0x22, APOS = 0x27 }

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/**
 * End (index after `>`) of a start tag whose name ends at nameEnd, already checked by the reader;
 * -1 if there is none before end. Quoted values may hold `>`.
 */
export function startTagEnd(buf: Uint8Array, nameEnd: number, end: number): number {
  let i = nameEnd;
  while (i < end) {
    const c = buf[i]!;
    if (c === C.QUOT || c === C.APOS) {
      i++;
      while (i < end && buf[i] !== c) i++;
      i++;
      continue;
    }
    if (c === C.GT) return i + 1;
    i++;
  }
  return -1;
}

/** An XmlReader whose tokens also carry their whole byte span [start, end). */
export class SpanCursor {
  readonly reader: XmlReader;
  start = 0;
  end = 0;
  /** The StartElement just read was `<a/>` (its EndElement has no bytes of its own). */
  private emptyPending = false;
  private cursor = 0;
  private limit = 0;

  constructor(reader: XmlReader) {
    this.reader = reader;
  }

  reset(buf: Uint8Array, start: number, end: number): void {
    this.reader.skipBlankText = false;
    this.reader.reset(buf, start, end);
    this.cursor = start;
    this.limit = end;
    this.emptyPending = false;
    this.start = this.end = start;
  }

  next(): XmlToken {
    const r = this.reader;
    const kind = r.next();
    const buf = r.buffer;
    switch (kind) {
      case XmlToken.StartElement: {
        this.start = r.nameStart - 1;
        const end = startTagEnd(buf, r.nameEnd, this.limit);
        // The reader read the whole tag: a missing `>` cannot happen; be safe anyway.
        this.end = end < 0 ? this.limit : end;
        this.emptyPending = r.isEmptyElement;
        break;
      }
      case XmlToken.EndElement:
        if (this.emptyPending) {
          this.emptyPending = false;
          this.start = this.end = this.cursor;
        } else {
          this.start = this.cursor;
          let i = this.cursor;
          while (i < this.limit && buf[i] !== C.GT) i++;
          this.end = i + 1;
        }
        break;
      case XmlToken.Text:
        this.start = r.textStart;
        this.end = r.textEnd;
        break;
      case XmlToken.CData:
        this.start = r.textStart - 9; // <![CDATA[
        this.end = r.textEnd + 3;
        break;
      case XmlToken.Comment:
        this.start = r.textStart - 4; // <!--
        this.end = r.textEnd + 3;
        break;
      case XmlToken.ProcessingInstruction:
      case XmlToken.XmlDeclaration:
        this.start = r.nameStart - 2; // <?
        this.end = r.textEnd + 2;
        break;
      default:
        this.start = this.end = this.cursor;
    }
    this.cursor = this.end;
    return kind;
  }
}

/** Raw attributes (namespace declarations included) of one start tag, as spans of its bytes. */
export class RawAttributes {
  count = 0;
  readonly nameStart: Int32Array;
  readonly nameEnd: Int32Array;
  /** Value span without the quotes. */
  readonly valueStart: Int32Array;
  readonly valueEnd: Int32Array;
  /** Start of the whitespace before the name (removing [spaceStart, valueEnd + 1) removes the attribute). */
  readonly spaceStart: Int32Array;

  constructor(max: number) {
    this.nameStart = new Int32Array(max);
    this.nameEnd = new Int32Array(max);
    this.valueStart = new Int32Array(max);
    this.valueEnd = new Int32Array(max);
    this.spaceStart = new Int32Array(max);
  }

  /** Scans the attributes between an element name's end and its tag end; false if malformed or too many. */
  scan(buf: Uint8Array, nameEnd: number, tagEnd: number): boolean {
    const max = this.nameStart.length;
    let n = 0;
    let i = nameEnd;
    for (;;) {
      const space = i;
      while (i < tagEnd && isSpace(buf[i]!)) i++;
      if (i >= tagEnd || buf[i] === C.GT || buf[i] === C.SLASH) break;
      if (n >= max) return false;
      const ns = i;
      while (i < tagEnd && buf[i] !== C.EQ && !isSpace(buf[i]!)) i++;
      const ne = i;
      while (i < tagEnd && isSpace(buf[i]!)) i++;
      if (i >= tagEnd || buf[i] !== C.EQ) return false;
      i++;
      while (i < tagEnd && isSpace(buf[i]!)) i++;
      const q = buf[i];
      if (q !== C.QUOT && q !== C.APOS) return false;
      const vs = ++i;
      while (i < tagEnd && buf[i] !== q) i++;
      if (i >= tagEnd) return false;
      this.spaceStart[n] = space;
      this.nameStart[n] = ns;
      this.nameEnd[n] = ne;
      this.valueStart[n] = vs;
      this.valueEnd[n] = i;
      n++;
      i++;
    }
    this.count = n;
    return true;
  }

  /**
   * Index of the declaration of prefix pbuf[ps, pe) (`xmlns:p`), or of the default namespace
   * (`xmlns`) when the prefix is empty; -1 when this tag declares none.
   */
  findDeclaration(buf: Uint8Array, pbuf: Uint8Array, ps: number, pe: number): number {
    const plen = pe - ps;
    for (let a = 0; a < this.count; a++) {
      const s = this.nameStart[a]!;
      const e = this.nameEnd[a]!;
      if (e - s < 5 || buf[s] !== 0x78 || buf[s + 1] !== 0x6d || buf[s + 2] !== 0x6c || buf[s + 3] !== 0x6e || buf[s + 4] !== 0x73) continue;
      if (plen === 0) { if (e - s === 5) return a; continue; }
      if (e - s !== 6 + plen || buf[s + 5] !== 0x3a) continue;
      let k = 0;
      while (k < plen && buf[s + 6 + k] === pbuf[ps + k]) k++;
      if (k === plen) return a;
    }
    return -1;
  }

  /** Index of the attribute whose qualified name is exactly nbuf[ns, ne), or -1. */
  findName(buf: Uint8Array, nbuf: Uint8Array, ns: number, ne: number): number {
    const len = ne - ns;
    for (let a = 0; a < this.count; a++) {
      const s = this.nameStart[a]!;
      if (this.nameEnd[a]! - s !== len) continue;
      let k = 0;
      while (k < len && buf[s + k] === nbuf[ns + k]) k++;
      if (k === len) return a;
    }
    return -1;
  }
}
