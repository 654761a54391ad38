// Character classes for byte-level protocol parsing, as one 256-entry table of bit flags.
// A lookup `CLASS[b] & TOKEN` is one typed-array read and one AND: no branches per range, no
// strings, and it runs the same in QuickJS/XS as in V8. Built once at module load.

/** RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
export const TOKEN = 1;
/** SP / HTAB (RFC 5234 WSP) */
export const WSP = 2;
/** DIGIT */
export const DIGIT = 4;
/** HEXDIG, either case */
export const HEX = 8;
/** ALPHA */
export const ALPHA = 16;
/** CTL octets that may never appear inside a header value or start line: 0x00-0x1F except HTAB, and DEL */
export const CTL = 32;
/** Octets allowed in a Request-URI on the wire (RFC 3261 §25.1 uric plus "[" "]" for IPv6 references,
 *  RFC 5118): visible ASCII except the delimiters "<", ">", '"', and whitespace. Octets >= 0x80
 *  are not allowed unescaped in a URI. */
export const URIC = 64;
/** CR or LF */
export const EOL = 128;

export const CLASS: Uint8Array = new Uint8Array(256);

/** ASCII lower-casing table; bytes >= 0x80 map to themselves. */
export const LOWER: Uint8Array = new Uint8Array(256);

export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HTAB = 9;
export const COLON = 58;

function mark(from: number, to: number, bit: number): void {
  for (let b = from; b <= to; b++) CLASS[b] |= bit;
}

function markEach(chars: string, bit: number): void {
  for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)] |= bit;
}

mark(0x30, 0x39, DIGIT | HEX | TOKEN | URIC);
mark(0x41, 0x5a, ALPHA | TOKEN | URIC);
mark(0x61, 0x7a, ALPHA | TOKEN | URIC);
mark(0x41, 0x46, HEX);
mark(0x61, 0x66, HEX);
markEach("-.!%*_+`'~", TOKEN);
// RFC 3261 §25.1: reserved ";" "/" "?" ":" "@" "&" "=" "+" "$" ","; mark "-" "_" "." "!" "~" "*" "'" "(" ")"; "%" escapes.
markEach(";/?:@&=+$,-_.!~*'()%[]", URIC);
// Tolerated in a URI on the wire by every deployed stack we know of (RFC 4475 intmeth.dat uses "`"),
// and harmless to framing: "{" "}" "|" "\" "^" "`" "#".
markEach('{}|\\^`#', URIC);
CLASS[SP] |= WSP;
CLASS[HTAB] |= WSP;
mark(0x00, 0x08, CTL);
mark(0x0a, 0x1f, CTL);
CLASS[0x7f] |= CTL;
CLASS[CR] |= EOL;
CLASS[LF] |= EOL;

for (let b = 0; b < 256; b++) LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
