// RFC 3339 §5.6 date-time → milliseconds since the epoch (PIDF <timestamp>, RPID until/from).
//   date-time = full-date "T" full-time
//   full-date = date-fullyear "-" date-month "-" date-mday
//   full-time = partial-time time-offset
//   partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
//   time-offset = "Z" / time-numoffset ; time-numoffset = ("+" / "-") time-hour ":" time-minute
// Returns NaN for anything else. No Date object: the core may run where Date is slow or absent.

function digits(buf: Uint8Array, at: number, count: number): number {
  var value = 0;
  for (var i = 0; i < count; i++) {
    var c = buf[at + i];
    if (c === undefined || c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

// Days from 1970-01-01 to year-month-day (proleptic Gregorian), Howard Hinnant's algorithm.
// y >= -1 here (four digits, minus one for January/February): `| 0` truncates the non-negative
// quotients and the era is floored by hand, with no Math.floor calls.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  var era = ((y >= 0 ? y : y - 399) / 400) | 0;
  var yoe = y - era * 400;
  var doy = ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 | 0) + d - 1;
  var doe = yoe * 365 + (yoe / 4 | 0) - (yoe / 100 | 0) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * parseRfc3339 into out[at] (NaN when invalid), returning nothing: a double returned from a call
 * that is not inlined is boxed in a fresh heap number, and a PIDF carries a timestamp per tuple —
 * the reader of every presence NOTIFY uses this form so that it allocates nothing.
 */
export function parseRfc3339Into(buf: Uint8Array, start: number, end: number, out: Float64Array, at: number): void {
  out[at] = NaN;
  if (end - start < 20) return;
  // YYYY-MM-DDTHH:MM:SS at fixed offsets, read in line (a call per field costs an interpreter
  // more than the digits). Minus '0', a non-digit falls outside 0..9: `(x >>> 0) > 9` catches it.
  // `var`: QuickJS sets and checks a TDZ slot for every let/const, a cost per variable and call.
  var y0 = buf[start]! - 0x30, y1 = buf[start + 1]! - 0x30, y2 = buf[start + 2]! - 0x30, y3 = buf[start + 3]! - 0x30;
  var mo0 = buf[start + 5]! - 0x30, mo1 = buf[start + 6]! - 0x30, d0 = buf[start + 8]! - 0x30, d1 = buf[start + 9]! - 0x30;
  var h0 = buf[start + 11]! - 0x30, h1 = buf[start + 12]! - 0x30, mi0 = buf[start + 14]! - 0x30, mi1 = buf[start + 15]! - 0x30;
  var s0 = buf[start + 17]! - 0x30, s1 = buf[start + 18]! - 0x30;
  if ((y0 >>> 0) > 9 || (y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || (mo0 >>> 0) > 9 || (mo1 >>> 0) > 9 || (d0 >>> 0) > 9 || (d1 >>> 0) > 9) return;
  if ((h0 >>> 0) > 9 || (h1 >>> 0) > 9 || (mi0 >>> 0) > 9 || (mi1 >>> 0) > 9 || (s0 >>> 0) > 9 || (s1 >>> 0) > 9) return;
  var year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
  var month = mo0 * 10 + mo1;
  var day = d0 * 10 + d1;
  var hour = h0 * 10 + h1;
  var minute = mi0 * 10 + mi1;
  var second = s0 * 10 + s1;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return;
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return;
  var t = buf[start + 10];
  if (t !== 0x54 && t !== 0x74) return;
  var i = start + 19;
  var fraction = 0;
  if (buf[i] === 0x2e) {
    i++;
    var scale = 100;
    var fracStart = i;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      fraction += (buf[i]! - 0x30) * scale;
      scale /= 10;
      i++;
    }
    if (i === fracStart) return;
    fraction = Math.floor(fraction);
  }
  var offsetMinutes = 0;
  var z = buf[i];
  if (z === 0x5a || z === 0x7a) {
    i++;
  } else if (z === 0x2b || z === 0x2d) {
    var oh = digits(buf, i + 1, 2);
    var om = digits(buf, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || buf[i + 3] !== 0x3a) return;
    offsetMinutes = (oh * 60 + om) * (z === 0x2d ? -1 : 1);
    i += 6;
  } else {
    return;
  }
  if (i !== end) return;
  var days = daysFromCivil(year, month, day);
  out[at] = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + fraction;
}

const SCRATCH = new Float64Array(1);

export function parseRfc3339(buf: Uint8Array, start: number, end: number): number {
  parseRfc3339Into(buf, start, end, SCRATCH, 0);
  return SCRATCH[0]!;
}
