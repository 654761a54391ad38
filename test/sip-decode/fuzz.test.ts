// Seeded mutation fuzz of every decoder: never throws, spans stay inside [off, end), errorOffset
// inside [off, end], and the result does not depend on the bytes outside [off, end) (decoding the
// value embedded between random garbage gives the same answer as decoding an exact copy — this is
// how reads outside the range are caught without instrumenting the decoders).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as D from '../../core/sip/decode/index.js';
import { bytes } from './helpers.js';

type Decoder = (buf: Uint8Array, off: number, end: number, out: never) => number;
interface Target { name: string; fn: Decoder; a: object; b: object }

const targets: Target[] = [
  { name: 'uri', fn: D.decodeUri as Decoder, a: new D.UriValue(), b: new D.UriValue() },
  { name: 'via', fn: D.decodeVia as Decoder, a: new D.ViaValue(), b: new D.ViaValue() },
  { name: 'nameAddr', fn: D.decodeNameAddr as Decoder, a: new D.NameAddrValue(), b: new D.NameAddrValue() },
  { name: 'route', fn: D.decodeRoute as Decoder, a: new D.NameAddrValue(), b: new D.NameAddrValue() },
  { name: 'contact', fn: D.decodeContact as Decoder, a: new D.ContactValue(), b: new D.ContactValue() },
  { name: 'cseq', fn: D.decodeCSeq as Decoder, a: new D.CSeqValue(), b: new D.CSeqValue() },
  { name: 'callId', fn: D.decodeCallId as Decoder, a: new D.CallIdValue(), b: new D.CallIdValue() },
  { name: 'maxForwards', fn: D.decodeMaxForwards as Decoder, a: new D.NumberValue(), b: new D.NumberValue() },
  { name: 'expires', fn: D.decodeExpires as Decoder, a: new D.NumberValue(), b: new D.NumberValue() },
  { name: 'retryAfter', fn: D.decodeRetryAfter as Decoder, a: new D.RetryAfterValue(), b: new D.RetryAfterValue() },
  { name: 'contentType', fn: D.decodeContentType as Decoder, a: new D.ContentTypeValue(), b: new D.ContentTypeValue() },
  { name: 'event', fn: D.decodeEvent as Decoder, a: new D.EventValue(), b: new D.EventValue() },
  { name: 'subState', fn: D.decodeSubscriptionState as Decoder, a: new D.SubscriptionStateValue(), b: new D.SubscriptionStateValue() },
  { name: 'token', fn: D.decodeToken as Decoder, a: new D.TokenValue(), b: new D.TokenValue() },
];

