// RFC 5261 patch operations at the byte level (core/presence/partial/xml-patch.ts): each operation
// splices new bytes in place of the selected node. Examples in the style of RFC 5261 Appendix A
// (test/corpus/rfc5261/), selectors with prefixes resolved through the diff document, positional
// predicates, and every error code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PatchError, patchErrorName } from '../../core/presence/partial/xml-patch.js';
import { PatchSelector, SelectorError, SelectorTarget } from '../../core/presence/partial/patch-selector.js';
import { applyDiff, corpusText, enc } from './helpers.js';

const TARGET = corpusText('rfc5261/target.xml');

function ok(doc: string, diff: string, expected: string, note = ''): void {
  const r = applyDiff(doc, diff);
  assert.is(patchErrorName(r.code), 'None', `${note} ${diff}`);
  assert.is(r.text, expected, note);
}

function fails(doc: string, diff: string, code: PatchError, note = ''): void {
  const r = applyDiff(doc, diff);
  assert.is(patchErrorName(r.code), patchErrorName(code), `${note} ${diff}`);
  // A failed operation leaves the document it started from untouched.
  if (r.op === 0) assert.is(r.text, doc, 'state unchanged');
}

const d = (ops: string, decls = ''): string => `<?xml version="1.0" encoding="UTF-8"?>\n<diff${decls}>\n  ${ops}\n</diff>`;
const edit = (from: string, to: string): string => {
  assert.ok(TARGET.includes(from), from);
  return TARGET.replace(from, to);
};

test('selector grammar: steps, predicates, terminals; outside the subset is an error, not a throw', () => {
  const s = new PatchSelector();
  const parse = (t: string): number => s.parse(enc(t), 0, enc(t).length);
  assert.is(parse(`/presence/tuple[@id='x']/status/basic`), SelectorError.None);
  assert.is(s.stepCount, 4);
  assert.is(s.target, SelectorTarget.Element);
  assert.is(parse(`*/tuple[@id="x"][2]/note/text()[3]`), SelectorError.None);
  assert.is(s.target, SelectorTarget.Text);
  assert.is(s.targetPosition, 3);
  assert.is(s.predicateCount, 2);
  assert.is(parse('*/dm:person/@xml:lang'), SelectorError.None);
  assert.is(s.target, SelectorTarget.Attribute);
  assert.is(parse('doc/namespace::pref'), SelectorError.None);
  assert.is(s.target, SelectorTarget.Namespace);
  assert.is(parse(`doc/foo[@id = 'a b']`), SelectorError.None, 'spaces around = and inside the literal');
  for (const bad of ['', '/', 'doc//foo', 'doc/..', 'doc/.', 'doc/foo[last()]', `doc/foo[bar='x']`, 'doc/comment()', 'doc/foo[0]', 'doc/foo[', `doc/foo[@id='x`, '@a', 'doc/@a/b', 'doc/text()/x', 'doc/namespace::p:q', 'doc/', 'a:b:c', 'doc/foo[1234567]']) {
    assert.is.not(parse(bad), SelectorError.None, bad);
  }
  assert.is(parse(new Array(13).fill('a').join('/')), SelectorError.TooComplex);
});

test('A.1-style add: an element appended as the last child', () => {
  ok(TARGET, d('<add sel="doc"><bar id="x">new</bar></add>'), edit('</pref:elem>\n</doc>', '</pref:elem>\n<bar id="x">new</bar></doc>'));
  // In a target with a default namespace, an element of no namespace is declared so (xmlns="").
  ok('<a xmlns="urn:a"><b/></a>', d('<add sel="*"><c/></add>'), '<a xmlns="urn:a"><b/><c xmlns=""/></a>');
  ok('<a xmlns="urn:a"><b xmlns=""/></a>', d('<add sel="*/b"><c/></add>'), '<a xmlns="urn:a"><b xmlns=""><c/></b></a>', 'inside b: no default any more');
  ok('<a xmlns="urn:a"><b xmlns=""/></a>', d('<add sel="*/b" pos="after"><c/></add>'), '<a xmlns="urn:a"><b xmlns=""/><c xmlns=""/></a>', 'beside b: a\'s default');
});

