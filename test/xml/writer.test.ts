import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { XmlWriter, XmlError } from '../../core/xml/index.js';
import { tokens } from './tokens.js';

const dec = new TextDecoder();

function write(build: (w: XmlWriter) => void, size = 1024): { text: string; result: ReturnType<XmlWriter['finish']> } {
  const out = new Uint8Array(size);
  const w = new XmlWriter().reset(out);
  build(w);
  const result = w.finish();
  return { text: result.ok ? dec.decode(out.subarray(0, result.val)) : '', result };
}

test('writes declaration, nested elements, attributes, empty elements', () => {
  const { text } = write((w) => w.declaration().startElement('presence').attribute('xmlns', 'urn:ietf:params:xml:ns:pidf')
    .attribute('entity', 'pres:alice@example.com').startElement('tuple').attribute('id', 't1')
    .startElement('status').element('basic', 'open').endElement().startElement('x').endElement().endElement().endElement());
  assert.is(text, '<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:alice@example.com"><tuple id="t1"><status><basic>open</basic></status><x/></tuple></presence>');
});

test('escapes text and attribute values; the reader gets the original back', () => {
  const nasty = 'a<b>&c"d\'e\tf\ng]]>h é 😀';
  const { text } = write((w) => w.startElement('n').attribute('v', nasty).text(nasty).endElement());
  assert.not.match(text, /]]>/);
  const t = tokens(text);
  assert.equal(t, [`start n v=${nasty}`, `text ${nasty}`, 'end n', 'eof']);
});

test('C0 controls that XML cannot carry are dropped, not written', () => {
  const { text } = write((w) => w.element('n', 'a\u0001b'));
  assert.is(text, '<n>ab</n>');
});

test('a full buffer is reported as OutputFull, never written past', () => {
  const out = new Uint8Array(20).fill(0x2a);
  const w = new XmlWriter().reset(out, 0, 10);
  w.startElement('element').text('long text here').endElement();
  const r = w.finish();
  assert.ok(r.err);
  assert.is(r.val, XmlError.OutputFull);
  assert.ok(out.subarray(10).every((b) => b === 0x2a), 'bytes past the end untouched');
});

test('misuse is an error code: text outside an element, unbalanced end, unclosed element', () => {
  assert.is(write((w) => w.text('x')).result.val, XmlError.WriterState);
  assert.is(write((w) => w.startElement('a').endElement().endElement()).result.val, XmlError.WriterState);
  assert.is(write((w) => w.startElement('a')).result.val, XmlError.WriterState);
  assert.is(write((w) => { for (let i = 0; i < 20; i++) w.startElement('d'); }).result.val, XmlError.DepthLimit);
});

test('textBytes escapes UTF-8 bytes', () => {
  const { text } = write((w) => w.startElement('n').textBytes(new TextEncoder().encode('1 < 2 & é'), 0, 10).endElement());
  assert.is(text, '<n>1 &lt; 2 &amp; é</n>');
});

test.run();
