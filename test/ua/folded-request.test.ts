// A request whose Via/From/To/Call-ID/CSeq are folded over several lines (RFC 3261 §7.3.1: a
// header value may continue on a line starting with SP/HTAB; a receiver may replace the fold
// with one SP) is answered, with those values echoed unfolded (§8.2.6.2). Before the fix the UA
// dropped such requests ('response-too-large', writer code E_W_BAD_VALUE) and the sender
// retransmitted until its Timer F/B: the RFC 4475 torture INVITE (wsinv) and the RFC 4662
// SUBSCRIBEs got no answer at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { MemoryNet, enc, type UaNode } from './memory-net.js';
import { pair, FakeWatcher, BOB, BOB_AOR, header } from '../ua-notifier/helpers.js';

const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url));
const PEER = { transport: 'udp' as const, address: '10.0.0.100', port: 5060 };
const strict = createParseOptions({ datagram: true });

function parsed(bytes: Uint8Array): SipMessageView {
  const view = new SipMessageView();
  assert.ok(parse(bytes, 0, bytes.length, view, strict) > 0, 'parses');
  return view;
}

function values(view: SipMessageView, id: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < view.headerCount; i++) if (view.headerId[i] === id) out.push(view.headerValueText(i));
  return out;
}

function hasFold(view: SipMessageView, id: number): boolean {
  for (let i = 0; i < view.headerCount; i++) {
    if (view.headerId[i] !== id) continue;
    const b = view.buf.subarray(view.valueOff[i]!, view.valueOff[i]! + view.valueLen[i]!);
    if (b.includes(10)) return true;
  }
  return false;
}

function plainUa(): { net: MemoryNet; bob: UaNode } {
  const net = new MemoryNet();
  const bob = net.addUa({
    aor: 'sip:bob@10.0.0.100', registrar: null, localAddress: '10.0.0.2', localPort: 5070, inboundMessagePolicy: 'open',
  }, 4);
  return { net, bob };
}

/** Asserts `response` echoes `request` as §8.2.6.2 says, every value as the request's unfolded text. */
function assertEchoes(label: string, request: SipMessageView, response: string, status: number): void {
  assert.ok(response.startsWith(`SIP/2.0 ${status} `), `${label}: status (${response.slice(0, 40)})`);
  const r = parsed(enc(response));
  assert.equal(values(r, H.VIA), values(request, H.VIA), `${label}: Via values, in order`);
  assert.is(r.headerText(H.FROM), request.headerText(H.FROM), `${label}: From`);
  assert.is(r.headerText(H.CALL_ID), request.headerText(H.CALL_ID), `${label}: Call-ID`);
  assert.is(r.headerText(H.CSEQ), request.headerText(H.CSEQ), `${label}: CSeq`);
  const to = request.headerText(H.TO)!;
  const echoedTo = r.headerText(H.TO)!;
  assert.ok(echoedTo === to || (echoedTo.startsWith(`${to};tag=`) && !/tag/i.test(to)), `${label}: To ${echoedTo} for ${to}`);
  // Only the header lines the writer made: no value runs onto a second line.
  const head = response.slice(0, response.indexOf('\r\n\r\n'));
  for (const line of head.split('\r\n')) assert.ok(/^(SIP\/2\.0 |[A-Za-z-]+: )/.test(line), `${label}: line ${JSON.stringify(line)}`);
}

test('the RFC 4475 torture INVITE and the RFC 4662 SUBSCRIBEs (folded headers) get an answer, unfolded', () => {
  const cases: [string, number][] = [
    ['rfc4475/wsinv.dat', 405], // no chat module: INVITE is not allowed
    ['rfc4662/01-SUBSCRIBE.sip', 489], // no notifier: no event package served
    ['rfc4662/05-SUBSCRIBE.sip', 489],
    ['rfc4662/09-SUBSCRIBE.sip', 489],
  ];
  for (const [file, status] of cases) {
    const { net, bob } = plainUa();
    const bytes = new Uint8Array(readFileSync(CORPUS + file));
    const request = parsed(bytes);
    assert.ok([H.VIA, H.FROM, H.TO, H.CALL_ID, H.CSEQ].some((id) => hasFold(request, id)), `${file}: has a folded echoed header`);
    bob.ua.handleDatagram(bytes, 0, bytes.length, PEER, net.now);
    bob.drain();
    assert.equal(bob.of('warning').map((w) => w.code), [], `${file}: no warning`);
    assert.is(bob.sent.length, 1, `${file}: one response`);
    assertEchoes(file, request, bob.sent[0]!, status);
  }
  // The torture message's values, spelled out (the Via's transport split over three lines).
  const { net, bob } = plainUa();
  const bytes = new Uint8Array(readFileSync(`${CORPUS}rfc4475/wsinv.dat`));
  bob.ua.handleDatagram(bytes, 0, bytes.length, PEER, net.now);
  bob.drain();
  const sent = bob.sent[0]!;
  assert.match(sent, '\r\nVia: SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw\r\n');
  assert.match(sent, '\r\nFrom: "J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8\r\n');
  assert.match(sent, '\r\nCSeq: 0009 INVITE\r\n');
});

