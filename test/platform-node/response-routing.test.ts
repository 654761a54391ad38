// RFC 3261 §18.2.2 / RFC 3581 §4 through NodeUaHost and real loopback sockets: where the UA's
// responses go. UDP without rport → the source address at the Via sent-by port; with rport → the
// source port. TCP: over the request's connection; when it closed before the application answered,
// over a new connection to the source address at the sent-by port.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { UaEvent } from '../../core/ua/index.js';
import { until } from './helpers.js';

function startUa(events: UaEvent[]): Promise<NodeUaHost> {
  return NodeUaHost.start({ onEvent: (e) => events.push(e) }, (local) => ({
    aor: `sip:alice@${local.address}`, registrar: null, localAddress: local.address, localPort: local.port,
    inboundMessagePolicy: 'open', messageResponseDeadlineMs: 5000,
  }));
}

function request(method: string, via: string, callId: string, body = ''): string {
  return [
    `${method} sip:alice@127.0.0.1 SIP/2.0`, `Via: ${via}`, 'Max-Forwards: 70', 'From: <sip:carol@127.0.0.1>;tag=c1',
    'To: <sip:alice@127.0.0.1>', `Call-ID: ${callId}`, `CSeq: 1 ${method}`,
    ...(body !== '' ? ['Content-Type: text/plain'] : []), `Content-Length: ${body.length}`, '', body,
  ].join('\r\n');
}

async function udpSocket(): Promise<{ socket: UdpSocket; port: number; got: string[] }> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('latin1')));
  return { socket, port: socket.address().port, got };
}

test('UDP: no rport → the sent-by port; rport → the source port (RFC 3581 §4)', async () => {
  const sockets: UdpSocket[] = [];
  let host: NodeUaHost | null = null;
  try {
    const source = await udpSocket();
    const sentBy = await udpSocket();
    sockets.push(source.socket, sentBy.socket);
    host = await startUa([]);
    const to = host.port;
    source.socket.send(request('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${sentBy.port};branch=z9hG4bKnorport1`, 'r1@test'), to, '127.0.0.1');
    source.socket.send(request('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${sentBy.port};rport;branch=z9hG4bKrport1`, 'r2@test'), to, '127.0.0.1');
    await until(() => sentBy.got.length >= 1 && source.got.length >= 1, 2000, 'both 200s');
    assert.ok(sentBy.got[0]!.startsWith('SIP/2.0 200') && sentBy.got[0]!.includes('z9hG4bKnorport1'), 'no rport: at the sent-by port');
    assert.ok(source.got[0]!.startsWith('SIP/2.0 200') && source.got[0]!.includes('z9hG4bKrport1'), 'rport: back to the source port');
    assert.ok(source.got.every((t) => !t.includes('z9hG4bKnorport1')));
  } finally {
    host?.close();
    for (const s of sockets) s.close();
  }
});

test('TCP: the connection closes before the application answers → a new connection to the sent-by port carries the answer', async () => {
  let host: NodeUaHost | null = null;
  let listener: Server | null = null;
  const sockets: Socket[] = [];
  try {
    // The "sent-by" of the request: a TCP listener standing for the peer's SIP port.
    const answers: string[] = [];
    listener = createServer((s) => { sockets.push(s); s.on('data', (d) => answers.push(d.toString('latin1'))); s.on('error', () => {}); });
    const l = listener;
    await new Promise<void>((r) => l.listen(0, '127.0.0.1', () => r()));
    const sentByPort = (l.address() as { port: number }).port;
    const events: UaEvent[] = [];
    host = await startUa(events);
    const h = host;
    const client = connect(h.port, '127.0.0.1');
    sockets.push(client);
    client.on('error', () => {});
    await new Promise<void>((r) => client.once('connect', () => r()));
    client.write(request('MESSAGE', `SIP/2.0/TCP 127.0.0.1:${sentByPort};branch=z9hG4bKtcp1`, 't1@test', 'hello'));
    await until(() => events.some((e) => e.kind === 'message'), 2000, 'the MESSAGE at the application');
    const msg = events.find((e) => e.kind === 'message');
    const id = msg?.kind === 'message' ? msg.id : -1;
    client.end();
    client.destroy();
    // Until the host saw the close and reported the flow to the UA (its flow table is private).
    const flows = (h as unknown as { flows: Map<string, unknown> }).flows;
    await until(() => flows.size === 0, 2000, 'the host to see the closed connection');
    const answered = h.run((ua, now) => ua.respondToMessage(id, 200, now));
    assert.ok(answered.ok, 'the transaction survived its connection');
    await until(() => answers.join('').includes('SIP/2.0 200'), 2000, 'the 200 over a new connection');
    assert.ok(answers.join('').includes('z9hG4bKtcp1'));
  } finally {
    host?.close();
    for (const s of sockets) s.destroy();
    listener?.close();
  }
});

test.run();
