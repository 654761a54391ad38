import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MappedAddress, STUN_OK, STUN_E_WRONG_TRANSACTION, STUN_E_TRUNCATED, looksLikeStun, parseBindingResponse, writeBindingRequest } from '../../core/stun/index.js';

const hex = (s: string) => new Uint8Array(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const txid = hex('b7e7a701 bc34d686 fa87dfae');

// RFC 5769 §2.2 sample IPv4 response (SOFTWARE, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT).
const ipv4Response = hex(`
  0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);

// RFC 5769 §2.3 sample IPv6 response.
const ipv6Response = hex(`
  01010048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);

test('RFC 5769 §2.2: XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
  const out = new MappedAddress();
  assert.ok(looksLikeStun(ipv4Response, 0, ipv4Response.length));
  assert.is(parseBindingResponse(ipv4Response, 0, ipv4Response.length, txid, out), STUN_OK);
  assert.is(out.toString(), '192.0.2.1:32853');
});

test('RFC 5769 §2.3: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853', () => {
  const out = new MappedAddress();
  assert.is(parseBindingResponse(ipv6Response, 0, ipv6Response.length, txid, out), STUN_OK);
  assert.is(out.toString(), '[2001:db8:1234:5678:11:2233:4455:6677]:32853');
});

test('answers to another transaction and truncated answers are refused', () => {
  const out = new MappedAddress();
  const other = txid.slice();
  other[11] ^= 1;
  assert.is(parseBindingResponse(ipv4Response, 0, ipv4Response.length, other, out), STUN_E_WRONG_TRANSACTION);
  assert.is(parseBindingResponse(ipv4Response, 0, 40, txid, out), STUN_E_TRUNCATED);
  for (let cut = 0; cut < ipv4Response.length; cut++) parseBindingResponse(ipv4Response, 0, cut, txid, out);
});

test('a Binding request is 20 bytes with the cookie and our transaction id; SIP is not STUN', () => {
  const out = new Uint8Array(20);
  assert.is(writeBindingRequest(out, 0, txid), 20);
  assert.equal(Array.from(out.slice(0, 8)), [0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
  assert.equal(Array.from(out.slice(8)), Array.from(txid));
  const sip = new TextEncoder().encode('OPTIONS sip:a@b SIP/2.0\r\n\r\n');
  assert.not.ok(looksLikeStun(sip, 0, sip.length));
  assert.ok(writeBindingRequest(new Uint8Array(10), 0, txid) < 0);
});

test.run();
