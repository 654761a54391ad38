import { chatModule } from '../../core/ua/invite-sessions.js';
// The SIP side of session-mode IM in virtual time (test/ua's MemoryNet, no sockets): the UAS
// retransmits its 2xx until the ACK (RFC 3261 §13.3.1.4) and the UAC ACKs every copy
// (§13.2.2.4); no ACK at all ends the chat with BYE after 64·T1; CANCEL gets 200 and the INVITE
// 487 (§9.2); a re-INVITE gets 488; a BYE for no dialog gets 481.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, type UaNode } from '../ua/memory-net.js';
import { buildMsrpOffer } from '../../core/im/sdp-msrp.js';

const LISTENER_A = { address: '10.0.0.1', port: 2855 };
const LISTENER_B = { address: '10.0.0.2', port: 2856 };

function pair(): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 1);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 2);
  alice.ua.enableChat(chatModule, { listener: LISTENER_A });
  bob.ua.enableChat(chatModule, { listener: LISTENER_B });
  return { net, alice, bob };
}

const count = (node: UaNode, re: RegExp) => node.sent.filter((s) => re.test(s)).length;

function offerFromAlice(net: MemoryNet, alice: UaNode, bob: UaNode): number {
  const id = alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  const offer = bob.of('chat-offer');
  assert.is(offer.length, 1);
  assert.is(offer[0]!.from, 'sip:alice@10.0.0.1');
  return id;
}

test('lost ACKs: the 200 is retransmitted and every copy ACKed; connected once on each side', () => {
  const { net, alice, bob } = pair();
  let dropped = 0;
  net.dropRule = (text) => text.startsWith('ACK ') && dropped++ < 2;
  offerFromAlice(net, alice, bob);
  const bId = bob.of('chat-offer')[0]!.sessionId;
  bob.ua.acceptChat(bId, net.now).unwrap();
  bob.drain();
  net.run(4000);
  assert.is(dropped, 3, 'two ACKs dropped, the third let through');
  assert.is(count(bob, /^SIP\/2\.0 200 OK\r\n[\s\S]*CSeq: 1 INVITE/), 3, 'the 200 went out three times (0, T1, 3·T1)');
  assert.is(count(alice, /^ACK /), 3);
  assert.equal(bob.of('chat-state').map((e) => e.state), ['ringing', 'connected']);
  assert.equal(alice.of('chat-state').map((e) => e.state), ['offering', 'ringing', 'connected']);
  const ok = bob.sent.find((s) => s.startsWith('SIP/2.0 200 OK'))!;
  assert.match(ok, /\r\nContact: <sip:bob@10\.0\.0\.2:5070;transport=udp>/);
  assert.match(ok, /\r\nContent-Type: application\/sdp\r\n/);
  assert.match(ok, /\r\na=setup:passive\r\n/);
  assert.match(ok, /\r\nAllow: INVITE, /);
  const connect = alice.of('msrp-connect')[0]!;
  assert.is(connect.setup, 'active');
  assert.is(connect.remoteHost, LISTENER_B.address);
  assert.is(connect.remotePort, LISTENER_B.port);
  assert.is(bob.of('msrp-connect')[0]!.setup, 'passive');
  // The ACK is end to end (§13.2.2.4): CSeq of the INVITE, its own branch, to the Contact.
  const ack = alice.sent.find((s) => s.startsWith('ACK '))!;
  assert.match(ack, /^ACK sip:bob@10\.0\.0\.2:5070;transport=udp SIP\/2\.0\r\n/);
  assert.match(ack, /\r\nCSeq: 1 ACK\r\n/);
  const inviteBranch = /branch=([^;\r]+)/.exec(alice.sent.find((s) => s.startsWith('INVITE '))!)![1];
  assert.not.ok(ack.includes(inviteBranch!));
});

test('no ACK at all: after 64·T1 the callee ends the chat with BYE', () => {
  const { net, alice, bob } = pair();
  net.dropRule = (text) => text.startsWith('ACK ');
  offerFromAlice(net, alice, bob);
  const bId = bob.of('chat-offer')[0]!.sessionId;
  bob.ua.acceptChat(bId, net.now).unwrap();
  bob.drain();
  net.run(40_000);
  const ended = bob.of('chat-state').find((e) => e.state === 'ended')!;
  assert.ok(ended, 'ended');
  assert.is(ended.status, 408);
  assert.is(bob.of('msrp-connect').length, 0, 'never told the host to bind');
  assert.is(count(bob, /^BYE /), 1);
  // Alice answers the BYE and ends too.
  assert.ok(alice.of('chat-state').some((e) => e.state === 'ended' && e.reason === 'remote bye'));
});