test('a folded MESSAGE waits for the application and is then answered unfolded (the pending echo)', () => {
  const { net, bob } = plainUa();
  const text = [
    'MESSAGE sip:bob@10.0.0.2:5070 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.100:5060\r\n ;branch=z9hG4bKfold1',
    'Max-Forwards: 70',
    'From: "Al\r\n\tice" <sip:alice@10.0.0.100>\r\n ;tag=fa1',
    'To:\r\n <sip:bob@10.0.0.100>',
    'Call-ID: fold-1@10.0.0.100',
    'CSeq: 1\r\n   MESSAGE',
    'Content-Type: text/plain',
    'Content-Length: 2',
    '',
    'hi',
  ].join('\r\n');
  const bytes = enc(text);
  const request = parsed(bytes);
  bob.ua.handleDatagram(bytes, 0, bytes.length, PEER, net.now);
  bob.drain();
  const messages = bob.of('message');
  assert.is(messages.length, 1);
  assert.is(bob.sent.length, 0, 'no answer before the application gives one');
  assert.ok(bob.ua.respondToMessage(messages[0]!.id, 200, net.now).ok);
  bob.drain();
  assert.is(bob.sent.length, 1);
  assertEchoes('MESSAGE', request, bob.sent[0]!, 200);
  assert.match(bob.sent[0]!, '\r\nFrom: "Al ice" <sip:alice@10.0.0.100> ;tag=fa1\r\n');
  assert.match(bob.sent[0]!, '\r\nCSeq: 1 MESSAGE\r\n');
});

test('a watcher whose SUBSCRIBE folds Via/From/To/CSeq/Contact/Record-Route gets a 200 and a NOTIFY', () => {
  const { net, bob } = pair();
  assert.ok(bob.ua.serve('presence').ok);
  const peer = net.addPeer('10.0.0.9', 5060);
  const watcher = new FakeWatcher(peer, 'fold-sub-1', 'wt1');
  const lines = [
    `SUBSCRIBE ${BOB_AOR} SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.9:5060;\r\n  branch=z9hG4bKfoldsub1',
    'Max-Forwards: 70',
    'From: <sip:watcher@10.0.0.9>\r\n ;tag=wt1',
    `To:\r\n\t<${BOB_AOR}>`,
    'Call-ID: fold-sub-1',
    'CSeq: 1\r\n SUBSCRIBE',
    'Record-Route: <sip:10.0.0.9:5060;lr>\r\n ;x=1,\r\n <sip:10.0.0.9:5061;lr>',
    'Contact:\r\n <sip:watcher@10.0.0.9:5060>',
    'Event: presence',
    'Expires: 600',
  ];
  peer.request(BOB, lines);
  net.run(100);
  assert.equal(bob.of('warning').map((w) => w.code), [], 'no warning');
  const ok = watcher.responses.find((r) => r.startsWith('SIP/2.0 200 '));
  assert.ok(ok !== undefined, `a 200: ${watcher.responses.map((r) => r.slice(0, 20)).join(' | ')}`);
  assertEchoes('SUBSCRIBE', parsed(enc(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`)), ok!, 200);
  assert.is(header(ok!, 'Via'), 'SIP/2.0/UDP 10.0.0.9:5060; branch=z9hG4bKfoldsub1');
  assert.is(header(ok!, 'CSeq'), '1 SUBSCRIBE');
  // The NOTIFY goes to the (folded) Contact, through the (folded) Record-Route set, in the dialog.
  assert.ok(watcher.notifies.length >= 1, 'a NOTIFY');
  const notify = watcher.notifies[0]!;
  assert.ok(notify.startsWith('NOTIFY sip:watcher@10.0.0.9:5060 SIP/2.0\r\n'), notify.slice(0, 60));
  assert.is(header(notify, 'Call-ID'), 'fold-sub-1');
  assert.match(header(notify, 'To'), /^<sip:watcher@10\.0\.0\.9>;tag=wt1$/);
  const routes = [...notify.matchAll(/\r\nRoute: ([^\r]*)/g)].map((m) => m[1]);
  assert.equal(routes, ['<sip:10.0.0.9:5060;lr> ;x=1', '<sip:10.0.0.9:5061;lr>'], 'the route set, each entry unfolded');
});

test.run();
