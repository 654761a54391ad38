// XCAP for watcher approval, sans I/O: document URIs (RFC 4825 §6), the pres-rules document
// (RFC 5025 / RFC 4745), rls-services (RFC 4826 §4), the bounded HTTP/1.1 writer and reader, and
// the publisher that PUTs the newest policy one request at a time with digest auth on 401.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  Auid, xcapUserDocumentPath, xcapGlobalDocumentPath, encodePathSegment, PresRules, writeRlsServices,
  HttpResponseReader, writeHttpRequest, HTTP_DONE, HTTP_NEED_MORE, E_HTTP_BAD_LENGTH, E_HTTP_BAD_STATUS_LINE, E_HTTP_CHUNKED,
  E_HTTP_TOO_BIG, E_HTTP_TRUNCATED, E_HTTP_NO_SPACE, PresRulesPublisher, XcapDocumentPublisher, BytesDocument, type XcapPolicyEvent,
} from '../../core/presence/xcap/index.js';
import { WatcherTable, WatcherinfoReader } from '../../core/presence/index.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

test('XCAP URIs: users tree with the SIP URI as XUI, global tree, percent-encoding outside pchar', () => {
  assert.is(xcapUserDocumentPath('/xcap-root', Auid.PresRules, 'sip:alice@127.0.0.1'), '/xcap-root/pres-rules/users/sip:alice@127.0.0.1/index');
  assert.is(xcapUserDocumentPath('xcap-root/', Auid.RlsServices, 'sip:alice@example.com', 'index'), '/xcap-root/rls-services/users/sip:alice@example.com/index');
  assert.is(xcapUserDocumentPath('/', Auid.ResourceLists, 'sip:bob@example.com'), '/resource-lists/users/sip:bob@example.com/index');
  assert.is(xcapGlobalDocumentPath('/xcap-root', Auid.RlsServices), '/xcap-root/rls-services/global/index');
  assert.is(encodePathSegment('sip:a b/c?d#e%f@x;user=phone'), 'sip:a%20b%2Fc%3Fd%23e%25f@x;user=phone');
  assert.is(encodePathSegment('sip:jöns@x'), 'sip:j%C3%B6ns@x');
});

test('pres-rules: one rule per watcher, sub-handling per RFC 5025 §3.2.1, allow provides everything; XML-escaped ids', () => {
  const rules = new PresRules(2);
  assert.is(rules.revision, 0);
  assert.ok(rules.set('sip:bob@127.0.0.1', 'allow'));
  assert.ok(rules.set('sip:"eve"&co@127.0.0.1', 'block'));
  assert.not.ok(rules.set('sip:carol@127.0.0.1', 'allow'), 'the table is bounded');
  assert.ok(rules.set('sip:bob@127.0.0.1', 'allow'));
  assert.is(rules.revision, 2, 'setting the same handling again is no change');
  const out = new Uint8Array(4096);
  const r = rules.write(out);
  assert.ok(r.ok);
  const xml = dec(out.subarray(0, r.unwrap()));
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">/);
  assert.match(xml, /<cr:rule id="w0"><cr:conditions><cr:identity><cr:one id="sip:bob@127\.0\.0\.1"\s*\/><\/cr:identity><\/cr:conditions><cr:actions><pr:sub-handling>allow<\/pr:sub-handling><\/cr:actions><cr:transformations><pr:provide-services><pr:all-services\s*\/><\/pr:provide-services><pr:provide-persons><pr:all-persons\s*\/><\/pr:provide-persons><pr:provide-devices><pr:all-devices\s*\/><\/pr:provide-devices><pr:provide-all-attributes\s*\/><\/cr:transformations><\/cr:rule>/);
  assert.match(xml, /<cr:one id="sip:&quot;eve&quot;&amp;co@127\.0\.0\.1"\s*\/>.*<pr:sub-handling>block<\/pr:sub-handling><\/cr:actions><\/cr:rule>/);
  assert.ok(rules.remove('sip:bob@127.0.0.1'));
  assert.equal(rules.rules(), [{ watcher: 'sip:"eve"&co@127.0.0.1', handling: 'block' }]);
  assert.not.ok(rules.write(new Uint8Array(40)).ok, 'a buffer too small is an error, not an exception');
});