test('endChat from the callee: BYE in the dialog, 200, both ended', () => {
  const { net, alice, bob } = pair();
  const aId = offerFromAlice(net, alice, bob);
  const bId = bob.of('chat-offer')[0]!.sessionId;
  bob.ua.acceptChat(bId, net.now).unwrap();
  bob.drain();
  net.run(200);
  bob.ua.endChat(bId, net.now).unwrap();
  bob.drain();
  net.run(200);
  const bye = bob.sent.find((s) => s.startsWith('BYE '))!;
  assert.match(bye, /^BYE sip:alice@10\.0\.0\.1:5060;transport=udp SIP\/2\.0\r\n/);
  assert.match(bye, /\r\nCSeq: 1 BYE\r\n/);
  assert.is(count(alice, /^SIP\/2\.0 200 OK\r\n[\s\S]*CSeq: 1 BYE/), 1);
  assert.ok(alice.of('chat-state').some((e) => e.sessionId === aId && e.state === 'ended'));
  assert.is(alice.ua.endChat(aId, net.now).ok, false, 'already ended');
});

test('CANCEL gets 200 and the INVITE 487; re-INVITE 488; BYE for no dialog 481', () => {
  const net = new MemoryNet();
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 2);
  bob.ua.enableChat(chatModule, { listener: LISTENER_B });
  const peer = net.addPeer('10.0.0.3', 5060);
  const answers: string[] = [];
  peer.handler = (_p, text) => { if (text.startsWith('SIP/2.0')) answers.push(`${text.split('\r\n')[0]} / ${/CSeq: ([^\r]*)/.exec(text)![1]}`); };
  const sdp = buildMsrpOffer({ address: '10.0.0.3', port: 2857, secure: false, uri: 'msrp://10.0.0.3:2857/carol1;tcp', acceptTypes: ['text/plain'], sessionId: '7', sessionVersion: '1' });
  const head = (method: string, branch: string, cseq: string, toTag = '') => [
    `${method} sip:bob@10.0.0.2:5070 SIP/2.0`, `Via: SIP/2.0/UDP 10.0.0.3:5060;branch=${branch}`, 'Max-Forwards: 70',
    'From: <sip:carol@10.0.0.3>;tag=c1', `To: <sip:bob@10.0.0.2>${toTag}`, 'Call-ID: cancel-1@10.0.0.3', `CSeq: ${cseq}`, 'Contact: <sip:carol@10.0.0.3:5060>',
  ];
  peer.request(bob.endpoint, [...head('INVITE', 'z9hG4bKinv1', '1 INVITE'), 'Content-Type: application/sdp'], sdp);
  net.run(50);
  assert.is(bob.of('chat-offer').length, 1);
  assert.is(bob.of('chat-offer')[0]!.remotePath, 'msrp://10.0.0.3:2857/carol1;tcp');
  peer.request(bob.endpoint, head('CANCEL', 'z9hG4bKinv1', '1 CANCEL'));
  net.run(50);
  assert.ok(answers.includes('SIP/2.0 180 Ringing / 1 INVITE'));
  assert.ok(answers.includes('SIP/2.0 200 OK / 1 CANCEL'));
  assert.ok(answers.includes('SIP/2.0 487 Request Terminated / 1 INVITE'));
  const ended = bob.of('chat-state').find((e) => e.state === 'ended')!;
  assert.is(ended.status, 487);
  assert.is(bob.ua.acceptChat(ended.sessionId, net.now).ok, false);

  answers.length = 0;
  peer.request(bob.endpoint, [...head('INVITE', 'z9hG4bKreinv', '5 INVITE', ';tag=whatever'), 'Content-Type: application/sdp'], sdp);
  peer.request(bob.endpoint, head('BYE', 'z9hG4bKbye1', '6 BYE', ';tag=nosuch'));
  peer.request(bob.endpoint, head('CANCEL', 'z9hG4bKnothing', '1 CANCEL'));
  net.run(50);
  assert.equal(answers.sort(), ['SIP/2.0 481 Call/Transaction Does Not Exist / 1 CANCEL', 'SIP/2.0 481 Call/Transaction Does Not Exist / 6 BYE', 'SIP/2.0 488 Not Acceptable Here / 5 INVITE']);
});

