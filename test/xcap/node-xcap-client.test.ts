// platform/node/xcap-client.ts over real loopback TCP against a scripted HTTP server: digest on
// 401, one connection per PUT, decisions made while a PUT is in flight coalesced into the next,
// a server that never answers fails within the bound, a refused connection fails at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { NodeXcapClient } from '../../platform/node/xcap-client.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

interface Script { requests: string[]; server: Server; port: number; hold: boolean; held: (() => void)[] }

/** An XCAP server that wants digest (realm "xcap", alice/alicepw) and can hold answers back. */
async function xcapServer(): Promise<Script> {
  const script: Script = { requests: [], server: createServer(), port: 0, hold: false, held: [] };
  script.server.on('connection', (sock: Socket) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const len = Number(/\r\nContent-Length: (\d+)/i.exec(buf.slice(0, headEnd))?.[1] ?? 0);
      if (buf.length < headEnd + 4 + len) return;
      const text = buf;
      script.requests.push(text);
      const [method, uri] = text.split(' ');
      const auth = /\r\nAuthorization: (Digest [^\r]*)/.exec(text)?.[1] ?? '';
      const p = Object.fromEntries([...auth.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
      const ok = p.response === md5(`${md5('alice:xcap:alicepw')}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${md5(`${method}:${uri}`)}`);
      const answer = ok ? 'HTTP/1.1 200 OK\r\nETag: "x1"\r\nContent-Length: 0\r\n\r\n'
        : 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="xcap", nonce="abc", qop="auth"\r\nContent-Length: 0\r\n\r\n';
      const send = () => sock.end(answer);
      if (script.hold && ok) script.held.push(send); else send();
    });
  });
  await new Promise<void>((r) => script.server.listen(0, '127.0.0.1', () => r()));
  const a = script.server.address();
  script.port = typeof a === 'object' && a !== null ? a.port : 0;
  return script;
}

function client(port: number, timeoutMs = 2000): NodeXcapClient {
  return new NodeXcapClient({ host: '127.0.0.1', port, xui: 'sip:alice@127.0.0.1', username: 'alice', password: 'alicepw', timeoutMs });
}

test('approve: 401 → digest → 200; decisions during the PUT ride on one coalesced PUT', async () => {
  const s = await xcapServer();
  try {
    const x = client(s.port);
    const first = await x.approveWatcher('sip:bob@127.0.0.1');
    assert.equal(first, { ok: true, status: 200, etag: '"x1"' });
    assert.is(s.requests.length, 2, 'challenged, then answered');
    s.hold = true;
    const a = x.approveWatcher('sip:carol@127.0.0.1');
    await new Promise((r) => setTimeout(r, 50));
    assert.is(s.held.length, 1, 'carol\'s PUT is in flight');
    const b = x.denyWatcher('sip:eve@127.0.0.1');
    const c = x.approveWatcher('sip:dave@127.0.0.1');
    s.hold = false;
    s.held.shift()!();
    const results = await Promise.all([a, b, c]);
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    assert.is(s.requests.length, 4, 'carol\'s PUT, then one PUT for eve and dave');
    const last = s.requests[3]!;
    assert.match(last, /sip:bob@127\.0\.0\.1.*sip:carol@127\.0\.0\.1.*sip:eve@127\.0\.0\.1"\/><\/cr:identity><\/cr:conditions><cr:actions><pr:sub-handling>block.*sip:dave@127\.0\.0\.1/s);
  } finally {
    s.server.close();
  }
});

test('a server that never answers fails within the bound; a refused connection fails at once', async () => {
  const silent = createServer(() => { /* accepts and says nothing */ });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  try {
    const t0 = Date.now();
    const r = await client(port, 300).approveWatcher('sip:bob@127.0.0.1');
    assert.not.ok(r.ok);
    if (!r.ok) assert.match(r.reason, /within 300 ms/);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    silent.close();
  }
  const refused = await client(port, 1000).approveWatcher('sip:bob@127.0.0.1');
  assert.not.ok(refused.ok);
  if (!refused.ok) assert.match(refused.reason, /connection failed|closed/);
});

test.run();