test('add an attribute, a namespace declaration; pos before / after / prepend; into an empty element', () => {
  ok(TARGET, d(`<add sel="doc/foo[@id='ert4773']" type="@user">Bob</add>`), edit('<foo id=', '<foo user="Bob" id='));
  ok(TARGET, d('<add sel="doc" type="namespace::pref2">urn:ns:yyy</add>'), edit('<doc xmlns:pref', '<doc xmlns:pref2="urn:ns:yyy" xmlns:pref'));
  ok(TARGET, d('<add sel="doc/note" pos="before"><!-- new --></add>'), edit('<note>', '<!-- new --><note>'));
  ok(TARGET, d('<add sel="doc/note" pos="after"><x/></add>'), edit('document</note>', 'document</note><x/>'));
  ok(TARGET, d('<add sel="doc" pos="prepend"><first/></add>'), edit('a="1">', 'a="1"><first/>'));
  ok('<a><b/><c /></a>', d('<add sel="a/b"><x/></add>'), '<a><b><x/></b><c /></a>');
  ok('<a><b/><c /></a>', d('<add sel="a/c">t</add>'), '<a><b/><c >t</c></a>', '`<c />` opened');
  ok('<a/>', d('<add sel="a" type="@v">x"y</add>'), '<a v="x&quot;y"/>', 'a quote in the value is escaped');
});

test('replace an element, an attribute value, a namespace URI, a text node', () => {
  ok(TARGET, d(`<replace sel="doc/foo[@a='2']"><bar>y</bar></replace>`), edit('<foo id="ert4773" a="2">This is a sample document</foo>', '<bar>y</bar>'));
  ok(TARGET, d('<replace sel="doc/@a">new value</replace>'), edit('a="1"', 'a="new value"'));
  ok(`<doc a='1'/>`, d('<replace sel="doc/@a">it\'s</replace>'), `<doc a="it's"/>`, 'single-quoted value requoted');
  ok(TARGET, d('<replace sel="doc/namespace::pref">urn:new:xxx</replace>'), edit('xmlns:pref="urn:ns:xxx"', 'xmlns:pref="urn:new:xxx"'));
  ok(TARGET, d('<replace sel="doc/foo/text()">This is the new text content</replace>'), edit('a="2">This is a sample document', 'a="2">This is the new text content'));
  ok(TARGET, d('<replace sel="doc/foo/text()"></replace>'), edit('a="2">This is a sample document', 'a="2">'), 'empty text');
});

test('remove an element (ws before / after / both), an attribute, a namespace declaration, a text node', () => {
  ok(TARGET, d(`<remove sel="doc/foo[@a='2']" ws="after"/>`), edit('<foo id="ert4773" a="2">This is a sample document</foo>\n  ', ''));
  ok(TARGET, d('<remove sel="doc/note" ws="before"/>'), edit('\n  <note>This is a sample document</note>', ''));
  ok(TARGET, d('<remove sel="doc/note" ws="both"/>'), edit('\n  <note>This is a sample document</note>\n  ', ''));
  ok(TARGET, d('<remove sel="doc/note"/>'), edit('<note>This is a sample document</note>', ''));
  ok(TARGET, d('<remove sel="doc/@a"/>'), edit(' a="1"', ''));
  ok('<a xmlns:u="urn:u" x="1"><b/></a>', d('<remove sel="a/namespace::u"/>'), '<a x="1"><b/></a>');
  ok('<a>x<b/>y</a>', d('<remove sel="a/text()[1]"/>'), '<a><b/>y</a>');
});

test('§4.2.1: prefixes in sel are the diff document\'s, not the target\'s', () => {
  ok(TARGET, d('<replace sel="doc/z:elem/text()">2</replace>', ' xmlns:z="urn:ns:xxx"'), edit('<pref:elem>1<', '<pref:elem>2<'));
  fails(TARGET, d('<replace sel="doc/pref:elem/text()">2</replace>'), PatchError.InvalidNamespacePrefix, 'pref is only the target\'s');
  fails(TARGET, d('<replace sel="doc/pref:elem/text()">2</replace>', ' xmlns:pref="urn:other"'), PatchError.UnlocatedNode, 'same prefix, other URI');
  // Declarations on the operation element are in scope too.
  ok(TARGET, d('<replace xmlns:y="urn:ns:xxx" sel="doc/y:elem/text()">3</replace>'), edit('<pref:elem>1<', '<pref:elem>3<'));
});

