// Matching an RLMI `cid` attribute to a MIME part's Content-ID (RFC 4662 §5.4, RFC 2392).
//
//   Content-ID header (RFC 2045 §7, RFC 2392 §2):  "<" addr-spec ">"
//   cid URL (RFC 2392 §2):  "cid:" content-id   ; content-id = url-addr-spec, %hh-escaped
//
// RFC 4662's own examples write the attribute as the bare addr-spec (cid="bUZBsM@pres..."),
// so both forms are accepted: an optional "cid:" scheme, then %hh escapes decoded while
// comparing. Comparison is byte-exact otherwise (message ids are case-sensitive).

const LT = 0x3c, GT = 0x3e, PERCENT = 0x25;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Start of the id after an optional, case-insensitive "cid:" scheme. */
function skipCidScheme(buf: Uint8Array, start: number, end: number): number {
  if (end - start >= 4 && (buf[start]! | 0x20) === 0x63 && (buf[start + 1]! | 0x20) === 0x69 && (buf[start + 2]! | 0x20) === 0x64 && buf[start + 3] === 0x3a) return start + 4;
  return start;
}

/**
 * True when the RLMI cid value ref[refStart, refEnd) names the part whose Content-ID header
 * value is header[hStart, hEnd). A Content-ID without angle brackets is accepted too (seen in
 * the wild); an empty id never matches.
 */
export function cidMatchesContentId(ref: Uint8Array, refStart: number, refEnd: number, header: Uint8Array, hStart: number, hEnd: number): boolean {
  while (hStart < hEnd && isWsp(header[hStart]!)) hStart++;
  while (hEnd > hStart && isWsp(header[hEnd - 1]!)) hEnd--;
  if (hEnd - hStart >= 2 && header[hStart] === LT && header[hEnd - 1] === GT) { hStart++; hEnd--; }
  let r = skipCidScheme(ref, refStart, refEnd);
  if (r >= refEnd || hStart >= hEnd) return false;
  let h = hStart;
  while (r < refEnd) {
    let c = ref[r]!;
    if (c === PERCENT && r + 2 < refEnd) {
      const hi = hexValue(ref[r + 1]!);
      const lo = hexValue(ref[r + 2]!);
      if (hi >= 0 && lo >= 0) { c = hi * 16 + lo; r += 2; }
    }
    if (h >= hEnd || header[h] !== c) return false;
    r++;
    h++;
  }
  return h === hEnd;
}
