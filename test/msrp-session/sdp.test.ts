// SDP (RFC 4566) for MSRP (RFC 4975 §8): the RFC's five SDP bodies, an offer/answer exchange with
// RFC 6135 connection roles, bad input (codes, no throws) and a fuzz of the reader.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseSdp, parseSdpText, writeSdp, sdpErrorName, E_SDP_NO_VERSION, E_SDP_BAD_MEDIA, E_SDP_MISSING_FIELD, E_SDP_TOO_LARGE, E_SDP_BAD_LINE, E_SDP_BAD_CONNECTION } from '../../core/im/sdp.js';
import {
  readMsrpMedia, buildMsrpOffer, answerMsrpOffer, acceptMsrpAnswer, mediaTypeMatches, E_SDP_NO_PATH, E_SDP_NO_ACCEPT_TYPES,
  E_SDP_NO_COMMON_TYPE, E_SDP_BAD_SETUP, E_SDP_REJECTED, E_SDP_TLS_MISMATCH, E_SDP_BAD_PATH, type MsrpLocalMedia,
} from '../../core/im/sdp-msrp.js';
import { lcg } from './support.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'rfc4975');
const files = readdirSync(dir).filter((f) => f.endsWith('.sdp')).sort();
const load = (f: string) => new Uint8Array(readFileSync(join(dir, f)));

// From the RFC text (and test/corpus/manifest.tsv): port, accept-types, path.
const expected: Record<string, [number, string[], string]> = {
  'sdp-fig7.sdp': [7394, ['text/plain'], 'msrp://alice.example.com:7394/2s93i9ek2a;tcp'],
  'sdp-fig9-offer.sdp': [7394, ['message/cpim', 'text/plain', 'text/html'], 'msrp://alice.example.com:7394/2s93i93idj;tcp'],
  'sdp-fig10-answer.sdp': [8493, ['message/cpim', 'text/plain'], 'msrp://bob.example.com:8493/si438dsaodes;tcp'],
  'sdp-11.1-offer.sdp': [7777, ['text/plain'], 'msrp://alicepc.example.com:7777/iau39soe2843z;tcp'],
  'sdp-11.1-answer.sdp': [8888, ['text/plain'], 'msrp://bob.example.com:8888/9di4eae923wzd;tcp'],
};

test('the five RFC 4975 SDP bodies read, and write back byte for byte', () => {
  assert.is(files.length, 5);
  for (const f of files) {
    const bytes = load(f);
    const r = parseSdp(bytes);
    assert.ok(r.ok, `${f}: ${r.ok ? '' : sdpErrorName(r.val.code)}`);
    const sdp = r.val as Exclude<typeof r.val, { code: number; offset: number }>;
    const m = readMsrpMedia(sdp);
    assert.ok(m.ok, f);
    const md = m.val as Exclude<typeof m.val, { code: number; offset: number }>;
    const [port, types, path] = expected[f]!;
    assert.is(md.port, port, f);
    assert.equal(md.acceptTypes, types, f);
    assert.equal(md.path, [path], f);
    assert.is(md.pathUris[0]!.port, port, `${f}: a=path port agrees with m=`);
    assert.is(md.secure, false);
    assert.is(md.setup, null, 'RFC 4975 predates RFC 6135: no a=setup');
    assert.is(md.address, md.pathUris[0]!.host);
    assert.is(writeSdp(sdp), Buffer.from(bytes).toString('latin1'), `${f} round-trips`);
  }
});

test('RFC 4975 §11.1: answering the offer without a=setup makes the answerer passive (the offerer connects)', () => {
  const offer = parseSdp(load('sdp-11.1-offer.sdp'));
  assert.ok(offer.ok);
  const bob: MsrpLocalMedia = { address: 'bob.example.com', port: 8888, secure: false, uri: 'msrp://bob.example.com:8888/9di4eae923wzd;tcp', acceptTypes: ['text/plain'] };
  const a = answerMsrpOffer(offer.val as never, bob);
  assert.ok(a.ok);
  const ans = a.val as { sdp: string; negotiated: { role: string; remotePath: string; connectTo: { host: string; port: number } } };
  assert.is(ans.negotiated.role, 'passive');
  assert.is(ans.negotiated.remotePath, 'msrp://alicepc.example.com:7777/iau39soe2843z;tcp');
  assert.match(ans.sdp, /\r\na=setup:passive\r\n/);
  // Alice reads the RFC's own answer: no a=setup there, so she (the offerer) connects to Bob's path.
  const rfcAnswer = parseSdp(load('sdp-11.1-answer.sdp'));
  assert.ok(rfcAnswer.ok);
  const alice: MsrpLocalMedia = { address: 'alicepc.example.com', port: 7777, secure: false, uri: 'msrp://alicepc.example.com:7777/iau39soe2843z;tcp', acceptTypes: ['text/plain'] };
  const n = acceptMsrpAnswer(rfcAnswer.val as never, alice);
  assert.ok(n.ok);
  assert.equal((n.val as { role: string; connectTo: unknown }).role, 'active');
  assert.equal((n.val as { connectTo: unknown }).connectTo, { host: 'bob.example.com', port: 8888 });
});

