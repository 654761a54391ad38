// Bodies handed to the application are copies: a host that reuses its receive buffer (every
// real one does) must not change a message the application already holds. A Node Buffer is a
// Uint8Array whose slice() shares memory, which is how this went wrong once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView, parse, createParseOptions } from '../../core/sip/index.js';
import { copyBody } from '../../core/ua/message-reading.js';

test('copyBody survives the host overwriting its buffer, also for a Node Buffer', () => {
  const text = 'MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';
  for (const buf of [Buffer.from(text, 'latin1'), new Uint8Array(Buffer.from(text, 'latin1'))]) {
    const view = new SipMessageView();
    assert.ok(parse(buf, 0, buf.length, view, createParseOptions({ datagram: true })) > 0);
    const body = copyBody(view);
    buf.fill(0x58);
    assert.is(String.fromCharCode(...body), 'hello');
    assert.is(Object.getPrototypeOf(body), Uint8Array.prototype);
  }
});

test.run();