test('§4.2.2: an unprefixed step is in the diff\'s default namespace', () => {
  const pidf = '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"/><tuple id="b"/></presence>';
  ok(pidf, d(`<remove sel="presence/tuple[@id='a']"/>`, ' xmlns="urn:ietf:params:xml:ns:pidf"'), '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="b"/></presence>');
  fails(pidf, d(`<remove sel="presence/tuple[@id='a']"/>`), PatchError.UnlocatedNode, 'no default namespace in the diff: no namespace');
  ok(pidf, d(`<remove sel="*/*[2]"/>`), '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"/></presence>', '* matches any namespace');
});

test('positional predicates count per parent among the name test\'s matches; text()[n]; predicates in order', () => {
  ok(TARGET, d('<remove sel="*/*[2]"/>'), edit('<note>This is a sample document</note>', ''), 'the 2nd element child');
  ok('<a><b/><c/><b k="1"/><b k="1"/></a>', d(`<add sel="a/b[@k='1'][2]" type="@n">2</add>`), '<a><b/><c/><b k="1"/><b n="2" k="1"/></a>');
  ok('<a><b/><c/><b k="1"/><b k="1"/></a>', d(`<add sel="a/b[2][@k='1']" type="@n">2</add>`), '<a><b/><c/><b n="2" k="1"/><b k="1"/></a>');
  ok('<r><a><b/></a><a><b/><b/></a></r>', d('<add sel="r/a[2]/b[2]" type="@x">1</add>'), '<r><a><b/></a><a><b/><b x="1"/></a></r>', 'counters restart per parent');
  ok('<a>x<b/>y</a>', d('<replace sel="a/text()[2]">z</replace>'), '<a>x<b/>z</a>');
  fails('<a>x<b/>y</a>', d('<replace sel="a/text()">z</replace>'), PatchError.NotUnique, 'two text nodes');
  ok(TARGET, d('<replace sel="doc/foo[@id=&quot;ert4773&quot;]/@a">3</replace>'), edit('a="2"', 'a="3"'), 'double-quoted literal, escaped in sel');
  ok('<a><n xml:lang="en">x</n><n xml:lang="fi">y</n></a>', d(`<replace sel="a/n[@xml:lang='fi']/text()">z</replace>`), '<a><n xml:lang="en">x</n><n xml:lang="fi">z</n></a>');
});

test('§4.2 namespace mangling: copied content declares the prefixes it uses from the diff', () => {
  ok(TARGET, d('<add sel="doc"><q:new q:attr="1"><q:kid/></q:new></add>', ' xmlns:q="urn:ns:xxx"'), edit('</pref:elem>\n</doc>', '</pref:elem>\n<q:new xmlns:q="urn:ns:xxx" q:attr="1"><q:kid/></q:new></doc>'));
  ok(TARGET, d('<add sel="doc"><w:x xmlns:w="urn:w"/></add>'), edit('</pref:elem>\n</doc>', '</pref:elem>\n<w:x xmlns:w="urn:w"/></doc>'), 'declared inside: copied as is');
  ok('<a/>', d('<add sel="*"><t><r:x/></t></add>', ' xmlns="urn:d" xmlns:r="urn:r"'), '<a><t xmlns="urn:d" xmlns:r="urn:r"><r:x/></t></a>', 'default and a descendant\'s prefix');
  // What the target already binds alike where the content lands is not declared again.
  ok(TARGET, d('<add sel="doc"><pref:new/></add>', ' xmlns:pref="urn:ns:xxx"'), edit('</pref:elem>\n</doc>', '</pref:elem>\n<pref:new/></doc>'));
  ok('<d:a xmlns:d="urn:d" xmlns:r="urn:r"><d:b xmlns:r="urn:other"/></d:a>', d('<add sel="*/*"><r:x/></add>', ' xmlns:r="urn:r"'),
    '<d:a xmlns:d="urn:d" xmlns:r="urn:r"><d:b xmlns:r="urn:other"><r:x xmlns:r="urn:r"/></d:b></d:a>', 'rebound below the root: declared');
  ok('<d:a xmlns:d="urn:d" xmlns:r="urn:r"><d:b xmlns:r="urn:other"/></d:a>', d('<replace sel="*/*"><r:x/></replace>', ' xmlns:r="urn:r"'),
    '<d:a xmlns:d="urn:d" xmlns:r="urn:r"><r:x/></d:a>', 'replacing b: b\'s own declarations no longer apply');
});

