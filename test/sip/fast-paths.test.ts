// The parser's fast paths must agree with the plain ones: the header-name automaton the scan uses
// (NAME_BASE/NAME_CHECK/NAME_ID) with lookupHeaderId, and the 4-bytes-at-a-time value check (used when the
// same buffer is parsed again) with a fresh parse, at every offset alignment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView, parse, createParseOptions, lookupHeaderId, headerName, H } from '../../core/sip/index.js';
import { HEADER_ID_COUNT } from '../../core/sip/header-ids.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
let seed = 2026;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);

test('the id found while scanning a header name equals lookupHeaderId, for known, compact and random names', () => {
  const names: string[] = [];
  for (let id = 1; id < HEADER_ID_COUNT; id++) {
    const n = headerName(id);
    names.push(n, n.toLowerCase(), n.toUpperCase(), n.slice(0, -1), `${n}x`);
  }
  for (const c of 'imelcfsktvourbxyajd') names.push(c, c.toUpperCase());
  const alphabet = 'abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!%*_+`\'~';
  for (let i = 0; i < 3000; i++) {
    let s = '';
    for (let k = 1 + rnd(20); k > 0; k--) s += alphabet[rnd(alphabet.length)];
    names.push(s);
  }
  const view = new SipMessageView();
  const options = createParseOptions({ datagram: true });
  for (const name of names) {
    const expected = lookupHeaderId(enc(name), 0, name.length);
    // A Content-Length name carries the length itself (two would be ambiguous framing).
    const bytes = expected === H.CONTENT_LENGTH
      ? enc(`OPTIONS sip:a@b SIP/2.0\r\n${name}: 0\r\n\r\n`)
      : enc(`OPTIONS sip:a@b SIP/2.0\r\n${name}: v\r\nContent-Length: 0\r\n\r\n`);
    const n = parse(bytes, 0, bytes.length, view, options);
    assert.ok(n > 0, name);
    assert.is(view.headerId[0], expected, `${name}: scan gave ${view.headerId[0]}, lookup ${expected}`);
  }
});

test('re-parsing the same buffer (the word-at-a-time path) at every offset gives the same spans and errors', () => {
  const base = 'NOTIFY sip:alice@192.0.2.10:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK8sdf2\r\nFrom: <sip:bob@example.com>;tag=ffd2\r\nTo: <sip:alice@example.com>;tag=xfg9\r\nCall-ID: 2010@pc33\r\nCSeq: 8775 NOTIFY\r\nSubject: caf\xe9 \t tab\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
  const options = createParseOptions({ datagram: true });
  for (let variant = 0; variant < 200; variant++) {
    const text = variant === 0 ? base : base.split('').map((c) => (rnd(40) === 0 ? String.fromCharCode([0, 1, 9, 127, 200, 13][rnd(6)]!) : c)).join('');
    const msg = enc(text);
    for (let off = 0; off < 8; off++) {
      const big = new Uint8Array(msg.length + 16).fill(0x41);
      big.set(msg, off);
      const fresh = new SipMessageView();
      const a = parse(big.slice(), off, msg.length, fresh, options);
      const reused = new SipMessageView();
      parse(big, off, msg.length, reused, options);
      const b = parse(big, off, msg.length, reused, options);
      assert.is(b, a, `variant ${variant} offset ${off}`);
      if (a > 0) {
        assert.is(reused.headerCount, fresh.headerCount);
        for (let i = 0; i < fresh.headerCount; i++) {
          assert.is(reused.valueOff[i], fresh.valueOff[i]);
          assert.is(reused.valueLen[i], fresh.valueLen[i]);
          assert.is(reused.headerId[i], fresh.headerId[i]);
        }
      } else {
        assert.is(reused.errorOffset, fresh.errorOffset);
      }
    }
  }
});

test.run();
