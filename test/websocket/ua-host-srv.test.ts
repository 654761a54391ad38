// A registrar named by a host name with `transport=ws`: NodeUaHost resolves it through RFC 3263
// as RFC 7118 §7 extends it (SRV _sip._ws.<name>), opens a WebSocket flow to the first target,
// and when that target refuses the connection fails over to the next (RFC 3263 §4.3). The
// handshake names the host the UA asked for (Host header), and requests the server sends back
// on the flow reach the UA under the name it knows the flow by, so it answers them on it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { UaEvent } from '../../core/ua/index.js';
import { signal, until } from '../platform-node/helpers.js';
import { ZoneResolver, deadTcpPort, okFor } from '../platform-node/sip-fakes.js';


/** The smallest WebSocket server that carries SIP: RFC 6455 handshake, masked client text frames in, unmasked frames out. */
class SipWebSocketServer {
  readonly requests: string[] = [];
  readonly responses: string[] = [];
  readonly hostHeaders: string[] = [];
  private readonly server: Server;
  private readonly sockets: Socket[] = [];
  constructor(private readonly answer: (text: string, send: (text: string) => void) => void) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return (this.server.address() as { port: number }).port;
  }

  send(text: string): void {
    const payload = Buffer.from(text, 'latin1');
    const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
    for (const s of this.sockets) s.write(Buffer.concat([header, payload]));
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }

  private accept(socket: Socket): void {
    this.sockets.push(socket);
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let open = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!open) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        this.hostHeaders.push(/^host:\s*(.*)$/im.exec(head)?.[1] ?? '');
        const key = /^sec-websocket-key:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
        const acceptKey = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey}\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
        open = true;
      }
      for (;;) {
        if (buffered.length < 2) return;
        let len = buffered[1]! & 0x7f;
        let at = 2;
        if (len === 126) { if (buffered.length < 4) return; len = buffered.readUInt16BE(2); at = 4; }
        if (buffered.length < at + 4 + len) return;
        const mask = buffered.subarray(at, at + 4);
        const payload = Buffer.from(buffered.subarray(at + 4, at + 4 + len));
        for (let i = 0; i < len; i++) payload[i]! ^= mask[i & 3]!;
        const opcode = buffered[0]! & 0x0f;
        buffered = buffered.subarray(at + 4 + len);
        if (opcode !== 1) continue;
        const text = payload.toString('latin1');
        if (text.startsWith('SIP/2.0 ')) this.responses.push(text);
        else { this.requests.push(text); this.answer(text, (t) => this.send(t)); }
      }
    });
  }
}



test('ws registrar by name: SRV _sip._ws → the first target refuses → the second registers; its MESSAGE comes back on the flow and is answered', async () => {
  const server = new SipWebSocketServer((text, send) => { if (text.startsWith('REGISTER ')) send(okFor(text, 'ws1')); });
  let host: NodeUaHost | null = null;
  try {
    const livePort = await server.listen();
    const deadPort = await deadTcpPort();
    const dns = new ZoneResolver({
      'SRV _sip._ws.pbx.test': [
        { priority: 10, weight: 0, port: deadPort, target: 'first.pbx.test' },
        { priority: 20, weight: 0, port: livePort, target: 'second.pbx.test' },
      ],
      'A first.pbx.test': [{ address: '127.0.0.1' }],
      'A second.pbx.test': [{ address: '127.0.0.1' }],
    });
    const events: UaEvent[] = [];
    const outcome = signal<string>();
    host = await NodeUaHost.start({
      dns,
      dnsQueryTimeoutMs: 500,
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'registration' && (e.state === 'registered' || e.state === 'backing-off' || e.state === 'failed')) outcome.resolve(e.state);
      },
    }, (local) => ({
      aor: 'sip:alice@pbx.test', username: 'alice', password: 'alicepw', registrar: 'sip:pbx.test;transport=ws', transport: 'ws',
      localAddress: local.address, localPort: local.port, expires: 60, t1: 100, backoff: { baseS: 1, maxS: 2 },
      inboundMessagePolicy: 'open', messageResponseDeadlineMs: 300,
    }));
    const h = host;
    assert.ok(h.run((ua, now) => ua.register(now)).ok);
    assert.is(await outcome.wait(5000, 'a registration outcome'), 'registered');
    assert.ok(dns.asked.includes('SRV _sip._ws.pbx.test'), dns.asked.join(', '));
    assert.is(server.requests.filter((r) => r.startsWith('REGISTER ')).length, 1);
    assert.match(server.requests[0]!, /^Via: SIP\/2\.0\/WS /m, 'RFC 7118 §5.2: the Via names WS');
    assert.equal(server.hostHeaders, [`pbx.test:${livePort}`], 'the handshake names the host the UA asked for');

    // The registrar relays a MESSAGE to alice over the same flow: the UA answers on it.
    server.send([
      'MESSAGE sip:alice@pbx.test SIP/2.0',
      'Via: SIP/2.0/WS 127.0.0.1;branch=z9hG4bKws-relay-1',
      'Max-Forwards: 69', 'From: <sip:bob@pbx.test>;tag=b1', 'To: <sip:alice@pbx.test>',
      'Call-ID: ws-relay-1@pbx.test', 'CSeq: 1 MESSAGE', 'Content-Type: text/plain', 'Content-Length: 2', '', 'hi',
    ].join('\r\n'));
    await until(() => events.some((e) => e.kind === 'message'), 3000, 'the MESSAGE reached the application');
    await until(() => server.responses.some((r) => / MESSAGE\r\n/.test(r)), 4000, 'the answer went back on the flow');
    assert.match(server.responses.find((r) => / MESSAGE\r\n/.test(r))!, /^SIP\/2\.0 200 /);
  } finally {
    host?.close();
    server.close();
  }
});

test.run();
