// Authorization / Proxy-Authorization decoding (UAS side) and writing (UAC side).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestCredentials, decodeCredentials, C_OPAQUE, C_USERNAME_STAR } from '../../core/auth/credentials.js';
import { AuthorizationFields, writeAuthorization } from '../../core/auth/authorization-writer.js';
import { DigestChallenge, decodeChallenge } from '../../core/auth/challenge.js';
import { DigestComputer } from '../../core/auth/digest.js';
import { ALG_MD5, ALG_SHA256, QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from '../../core/auth/algorithm.js';
import { E_AUTH_BAD_VALUE, E_AUTH_MISSING_PARAM, E_AUTH_NO_SPACE, E_AUTH_UNKNOWN_SCHEME, E_AUTH_DUPLICATE_PARAM } from '../../core/auth/errors.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array, off: number, len: number) => Buffer.from(b.subarray(off, off + len)).toString('utf8');

// RFC 3261 §22.4 / RFC 2617 §3.5 style credentials.
const RFC2617_AUTH = 'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",'
  + ' uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b",'
  + ' response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

test('decode RFC 2617 §3.5 credentials', () => {
  const b = bytes(RFC2617_AUTH);
  const c = new DigestCredentials();
  assert.is(decodeCredentials(b, 0, b.length, c), 0);
  assert.is(text(b, c.usernameOff, c.usernameLen), 'Mufasa');
  assert.is(text(b, c.realmOff, c.realmLen), 'testrealm@host.com');
  assert.is(text(b, c.uriOff, c.uriLen), '/dir/index.html');
  assert.is(text(b, c.responseOff, c.responseLen), '6629fae49393a05397450978507c4ef1');
  assert.is(text(b, c.cnonceOff, c.cnonceLen), '0a4f113b');
  assert.is(c.nc, 1);
  assert.is(c.qop, QOP_AUTH);
  assert.is(c.algorithm, ALG_MD5);
  assert.is(c.present & C_OPAQUE, C_OPAQUE);
});

test('decode SIP credentials with SHA-256, auth-int, userhash and username*', () => {
  const b = bytes('Digest username*=UTF-8\'\'J%C3%A4s%C3%B8n%20Doe, realm="sip.example.com", nonce="abc", uri="sip:sip.example.com",'
    + ' response="' + 'A'.repeat(64) + '", algorithm=SHA-256, qop=auth-int, nc=0000002F, cnonce="xyz", userhash=false');
  const c = new DigestCredentials();
  assert.is(decodeCredentials(b, 0, b.length, c), 0);
  assert.is(c.algorithm, ALG_SHA256);
  assert.is(c.qop, QOP_AUTH_INT);
  assert.is(c.nc, 0x2f);
  assert.is(c.present & C_USERNAME_STAR, C_USERNAME_STAR);
  assert.is(text(b, c.usernameStarOff, c.usernameStarLen), "UTF-8''J%C3%A4s%C3%B8n%20Doe");
  assert.is(c.userhash, false);
});

test('credentials errors', () => {
  const c = new DigestCredentials();
  const cases: Array<[string, number]> = [
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', E_AUTH_UNKNOWN_SCHEME],
    ['Digest realm="r", nonce="n", uri="u", response="00"', E_AUTH_MISSING_PARAM],
    ['Digest username="u", nonce="n", uri="u", response="00"', E_AUTH_MISSING_PARAM],
    ['Digest username="u", realm="r", nonce="n", uri="u", response="00", qop=auth', E_AUTH_MISSING_PARAM],
    ['Digest username="u", realm="r", nonce="n", uri="u", response="00", qop=auth, nc=00000001', E_AUTH_MISSING_PARAM],
    ['Digest username="u", realm="r", nonce="n", uri="u", response="0g"', E_AUTH_BAD_VALUE],
    ['Digest username="u", realm="r", nonce="n", uri="u", response="00", nc=1', E_AUTH_BAD_VALUE],
    ['Digest username="u", realm="r", nonce="n", uri="u", response="00", nc=0000000x', E_AUTH_BAD_VALUE],
    ['Digest username="u", username="v", realm="r", nonce="n", uri="u", response="00"', E_AUTH_DUPLICATE_PARAM],
  ];
  for (const [t, code] of cases) {
    const b = bytes(t);
    assert.is(decodeCredentials(b, 0, b.length, c), code, t);
  }
  const ok = bytes('Digest username="u", realm="r", nonce="n", uri="u", response="00"');
  assert.is(decodeCredentials(ok, 0, ok.length, c), 0, 'RFC 2069 form without qop');
});

function fieldsFor(ch: DigestChallenge, comp: DigestComputer, username: string, uri: string, qop: number, nc: number, cnonce: Uint8Array): AuthorizationFields {
  const f = new AuthorizationFields();
  f.username = username;
  f.realmBuf = ch.buf; f.realmOff = ch.realmOff; f.realmLen = ch.realmLen;
  f.nonceBuf = ch.buf; f.nonceOff = ch.nonceOff; f.nonceLen = ch.nonceLen;
  f.uri = uri;
  f.responseBuf = comp.response; f.responseLen = comp.hexLength;
  f.algorithmBuf = ch.buf; f.algorithmOff = ch.algorithmOff; f.algorithmLen = ch.algorithmLen;
  f.cnonceBuf = cnonce; f.cnonceOff = 0; f.cnonceLen = cnonce.length;
  f.hasOpaque = ch.opaqueLen > 0;
  f.opaqueBuf = ch.buf; f.opaqueOff = ch.opaqueOff; f.opaqueLen = ch.opaqueLen;
  f.qop = qop;
  f.nc = nc;
  return f;
}

test('write the RFC 2617 §3.5 Authorization value exactly; it decodes and verifies', () => {
  const chText = bytes('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(chText, 0, chText.length, ch), 0);
  const comp = new DigestComputer();
  comp.clearSpans();
  comp.algorithm = ALG_MD5; comp.qop = QOP_AUTH; comp.username = 'Mufasa'; comp.password = 'Circle Of Life';
  comp.realmBuf = chText; comp.realmOff = ch.realmOff; comp.realmLen = ch.realmLen;
  comp.nonceBuf = chText; comp.nonceOff = ch.nonceOff; comp.nonceLen = ch.nonceLen;
  const cnonce = bytes('0a4f113b');
  comp.cnonceBuf = cnonce; comp.cnonceOff = 0; comp.cnonceLen = 8; comp.nc = 1;
  comp.method = 'GET'; comp.uri = '/dir/index.html';
  assert.is(comp.compute(), 0);
  const f = fieldsFor(ch, comp, 'Mufasa', '/dir/index.html', QOP_AUTH, 1, cnonce);
  const out = new Uint8Array(512);
  const n = writeAuthorization(out, 3, out.length, f);
  const want = 'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",'
    + ' uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b",'
    + ' opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001';
  assert.is(text(out, 3, n), want);
  // UAS side reads back what the UAC wrote.
  const cr = new DigestCredentials();
  assert.is(decodeCredentials(out, 3, 3 + n, cr), 0);
  const uas = new DigestComputer();
  uas.username = 'Mufasa';
  assert.is(uas.verify(cr, 'Circle Of Life', bytes('GET'), 0, 3), 1);

  // All or nothing at every smaller size.
  for (let cap = 0; cap < n; cap++) assert.is(writeAuthorization(new Uint8Array(cap), 0, cap, f), E_AUTH_NO_SPACE, `cap ${cap}`);
  assert.is(writeAuthorization(new Uint8Array(n), 0, n, f), n);
});

test('username escaping, RFC 2069 mode (no qop: no cnonce/nc), algorithm echoed, userhash', () => {
  const chText = bytes('Digest realm="r", nonce="n\\"x", algorithm=md5');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(chText, 0, chText.length, ch), 0);
  const comp = new DigestComputer();
  comp.hexLength = 32;
  const f = fieldsFor(ch, comp, 'a"b\\c \u00e9', 'sip:x', QOP_NONE, 0, new Uint8Array(0));
  const out = new Uint8Array(512);
  let n = writeAuthorization(out, 0, out.length, f);
  assert.is(text(out, 0, n), `Digest username="a\\"b\\\\c \u00e9", realm="r", nonce="n\\"x", uri="sip:x", response="${'\0'.repeat(32)}", algorithm=md5`);
  f.userhash = true;
  f.userhashBuf = bytes('ab'.repeat(16)); f.userhashLen = 32;
  n = writeAuthorization(out, 0, out.length, f);
  assert.ok(text(out, 0, n).startsWith(`Digest username="${'ab'.repeat(16)}"`));
  assert.ok(text(out, 0, n).endsWith(', userhash=true'));
  f.userhash = false;
  f.username = 'bad\r\nname';
  assert.is(writeAuthorization(out, 0, out.length, f), E_AUTH_BAD_VALUE);
});

test.run();
