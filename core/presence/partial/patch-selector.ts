// The `sel` attribute of an XML patch operation (RFC 5261 §4.1): a restricted XPath 1.0 location
// path from the document node. Compiled once per operation into preallocated tables of spans over
// the (decoded) selector bytes; nothing is allocated. Only the subset presence servers send is
// accepted (the selectors of RFC 5262's and RFC 5261's examples): anything else is a numeric error, never a throw,
// and the subscriber then asks for full state (RFC 5263).
//
// Grammar accepted (a subset of RFC 5261's `xpath` schema type; spaces only around "="):
//   sel        = ["/"] step *("/" step) ["/" terminal]
//   step       = name-test *predicate
//   name-test  = "*" / QName
//   predicate  = "[" "@" QName *WSP "=" *WSP literal "]"      ; attribute value
//              / "[" 1*DIGIT "]"                                ; position among the matches
//   terminal   = "@" QName                                      ; an attribute of the last element
//              / "text()" ["[" 1*DIGIT "]"]                     ; a text node child
//              / "namespace::" NCName                           ; a namespace declaration
//   literal    = DQUOTE *(any but DQUOTE) DQUOTE / "'" *(any but "'") "'"
// Not accepted: `//`, `..`, `.`, child-value predicates `[name="v"]`, `id()`, comment() and
// processing-instruction() nodes (RFC 5261 allows them; no presence server was seen to send them).
//
// Prefixes are only recorded here; the patcher resolves them against the namespace declarations
// in scope in the diff document (RFC 5261 §4.2.1), not those of the document being patched.

export const SelectorError = {
  None: 0,
  /** Empty, or ends where a step was expected. */
  Empty: 1,
  /** Not of the grammar above (a construct outside the supported subset included). */
  Syntax: 2,
  /** More steps or predicates than the tables hold. */
  TooComplex: 3,
} as const;
export type SelectorError = typeof SelectorError[keyof typeof SelectorError];

/** What the last part of the selector designates (RFC 5261 §4.1). */
export const SelectorTarget = { Element: 0, Attribute: 1, Text: 2, Namespace: 3 } as const;
export type SelectorTarget = typeof SelectorTarget[keyof typeof SelectorTarget];

export const PredicateKind = { Attribute: 0, Position: 1 } as const;

export const MAX_SELECTOR_STEPS = 12;
export const MAX_SELECTOR_PREDICATES = 16;

const enum C {
  SLASH = 0x2f, STAR = 0x2a, LBRACKET = 0x5b, RBRACKET = 0x5d, AT = 0x40, COLON = 0x3a, EQ = 0x3d,
  QUOT = 0x22, APOS = 0x27, LPAREN = 0x28, RPAREN = 0x29, SPACE = 0x20, TAB = 0x09,
}

// NCName characters (ASCII part; bytes >= 0x80, UTF-8 sequences, are accepted as in the XML reader).
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

const TEXT_FN = [0x74, 0x65, 0x78, 0x74, 0x28, 0x29]; // text()
const NAMESPACE_AXIS = [0x6e, 0x61, 0x6d, 0x65, 0x73, 0x70, 0x61, 0x63, 0x65, 0x3a, 0x3a]; // namespace::

export class PatchSelector {
  /** Bytes the spans refer to (set by parse). */
  buf: Uint8Array = new Uint8Array(0);
  stepCount = 0;
  target: SelectorTarget = SelectorTarget.Element;
  errorPosition = -1;
  /** Per step: 1 for `*`. */
  readonly stepAny = new Uint8Array(MAX_SELECTOR_STEPS);
  /** Per step: prefix span (empty: none) and local-name span. */
  readonly stepPrefixStart = new Int32Array(MAX_SELECTOR_STEPS);
  readonly stepPrefixEnd = new Int32Array(MAX_SELECTOR_STEPS);
  readonly stepLocalStart = new Int32Array(MAX_SELECTOR_STEPS);
  readonly stepLocalEnd = new Int32Array(MAX_SELECTOR_STEPS);
  /** Per step: its predicates are [stepPredicateFirst, stepPredicateFirst + stepPredicateCount). */
  readonly stepPredicateFirst = new Int32Array(MAX_SELECTOR_STEPS);
  readonly stepPredicateCount = new Int32Array(MAX_SELECTOR_STEPS);
  predicateCount = 0;
  readonly predicateKind = new Uint8Array(MAX_SELECTOR_PREDICATES);
  readonly predicatePrefixStart = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicatePrefixEnd = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicateLocalStart = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicateLocalEnd = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicateValueStart = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicateValueEnd = new Int32Array(MAX_SELECTOR_PREDICATES);
  readonly predicatePosition = new Int32Array(MAX_SELECTOR_PREDICATES);
  /** Terminal `@attr` / `namespace::p`: its prefix and local-name spans (namespace: prefix in local). */
  targetPrefixStart = 0;
  targetPrefixEnd = 0;
  targetLocalStart = 0;
  targetLocalEnd = 0;
  /** Terminal `text()[n]`: n, 0 when no position was given (the text child must then be unique). */
  targetPosition = 0;

