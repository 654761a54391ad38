// IP address text as ECMA-419 keeps it (dotted IPv4, RFC 5952 IPv6), and the translation a
// dual-stack Node socket needs: an IPv6 socket bound to "::" sees IPv4 peers as IPv4-mapped
// addresses (RFC 4291 §2.5.5.2, "::ffff:a.b.c.d"), which the core must never see — Via
// `received` and connection reuse compare plain dotted text.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const MAPPED_PREFIX = '::ffff:';

/** 4, 6, or 0 when `text` is not an IP literal (host names are the DNS resolver's job). */
export function ipFamily(text: string): 0 | 4 | 6 {
  return isIP(text) as 0 | 4 | 6;
}

/** "::ffff:192.0.2.1" → "192.0.2.1"; every other address unchanged. */
export function unmapIpv4(address: string): string {
  if (address.length > MAPPED_PREFIX.length && address.slice(0, MAPPED_PREFIX.length).toLowerCase() === MAPPED_PREFIX) {
    const rest = address.slice(MAPPED_PREFIX.length);
    if (isIP(rest) === 4) return rest;
  }
  return address;
}

/** "192.0.2.1" → "::ffff:192.0.2.1", for sending to an IPv4 peer from a dual-stack socket. */
export function mapIpv4(address: string): string {
  return MAPPED_PREFIX + address;
}

/** True when some interface (loopback included) carries an IPv6 address. */
export function hostHasIpv6(): boolean {
  const all = networkInterfaces();
  for (const name of Object.keys(all)) {
    for (const info of all[name] ?? []) {
      if (info.family === 'IPv6') return true;
    }
  }
  return false;
}

export function isPort(value: unknown, allowZero: boolean): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= (allowZero ? 0 : 1) && value <= 65535;
}
