// Where a request inside a dialog goes (uri-target.ts dialogHop): the first Route or the remote
// target for UDP/TCP/TLS (RFC 3261 §12.2.1.1), the flow to the server for a WebSocket client
// (RFC 7118 §5), whatever the remote target says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dialogHop, parseSipUri } from '../../core/ua/uri-target.js';
import type { Endpoint } from '../../core/ua/index.js';

const flow: Endpoint = { transport: 'ws', address: '127.0.0.1', port: 8080 };
const udpContact = parseSipUri('sip:127.0.0.1:5060')!;

test('UDP, TCP and TLS UAs go to the route or remote target itself', () => {
  assert.equal(dialogHop(udpContact, 'udp', flow), { transport: 'udp', address: '127.0.0.1', port: 5060 });
  assert.equal(dialogHop(parseSipUri('sip:proxy.example.com;transport=tcp;lr')!, 'udp', flow), { transport: 'tcp', address: 'proxy.example.com', port: 5060 });
  assert.equal(dialogHop(parseSipUri('sips:proxy.example.com')!, 'tcp', null), { transport: 'tls', address: 'proxy.example.com', port: 5061 });
  assert.is(dialogHop(null, 'udp', flow), null, 'no usable URI: the caller falls back');
});

test('a WebSocket UA sends over its flow, even to a remote target that names a UDP address', () => {
  assert.is(dialogHop(udpContact, 'ws', flow), flow);
  const wss: Endpoint = { transport: 'wss', address: 'sip.example.com', port: 443 };
  assert.is(dialogHop(parseSipUri('sip:bob@10.0.0.9:5070')!, 'wss', wss), wss);
  assert.is(dialogHop(null, 'ws', flow), flow);
  assert.equal(dialogHop(udpContact, 'ws', null), { transport: 'ws', address: '127.0.0.1', port: 5060 }, 'without a flow, the URI decides (with our transport)');
});

test.run();
