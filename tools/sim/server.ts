// The simulator's web server: node:http, no framework. One page (page.ts), the state as JSON,
// live updates as Server-Sent Events, and user actions as small JSON POSTs:
//   GET  /                      the page
//   GET  /api/state             { now, phones: PhoneSnapshot[] }
//   GET  /events                SSE: `state` (one phone's snapshot) and `log` (one log line)
//   POST /api/<phone>/press     { role }          a key goes down (key.blf.N, key.soft.N, key.dnd…)
//   POST /api/<phone>/release   { role }          … and up (long presses are timed by the phone)
//   POST /api/<phone>/presence  { value }         available | away | busy | dnd | offline
//   POST /api/<phone>/call      { action }        ring | take | hangup
//   POST /api/<phone>/im        { text, key? }    IM to the colleague of BLF key `key` (default: selected)
//   POST /api/<phone>/read                        mark IMs read, back to the status screen
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRESENCE_VALUES, type PresenceValue } from '../../core/keys/commands.js';
import type { SimSession } from './session.js';
import type { SimPhone } from './phone.js';
import { pageHtml } from './page.js';

const MAX_BODY_BYTES = 16 * 1024;
/** Several changes of one phone within this window become one SSE `state` message. */
const COALESCE_MS = 15;

export interface SimServer {
  readonly url: string;
  readonly port: number;
  /** Shows one log line on every open page (and on pages opened later: the last 200 are kept). */
  log(line: string): void;
  close(): Promise<void>;
}

export async function startServer(session: SimSession, port: number, host = '127.0.0.1'): Promise<SimServer> {
  const logLines: string[] = [];
  const clients = new Set<ServerResponse>();
  const pending = new Map<string, NodeJS.Timeout>();

  const pushState = (phone: SimPhone): void => {
    if (pending.has(phone.name)) return;
    pending.set(phone.name, setTimeout(() => {
      pending.delete(phone.name);
      const data = JSON.stringify(phone.snapshot(session.now()));
      for (const c of clients) c.write(`event: state\ndata: ${data}\n\n`);
    }, COALESCE_MS));
  };
  const unsubscribe = session.onChange((phone) => pushState(phone));

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => reply(res, 500, { error: (e as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml());
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/state') {
      reply(res, 200, stateOf(session));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`event: hello\ndata: ${JSON.stringify({ ...stateOf(session), log: logLines.slice(-50) })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const m = /^\/api\/([a-z0-9._-]+)\/(press|release|presence|call|im|read)$/i.exec(url.pathname);
    if (req.method === 'POST' && m !== null) {
      const phone = session.phone(m[1]!);
      if (phone === undefined) return reply(res, 404, { error: `no phone "${m[1]}"` });
      const body = await readJson(req);
      if (typeof body === 'string') return reply(res, 400, { error: body });
      const r = act(phone, m[2]!, body, session.now());
      reply(res, r === null ? 200 : 400, r === null ? { ok: true } : { error: r });
      return;
    }
    reply(res, 404, { error: `nothing at ${req.method} ${url.pathname}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`;

  return {
    url,
    port: bound,
    log(line: string): void {
      logLines.push(line);
      if (logLines.length > 200) logLines.shift();
      const data = `event: log\ndata: ${JSON.stringify(line)}\n\n`;
      for (const c of clients) c.write(data);
    },
    async close(): Promise<void> {
      unsubscribe();
      for (const t of pending.values()) clearTimeout(t);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

}

function stateOf(session: SimSession): { now: number; phones: unknown[] } {
  const now = session.now();
  return { now, phones: session.phones.map((p) => p.snapshot(now)) };
}

/** Carries out one POST; null when done, else why not. */
function act(phone: SimPhone, what: string, body: Record<string, unknown>, now: number): string | null {
  switch (what) {
    case 'press':
    case 'release': {
      const role = body['role'];
      if (typeof role !== 'string' || !/^key\.[a-z]+(\.\d+)?$/.test(role)) return 'role: expected a key role such as "key.blf.0"';
      if (what === 'press') phone.press(role, now); else phone.release(role, now);
      return null;
    }
    case 'presence': {
      const value = body['value'];
      if (typeof value !== 'string' || !(PRESENCE_VALUES as readonly string[]).includes(value)) return `value: expected one of ${PRESENCE_VALUES.join(', ')}`;
      phone.setPresence(value as PresenceValue, now);
      return null;
    }
    case 'call': {
      const action = body['action'];
      if (action === 'ring') phone.ring(typeof body['caller'] === 'string' ? body['caller'] : 'Carol', now);
      else if (action === 'take') phone.takeCall(now);
      else if (action === 'hangup') phone.hangUp(now);
      else return 'action: expected ring, take or hangup';
      return null;
    }
    case 'im': {
      const text = body['text'];
      if (typeof text !== 'string') return 'text: expected a string';
      const key = body['key'];
      const r = phone.sendIm(text, now, typeof key === 'number' ? key : phone.imTarget);
      return typeof r === 'number' ? null : r;
    }
    case 'read':
      phone.readMessages(now);
      return null;
  }
  return `unknown action ${what}`;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return `body over ${MAX_BODY_BYTES} bytes`;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : 'body: expected a JSON object';
  } catch {
    return 'body: not JSON';
  }
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}
