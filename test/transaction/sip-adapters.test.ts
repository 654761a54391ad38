// The glue to the real parser: TransactionKeyReader (view → key) and SipAckBuilder (§17.1.1.3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import {
  TransactionKey, TransactionKeyReader, SipAckBuilder, TransactionEngine, OutgoingRequest, Transmit, TransactionEvent,
  KEY_OK, KEY_ERROR_NO_VIA, METHOD_INVITE, METHOD_ACK, EVENT_RESPONSE, TRANSMIT_ACK, DISPOSITION_CREATED, DISPOSITION_ABSORBED,
} from '../../core/transaction/index.js';

const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const dec = (b: Uint8Array, off = 0, len = b.length) => String.fromCharCode(...b.subarray(off, off + len));

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP Pc33.Atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/UDP proxy.example.com;branch=z9hG4bKother',
  'Max-Forwards: 70',
  'Route: <sip:p1.example.com;lr>',
  'Route: <sip:p2.example.com;lr>',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Length: 0',
  '', '',
].join('\r\n');

const BUSY = [
  'SIP/2.0 486 Busy Here',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Content-Length: 0',
  '', '',
].join('\r\n');

const opts = createParseOptions({ datagram: true });

function keyOf(text: string): { key: TransactionKey; code: number; bytes: Uint8Array } {
  const bytes = enc(text);
  const view = new SipMessageView();
  assert.ok(parse(bytes, 0, bytes.length, view, opts) > 0, 'parses');
  const key = new TransactionKey();
  const code = new TransactionKeyReader().read(view, key);
  return { key, code, bytes };
}

test('key reader: branch and sent-by of the top Via, method, CSeq method', () => {
  const { key, code, bytes } = keyOf(INVITE);
  assert.is(code, KEY_OK);
  assert.is(key.isRequest, true);
  assert.is(key.methodId, METHOD_INVITE);
  assert.is(key.cseqMethodId, METHOD_INVITE);
  assert.is(dec(bytes, key.branchOff, key.branchLen), 'z9hG4bK776asdhds');
  assert.ok(key.hasMagicCookie());
  assert.is(key.legacyHash, 0, 'no RFC 2543 hash needed with a cookie');
  // Same sent-by in another case and with the default port written out: same hash (§17.2.3).
  const other = keyOf(INVITE.replace('Pc33.Atlanta.example.com', 'pc33.atlanta.EXAMPLE.com:5060'));
  assert.is(other.key.sentByHash, key.sentByHash);
  const moved = keyOf(INVITE.replace('Pc33.Atlanta.example.com', 'pc33.atlanta.example.com:5070'));
  assert.not.equal(moved.key.sentByHash, key.sentByHash);
  const res = keyOf(BUSY);
  assert.is(res.key.isRequest, false);
  assert.is(res.key.statusCode, 486);
  assert.is(res.key.branchHash, key.branchHash);
});

test('key reader: RFC 2543 requests get a legacy hash over URI, From tag, Call-ID, CSeq number, top Via', () => {
  const legacy = INVITE.replace(';branch=z9hG4bK776asdhds', ';branch=776asdhds');
  const a = keyOf(legacy).key;
  const b = keyOf(legacy).key;
  assert.ok(!a.hasMagicCookie());
  assert.ok(a.legacyHash !== 0);
  assert.is(a.legacyHash, b.legacyHash);
  assert.not.equal(keyOf(legacy.replace('CSeq: 314159', 'CSeq: 314160')).key.legacyHash, a.legacyHash);
  assert.not.equal(keyOf(legacy.replace('tag=1928301774', 'tag=x')).key.legacyHash, a.legacyHash);
  const withToTag = keyOf(legacy.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: Bob <sip:bob@biloxi.example.com>;tag=zz')).key;
  assert.is(withToTag.legacyHash, a.legacyHash, 'the To tag is compared separately');
  assert.ok(withToTag.toTagHash !== 0 && a.toTagHash === 0);
});

test('key reader: a message without Via is refused with a code, not an exception', () => {
  const { code } = keyOf(INVITE.replace(/Via: [^\r]*\r\n/, ''));
  assert.is(code, KEY_ERROR_NO_VIA);
});

test('SIP ACK builder (§17.1.1.3): URI, single top Via, Routes, From, Call-ID and CSeq number from the INVITE, To from the response', () => {
  const req = enc(INVITE);
  const res = enc(BUSY);
  const ack = new SipAckBuilder().buildAck(req, 0, req.length, res, 0, res.length);
  assert.ok(ack);
  assert.is(dec(ack!), [
    'ACK sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP Pc33.Atlanta.example.com;branch=z9hG4bK776asdhds',
    'Route: <sip:p1.example.com;lr>',
    'Route: <sip:p2.example.com;lr>',
    'Max-Forwards: 70',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 ACK',
    'Content-Length: 0',
    '', '',
  ].join('\r\n'));
  // The ACK parses and its key matches the INVITE server transaction on the other side.
  const view = new SipMessageView();
  assert.ok(parse(ack!, 0, ack!.length, view, opts) > 0);
  const key = new TransactionKey();
  assert.is(new TransactionKeyReader().read(view, key), KEY_OK);
  assert.is(key.methodId, METHOD_ACK);
  assert.is(new SipAckBuilder().buildAck(enc('garbage'), 0, 7, res, 0, res.length), null);
});

test('real SIP end to end: INVITE → 486 → ACK between two engines', () => {
  const client = new TransactionEngine({}, new SipAckBuilder());
  const server = new TransactionEngine();
  const reader = new TransactionKeyReader();
  const view = new SipMessageView();
  const key = new TransactionKey();
  const tx = new Transmit();
  const ev = new TransactionEvent();
  const req = new OutgoingRequest();
  const invite = enc(INVITE);
  assert.ok(parse(invite, 0, invite.length, view, opts) > 0);
  reader.read(view, key);
  req.methodId = METHOD_INVITE;
  req.bytes = invite; req.off = 0; req.len = invite.length;
  req.branchBuf = invite; req.branchOff = key.branchOff; req.branchLen = key.branchLen;
  const id = client.startClient(req, 0);
  assert.ok(id >= 0);
  const deliver = (engine: TransactionEngine, bytes: Uint8Array) => {
    assert.ok(parse(bytes, 0, bytes.length, view, opts) > 0);
    assert.is(reader.read(view, key), KEY_OK);
    return key.isRequest ? engine.handleRequest(key, bytes, 0, bytes.length, 1, false, 10) : engine.handleResponse(key, bytes, 0, bytes.length, 10);
  };
  assert.ok(client.pollTransmit(tx));
  assert.is(deliver(server, tx.bytes.subarray(tx.off, tx.off + tx.len)), DISPOSITION_CREATED);
  assert.ok(server.pollEvent(ev));
  const busy = enc(BUSY);
  assert.is(server.respond(ev.txId, 486, busy, 0, busy.length, 10), 0);
  assert.ok(server.pollTransmit(tx));
  deliver(client, tx.bytes.subarray(tx.off, tx.off + tx.len));
  assert.ok(client.pollTransmit(tx));
  assert.is(tx.kind, TRANSMIT_ACK);
  assert.is(deliver(server, tx.bytes.subarray(tx.off, tx.off + tx.len)), DISPOSITION_ABSORBED, 'the ACK matches the INVITE server transaction');
  assert.ok(client.pollEvent(ev));
  assert.is(ev.kind, EVENT_RESPONSE);
  assert.is(ev.statusCode, 486);
});

test.run();
