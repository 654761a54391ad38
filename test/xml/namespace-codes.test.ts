// XmlReader.setNamespaceCodes: each declaration gets the registered code of its URI once, and
// elements carry it (namespaceCode, namespaceCodeOf) and attributes through their namespace
// (namespaceCodeOf(attrNamespaceAt(i))), following scopes: re-bound prefixes, undeclared default
// namespace, xml:.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { XmlReader, XmlToken, UNKNOWN_NAMESPACE_CODE, XML_NAMESPACE_URI, NO_NAMESPACE, ascii } from '../../core/xml/index.js';
import { enc } from './tokens.js';

const A = 7, B = 9, XML = 3;
const CODES: ReadonlyArray<readonly [Uint8Array, number]> = [[ascii('urn:a'), A], [ascii('urn:b'), B], [XML_NAMESPACE_URI, XML]];

/** "local:code" for each start and end element, and "@attr:code" for attributes. */
function codes(xml: string, table = CODES): string[] {
  const r = new XmlReader();
  r.setNamespaceCodes(table);
  const buf = enc(xml);
  r.reset(buf);
  const dec = new TextDecoder();
  const out: string[] = [];
  for (let k = r.next(); k !== XmlToken.EndDocument; k = r.next()) {
    assert.is.not(k, XmlToken.Error, `error ${r.error}@${r.errorPosition} in ${xml}`);
    if (k !== XmlToken.StartElement && k !== XmlToken.EndElement) continue;
    assert.is(r.namespaceCodeOf(r.namespace), r.namespaceCode, 'namespaceCodeOf agrees with namespaceCode');
    let line = `${k === XmlToken.StartElement ? '' : '/'}${dec.decode(buf.subarray(r.localStart, r.localEnd))}:${r.namespaceCode}`;
    for (let i = 0; i < r.attributeCount; i++) line += ` @${dec.decode(buf.subarray(r.attrLocalStartAt(i), r.attrNameEndAt(i)))}:${r.namespaceCodeOf(r.attrNamespaceAt(i))}`;
    out.push(line);
  }
  return out;
}

test('a prefix re-bound in a nested element, then back in scope; default namespace undeclared with xmlns=""', () => {
  assert.equal(codes('<p:r xmlns:p="urn:a" xmlns="urn:b"><p:x xmlns:p="urn:b"><p:y/></p:x><p:z/><d><e xmlns=""><f/></e><g/></d></p:r>'), [
    'r:7',
    'x:9', 'y:9', '/y:9', '/x:9', // p re-bound to urn:b inside <p:x>
    'z:7', '/z:7', // and back to urn:a after it
    'd:9', 'e:0', 'f:0', '/f:0', '/e:0', // xmlns="" undeclares: no namespace, code 0
    'g:9', '/g:9', '/d:9',
    '/r:7',
  ]);
});

test('unregistered URIs, no namespace and a URI that only shares a prefix with a registered one give code 0', () => {
  assert.equal(codes('<a><b xmlns="urn:c"/><c xmlns="urn:a:x"/><d xmlns="urn:"/></a>'), ['a:0', 'b:0', '/b:0', 'c:0', '/c:0', 'd:0', '/d:0', '/a:0']);
  assert.is(UNKNOWN_NAMESPACE_CODE, 0);
});

test('attributes: prefixed ones carry their code, unprefixed ones none; xml: has the XML namespace code when registered', () => {
  assert.equal(codes('<a xmlns:p="urn:a" xmlns:q="urn:b" p:k="1" q:k="2" k="3" xml:lang="en"/>'), ['a:0 @k:7 @k:9 @k:0 @lang:3', '/a:0']);
  assert.equal(codes('<a xml:lang="en"/>', [[ascii('urn:a'), A]]), ['a:0 @lang:0', '/a:0']);
  // A prefix bound to the XML namespace URI itself gets its code too (as namespaceIs would say).
  assert.equal(codes('<a xmlns:x="http://www.w3.org/XML/1998/namespace" x:lang="en"/>'), ['a:0 @lang:3', '/a:0']);
});

test('findAttribute finds by local name and namespace, not by prefix', () => {
  const r = new XmlReader();
  r.setNamespaceCodes(CODES);
  r.reset(enc('<a xmlns:p="urn:a" xmlns:q="urn:b" k="0" q:k="2" p:k="1" xml:lang="de"/>'));
  assert.is(r.next(), XmlToken.StartElement);
  assert.is(r.findAttribute(ascii('k'), ascii('urn:a')), 2);
  assert.is(r.findAttribute(ascii('k'), ascii('urn:b')), 1);
  assert.is(r.findAttribute(ascii('lang'), XML_NAMESPACE_URI), 3);
  assert.is(r.findAttribute(ascii('k'), ascii('urn:c')), -1);
  assert.is(r.namespaceCodeOf(r.attrNamespaceAt(2)), A);
  assert.is(r.namespaceCodeOf(r.attrNamespaceAt(3)), XML);
  assert.is(r.namespaceCodeOf(r.attrNamespaceAt(0)), UNKNOWN_NAMESPACE_CODE, 'an unprefixed attribute has no namespace, so code 0');
  assert.is(r.findAttribute(ascii('k'), null), 0);
  assert.is(r.attrNamespaceAt(0), NO_NAMESPACE);
});

test('without setNamespaceCodes every code is 0 and tokens are unchanged', () => {
  assert.equal(codes('<p:r xmlns:p="urn:a"><x xmlns="urn:b"/></p:r>', []), ['r:0', 'x:0', '/x:0', '/r:0']);
});

test('codes do not leak from one document to the next (bindings are per document)', () => {
  const r = new XmlReader();
  r.setNamespaceCodes(CODES);
  r.reset(enc('<a xmlns="urn:a"/>'));
  r.next();
  assert.is(r.namespaceCode, A);
  r.reset(enc('<a xmlns="urn:c"/>'));
  r.next();
  assert.is(r.namespaceCode, 0);
  r.reset(enc('<a/>'));
  r.next();
  assert.is(r.namespaceCode, 0);
  assert.is(r.namespaceCodeOf(0), 0, 'no binding 0 in this document');
});

test.run();
