// parseRfc3339Into as it was before its interpreter-speed rewrite (2026-11): the oracle of
// test/presence-docs/timestamp.test.ts. Not used by core/.
// RFC 3339 §5.6 date-time → milliseconds since the epoch (PIDF <timestamp>, RPID until/from).
//   date-time = full-date "T" full-time
//   full-date = date-fullyear "-" date-month "-" date-mday
//   full-time = partial-time time-offset
//   partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
//   time-offset = "Z" / time-numoffset ; time-numoffset = ("+" / "-") time-hour ":" time-minute
// Returns NaN for anything else. No Date object: the core may run where Date is slow or absent.

function digits(buf: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const c = buf[at + i];
    if (c === undefined || c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

// Days from 1970-01-01 to year-month-day (proleptic Gregorian), Howard Hinnant's algorithm.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
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
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  const hour = digits(buf, start + 11, 2);
  const minute = digits(buf, start + 14, 2);
  const second = digits(buf, start + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return;
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return;
  const t = buf[start + 10];
  if (t !== 0x54 && t !== 0x74) return;
  let i = start + 19;
  let fraction = 0;
  if (buf[i] === 0x2e) {
    i++;
    let scale = 100;
    const fracStart = i;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      fraction += (buf[i]! - 0x30) * scale;
      scale /= 10;
      i++;
    }
    if (i === fracStart) return;
    fraction = Math.floor(fraction);
  }
  let offsetMinutes = 0;
  const z = buf[i];
  if (z === 0x5a || z === 0x7a) {
    i++;
  } else if (z === 0x2b || z === 0x2d) {
    const oh = digits(buf, i + 1, 2);
    const om = digits(buf, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || buf[i + 3] !== 0x3a) return;
    offsetMinutes = (oh * 60 + om) * (z === 0x2d ? -1 : 1);
    i += 6;
  } else {
    return;
  }
  if (i !== end) return;
  const days = daysFromCivil(year, month, day);
  out[at] = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + fraction;
}

const SCRATCH = new Float64Array(1);

export function parseRfc3339(buf: Uint8Array, start: number, end: number): number {
  parseRfc3339Into(buf, start, end, SCRATCH, 0);
  return SCRATCH[0]!;
}
