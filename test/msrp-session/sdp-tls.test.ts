// SDP offer/answer for MSRP over TLS (RFC 4975 §6, §8, §14.2): TCP/TLS/MSRP with msrps paths both
// ways, a=fingerprint (RFC 8122 §5) carried and checked against a certificate's SHA-256 (the
// core's own, cross-checked with node:crypto), and the refusals: a TLS offer is never answered
// with TCP/MSRP — an answerer without TLS refuses the stream with port 0 (RFC 3264 §6) and the
// offerer reads that as a refusal; a TCP answer to a TLS offer is not accepted either.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { parseSdpText, type SdpSession } from '../../core/im/sdp.js';
import {
  readMsrpMedia, buildMsrpOffer, answerMsrpOffer, acceptMsrpAnswer, refuseMsrpOffer, E_SDP_TLS_MISMATCH, E_SDP_REJECTED,
  E_SDP_BAD_FINGERPRINT, type MsrpLocalMedia, type NegotiatedMsrp,
} from '../../core/im/sdp-msrp.js';
import {
  certificateFingerprint, fingerprintMatches, parseFingerprint, E_FINGERPRINT_SYNTAX, E_FINGERPRINT_UNSUPPORTED_HASH,
} from '../../core/im/sdp-fingerprint.js';
import { lcg } from './support.js';

