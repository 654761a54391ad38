// XmlReader.skipBlankText: indentation between elements (whitespace followed by markup) is not
// reported as Text; text that holds anything else is reported whole, its whitespace included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { XmlReader, XmlToken, XmlError } from '../../core/xml/reader.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array, s: number, e: number) => new TextDecoder().decode(b.subarray(s, e));

function tokens(xml: string, skip: boolean): string[] {
  const buf = enc(xml);
  const r = new XmlReader();
  r.skipBlankText = skip;
  r.reset(buf);
  const out: string[] = [];
  for (let k = r.next(); k !== XmlToken.EndDocument; k = r.next()) {
    if (k === XmlToken.Error) { out.push(`error ${r.error}`); break; }
    if (k === XmlToken.StartElement) out.push(`<${dec(buf, r.nameStart, r.nameEnd)}>`);
    else if (k === XmlToken.EndElement) out.push(`</${dec(buf, r.nameStart, r.nameEnd)}>`);
    else if (k === XmlToken.Text) out.push(JSON.stringify(dec(buf, r.textStart, r.textEnd)));
    else if (k === XmlToken.CData) out.push(`cdata ${JSON.stringify(dec(buf, r.textStart, r.textEnd))}`);
  }
  return out;
}

const DOC = '<a>\n  <b> x </b>\n  <c>  </c>\n  <d><![CDATA[ ]]></d>\n  tail\n</a>';

test('off (default): every Text token, indentation included', () => {
  assert.equal(tokens(DOC, false), ['<a>', '"\\n  "', '<b>', '" x "', '</b>', '"\\n  "', '<c>', '"  "', '</c>', '"\\n  "', '<d>', 'cdata " "', '</d>', '"\\n  tail\\n"', '</a>']);
});

test('on: blank runs before markup vanish; other text (and CDATA) is reported unchanged', () => {
  assert.equal(tokens(DOC, true), ['<a>', '<b>', '" x "', '</b>', '<c>', '</c>', '<d>', 'cdata " "', '</d>', '"\\n  tail\\n"', '</a>']);
});

test('on: errors are still found (text outside the root, an unclosed element)', () => {
  assert.equal(tokens('<a>\n  ', true), ['<a>', '"\\n  "', `error ${XmlError.UnexpectedEnd}`]);
  assert.equal(tokens('<a/> x', true), ['<a>', '</a>', `error ${XmlError.TextOutsideRoot}`]);
});

test.run();
