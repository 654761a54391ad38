// Two digest clients sharing one DigestWorkspace (the UA's registrar and request clients do, to
// save the computer and scratch): each keeps its own challenges, nonce counts and answers, however
// their calls interleave.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestClient, DigestWorkspace, AUTH_RETRY } from '../../core/auth/client.js';
import { CredentialStore } from '../../core/auth/credential-store.js';
import { DigestCredentials, decodeCredentials } from '../../core/auth/credentials.js';
import { DigestComputer } from '../../core/auth/digest.js';
import { SipWriter } from '../../core/sip/writer.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array, off: number, len: number): string => Buffer.from(b.subarray(off, off + len)).toString('utf8');

function counterSource(start: number) {
  let n = start;
  return { randomBytes: (out: Uint8Array, off: number, len: number) => { for (let i = 0; i < len; i++) out[off + i] = (n++) & 255; } };
}

const STORE = new CredentialStore().set('127.0.0.1', 'alice', 'alicepw').set('proxy.example.com', 'alice-p', 'proxypw');

function client(workspace: DigestWorkspace, seed: number): DigestClient {
  return new DigestClient({ random: counterSource(seed), credentials: STORE, workspace });
}

function challenge(status: 401 | 407, header: string): SipMessageView {
  const msg = `SIP/2.0 ${status} Challenge\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1\r\n`
    + 'From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:alice@127.0.0.1>;tag=k1\r\nCall-ID: c1@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\n'
    + `${header}\r\nContent-Length: 0\r\n\r\n`;
  const b = bytes(msg);
  const view = new SipMessageView();
  assert.is(parse(b, 0, b.length, view), b.length, 'test message parses');
  return view;
}

interface Answer { readonly proxy: boolean; readonly user: string; readonly realm: string; readonly nonce: string; readonly nc: number; readonly verifies: boolean }

/** Writes a request with the client's credentials; returns each header decoded and checked as a UAS would. */
function answers(c: DigestClient, method: string, password: (user: string) => string): Answer[] {
  const uri = 'sip:bob@127.0.0.1';
  const w = new SipWriter();
  const buf = new Uint8Array(4096);
  w.request(buf, 0, buf.length, method, uri).header('Via', 'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-2')
    .header('From', '<sip:alice@127.0.0.1>;tag=a1').header('To', `<${uri}>`).header('Call-ID', 'c1@127.0.0.1').header('CSeq', `2 ${method}`);
  assert.ok(c.writeHeaders(w, method, uri) >= 0);
  const n = w.finish();
  const view = new SipMessageView();
  assert.is(parse(buf, 0, n, view), n);
  const out: Answer[] = [];
  for (let i = 0; i < view.headerCount; i++) {
    const id = view.headerId[i];
    if (id !== H.AUTHORIZATION && id !== H.PROXY_AUTHORIZATION) continue;
    const cred = new DigestCredentials();
    assert.is(decodeCredentials(view.buf, view.valueOff[i]!, view.valueOff[i]! + view.valueLen[i]!, cred), 0);
    const user = text(view.buf, cred.usernameOff, cred.usernameLen);
    const comp = new DigestComputer();
    comp.username = user;
    out.push({
      proxy: id === H.PROXY_AUTHORIZATION, user, realm: text(view.buf, cred.realmOff, cred.realmLen), nonce: text(view.buf, cred.nonceOff, cred.nonceLen),
      nc: cred.nc, verifies: comp.verify(cred, password(user), view.buf, view.methodOff, view.methodLen) === 1,
    });
  }
  return out;
}

const PASSWORDS = (user: string): string => (user === 'alice' ? 'alicepw' : 'proxypw');

test('clients sharing a workspace keep their own realms, nonces and nonce counts', () => {
  const workspace = new DigestWorkspace();
  const registrar = client(workspace, 0);
  const requests = client(workspace, 100);
  registrar.beginRequest();
  requests.beginRequest();
  // Both challenged before either answers: the second decode reuses the shared challenge scratch.
  assert.is(registrar.onResponse(challenge(401, 'WWW-Authenticate: Digest realm="127.0.0.1", nonce="n-registrar", qop="auth"')), AUTH_RETRY);
  assert.is(requests.onResponse(challenge(407, 'Proxy-Authenticate: Digest realm="proxy.example.com", nonce="n-proxy", qop="auth", algorithm=SHA-256')), AUTH_RETRY);
  assert.equal(answers(registrar, 'REGISTER', PASSWORDS), [{ proxy: false, user: 'alice', realm: '127.0.0.1', nonce: 'n-registrar', nc: 1, verifies: true }]);
  assert.equal(answers(requests, 'SUBSCRIBE', PASSWORDS), [{ proxy: true, user: 'alice-p', realm: 'proxy.example.com', nonce: 'n-proxy', nc: 1, verifies: true }]);
  // Preemptive reuse afterwards: each client counts its own nonce.
  registrar.beginRequest();
  assert.equal(answers(registrar, 'REGISTER', PASSWORDS).map((a) => [a.nonce, a.nc, a.verifies]), [['n-registrar', 2, true]]);
  requests.beginRequest();
  assert.equal(answers(requests, 'SUBSCRIBE', PASSWORDS).map((a) => [a.nonce, a.nc, a.verifies]), [['n-proxy', 2, true]]);
  requests.beginRequest();
  assert.equal(answers(requests, 'SUBSCRIBE', PASSWORDS).map((a) => [a.nonce, a.nc, a.verifies]), [['n-proxy', 3, true]]);
  assert.is(registrar.activeRealms, 1);
  assert.is(requests.activeRealms, 1);
});

test('a workspace made for shorter values than the client keeps is refused at construction', () => {
  const small = new DigestWorkspace(64);
  assert.throws(() => new DigestClient({ random: counterSource(0), credentials: STORE, workspace: small, maxValueBytes: 256 }), /workspace/);
  assert.ok(new DigestClient({ random: counterSource(0), credentials: STORE, workspace: small, maxValueBytes: 64 }) instanceof DigestClient);
});

test.run();
