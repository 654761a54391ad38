// platform/node/msrp-host.ts on its own, over real TCP on 127.0.0.1: a passive session binds a
// connection that arrived (and already sent frames) before the UA's msrp-connect; a connection
// naming no session is dropped after bindTimeoutMs; an active connect that is refused ends the
// session with an error; a chat's end closes its connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, createServer, type Socket } from 'node:net';
import { MsrpSession } from '../../core/msrp/index.js';
import type { UaEvent } from '../../core/ua/index.js';
import { NodeMsrpHost, type MsrpHostEvent } from '../../platform/node/msrp-host.js';
import { attach, lcg, type EventCopy } from '../msrp-session/support.js';
import { until, text } from './support.js';

function connectEvent(sessionId: number, setup: 'active' | 'passive', localPath: string, remotePath: string, port: number, secure = false): UaEvent {
  return { kind: 'msrp-connect', sessionId, setup, secure, remoteHost: '127.0.0.1', remotePort: port, remotePath, localPath, remoteAcceptTypes: ['*'], remoteMaxSize: -1, at: 0 };
}

async function dial(port: number): Promise<Socket> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  return sock;
}

test('passive: frames that arrive before msrp-connect are held, then bound and delivered; ending the chat closes the socket', async () => {
  const events: MsrpHostEvent[] = [];
  const host = await NodeMsrpHost.listen({ onEvent: (e) => events.push(e) });
  let sock: Socket | undefined;
  try {
    const hostPath = `msrp://127.0.0.1:${host.port}/hostsid1;tcp`;
    const peerPath = 'msrp://127.0.0.1:9/peer1;tcp';
    sock = await dial(host.port);
    const peer = new MsrpSession({ localUri: peerPath, remotePath: hostPath, random: lcg(3) });
    const peerEvents: EventCopy[] = [];
    const a = attach(peer, sock, (e) => peerEvents.push(e), () => performance.now());
    peer.sendBind(performance.now());
    peer.sendMessage('text/plain', text('early bird'), performance.now());
    a.flush();
    await new Promise((r) => setTimeout(r, 50));
    assert.is(events.length, 0, 'nothing bound yet');
    host.handleUaEvent(connectEvent(7, 'passive', hostPath, peerPath, 9));
    const msg = await until('the early message', () => events.find((e): e is Extract<MsrpHostEvent, { kind: 'chat-message' }> => e.kind === 'chat-message'), 3000);
    assert.is(msg.sessionId, 7);
    assert.is(new TextDecoder().decode(msg.bytes), 'early bird');
    assert.ok(events.some((e) => e.kind === 'msrp-connected' && e.sessionId === 7 && e.setup === 'passive'));
    assert.ok(host.isConnected(7));
    const closed = new Promise<void>((resolve) => sock!.once('close', () => resolve()));
    host.handleUaEvent({ kind: 'chat-state', sessionId: 7, state: 'ended', status: 0, reason: 'remote bye', at: 0 });
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket not closed')), 2000))]);
    assert.ok(events.some((e) => e.kind === 'msrp-closed' && e.sessionId === 7));
    assert.is(host.openSockets, 0);
  } finally {
    sock?.destroy();
    host.close();
  }
});

test('a connection naming no session is dropped after bindTimeoutMs', async () => {
  const host = await NodeMsrpHost.listen({ bindTimeoutMs: 150 });
  let sock: Socket | undefined;
  try {
    sock = await dial(host.port);
    const peer = new MsrpSession({ localUri: 'msrp://127.0.0.1:9/x;tcp', remotePath: `msrp://127.0.0.1:${host.port}/nobody;tcp`, random: lcg(5) });
    const a = attach(peer, sock, () => {}, () => performance.now());
    peer.sendBind(performance.now());
    a.flush();
    const closed = new Promise<boolean>((resolve) => sock!.once('close', () => resolve(true)));
    assert.ok(await Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000))]), 'closed by the host');
    assert.is(host.openSockets, 0);
  } finally {
    sock?.destroy();
    host.close();
  }
});

test('active: a refused connection is reported and the session closed', async () => {
  const events: MsrpHostEvent[] = [];
  const host = await NodeMsrpHost.listen({ onEvent: (e) => events.push(e) });
  // A port that refuses: listen, note the port, close.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  try {
    host.handleUaEvent(connectEvent(3, 'active', 'msrp://127.0.0.1:9/me;tcp', `msrp://127.0.0.1:${deadPort}/them;tcp`, deadPort));
    await until('msrp-closed', () => events.find((e) => e.kind === 'msrp-closed' && e.sessionId === 3), 3000);
    assert.ok(events.some((e) => e.kind === 'msrp-error' && e.sessionId === 3));
    assert.is(host.sendChatMessage(3, 'text/plain', text('x')).ok, false);
  } finally {
    host.close();
  }
});

test('passive: no connection within awaitConnectionMs ends the session with a reason, not a hang', async () => {
  const events: MsrpHostEvent[] = [];
  const host = await NodeMsrpHost.listen({ onEvent: (e) => events.push(e), awaitConnectionMs: 200 });
  try {
    const started = Date.now();
    host.handleUaEvent(connectEvent(4, 'passive', `msrp://127.0.0.1:${host.port}/lonely;tcp`, 'msrp://127.0.0.1:9/peer;tcp', 9));
    await until('msrp-closed', () => events.find((e) => e.kind === 'msrp-closed' && e.sessionId === 4), 3000);
    const err = events.find((e): e is Extract<MsrpHostEvent, { kind: 'msrp-error' }> => e.kind === 'msrp-error' && e.sessionId === 4);
    assert.is(err?.message, 'no MSRP connection from the peer within 200 ms');
    assert.ok(Date.now() - started < 2000);
  } finally {
    host.close();
  }
});

test('msrps on a host without TLS: passive is refused at once (error + closed); active TLS to a plain TCP listener fails within connectTimeoutMs', async () => {
  const events: MsrpHostEvent[] = [];
  const host = await NodeMsrpHost.listen({ onEvent: (e) => events.push(e), connectTimeoutMs: 1000 });
  const accepted: Socket[] = [];
  const plain = createServer((s) => { accepted.push(s); s.on('error', () => {}); }); // accepts TCP, never speaks TLS
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
  const plainPort = (plain.address() as { port: number }).port;
  try {
    assert.equal(host.chatOptions(), { listener: host.listener, secureListener: null, msrpTransport: 'tcp', tls: false });
    host.handleUaEvent(connectEvent(5, 'passive', `msrps://127.0.0.1:${host.port}/s5;tcp`, 'msrps://127.0.0.1:9/p5;tcp', 9, true));
    assert.equal(events.filter((e) => e.sessionId === 5).map((e) => e.kind), ['msrp-error', 'msrp-closed']);
    host.handleUaEvent(connectEvent(6, 'active', 'msrps://127.0.0.1:9/s6;tcp', `msrps://127.0.0.1:${plainPort}/p6;tcp`, plainPort, true));
    await until('msrp-closed', () => events.find((e) => e.kind === 'msrp-closed' && e.sessionId === 6), 3000);
    const err = events.find((e): e is Extract<MsrpHostEvent, { kind: 'msrp-error' }> => e.kind === 'msrp-error' && e.sessionId === 6);
    assert.is(err?.message, `TLS connection to 127.0.0.1:${plainPort} not established within 1000 ms`);
    assert.is(host.isConnected(6), false);
  } finally {
    host.close();
    for (const s of accepted) s.destroy();
    plain.close();
  }
});

test.run();
