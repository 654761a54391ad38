// A small XML writer into a caller-owned buffer (PUBLISH bodies, NOTIFY bodies when we are the
// notifier). Escapes text and attribute values (XML 1.0 §2.4, §3.1). Never throws and never grows
// the buffer: when it is full the writer stops and finish() reports OutputFull. Element names
// are kept by reference on a fixed stack, so writing allocates nothing.
import { encodeUtf8CodePoint, stringToUtf8 } from './bytes.js';
import { XmlError } from './errors.js';
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';

const LT = 0x3c, GT = 0x3e, AMP = 0x26, QUOT = 0x22, SLASH = 0x2f, EQ = 0x3d, SPACE = 0x20;

export class XmlWriter {
  private out: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private start = 0;
  private limit = 0;
  private error: XmlError = XmlError.None;
  private startTagOpen = false;
  private readonly names: string[];
  private depth = 0;

  constructor(readonly maxDepth = 16) {
    this.names = new Array<string>(maxDepth).fill('');
  }

  reset(out: Uint8Array, start = 0, end = out.length): this {
    this.out = out;
    this.pos = start;
    this.start = start;
    this.limit = end;
    this.error = XmlError.None;
    this.startTagOpen = false;
    this.depth = 0;
    return this;
  }

  declaration(): this {
    if (this.pos !== this.start) return this.failWith(XmlError.WriterState);
    return this.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  }

  startElement(qualifiedName: string): this {
    if (this.error !== XmlError.None) return this;
    this.closeStartTag();
    if (this.depth >= this.maxDepth) return this.failWith(XmlError.DepthLimit);
    this.names[this.depth++] = qualifiedName;
    this.byte(LT);
    this.raw(qualifiedName);
    this.startTagOpen = true;
    return this;
  }

  /** An attribute of the element just started (also namespace declarations: `xmlns:rpid`). */
  attribute(qualifiedName: string, value: string): this {
    if (this.error !== XmlError.None) return this;
    if (!this.startTagOpen) return this.failWith(XmlError.WriterState);
    this.byte(SPACE);
    this.raw(qualifiedName);
    this.byte(EQ);
    this.byte(QUOT);
    this.escaped(value, true);
    this.byte(QUOT);
    return this;
  }

  text(value: string): this {
    if (this.error !== XmlError.None) return this;
    if (this.depth === 0) return this.failWith(XmlError.WriterState);
    this.closeStartTag();
    this.escaped(value, false);
    return this;
  }

  /** Escaped copy of UTF-8 bytes (e.g. a note kept as bytes in a model). */
  textBytes(src: Uint8Array, srcStart: number, srcEnd: number): this {
    if (this.error !== XmlError.None) return this;
    if (this.depth === 0) return this.failWith(XmlError.WriterState);
    this.closeStartTag();
    for (let i = srcStart; i < srcEnd; i++) this.escapedByte(src[i]!, false);
    return this;
  }

  endElement(): this {
    if (this.error !== XmlError.None) return this;
    if (this.depth === 0) return this.failWith(XmlError.WriterState);
    const name = this.names[--this.depth]!;
    if (this.startTagOpen) {
      this.startTagOpen = false;
      this.byte(SLASH);
      return this.byte(GT);
    }
    this.byte(LT);
    this.byte(SLASH);
    this.raw(name);
    return this.byte(GT);
  }

  /** `<name>text</name>` in one call. */
  element(qualifiedName: string, textValue: string): this {
    return this.startElement(qualifiedName).text(textValue).endElement();
  }

  /** End of the document in out[start, end), or the first error. */
  finish(): Result<number, XmlError> {
    if (this.error === XmlError.None && this.depth !== 0) this.error = XmlError.WriterState;
    if (this.error !== XmlError.None) return Err(this.error);
    return Ok(this.pos);
  }

  get length(): number {
    return this.pos - this.start;
  }

  private closeStartTag(): void {
    if (!this.startTagOpen) return;
    this.startTagOpen = false;
    this.byte(GT);
  }

  private failWith(code: XmlError): this {
    if (this.error === XmlError.None) this.error = code;
    return this;
  }

  private byte(b: number): this {
    if (this.error !== XmlError.None) return this;
    if (this.pos >= this.limit) return this.failWith(XmlError.OutputFull);
    this.out[this.pos++] = b;
    return this;
  }

  /** Names and fixed markup: written as UTF-8 without escaping. */
  private raw(text: string): this {
    if (this.error !== XmlError.None) return this;
    const next = stringToUtf8(text, this.out, this.pos, this.limit);
    if (next < 0) return this.failWith(XmlError.OutputFull);
    this.pos = next;
    return this;
  }

  private escaped(value: string, attribute: boolean): void {
    const length = value.length;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) {
        this.escapedByte(c, attribute);
        continue;
      }
      // Non-ASCII: one code point (a surrogate pair is joined; a lone surrogate becomes U+FFFD).
      let cp = c;
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < length) {
        const low = value.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) { cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00); i++; }
      }
      if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      const next = encodeUtf8CodePoint(cp, this.out, this.pos, this.limit);
      if (next < 0) { this.failWith(XmlError.OutputFull); return; }
      this.pos = next;
    }
  }

  // XML 1.0 §2.4: '<' and '&' always; '>' too (so "]]>" cannot appear); in attribute values
  // also '"' and, so that they survive §3.3.3 normalisation, tab/LF/CR as character references.
  private escapedByte(c: number, attribute: boolean): void {
    if (c === LT) { this.raw('&lt;'); return; }
    if (c === AMP) { this.raw('&amp;'); return; }
    if (c === GT) { this.raw('&gt;'); return; }
    if (attribute) {
      if (c === QUOT) { this.raw('&quot;'); return; }
      if (c === 0x09) { this.raw('&#9;'); return; }
      if (c === 0x0a) { this.raw('&#10;'); return; }
      if (c === 0x0d) { this.raw('&#13;'); return; }
    } else if (c === 0x0d) { this.raw('&#13;'); return; }
    // Other C0 controls are not XML characters at all (§2.2): drop them.
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
    this.byte(c);
  }
}
