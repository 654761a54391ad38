import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { XmlReader, XmlToken, XmlError, ascii, NO_NAMESPACE } from '../../core/xml/index.js';
import { tokens, lastToken, enc } from './tokens.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
// Two RFC examples are not well-formed XML as printed (errors in the RFC text, not in the
// corpus copy): RFC 4482 §4 closes <c:display-name> with </c:card>; RFC 4235 §6.2 (L1345)
// self-closes <target .../> and then writes </target>. A conforming reader must reject them.
const NOT_WELL_FORMED: Record<string, string> = {
  'rfc4482/body-4-L161-presence.xml': 'error MismatchedEndTag@532',
  'rfc4235/body-6.2-L1345-dialog-info.xml': 'error MismatchedEndTag@435',
};

test('every XML body in the RFC corpus reads to the end (known RFC errors rejected at the right byte)', () => {
  let files = 0;
  for (const dir of readdirSync(corpusDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    for (const file of readdirSync(join(corpusDir, dir)).filter((f) => f.endsWith('.xml'))) {
      const name = `${dir}/${file}`;
      const t = tokens(new Uint8Array(readFileSync(join(corpusDir, dir, file))));
      assert.is(t[t.length - 1], NOT_WELL_FORMED[name] ?? 'eof', name);
      files++;
    }
  }
  assert.ok(files >= 33, `${files} files`);
});

test('elements, attributes, text, self-closing element, declaration', () => {
  assert.equal(tokens('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y=\'two\'><b/>hi</a>\n'), [
    'decl version="1.0" encoding="UTF-8"',
    'start a x=1 y=two',
    'start b',
    'end b',
    'text hi',
    'end a',
    'eof',
  ]);
});

test('namespaces: default, prefixed, nested redeclaration, xmlns="" undeclares, attributes unqualified by default', () => {
  assert.equal(tokens('<p xmlns="urn:a" xmlns:r="urn:r"><r:x r:k="v" k="w"><y xmlns="urn:b"><z xmlns=""/></y></r:x><q/></p>'), [
    'start {urn:a}p',
    'start {urn:r}x {urn:r}k=v k=w',
    'start {urn:b}y',
    'start z',
    'end z',
    'end {urn:b}y',
    'end {urn:r}x',
    'start {urn:a}q',
    'end {urn:a}q',
    'end {urn:a}p',
    'eof',
  ]);
});

test('a prefix declared on an element goes out of scope after it', () => {
  assert.equal(lastToken('<a><b xmlns:p="urn:p"><p:c/></b><p:d/></a>'), 'error UnboundPrefix@33');
});

test('the xml prefix is predefined (xml:lang)', () => {
  assert.equal(tokens('<note xml:lang="en">Hi</note>').slice(0, 1), ['start note {xml}lang=en']);
});

test('entities and character references decode on request; raw span stays encoded', () => {
  assert.equal(tokens('<a t="&lt;&amp;&quot;&#x41;&#66;">&lt;&gt;&amp;&apos;&quot; &#233;&#x1F600;</a>'), [
    'start a t=<&"AB',
    'text <>&\'" é😀',
    'end a',
    'eof',
  ]);
  const r = new XmlReader();
  const buf = enc('<a>x&amp;y</a>');
  r.reset(buf);
  r.next();
  assert.is(r.next(), XmlToken.Text);
  assert.ok(r.textHasReferences);
  assert.is(new TextDecoder().decode(buf.subarray(r.textStart, r.textEnd)), 'x&amp;y');
});

test('decoding reports -1 when the caller buffer is too small', () => {
  const r = new XmlReader();
  r.reset(enc('<a>hello</a>'));
  r.next();
  r.next();
  assert.is(r.decodeText(new Uint8Array(3)), -1);
  assert.is(r.decodeText(new Uint8Array(5)), 5);
});

test('CDATA, comments and processing instructions', () => {
  assert.equal(tokens('<!-- top --><a><![CDATA[<not&markup>]]><?app do it?><!--in--></a>'), [
    'comment  top ',
    'start a',
    'cdata <not&markup>',
    'pi app do it',
    'comment in',
    'end a',
    'eof',
  ]);
});

test('newlines are normalised to LF; attribute whitespace to spaces', () => {
  assert.equal(tokens('<a v="1\r\n2\t3">x\r\ny\rz</a>').slice(0, 2), ['start a v=1 2 3', 'text x\ny\nz']);
});

test('leniency: whitespace before the XML declaration is tolerated (RFC 4480 §4 example)', () => {
  assert.equal(tokens(' \n<?xml version="1.0"?><a/>'), ['decl version="1.0"', 'start a', 'end a', 'eof']);
});

test('a UTF-8 BOM before the declaration is accepted', () => {
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('<?xml version="1.0"?><a/>')]);
  assert.equal(tokens(withBom), ['decl version="1.0"', 'start a', 'end a', 'eof']);
});

