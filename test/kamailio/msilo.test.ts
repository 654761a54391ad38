// Optional msilo (offline MESSAGE storage) in the Kamailio config: a MESSAGE to a user who is
// not registered is accepted with 202 and delivered when that user registers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { RawSipClient, buildRequest, digestAuthorization, header, token, type RequestSpec, type SipResponse } from '../support/kamailio/raw-sip.js';

const skip = skipWithoutKamailio('test/kamailio/msilo.test.ts');
let kam: Kamailio | undefined;
const clients: RawSipClient[] = [];

test.before(async () => {
  if (skip) return;
  try {
    kam = await startKamailio({ msilo: true, debug: process.env.KAMAILIO_LOG ? 3 : undefined });
  } catch (err) {
    console.error('startKamailio failed:', err);
    throw err;
  }
});
test.after(async () => {
  if (process.env.KAMAILIO_LOG) console.log(kam?.log());
  for (const c of clients) c.close();
  await kam?.stop();
});

async function send(c: RawSipClient, spec: Omit<RequestSpec, 'transport' | 'localPort' | 'cseq'>, user: string, password: string): Promise<SipResponse> {
  const full = { ...spec, transport: c.transport, localPort: c.localPort };
  c.send(buildRequest({ ...full, cseq: 1 }));
  const first = await c.response();
  if (first.status !== 401 && first.status !== 407) return first;
  const www = first.status === 401;
  const auth = digestAuthorization({ challenge: header(first, www ? 'www-authenticate' : 'proxy-authenticate')!, method: spec.method, uri: spec.uri, user, password });
  c.send(buildRequest({ ...full, cseq: 2, extraHeaders: [...(spec.extraHeaders ?? []), `${www ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`] }));
  return c.response();
}

if (skip) {
  test.skip('Kamailio msilo (kamailio not installed)', () => {});
} else {
  test('MESSAGE to an offline user → 202; delivered to that user on REGISTER', async () => {
    const k = kam!;
    const alice = await RawSipClient.open('UDP', k.port);
    const carol = await RawSipClient.open('UDP', k.port);
    clients.push(alice, carol);
    const aliceAor = `sip:alice@${k.domain}`;
    const carolAor = `sip:carol@${k.domain}`;
    const stored = await send(alice, {
      method: 'MESSAGE', uri: carolAor, from: aliceAor, to: carolAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Content-Type: text/plain'], body: 'see you at 3',
    }, 'alice', 'alicepw');
    assert.is(stored.status, 202, stored.raw);

    // Serve carol's socket while registering: msilo dumps the stored message after the 200.
    const delivered = carol.request(['MESSAGE'], 4000).then((m) => { carol.reply(m, 200, 'OK'); return m; });
    const registered = await send(carol, {
      method: 'REGISTER', uri: `sip:${k.host}:${k.port}`, from: carolAor, to: carolAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:carol@127.0.0.1:${carol.localPort}>`, 'Expires: 60'],
    }, 'carol', 'carolpw');
    assert.is(registered.status, 200, registered.raw);
    const message = await delivered;
    assert.match(message, /see you at 3/);
  });
}

test.run();
