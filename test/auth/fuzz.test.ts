// Seeded mutation fuzz of the challenge and credentials decoders: whatever the bytes, they return
// a code (never throw) and every reported span lies inside the span they were given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestChallenge, decodeChallenge } from '../../core/auth/challenge.js';
import { DigestCredentials, decodeCredentials } from '../../core/auth/credentials.js';
import { DigestClient } from '../../core/auth/client.js';
import { CredentialStore } from '../../core/auth/credential-store.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

const SEEDS = [
  'Digest realm="127.0.0.1", nonce="ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo", qop="auth"',
  'Digest\r\n realm="testrealm@host.com",\r\n qop="auth,auth-int",\r\n nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'Digest realm="a\\"b", domain="sip:a sip:b", nonce="n", stale=TRUE, algorithm=SHA-256-sess, charset=UTF-8, userhash=true',
  'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'Basic realm="x"',
];
const SPECIAL = [0x22, 0x5c, 0x2c, 0x3d, 0x0d, 0x0a, 0x20, 0x09, 0x00, 0xff, 0xc3, 0x7f];

function mutate(next: () => number, seed: Uint8Array): Uint8Array {
  const a = Array.from(seed);
  const edits = 1 + (next() % 6);
  for (let e = 0; e < edits; e++) {
    const op = next() % 5;
    const at = a.length === 0 ? 0 : next() % a.length;
    if (op === 0 && a.length > 0) a[at] = next() & 255;
    else if (op === 1) a.splice(at, 0, SPECIAL[next() % SPECIAL.length]);
    else if (op === 2 && a.length > 0) a.splice(at, 1 + (next() % 4));
    else if (op === 3) a.length = at; // truncate
    else a.splice(at, 0, ...a.slice(next() % (a.length || 1), (next() % (a.length || 1)) + 1)); // duplicate a piece
  }
  return new Uint8Array(a);
}

function inRange(off: number, len: number, lo: number, hi: number): boolean {
  return len === 0 || (off >= lo && len >= 0 && off + len <= hi);
}

test('challenge and credentials decoders: 40k mutated inputs, no throw, spans in range', () => {
  const next = rng(7616);
  const ch = new DigestChallenge();
  const cr = new DigestCredentials();
  const client = new DigestClient({ random: { random: () => 0.25 }, credentials: new CredentialStore().set(null, 'u', 'p') });
  const out = new Uint8Array(4096);
  let accepted = 0;
  for (let i = 0; i < 40000; i++) {
    const m = mutate(next, bytes(SEEDS[i % SEEDS.length]));
    // Embed in padding so that a read past the span would see bytes that change results.
    const pad = 1 + (next() % 3);
    const buf = new Uint8Array(m.length + 2 * pad).fill(0x22);
    buf.set(m, pad);
    const lo = pad;
    const hi = pad + m.length;
    const r = decodeChallenge(buf, lo, hi, ch);
    assert.ok(Number.isInteger(r) && r <= 0);
    if (r === 0) {
      accepted++;
      for (const [o, l] of [[ch.schemeOff, ch.schemeLen], [ch.realmOff, ch.realmLen], [ch.nonceOff, ch.nonceLen],
        [ch.opaqueOff, ch.opaqueLen], [ch.domainOff, ch.domainLen], [ch.algorithmOff, ch.algorithmLen], [ch.qopOff, ch.qopLen]]) {
        assert.ok(inRange(o, l, lo, hi), `span ${o}+${l} outside [${lo},${hi}) for ${JSON.stringify(Buffer.from(m).toString('latin1'))}`);
      }
      // Whatever decoded must also be answerable without throwing.
      client.beginRequest();
      const d = client.onChallenge(buf, lo, hi, false);
      if (d === 1) {
        const realm = ch.buf.slice(ch.realmOff, ch.realmOff + ch.realmLen);
        const n = client.writeValueFor(realm, 0, realm.length, false, out, 0, out.length, 'REGISTER', 'sip:x');
        assert.ok(n > 0 || n < 0);
        client.forget();
      }
    } else {
      assert.ok(ch.errorOffset >= lo && ch.errorOffset <= hi, `errorOffset ${ch.errorOffset} outside [${lo},${hi}]`);
    }
    const rc = decodeCredentials(buf, lo, hi, cr);
    assert.ok(Number.isInteger(rc) && rc <= 0);
    if (rc === 0) {
      for (const [o, l] of [[cr.usernameOff, cr.usernameLen], [cr.realmOff, cr.realmLen], [cr.nonceOff, cr.nonceLen],
        [cr.uriOff, cr.uriLen], [cr.responseOff, cr.responseLen], [cr.cnonceOff, cr.cnonceLen], [cr.opaqueOff, cr.opaqueLen],
        [cr.algorithmOff, cr.algorithmLen], [cr.usernameStarOff, cr.usernameStarLen]]) {
        assert.ok(inRange(o, l, lo, hi));
      }
    } else {
      assert.ok(cr.errorOffset >= lo && cr.errorOffset <= hi);
    }
  }
  // The mutator must leave a fair share decodable, or the fuzz would only test the first byte.
  assert.ok(accepted > 3000, `accepted ${accepted}`);
});

test('random bytes: no throw', () => {
  const next = rng(2617);
  const ch = new DigestChallenge();
  const cr = new DigestCredentials();
  for (let i = 0; i < 20000; i++) {
    const n = next() % 64;
    const b = new Uint8Array(n + 7);
    b.set(bytes('Digest '));
    for (let k = 0; k < n; k++) b[7 + k] = SPECIAL[next() % SPECIAL.length] ^ ((next() & 1) ? 0 : 0x40);
    const r = decodeChallenge(b, 0, b.length, ch);
    assert.ok(r <= 0);
    assert.ok(decodeCredentials(b, 0, b.length, cr) <= 0);
  }
});

test.run();
