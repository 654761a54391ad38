// Found by fuzzing (.tmp/fuzzcamp): a Content-Length within maxBodyBytes whose message would pass
// maxMessageBytes was refused with E_MESSAGE_TOO_LARGE at off + maxMessageBytes — for a short
// datagram a position far past the bytes given (65535 in a 342-byte datagram). The position is
// now where the body begins (the declared length cannot fit from there): inside the input, and
// the same whatever the chunking (a stream refuses it as soon as the header section is whole).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipMessageView } from '../../core/sip/view.js';
import { E_MESSAGE_TOO_LARGE, NEED_MORE } from '../../core/sip/errors.js';

const enc = new TextEncoder();
const STREAM = createParseOptions();
const DATAGRAM = createParseOptions({ datagram: true });
const LENIENT = createParseOptions({ datagram: true, allowBareLf: true, allowShortBody: true });

const HEAD = 'BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a@b\r\nCSeq: 1 BYE\r\nContent-Length: 65535\r\n\r\n';

test('default limits: Content-Length 65535 in a short datagram → E_MESSAGE_TOO_LARGE at the body start', () => {
  const b = enc.encode(`${HEAD}short body`);
  const view = new SipMessageView();
  for (const options of [DATAGRAM, LENIENT, STREAM]) {
    assert.is(parse(b, 0, b.length, view, options), E_MESSAGE_TOO_LARGE);
    assert.is(view.errorCode, E_MESSAGE_TOO_LARGE);
    assert.is(view.errorOffset, HEAD.length);
  }
  // The same message inside a larger buffer: the position is an index into that buffer.
  const padded = new Uint8Array(b.length + 20);
  padded.set(b, 7);
  assert.is(parse(padded, 7, b.length, view, DATAGRAM), E_MESSAGE_TOO_LARGE);
  assert.is(view.errorOffset, 7 + HEAD.length);
});

test('small limits: every prefix holding the whole header section gives the same error and position', () => {
  const view = new SipMessageView({ maxMessageBytes: 160, maxBodyBytes: 1000 });
  const head = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 200\r\n\r\n';
  const b = enc.encode(`${head}${'z'.repeat(200)}`);
  for (let n = 0; n <= b.length; n++) {
    const r = parse(b, 0, n, view, STREAM);
    if (n < head.length) { assert.is(r, NEED_MORE, `prefix ${n}`); continue; }
    assert.is(r, E_MESSAGE_TOO_LARGE, `prefix ${n}`);
    assert.is(view.errorOffset, head.length, `prefix ${n}`);
  }
});

test('without Content-Length a datagram past the limit still fails at the limit (inside the input)', () => {
  const view = new SipMessageView({ maxMessageBytes: 100, maxBodyBytes: 1000 });
  const b = enc.encode(`OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n${'z'.repeat(150)}`);
  assert.is(parse(b, 0, b.length, view, DATAGRAM), E_MESSAGE_TOO_LARGE);
  assert.is(view.errorOffset, 100);
});

test.run();