  // Scanner state (fields: nothing is allocated per call).
  private pos = 0;
  private end = 0;
  private nameColon = -1;

  /** Compiles buf[start, end); 0 or a SelectorError (errorPosition says where). */
  parse(buf: Uint8Array, start: number, end: number): SelectorError {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.stepCount = 0;
    this.predicateCount = 0;
    this.target = SelectorTarget.Element;
    this.targetPosition = 0;
    this.errorPosition = -1;
    if (start >= end) return this.fail(SelectorError.Empty, start);
    if (buf[this.pos] === C.SLASH) this.pos++;
    for (;;) {
      if (this.pos >= end) return this.fail(SelectorError.Empty, this.pos);
      const c = buf[this.pos]!;
      if (c === C.AT || this.startsWith(TEXT_FN) || this.startsWith(NAMESPACE_AXIS)) {
        // A terminal needs an element step before it (the document node has no attributes).
        if (this.stepCount === 0) return this.fail(SelectorError.Syntax, this.pos);
        const r = this.parseTerminal();
        if (r !== 0) return r;
        return this.pos === end ? SelectorError.None : this.fail(SelectorError.Syntax, this.pos);
      }
      const r = this.parseStep();
      if (r !== 0) return r;
      if (this.pos === end) return SelectorError.None;
      if (buf[this.pos] !== C.SLASH) return this.fail(SelectorError.Syntax, this.pos);
      this.pos++;
    }
  }

  private parseStep(): SelectorError {
    const buf = this.buf;
    const s = this.stepCount;
    if (s >= MAX_SELECTOR_STEPS) return this.fail(SelectorError.TooComplex, this.pos);
    if (buf[this.pos] === C.STAR) {
      this.stepAny[s] = 1;
      this.stepPrefixStart[s] = this.stepPrefixEnd[s] = this.stepLocalStart[s] = this.stepLocalEnd[s] = this.pos;
      this.pos++;
    } else {
      const nameStart = this.pos;
      if (!this.scanQName()) return this.fail(SelectorError.Syntax, nameStart);
      this.stepAny[s] = 0;
      this.setName(nameStart, this.stepPrefixStart, this.stepPrefixEnd, this.stepLocalStart, this.stepLocalEnd, s);
    }
    this.stepPredicateFirst[s] = this.predicateCount;
    while (this.pos < this.end && buf[this.pos] === C.LBRACKET) {
      const r = this.parsePredicate();
      if (r !== 0) return r;
    }
    this.stepPredicateCount[s] = this.predicateCount - this.stepPredicateFirst[s]!;
    this.stepCount = s + 1;
    return SelectorError.None;
  }

  private parsePredicate(): SelectorError {
    const buf = this.buf;
    const p = this.predicateCount;
    if (p >= MAX_SELECTOR_PREDICATES) return this.fail(SelectorError.TooComplex, this.pos);
    this.pos++; // [
    if (this.pos < this.end && buf[this.pos] === C.AT) {
      this.pos++;
      const nameStart = this.pos;
      if (!this.scanQName()) return this.fail(SelectorError.Syntax, nameStart);
      this.setName(nameStart, this.predicatePrefixStart, this.predicatePrefixEnd, this.predicateLocalStart, this.predicateLocalEnd, p);
      this.skipSpace();
      if (this.pos >= this.end || buf[this.pos] !== C.EQ) return this.fail(SelectorError.Syntax, this.pos);
      this.pos++;
      this.skipSpace();
      const quote = this.pos < this.end ? buf[this.pos]! : 0;
      if (quote !== C.QUOT && quote !== C.APOS) return this.fail(SelectorError.Syntax, this.pos);
      const valueStart = ++this.pos;
      while (this.pos < this.end && buf[this.pos] !== quote) this.pos++;
      if (this.pos >= this.end) return this.fail(SelectorError.Syntax, this.pos);
      this.predicateValueStart[p] = valueStart;
      this.predicateValueEnd[p] = this.pos;
      this.pos++;
      this.predicateKind[p] = PredicateKind.Attribute;
    } else {
      const n = this.scanPosition();
      if (n <= 0) return this.fail(SelectorError.Syntax, this.pos);
      this.predicateKind[p] = PredicateKind.Position;
      this.predicatePosition[p] = n;
    }
    if (this.pos >= this.end || buf[this.pos] !== C.RBRACKET) return this.fail(SelectorError.Syntax, this.pos);
    this.pos++;
    this.predicateCount = p + 1;
    return SelectorError.None;
  }