test('rls-services: inline list of resource-lists entries with packages (RFC 4826 §4)', () => {
  const out = new Uint8Array(2048);
  const n = writeRlsServices([{ uri: 'sip:alice-list@127.0.0.1', listName: 'friends', entries: [{ uri: 'sip:bob@127.0.0.1', displayName: 'Bob' }, { uri: 'sip:carol@127.0.0.1' }], packages: ['presence'] }], out).unwrap();
  assert.is(dec(out.subarray(0, n)), '<?xml version="1.0" encoding="UTF-8"?>\n<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">'
    + '<service uri="sip:alice-list@127.0.0.1"><list name="friends"><rl:entry uri="sip:bob@127.0.0.1"><rl:display-name>Bob</rl:display-name></rl:entry><rl:entry uri="sip:carol@127.0.0.1"/></list>'
    + '<packages><package>presence</package></packages></service></rls-services>');
});

test('HTTP request writer: head, Authorization bytes, Content-Length; too small a buffer is E_HTTP_NO_SPACE', () => {
  const out = new Uint8Array(512);
  const auth = enc('Digest username="alice"');
  const spec = { method: 'PUT', target: '/x/y', host: '127.0.0.1:5060', contentType: 'application/auth-policy+xml', authorization: auth, authorizationLen: auth.length, ifMatch: '"e1"', connectionClose: true };
  const n = writeHttpRequest(out, 0, out.length, spec, enc('<a/>'));
  assert.is(dec(out.subarray(0, n)), 'PUT /x/y HTTP/1.1\r\nHost: 127.0.0.1:5060\r\nAuthorization: Digest username="alice"\r\nIf-Match: "e1"\r\nContent-Type: application/auth-policy+xml\r\nContent-Length: 4\r\nConnection: close\r\n\r\n<a/>');
  assert.is(writeHttpRequest(out, 0, 40, spec, enc('<a/>')), E_HTTP_NO_SPACE);
  assert.is(writeHttpRequest(out, 0, n - 1, spec, enc('<a/>')), E_HTTP_NO_SPACE);
});