const errors: Array<[string, string, Partial<Record<'maxDepth' | 'maxAttributes' | 'maxNamespaces' | 'maxBytes', number>>?]> = [
  ['<a><b></a>', 'MismatchedEndTag'],
  ['<a>', 'UnexpectedEnd'],
  ['<a x="1></a>', 'MalformedAttribute'],
  ['<a x="1" x="2"/>', 'DuplicateAttribute'],
  ['<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>', 'DuplicateAttribute'],
  ['<a xmlns:p="urn:u" xmlns:p="urn:v"/>', 'DuplicateAttribute'],
  ['<a x=1/>', 'MalformedAttribute'],
  ['<a x="1"y="2"/>', 'MalformedTag'],
  ['<a>&nbsp;</a>', 'BadEntity'],
  ['<a>&amp</a>', 'BadEntity'],
  ['<a>&#0;</a>', 'BadCharacterReference'],
  ['<a>&#xD800;</a>', 'BadCharacterReference'],
  ['<a>&#x110000;</a>', 'BadCharacterReference'],
  ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', 'DoctypeNotSupported'],
  ['<a/><?xml version="1.0"?>', 'MisplacedXmlDeclaration'],
  ['<!-- c --><?xml version="1.0"?><a/>', 'MisplacedXmlDeclaration'],
  ['text<a/>', 'TextOutsideRoot'],
  ['<a/><b/>', 'MultipleRoots'],
  ['<a><!-- x -- y --></a>', 'MalformedComment'],
  ['', 'NoRootElement'],
  ['<a>x]]>y</a>', 'CDataEndInText'],
  ['<a>\u0001</a>', 'InvalidCharacter'],
  ['<p:a/>', 'UnboundPrefix'],
  ['<a p:x="1"/>', 'UnboundPrefix'],
  ['<a xmlns:xml="urn:x"/>', 'ReservedPrefix'],
  ['<a xmlns:p=""/>', 'EmptyNamespace'],
  ['<a:b:c/>', 'InvalidName'],
  ['<1a/>', 'InvalidName'],
  ['<a><b><c/></b></a>', 'DepthLimit', { maxDepth: 2 }],
  ['<a x="1" y="2" z="3"/>', 'AttributeLimit', { maxAttributes: 2 }],
  ['<a xmlns:a="u" xmlns:b="u" xmlns:c="u"/>', 'NamespaceLimit', { maxNamespaces: 2 }],
  ['<a>0123456789</a>', 'SizeLimit', { maxBytes: 10 }],
];
for (const [xml, code, limits] of errors) {
  test(`error ${code}: ${JSON.stringify(xml)}`, () => {
    const last = lastToken(xml, limits ?? {});
    assert.ok(last.startsWith(`error ${code}@`), last);
    const r = new XmlReader(limits ?? {});
    r.reset(enc(xml));
    let k: number;
    let guard = 0;
    do { k = r.next(); } while (k !== XmlToken.Error && ++guard < 100);
    assert.ok(r.errorPosition >= 0 && r.errorPosition <= enc(xml).length, `position ${r.errorPosition}`);
    assert.is(r.next(), XmlToken.Error, 'stays in error');
  });
}

test('limits at exactly the bound are accepted', () => {
  assert.is(lastToken('<a><b/></a>', { maxDepth: 2 }), 'eof');
  assert.is(lastToken('<a x="1" y="2"/>', { maxAttributes: 2 }), 'eof');
  assert.is(lastToken('<a>12345</a>', { maxBytes: 12 }), 'eof');
});

test('reads a span inside a larger buffer and compares names/namespaces by bytes', () => {
  const text = 'GARBAGE<t:x xmlns:t="urn:test" a="1"/>TRAILER';
  const buf = enc(text);
  const r = new XmlReader();
  r.reset(buf, 7, text.length - 7);
  assert.is(r.next(), XmlToken.StartElement);
  assert.ok(r.elementIs(ascii('urn:test'), ascii('x')));
  assert.not.ok(r.elementIs(ascii('urn:tes'), ascii('x')));
  assert.is(r.findAttribute(ascii('a'), null), 0);
  assert.is(r.attrNamespaceAt(0), NO_NAMESPACE);
  assert.is(r.findAttribute(ascii('a'), ascii('urn:test')), -1);
  assert.is(r.next(), XmlToken.EndElement);
  assert.is(r.next(), XmlToken.EndDocument);
});

test('the reader is reusable: reset clears state from an error', () => {
  const r = new XmlReader();
  r.reset(enc('<a>'));
  while (r.next() !== XmlToken.Error) { /* drain */ }
  assert.is(r.error, XmlError.UnexpectedEnd);
  r.reset(enc('<b/>'));
  assert.is(r.next(), XmlToken.StartElement);
  assert.is(r.error, XmlError.None);
});

test('no allocation per token: 10k documents read with a stable heap', () => {
  const doc = enc('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple id="t"><status><basic>open</basic></status><note xml:lang="en">x &amp; y</note></tuple></presence>');
  const r = new XmlReader();
  const out = new Uint8Array(256);
  const run = (n: number): number => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      r.reset(doc);
      for (let k = r.next(); k !== XmlToken.EndDocument && k !== XmlToken.Error; k = r.next()) {
        if (k === XmlToken.Text) count += r.decodeText(out);
        count++;
      }
    }
    return count;
  };
  run(2000); // warm up the JIT
  const before = process.memoryUsage().heapUsed;
  const count = run(10_000);
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(count > 0);
  // 10k documents × ~15 tokens: even 8 bytes per token would be > 1 MB.
  assert.ok(grown < 1_000_000, `heap grew ${grown} bytes`);
});

test.run();