function fakeDer(seed: number, n = 612): Uint8Array {
  const r = lcg(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

const ALICE_CERT = fakeDer(1);
const BOB_CERT = fakeDer(2);

const alice: MsrpLocalMedia = {
  address: '192.0.2.10', port: 2855, secure: true, uri: 'msrps://192.0.2.10:2855/aliceTls1;tcp', acceptTypes: ['text/plain', 'message/cpim'],
  fingerprint: certificateFingerprint(ALICE_CERT), username: 'alice', sessionId: '1', sessionVersion: '1',
};
const bob: MsrpLocalMedia = {
  address: '198.51.100.7', port: 2856, secure: true, uri: 'msrps://198.51.100.7:2856/bobTls22;tcp', acceptTypes: ['text/*'],
  fingerprint: certificateFingerprint(BOB_CERT),
};

const sdp = (text: string): SdpSession => {
  const r = parseSdpText(text);
  if (!r.ok) throw new Error(`test SDP does not parse (${r.val.code})`);
  return r.val;
};
const code = (r: { ok: boolean; val: unknown }) => (r.ok ? 0 : (r.val as { code: number }).code);

test('certificateFingerprint is SHA-256 over the DER, uppercase hex pairs (RFC 8122 §5), equal to node:crypto', () => {
  for (const der of [ALICE_CERT, BOB_CERT, new Uint8Array(0), fakeDer(3, 64), fakeDer(4, 55), fakeDer(5, 4096)]) {
    const hex = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
    assert.is(certificateFingerprint(der), `sha-256 ${hex}`);
  }
});

test('parseFingerprint / fingerprintMatches: syntax, case, several values, unsupported hashes', () => {
  const f = certificateFingerprint(ALICE_CERT);
  const parsed = parseFingerprint(f);
  assert.ok(parsed.ok);
  assert.is((parsed.val as { hashFunction: string }).hashFunction, 'sha-256');
  assert.is((parsed.val as { digest: Uint8Array }).digest.length, 32);
  assert.equal(fingerprintMatches([f], ALICE_CERT).val, true);
  assert.equal(fingerprintMatches([f], BOB_CERT).val, false);
  assert.equal(fingerprintMatches([f.toLowerCase()], ALICE_CERT).val, true, 'lowercase accepted on input');
  assert.equal(fingerprintMatches(['SHA-1 ' + '00:'.repeat(19) + '00', f], ALICE_CERT).val, true, 'any of several; hash-func case-insensitive');
  const sha1Only = fingerprintMatches(['sha-1 ' + 'AB:'.repeat(19) + 'AB'], ALICE_CERT);
  assert.ok(!sha1Only.ok && sha1Only.val === E_FINGERPRINT_UNSUPPORTED_HASH, 'nothing checkable is not a pass');
  const none = fingerprintMatches([], ALICE_CERT);
  assert.ok(!none.ok && none.val === E_FINGERPRINT_UNSUPPORTED_HASH);
  for (const bad of ['', 'sha-256', 'sha-256 ', 'sha-256 AB:CD:', 'sha-256 ABCD', 'sha-256 AB:CD', 'sha-256 GG' + ':00'.repeat(31), 'sha 256 AB', 'sha-256 ' + 'AB:'.repeat(32) + 'AB']) {
    const r = parseFingerprint(bad);
    assert.ok(!r.ok && r.val === E_FINGERPRINT_SYNTAX, JSON.stringify(bad));
  }
  assert.ok(parseFingerprint('x-new-hash AB:CD').ok, 'an unknown hash-func token of any length parses (and is never matched)');
});

test('TLS offer → answer → accept: TCP/TLS/MSRP, msrps paths, fingerprints cross over, roles per RFC 6135', () => {
  const offerText = buildMsrpOffer(alice);
  assert.match(offerText, /\r\nm=message 2855 TCP\/TLS\/MSRP \*\r\n/);
  assert.match(offerText, /\r\na=path:msrps:\/\/192\.0\.2\.10:2855\/aliceTls1;tcp\r\n/);
  assert.match(offerText, new RegExp(`\\r\\na=fingerprint:${alice.fingerprint}\\r\\n`));
  assert.match(offerText, /\r\na=setup:actpass\r\n/);
  const offer = sdp(offerText);
  const read = readMsrpMedia(offer);
  assert.ok(read.ok);
  const media = read.val as Exclude<typeof read.val, { code: number }>;
  assert.is(media.secure, true);
  assert.is(media.pathUris[0]!.secure, true);
  assert.equal(media.fingerprints, [alice.fingerprint]);
  for (const [behindNat, bobRole, aliceRole] of [[true, 'active', 'passive'], [false, 'passive', 'active']] as const) {
    const answered = answerMsrpOffer(offer, { ...bob, behindNat });
    assert.ok(answered.ok);
    const { sdp: answerText, negotiated: nb } = answered.val as { sdp: string; negotiated: NegotiatedMsrp };
    assert.match(answerText, /\r\nm=message 2856 TCP\/TLS\/MSRP \*\r\n/);
    assert.match(answerText, /\r\na=path:msrps:\/\/198\.51\.100\.7:2856\/bobTls22;tcp\r\n/);
    assert.match(answerText, new RegExp(`\\r\\na=fingerprint:${bob.fingerprint}\\r\\n`));
    assert.is(nb.role, bobRole);
    assert.is(nb.secure, true);
    assert.equal(nb.remoteFingerprints, [alice.fingerprint]);
    assert.equal(nb.connectTo, { host: '192.0.2.10', port: 2855 });
    const na = acceptMsrpAnswer(sdp(answerText), alice);
    assert.ok(na.ok);
    const v = na.val as NegotiatedMsrp;
    assert.is(v.role, aliceRole);
    assert.is(v.secure, true);
    assert.is(v.remotePath, bob.uri);
    assert.equal(v.remoteFingerprints, [bob.fingerprint]);
    assert.equal(v.connectTo, { host: '198.51.100.7', port: 2856 });
  }
});

test('a TLS offer to an endpoint without TLS: answerMsrpOffer refuses, refuseMsrpOffer answers port 0 with the same proto', () => {
  const offer = sdp(buildMsrpOffer(alice));
  const plainBob: MsrpLocalMedia = { ...bob, secure: false, uri: 'msrp://198.51.100.7:2856/bobTcp;tcp' };
  delete (plainBob as { fingerprint?: string }).fingerprint;
  assert.is(code(answerMsrpOffer(offer, plainBob)), E_SDP_TLS_MISMATCH, 'never a TCP/MSRP answer to a TLS offer');
  const refusal = refuseMsrpOffer(offer, plainBob);
  assert.ok(refusal !== null);
  assert.match(refusal!, /\r\nm=message 0 TCP\/TLS\/MSRP \*\r\n/);
  assert.not.match(refusal!, /TCP\/MSRP|a=path|msrp:/, 'no TCP stream, no path offered instead');
  const back = sdp(refusal!);
  const media = readMsrpMedia(back);
  assert.ok(media.ok, 'a port-0 stream reads as refused, not as a syntax error');
  assert.is((media.val as { port: number }).port, 0);
  assert.is((media.val as { secure: boolean }).secure, true);
  assert.is(code(acceptMsrpAnswer(back, alice)), E_SDP_REJECTED, 'the offerer sees the refusal');
  // A TCP/MSRP answer to our TLS offer (a silent downgrade) is refused by the offerer.
  const plainOffer = sdp(buildMsrpOffer({ ...plainBob, offerSetup: 'active' }));
  const downgrade = answerMsrpOffer(plainOffer, { ...plainBob, uri: 'msrp://198.51.100.7:2856/x;tcp' });
  assert.ok(downgrade.ok);
  assert.is(code(acceptMsrpAnswer(sdp((downgrade.val as { sdp: string }).sdp), alice)), E_SDP_TLS_MISMATCH);
  // And the other way: a TCP offer is not answered over TLS.
  assert.is(code(answerMsrpOffer(plainOffer, bob)), E_SDP_TLS_MISMATCH);
  assert.is(refuseMsrpOffer(sdp('v=0\r\no=- 1 1 IN IP4 x\r\ns=-\r\nc=IN IP4 x\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n'), plainBob), null);
});

test('a=fingerprint: session-level applies when the media has none; a malformed one is an SDP error; TCP streams ignore it', () => {
  const base = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n';
  const f = certificateFingerprint(ALICE_CERT);
  const session = sdp(`${base}a=fingerprint:${f}\r\nm=message 7 TCP/TLS/MSRP *\r\na=accept-types:*\r\na=path:msrps://10.0.0.1:7/s1;tcp\r\n`);
  assert.equal((readMsrpMedia(session).val as { fingerprints: string[] }).fingerprints, [f]);
  const both = sdp(`${base}a=fingerprint:${f}\r\nm=message 7 TCP/TLS/MSRP *\r\na=accept-types:*\r\na=path:msrps://10.0.0.1:7/s1;tcp\r\na=fingerprint:${certificateFingerprint(BOB_CERT)}\r\n`);
  assert.equal((readMsrpMedia(both).val as { fingerprints: string[] }).fingerprints, [certificateFingerprint(BOB_CERT)], 'media level wins');
  const bad = sdp(`${base}m=message 7 TCP/TLS/MSRP *\r\na=accept-types:*\r\na=path:msrps://10.0.0.1:7/s1;tcp\r\na=fingerprint:sha-256 nothex\r\n`);
  assert.is(code(readMsrpMedia(bad)), E_SDP_BAD_FINGERPRINT);
  const plain = sdp(`${base}m=message 7 TCP/MSRP *\r\na=accept-types:*\r\na=path:msrp://10.0.0.1:7/s1;tcp\r\na=fingerprint:${f}\r\n`);
  const answered = answerMsrpOffer(plain, { address: '10.0.0.2', port: 9, secure: false, uri: 'msrp://10.0.0.2:9/me;tcp', acceptTypes: ['*'], fingerprint: f });
  assert.ok(answered.ok);
  const { sdp: text, negotiated } = answered.val as { sdp: string; negotiated: NegotiatedMsrp };
  assert.equal(negotiated.remoteFingerprints, [], 'fingerprints only mean something for TLS');
  assert.not.match(text, /a=fingerprint/);
});

test('fuzz: 3k mutated TLS offers never throw through read, answer, refuse and fingerprint checks', () => {
  const seed = buildMsrpOffer(alice);
  const rnd = lcg(8122);
  const pick = (n: number) => Math.floor(rnd() * n);
  const pool = ':0AFaf zG-\r\n=/'.split('');
  let read = 0;
  for (let i = 0; i < 3000; i++) {
    const chars = seed.split('');
    for (let k = 1 + pick(6); k > 0; k--) chars[pick(chars.length)] = pool[pick(pool.length)]!;
    const p = parseSdpText(chars.join(''));
    if (!p.ok) continue;
    const m = readMsrpMedia(p.val);
    if (m.ok) { read++; fingerprintMatches(m.val.fingerprints, ALICE_CERT); }
    answerMsrpOffer(p.val, bob);
    refuseMsrpOffer(p.val, bob);
  }
  assert.ok(read > 150, `some mutants still read (${read})`);
});

test.run();
