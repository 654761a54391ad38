// One program run both on Node and inside QuickJS (bundled by esbuild like firmware): hashes,
// UTF-8/base64, the RFC digest examples, challenge decoding, the SIP writer and a digest client
// round. It uses only core/ code and returns plain JSON-able data.
import { md5Hex } from '../../core/bytes/md5.js';
import { sha256Hex } from '../../core/bytes/sha256.js';
import { utf8Bytes, utf8Decode } from '../../core/bytes/utf8.js';
import { base64EncodeToString } from '../../core/bytes/base64.js';
import { asciiString } from '../../core/bytes/ascii.js';
import { DigestChallenge, decodeChallenge } from '../../core/auth/challenge.js';
import { DigestComputer } from '../../core/auth/digest.js';
import { DigestClient } from '../../core/auth/client.js';
import { CredentialStore } from '../../core/auth/credential-store.js';
import { QOP_AUTH } from '../../core/auth/algorithm.js';
import { SipWriter } from '../../core/sip/writer.js';
import { H, M } from '../../core/sip/header-ids.js';

export interface EngineResult {
  hashes: string[];
  utf8: string;
  base64: string;
  rfc: string[];
  challenges: number[][];
  register: string;
  authorization: string;
}

function rfc7616(alg: string): string {
  const text = utf8Bytes(`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${alg}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`);
  const ch = new DigestChallenge();
  if (decodeChallenge(text, 0, text.length, ch) !== 0) return 'decode failed';
  const c = new DigestComputer().clearSpans();
  c.algorithm = ch.algorithm; c.qop = QOP_AUTH; c.username = 'Mufasa'; c.password = 'Circle of Life';
  c.realmBuf = text; c.realmOff = ch.realmOff; c.realmLen = ch.realmLen;
  c.nonceBuf = text; c.nonceOff = ch.nonceOff; c.nonceLen = ch.nonceLen;
  const cn = utf8Bytes('f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ');
  c.cnonceBuf = cn; c.cnonceOff = 0; c.cnonceLen = cn.length; c.nc = 1;
  c.method = 'GET'; c.uri = '/dir/index.html';
  if (c.compute() !== 0) return 'compute failed';
  return asciiString(c.response, 0, c.hexLength);
}

export function runEngineProgram(): EngineResult {
  const inputs = ['', 'abc', 'message digest', 'x'.repeat(1000), 'J\u00e4s\u00f8n \u{1F600}'];
  const hashes: string[] = [];
  for (const s of inputs) { hashes.push(md5Hex(s)); hashes.push(sha256Hex(s)); }
  const u = utf8Bytes('Gr\u00fc\u00dfe \u{1F600} \uD800');
  const bad = new Uint8Array([0x61, 0xc0, 0xaf, 0xe2, 0x82, 0x62, 0xf4, 0x90, 0x80, 0x80]);
  const challenges: number[][] = [];
  for (const t of ['Digest realm="127.0.0.1", nonce="abc", qop="auth"', 'Basic realm="x"', 'Digest realm="r" nonce="n"',
    'Digest realm="a\\"b", nonce="n", stale=true, algorithm=SHA-256-sess']) {
    const b = utf8Bytes(t);
    const ch = new DigestChallenge();
    const r = decodeChallenge(b, 0, b.length, ch);
    challenges.push([r, ch.errorOffset, ch.realmOff, ch.realmLen, ch.nonceOff, ch.nonceLen, ch.algorithm, ch.qop, ch.stale ? 1 : 0]);
  }
  // REGISTER with a digest client answering a Kamailio-style challenge.
  let n = 0;
  const client = new DigestClient({
    random: { randomBytes: (o: Uint8Array, off: number, len: number) => { for (let i = 0; i < len; i++) o[off + i] = (n++ * 37) & 255; } },
    credentials: new CredentialStore().set('127.0.0.1', 'alice', 'alicepw'),
  });
  const ch = utf8Bytes('Digest realm="127.0.0.1", nonce="ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo", qop="auth"');
  client.onChallenge(ch, 0, ch.length, false);
  const w = new SipWriter();
  const buf = new Uint8Array(2048);
  w.requestId(buf, 0, buf.length, M.REGISTER, 'sip:127.0.0.1')
    .headerId(H.VIA, 'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1').headerIdUint(H.MAX_FORWARDS, 70)
    .headerId(H.FROM, '<sip:alice@127.0.0.1>;tag=1').headerId(H.TO, '<sip:alice@127.0.0.1>')
    .headerId(H.CALL_ID, 'c1').beginId(H.CSEQ).uint(2).text(' REGISTER').end();
  client.writeHeaders(w, 'REGISTER', 'sip:127.0.0.1');
  const len = w.finish();
  const register = len > 0 ? utf8Decode(buf, 0, len) : `error ${len}`;
  const authorization = register.split('\r\n').find((l) => l.startsWith('Authorization: ')) ?? '';
  return {
    hashes,
    utf8: utf8Decode(u, 0, u.length) + '|' + utf8Decode(bad, 0, bad.length),
    base64: base64EncodeToString(u),
    rfc: [rfc7616('MD5'), rfc7616('SHA-256')],
    challenges,
    register,
    authorization,
  };
}