test('every error path has its code; the document is never changed', () => {
  fails(TARGET, d('<add>x</add>'), PatchError.InvalidDiffFormat, 'no sel');
  fails(TARGET, d('<remove sel="doc/foo"><x/></remove>'), PatchError.InvalidDiffFormat, 'remove with content');
  fails(TARGET, d('<add sel="doc" pos="middle"><x/></add>'), PatchError.InvalidAttributeValue);
  fails(TARGET, d('<add sel="doc" type="bogus">x</add>'), PatchError.InvalidAttributeValue);
  fails(TARGET, d('<remove sel="doc/foo" ws="around"/>'), PatchError.InvalidAttributeValue);
  for (const sel of ['doc//foo', 'doc/foo[last()]', 'doc/..', 'doc/comment()', '']) fails(TARGET, d(`<remove sel="${sel}"/>`), PatchError.UnsupportedSelector, sel);
  fails(TARGET, d('<remove sel="doc/nothing"/>'), PatchError.UnlocatedNode);
  fails(TARGET, d('<remove sel="doc/@nothing"/>'), PatchError.UnlocatedNode);
  fails(TARGET, d('<remove sel="doc/namespace::nothing"/>'), PatchError.UnlocatedNode);
  fails(TARGET, d('<replace sel="doc/note/b/text()">x</replace>'), PatchError.UnlocatedNode);
  fails(TARGET, d('<remove sel="doc/*"/>'), PatchError.NotUnique);
  fails(TARGET, d('<replace sel="doc/foo">text</replace>'), PatchError.InvalidNodeTypes, 'element replaced by text');
  fails(TARGET, d('<replace sel="doc/foo"><a/><b/></replace>'), PatchError.InvalidNodeTypes, 'by two elements');
  fails(TARGET, d('<replace sel="doc/@a"><a/></replace>'), PatchError.InvalidNodeTypes, 'attribute value from an element');
  fails(TARGET, d('<replace sel="doc/@a"><![CDATA[x]]></replace>'), PatchError.InvalidNodeTypes, 'attribute value from CDATA');
  fails(TARGET, d('<add sel="doc" type="@b"><a/></add>'), PatchError.InvalidNodeTypes);
  fails(TARGET, d('<add sel="doc/@a">x</add>'), PatchError.InvalidNodeTypes, 'children for an attribute');
  fails(TARGET, d('<remove sel="doc"/>'), PatchError.InvalidRootElementOperation);
  fails(TARGET, d('<add sel="doc" pos="before"><x/></add>'), PatchError.InvalidRootElementOperation);
  fails(TARGET, d('<add sel="doc" pos="after"><x/></add>'), PatchError.InvalidRootElementOperation);
  fails('<a><b/><c/></a>', d('<remove sel="a/b" ws="before"/>'), PatchError.InvalidWhitespaceDirective);
  fails('<a><b/><c/></a>', d('<remove sel="a/b" ws="after"/>'), PatchError.InvalidWhitespaceDirective);
  fails('<a x="1"/>', d('<remove sel="a/@x" ws="after"/>'), PatchError.InvalidWhitespaceDirective);
  fails(TARGET, d('<add sel="doc" type="@a">2</add>'), PatchError.AlreadyExists);
  fails(TARGET, d('<add sel="doc" type="namespace::pref">urn:x</add>'), PatchError.AlreadyExists);
  const many = new Array(17).fill('<x/>').join('');
  fails(TARGET, d(`<add sel="doc">${many}</add>`), PatchError.TooComplex);
  fails(TARGET, d('<add sel="doc"><x></add>'), PatchError.DiffXml);
  fails('<doc><a></doc>', d('<remove sel="doc/a"/>'), PatchError.DocumentXml);
  const r = applyDiff(TARGET, d('<add sel="doc"><bar>a long enough text to overflow</bar></add>'), TARGET.length + 10);
  assert.is(patchErrorName(r.code), 'Overflow');
  assert.is(r.text, TARGET);
});

test('operations apply in order, each on the result of the one before (RFC 5261 §4)', () => {
  const r = applyDiff(TARGET, d(`<add sel="doc"><n>1</n></add><replace sel="doc/n/text()">2</replace><remove sel="doc/note"/><add sel="doc/n" type="@k">v</add>`));
  assert.is(patchErrorName(r.code), 'None');
  assert.is(r.op, 4);
  assert.ok(r.text.includes('<n k="v">2</n></doc>'), r.text);
  assert.not.ok(r.text.includes('<note>'));
});

test.run();
