// Decoding WWW-Authenticate / Proxy-Authenticate values taken from real servers and RFCs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestChallenge, decodeChallenge, P_DOMAIN, P_OPAQUE, P_REALM, P_NONCE } from '../../core/auth/challenge.js';
import { ALG_MD5, ALG_MD5_SESS, ALG_SHA256, ALG_SHA256_SESS, ALG_UNSUPPORTED, QOP_AUTH, QOP_AUTH_INT, QOP_NONE, QOP_OTHER } from '../../core/auth/algorithm.js';
import { E_AUTH_BAD_VALUE, E_AUTH_DUPLICATE_PARAM, E_AUTH_MISSING_PARAM, E_AUTH_SYNTAX, E_AUTH_UNKNOWN_SCHEME, authErrorName, authErrorMessage } from '../../core/auth/errors.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const span = (ch: DigestChallenge, off: number, len: number) => Buffer.from(ch.buf.subarray(off, off + len)).toString('utf8');

function decode(text: string, pad = 0): [number, DigestChallenge] {
  const b = bytes(' '.repeat(pad) + text + ' '.repeat(pad));
  const ch = new DigestChallenge();
  return [decodeChallenge(b, pad, b.length - pad, ch), ch];
}

test('Kamailio (auth module, qop=auth)', () => {
  const [r, ch] = decode('Digest realm="127.0.0.1", nonce="ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo", qop="auth"', 3);
  assert.is(r, 0);
  assert.is(span(ch, ch.schemeOff, ch.schemeLen), 'Digest');
  assert.is(span(ch, ch.realmOff, ch.realmLen), '127.0.0.1');
  assert.is(span(ch, ch.nonceOff, ch.nonceLen), 'ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo');
  assert.is(ch.qop, QOP_AUTH);
  assert.is(ch.algorithm, ALG_MD5);
  assert.is(ch.stale, false);
  assert.is(ch.present & P_OPAQUE, 0);
});

test('Asterisk (algorithm first, unquoted) and FreeSWITCH (qop before nonce)', () => {
  let [r, ch] = decode('Digest algorithm=MD5, realm="asterisk", nonce="1c2b3e4f"');
  assert.is(r, 0);
  assert.is(ch.algorithm, ALG_MD5);
  assert.is(span(ch, ch.algorithmOff, ch.algorithmLen), 'MD5');
  assert.is(span(ch, ch.realmOff, ch.realmLen), 'asterisk');
  assert.is(ch.qop, QOP_NONE);
  [r, ch] = decode('Digest realm="10.0.0.1", qop="auth", algorithm=MD5, nonce="3b6c5f8e-2a1d-11ee-9a2c-0b1f2e3d4c5b"');
  assert.is(r, 0);
  assert.is(span(ch, ch.nonceOff, ch.nonceLen), '3b6c5f8e-2a1d-11ee-9a2c-0b1f2e3d4c5b');
});

test('stale, opaque, domain, charset, userhash and every algorithm spelling', () => {
  const [r, ch] = decode('Digest realm="biloxi.com", domain="sip:biloxi.com sip:ss1.biloxi.com", nonce="dcd98b",'
    + ' opaque="", stale=TRUE, algorithm=sha-256-SESS, charset=UTF-8, userhash=true, qop="auth-int,auth,token"');
  assert.is(r, 0);
  assert.is(ch.stale, true);
  assert.is(ch.algorithm, ALG_SHA256_SESS);
  assert.is(ch.present & P_OPAQUE, P_OPAQUE, 'empty opaque is still present');
  assert.is(ch.opaqueLen, 0);
  assert.is(span(ch, ch.domainOff, ch.domainLen), 'sip:biloxi.com sip:ss1.biloxi.com');
  assert.is(ch.present & P_DOMAIN, P_DOMAIN);
  assert.ok(ch.charsetUtf8);
  assert.ok(ch.userhash);
  assert.is(ch.qop, QOP_AUTH | QOP_AUTH_INT | QOP_OTHER);
  for (const [tok, id] of [['MD5', ALG_MD5], ['md5-sess', ALG_MD5_SESS], ['"SHA-256"', ALG_SHA256], ['SHA-512-256', ALG_UNSUPPORTED], ['AKAv1-MD5', ALG_UNSUPPORTED]] as const) {
    const [rr, c] = decode(`Digest realm="r", nonce="n", algorithm=${tok}`);
    assert.is(rr, 0);
    assert.is(c.algorithm, id, tok);
  }
  const [r2, c2] = decode('Digest realm="r", nonce="n", stale=false');
  assert.is(r2, 0);
  assert.is(c2.stale, false);
});

test('lenient forms seen in the wild: qop unquoted, bare base64 nonce, empty list elements, no spaces', () => {
  let [r, ch] = decode('Digest realm="r",nonce=abc/def+ghi==,qop=auth,,  ,opaque="o"');
  assert.is(r, 0);
  assert.is(span(ch, ch.nonceOff, ch.nonceLen), 'abc/def+ghi==');
  assert.is(ch.qop, QOP_AUTH);
  [r, ch] = decode('digest REALM = "r" , NONCE = "n"');
  assert.is(r, 0, 'names and scheme are case-insensitive, SWS around "="');
  assert.is(span(ch, ch.realmOff, ch.realmLen), 'r');
});