// Seeds: [target index, value] — real values from the torture tests and flows.
const SEEDS: [number, string][] = [
  [0, 'sip:vivekg@chair-dnrc.example.com;unknownparam'],
  [0, 'sip:user;par=u%40example.net@example.com'],
  [0, 'sip:user@[::ffff:192.0.2.1]:5060;transport=tcp;lr;ttl=5;maddr=239.1.1.1;method=INVITE?subject=x&p=y'],
  [0, 'sip:ted@[fe80::1%25eth0]'],
  [0, 'tel:7042;phone-context=example.com'],
  [0, 'soap.beep://192.0.2.103:3002'],
  [1, 'SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw'],
  [1, 'SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111'],
  [1, 'SIP/2.0/UDP 192.0.2.1 : 5060;rport=5061;maddr=224.2.0.1;ttl=16'],
  [2, '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8'],
  [2, 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n'],
  [2, 'caller<sip:caller@example.com>;tag=323'],
  [3, '<sip:services.example.com;lr;unknownwith=value;unknown-no-value>'],
  [4, '"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33'],
  [4, '<sip:alice@[2001:db8::1]>;+sip.instance="<urn:uuid:1>";reg-id=1;expires=3600;q=1.0'],
  [4, 'sip:user@example.com?Route=%3Csip:sip.example.com%3E'],
  [5, '0009\r\n  INVITE'],
  [6, 'wsinv.ndaksdj@192.0.2.1'],
  [7, '0068'],
  [8, '4294967295'],
  [9, "120 (I'm in a (meeting)) ;duration=60"],
  [10, 'multipart/related;type="application/rlmi+xml";\r\n    boundary="tuLLl3lDyPZX0GMr2YOo"'],
  [11, 'presence.winfo;id=1234'],
  [12, 'terminated;reason=timeout;retry-after=30'],
  [13, 'dx200xyz'],
];

// Bytes the grammar cares about, so mutations hit interesting paths more often than random bytes.
const ALPHABET = bytes('<>;:=@"\\/[]%?&,.()*+ \t\r\n0123456789abcfxAF:;\u0000\u00ff');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = src;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(rnd() * (b.length + 1));
    const kind = Math.floor(rnd() * 6);
    const pick = () => (rnd() < 0.7 ? ALPHABET[Math.floor(rnd() * ALPHABET.length)] : Math.floor(rnd() * 256));
    if (kind === 0 && b.length > 0) { b = b.slice(); b[Math.min(pos, b.length - 1)] = pick(); }
    else if (kind === 1) { const n = new Uint8Array(b.length + 1); n.set(b.subarray(0, pos)); n[pos] = pick(); n.set(b.subarray(pos), pos + 1); b = n; }
    else if (kind === 2 && b.length > 0) { const p = Math.min(pos, b.length - 1); const n = new Uint8Array(b.length - 1); n.set(b.subarray(0, p)); n.set(b.subarray(p + 1), p); b = n; }
    else if (kind === 3) { b = b.subarray(0, pos).slice(); }
    else if (kind === 4 && b.length > 1) {
      const from = Math.floor(rnd() * b.length);
      const len = Math.min(b.length - from, 1 + Math.floor(rnd() * 8));
      const n = new Uint8Array(b.length + len);
      n.set(b.subarray(0, pos)); n.set(b.subarray(from, from + len), pos); n.set(b.subarray(pos), pos + len);
      b = n;
    } else { b = b.subarray(pos).slice(); }
  }
  return b;
}

/** Collects every (Off, Len) span of a decoder output, nested objects included, relative to `base`. */
function spans(out: Record<string, unknown>, base: number, acc: number[], prefix: string, names: string[]): void {
  for (const key of Object.keys(out)) {
    const v = out[key];
    if (key.endsWith('Off') && typeof v === 'number') {
      const len = out[key.slice(0, -3) + 'Len'];
      if (typeof len !== 'number') continue;
      acc.push(v < 0 ? -1 : v - base, v < 0 ? -1 : len);
      names.push(prefix + key);
    } else if (key === 'off' && typeof v === 'number' && typeof out.len === 'number') {
      acc.push(v < 0 ? -1 : v - base, v < 0 ? -1 : out.len);
      names.push(prefix + key);
    } else if (key === 'uri' && typeof v === 'object' && v !== null) {
      spans(v as Record<string, unknown>, base, acc, 'uri.', names);
    }
  }
}

const MUTATIONS = 60000;

function show(value: Uint8Array): string {
  return JSON.stringify(String.fromCharCode(...value));
}

