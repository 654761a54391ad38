import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  IsComposingReader, writeIsComposing, ISC_OK, E_ISC_XML, E_ISC_WRONG_ROOT, E_ISC_NO_STATE, E_ISC_BAD_STATE, E_ISC_NO_SPACE,
  W_ISC_BAD_REFRESH, W_ISC_BAD_LASTACTIVE, W_ISC_CONTENTTYPE_TOO_LONG, NS_ISCOMPOSING,
} from '../../core/im/iscomposing.js';
import { XmlError } from '../../core/xml/errors.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const load = (f: string) => new Uint8Array(readFileSync(join(corpus, f)));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const doc = (inner: string) => enc(`<?xml version="1.0" encoding="UTF-8"?>\n<isComposing xmlns="${NS_ISCOMPOSING}">${inner}</isComposing>`);

test('RFC 3994 §5 active example: state, contenttype and refresh', () => {
  const r = new IsComposingReader();
  assert.is(r.read(load('rfc3994/5-iscomposing-active.xml')), ISC_OK);
  assert.is(r.state, 'active');
  assert.is(r.contentType, 'text/plain');
  assert.is(r.refresh, 90);
  assert.ok(Number.isNaN(r.lastActive));
  assert.is(r.warnings, 0);
});

test('RFC 3994 §5 idle example: lastactive as epoch ms and a top-level content type', () => {
  const r = new IsComposingReader();
  assert.is(r.read(load('rfc3994/5-iscomposing-idle.xml')), ISC_OK);
  assert.is(r.state, 'idle');
  assert.is(r.lastActive, Date.UTC(2003, 0, 27, 10, 43, 0));
  assert.is(r.contentType, 'audio', '§4 allows a top-level type alone');
  assert.is(r.refresh, -1);
});

test('RFC 3994 §5 text error: xsi:schemaLocation names "im-composing", not the namespace; a non-validating reader does not care', () => {
  const text = Buffer.from(load('rfc3994/5-iscomposing-active.xml')).toString('utf8');
  // The error as printed: the schemaLocation pairs a different URN with iscomposing.xsd.
  assert.ok(text.includes('xsi:schemaLocation="urn:ietf:params:xml:ns:im-composing'));
  assert.ok(text.includes(`xmlns="${NS_ISCOMPOSING}"`));
  // How it is reported: not at all. The document is read by its namespace, and schemaLocation
  // is a hint only (XML Schema §4.3.2), so both examples read with no warning.
  const r = new IsComposingReader();
  assert.is(r.read(load('rfc3994/5-iscomposing-idle.xml')), ISC_OK);
  assert.is(r.warnings, 0);
});

test('failures: XML error with position, wrong root, wrong namespace, missing and bad state', () => {
  const r = new IsComposingReader();
  assert.is(r.read(enc('<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</stat></isComposing>')), E_ISC_XML);
  assert.is(r.xmlError, XmlError.MismatchedEndTag);
  assert.ok(r.errorPosition > 0);
  assert.is(r.read(enc(`<presence xmlns="${NS_ISCOMPOSING}"><state>active</state></presence>`)), E_ISC_WRONG_ROOT);
  assert.is(r.read(enc('<isComposing><state>active</state></isComposing>')), E_ISC_WRONG_ROOT, 'no namespace');
  assert.is(r.read(doc('<refresh>60</refresh>')), E_ISC_NO_STATE);
  assert.is(r.read(doc('<state>typing</state>')), E_ISC_BAD_STATE);
  assert.is(r.read(doc(`<state>${'a'.repeat(300)}</state>`)), E_ISC_BAD_STATE, 'overlong state does not overflow the scratch');
  assert.is(r.read(enc('')), E_ISC_XML);
  assert.is(r.xmlError, XmlError.NoRootElement);
  assert.is(r.read(enc('<!DOCTYPE x [<!ENTITY a "b">]><isComposing/>')), E_ISC_XML);
  assert.is(r.xmlError, XmlError.DoctypeNotSupported);
});

test('lenient optional fields: bad refresh / lastactive / long contenttype are dropped and flagged', () => {
  const r = new IsComposingReader();
  assert.is(r.read(doc('<state> Active </state><refresh>0</refresh><lastactive>yesterday</lastactive>'
    + `<contenttype>${'x'.repeat(100)}</contenttype>`)), ISC_OK);
  assert.is(r.state, 'active');
  assert.is(r.refresh, -1);
  assert.ok(Number.isNaN(r.lastActive));
  assert.is(r.contentType, '');
  assert.is(r.warnings, W_ISC_BAD_REFRESH | W_ISC_BAD_LASTACTIVE | W_ISC_CONTENTTYPE_TOO_LONG);
  // Elements of other namespaces are ignored (##other in the §6 schema); entities are decoded.
  assert.is(r.read(doc('<x:state xmlns:x="urn:other">idle</x:state><state>active</state><contenttype>text/plain&#59;q=1</contenttype>')), ISC_OK);
  assert.is(r.state, 'active');
  assert.is(r.contentType, 'text/plain;q=1');
});

test('writer → reader round trip; refresh only with active; no space → error', () => {
  const out = new Uint8Array(512);
  const r = new IsComposingReader();
  const a = writeIsComposing(out, 10, { state: 'active', contentType: 'text/plain', refresh: 120 });
  assert.ok(a.ok);
  const text = Buffer.from(out.subarray(10, 10 + (a.val as number))).toString('utf8');
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  assert.is(r.read(out, 10, 10 + (a.val as number)), ISC_OK);
  assert.equal([r.state, r.contentType, r.refresh], ['active', 'text/plain', 120]);
  const i = writeIsComposing(out, 0, { state: 'idle', lastActive: Date.UTC(2003, 0, 27, 10, 43, 0), refresh: 120 });
  assert.ok(i.ok);
  assert.is(r.read(out, 0, i.val as number), ISC_OK);
  assert.equal([r.state, r.lastActive, r.refresh], ['idle', Date.UTC(2003, 0, 27, 10, 43, 0), -1]);
  assert.ok(!Buffer.from(out.subarray(0, i.val as number)).toString().includes('<refresh>'));
  const small = writeIsComposing(new Uint8Array(40), 0, { state: 'active', refresh: 120 });
  assert.ok(small.err);
  assert.is(small.val, E_ISC_NO_SPACE);
});

test.run();
