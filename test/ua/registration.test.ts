// REGISTER through the UA against a fake registrar written here with the project's parser and
// writer: 401 digest challenge → retry with credentials (checked with MD5 from node:crypto) →
// 200 listing several Contacts including ours; 423 Min-Expires; refresh; a lost binding and
// re-registration that restores subscriptions; unregister with Expires: 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { H } from '../../core/sip/header-ids.js';
import { MemoryNet, type FakePeer, type UaNode } from './memory-net.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function params(value: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of value.replace(/^Digest\s+/i, '').split(/,\s*/)) {
    const eq = part.indexOf('=');
    m.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return m;
}

interface Registrar { peer: FakePeer; registers: string[]; minExpires: number; forget: () => void; lastExpires: () => number }

/** A registrar that challenges, checks the digest, keeps one binding, lists other Contacts too. */
function fakeRegistrar(net: MemoryNet, opts: { minExpires?: number } = {}): Registrar {
  const peer = net.addPeer('10.0.0.100', 5060);
  const registers: string[] = [];
  let nonce = 1;
  let binding = '';
  let lastExpires = -1;
  const reg: Registrar = { peer, registers, minExpires: opts.minExpires ?? 0, forget: () => { binding = ''; }, lastExpires: () => lastExpires };
  peer.handler = (p, text, from) => {
    if (!text.startsWith('REGISTER ')) return;
    registers.push(text);
    const auth = p.header(H.AUTHORIZATION);
    const expires = Number(p.header(H.EXPIRES));
    lastExpires = expires;
    if (auth === '') {
      p.reply(from, 401, 'Unauthorized', [['WWW-Authenticate', `Digest realm="10.0.0.100", nonce="n${nonce}", qop="auth", algorithm=MD5`]]);
      return;
    }
    const a = params(auth);
    const ha1 = md5(`alice:10.0.0.100:alicepw`);
    const ha2 = md5(`REGISTER:${a.get('uri')}`);
    const expected = md5(`${ha1}:${a.get('nonce')}:${a.get('nc')}:${a.get('cnonce')}:auth:${ha2}`);
    if (a.get('response') !== expected || a.get('nonce') !== `n${nonce}`) {
      p.reply(from, 403, 'Forbidden');
      return;
    }
    if (expires !== 0 && expires < reg.minExpires) {
      p.reply(from, 423, 'Interval Too Brief', [['Min-Expires', String(reg.minExpires)]]);
      return;
    }
    const contact = p.header(H.CONTACT);
    if (expires === 0) {
      binding = '';
      p.reply(from, 200, 'OK');
      return;
    }
    binding = contact;
    p.reply(from, 200, 'OK', [
      ['Contact', '<sip:alice@10.0.0.50:5060>;expires=3000'],
      ['Contact', `${binding};expires=${expires}`],
      ['Contact', '<sip:alice@10.0.0.51:5062;transport=tcp>;expires=100'],
    ]);
  };
  return reg;
}

function alice(net: MemoryNet, extra: Record<string, unknown> = {}): UaNode {
  return net.addUa({
    aor: 'sip:alice@10.0.0.100', username: 'alice', password: 'alicepw', registrar: 'sip:10.0.0.100:5060;transport=udp',
    localAddress: '10.0.0.1', localPort: 5060, expires: 120, backoff: { baseS: 1, maxS: 4 }, ...extra,
  }, 5);
}

test('REGISTER: 401 → retry with digest → 200 with several Contacts; our binding\'s expires is used', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net);
  const a = alice(net);
  assert.ok(a.ua.register(net.now).ok);
  a.drain();
  net.run(100);
  assert.is(r.registers.length, 2);
  const [first, second] = r.registers as [string, string];
  assert.match(first, /^REGISTER sip:10\.0\.0\.100:5060;transport=udp SIP\/2\.0\r\n/);
  assert.match(first, /\r\nTo: <sip:alice@10\.0\.0\.100>\r\n/);
  assert.match(first, /\r\nContact: <sip:alice@10\.0\.0\.1:5060;transport=udp>\r\n/);
  assert.match(first, /\r\nExpires: 120\r\n/);
  assert.not.match(first, /Authorization/);
  const cseq = (s: string) => Number(/\r\nCSeq: (\d+) REGISTER/.exec(s)![1]);
  const callId = (s: string) => /\r\nCall-ID: ([^\r]+)/.exec(s)![1];
  assert.is(cseq(second), cseq(first) + 1, '§10.2: CSeq grows');
  assert.is(callId(second), callId(first), '§10.2: same Call-ID');
  assert.match(second, /\r\nAuthorization: Digest username="alice", realm="10\.0\.0\.100", nonce="n1", uri="sip:10\.0\.0\.100:5060;transport=udp", response="[0-9a-f]{32}"/);
  const states = a.of('registration').map((e) => e.state);
  assert.equal(states, ['registering', 'registered']);
  const reg = a.of('registration').at(-1)!;
  assert.is(reg.status, 200);
  // granted 120 (ours), not 3000 or 100 (the other Contacts): refresh halfway-ish before 120 s.
  assert.ok(reg.nextAttemptAt > net.now + 60_000 && reg.nextAttemptAt < net.now + 110_000, `refresh at ${reg.nextAttemptAt}`);
});

