import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipStreamFramer } from '../../core/sip/framer.js';
import { SipMessageView } from '../../core/sip/view.js';
import { errorName, NEED_MORE } from '../../core/sip/errors.js';
import { H } from '../../core/sip/header-ids.js';

const enc = new TextEncoder();
const msg = (callId: string, body = ''): string =>
  `MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK${callId}\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const resp = (callId: string): string => `SIP/2.0 200 OK\r\nCall-ID: ${callId}\r\nContent-Length: 0\r\n\r\n`;

/** Feed `text` in chunks of the given sizes (cycled) and collect what next() reports. */
function feed(framer: SipStreamFramer, view: SipMessageView, text: string, sizes: number[] = [text.length]): string[] {
  const b = enc.encode(text);
  const out: string[] = [];
  let at = 0;
  let k = 0;
  let guard = 0;
  while (at < b.length) {
    const want = Math.min(sizes[k++ % sizes.length], b.length - at);
    const took = framer.push(b, at, want);
    at += took;
    for (;;) {
      if (++guard > 100000) throw new Error('framer does not make progress');
      const r = framer.next(view);
      if (r === NEED_MORE) break;
      out.push(r > 0 ? `msg ${view.headerText(H.CALL_ID)} ${view.bodyText()}`.trimEnd() : errorName(r));
    }
    if (took === 0 && framer.available === 0) throw new Error('stuck: buffer full and nothing delivered');
  }
  return out;
}

test('several messages in one chunk, with a body', () => {
  const f = new SipStreamFramer(new Uint8Array(4096));
  const v = new SipMessageView();
  assert.equal(feed(f, v, msg('a', 'hello') + resp('b') + msg('c')), ['msg a hello', 'msg b', 'msg c']);
  assert.is(f.messages, 3);
  assert.is(f.buffered, 0);
});

test('messages split at every byte boundary and in odd chunk sizes', () => {
  const text = msg('a', 'hi there') + resp('b');
  const v = new SipMessageView();
  for (let cut = 1; cut < text.length; cut++) {
    const f = new SipStreamFramer(new Uint8Array(1024));
    assert.equal(feed(f, v, text, [cut, text.length]), ['msg a hi there', 'msg b'], `cut at ${cut}`);
  }
  for (const sizes of [[1], [2], [3, 7], [13, 1, 5]]) {
    const f = new SipStreamFramer(new Uint8Array(1024));
    assert.equal(feed(f, v, text + text, sizes), ['msg a hi there', 'msg b', 'msg a hi there', 'msg b'], `sizes ${sizes}`);
  }
});

test('keep-alive CRLFs between messages are consumed and counted (RFC 5626 §3.5.1)', () => {
  const f = new SipStreamFramer(new Uint8Array(1024));
  const v = new SipMessageView();
  assert.equal(feed(f, v, '\r\n\r\n' + msg('a') + '\r\n\r\n\r\n\r\n' + resp('b') + '\r\n', [1]), ['msg a', 'msg b']);
  assert.is(f.keepAlivePings, 3);
  assert.is(f.keepAliveCrlfs, 7);
  assert.is(f.buffered, 0);
});

test('Content-Length is required on a stream; the next message is not lost', () => {
  const f = new SipStreamFramer(new Uint8Array(1024));
  const v = new SipMessageView();
  const noCl = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n';
  assert.equal(feed(f, v, noCl + msg('good')), ['E_MISSING_CONTENT_LENGTH', 'msg good']);
  assert.is(f.errors, 1);
});

test('resynchronisation after garbage and after bad messages, whole and byte by byte', () => {
  const text = 'this is not SIP\r\nnor this\r\n' + msg('one') +
    'OPTIONS sip:a@b SIP/7.0\r\nCall-ID: bad\r\nl: 0\r\n\r\n' + resp('two') +
    'INVITE sip:a@b SIP/2.0\r\nl: -5\r\n\r\nv=0\r\no=x\r\n' + msg('three', 'x');
  const expected = ['E_BAD_REQUEST_URI', 'msg one', 'E_BAD_VERSION', 'msg two', 'E_BAD_CONTENT_LENGTH', 'msg three x'];
  const v = new SipMessageView();
  assert.equal(feed(new SipStreamFramer(new Uint8Array(2048)), v, text), expected);
  const f = new SipStreamFramer(new Uint8Array(2048));
  assert.equal(feed(f, v, text, [1]), expected);
  assert.ok(f.bytesDiscarded > 0);
});

test('fixed capacity: push accepts what fits, never grows', () => {
  const storage = new Uint8Array(200);
  const f = new SipStreamFramer(storage);
  const v = new SipMessageView();
  const two = resp('a') + resp('b') + resp('c') + resp('d') + resp('e');
  assert.ok(two.length > 200);
  const b = enc.encode(two);
  const took = f.push(b, 0, b.length);
  assert.is(took, 200);
  assert.is(f.available, 0);
  assert.equal(feed(new SipStreamFramer(new Uint8Array(200)), v, two, [500]), ['msg a', 'msg b', 'msg c', 'msg d', 'msg e']);
  assert.is(f.push(b, 0, 0), 0);
  assert.is(f.push(b, -1, 3), 0);
});

test('a message larger than the buffer is dropped (E_FRAMER_OVERFLOW) and the next one survives', () => {
  const f = new SipStreamFramer(new Uint8Array(256));
  const v = new SipMessageView();
  const big = msg('big', 'x'.repeat(400));
  assert.equal(feed(f, v, big + resp('after'), [64]), ['E_FRAMER_OVERFLOW', 'msg after']);
  assert.is(f.bytesDiscarded, big.length - 0, 'exactly the oversized message was dropped');
  // header section itself too large for the buffer: line-based resynchronisation
  const f2 = new SipStreamFramer(new Uint8Array(256));
  const hugeHeaders = `OPTIONS sip:a@b SIP/2.0\r\n${'X-Pad: 0123456789\r\n'.repeat(30)}l: 0\r\n\r\n`;
  assert.equal(feed(f2, v, hugeHeaders + resp('after'), [64]), ['E_FRAMER_OVERFLOW', 'msg after']);
});

test('a line that never ends in a full buffer does not stall the framer', () => {
  const f = new SipStreamFramer(new Uint8Array(128));
  const v = new SipMessageView();
  const junk = 'x'.repeat(1000) + '\r\n';
  const out = feed(f, v, 'INVITE ' + junk + resp('ok'), [50]);
  assert.is(out[out.length - 1], 'msg ok');
  assert.ok(out.length >= 2 && out.slice(0, -1).every((e) => e.startsWith('E_')));
});

test('clear() forgets buffered bytes', () => {
  const f = new SipStreamFramer(new Uint8Array(256));
  const v = new SipMessageView();
  const b = enc.encode('OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n');
  f.push(b, 0, b.length);
  assert.is(f.next(v), NEED_MORE);
  f.clear();
  assert.is(f.buffered, 0);
  assert.equal(feed(f, v, resp('z')), ['msg z']);
});

test.run();