  private parseTerminal(): SelectorError {
    const buf = this.buf;
    if (buf[this.pos] === C.AT) {
      this.pos++;
      const nameStart = this.pos;
      if (!this.scanQName()) return this.fail(SelectorError.Syntax, nameStart);
      const colon = this.nameColon;
      this.targetPrefixStart = nameStart;
      this.targetPrefixEnd = colon < 0 ? nameStart : colon;
      this.targetLocalStart = colon < 0 ? nameStart : colon + 1;
      this.targetLocalEnd = this.pos;
      this.target = SelectorTarget.Attribute;
      return SelectorError.None;
    }
    if (this.startsWith(TEXT_FN)) {
      this.pos += TEXT_FN.length;
      this.target = SelectorTarget.Text;
      if (this.pos < this.end && buf[this.pos] === C.LBRACKET) {
        this.pos++;
        const n = this.scanPosition();
        if (n <= 0 || this.pos >= this.end || buf[this.pos] !== C.RBRACKET) return this.fail(SelectorError.Syntax, this.pos);
        this.pos++;
        this.targetPosition = n;
      }
      return SelectorError.None;
    }
    this.pos += NAMESPACE_AXIS.length;
    const nameStart = this.pos;
    if (!this.scanQName() || this.nameColon >= 0) return this.fail(SelectorError.Syntax, nameStart);
    this.targetPrefixStart = this.targetPrefixEnd = nameStart;
    this.targetLocalStart = nameStart;
    this.targetLocalEnd = this.pos;
    this.target = SelectorTarget.Namespace;
    return SelectorError.None;
  }

  private setName(nameStart: number, prefixStart: Int32Array, prefixEnd: Int32Array, localStart: Int32Array, localEnd: Int32Array, i: number): void {
    const colon = this.nameColon;
    prefixStart[i] = nameStart;
    prefixEnd[i] = colon < 0 ? nameStart : colon;
    localStart[i] = colon < 0 ? nameStart : colon + 1;
    localEnd[i] = this.pos;
  }

  /** QName (Namespaces in XML §4) at pos; the colon (or -1) in nameColon. */
  private scanQName(): boolean {
    const buf = this.buf;
    const end = this.end;
    this.nameColon = -1;
    if (this.pos >= end || !isNameStart(buf[this.pos]!)) return false;
    this.pos++;
    while (this.pos < end && isNameChar(buf[this.pos]!)) this.pos++;
    if (this.pos < end && buf[this.pos] === C.COLON && this.pos + 1 < end && buf[this.pos + 1] !== C.COLON) {
      this.nameColon = this.pos++;
      if (this.pos >= end || !isNameStart(buf[this.pos]!)) return false;
      while (this.pos < end && isNameChar(buf[this.pos]!)) this.pos++;
    }
    return true;
  }

  /** 1*DIGIT at pos (at most 6 digits: a presence document has no millionth sibling); -1 if none. */
  private scanPosition(): number {
    const buf = this.buf;
    let n = 0;
    let digits = 0;
    while (this.pos < this.end) {
      const c = buf[this.pos]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      this.pos++;
      if (++digits > 6) return -1;
    }
    return digits === 0 ? -1 : n;
  }

  private skipSpace(): void {
    while (this.pos < this.end && (this.buf[this.pos] === C.SPACE || this.buf[this.pos] === C.TAB)) this.pos++;
  }

  private startsWith(bytes: readonly number[]): boolean {
    const n = bytes.length;
    if (this.pos + n > this.end) return false;
    for (let i = 0; i < n; i++) if (this.buf[this.pos + i] !== bytes[i]) return false;
    return true;
  }

  private fail(code: SelectorError, position: number): SelectorError {
    this.errorPosition = position;
    return code;
  }
}
