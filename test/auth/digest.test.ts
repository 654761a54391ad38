// Digest computations against the RFC examples and against node:crypto.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { DigestComputer, writeNonceCount } from '../../core/auth/digest.js';
import { DigestChallenge, decodeChallenge } from '../../core/auth/challenge.js';
import { DigestCredentials, decodeCredentials } from '../../core/auth/credentials.js';
import { ALG_MD5, ALG_MD5_SESS, ALG_SHA256, ALG_SHA256_SESS, ALG_UNSUPPORTED, QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from '../../core/auth/algorithm.js';
import { E_AUTH_UNSUPPORTED_ALGORITHM, E_AUTH_UNSUPPORTED_QOP } from '../../core/auth/errors.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const str = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n)).toString('latin1');

function load(c: DigestComputer, ch: DigestChallenge, user: string, pass: string, method: string, uri: string,
  qop: number, nc: number, cnonce: string): void {
  c.clearSpans();
  c.algorithm = ch.algorithm;
  c.qop = qop;
  c.username = user;
  c.password = pass;
  c.realmBuf = ch.buf; c.realmOff = ch.realmOff; c.realmLen = ch.realmLen; c.realmEscaped = ch.realmEscaped;
  c.nonceBuf = ch.buf; c.nonceOff = ch.nonceOff; c.nonceLen = ch.nonceLen; c.nonceEscaped = ch.nonceEscaped;
  const cn = bytes(cnonce);
  c.cnonceBuf = cn; c.cnonceOff = 0; c.cnonceLen = cn.length;
  c.nc = nc;
  c.method = method;
  c.uri = uri;
}

// RFC 2617 §3.5 (the challenge text of the RFC, with its qop list).
const RFC2617_CHALLENGE = bytes('Digest\r\n realm="testrealm@host.com",\r\n qop="auth,auth-int",\r\n'
  + ' nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n opaque="5ccc069c403ebaf9f0171e9517f40e41"');

test('RFC 2617 §3.5: Mufasa / Circle Of Life -> 6629fae49393a05397450978507c4ef1', () => {
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(RFC2617_CHALLENGE, 0, RFC2617_CHALLENGE.length, ch), 0);
  assert.is(ch.algorithm, ALG_MD5, 'absent algorithm means MD5');
  const c = new DigestComputer();
  load(c, ch, 'Mufasa', 'Circle Of Life', 'GET', '/dir/index.html', QOP_AUTH, 1, '0a4f113b');
  assert.is(c.compute(), 0);
  assert.is(c.hexLength, 32);
  assert.is(str(c.response, 32), '6629fae49393a05397450978507c4ef1');
});

