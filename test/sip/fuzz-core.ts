// The seeded mutator fuzz behind fuzz.test.ts, kept in its own module so that the test can run it
// in a worker thread and fail (instead of hanging) if the parser ever loops.
import { parse, createParseOptions, type ParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { SipStreamFramer } from '../../core/sip/framer.js';
import { H } from '../../core/sip/header-ids.js';

/** xorshift32: tiny, deterministic, same sequence on every engine. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed | 0) || 0x9e3779b9; }
  next(): number {
    let x = this.s;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.s = x;
    return (x >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
}

/** Octets that matter to the grammar, so mutations hit the interesting branches often. */
const INTERESTING = [13, 10, 32, 9, 58, 59, 44, 34, 92, 60, 62, 0, 0x7f, 0x80, 0xc3, 0xff, 0x30, 0x39, 0x2d, 0x40, 0x3f, 0x5b, 0x5d, 0x2f];
const SNIPPETS = ['\r\n', '\r\n ', '\n', '\r', 'SIP/2.0', 'Content-Length: ', 'l: 99999999999', ':', '  ', '"', '\\', '<', ',', '\r\n\r\n', 'Via: ', '0'].map(
  (s) => Array.from(s, (c) => c.charCodeAt(0)),
);

export function mutate(rng: Rng, seed: Uint8Array, pool: Uint8Array[]): Uint8Array {
  const b = Array.from(seed);
  const rounds = 1 + rng.int(4);
  for (let k = 0; k < rounds; k++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(9)) {
      case 0: if (b.length) b[at % b.length] ^= 1 << rng.int(8); break; // bit flip
      case 1: if (b.length) b[at % b.length] = INTERESTING[rng.int(INTERESTING.length)]; break;
      case 2: b.splice(at, 0, INTERESTING[rng.int(INTERESTING.length)]); break; // insert
      case 3: b.splice(at, 1 + rng.int(4)); break; // delete
      case 4: b.splice(at, 0, ...SNIPPETS[rng.int(SNIPPETS.length)]); break;
      case 5: b.length = rng.int(b.length + 1); break; // truncate
      case 6: { // duplicate a slice (repeated headers, folds)
        const from = rng.int(b.length + 1);
        const len = rng.int(40);
        b.splice(at, 0, ...b.slice(from, from + len));
        break;
      }
      case 7: { // splice in part of another message
        const other = pool[rng.int(pool.length)];
        const from = rng.int(other.length + 1);
        b.splice(at, rng.int(20), ...other.subarray(from, from + rng.int(120)));
        break;
      }
      default: if (b.length) b[at % b.length] = rng.int(256); // random octet
    }
  }
  return Uint8Array.from(b);
}

export interface FuzzReport {
  iterations: number;
  accepted: number;
  needMore: number;
  rejected: number;
  proxyChecked: number;
  prefixChecked: number;
  framerStreams: number;
  /** Streams whose mutant was rejected and whose following good message was still delivered. */
  framerRecoveries: number;
  failures: string[];
}

const OPTION_SETS: ParseOptions[] = [
  createParseOptions(),
  createParseOptions({ datagram: true }),
  createParseOptions({ datagram: true, allowBareLf: true, allowSpaceBeforeColon: true, allowAnyReasonBytes: true, allowShortBody: true, allowMissingEmptyLine: true }),
  createParseOptions({ allowBareLf: true, allowSpaceBeforeColon: true, allowAnyReasonBytes: true }),
];

/** Every span the view reports must lie inside [lo, hi). */
function spansInside(v: SipMessageView, lo: number, hi: number, r: number): string | null {
  const inside = (off: number, len: number): boolean => len === 0 ? off >= lo && off <= hi : off >= lo && off + len <= hi;
  if (!inside(v.messageOff, v.messageLen)) return 'message span';
  if (v.messageOff + v.messageLen !== lo + r) return 'message end != off + consumed';
  if (v.isRequest) {
    if (!inside(v.methodOff, v.methodLen) || v.methodLen === 0) return 'method span';
    if (!inside(v.uriOff, v.uriLen) || v.uriLen === 0) return 'uri span';
  } else if (!inside(v.reasonOff, v.reasonLen)) return 'reason span';
  if (!inside(v.versionOff, v.versionLen)) return 'version span';
  if (v.headerCount > v.limits.maxHeaders) return 'header count';
  for (let i = 0; i < v.headerCount; i++) {
    if (!inside(v.nameOff[i], v.nameLen[i]) || v.nameLen[i] === 0) return `name span ${i}`;
    if (!inside(v.valueOff[i], v.valueLen[i])) return `value span ${i}`;
    if (v.valueOff[i] < v.nameOff[i] + v.nameLen[i]) return `value before name ${i}`;
  }
  if (!inside(v.bodyOff, v.bodyLen)) return 'body span';
  return null;
}

