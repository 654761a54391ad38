// Test helper: the reader's token stream as readable lines, e.g. "start {urn:x}a id=1", so that
// expectations are short. Uses Buffer/TextDecoder freely (tests run on Node only).
import { XmlReader, XmlToken, xmlErrorName, NO_NAMESPACE, XML_NAMESPACE, type XmlLimits } from '../../core/xml/index.js';

const dec = new TextDecoder();
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function nsName(r: XmlReader, ns: number): string {
  if (ns === NO_NAMESPACE) return '';
  if (ns === XML_NAMESPACE) return '{xml}';
  return `{${dec.decode(r.buffer.subarray(r.namespaceUriStart(ns), r.namespaceUriEnd(ns)))}}`;
}

export function tokens(xml: string | Uint8Array, limits: Partial<XmlLimits> = {}, max = 1000): string[] {
  const buf = typeof xml === 'string' ? enc(xml) : xml;
  const r = new XmlReader(limits);
  r.reset(buf);
  const out: string[] = [];
  const scratch = new Uint8Array(4096);
  const s = (a: number, b: number): string => dec.decode(buf.subarray(a, b));
  for (let n = 0; n < max; n++) {
    const k = r.next();
    switch (k) {
      case XmlToken.StartElement: {
        let line = `start ${nsName(r, r.namespace)}${s(r.localStart, r.localEnd)}`;
        for (let i = 0; i < r.attributeCount; i++) {
          const len = r.decodeAttribute(i, scratch);
          line += ` ${nsName(r, r.attrNamespaceAt(i))}${s(r.attrLocalStartAt(i), r.attrNameEndAt(i))}=${dec.decode(scratch.subarray(0, len))}`;
        }
        out.push(line);
        break;
      }
      case XmlToken.EndElement: out.push(`end ${nsName(r, r.namespace)}${s(r.localStart, r.localEnd)}`); break;
      case XmlToken.Text: if (!r.textIsWhitespace) out.push(`text ${dec.decode(scratch.subarray(0, r.decodeText(scratch)))}`); break;
      case XmlToken.CData: out.push(`cdata ${dec.decode(scratch.subarray(0, r.decodeText(scratch)))}`); break;
      case XmlToken.Comment: out.push(`comment ${s(r.textStart, r.textEnd)}`); break;
      case XmlToken.ProcessingInstruction: out.push(`pi ${s(r.nameStart, r.nameEnd)} ${s(r.textStart, r.textEnd)}`); break;
      case XmlToken.XmlDeclaration: out.push(`decl ${s(r.textStart, r.textEnd)}`); break;
      case XmlToken.EndDocument: out.push('eof'); return out;
      case XmlToken.Error: out.push(`error ${xmlErrorName(r.error)}@${r.errorPosition}`); return out;
    }
  }
  throw new Error('token stream did not end');
}

export function lastToken(xml: string, limits: Partial<XmlLimits> = {}): string {
  const t = tokens(xml, limits);
  return t[t.length - 1]!;
}
