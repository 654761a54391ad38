// Found by the flow soak once its servers challenged (soak-flows-scenario.ts): a SUBSCRIBE sent
// with credentials for a cached nonce, challenged with stale=true, failed for good (407,
// `rejected`) instead of being answered. Cause: all requests share the UA's digest cache. While
// the SUBSCRIBE was out (here a target silent for a while, Timer E copies), another request's
// stale challenge replaced the realm's nonce; the SUBSCRIBE's own stale challenge then carried
// that same new nonce, and the retry policy, comparing it with the *cached* nonce, judged it
// "the same nonce we used" (PREEMPTIVE + SAME: give up) although the SUBSCRIBE had carried the
// older one. Fixed in DigestClientBase: each cached nonce notes when it was cached (nonceClock),
// each request when it was written (ClientRecord.authWrittenAt, passed to restoreSentState), and
// a nonce cached after the request was written is not the one it used.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { xorshift } from './soak-base.js';
import { ascii, text } from './register-ok.js';

const S1: Endpoint = { transport: 'udp', address: '10.0.0.11', port: 5060 };

/** A final response to `request` (RFC 3261 §8.2.6.2), with `extra` header lines. */
function responseTo(request: string, status: string, extra: string[]): Uint8Array {
  const v = new SipMessageView();
  const b = ascii(request);
  assert.ok(parse(b, 0, b.length, v, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => v.headerText(id)!;
  return ascii([`SIP/2.0 ${status}`, `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=px`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    ...extra, 'Content-Length: 0', '', ''].join('\r\n'));
}

const challenge = (nonce: string, stale: boolean) => `Proxy-Authenticate: Digest realm="east.example.test", nonce="${nonce}", qop="auth", algorithm=MD5${stale ? ', stale=true' : ''}`;
const callIdOf = (request: string) => /\r\nCall-ID: ([^\r]+)/.exec(request)![1]!;

test('two SUBSCRIBEs out with a cached nonce, both challenged stale with the same new nonce: both are answered', () => {
  const ua = new UserAgent({
    aor: 'sip:frank@example.test', username: 'frank', password: 'frankpw', registrar: 'sip:10.0.0.11:5060',
    localAddress: '10.0.0.22', localPort: 5060, expires: 600, random: xorshift(7),
  });
  const out = new Outgoing();
  const events: UaEvent[] = [];
  let now = 0;
  const sent = (): string[] => {
    const s: string[] = [];
    while (ua.pollTransmit(out)) s.push(text(out.bytes, out.off, out.len));
    let e: UaEvent | undefined;
    while ((e = ua.pollEvent()) !== undefined) events.push(e);
    return s;
  };
  const deliver = (b: Uint8Array) => { ua.handleDatagram(b, 0, b.length, S1, now); };

  // The proxy's realm gets a cached nonce n1: a MESSAGE challenged once and answered.
  assert.ok(ua.sendMessage('sip:pat@example.test', 'text/plain', ascii('hi'), now).ok);
  const [message] = sent();
  deliver(responseTo(message!, '407 Proxy Authentication Required', [challenge('n1', false)]));
  const [answered] = sent();
  assert.match(answered!, 'nonce="n1"');
  deliver(responseTo(answered!, '202 Accepted', []));
  sent();

  // Two SUBSCRIBEs, both written with n1 (preemptive credentials).
  const pat = ua.subscribe('sip:pat@example.test', 'presence', now);
  const sam = ua.subscribe('sip:sam@example.test', 'presence', now);
  assert.ok(pat.ok && sam.ok);
  const first = sent().filter((s) => s.startsWith('SUBSCRIBE '));
  assert.is(first.length, 2);
  for (const s of first) assert.match(s, 'nonce="n1"');
  now += 20;

  // The proxy rotated its nonce: the first SUBSCRIBE is challenged stale with n2 and answered with it.
  deliver(responseTo(first[0]!, '407 Proxy Authentication Required', [challenge('n2', true)]));
  const retry0 = sent().filter((s) => s.startsWith('SUBSCRIBE '));
  assert.is(retry0.length, 1);
  assert.match(retry0[0]!, 'nonce="n2"');

  // The second, written with n1 too, gets the same stale challenge: it must be answered as well,
  // not given up as if n2 were the nonce it had used.
  deliver(responseTo(first[1]!, '407 Proxy Authentication Required', [challenge('n2', true)]));
  const retry1 = sent().filter((s) => s.startsWith('SUBSCRIBE '));
  const failed = events.filter((e) => e.kind === 'subscription' && e.state === 'failed');
  assert.is(failed.length, 0, `a subscription failed: ${JSON.stringify(failed)}`);
  assert.is(retry1.length, 1, 'the second SUBSCRIBE answered its stale challenge');
  assert.is(callIdOf(retry1[0]!), callIdOf(first[1]!));
  assert.match(retry1[0]!, 'nonce="n2"');

  // A real refusal still ends it: the answer with n2 challenged again with the same nonce, no stale.
  deliver(responseTo(retry1[0]!, '407 Proxy Authentication Required', [challenge('n2', false)]));
  assert.is(sent().filter((s) => s.startsWith('SUBSCRIBE ')).length, 0, 'no third try for a refused answer');
  assert.ok(events.some((e) => e.kind === 'subscription' && e.state === 'failed' && e.status === 407), 'the refused subscription failed with 407');
});

test.run();
