// Account files accept SIP over WebSocket: transport ws/wss, explicit or from the registrar's
// transport= parameter, and a `websocket` block (handshake path, ping interval) checked by io-ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accountTransport, decodeAccount } from '../../tools/account.js';

const base = { aor: 'sip:bob@127.0.0.1', username: 'bob', password: 'bobpw' };

test('ws and wss: explicit, or taken from the registrar URI', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ registrar: 'sip:127.0.0.1:8080;transport=ws' }, 'ws'],
    [{ registrar: 'sips:proxy.example.com;transport=wss' }, 'wss'],
    [{ registrar: 'sip:127.0.0.1:8080', transport: 'ws' }, 'ws'],
    [{ registrar: 'sip:127.0.0.1:8443;transport=WSS' }, 'wss'],
    [{ registrar: 'sip:127.0.0.1:5060;transport=tcp' }, 'tcp'],
  ];
  for (const [extra, expected] of cases) {
    const r = decodeAccount(JSON.stringify({ ...base, ...extra }), 'bob.json');
    assert.ok(r.ok, JSON.stringify(r));
    if (r.ok) assert.is(accountTransport(r.value), expected, JSON.stringify(extra));
  }
});

test('the websocket block: path and ping interval, with readable errors', () => {
  const ok = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1:8080;transport=ws', websocket: { path: '/sip', pingIntervalSeconds: 30 } }), 'bob.json');
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.value.websocket, { path: '/sip', pingIntervalSeconds: 30 });
  const bad = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1;transport=ws', websocket: { path: 'sip', pingIntervalSeconds: 1 }, transport: 'websocket' }), 'bob.json');
  assert.not.ok(bad.ok);
  if (!bad.ok) {
    const text = bad.errors.join('\n');
    assert.match(text, /websocket\.path/);
    assert.match(text, /pingIntervalSeconds/);
    assert.match(text, /transport/);
  }
  const unknown = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1', websocket: { pth: '/' } }), 'bob.json');
  assert.not.ok(unknown.ok, 'unknown keys are refused (strict object)');
});

test('a CRLF or STUN keep-alive on a ws/wss account is refused with the field named (RFC 7118 has none)', () => {
  for (const mode of ['stream-ping', 'udp-crlf', 'stun']) {
    const r = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1:8080;transport=ws', keepalive: { mode, intervalSeconds: 25 } }), 'bob.json');
    assert.not.ok(r.ok, mode);
    if (!r.ok) assert.match(r.errors.join('\n'), /keepalive\.mode.*websocket\.pingIntervalSeconds/);
  }
  const off = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1:8080;transport=ws', keepalive: { mode: 'off', intervalSeconds: 25 } }), 'bob.json');
  assert.ok(off.ok);
  const tcp = decodeAccount(JSON.stringify({ ...base, registrar: 'sip:127.0.0.1:5060;transport=tcp', keepalive: { mode: 'stream-ping', intervalSeconds: 25 } }), 'bob.json');
  assert.ok(tcp.ok, 'stream pings stay fine on TCP');
});

test.run();