test(`${MUTATIONS} seeded mutations: no throw, spans inside [off, end), no reads outside`, () => {
  const rnd = mulberry32(0x5eed4475);
  const seeds = SEEDS.map(([t, v]) => [t, bytes(v)] as const);
  const cursor = new D.ParamCursor();
  const list = new D.TokenListCursor();
  const accA: number[] = [];
  const accB: number[] = [];
  const names: string[] = [];
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  let decodes = 0;
  let oks = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const [own, seed] = seeds[Math.floor(rnd() * seeds.length)];
    const value = mutate(seed, rnd);
    // Embed between random garbage (often bytes that would extend the value if read).
    const pre = Math.floor(rnd() * 4);
    const post = Math.floor(rnd() * 4);
    const embedded = new Uint8Array(pre + value.length + post);
    for (let k = 0; k < embedded.length; k++) embedded[k] = ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    embedded.set(value, pre);
    const exact = value.slice();
    const off = pre;
    const end = pre + value.length;
    const which = [own, Math.floor(rnd() * targets.length)];
    for (const ti of which) {
      const t = targets[ti];
      let ra = 0;
      let rb = 0;
      try {
        ra = t.fn(embedded, off, end, t.a as never);
        rb = t.fn(exact, 0, exact.length, t.b as never);
      } catch (err) {
        assert.unreachable(`${t.name} threw on ${show(value)}: ${String(err)}`);
      }
      decodes += 2;
      if (ra === 0) oks++;
      // Messages are only built on failure: this loop runs 120k times.
      if (!(ra === 0 || (ra <= -100 && ra >= -199))) assert.unreachable(`${t.name} on ${show(value)} returned ${ra}`);
      if (ra !== rb) assert.unreachable(`${t.name} on ${show(value)}: result depends on bytes outside [off, end)`);
      accA.length = 0; accB.length = 0; names.length = 0;
      spans(t.a as Record<string, unknown>, off, accA, '', names);
      spans(t.b as Record<string, unknown>, 0, accB, '', []);
      if (accA.length !== accB.length) assert.unreachable(`${t.name}: span lists differ`);
      for (let k = 0; k < accA.length; k += 2) {
        const so = accA[k];
        const sl = accA[k + 1];
        if (so !== accB[k] || sl !== accB[k + 1]) {
          assert.unreachable(`${t.name} on ${show(value)}: span ${names[k / 2]} differs when the surrounding bytes change`);
        }
        if (so === -1) continue;
        if (!(so >= 0 && sl >= 0 && so + sl <= value.length)) {
          assert.unreachable(`${t.name} on ${show(value)}: span ${names[k / 2]} = (${so}, ${sl}) outside [0, ${value.length})`);
        }
      }
      if (ra !== 0) {
        const eo = (t.a as { errorOffset: number }).errorOffset;
        if (!(eo >= off && eo <= end)) assert.unreachable(`${t.name} on ${show(value)}: errorOffset ${eo} outside [${off}, ${end}]`);
      }
    }
    // Cursors over the raw value in every mode.
    const mode = i % 3;
    cursor.reset(embedded, off, end, mode);
    for (let guard = 0; guard <= value.length + 1; guard++) {
      const r = cursor.next();
      if (r !== 1) break;
      if (cursor.nameOff < off || cursor.nameOff + cursor.nameLen > end) assert.unreachable('param name span outside');
      if (cursor.valueOff >= 0 && (cursor.valueOff < off || cursor.valueOff + cursor.valueLen > end)) assert.unreachable('param value span outside');
      if (guard === value.length + 1) assert.unreachable('ParamCursor does not terminate');
    }
    list.reset(embedded, off, end);
    for (let guard = 0; guard <= value.length + 1; guard++) {
      const r = list.next();
      if (r !== 1) break;
      if (list.tokenOff < off || list.tokenOff + list.tokenLen > end) assert.unreachable('token span outside');
      if (guard === value.length + 1) assert.unreachable('TokenListCursor does not terminate');
    }
  }
  const ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  assert.ok(decodes >= MUTATIONS * 2);
  // Some mutations must still decode, or the fuzz would only be exercising the first byte check.
  assert.ok(oks > MUTATIONS / 20, `only ${oks} successful decodes`);
  // Bound on CPU time (the machine is shared, so wall time also counts other workers' load).
  assert.ok(cpuMs < 5000, `fuzz used ${cpuMs} ms CPU, ${ms} ms wall (bound 5000 ms CPU)`);
});

test('out-of-range end is clamped to the buffer, never read past it', () => {
  for (const t of targets) {
    const b = bytes('sip:a@b');
    const r = t.fn(b, 0, 1000, t.a as never);
    assert.ok(r === 0 || (r <= -100 && r >= -199), t.name);
    const acc: number[] = [];
    spans(t.a as Record<string, unknown>, 0, acc, '', []);
    for (let k = 0; k < acc.length; k += 2) if (acc[k] >= 0) assert.ok(acc[k] + acc[k + 1] <= b.length, t.name);
  }
});

test.run();