test('HTTP response reader: byte by byte, Content-Length, challenge and ETag kept; close-delimited body; errors with positions', () => {
  const text = 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\nwww-authenticate: Digest realm="xcap", nonce="abc", qop="auth"\r\nETag: "v7"\r\nContent-Length: 5\r\n\r\nhello';
  const bytes = enc(text);
  const r = new HttpResponseReader(1024);
  for (let i = 0; i < bytes.length - 1; i++) assert.is(r.push(bytes, i, 1), HTTP_NEED_MORE, `byte ${i}`);
  assert.is(r.push(bytes, bytes.length - 1, 1), HTTP_DONE);
  assert.is(r.status, 401);
  assert.is(dec(r.buf.subarray(r.authenticateOff, r.authenticateOff + r.authenticateLen)), 'Digest realm="xcap", nonce="abc", qop="auth"');
  assert.is(r.extraAuthenticate, 1);
  assert.is(dec(r.buf.subarray(r.etagOff, r.etagOff + r.etagLen)), '"v7"');
  assert.is(dec(r.buf.subarray(r.bodyOff, r.bodyOff + r.bodyLen)), 'hello');

  const close = enc('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
  r.reset();
  assert.is(r.push(close, 0, close.length), HTTP_NEED_MORE);
  assert.is(r.finish(), HTTP_DONE);
  assert.is(dec(r.buf.subarray(r.bodyOff, r.bodyOff + r.bodyLen)), 'until the end');

  const cases: [string, number][] = [
    ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', E_HTTP_BAD_LENGTH],
    ['HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n', E_HTTP_BAD_LENGTH],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', E_HTTP_CHUNKED],
    ['SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n', E_HTTP_BAD_STATUS_LINE],
    ['HTTP/1.1 2x0 OK\r\n\r\n', E_HTTP_BAD_STATUS_LINE],
  ];
  for (const [input, code] of cases) {
    r.reset();
    const b = enc(input);
    assert.is(r.push(b, 0, b.length), code, input);
    assert.ok(r.errorPosition >= 0);
  }
  r.reset();
  const short = enc('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  assert.is(r.push(short, 0, short.length), HTTP_NEED_MORE);
  assert.is(r.finish(), E_HTTP_TRUNCATED);
  const small = new HttpResponseReader(16);
  const big = enc('HTTP/1.1 200 OK\r\n\r\n');
  assert.is(small.push(big, 0, big.length), E_HTTP_TOO_BIG);
  assert.is(small.push(big, 0, 1), E_HTTP_TOO_BIG, 'errors are sticky');
});

test('HTTP response reader never throws on arbitrary bytes and stays within its bound', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(enc('HTTP/1.1 200 OK\r\n'), enc('Content-Length: 3\r\n'), enc('\r\n'), enc('\n\n'), enc(':'))), { maxLength: 20 }), (chunks) => {
    const r = new HttpResponseReader(256);
    let last = 0;
    for (const c of chunks) last = r.push(c, 0, c.length);
    if (last === HTTP_NEED_MORE) last = r.finish();
    assert.ok(last === HTTP_DONE || last < 0);
    if (last === HTTP_DONE) assert.ok(r.bodyOff + r.bodyLen <= 256);
  }), { numRuns: 300, seed: 4825 });
});

