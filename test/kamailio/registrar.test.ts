// The Kamailio harness itself, checked with hand-written SIP (the project's stack is not used):
// liveness, digest-authenticated REGISTER over UDP and TCP, and restart().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import {
  RawSipClient, buildRequest, digestAuthorization, header, parseChallenge, token, type SipResponse, type Transport,
} from '../support/kamailio/raw-sip.js';

const skip = skipWithoutKamailio('test/kamailio/registrar.test.ts');
let kam: Kamailio | undefined;

test.before(async () => {
  if (skip) return;
  // uvu does not print errors thrown by hooks: say why before failing.
  try {
    kam = await startKamailio();
  } catch (err) {
    console.error('startKamailio failed:', err);
    throw err;
  }
});
test.after(async () => {
  await kam?.stop();
});

function server(): Kamailio {
  if (!kam) throw new Error('Kamailio not started');
  return kam;
}

interface RegisterResult { readonly challenge: SipResponse; readonly final: SipResponse }

/** REGISTER → 401 → REGISTER with credentials; returns both responses. */
async function register(client: RawSipClient, user: string, password: string, expires: number, withContact = true): Promise<RegisterResult> {
  const k = server();
  const uri = `sip:${k.host}:${k.port}`;
  const aor = `sip:${user}@${k.domain}`;
  const callId = `${token()}@raw-test`;
  const fromTag = token();
  const transportParam = client.transport === 'TCP' ? ';transport=tcp' : '';
  const contactHeaders = withContact ? [`Contact: <sip:${user}@127.0.0.1:${client.localPort}${transportParam}>`, `Expires: ${expires}`] : [];
  const base = { method: 'REGISTER', uri, transport: client.transport, localPort: client.localPort, from: aor, to: aor, callId, fromTag };
  client.send(buildRequest({ ...base, cseq: 1, extraHeaders: contactHeaders }));
  const challenge = await client.response();
  const wwwAuth = header(challenge, 'www-authenticate');
  if (challenge.status !== 401 || wwwAuth === undefined) return { challenge, final: challenge };
  const authorization = digestAuthorization({ challenge: wwwAuth, method: 'REGISTER', uri, user, password });
  client.send(buildRequest({ ...base, cseq: 2, extraHeaders: [...contactHeaders, `Authorization: ${authorization}`] }));
  return { challenge, final: await client.response() };
}

async function withClient<T>(transport: Transport, body: (client: RawSipClient) => Promise<T>): Promise<T> {
  const client = await RawSipClient.open(transport, server().port);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}

async function options(transport: Transport): Promise<SipResponse> {
  return withClient(transport, async (client) => {
    const k = server();
    client.send(buildRequest({
      method: 'OPTIONS', uri: `sip:${k.host}:${k.port}`, transport, localPort: client.localPort,
      from: `sip:alice@${k.domain}`, to: `sip:${k.host}`, callId: `${token()}@raw-test`, cseq: 1, fromTag: token(),
    }));
    return client.response();
  });
}

if (skip) {
  test.skip('Kamailio registrar (kamailio not installed)', () => {});
} else {
  test('OPTIONS to the server is answered 200 over UDP and TCP', async () => {
    assert.is((await options('UDP')).status, 200);
    assert.is((await options('TCP')).status, 200);
  });

  for (const transport of ['UDP', 'TCP'] as const) {
    test(`${transport}: REGISTER without credentials gets a 401 with a qop=auth MD5 digest challenge`, async () => {
      await withClient(transport, async (client) => {
        const { challenge } = await register(client, 'alice', 'not-used', 60);
        assert.is(challenge.status, 401, challenge.raw);
        const wwwAuth = header(challenge, 'www-authenticate');
        assert.ok(wwwAuth, 'WWW-Authenticate present');
        const parsed = parseChallenge(wwwAuth!);
        assert.is(parsed.scheme, 'Digest');
        assert.is(parsed.params.get('realm'), server().domain);
        assert.ok((parsed.params.get('nonce') ?? '').length > 8, 'a nonce');
        assert.ok((parsed.params.get('qop') ?? '').split(',').map((q) => q.trim()).includes('auth'), 'qop=auth offered');
      });
    });

    test(`${transport}: REGISTER with the right digest gets 200 with our Contact and its expiry`, async () => {
      await withClient(transport, async (client) => {
        const { final } = await register(client, 'bob', 'bobpw', 60);
        assert.is(final.status, 200, final.raw);
        const contacts = final.headers.get('contact') ?? [];
        const ours = contacts.find((c) => c.includes(`@127.0.0.1:${client.localPort}`));
        assert.ok(ours, `our contact among ${JSON.stringify(contacts)}`);
        const expires = Number(/;expires=(\d+)/.exec(ours!)?.[1]);
        assert.ok(expires > 0 && expires <= 60, `expires=${expires}`);
        // Unregister so the next test starts clean.
        const { final: gone } = await register(client, 'bob', 'bobpw', 0);
        assert.is(gone.status, 200);
        assert.not.ok((gone.headers.get('contact') ?? []).some((c) => c.includes(`:${client.localPort}`)), 'binding removed');
      });
    });

    test(`${transport}: REGISTER with a wrong password is challenged again, not accepted`, async () => {
      await withClient(transport, async (client) => {
        const { final } = await register(client, 'carol', 'wrong-password', 60);
        assert.ok(final.status === 401 || final.status === 403, `status ${final.status}`);
      });
    });
  }

  test('restart(): the server comes back on the same port and registrations are gone (usrloc in memory)', async () => {
    const k = server();
    const port = k.port;
    const pidBefore = k.pid;
    await withClient('UDP', async (client) => {
      const { final } = await register(client, 'alice', 'alicepw', 120);
      assert.is(final.status, 200);
    });
    const started = Date.now();
    await k.restart();
    const restartMs = Date.now() - started;
    assert.is(k.port, port);
    assert.is.not(k.pid, pidBefore);
    assert.ok(restartMs < 10_000, `restart took ${restartMs} ms`);
    assert.is((await options('UDP')).status, 200);
    await withClient('UDP', async (client) => {
      // A REGISTER without Contact lists the bindings (RFC 3261 §10.2.3).
      const { final } = await register(client, 'alice', 'alicepw', 0, false);
      assert.is(final.status, 200, final.raw);
      assert.is((final.headers.get('contact') ?? []).length, 0, 'no binding survives a restart');
      const again = await register(client, 'alice', 'alicepw', 60);
      assert.is(again.final.status, 200, 're-registration after restart');
    });
  });
}

test.run();
