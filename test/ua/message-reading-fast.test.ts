// The UA's readers take shortcuts on the per-NOTIFY path: contactUriIs answers an exact
// "<uri>" Contact without decoding it, and readTag serves From/To tags decoded once per parse.
// Both must answer what the plain decode answers, for odd values too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';
import { HeaderValueCursor } from '../../core/sip/values.js';
import { ContactValue, NameAddrValue, decodeContact, decodeNameAddr } from '../../core/sip/decode/name-addr.js';
import { contactUriIs, readTag, tagLength, spanEquals } from '../../core/ua/message-reading.js';

const opts = createParseOptions({ datagram: true });
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

function message(headers: string[]): SipMessageView {
  const text = ['NOTIFY sip:bob@192.0.2.2 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1', ...headers, 'Call-ID: c1', 'CSeq: 2 NOTIFY', 'Content-Length: 0', '', ''].join('\r\n');
  const view = new SipMessageView();
  const bytes = enc(text);
  assert.ok(parse(bytes, 0, bytes.length, view, opts) > 0, text);
  return view;
}

/** contactUriIs the long way: the first Contact value decoded, its URI compared. */
function plainContactUriIs(view: SipMessageView, uri: string): boolean {
  const cursor = new HeaderValueCursor();
  cursor.reset(view, H.CONTACT);
  if (!cursor.next()) return true;
  const c = new ContactValue();
  if (decodeContact(view.buf, cursor.off, cursor.off + cursor.len, c) !== 0 || c.star) return true;
  return spanEquals(view.buf, c.uriOff, c.uriLen, uri);
}

test('contactUriIs: the exact "<uri>" shortcut answers as the decode does', () => {
  const uris = ['sip:192.0.2.100:5060;transport=udp', 'sip:a@b', 'sip:x>,<sip:y', 'sip:a"b@x', 'sip:a b', 'sip:a@b;lr', '', 'sip:a@b>'];
  const contacts = (u: string) => [
    `<${u}>`, `<${u}>;expires=60`, `"A" <${u}>`, `${u}`, `<${u}>, <sip:other@x>`, `<${u} >`, `< ${u}>`, '*', `<${u}>>`,
  ];
  let n = 0;
  for (const uri of uris) {
    for (const value of contacts(uri)) {
      for (const lines of [[`Contact: ${value}`], ['Contact: ', `Contact: ${value}`], [`Contact: ${value}`, 'Contact: <sip:second@x>']]) {
        let view: SipMessageView;
        try { view = message(['From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2', ...lines]); } catch { continue; }
        for (const target of uris) {
          assert.is(contactUriIs(view, target), plainContactUriIs(view, target), `${lines.join(' | ')} vs ${target}`);
          n++;
        }
      }
    }
  }
  const none = message(['From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2']);
  assert.is(contactUriIs(none, 'sip:a@b'), true, 'no Contact: the target stays');
  assert.ok(n > 300, `cases: ${n}`);
});

test('readTag: From/To tags as the decode finds them, and fresh after the next parse', () => {
  const values = ['<sip:a@x>;tag=abc', 'A <sip:a@x> ; TAG = t1', 'sip:a@x;tag=bare', '<sip:a@x>', '<sip:a@x>;tag="q"', '<sip a@x>;tag=bad', '"D" <sip:a@x>;x=1;tag=z;y'];
  const na = new NameAddrValue();
  for (const from of values) {
    for (const to of values) {
      let view: SipMessageView;
      try { view = message([`From: ${from}`, `To: ${to}`]); } catch { continue; }
      for (const [id, value] of [[H.TO, to], [H.FROM, from], [H.TO, to]] as const) {
        const i = view.find(id);
        const ok = decodeNameAddr(view.buf, view.valueOff[i]!, view.valueOff[i]! + view.valueLen[i]!, na) === 0 && na.tagOff >= 0;
        const off = readTag(view, id);
        assert.is(off, ok ? na.tagOff : -1, `${value}`);
        assert.is(tagLength, ok ? na.tagLen : 0, `${value} length`);
      }
    }
  }
  // One buffer, parsed again with other bytes: no answer survives the parse.
  const view = new SipMessageView();
  const a = enc('OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=one\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
  parse(a, 0, a.length, view, opts);
  assert.is(readTag(view, H.TO), -1);
  assert.ok(readTag(view, H.FROM) > 0);
  a.set(enc('OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>\r\nTo: <sip:b@x>;tag=t\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'));
  parse(a, 0, a.length, view, opts);
  assert.is(readTag(view, H.FROM), -1);
  assert.ok(readTag(view, H.TO) > 0);
  assert.is(tagLength, 1);
});

test.run();