test('no MSRP listener: the offer is a=setup:active on the discard port; an offer that needs us passive is refused', () => {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 1);
  const bob = net.addUa({ aor: 'sip:bob@10.0.0.2', registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 2);
  alice.ua.enableChat(chatModule, { listener: null });
  bob.ua.enableChat(chatModule, { listener: null });
  alice.ua.startChat('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  const invite = alice.sent.find((s) => s.startsWith('INVITE '))!;
  assert.match(invite, /\r\nm=message 9 TCP\/MSRP \*\r\n/);
  assert.match(invite, /\r\na=setup:active\r\n/);
  const id = bob.of('chat-offer')[0]!.sessionId;
  const r = bob.ua.acceptChat(id, net.now);
  bob.drain();
  net.run(50);
  assert.is(r.ok, false);
  assert.ok(alice.of('chat-state').some((e) => e.state === 'ended' && e.status === 488));
  // Without enableChat there is no chat at all.
  const carol = net.addUa({ aor: 'sip:carol@10.0.0.4', registrar: null, localAddress: '10.0.0.4', localPort: 5080 }, 4);
  const refused = carol.ua.startChat('sip:bob@10.0.0.2:5070', net.now);
  assert.is(refused.ok, false);
});

test('endChat while ringing: CANCEL with the INVITE branch (resent when lost), 487 ACKed, both ended', () => {
  const { net, alice, bob } = pair();
  let dropped = 0;
  net.dropRule = (text) => text.startsWith('CANCEL ') && dropped++ < 1;
  const aId = offerFromAlice(net, alice, bob);
  alice.ua.endChat(aId, net.now).unwrap();
  alice.drain();
  net.run(2000);
  assert.is(dropped, 2, 'first CANCEL lost, the resent one went through');
  const cancels = alice.sent.filter((s) => s.startsWith('CANCEL '));
  assert.is(cancels.length, 2);
  const invite = alice.sent.find((s) => s.startsWith('INVITE '))!;
  const via = (m: string) => /\r\nVia: ([^\r]*)\r\n/.exec(m)![1]!;
  assert.is(via(cancels[0]!), via(invite), '§9.1: the top Via of the INVITE');
  assert.match(cancels[0]!, /^CANCEL sip:bob@10\.0\.0\.2:5070 SIP\/2\.0\r\n/);
  assert.match(cancels[0]!, /\r\nCSeq: 1 CANCEL\r\n/);
  assert.is(/\r\nFrom: ([^\r]*)/.exec(cancels[0]!)![1], /\r\nFrom: ([^\r]*)/.exec(invite)![1]);
  assert.is(count(bob, /^SIP\/2\.0 200 OK\r\n[\s\S]*CSeq: 1 CANCEL/), 1);
  assert.is(count(bob, /^SIP\/2\.0 487 /), 1);
  assert.ok(alice.sent.some((s) => s.startsWith('ACK ') && s.includes('CSeq: 1 ACK')), 'the 487 is ACKed by the INVITE transaction');
  assert.equal(bob.of('chat-state').map((e) => [e.state, e.status]), [['ringing', 180], ['ended', 487]]);
  assert.equal(alice.of('chat-state').map((e) => e.state), ['offering', 'ringing', 'ended']);
  assert.is(alice.of('warning').length + bob.of('warning').length, 0);
});

test('OPTIONS: Allow lists INVITE once chat is enabled', () => {
  const { net, alice, bob } = pair();
  const id = alice.ua.sendOptions('sip:bob@10.0.0.2:5070', net.now).unwrap();
  alice.drain();
  net.run(50);
  const st = alice.of('options-status').find((e) => e.id === id)!;
  assert.is(st.status, 200);
  assert.match(st.allow, /^INVITE, ACK, BYE, CANCEL, /);
});

test.run();
