// RFC 5626 §4.4.1 on a real loopback TCP flow: the registrar's side of the connection goes silent
// without closing it (a NAT or a middlebox that dropped the binding). The phone's double-CRLF ping
// gets no pong, the keep-alive calls the flow failed — and the re-REGISTER must go out on a new
// connection. Writing it into the old one, which the kernel still accepts, would leave the phone
// unregistered until TCP itself gives up (about 15 minutes of retransmissions on Linux).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { NodeUaHost } from '../../platform/node/ua-host.js';
import type { UaEvent } from '../../core/ua/index.js';

const BOUND_MS = 15_000;

/** A registrar over TCP that answers REGISTER 200 and pings with a pong, until told to go silent. */
class SilencingRegistrar {
  readonly server: Server;
  readonly connections: Socket[] = [];
  /** Per connection: REGISTERs answered. */
  readonly answered: number[] = [];
  /** Connections that went silent: read and ignored from then on, never closed by us. */
  private readonly silent = new Set<Socket>();
  closedByPeer = 0;

  constructor() {
    this.server = createServer((socket) => {
      const index = this.connections.push(socket) - 1;
      this.answered.push(0);
      let pending = '';
      socket.on('data', (chunk) => {
        if (this.silent.has(socket)) return;
        pending += chunk.toString('latin1');
        for (;;) {
          // RFC 5626 §3.5.1: a double CRLF between messages is a ping, answered with one CRLF.
          if (pending.startsWith('\r\n\r\n')) { pending = pending.slice(4); socket.write('\r\n'); continue; }
          if (pending.startsWith('\r\n')) { pending = pending.slice(2); continue; }
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = pending.slice(0, end);
          const length = Number(/\r\nContent-Length:\s*(\d+)/i.exec(head)?.[1] ?? '0');
          if (pending.length < end + 4 + length) return;
          pending = pending.slice(end + 4 + length);
          if (head.startsWith('REGISTER ')) { socket.write(ok(head)); this.answered[index]!++; }
        }
      });
      socket.on('close', () => { if (!this.silent.has(socket)) return; this.closedByPeer++; });
      socket.on('error', () => { /* the phone resetting a silent connection */ });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  goSilent(connection: number): void {
    this.silent.add(this.connections[connection]!);
  }

  close(): void {
    for (const s of this.connections) s.destroy();
    this.server.close();
  }
}

function ok(request: string): string {
  const h = (name: string) => new RegExp(`\\r\\n(${name}:[^\\r]*)`, 'i').exec(request)?.[1] ?? '';
  const to = h('To');
  return `SIP/2.0 200 OK\r\n${h('Via')}\r\n${h('From')}\r\n${to}${/;tag=/.test(to) ? '' : ';tag=reg'}\r\n${h('Call-ID')}\r\n${h('CSeq')}\r\n` +
    `${h('Contact')};expires=3600\r\nContent-Length: 0\r\n\r\n`;
}

/** An event in a line, for a failure message: kind, message, state, cause. */
function describe(e: UaEvent): string {
  return e.kind + ('message' in e ? `[${e.message}]` : '') + ('state' in e ? `:${e.state}` : '') + ('cause' in e ? `(${e.cause})` : '');
}

async function until(what: string, check: () => boolean, ms = BOUND_MS): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a silently dead TCP flow: the keep-alive finds it and the phone re-registers over a new connection', async () => {
  const registrar = new SilencingRegistrar();
  const port = await registrar.listen();
  const events: UaEvent[] = [];
  let host: NodeUaHost | null = null;
  try {
    host = await NodeUaHost.start({ onEvent: (e) => events.push(e) }, (local) => ({
      aor: 'sip:alice@127.0.0.1', registrar: `sip:127.0.0.1:${port};transport=tcp`, transport: 'tcp',
      localAddress: local.address, localPort: local.port, expires: 3600,
      keepalive: { mode: 'stream-ping', intervalMs: 400, answerTimeoutMs: 300 },
      backoff: { baseS: 1, maxS: 2 },
    }));
    assert.ok(host.ua.register(host.now()).ok);
    host.drain();
    await until('the first registration', () => events.some((e) => e.kind === 'registration' && e.state === 'registered'));
    // Pings answered on the live flow: no failure while the registrar answers.
    await new Promise((r) => setTimeout(r, 1200));
    assert.not.ok(events.some((e) => e.kind === 'registration-lost'), 'no flow failure while pongs come back');
    assert.is(registrar.connections.length, 1);

    const silencedAt = Date.now();
    registrar.goSilent(0);
    await until('registration restored', () => events.some((e) => e.kind === 'registration-restored'))
      .catch((err: Error) => { throw new Error(`${err.message}; events: ${events.map(describe).join(' ')}; connections: ${registrar.connections.length}`); });
    const took = Date.now() - silencedAt;
    const lost = events.find((e) => e.kind === 'registration-lost');
    assert.is(lost?.kind === 'registration-lost' ? lost.cause : '', 'flow-failed');
    assert.is(registrar.connections.length, 2, 'the re-REGISTER came over a new connection');
    assert.is(registrar.answered[1], 1, 'and was answered there');
    await until('the phone to close the dead connection', () => registrar.closedByPeer === 1, 5000);
    console.log(`    silent flow → registered again over a new connection in ${took} ms (ping every 400 ms, pong wait 300 ms)`);
    assert.ok(took < 5000, `recovered in ${took} ms`);
  } finally {
    host?.close();
    registrar.close();
  }
});

test.run();