test('quoted-string escapes and folded lines (LWS with CRLF)', () => {
  let [r, ch] = decode('Digest realm="say \\"hi\\" \\\\o/", nonce="n"');
  assert.is(r, 0);
  assert.ok(ch.realmEscaped);
  assert.is(span(ch, ch.realmOff, ch.realmLen), 'say \\"hi\\" \\\\o/', 'span keeps escapes');
  assert.not.ok(ch.nonceEscaped);
  [r, ch] = decode('Digest\r\n realm="r",\r\n\tnonce="a\r\n b"');
  assert.is(r, 0);
  assert.is(span(ch, ch.nonceOff, ch.nonceLen), 'a\r\n b');
  [r, ch] = decode('Digest\n realm="r",\n nonce="a\n b"');
  assert.is(r, 0, 'bare-LF folds (from a message parsed with allowBareLf)');
  assert.is(decode('Digest realm="r",\nnonce="n"')[0], E_AUTH_SYNTAX, 'a line break without WSP is not a fold');
  [r, ch] = decode('Digest realm="caf\u00e9", nonce="n"');
  assert.is(r, 0, 'UTF-8 inside quoted strings');
  assert.is(span(ch, ch.realmOff, ch.realmLen), 'caf\u00e9');
});

test('unknown parameters are skipped, even with odd values', () => {
  const [r, ch] = decode('Digest foo="bar, baz", realm="r", x-vendor=1, nonce="n", ext="\\"q\\""');
  assert.is(r, 0);
  assert.is(ch.present, P_REALM | P_NONCE);
});

test('unknown schemes are reported with their span', () => {
  for (const [text, scheme] of [['Basic realm="WallyWorld"', 'Basic'], ['Bearer realm="x", error="invalid_token"', 'Bearer'], ['NTLM', 'NTLM'], ['  AKA  realm="x"', 'AKA']]) {
    const [r, ch] = decode(text);
    assert.is(r, E_AUTH_UNKNOWN_SCHEME, text);
    assert.is(span(ch, ch.schemeOff, ch.schemeLen), scheme);
    assert.is(ch.errorOffset, ch.schemeOff);
  }
});

test('errors with positions', () => {
  const cases: Array<[string, number, number]> = [
    ['', E_AUTH_SYNTAX, 0],
    ['   ', E_AUTH_SYNTAX, 3],
    ['"Digest" realm="r"', E_AUTH_SYNTAX, 0],
    ['Digest,realm="r", nonce="n"', E_AUTH_SYNTAX, 6],
    ['Digest realm="r" nonce="n"', E_AUTH_SYNTAX, 17],
    ['Digest realm="r", nonce="n', E_AUTH_SYNTAX, 24],
    ['Digest realm="r", nonce', E_AUTH_SYNTAX, 23],
    ['Digest realm="r", nonce=', E_AUTH_SYNTAX, 24],
    ['Digest realm="r", ="n"', E_AUTH_SYNTAX, 18],
    ['Digest realm="r", nonce="a\\', E_AUTH_SYNTAX, 26],
    ['Digest realm="r", nonce="a\rb"', E_AUTH_SYNTAX, 26],
    ['Digest realm="r", nonce="a\u0001b"', E_AUTH_SYNTAX, 26],
    ['Digest realm="r", nonce="n", stale=maybe', E_AUTH_BAD_VALUE, 35],
    ['Digest realm="r", nonce="n", userhash=1', E_AUTH_BAD_VALUE, 38],
    ['Digest realm="r", realm="s", nonce="n"', E_AUTH_DUPLICATE_PARAM, 18],
    ['Digest realm="r"', E_AUTH_MISSING_PARAM, 16],
    ['Digest nonce="n"', E_AUTH_MISSING_PARAM, 16],
    ['Digest', E_AUTH_MISSING_PARAM, 6],
  ];
  for (const [text, code, at] of cases) {
    const [r, ch] = decode(text);
    assert.is(r, code, `${JSON.stringify(text)} -> ${authErrorName(r)}`);
    assert.is(ch.errorOffset, at, `offset for ${JSON.stringify(text)}`);
    assert.ok(authErrorMessage(r).length > 5);
  }
  const ch = new DigestChallenge();
  const b = bytes('Digest realm="r", nonce="n"');
  assert.is(decodeChallenge(b, 0, b.length + 1, ch), E_AUTH_SYNTAX, 'end past the array');
  assert.is(decodeChallenge(b, 5, 2, ch), E_AUTH_SYNTAX, 'end before off');
});

test('only the given span is read', () => {
  const b = bytes('Digest realm="r", nonce="n"XXXX');
  const ch = new DigestChallenge();
  assert.is(decodeChallenge(b, 0, b.length - 4, ch), 0);
  assert.is(decodeChallenge(b, 0, b.length, ch), E_AUTH_SYNTAX);
});

test.run();
