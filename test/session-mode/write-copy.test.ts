// NodeMsrpHost's send loop takes spans from MsrpSession.pollTransmitInto, which point into the
// session's own chunk buffer, reused by the next poll. Node's socket.write keeps the Buffer it is
// given until the kernel took every byte, so the host must hand it a copy. 16 MiB in 1 MiB chunks
// (up to 32 in flight) is more than one flush's writes fit in the loopback socket buffers, so
// Node still holds earlier chunks when later ones are written into the session's buffer: without
// the copy the bytes on the wire are overwritten, framing breaks and no success report comes
// (checked: with `sock.write(t.bytes.subarray(...))` this test fails; 4 MiB was not enough).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phone, closePhone, waitFor, ofKind, type Phone, type AnyEvent } from './support.js';

type Ev<K extends AnyEvent['kind']> = Extract<AnyEvent, { kind: K }>;
const is = <K extends AnyEvent['kind']>(kind: K, f: (e: Ev<K>) => boolean = () => true) => (e: AnyEvent): e is Ev<K> => e.kind === kind && f(e as Ev<K>);

function content(n: number): Uint8Array {
  let s = 12345;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) { s = (s * 48271) % 2147483647; b[i] = s & 0xff; }
  return b;
}

test('1 MiB chunks written back to back arrive byte-identical (each write gets its own copy)', async () => {
  let a: Phone | undefined, b: Phone | undefined;
  const msrp = { chunkSize: 1 << 20, maxMessageBytes: 24 << 20 };
  try {
    a = await phone('alice', { msrp });
    b = await phone('bob', { msrp });
    const aId = a.sip.run((ua, now) => ua.startChat(b!.uri, now)).unwrap();
    const offer = await waitFor(b, 'chat-offer', is('chat-offer'));
    b.sip.run((ua, now) => ua.acceptChat(offer.sessionId, now)).unwrap();
    await waitFor(a, 'MSRP bound', is('msrp-connected', (e) => e.sessionId === aId));
    await waitFor(b, 'MSRP bound', is('msrp-connected', (e) => e.sessionId === offer.sessionId));

    const big = content(16 << 20);
    const sent = a.msrp.sendChatMessage(aId, 'application/octet-stream', big, { successReport: true });
    assert.ok(sent.ok);
    const messageId = sent.ok ? sent.messageId : '';
    await waitFor(a, 'success report', is('chat-delivered', (e) => e.messageId === messageId), 20000);
    const received = ofKind(b, 'chat-message').filter((e) => e.contentType === 'application/octet-stream');
    assert.is(received.length, 1);
    assert.is(received[0]!.messageId, messageId);
    assert.is(received[0]!.bytes.length, big.length);
    assert.ok(Buffer.compare(Buffer.from(received[0]!.bytes), Buffer.from(big)) === 0, '16 MiB byte-identical');
    assert.is(ofKind(b, 'msrp-error').length + ofKind(a, 'msrp-error').length, 0);
  } finally {
    closePhone(a);
    closePhone(b);
  }
});

test.run();
