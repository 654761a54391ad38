// A bounded reader for multipart bodies (RFC 2046 §5.1), as resource-list NOTIFYs carry them
// (RFC 4662: multipart/related with an RLMI root and one part per resource). It walks the
// caller's bytes and reports each part as spans — headers and body — allocating nothing. Nested
// multiparts are read by starting another reader on a part's body; the caller bounds the depth.
// Past advisories of C stacks (out-of-bounds reads in multipart parsing) are why every scan here
// is bounded by `end` and every limit is an error code, never a crash.
//
//   multipart-body := [preamble CRLF]
//                     dash-boundary transport-padding CRLF
//                     body-part *encapsulation
//                     close-delimiter transport-padding
//                     [CRLF epilogue]
//   dash-boundary := "--" boundary
//   encapsulation := delimiter transport-padding CRLF body-part
//   delimiter := CRLF dash-boundary
//   close-delimiter := delimiter "--"
//   transport-padding := *LWSP-char
//   body-part := MIME-part-headers [CRLF *OCTET]

export const MULTIPART_PART = 1;
export const MULTIPART_END = 0;
export const E_MP_NO_BOUNDARY = -601;
export const E_MP_NO_FIRST_DELIMITER = -602;
export const E_MP_UNTERMINATED = -603;
export const E_MP_TOO_MANY_PARTS = -604;
export const E_MP_BAD_HEADER = -605;
export const E_MP_BAD_BOUNDARY = -606;

const MESSAGES: Readonly<Record<number, string>> = {
  [E_MP_NO_BOUNDARY]: 'multipart body without a boundary parameter',
  [E_MP_NO_FIRST_DELIMITER]: 'the boundary never appears in the body',
  [E_MP_UNTERMINATED]: 'a part is not closed by a delimiter (the close-delimiter "--boundary--" is missing)',
  [E_MP_TOO_MANY_PARTS]: 'more parts than the configured limit',
  [E_MP_BAD_HEADER]: 'a part header line has no colon or the part headers do not end',
  [E_MP_BAD_BOUNDARY]: 'the boundary is empty, longer than 70 characters, or ends in a space (RFC 2046 §5.1.1)',
};

export function multipartErrorMessage(code: number): string {
  return MESSAGES[code] ?? `multipart error ${code}`;
}

/** One part, as spans into the body bytes (-1 when a header is absent). */
export class MultipartPart {
  headersOff = 0;
  headersEnd = 0;
  bodyOff = 0;
  bodyLen = 0;
  contentTypeOff = -1;
  contentTypeLen = -1;
  contentIdOff = -1;
  contentIdLen = -1;
  transferEncodingOff = -1;
  transferEncodingLen = -1;
  /** Position of the error when next() fails. */
  errorOffset = -1;
}

const CR = 13;
const LF = 10;
const DASH = 45;

export class MultipartReader {
  private buf: Uint8Array = new Uint8Array(0);
  private end = 0;
  private boundary: Uint8Array = new Uint8Array(0);
  private boundaryOff = 0;
  private boundaryLen = 0;
  /** Where the next part's headers begin, or -1 once the close-delimiter was read. */
  private next_ = -1;
  private parts = 0;
  private started = false;
  private failed = 0;

  constructor(readonly maxParts: number = 64) {}

  /** Points the reader at a body and the boundary value (from Content-Type, quotes removed). */
  reset(buf: Uint8Array, off: number, end: number, boundary: Uint8Array, boundaryOff: number, boundaryLen: number): this {
    this.buf = buf;
    this.end = Math.min(end, buf.length);
    this.boundary = boundary;
    this.boundaryOff = boundaryOff;
    this.boundaryLen = boundaryLen;
    this.next_ = off;
    this.parts = 0;
    this.started = false;
    this.failed = 0;
    return this;
  }

  /** MULTIPART_PART with `out` filled, MULTIPART_END after the last part, or a negative error. */
  next(out: MultipartPart): number {
    if (this.failed !== 0) return this.failed;
    if (this.next_ < 0) return MULTIPART_END;
    if (!this.started) {
      this.started = true;
      if (this.boundaryLen < 1 || this.boundaryLen > 70 || this.boundary[this.boundaryOff + this.boundaryLen - 1] === 32) return this.fail(out, E_MP_BAD_BOUNDARY, this.next_);
      // The preamble is skipped: the first dash-boundary may sit at the very start.
      const first = this.findDelimiter(this.next_, true);
      if (first < 0) return this.fail(out, E_MP_NO_FIRST_DELIMITER, this.next_);
      const after = this.afterDelimiter(first + (this.atLineStart(first) ? 0 : 2));
      if (after === -2) { this.next_ = -1; return MULTIPART_END; }
      if (after < 0) return this.fail(out, E_MP_UNTERMINATED, first);
      this.next_ = after;
    }
    if (this.parts >= this.maxParts) return this.fail(out, E_MP_TOO_MANY_PARTS, this.next_);
    const start = this.next_;
    const delimiter = this.findDelimiter(start, false);
    if (delimiter < 0) return this.fail(out, E_MP_UNTERMINATED, start);
    // The part ends before the CRLF that begins the delimiter.
    const partEnd = delimiter;
    const code = this.readHeaders(start, partEnd, out);
    if (code < 0) return this.fail(out, code, out.errorOffset);
    this.parts++;
    const after = this.afterDelimiter(delimiter + 2);
    if (after === -2) this.next_ = -1;
    else if (after < 0) return this.fail(out, E_MP_UNTERMINATED, delimiter);
    else this.next_ = after;
    return MULTIPART_PART;
  }