/** A Uint8Array whose reads outside [lo, hi) throw: the "test build" read guard. */
function guarded(bytes: Uint8Array, lo: number, hi: number): Uint8Array {
  return new Proxy(bytes, {
    get(target, prop) {
      if (typeof prop === 'string' && prop.length > 0 && prop.charCodeAt(0) >= 48 && prop.charCodeAt(0) <= 57) {
        const i = Number(prop);
        if (i < lo || i >= hi) throw new RangeError(`read at ${i} outside [${lo}, ${hi})`);
        return target[i];
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function runFuzz(seeds: Uint8Array[], iterations: number, seed: number): FuzzReport {
  const rng = new Rng(seed);
  const roomy = new SipMessageView({ maxHeaders: 40, maxLineBytes: 2048, maxMessageBytes: 8192, maxBodyBytes: 4096 });
  // Tiny limits make every limit branch (and its interplay with chunking) reachable.
  const tight = new SipMessageView({ maxHeaders: 6, maxLineBytes: 48, maxMessageBytes: 320, maxBodyBytes: 64 });
  const report: FuzzReport = { iterations: 0, accepted: 0, needMore: 0, rejected: 0, proxyChecked: 0, prefixChecked: 0, framerStreams: 0, framerRecoveries: 0, failures: [] };
  const fail = (msg: string, input: Uint8Array): void => {
    if (report.failures.length < 10) report.failures.push(`${msg} (seed ${seed}, iteration ${report.iterations}, input ${JSON.stringify(String.fromCharCode(...input.subarray(0, 300)))})`);
  };
  const MAX_PAD = 24;
  for (let it = 0; it < iterations; it++) {
    report.iterations = it + 1;
    const input = mutate(rng, seeds[rng.int(seeds.length)], seeds);
    if (input.length > 16384) continue;
    const options = OPTION_SETS[rng.int(OPTION_SETS.length)];
    const view = it % 4 === 3 ? tight : roomy;
    const off = rng.int(MAX_PAD);
    const len = input.length;
    // The same message placed inside two buffers whose surroundings differ: a token-character
    // sentinel and a CRLF/space sentinel. Any read outside [off, off+len) that influenced the
    // result shows up as a difference.
    const padA = new Uint8Array(off + len + MAX_PAD).fill(0x41);
    padA.set(input, off);
    const padB = new Uint8Array(off + len + MAX_PAD).fill(it & 1 ? 0x0d : 0x20);
    padB.set(input, off);
    let r: number;
    try {
      r = parse(padA, off, len, view, options);
    } catch (e) {
      fail(`threw ${String(e)}`, input);
      continue;
    }
    if (!Number.isInteger(r) || r > len) { fail(`bad result ${r}`, input); continue; }
    if (r > 0) {
      report.accepted++;
      const bad = spansInside(view, off, off + len, r);
      if (bad) fail(`span outside range: ${bad}`, input);
    } else if (r === 0) {
      report.needMore++;
      if (options.datagram) fail('NEED_MORE in datagram mode', input);
    } else {
      report.rejected++;
      if (view.errorCode !== r) fail('errorCode != result', input);
      if (view.errorOffset < off || view.errorOffset > off + len) fail(`errorOffset ${view.errorOffset} outside [${off}, ${off + len}]`, input);
    }
    const errorAt = view.errorOffset;
    const snapshot = r > 0 ? `${r}|${view.headerCount}|${view.bodyOff}|${view.bodyLen}|${view.uriLen}` : `${r}|${view.errorOffset}`;
    let r2: number;
    try { r2 = parse(padB, off, len, view, options); } catch (e) { fail(`threw ${String(e)}`, input); continue; }
    const snapshot2 = r2 > 0 ? `${r2}|${view.headerCount}|${view.bodyOff}|${view.bodyLen}|${view.uriLen}` : `${r2}|${view.errorOffset}`;
    if (snapshot !== snapshot2) fail(`result depends on bytes outside the range: ${snapshot} vs ${snapshot2}`, input);

    // Chunking must not change the verdict (a framer sees prefixes first): on a stream, every
    // prefix of the input gives NEED_MORE or exactly the whole input's answer.
    if (!options.datagram && it % 8 === 0) {
      report.prefixChecked++;
      for (let k = 0; k < 6; k++) {
        const n = rng.int(len + 1);
        const rp = parse(padA, off, n, view, options);
        if (rp === 0) {
          if (r > 0 && n >= r) fail(`prefix ${n} is NEED_MORE but the message ended at ${r}`, input);
          continue;
        }
        const same = rp === r && (rp > 0 || view.errorOffset - off === errorAt - off);
        if (!same) fail(`prefix ${n} gives ${rp}@${view.errorOffset - off}, the whole input ${r}@${errorAt - off}`, input);
      }
    }

    // Every 40th input also goes through the read guard (a Proxy is slow, so not all of them).
    if (it % 40 === 0) {
      report.proxyChecked++;
      try {
        const r3 = parse(guarded(padA, off, off + len), off, len, view, options);
        if (r3 !== r) fail(`guarded result ${r3} != ${r}`, input);
      } catch (e) {
        fail(`out-of-range read: ${String(e)}`, input);
      }
    }
  }
  return report;
}

/** Streams of good and mutated messages, keep-alives and garbage, cut into random chunks. The
 *  framer must never throw or stall, must keep every span inside its storage, and must still
 *  deliver the good message that follows a rejected mutant. */
export function runFramerFuzz(seeds: Uint8Array[], streams: number, seed: number, report: FuzzReport): void {
  const rng = new Rng(seed ^ 0x5a5a5a5a);
  const view = new SipMessageView();
  const enc = new TextEncoder();
  const marker = enc.encode('MESSAGE sip:x@example.com SIP/2.0\r\nCall-ID: after-the-mutant\r\nContent-Length: 0\r\n\r\n');
  for (let s = 0; s < streams; s++) {
    report.framerStreams++;
    const mutant = mutate(rng, seeds[rng.int(seeds.length)], seeds);
    const parts: number[] = [];
    if (rng.int(2)) parts.push(13, 10, 13, 10);
    parts.push(...mutant, 13, 10, 13, 10);
    parts.push(...marker);
    const bytes = Uint8Array.from(parts);
    const storage = new Uint8Array(1024 + rng.int(16384));
    const framer = new SipStreamFramer(storage);
    let at = 0;
    let guard = 0;
    let sawMarker = false;
    let first = 0; // the first non-NEED_MORE outcome: the mutant's fate
    try {
      while (at < bytes.length || framer.buffered > 0) {
        if (++guard > 200000) { report.failures.push(`framer stalled (stream ${s})`); break; }
        if (at < bytes.length) at += framer.push(bytes, at, Math.min(1 + rng.int(300), bytes.length - at));
        const r = framer.next(view);
        if (first === 0 && r !== 0) first = r;
        if (r > 0) {
          if (view.messageOff + view.messageLen > storage.length) report.failures.push(`span outside storage (stream ${s})`);
          const i = view.find(H.CALL_ID);
          if (i >= 0 && view.text(view.valueOff[i], view.valueLen[i]) === 'after-the-mutant') sawMarker = true;
        } else if (r === 0 && at >= bytes.length) {
          break;
        }
      }
    } catch (e) {
      report.failures.push(`framer threw ${String(e)} (stream ${s})`);
      continue;
    }
    // A mutant that was rejected must not take the following good message with it. (A mutant
    // that parsed may legitimately swallow it, e.g. as its body after a mutated Content-Length.)
    if (first < 0 && sawMarker) report.framerRecoveries++;
    if (first < 0 && !sawMarker && report.failures.length < 10) {
      report.failures.push(`good message lost after a rejected mutant (stream ${s}): ${JSON.stringify(String.fromCharCode(...mutant.subarray(0, 200)))}`);
    }
  }
}
