// scanHost takes a dotted quad in one scan when no host byte follows it (core/sip/decode/host.ts):
// the answer must be the one the general hostname/IPv4 loop gives. The oracle below is that loop
// as it was before the shortcut (hostname or IPv4 branch only; IPv6 references never reach the
// shortcut). Exhaustive over short strings of the bytes that matter, plus the usual hosts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHAR_CLASS, C_ALPHA, C_DIGIT, DOT } from '../../core/sip/decode/chars.js';
import { E_DEC_BAD_HOST } from '../../core/sip/decode/errors.js';
import { HOST_IPV4, HOST_NAME, scanHost, scanIpv4, type HostTarget } from '../../core/sip/decode/host.js';
import { bytes } from './helpers.js';

function oracle(buf: Uint8Array, p: number, end: number, out: HostTarget): number {
  let q = p;
  let allNumeric = true;
  let labelStart = p;
  let fault = -1;
  while (q < end) {
    const c = buf[q]!;
    const cls = CHAR_CLASS[c]!;
    if ((cls & C_DIGIT) !== 0) { q++; continue; }
    if ((cls & C_ALPHA) !== 0 || c === 0x2d) { allNumeric = false; q++; continue; }
    if (c !== DOT) break;
    if (fault < 0) {
      if (q === labelStart) fault = q;
      else if (buf[labelStart] === 0x2d) fault = labelStart;
      else if (buf[q - 1] === 0x2d) fault = q - 1;
    }
    q++;
    if (fault < 0) labelStart = q;
  }
  if (q === p) { out.errorOffset = p; return E_DEC_BAD_HOST; }
  let kind: number;
  if (allNumeric) {
    kind = scanIpv4(buf, p, q) === q ? HOST_IPV4 : -1 - p;
  } else if (fault >= 0) {
    kind = -1 - fault;
  } else {
    let topStart = labelStart;
    if (labelStart === q) {
      topStart = q - 1;
      while (topStart > p && buf[topStart - 1] !== DOT) topStart--;
    } else if (buf[labelStart] === 0x2d) {
      fault = labelStart;
    } else if (buf[q - 1] === 0x2d) {
      fault = q - 1;
    }
    if (fault < 0 && (CHAR_CLASS[buf[topStart]!]! & C_ALPHA) === 0) fault = topStart;
    kind = fault >= 0 ? -1 - fault : HOST_NAME;
  }
  if (kind < 0) { out.errorOffset = -1 - kind; return E_DEC_BAD_HOST; }
  out.hostOff = p;
  out.hostLen = q - p;
  out.hostKind = kind;
  return q;
}

const target = (): HostTarget => ({ hostOff: -9, hostLen: -9, hostKind: -9, zoneOff: -9, zoneLen: -9, errorOffset: -9 });

function same(s: string): void {
  // Inside a larger buffer: a byte before, so offsets are absolute, and one after the end.
  const buf = bytes(`@${s}!`);
  const a = target();
  const b = target();
  const ra = scanHost(buf, 1, 1 + s.length, a, false);
  const rb = oracle(buf, 1, 1 + s.length, b);
  assert.is(ra, rb, `${JSON.stringify(s)}: result`);
  if (rb >= 0) {
    assert.equal([a.hostOff, a.hostLen, a.hostKind], [b.hostOff, b.hostLen, b.hostKind], `${JSON.stringify(s)}: span`);
  } else {
    assert.is(a.errorOffset, b.errorOffset, `${JSON.stringify(s)}: error offset`);
  }
}

test('usual hosts: IPv4 literals and names, followed by what ends a host', () => {
  for (const h of ['192.0.2.100', '10.0.0.1', '0.0.0.0', '255.255.255.255', 'example.com', 'a.b', 'host-1.example.']) {
    for (const tail of ['', ':5060', ';branch=z9hG4bK1', '>', ' ', ']', ',', '?x']) same(h + tail);
  }
});

test('near misses: a dotted quad that a host byte continues, out of range, short or long', () => {
  for (const s of [
    '192.0.2.1a', '192.0.2.1-', '192.0.2.1.', '192.0.2.1.5', '192.0.2.1234', '1.2.3.4x.com', '256.1.1.1', '1.2.3',
    '1.2.3.', '01.02.03.04', '1..2.3', '.1.2.3.4', '1.2.3.4-a', '1.2.3.4.example', '9.9.9.9a-', '1.2.3.4:', '-1.2.3.4',
  ]) same(s);
});

test('exhaustive: every string of up to 6 bytes over "1", "2", "5", "0", ".", "-", "a", ":"', () => {
  const alphabet = ['1', '2', '5', '0', '.', '-', 'a', ':'];
  let n = 0;
  const walk = (s: string): void => {
    same(s);
    n++;
    if (s.length < 6) for (const c of alphabet) walk(s + c);
  };
  walk('');
  assert.ok(n > 299_000, `${n} strings`);
});

test('exhaustive dotted quads: each part 0-3 digits from "0", "2", "5", "9", then one tail byte (unreserved but no host byte too)', () => {
  const parts = ['', '0', '9', '25', '99', '255', '256', '259', '025', '2559'];
  for (const a of parts) for (const b of parts) for (const c of parts) for (const d of ['0', '255', '256', '1234']) {
    for (const tail of ['', '.', '-', 'x', '0', ':', ';', '_', '!', '~']) same(`${a}.${b}.${c}.${d}${tail}`);
  }
});

test.run();
