// The registrar side of the soak regression tests (failover-endpoints, stream-flow-reuse): SIP
// text in and out of byte arrays, and a 200 OK to a REGISTER the UA sent.
import * as assert from 'uvu/assert';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { H } from '../../core/sip/header-ids.js';

export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function text(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[off + i]!);
  return s;
}

/** 200 OK to the REGISTER in `request` (RFC 3261 §10.3: its To gets the registrar's `toTag`), binding its Contact for 600 s. */
export function okFor(request: string, toTag: string): Uint8Array {
  const v = new SipMessageView();
  const b = ascii(request);
  assert.ok(parse(b, 0, b.length, v, createParseOptions({ datagram: true })) > 0);
  const h = (id: number) => v.headerText(id)!;
  return ascii(['SIP/2.0 200 OK', `Via: ${h(H.VIA)}`, `From: ${h(H.FROM)}`, `To: ${h(H.TO)};tag=${toTag}`, `Call-ID: ${h(H.CALL_ID)}`, `CSeq: ${h(H.CSEQ)}`,
    `Contact: ${h(H.CONTACT)};expires=600`, 'Content-Length: 0', '', ''].join('\r\n'));
}
