// The UAC digest client: challenge handling, nonce counts, cnonces, the one-retry rule, and the
// headers it writes (checked by decoding them and verifying them as a UAS would).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { DigestClient, AUTH_RETRY } from '../../core/auth/client.js';
import { CredentialStore } from '../../core/auth/credential-store.js';
import { DigestCredentials, decodeCredentials } from '../../core/auth/credentials.js';
import { DigestComputer } from '../../core/auth/digest.js';
import { CnonceGenerator } from '../../core/auth/cnonce.js';
import { retryDecision, SENT_FRESH, SENT_PREEMPTIVE, SENT_ANSWERED, CHALLENGE_SAME_NONCE, CHALLENGE_NEW_STALE, CHALLENGE_NEW } from '../../core/auth/retry-policy.js';
import {
  E_AUTH_NO_CHALLENGE, E_AUTH_NO_CREDENTIALS, E_AUTH_REJECTED, E_AUTH_SAME_NONCE, E_AUTH_TOO_MANY_STALE,
  E_AUTH_UNSUPPORTED_ALGORITHM, E_AUTH_TOO_MANY_REALMS, E_AUTH_TOO_LONG, E_AUTH_SYNTAX, E_AUTH_UNKNOWN_SCHEME,
} from '../../core/auth/errors.js';
import { ALG_MD5, ALG_SHA256, QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from '../../core/auth/algorithm.js';
import { SipWriter } from '../../core/sip/writer.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array, off: number, len: number) => Buffer.from(b.subarray(off, off + len)).toString('utf8');

/** A deterministic byte source: 0, 1, 2, ... */
function counterSource() {
  let n = 0;
  return { randomBytes: (out: Uint8Array, off: number, len: number) => { for (let i = 0; i < len; i++) out[off + i] = (n++) & 255; } };
}

function makeClient(extra: Partial<ConstructorParameters<typeof DigestClient>[0]> = {}) {
  const store = new CredentialStore().set('127.0.0.1', 'alice', 'alicepw').set('proxy.example.com', 'alice-p', 'proxypw');
  return new DigestClient({ random: counterSource(), credentials: store, ...extra });
}

function response(status: number, headers: string[]): SipMessageView {
  const msg = `SIP/2.0 ${status} ${status === 401 ? 'Unauthorized' : 'Proxy Authentication Required'}\r\n`
    + 'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1;rport=5062\r\n'
    + 'From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:alice@127.0.0.1>;tag=k1\r\nCall-ID: c1@127.0.0.1\r\nCSeq: 1 REGISTER\r\n'
    + headers.join('') + 'Server: kamailio (5.7.4 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n';
  const b = bytes(msg);
  const view = new SipMessageView();
  const n = parse(b, 0, b.length, view);
  assert.is(n, b.length, 'test message parses');
  return view;
}

/** Writes a REGISTER with the client's headers, parses it, and returns the Authorization values. */
function registerWith(client: DigestClient, uri = 'sip:127.0.0.1'): { view: SipMessageView; auth: number[] } {
  const w = new SipWriter();
  const buf = new Uint8Array(4096);
  w.request(buf, 0, buf.length, 'REGISTER', uri).header('Via', 'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-2')
    .header('From', '<sip:alice@127.0.0.1>;tag=a1').header('To', '<sip:alice@127.0.0.1>').header('Call-ID', 'c1@127.0.0.1')
    .header('CSeq', '2 REGISTER');
  const k = client.writeHeaders(w, 'REGISTER', uri);
  assert.ok(k >= 0, `writeHeaders ${k}`);
  const n = w.finish();
  assert.ok(n > 0);
  const view = new SipMessageView();
  assert.is(parse(buf, 0, n, view), n);
  const auth: number[] = [];
  for (let i = 0; i < view.headerCount; i++) {
    if (view.headerId[i] === H.AUTHORIZATION || view.headerId[i] === H.PROXY_AUTHORIZATION) auth.push(i);
  }
  assert.is(auth.length, k);
  return { view, auth };
}

function credentialsOf(view: SipMessageView, i: number): DigestCredentials {
  const c = new DigestCredentials();
  assert.is(decodeCredentials(view.buf, view.valueOff[i], view.valueOff[i] + view.valueLen[i], c), 0);
  return c;
}

function verifies(view: SipMessageView, i: number, user: string, password: string): boolean {
  const c = credentialsOf(view, i);
  const comp = new DigestComputer();
  comp.username = user;
  return comp.verify(c, password, view.buf, view.methodOff, view.methodLen) === 1;
}

const KAMAILIO = (nonce: string, extra = '') => `WWW-Authenticate: Digest realm="127.0.0.1", nonce="${nonce}", qop="auth"${extra}\r\n`;

test('Kamailio 401 -> retry with a verifiable Authorization, nc=00000001, then nc increments per request', () => {
  const client = makeClient();
  client.beginRequest();
  assert.is(registerWith(client).auth.length, 0, 'nothing cached: no header');
  assert.is(client.onResponse(response(401, [KAMAILIO('ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo')])), AUTH_RETRY);
  let { view, auth } = registerWith(client);
  assert.is(auth.length, 1);
  let c = credentialsOf(view, auth[0]);
  assert.is(text(view.buf, c.usernameOff, c.usernameLen), 'alice');
  assert.is(text(view.buf, c.nonceOff, c.nonceLen), 'ZWf7P2VmOhPEPL2wYoM3NcS6jzJ+q7Yo');
  assert.is(text(view.buf, c.uriOff, c.uriLen), 'sip:127.0.0.1');
  assert.is(c.nc, 1);
  assert.is(c.qop, QOP_AUTH);
  assert.is(text(view.buf, c.cnonceOff, c.cnonceLen), '0001020304050607', 'cnonce from the injected source');
  assert.ok(verifies(view, auth[0], 'alice', 'alicepw'));
  assert.not.ok(verifies(view, auth[0], 'alice', 'wrong'));
  // Refreshes reuse the nonce preemptively with nc 2, 3 and a new cnonce each time.
  for (const nc of [2, 3]) {
    client.beginRequest();
    ({ view, auth } = registerWith(client));
    c = credentialsOf(view, auth[0]);
    assert.is(c.nc, nc);
    assert.ok(verifies(view, auth[0], 'alice', 'alicepw'));
  }
  assert.is(text(view.buf, c.cnonceOff, c.cnonceLen), '1011121314151617');
});

test('one retry per challenge: wrong password against a fresh-nonce-per-401 server gives up', () => {
  const client = makeClient();
  client.beginRequest();
  assert.is(client.onResponse(response(401, [KAMAILIO('n1')])), AUTH_RETRY);
  registerWith(client);
  assert.is(client.onResponse(response(401, [KAMAILIO('n2')])), E_AUTH_REJECTED);
  assert.is(client.lastError, E_AUTH_REJECTED);
});

test('same nonce rejected again -> give up; stale=true with a new nonce -> retry (bounded)', () => {
  const client = makeClient({ maxStaleRetries: 2 });
  client.beginRequest();
  assert.is(client.onResponse(response(401, [KAMAILIO('n1')])), AUTH_RETRY);
  registerWith(client);
  assert.is(client.onResponse(response(401, [KAMAILIO('n1')])), E_AUTH_SAME_NONCE);

  client.beginRequest();
  registerWith(client); // preemptive with n1
  assert.is(client.onResponse(response(401, [KAMAILIO('n2', ', stale=true')])), AUTH_RETRY);
  let { view, auth } = registerWith(client);
  assert.is(credentialsOf(view, auth[0]).nc, 1, 'a new nonce restarts the count');
  assert.is(client.onResponse(response(401, [KAMAILIO('n3', ', stale=true')])), AUTH_RETRY);
  registerWith(client);
  assert.is(client.onResponse(response(401, [KAMAILIO('n4', ', stale=true')])), E_AUTH_TOO_MANY_STALE);
});

test('preemptive credentials with an expired nonce: a new nonce (even without stale) is retried once', () => {
  const client = makeClient();
  client.beginRequest();
  assert.is(client.onResponse(response(401, [KAMAILIO('old')])), AUTH_RETRY);
  registerWith(client);
  client.beginRequest();
  registerWith(client); // preemptive with "old"
  assert.is(client.onResponse(response(401, [KAMAILIO('new')])), AUTH_RETRY);
  const { view, auth } = registerWith(client);
  assert.is(text(view.buf, credentialsOf(view, auth[0]).nonceOff, 3), 'new');
  assert.is(client.onResponse(response(401, [KAMAILIO('newer')])), E_AUTH_REJECTED);
  // A preemptive header with the same nonce rejected -> give up.
  client.beginRequest();
  registerWith(client);
  assert.is(client.onResponse(response(401, [KAMAILIO('new')])), E_AUTH_SAME_NONCE);
});

test('retry table as data', () => {
  const R = AUTH_RETRY;
  assert.is(retryDecision(SENT_FRESH, CHALLENGE_SAME_NONCE, 0, 2), R);
  assert.is(retryDecision(SENT_FRESH, CHALLENGE_NEW, 0, 2), R);
  assert.is(retryDecision(SENT_PREEMPTIVE, CHALLENGE_SAME_NONCE, 0, 2), E_AUTH_SAME_NONCE);
  assert.is(retryDecision(SENT_PREEMPTIVE, CHALLENGE_NEW, 0, 2), R);
  assert.is(retryDecision(SENT_PREEMPTIVE, CHALLENGE_NEW_STALE, 1, 2), R);
  assert.is(retryDecision(SENT_ANSWERED, CHALLENGE_SAME_NONCE, 0, 2), E_AUTH_SAME_NONCE);
  assert.is(retryDecision(SENT_ANSWERED, CHALLENGE_NEW, 0, 2), E_AUTH_REJECTED);
  assert.is(retryDecision(SENT_ANSWERED, CHALLENGE_NEW_STALE, 0, 2), R);
  assert.is(retryDecision(SENT_ANSWERED, CHALLENGE_NEW_STALE, 2, 2), E_AUTH_TOO_MANY_STALE);
});

test('several challenges: first supported per realm wins (RFC 8760), unknown ones skipped, proxy + www', () => {
  const client = makeClient();
  client.beginRequest();
  const r = client.onResponse(response(407, [
    'Proxy-Authenticate: Digest realm="proxy.example.com", nonce="p1", algorithm=SHA-512-256, qop="auth"\r\n',
    'Proxy-Authenticate: Newauth realm="proxy.example.com", type=1\r\n',
    'Proxy-Authenticate: Digest realm="proxy.example.com", nonce="p1", algorithm=SHA-256, qop="auth", opaque="op"\r\n',
    'Proxy-Authenticate: Digest realm="proxy.example.com", nonce="p1", algorithm=MD5, qop="auth"\r\n',
    'WWW-Authenticate: Digest realm="127.0.0.1", nonce="w1", algorithm=MD5\r\n',
  ]));
  assert.is(r, AUTH_RETRY);
  assert.is(client.activeRealms, 2);
  const { view, auth } = registerWith(client);
  assert.is(auth.length, 2);
  const proxyIdx = auth.find((i) => view.headerId[i] === H.PROXY_AUTHORIZATION)!;
  const wwwIdx = auth.find((i) => view.headerId[i] === H.AUTHORIZATION)!;
  const p = credentialsOf(view, proxyIdx);
  assert.is(p.algorithm, ALG_SHA256);
  assert.is(p.responseLen, 64);
  assert.is(text(view.buf, p.opaqueOff, p.opaqueLen), 'op');
  assert.ok(verifies(view, proxyIdx, 'alice-p', 'proxypw'));
  const w = credentialsOf(view, wwwIdx);
  assert.is(w.algorithm, ALG_MD5);
  assert.is(w.qop, QOP_NONE, 'no qop offered: RFC 2069 form');
  assert.is(w.present & 64, 0, 'no cnonce without qop');
  assert.ok(verifies(view, wwwIdx, 'alice', 'alicepw'));
});

test('auth-int with a body, chosen when preferred', () => {
  const client = makeClient({ preferAuthInt: true });
  client.beginRequest();
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Digest realm="127.0.0.1", nonce="x", qop="auth,auth-int"\r\n'])), AUTH_RETRY);
  const body = bytes('hello body');
  const out = new Uint8Array(1024);
  const realm = bytes('127.0.0.1');
  const n = client.writeValueFor(realm, 0, realm.length, false, out, 0, out.length, 'MESSAGE', 'sip:bob@127.0.0.1', body);
  assert.ok(n > 0);
  const c = new DigestCredentials();
  assert.is(decodeCredentials(out, 0, n, c), 0);
  assert.is(c.qop, QOP_AUTH_INT);
  const comp = new DigestComputer();
  comp.username = 'alice';
  assert.is(comp.verify(c, 'alicepw', bytes('MESSAGE'), 0, 7, body, 0, body.length), 1);
  assert.is(comp.verify(c, 'alicepw', bytes('MESSAGE'), 0, 7, bytes('other body'), 0, 10), 0, 'body is covered');
  assert.is(client.writeValueFor(bytes('nope'), 0, 4, false, out, 0, out.length, 'MESSAGE', 'sip:x'), E_AUTH_NO_CHALLENGE);
});

test('userhash when offered and enabled', () => {
  const client = makeClient({ useUserhash: true });
  client.beginRequest();
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Digest realm="127.0.0.1", nonce="x", qop="auth", algorithm=SHA-256, userhash=true\r\n'])), AUTH_RETRY);
  const { view, auth } = registerWith(client);
  const c = credentialsOf(view, auth[0]);
  assert.ok(c.userhash);
  assert.is(text(view.buf, c.usernameOff, c.usernameLen), createHash('sha256').update('alice:127.0.0.1').digest('hex'));
});

test('give-up reasons: no credentials, no challenge, unsupported only, too many realms, too long', () => {
  const client = makeClient({ maxRealms: 1, maxValueBytes: 20 });
  client.beginRequest();
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Digest realm="other", nonce="x"\r\n'])), E_AUTH_NO_CREDENTIALS);
  assert.is(client.onResponse(response(401, [])), E_AUTH_NO_CHALLENGE);
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Digest realm="127.0.0.1", nonce="x", algorithm=SHA-512-256\r\n'])), E_AUTH_UNSUPPORTED_ALGORITHM);
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Basic realm="127.0.0.1"\r\n'])), E_AUTH_UNKNOWN_SCHEME);
  assert.is(client.onResponse(response(401, ['WWW-Authenticate: Digest realm="127.0.0.1" nonce="x"\r\n'])), E_AUTH_SYNTAX);
  assert.is(client.onResponse(response(401, [`WWW-Authenticate: Digest realm="127.0.0.1", nonce="${'n'.repeat(21)}"\r\n`])), E_AUTH_TOO_LONG);
  assert.is(client.onResponse(response(401, [KAMAILIO('n')])), AUTH_RETRY);
  assert.is(client.onResponse(response(407, ['Proxy-Authenticate: Digest realm="proxy.example.com", nonce="x"\r\n'])), E_AUTH_TOO_MANY_REALMS);
  client.forget();
  assert.is(client.activeRealms, 0);
});

test('default credential applies to any realm; single-header onChallenge', () => {
  const store = new CredentialStore().set(null, 'any', 'pw');
  const client = new DigestClient({ random: { random: () => 0.5 }, credentials: store });
  const h = bytes('Digest realm="whatever", nonce="x", qop="auth"');
  assert.is(client.onChallenge(h, 0, h.length, false), AUTH_RETRY);
  const out = new Uint8Array(512);
  const realm = bytes('whatever');
  const n = client.writeValueFor(realm, 0, realm.length, false, out, 0, out.length, 'OPTIONS', 'sip:x');
  const c = new DigestCredentials();
  assert.is(decodeCredentials(out, 0, n, c), 0);
  assert.is(text(out, c.cnonceOff, c.cnonceLen), '8080808080808080', 'random() source: floor(0.5 * 256) = 0x80');
  assert.is(text(out, c.usernameOff, c.usernameLen), 'any');
});

test('cnonce generator clamps a misbehaving random() and never throws', () => {
  for (const v of [NaN, -1, 1, 5, Infinity]) {
    const g = new CnonceGenerator({ random: () => v });
    const out = new Uint8Array(16);
    assert.is(g.next(out, 0), 16);
    assert.is(text(out, 0, 16), '0000000000000000');
  }
});

test('realm slots are made on a realm\'s first challenge, reused after forget(), and never more than maxRealms', () => {
  const store = new CredentialStore().set(null, 'any', 'pw');
  const client = new DigestClient({ random: counterSource(), credentials: store, maxRealms: 2 });
  const challenge = (realm: string) => response(401, [`WWW-Authenticate: Digest realm="${realm}", nonce="n-${realm}"\r\n`]);
  const slots = () => (client as unknown as { slots: unknown[] }).slots.length;
  assert.is(slots(), 0, 'no realm heard yet: no slot');
  client.beginRequest();
  assert.is(client.onResponse(challenge('a')), AUTH_RETRY);
  assert.is(slots(), 1);
  assert.is(client.onResponse(challenge('a')), AUTH_RETRY, 'a new nonce for the same realm reuses its slot');
  assert.is(slots(), 1);
  client.beginRequest();
  assert.is(client.onResponse(challenge('b')), AUTH_RETRY);
  assert.is(client.activeRealms, 2);
  client.beginRequest();
  assert.is(client.onResponse(challenge('c')), E_AUTH_TOO_MANY_REALMS, 'a third realm does not fit in 2');
  assert.is(slots(), 2);
  client.forget();
  client.beginRequest();
  assert.is(client.onResponse(challenge('c')), AUTH_RETRY, 'forgotten slots take new realms');
  assert.is(slots(), 2, 'without making more');
});

test.run();