// RFC 7616 §3.9.1: one challenge text per algorithm (the RFC sends both, SHA-256 first).
const RFC7616_SHA = bytes('Digest\r\n       realm="http-auth@example.org",\r\n       qop="auth, auth-int",\r\n'
  + '       algorithm=SHA-256,\r\n       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n'
  + '       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
const RFC7616_MD5 = bytes('Digest\r\n       realm="http-auth@example.org",\r\n       qop="auth, auth-int",\r\n'
  + '       algorithm=MD5,\r\n       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n'
  + '       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

test('RFC 7616 §3.9.1 MD5: 8ca523f5e9506fed4657c9700eebdbec', () => {
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(RFC7616_MD5, 0, RFC7616_MD5.length, ch), 0);
  assert.is(ch.algorithm, ALG_MD5);
  assert.is(ch.qop, QOP_AUTH | QOP_AUTH_INT);
  const c = new DigestComputer();
  load(c, ch, 'Mufasa', 'Circle of Life', 'GET', '/dir/index.html', QOP_AUTH, 1, RFC7616_CNONCE);
  assert.is(c.compute(), 0);
  assert.is(str(c.response, c.hexLength), '8ca523f5e9506fed4657c9700eebdbec');
});

test('RFC 7616 §3.9.1 SHA-256: 753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1', () => {
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(RFC7616_SHA, 0, RFC7616_SHA.length, ch), 0);
  assert.is(ch.algorithm, ALG_SHA256);
  const c = new DigestComputer();
  load(c, ch, 'Mufasa', 'Circle of Life', 'GET', '/dir/index.html', QOP_AUTH, 1, RFC7616_CNONCE);
  assert.is(c.compute(), 0);
  assert.is(c.hexLength, 64);
  assert.is(str(c.response, 64), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
});

// Reference implementation of the RFC formulas with node:crypto, to check every variant.
function reference(alg: 'md5' | 'sha256', sess: boolean, qop: '' | 'auth' | 'auth-int', user: string, realm: string,
  pass: string, nonce: string, cnonce: string, nc: string, method: string, uri: string, body: Uint8Array): string {
  const h = (s: string | Uint8Array) => createHash(alg).update(s).digest('hex');
  let ha1 = h(`${user}:${realm}:${pass}`);
  if (sess) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? h(`${method}:${uri}:${h(body)}`) : h(`${method}:${uri}`);
  return qop === '' ? h(`${ha1}:${nonce}:${ha2}`) : h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

test('every algorithm x qop (incl. -sess, auth-int with body, RFC 2069 no-qop) matches node:crypto', () => {
  const algs: Array<[number, 'md5' | 'sha256', boolean, string]> = [
    [ALG_MD5, 'md5', false, 'MD5'], [ALG_MD5_SESS, 'md5', true, 'MD5-sess'],
    [ALG_SHA256, 'sha256', false, 'SHA-256'], [ALG_SHA256_SESS, 'sha256', true, 'SHA-256-sess']];
  const qops: Array<[number, '' | 'auth' | 'auth-int']> = [[QOP_NONE, ''], [QOP_AUTH, 'auth'], [QOP_AUTH_INT, 'auth-int']];
  const body = bytes('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n\u00e9');
  const c = new DigestComputer();
  for (const [id, alg, sess, token] of algs) {
    for (const [qop, qopText] of qops) {
      for (const nc of [1, 2, 0xabcdef, 0xffffffff]) {
        const text = bytes(`Digest realm="sip.example.com", nonce="n0nce+/=", algorithm=${token}, qop="auth,auth-int"`);
        const ch = new DigestChallenge();
        assert.is(decodeChallenge(text, 0, text.length, ch), 0);
        assert.is(ch.algorithm, id);
        load(c, ch, 'al\u00efce', 'p\u00e4ss"word', 'REGISTER', 'sip:sip.example.com', qop, nc, 'c0ffee42');
        c.bodyBuf = body; c.bodyOff = 0; c.bodyLen = body.length;
        assert.is(c.compute(), 0);
        const ncText = nc.toString(16).padStart(8, '0');
        const want = reference(alg, sess, qopText, 'al\u00efce', 'sip.example.com', 'p\u00e4ss"word', 'n0nce+/=', 'c0ffee42',
          ncText, 'REGISTER', 'sip:sip.example.com', body);
        assert.is(str(c.response, c.hexLength), want, `${token} ${qopText} nc=${ncText}`);
      }
    }
  }
});

test('escaped quoted-strings are hashed unescaped', () => {
  const text = bytes('Digest realm="a\\"b\\\\c", nonce="x\\y"');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(text, 0, text.length, ch), 0);
  assert.ok(ch.realmEscaped);
  const c = new DigestComputer();
  load(c, ch, 'u', 'p', 'OPTIONS', 'sip:a', QOP_NONE, 0, '');
  assert.is(c.compute(), 0);
  assert.is(str(c.response, 32), reference('md5', false, '', 'u', 'a"b\\c', 'p', 'xy', '', '', 'OPTIONS', 'sip:a', new Uint8Array(0)));
});

test('userhash = H(username:realm) (RFC 7616 §3.4.4)', () => {
  const text = bytes('Digest realm="api@example.org", nonce="abc", algorithm=SHA-256, userhash=true');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(text, 0, text.length, ch), 0);
  assert.ok(ch.userhash);
  const c = new DigestComputer();
  load(c, ch, 'J\u00e4s\u00f8n Doe', 'Secret, or not?', 'GET', '/doc/index.html', QOP_AUTH, 1, 'x');
  assert.is(c.computeUserhash(), 0);
  assert.is(str(c.userhash, 64), createHash('sha256').update('J\u00e4s\u00f8n Doe:api@example.org').digest('hex'));
});

test('unsupported algorithm and qop are errors, not exceptions', () => {
  const text = bytes('Digest realm="r", nonce="n", algorithm=SHA-512-256');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(text, 0, text.length, ch), 0);
  assert.is(ch.algorithm, ALG_UNSUPPORTED);
  const c = new DigestComputer();
  load(c, ch, 'u', 'p', 'GET', '/', QOP_AUTH, 1, 'x');
  assert.is(c.compute(), E_AUTH_UNSUPPORTED_ALGORITHM);
  assert.is(c.computeUserhash(), E_AUTH_UNSUPPORTED_ALGORITHM);
  c.algorithm = ALG_MD5;
  c.qop = 7;
  assert.is(c.compute(), E_AUTH_UNSUPPORTED_QOP);
});

test('UAS side: RFC 2617 §3.5 Authorization verifies, a wrong password does not', () => {
  const auth = bytes('Digest username="Mufasa",\r\n realm="testrealm@host.com",\r\n nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n'
    + ' uri="/dir/index.html",\r\n qop=auth,\r\n nc=00000001,\r\n cnonce="0a4f113b",\r\n'
    + ' response="6629fae49393a05397450978507c4ef1",\r\n opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  const cr = new DigestCredentials();
  assert.is(decodeCredentials(auth, 0, auth.length, cr), 0);
  const c = new DigestComputer();
  c.username = 'Mufasa';
  const get = bytes('GET');
  assert.is(c.verify(cr, 'Circle Of Life', get, 0, 3), 1);
  assert.is(c.verify(cr, 'Circle of Life', get, 0, 3), 0);
  const post = bytes('POST');
  assert.is(c.verify(cr, 'Circle Of Life', post, 0, 4), 0);
});

test('nonce-count is 8 lowercase hex digits', () => {
  const out = new Uint8Array(8);
  for (const [n, s] of [[1, '00000001'], [255, '000000ff'], [0xdeadbeef, 'deadbeef'], [0x100000000 - 1, 'ffffffff']] as const) {
    writeNonceCount(n, out, 0);
    assert.is(str(out, 8), s);
  }
});

test.run();
