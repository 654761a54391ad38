// What the soak scenarios' simulated servers write and read as text (engine-neutral, like the
// scenarios: they are bundled into QuickJS): a response to the request in a parsed view, a
// one-tuple PIDF, and the small string reads of headers they need.
import { H } from '../../core/sip/header-ids.js';
import type { SipMessageView } from '../../core/sip/view.js';

export function asciiText(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]!);
  return s;
}

/** The tag parameter of a From/To value, '' when it has none. */
export function tagOf(value: string): string {
  const m = /;\s*tag=([^;>\s]+)/i.exec(value);
  return m === null ? '' : m[1]!;
}

/** The URI of a name-addr (inside <>), or of an addr-spec without parameters. */
export function stripAngles(value: string): string {
  const a = value.indexOf('<');
  const b = value.indexOf('>');
  return a >= 0 && b > a ? value.slice(a + 1, b) : value.split(';')[0]!.trim();
}

/** A response to the request in `v` (RFC 3261 §8.2.6.2: Vias, From, To with a tag, Call-ID, CSeq), `extra` header lines included. */
export function responseText(v: SipMessageView, status: number, reason: string, extra: string, toTag = 'srv'): string {
  let s = `SIP/2.0 ${status} ${reason}\r\n`;
  for (let i = 0; i < v.headerCount; i++) {
    const id = v.headerId[i]!;
    const value = asciiText(v.buf, v.valueOff[i]!, v.valueLen[i]!);
    if (id === H.VIA) s += `Via: ${value}\r\n`;
    else if (id === H.FROM) s += `From: ${value}\r\n`;
    else if (id === H.CALL_ID) s += `Call-ID: ${value}\r\n`;
    else if (id === H.CSEQ) s += `CSeq: ${value}\r\n`;
    else if (id === H.TO) s += `To: ${value}${tagOf(value) === '' ? `;tag=${toTag}` : ''}\r\n`;
  }
  return `${s}${extra}Content-Length: 0\r\n\r\n`;
}

/** Expires of the request in `v` in seconds, `fallback` without one. */
export function expiresOf(v: SipMessageView, fallback: number): number {
  const e = v.headerText(H.EXPIRES);
  return e === undefined ? fallback : Number.parseInt(e, 10) || 0;
}

/** A one-tuple PIDF with an optional RPID activity, as a presence server relays a device's. */
export function pidf(entity: string, device: string, basic: string, activity: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">`
    + `<tuple id="${device}"><status><basic>${basic}</basic></status></tuple>`
    + (activity === '' ? '' : `<dm:person id="p-${device}"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>`)
    + '</presence>';
}