  private fail(out: MultipartPart, code: number, at: number): number {
    this.failed = code;
    out.errorOffset = at;
    return code;
  }

  private atLineStart(pos: number): boolean {
    return this.buf[pos] === DASH;
  }

  /**
   * Finds the next delimiter at or after `from`: CRLF "--" boundary. When `allowAtStart`, a
   * dash-boundary at `from` itself (a body with no preamble) also counts. Returns the position
   * of the CRLF (or of the dashes, for the start case), or -1.
   */
  private findDelimiter(from: number, allowAtStart: boolean): number {
    const buf = this.buf;
    const end = this.end;
    if (allowAtStart && this.matchesDashBoundary(from)) return from;
    for (let i = from; i + 3 + this.boundaryLen <= end; i++) {
      if (buf[i] === CR && buf[i + 1] === LF && this.matchesDashBoundary(i + 2)) return i;
    }
    return -1;
  }

  private matchesDashBoundary(at: number): boolean {
    const buf = this.buf;
    const n = this.boundaryLen;
    if (at + 2 + n > this.end || buf[at] !== DASH || buf[at + 1] !== DASH) return false;
    const b = this.boundary;
    const bo = this.boundaryOff;
    for (let k = 0; k < n; k++) if (buf[at + 2 + k] !== b[bo + k]) return false;
    return true;
  }

  /**
   * Given the position of a dash-boundary, skips it, a close marker "--" (returns -2), the
   * transport padding and the CRLF; returns where the next part starts, or -1 when malformed.
   */
  private afterDelimiter(dashes: number): number {
    const buf = this.buf;
    let p = dashes + 2 + this.boundaryLen;
    if (p + 1 < this.end && buf[p] === DASH && buf[p + 1] === DASH) return -2;
    while (p < this.end && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p + 1 < this.end && buf[p] === CR && buf[p + 1] === LF) return p + 2;
    return -1;
  }

  /** Part headers until an empty line (or straight into the body when the part starts with CRLF). */
  private readHeaders(start: number, partEnd: number, out: MultipartPart): number {
    const buf = this.buf;
    out.headersOff = start;
    out.contentTypeOff = out.contentTypeLen = out.contentIdOff = out.contentIdLen = -1;
    out.transferEncodingOff = out.transferEncodingLen = -1;
    let p = start;
    while (p < partEnd) {
      if (buf[p] === CR && p + 1 < partEnd && buf[p + 1] === LF) {
        out.headersEnd = p;
        out.bodyOff = p + 2;
        out.bodyLen = partEnd - out.bodyOff;
        return 0;
      }
      const lineStart = p;
      let colon = -1;
      while (p < partEnd && !(buf[p] === CR && p + 1 < partEnd && buf[p + 1] === LF)) {
        if (colon < 0 && buf[p] === 58) colon = p;
        p++;
      }
      if (colon < 0 || p >= partEnd) {
        // A part that is only headers and no blank line: RFC 2046 allows an empty body only
        // after the blank line, so this is malformed.
        if (p >= partEnd && colon >= 0) {
          out.headersEnd = partEnd;
          out.bodyOff = partEnd;
          out.bodyLen = 0;
          this.noteHeader(lineStart, colon, partEnd, out);
          return 0;
        }
        out.errorOffset = lineStart;
        return E_MP_BAD_HEADER;
      }
      // Folded continuation lines belong to the same header (RFC 5322 §2.2.3): the value span
      // runs to the end of the last one (a folded Content-Type often carries the boundary there).
      let valueEnd = p;
      p += 2;
      while (p < partEnd && (buf[p] === 32 || buf[p] === 9)) {
        while (p < partEnd && !(buf[p] === CR && p + 1 < partEnd && buf[p + 1] === LF)) p++;
        valueEnd = p;
        p += 2;
      }
      this.noteHeader(lineStart, colon, valueEnd, out);
    }
    out.errorOffset = start;
    return E_MP_BAD_HEADER;
  }

  private noteHeader(lineStart: number, colon: number, lineEnd: number, out: MultipartPart): void {
    let nameEnd = colon;
    while (nameEnd > lineStart && (this.buf[nameEnd - 1] === 32 || this.buf[nameEnd - 1] === 9)) nameEnd--;
    let v = colon + 1;
    while (v < lineEnd && (this.buf[v] === 32 || this.buf[v] === 9)) v++;
    let ve = lineEnd;
    while (ve > v && (this.buf[ve - 1] === 32 || this.buf[ve - 1] === 9)) ve--;
    if (this.nameIs(lineStart, nameEnd, 'content-type')) { out.contentTypeOff = v; out.contentTypeLen = ve - v; }
    else if (this.nameIs(lineStart, nameEnd, 'content-id')) { out.contentIdOff = v; out.contentIdLen = ve - v; }
    else if (this.nameIs(lineStart, nameEnd, 'content-transfer-encoding')) { out.transferEncodingOff = v; out.transferEncodingLen = ve - v; }
  }

  private nameIs(off: number, end: number, lower: string): boolean {
    if (end - off !== lower.length) return false;
    for (let i = 0; i < lower.length; i++) {
      let c = this.buf[off + i]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lower.charCodeAt(i)) return false;
    }
    return true;
  }
}