/** A scripted XCAP server: parses each request, answers 401 with a digest challenge until credentials verify. */
class FakeXcapServer {
  readonly requests: string[] = [];
  readonly documents = new Map<string, string>();
  nonce = 'n0nce1';
  requireAuth = true;
  failNext = 0;
  constructor(readonly realm = 'xcap', readonly password = 'alicepw') {}
  answer(request: Uint8Array): Uint8Array {
    const text = dec(request);
    this.requests.push(text);
    const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
    const [method, target] = head.split(' ');
    if (this.failNext > 0) { this.failNext--; return enc('HTTP/1.1 500 Server Error\r\nContent-Length: 0\r\n\r\n'); }
    if (this.requireAuth) {
      const auth = /\r\nAuthorization: (Digest .*)\r\n/i.exec(`${head}\r\n`)?.[1] ?? '';
      const p = Object.fromEntries([...auth.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
      const ha1 = md5(`${p.username}:${this.realm}:${this.password}`);
      const ha2 = md5(`${method}:${p.uri}`);
      const ok = p.nonce === this.nonce && p.uri === target && p.qop === 'auth' && p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
      if (!ok) return enc(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="${this.realm}", nonce="${this.nonce}", qop="auth"\r\nContent-Length: 0\r\n\r\n`);
    }
    const created = !this.documents.has(target!);
    this.documents.set(target!, body);
    return enc(`HTTP/1.1 ${created ? '201 Created' : '200 OK'}\r\nETag: "e${this.requests.length}"\r\nContent-Length: 0\r\n\r\n`);
  }
}

const ACCOUNT = { root: '/xcap-root', host: '127.0.0.1:5060', xui: 'sip:alice@127.0.0.1', username: 'alice', password: 'alicepw', random: { random: (() => { let x = 7; return () => ((x = (x * 48271) % 2147483647) / 2147483647); })() } };

/** One request/response exchange through the publisher, answering in chunks of 7 bytes. */
function exchange(pub: XcapDocumentPublisher, server: FakeXcapServer): boolean {
  const req = pub.pollRequest();
  if (req === null) return false;
  const res = server.answer(req.slice());
  let done = false;
  for (let i = 0; i < res.length && !done; i += 7) done = pub.onResponseBytes(res, i, Math.min(7, res.length - i));
  if (!done) pub.onConnectionClosed();
  return true;
}

function events(pub: XcapDocumentPublisher): XcapPolicyEvent[] {
  const out: XcapPolicyEvent[] = [];
  let e;
  while ((e = pub.pollEvent()) !== undefined) out.push(e);
  return out;
}

test('publisher: nothing to send at first; approve → PUT, 401 → digest retry with the same newest document → stored', () => {
  const server = new FakeXcapServer();
  const pub = new PresRulesPublisher(ACCOUNT);
  assert.is(pub.pollRequest(), null, 'an untouched policy is not sent');
  assert.ok(pub.approveWatcher('sip:bob@127.0.0.1'));
  assert.ok(exchange(pub, server));
  assert.ok(exchange(pub, server), 'the retry after 401');
  assert.is(pub.pollRequest(), null);
  assert.is(server.requests.length, 2);
  assert.match(server.requests[0]!, /^PUT \/xcap-root\/pres-rules\/users\/sip:alice@127\.0\.0\.1\/index HTTP\/1\.1\r\nHost: 127\.0\.0\.1:5060\r\nContent-Type: application\/auth-policy\+xml\r\n/);
  assert.not.match(server.requests[0]!, /Authorization/);
  assert.match(server.requests[1]!, /\r\nAuthorization: Digest username="alice", realm="xcap", nonce="n0nce1", uri="\/xcap-root\/pres-rules\/users\/sip:alice@127\.0\.0\.1\/index", response="[0-9a-f]{32}"/);
  assert.equal(events(pub), [{ kind: 'policy-stored', revision: 1, status: 201, etag: '"e2"' }]);
  assert.not.ok(pub.dirty);
  assert.match(server.documents.get(pub.path)!, /<cr:one id="sip:bob@127\.0\.0\.1"\/>.*allow/);

  // Later PUTs carry credentials at once (nc grows); a new nonce is answered again.
  pub.denyWatcher('sip:eve@127.0.0.1');
  assert.ok(exchange(pub, server));
  assert.match(server.requests[2]!, /nc=00000002/);
  assert.equal(events(pub).map((e) => [e.kind, e.revision]), [['policy-stored', 2]]);
  server.nonce = 'n0nce2';
  pub.denyWatcher('sip:eve@127.0.0.1', true);
  assert.ok(exchange(pub, server));
  assert.ok(exchange(pub, server));
  assert.equal(events(pub).map((e) => [e.kind, e.revision, e.status]), [['policy-stored', 3, 200]]);
  assert.match(server.documents.get(pub.path)!, /polite-block/);
});

test('publisher: one PUT in flight; decisions made meanwhile coalesce into one PUT with the newest policy', () => {
  const server = new FakeXcapServer();
  server.requireAuth = false;
  const pub = new PresRulesPublisher(ACCOUNT);
  pub.approveWatcher('sip:bob@127.0.0.1');
  const first = pub.pollRequest()!;
  assert.ok(first !== null && pub.busy);
  pub.approveWatcher('sip:carol@127.0.0.1');
  pub.denyWatcher('sip:dave@127.0.0.1');
  pub.approveWatcher('sip:dave@127.0.0.1');
  assert.is(pub.pollRequest(), null, 'no second request while one is in flight');
  const res = server.answer(first.slice());
  assert.ok(pub.onResponseBytes(res, 0, res.length));
  assert.equal(events(pub).map((e) => [e.kind, e.revision]), [['policy-stored', 1]]);
  assert.ok(pub.dirty);
  assert.ok(exchange(pub, server));
  assert.not.ok(exchange(pub, server), 'one PUT carried all three decisions');
  assert.equal(events(pub).map((e) => [e.kind, e.revision]), [['policy-stored', 4]]);
  const doc = server.documents.get(pub.path)!;
  assert.equal([...doc.matchAll(/<cr:one id="([^"]+)"\/><\/cr:identity><\/cr:conditions><cr:actions><pr:sub-handling>([a-z-]+)</g)].map((m) => [m[1], m[2]]),
    [['sip:bob@127.0.0.1', 'allow'], ['sip:carol@127.0.0.1', 'allow'], ['sip:dave@127.0.0.1', 'allow']]);
});

test('publisher: failures stall until retry() or the next decision; a wrong password ends in one failure, not a loop', () => {
  const server = new FakeXcapServer();
  server.requireAuth = false;
  server.failNext = 1;
  const pub = new PresRulesPublisher(ACCOUNT);
  pub.approveWatcher('sip:bob@127.0.0.1');
  assert.ok(exchange(pub, server));
  assert.equal(events(pub).map((e) => [e.kind, e.status]), [['policy-failed', 500]]);
  assert.is(pub.pollRequest(), null, 'stalled');
  pub.retry();
  assert.ok(exchange(pub, server));
  assert.equal(events(pub).map((e) => e.kind), ['policy-stored']);

  const wrong = new FakeXcapServer('xcap', 'not-the-password');
  const pub2 = new PresRulesPublisher(ACCOUNT);
  pub2.approveWatcher('sip:bob@127.0.0.1');
  let n = 0;
  while (exchange(pub2, wrong) && n < 10) n++;
  assert.is(n, 2, 'the PUT and one answered retry');
  assert.equal(events(pub2).map((e) => [e.kind, e.status]), [['policy-failed', 401]]);

  // A connection that dies or answers garbage fails the PUT (never throws).
  const pub3 = new PresRulesPublisher(ACCOUNT);
  pub3.approveWatcher('sip:bob@127.0.0.1');
  assert.ok(pub3.pollRequest() !== null);
  assert.ok(pub3.onResponseBytes(enc('garbage\r\n\r\n'), 0, 11));
  pub3.retry();
  assert.ok(pub3.pollRequest() !== null);
  pub3.onConnectionClosed();
  assert.equal(events(pub3).map((e) => [e.kind, e.status]), [['policy-failed', 0], ['policy-failed', 0]]);
});

test('publisher: decisions from a winfo watcher table (RFC 3857) become rules; other documents via BytesDocument', () => {
  const table = new WatcherTable();
  const reader = new WatcherinfoReader();
  const winfo = enc('<?xml version="1.0"?>\n<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full"><watcher-list resource="sip:alice@127.0.0.1" package="presence">'
    + '<watcher id="w1" event="subscribe" status="pending">sip:bob@127.0.0.1</watcher><watcher id="w2" event="subscribe" status="pending">sip:eve@127.0.0.1</watcher></watcher-list></watcherinfo>');
  table.applyNotify(reader, winfo, 0, winfo.length);
  const pending = new Int16Array(4);
  assert.is(table.pending(pending), 2);
  table.decide(pending[0]!, true);
  table.decide(pending[1]!, false);
  const pub = new PresRulesPublisher(ACCOUNT);
  assert.is(pub.takeDecisionsFrom(table), 2);
  assert.equal(pub.rules.rules(), [{ watcher: 'sip:bob@127.0.0.1', handling: 'allow' }, { watcher: 'sip:eve@127.0.0.1', handling: 'block' }]);

  const server = new FakeXcapServer();
  server.requireAuth = false;
  const doc = new BytesDocument();
  const rls = new XcapDocumentPublisher(ACCOUNT, doc, Auid.RlsServices);
  assert.is(rls.pollRequest(), null);
  doc.set(enc('<rls-services/>'));
  assert.ok(exchange(rls, server));
  assert.match(server.requests[0]!, /^PUT \/xcap-root\/rls-services\/users\/sip:alice@127\.0\.0\.1\/index HTTP\/1\.1\r\n.*Content-Type: application\/rls-services\+xml\r\nContent-Length: 15\r\n/s);
  assert.equal(events(rls).map((e) => e.kind), ['policy-stored']);
});

test.run();