test('offer → answer → accept: paths cross, roles are complementary, NAT prefers active', () => {
  const alice: MsrpLocalMedia = { address: '192.0.2.10', port: 2855, secure: false, uri: 'msrp://192.0.2.10:2855/aliceSess1;tcp', acceptTypes: ['message/cpim', 'text/plain'],
    acceptWrappedTypes: ['text/plain', 'image/*'], maxSize: 1048576, username: 'alice', sessionId: '2890844526', sessionVersion: '2890844527' };
  const bob: MsrpLocalMedia = { address: '198.51.100.7', port: 2856, secure: false, uri: 'msrp://198.51.100.7:2856/bobSess22;tcp', acceptTypes: ['text/*'], maxSize: 65536 };
  const offerText = buildMsrpOffer(alice);
  assert.match(offerText, /^v=0\r\no=alice 2890844526 2890844527 IN IP4 192\.0\.2\.10\r\ns=-\r\nc=IN IP4 192\.0\.2\.10\r\nt=0 0\r\nm=message 2855 TCP\/MSRP \*\r\n/);
  assert.match(offerText, /a=setup:actpass\r\n/);
  assert.match(offerText, /a=accept-wrapped-types:text\/plain image\/\*\r\n/);
  const offer = parseSdpText(offerText);
  assert.ok(offer.ok);
  for (const [behindNat, bobRole, aliceRole] of [[true, 'active', 'passive'], [false, 'passive', 'active']] as const) {
    const answered = answerMsrpOffer(offer.val as never, { ...bob, behindNat });
    assert.ok(answered.ok);
    const { sdp, negotiated: nb } = answered.val as { sdp: string; negotiated: { role: string; remotePath: string; localPath: string; remoteMaxSize: number; remoteAcceptTypes: string[] } };
    assert.is(nb.role, bobRole);
    assert.is(nb.remotePath, alice.uri);
    assert.is(nb.remoteMaxSize, 1048576);
    assert.equal(nb.remoteAcceptTypes, ['message/cpim', 'text/plain']);
    const answer = parseSdpText(sdp);
    assert.ok(answer.ok);
    const na = acceptMsrpAnswer(answer.val as never, alice);
    assert.ok(na.ok);
    const v = na.val as { role: string; remotePath: string; localPath: string; remoteMaxSize: number };
    assert.is(v.role, aliceRole);
    assert.is(v.remotePath, bob.uri, "alice's To-Path is bob's a=path");
    assert.is(v.localPath, nb.remotePath, "bob's To-Path is alice's a=path");
    assert.is(v.remoteMaxSize, 65536);
  }
});

test('setup rules: passive offer → active answer; holdconn refused; an answer may not say actpass', () => {
  const local: MsrpLocalMedia = { address: '10.0.0.2', port: 9, secure: false, uri: 'msrp://10.0.0.2:9/x1y2z3;tcp', acceptTypes: ['*'], behindNat: false };
  const offerWith = (setup: string) => parseSdpText(buildMsrpOffer({ ...local, uri: 'msrp://10.0.0.1:9/peer1;tcp', offerSetup: setup as never })).val as never;
  const roleFor = (setup: string) => { const r = answerMsrpOffer(offerWith(setup), local); return r.ok ? (r.val as { negotiated: { role: string } }).negotiated.role : (r.val as { code: number }).code; };
  assert.is(roleFor('passive'), 'active');
  assert.is(roleFor('active'), 'passive');
  assert.is(roleFor('actpass'), 'passive', 'not behind NAT: either works, we wait');
  assert.is(roleFor('holdconn'), E_SDP_BAD_SETUP);
  const actpassAnswer = parseSdpText(buildMsrpOffer(local)).val as never;
  const r = acceptMsrpAnswer(actpassAnswer, local);
  assert.is(!r.ok && (r.val as { code: number }).code, E_SDP_BAD_SETUP);
});

