import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Publication, type PublishAction, type PublishOutcome } from '../../core/presence/publication.js';

const doc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const text = (b: Uint8Array | null) => (b ? String.fromCharCode(...b) : null);
const ok = (etag: string, expires = 3600): PublishOutcome => ({ status: 200, etag, expires, minExpires: -1, retryAfter: -1 });
const fail = (status: number, extra: Partial<PublishOutcome> = {}): PublishOutcome => ({ status, etag: '', expires: -1, minExpires: -1, retryAfter: -1, ...extra });
const make = () => new Publication({ expires: 3600, backoffBaseS: 30, backoffMaxS: 1800, random: () => 0 });
const sent = (p: Publication) => { const out: string[] = []; for (let a: PublishAction | undefined = p.pollAction(); a; a = p.pollAction()) out.push(`${text(a.body) ?? '(no body)'} if-match=${a.ifMatch || '-'} expires=${a.expires}`); return out; };
const outcomes = (p: Publication) => { const out: string[] = []; for (let e = p.pollEvent(); e; e = p.pollEvent()) if (e.kind !== 'state') out.push(e.kind === 'published' ? `published ${e.etag}` : `failed ${e.status}${e.willRetry ? ' (retrying)' : ''}`); return out; };

test('RFC 3903 §4: initial with body, refresh without body, modify and remove with SIP-If-Match', () => {
  const p = make();
  p.set(0, doc('open'), 'application/pidf+xml');
  assert.equal(sent(p), ['open if-match=- expires=3600']);
  p.onResponse(10, ok('dx200xyz'));
  assert.equal(outcomes(p), ['published dx200xyz']);
  p.handleTimeout(p.nextDeadline());
  assert.equal(sent(p), ['(no body) if-match=dx200xyz expires=3600']);
  p.onResponse(20, ok('kwj449x'));
  p.set(30, doc('busy'), 'application/pidf+xml');
  assert.equal(sent(p), ['busy if-match=kwj449x expires=3600']);
  p.onResponse(40, ok('qwi982ks'));
  p.remove(50);
  assert.equal(sent(p), ['(no body) if-match=qwi982ks expires=0']);
  p.onResponse(60, ok(''));
  assert.is(p.state, 'idle');
  assert.is(p.etag, '');
});

test('one PUBLISH in flight; the newest state set meanwhile wins (coalescing)', () => {
  const p = make();
  p.set(0, doc('A'), 'application/pidf+xml');
  p.set(1, doc('B'), 'application/pidf+xml');
  p.set(2, doc('C'), 'application/pidf+xml');
  assert.equal(sent(p), ['A if-match=- expires=3600'], 'B and C wait');
  p.onResponse(3, ok('e1'));
  assert.equal(sent(p), ['C if-match=e1 expires=3600'], 'B is superseded, never sent');
  p.onResponse(4, ok('e2'));
  assert.equal(sent(p), []);
  assert.equal(outcomes(p), ['published e1', 'published e2']);
});

test('412 → forget the entity tag and publish the state afresh (§6)', () => {
  const p = make();
  p.set(0, doc('open'), 'application/pidf+xml');
  p.onResponse(1, ok('old'));
  p.handleTimeout(p.nextDeadline());
  sent(p);
  p.onResponse(2, fail(412));
  assert.equal(sent(p), ['open if-match=- expires=3600']);
  p.onResponse(3, ok('new'));
  assert.is(p.etag, 'new');
});

test('423 raises Expires; 405/501 mark publishing unsupported and stop retrying', () => {
  const p = make();
  p.set(0, doc('open'), 'application/pidf+xml');
  sent(p);
  p.onResponse(1, fail(423, { minExpires: 7200 }));
  assert.equal(sent(p), ['open if-match=- expires=7200']);
  p.onResponse(2, fail(501));
  assert.is(p.state, 'unsupported');
  assert.equal(outcomes(p), ['failed 501']);
  assert.is(p.nextDeadline(), Infinity);
  p.set(3, doc('busy'), 'application/pidf+xml');
  assert.equal(sent(p), [], 'not sent again to a server that cannot take it');
  assert.equal(outcomes(p), ['failed 501'], 'but the caller still hears how it ended');
});

test('timeouts back off and retry with the newest state; restore republishes without the old tag', () => {
  const p = make();
  p.set(0, doc('A'), 'application/pidf+xml');
  p.onTimeout(32_000);
  assert.equal(outcomes(p), ['failed 408 (retrying)']);
  assert.is(p.nextDeadline(), 32_000 + 30_000);
  p.set(40_000, doc('B'), 'application/pidf+xml');
  assert.equal(sent(p), ['A if-match=- expires=3600', 'B if-match=- expires=3600']);
  p.onResponse(40_001, ok('t1'));
  p.restore(50_000);
  assert.equal(sent(p), ['B if-match=- expires=3600']);
});

test('remove while a PUBLISH is in flight waits for it, then removes', () => {
  const p = make();
  p.set(0, doc('A'), 'application/pidf+xml');
  sent(p);
  p.remove(1);
  assert.equal(sent(p), []);
  p.onResponse(2, ok('t'));
  assert.equal(sent(p), ['(no body) if-match=t expires=0']);
});

test.run();
