// Runs inside QuickJS (bundled by esbuild, no Node APIs): SDP offer/answer, then two MSRP
// sessions joined in memory send a message in chunks with a success report; and a TLS
// (TCP/TLS/MSRP) offer/answer whose a=fingerprint is checked with the core's SHA-256.
import { MsrpSession, MSRP_EVENT } from '../../core/msrp/index.js';
import { parseSdpText } from '../../core/im/sdp.js';
import { buildMsrpOffer, answerMsrpOffer, acceptMsrpAnswer, certificateFingerprint, fingerprintMatches } from '../../core/im/sdp-msrp.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

export function run(input: { size: number; chunkSize: number; readSize: number }): unknown {
  const aliceUri = 'msrp://10.0.0.1:2855/aliceQ1;tcp';
  const bobUri = 'msrp://10.0.0.2:2856/bobQ22;tcp';
  const offer = parseSdpText(buildMsrpOffer({ address: '10.0.0.1', port: 2855, secure: false, uri: aliceUri, acceptTypes: ['*'] }));
  if (!offer.ok) return { error: 'offer' };
  const answer = answerMsrpOffer(offer.val, { address: '10.0.0.2', port: 2856, secure: false, uri: bobUri, acceptTypes: ['application/*'] });
  if (!answer.ok) return { error: 'answer' };
  const back = parseSdpText(answer.val.sdp);
  if (!back.ok) return { error: 'answer sdp' };
  const aliceSide = acceptMsrpAnswer(back.val, { address: '10.0.0.1', port: 2855, secure: false, uri: aliceUri, acceptTypes: ['*'] });
  if (!aliceSide.ok) return { error: 'accept' };
  const alice = new MsrpSession({ localUri: aliceUri, remotePath: aliceSide.val.remotePath, random: lcg(1), chunkSize: input.chunkSize, maxMessageBytes: 1024 });
  const bob = new MsrpSession({ localUri: bobUri, remotePath: answer.val.negotiated.remotePath, random: lcg(2), maxMessageBytes: input.size + 16 });
  const content = new Uint8Array(input.size);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 8)) & 0xff;
  alice.sendMessage('application/octet-stream', content, 0, { successReport: true });
  const events: string[] = [];
  let sum = -1;
  const move = (from: MsrpSession, to: MsrpSession, name: string): number => {
    let moved = 0;
    for (let b = from.pollTransmit(0); b; b = from.pollTransmit(0)) {
      const copy = b.slice();
      for (let off = 0; off < copy.length;) {
        const n = Math.min(input.readSize, copy.length - off);
        let taken = 0;
        for (let guard = 0; taken < n && guard < 100; guard++) {
          taken += to.handleBytes(copy, off + taken, n - taken, 0);
          for (let e = to.pollEvent(); e; e = to.pollEvent()) {
            if (e.kind !== MSRP_EVENT.RECEIVE_PROGRESS && e.kind !== MSRP_EVENT.SEND_PROGRESS) events.push(`${name}${e.kind}:${e.status}:${e.done}`);
            if (e.kind === MSRP_EVENT.RECEIVED && e.data) { sum = 0; for (let i = 0; i < e.data.length; i++) sum = (sum * 31 + e.data[i]!) | 0; }
          }
        }
        off += n;
      }
      moved += copy.length;
    }
    return moved;
  };
  for (let round = 0; round < 1000; round++) {
    const a = move(alice, bob, 'B');
    const b = move(bob, alice, 'A');
    if (a === 0 && b === 0) break;
  }
  let want = 0;
  for (let i = 0; i < content.length; i++) want = (want * 31 + content[i]!) | 0;
  return { roles: [answer.val.negotiated.role, aliceSide.val.role], sum, want, events, tls: tlsOfferAnswer(content.subarray(0, 700), content.subarray(700, 1400)) };
}

/** msrps both ways; each side checks the other's "certificate" (any bytes: the hash is over the DER) against the SDP. */
function tlsOfferAnswer(aliceCert: Uint8Array, bobCert: Uint8Array): unknown {
  const alice = { address: '10.0.0.1', port: 2865, secure: true, uri: 'msrps://10.0.0.1:2865/aliceT1;tcp', acceptTypes: ['*'], fingerprint: certificateFingerprint(aliceCert) };
  const bob = { address: '10.0.0.2', port: 2866, secure: true, uri: 'msrps://10.0.0.2:2866/bobT2;tcp', acceptTypes: ['*'], fingerprint: certificateFingerprint(bobCert) };
  const offer = parseSdpText(buildMsrpOffer(alice));
  if (!offer.ok) return { error: 'tls offer' };
  const answer = answerMsrpOffer(offer.val, bob);
  if (!answer.ok) return { error: 'tls answer' };
  const back = parseSdpText(answer.val.sdp);
  if (!back.ok) return { error: 'tls answer sdp' };
  const aliceSide = acceptMsrpAnswer(back.val, alice);
  if (!aliceSide.ok) return { error: 'tls accept' };
  return {
    secure: [answer.val.negotiated.secure, aliceSide.val.secure], aliceFingerprint: alice.fingerprint,
    bobChecksAlice: fingerprintMatches(answer.val.negotiated.remoteFingerprints, aliceCert).val,
    aliceChecksBob: fingerprintMatches(aliceSide.val.remoteFingerprints, bobCert).val,
    aliceRefusesWrongCert: fingerprintMatches(aliceSide.val.remoteFingerprints, aliceCert).val,
  };
}

(globalThis as unknown as { __run: (s: string) => string }).__run = (s: string) => JSON.stringify(run(JSON.parse(s)));