test('offers we cannot take: no common type, TLS mismatch, refused stream, missing path or accept-types', () => {
  const local: MsrpLocalMedia = { address: '10.0.0.2', port: 9, secure: false, uri: 'msrp://10.0.0.2:9/x1y2z3;tcp', acceptTypes: ['text/plain'] };
  const base = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n';
  const code = (body: string) => { const p = parseSdpText(base + body); if (!p.ok) return p.val.code; const r = answerMsrpOffer(p.val, local); return r.ok ? 0 : r.val.code; };
  assert.is(code('m=message 7 TCP/MSRP *\r\na=accept-types:image/png\r\na=path:msrp://10.0.0.1:7/abc;tcp\r\n'), E_SDP_NO_COMMON_TYPE);
  assert.is(code('m=message 7 TCP/TLS/MSRP *\r\na=accept-types:text/plain\r\na=path:msrps://10.0.0.1:7/abc;tcp\r\n'), E_SDP_TLS_MISMATCH);
  assert.is(code('m=message 7 TCP/TLS/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://10.0.0.1:7/abc;tcp\r\n'), E_SDP_TLS_MISMATCH);
  assert.is(code('m=message 0 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://10.0.0.1:7/abc;tcp\r\n'), E_SDP_REJECTED);
  assert.is(code('m=message 7 TCP/MSRP *\r\na=accept-types:text/plain\r\n'), E_SDP_NO_PATH);
  assert.is(code('m=message 7 TCP/MSRP *\r\na=path:msrp://10.0.0.1:7/abc;tcp\r\n'), E_SDP_NO_ACCEPT_TYPES);
  assert.is(code('m=message 7 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:http://10.0.0.1:7/abc;tcp\r\n'), E_SDP_BAD_PATH);
  assert.is(code('m=message 7 TCP/MSRP *\r\na=accept-types:*\r\na=path:msrp://relay.example:7/r1;tcp msrp://10.0.0.1:7/abc;tcp\r\n'), 0, 'a two-hop path is fine');
  assert.ok(mediaTypeMatches('text/*', 'text/plain; charset=utf-8'));
  assert.ok(!mediaTypeMatches('text/plain', 'text/html'));
});

test('bad SDP gives codes and offsets, never a throw', () => {
  const cases: [string, number][] = [
    ['', E_SDP_NO_VERSION],
    ['o=- 1 1 IN IP4 x\r\n', E_SDP_NO_VERSION],
    ['v=1\r\n', E_SDP_NO_VERSION],
    ['v=0\r\no=- 1 1 IN IP4 x\r\ns=-\r\nc=IN IP4 x\r\nt=0 0\r\nm=message 70000 TCP/MSRP *\r\n', E_SDP_BAD_MEDIA],
    ['v=0\r\no=- 1 1 IN IP4 x\r\ns=-\r\nc=IN IP4 x\r\nm=message 7 TCP/MSRP *\r\n', E_SDP_MISSING_FIELD],
    ['v=0\r\no=- 1 1 IN IP4 x\r\ns=-\r\nt=0 0\r\nm=message 7 TCP/MSRP *\r\n', E_SDP_BAD_CONNECTION],
    ['v=0\r\no=- 1 1 IN IP4 x\r\ns=-\r\n\r\nt=0 0\r\n', E_SDP_BAD_LINE],
    ['v=0\r\nX=1\r\n', E_SDP_BAD_LINE],
    ['v=0\r\n' + 'a=x\r\n'.repeat(5000), E_SDP_TOO_LARGE],
  ];
  for (const [text, want] of cases) {
    const r = parseSdpText(text);
    assert.ok(!r.ok, JSON.stringify(text.slice(0, 30)));
    assert.is((r.val as { code: number }).code, want, JSON.stringify(text.slice(0, 40)));
    assert.ok((r.val as { offset: number }).offset >= 0 && (r.val as { offset: number }).offset <= text.length);
  }
  const lf = parseSdpText('v=0\no=- 1 1 IN IP4 x\ns=-\nc=IN IP4 x\nt=0 0\nm=message 7 TCP/MSRP *\na=accept-types:*\na=path:msrp://x:7/s;tcp\n');
  assert.ok(lf.ok, 'bare LF tolerated (RFC 4566 §5)');
});

test('fuzz: 30k mutated SDP bodies never throw; successes round-trip through the writer', () => {
  const seeds = files.map(load);
  const rnd = lcg(4566);
  const pick = (n: number) => Math.floor(rnd() * n);
  const pool = [13, 10, 61, 32, 58, 47, 42, 48, 0, 255, 109, 97];
  let parsed = 0;
  for (let i = 0; i < 30000; i++) {
    const s = seeds[pick(seeds.length)]!;
    const b = s.slice(0, pick(4) === 0 ? pick(s.length + 1) : s.length);
    for (let k = pick(4); k > 0; k--) if (b.length) b[pick(b.length)] = pool[pick(pool.length)]!;
    const r = parseSdp(b);
    if (!r.ok) { assert.ok(r.val.offset >= 0 && r.val.offset <= b.length); continue; }
    parsed++;
    readMsrpMedia(r.val);
    const again = parseSdpText(writeSdp(r.val));
    assert.ok(again.ok, 'what we write, we read');
    assert.equal(again.val, r.val);
  }
  assert.ok(parsed > 1000, `some mutants still parse (${parsed})`);
});

test.run();
