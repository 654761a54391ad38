// The RLMI reader (RFC 4662 §5) on its own: the §5 example documents, required attributes,
// preferred-language names, limits as error codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RlmiReader, RlmiError, InstanceState, DEFAULT_RLMI_LIMITS } from '../../core/presence/rls/rlmi.js';
import { ascii } from '../../core/xml/bytes.js';
import { XmlError } from '../../core/xml/errors.js';
import { corpusNotify, enc, rlmi } from './helpers.js';

/** The RLMI root part of the RFC 4662 §6 step 3 NOTIFY (between its part headers and the next boundary). */
function step3Rlmi(fix = (t: string) => t): string {
  const { text } = corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', fix);
  const start = text.indexOf('<?xml');
  return text.slice(start, text.indexOf('\r\n--50UBfW7LSCVLtggUPe5z', start));
}
const noStrayQuote = (t: string) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"');

test('RFC 4662 §6 step 3 as printed: the stray quote after Bob\'s uri is an XML error at that byte', () => {
  const text = step3Rlmi();
  const reader = new RlmiReader();
  const bytes = enc(text);
  assert.is(reader.read(bytes), RlmiError.Xml);
  assert.is(reader.xmlError, XmlError.MalformedTag);
  // The error points into the resource start tag that carries the doubled quote.
  const at = reader.errorPosition;
  assert.ok(text.slice(at - 40, at + 2).includes('example.com"'), text.slice(at - 40, at + 5));
});

test('RFC 4662 §6 step 3 (stray quote removed): list, 4 resources, 2 instances with cids', () => {
  const reader = new RlmiReader();
  assert.is(reader.read(enc(step3Rlmi(noStrayQuote))), RlmiError.None);
  const doc = reader.document;
  assert.is(doc.text(doc.uri), 'sip:adam-friends@pres.vancouver.example.com');
  assert.is(doc.version, 1);
  assert.is(doc.fullState, true);
  assert.is(doc.text(doc.name), 'Buddy List at COM');
  assert.is(doc.resourceCount, 4);
  assert.equal(Array.from({ length: 4 }, (_, i) => doc.text(doc.resources[i]!.uri)), [
    'sip:bob@vancouver.example.com', 'sip:dave@vancouver.example.com', 'sip:ed@dallas.example.net', 'sip:adam-friends@stockholm.example.org',
  ]);
  assert.equal(Array.from({ length: 4 }, (_, i) => doc.resources[i]!.instanceCount), [1, 1, 0, 0]);
  assert.is(doc.instanceCount, 2);
  const bob = doc.instances[0]!;
  assert.is(bob.resource, 0);
  assert.is(doc.text(bob.id), 'juwigmtboe');
  assert.is(bob.state, InstanceState.Active);
  assert.is(doc.text(bob.cid), 'bUZBsM@pres.vancouver.example.com');
  assert.is(doc.text(doc.instances[1]!.cid), 'ZvSvkz@pres.vancouver.example.com');
  assert.is(doc.instances[1]!.resource, 1);
  assert.is(doc.text(doc.resources[3]!.name), 'My Friends at ORG');
});

test('names: the first one, or the one in the preferred xml:lang', () => {
  const reader = new RlmiReader();
  reader.lang = ascii('de');
  assert.is(reader.read(enc(step3Rlmi(noStrayQuote))), RlmiError.None);
  const doc = reader.document;
  assert.is(doc.text(doc.name), 'Liste der Freunde an COM');
  assert.is(doc.text(doc.resources[3]!.name), 'Meine Freunde an ORG');
  assert.is(doc.text(doc.resources[0]!.name), 'Bob Smith', 'a name without xml:lang stays when no other exists');
});

test('schema-required attributes: missing ones are error codes with the element position', () => {
  const reader = new RlmiReader();
  const cases: [string, number][] = [
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" version="1" fullState="true"/>', RlmiError.BadList],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" fullState="true"/>', RlmiError.BadList],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1"/>', RlmiError.BadList],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="maybe"/>', RlmiError.BadList],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="1"><resource/></list>', RlmiError.BadResource],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="0"><resource uri="sip:a@x"><instance state="active"/></resource></list>', RlmiError.BadInstance],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="0"><resource uri="sip:a@x"><instance id="1" state="dormant"/></resource></list>', RlmiError.BadInstance],
    ['<list xmlns="urn:example:other" uri="sip:l@x" version="1" fullState="true"/>', RlmiError.WrongRoot],
    ['<presence xmlns="urn:ietf:params:xml:ns:pidf"/>', RlmiError.WrongRoot],
    ['<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true">', RlmiError.Xml],
  ];
  for (const [xml, code] of cases) {
    assert.is(reader.read(enc(xml)), code, xml);
    assert.ok(reader.errorPosition >= 0, `position for ${xml}`);
  }
});

test('instances: reason and state; unknown elements and attributes are ignored', () => {
  const reader = new RlmiReader();
  const xml = '<list xmlns="urn:ietf:params:xml:ns:rlmi" xmlns:x="urn:x" uri="sip:l@x" version="7" fullState="false" x:extra="1">'
    + '<x:whatever><resource uri="sip:hidden@x"/></x:whatever>'
    + '<resource uri=" sip:a@x "><instance id="i1" state="terminated" reason="rejected"/><instance id="i2" state="pending"/></resource></list>';
  assert.is(reader.read(enc(xml)), RlmiError.None);
  const doc = reader.document;
  assert.is(doc.version, 7);
  assert.is(doc.fullState, false);
  assert.is(doc.resourceCount, 1, 'a resource inside a foreign element is not one of ours');
  assert.is(doc.text(doc.resources[0]!.uri), 'sip:a@x', 'trimmed');
  assert.is(doc.instances[0]!.state, InstanceState.Terminated);
  assert.is(doc.text(doc.instances[0]!.reason), 'rejected');
  assert.is(doc.instances[1]!.state, InstanceState.Pending);
  assert.ok(doc.instances[1]!.cid.isEmpty);
});

test('more resources or instances than the limits: an error code, not a crash or a silent drop', () => {
  const reader = new RlmiReader();
  const many = Array.from({ length: DEFAULT_RLMI_LIMITS.maxResources + 1 }, (_, i) => ({ uri: `sip:u${i}@x` }));
  assert.is(reader.read(enc(rlmi('sip:l@x', 1, true, many))), RlmiError.TooManyResources);
  const small = new RlmiReader({ maxResources: 4, maxInstances: 2, textBytes: 64, maxBytes: 4096 });
  const inst = [{ uri: 'sip:a@x', instances: [{ id: '1', state: 'active' }, { id: '2', state: 'active' }, { id: '3', state: 'active' }] }];
  assert.is(small.read(enc(rlmi('sip:l@x', 1, true, inst))), RlmiError.TooManyInstances);
  const long = [{ uri: `sip:${'a'.repeat(100)}@x` }];
  assert.is(small.read(enc(rlmi('sip:l@x', 1, true, long))), RlmiError.TextOverflow);
  const big = new Uint8Array(5000).fill(0x20);
  assert.is(small.read(big), RlmiError.Xml, 'over maxBytes');
});

test.run();