test('refresh before expiry reuses the cached challenge (preemptive credentials, nc=00000002)', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net);
  const a = alice(net);
  a.ua.register(net.now);
  a.drain();
  net.run(115_000);
  assert.is(r.registers.length, 3, 'one refresh, no new challenge');
  assert.match(r.registers[2]!, /nc=00000002/);
  assert.equal(a.of('registration').map((e) => e.state), ['registering', 'registered', 'refreshing', 'registered']);
});

test('423 Interval Too Brief: retried at once with Min-Expires', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net, { minExpires: 600 });
  const a = alice(net);
  a.ua.register(net.now);
  a.drain();
  net.run(200);
  assert.is(r.lastExpires(), 600);
  assert.is(a.ua.registrationState, 'registered');
  assert.ok(a.of('registration').some((e) => e.cause === 'interval-too-brief' && e.status === 423));
});

test('registrar loses the binding (2xx without our Contact) → lost → re-register → restored, subscriptions restored', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net);
  // The same fake peer also notifies: SUBSCRIBE → NOTIFY, then 200.
  const baseHandler = r.peer.handler;
  let subscribes = 0;
  r.peer.handler = (p, text, from) => {
    if (text.startsWith('SUBSCRIBE ')) {
      subscribes++;
      p.reply(from, 200, 'OK', [['Expires', '600'], ['Contact', '<sip:10.0.0.100:5060>']], `nt${subscribes}`);
      return;
    }
    if (text.startsWith('SIP/2.0')) return;
    baseHandler(p, text, from);
  };
  const a = alice(net);
  a.ua.register(net.now);
  a.drain();
  net.run(100);
  a.ua.subscribe('sip:bob@10.0.0.100', 'presence', net.now);
  a.drain();
  net.run(100);
  assert.is(subscribes, 1);
  r.forget();
  // The next refresh gets 200 with Contacts that are not ours: binding-missing.
  const original = r.peer.handler;
  r.peer.handler = (p, text, from) => {
    if (text.startsWith('REGISTER ') && p.header(H.AUTHORIZATION) !== '' && r.registers.length === 2) {
      r.registers.push(text);
      p.reply(from, 200, 'OK', [['Contact', '<sip:alice@10.0.0.50:5060>;expires=3000']]);
      r.peer.handler = original;
      return;
    }
    original(p, text, from);
  };
  net.run(120_000);
  const kinds = a.events.map((e) => e.kind === 'registration' ? `reg:${e.state}` : e.kind).filter((k) => k.startsWith('reg') );
  assert.ok(kinds.includes('registration-lost'), kinds.join(','));
  assert.ok(kinds.includes('registration-restored'), kinds.join(','));
  assert.is(a.ua.registrationState, 'registered');
  assert.ok(subscribes >= 2, 'the subscription was restored with a fresh SUBSCRIBE');
});

test('unregister sends Expires: 0 and ends unregistered', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net);
  const a = alice(net);
  a.ua.register(net.now);
  a.drain();
  net.run(100);
  a.ua.unregister(net.now);
  a.drain();
  net.run(100);
  assert.is(r.lastExpires(), 0);
  assert.match(r.registers.at(-1)!, /\r\nExpires: 0\r\n/);
  assert.is(a.ua.registrationState, 'unregistered');
  assert.is(a.of('registration').at(-1)!.cause, 'removed');
});

test('wrong password: 401 again with the same nonce → failed (auth-failed), no retry loop', () => {
  const net = new MemoryNet();
  const r = fakeRegistrar(net);
  const original = r.peer.handler;
  r.peer.handler = (p, text, from) => {
    if (text.startsWith('REGISTER ') && p.header(H.AUTHORIZATION) !== '') {
      r.registers.push(text);
      p.reply(from, 401, 'Unauthorized', [['WWW-Authenticate', 'Digest realm="10.0.0.100", nonce="n1", qop="auth"']]);
      return;
    }
    original(p, text, from);
  };
  const a = alice(net, { password: 'wrong' });
  a.ua.register(net.now);
  a.drain();
  net.run(10_000);
  assert.is(a.ua.registrationState, 'failed');
  assert.is(a.of('registration').at(-1)!.cause, 'auth-failed');
  assert.is(r.registers.length, 2);
});

test('no answer from the registrar: timeout → backing-off → retry after the backoff', () => {
  const net = new MemoryNet();
  fakeRegistrar(net);
  net.dropRule = (text) => text.startsWith('REGISTER ') && net.now < 40_000;
  const a = alice(net);
  a.ua.register(net.now);
  a.drain();
  net.run(60_000);
  const causes = a.of('registration').map((e) => `${e.state}/${e.cause}`);
  assert.ok(causes.includes('backing-off/timeout'), causes.join(','));
  assert.is(a.ua.registrationState, 'registered');
});

test.run();
