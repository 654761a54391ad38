// Date-times of IM documents: CPIM DateTime (RFC 3862 §4.7), IMDN <datetime> (RFC 5438 §9) and
// isComposing <lastactive> (RFC 3994 §4) are RFC 3339 date-times. Reading reuses the presence
// documents' parser; writing is here. Both work on epoch milliseconds without a Date object
// (the core may run where Date is slow or absent), and the caller supplies the clock.
export { parseRfc3339 } from '../presence/documents/timestamp.js';

// Year, month, day from days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's algorithm.
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function pad(value: number, width: number): string {
  let s = String(value);
  while (s.length < width) s = '0' + s;
  return s;
}

/** Epoch milliseconds → "YYYY-MM-DDThh:mm:ssZ" (UTC, whole seconds); '' for years outside 0..9999. */
export function formatRfc3339(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return '';
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}Z`;
}
