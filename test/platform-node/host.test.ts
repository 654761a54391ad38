// nodeHost(): the HostBindings object, with its configuration bound into the constructors the
// core receives (the core only ever passes the interface's options).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeHost, NodeDnsResolver, NodeUdpSocket } from '../../platform/node/index.js';
import type { HostBindings } from '../../platform/host/index.js';
import { until } from './helpers.js';

test('nodeHost provides every network member; dns:false leaves DNS out', () => {
  const host: HostBindings = nodeHost();
  assert.type(host.clock.now(), 'number');
  assert.type(host.Timer, 'function');
  for (const member of ['UDP', 'TCP', 'TLS', 'TCPListener'] as const) assert.type(host.network[member], 'function');
  assert.ok(host.network.dns instanceof NodeDnsResolver);
  assert.is(nodeHost({ dns: false }).network.dns, undefined);
});

test('host configuration reaches the sockets: a full receive queue drops new datagrams', async () => {
  const host = nodeHost({ dns: false, udp: { maxQueued: 2 } });
  const receiver = new host.network.UDP({ address: '127.0.0.1' }) as NodeUdpSocket;
  const sender = new host.network.UDP({ address: '127.0.0.1' }) as NodeUdpSocket;
  try {
    await receiver.bound;
    await sender.bound;
    for (let i = 0; i < 3; i++) sender.write(new Uint8Array([i]), '127.0.0.1', receiver.port);
    await until(() => receiver.dropped === 1, 2000, 'the third datagram to be dropped');
    const rx = new Uint8Array(4);
    assert.is(receiver.read(rx), 1);
    assert.is(rx[0], 0);
    assert.is(receiver.read(rx), 1);
    assert.is(rx[0], 1);
    assert.is(receiver.read(rx), undefined);
  } finally {
    receiver.close();
    sender.close();
  }
});

test.run();
