// Differential test of the XML reader against the reader it replaced (test/xml/reference-reader.ts):
// for RFC corpus documents, hand-made edge cases and ~40k mutations of them, both readers must give
// the same token stream: kinds, every span and flag the token defines, attributes (spans,
// namespaces, decoded values), decoded text, and the same error code at the same byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlReader, XmlToken, type XmlLimits } from '../../core/xml/index.js';
import { XmlReader as ReferenceReader } from './reference-reader.js';
import { prng, mutate } from './mutate.js';
import { enc } from './tokens.js';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const corpus: Uint8Array[] = [];
for (const dir of readdirSync(corpusDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
  for (const file of readdirSync(join(corpusDir, dir))) if (file.endsWith('.xml')) corpus.push(new Uint8Array(readFileSync(join(corpusDir, dir, file))));
}

const handMade = [
  '<?xml version="1.0"?>\n<!-- c --><?pi data?>\n<p xmlns="urn:a" xmlns:r="urn:r"><r:x r:k="v" k="w"><y xmlns="urn:b"><z xmlns=""/></y></r:x><q/></p>',
  '<a xmlns:p="urn:p"><p:b xmlns:p="urn:q" p:c="1"><p:d/></p:b><p:e p:f="&amp;&#x41;&#66;&lt;&gt;&quot;&apos;"/></a>',
  '<a><b xmlns:p="urn:p"><p:c/></b><p:d/></a>',
  '<a xmlns:p="urn:x" xmlns:q="urn:x" p:k="1" q:k="2"/>',
  '<a xml:lang="en" xmlns:xml="http://www.w3.org/XML/1998/namespace"><xml:b/></a>',
  '<a  x = "1"\ty=\'2\'\n/><!--x-->',
  '\ufeff<a>text &amp; more ]]&gt; <![CDATA[raw <b> ]] ]]>\r\nline\r</a >',
  '<a><b></b ><c></ c></a>',
  '<a><b>x</a></b>',
  '<a/><b/>',
  '<a><?x y?><!----></a>',
  '<a b="1" b="2"/>',
  '<a xmlns:xmlns="urn:x"/>',
  '<a xmlns:p=""/>',
  '<a xmlns="" xmlns=""/>',
  '<p:a/>',
  '<a:/>',
  '<a:b:c/>',
  '<a attr="<"/>',
  '<a>&bogus;</a>',
  '<a>&#0;</a>',
  '<!DOCTYPE a><a/>',
  ' <?xml version="1.0"?><a/>',
  '<a><?xml version="1.0"?></a>',
  '<a>]]></a>',
  '<a><![CDATA[x</a>',
  '<a><!-- a -- b --></a>',
  '<a>\u0001</a>',
  '<a b="\u0002"/>',
  '<a><b><c><d><e><f/></e></d></c></b></a>',
  '<a b="1" c="2" d="3" e="4" f="5"/>',
  '<a xmlns:a="u1" xmlns:b="u2"><b xmlns:c="u3" xmlns:d="u4"><c xmlns:e="u5"/></b></a>',
  '<dm:person xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" id="p1"><dm:note xml:lang="en">On</dm:note></dm:person>',
].map(enc);

const seeds = [...corpus, ...handMade];

/** First difference between the two readers' current tokens, or '' when they agree. */
function difference(a: XmlReader, b: ReferenceReader, scratchA: Uint8Array, scratchB: Uint8Array): string {
  const fields = ['kind', 'depth', 'attributeCount', 'isEmptyElement'] as const;
  for (const f of fields) if (a[f] !== b[f]) return `${f}: ${a[f]} vs ${b[f]}`;
  const k = a.kind;
  if (k === XmlToken.Error) {
    if (a.error !== b.error || a.errorPosition !== b.errorPosition) return `error ${a.error}@${a.errorPosition} vs ${b.error}@${b.errorPosition}`;
    return '';
  }
  if (k === XmlToken.StartElement || k === XmlToken.EndElement) {
    for (const f of ['nameStart', 'nameEnd', 'prefixStart', 'prefixEnd', 'localStart', 'localEnd', 'namespace'] as const) if (a[f] !== b[f]) return `${f}: ${a[f]} vs ${b[f]}`;
    if (a.namespaceUriStart(a.namespace) !== b.namespaceUriStart(b.namespace) || a.namespaceUriEnd(a.namespace) !== b.namespaceUriEnd(b.namespace)) return 'namespace URI';
    for (let i = 0; i < a.attributeCount; i++) {
      if (a.attrNameStartAt(i) !== b.attrNameStartAt(i) || a.attrNameEndAt(i) !== b.attrNameEndAt(i) || a.attrLocalStartAt(i) !== b.attrLocalStartAt(i)) return `attribute ${i} name`;
      if (a.attrValueStartAt(i) !== b.attrValueStartAt(i) || a.attrValueEndAt(i) !== b.attrValueEndAt(i) || a.attrHasReferencesAt(i) !== b.attrHasReferencesAt(i)) return `attribute ${i} value`;
      const ns = a.attrNamespaceAt(i);
      if (ns !== b.attrNamespaceAt(i) || a.namespaceUriStart(ns) !== b.namespaceUriStart(ns)) return `attribute ${i} namespace`;
      const la = a.decodeAttribute(i, scratchA);
      const lb = b.decodeAttribute(i, scratchB);
      if (la !== lb || Buffer.compare(scratchA.subarray(0, la), scratchB.subarray(0, lb)) !== 0) return `attribute ${i} decoded`;
    }
    return '';
  }
  if (k === XmlToken.ProcessingInstruction || k === XmlToken.XmlDeclaration) {
    if (a.nameStart !== b.nameStart || a.nameEnd !== b.nameEnd) return 'PI target';
  }
  if (k !== XmlToken.EndDocument && (a.textStart !== b.textStart || a.textEnd !== b.textEnd)) return `text span ${a.textStart}-${a.textEnd} vs ${b.textStart}-${b.textEnd}`;
  if (k === XmlToken.Text || k === XmlToken.CData) {
    if (a.textIsWhitespace !== b.textIsWhitespace || a.textHasReferences !== b.textHasReferences) return 'text flags';
    const la = a.decodeText(scratchA);
    const lb = b.decodeText(scratchB);
    if (la !== lb || Buffer.compare(scratchA.subarray(0, la), scratchB.subarray(0, lb)) !== 0) return 'decoded text';
  }
  return '';
}

function compare(buf: Uint8Array, start: number, end: number, a: XmlReader, b: ReferenceReader, skipBlank: boolean, scratchA: Uint8Array, scratchB: Uint8Array): string {
  a.skipBlankText = skipBlank;
  b.skipBlankText = skipBlank;
  a.reset(buf, start, end);
  b.reset(buf, start, end);
  for (let n = 0; n < 20_000; n++) {
    const ka = a.next();
    const kb = b.next();
    const diff = ka !== kb ? `kind ${ka} vs ${kb}` : difference(a, b, scratchA, scratchB);
    if (diff !== '') return `token ${n}: ${diff}`;
    if (ka === XmlToken.EndDocument || ka === XmlToken.Error) {
      // Both stay put once finished.
      if (a.next() !== b.next()) return 'after the end';
      return '';
    }
  }
  return 'did not end';
}

const LIMITS: Partial<XmlLimits>[] = [
  {},
  { maxBytes: 8192, maxDepth: 16, maxAttributes: 16, maxNamespaces: 16 },
  { maxBytes: 1024, maxDepth: 4, maxAttributes: 3, maxNamespaces: 3 },
];

test('the RFC corpus and hand-made edge cases: same tokens as the reference reader', () => {
  const scratchA = new Uint8Array(65536);
  const scratchB = new Uint8Array(65536);
  let documents = 0;
  for (const limits of LIMITS) {
    const a = new XmlReader(limits);
    const b = new ReferenceReader(limits);
    for (const seed of seeds) {
      for (const skip of [false, true]) {
        const diff = compare(seed, 0, seed.length, a, b, skip, scratchA, scratchB);
        if (diff !== '') assert.unreachable(`${JSON.stringify(new TextDecoder().decode(seed).slice(0, 80))} skipBlankText=${skip} ${JSON.stringify(limits)}: ${diff}`);
        documents++;
      }
    }
  }
  assert.ok(documents >= 6 * 60, `${documents} documents`);
});

test('40k mutated documents: same tokens, errors and error positions as the reference reader', () => {
  const rnd = prng(0xd1ff);
  const scratchA = new Uint8Array(65536);
  const scratchB = new Uint8Array(65536);
  const work = new Uint8Array(8192 + 64);
  const readers = LIMITS.map((limits) => [new XmlReader(limits), new ReferenceReader(limits)] as const);
  const started = Date.now();
  const iterations = 40_000;
  let errors = 0;
  for (let iter = 0; iter < iterations; iter++) {
    const seed = seeds[Math.floor(rnd() * seeds.length)]!;
    const length = mutate(seed, work, rnd);
    const start = 3 + (iter % 4);
    const buf = new Uint8Array(length + 10);
    buf.set(work.subarray(0, length), start);
    const [a, b] = readers[iter % readers.length]!;
    const diff = compare(buf, start, start + length, a, b, iter % 2 === 0, scratchA, scratchB);
    if (diff !== '') assert.unreachable(`iteration ${iter} ${JSON.stringify(new TextDecoder().decode(buf.subarray(start, start + length)))}: ${diff}`);
    if (a.kind === XmlToken.Error) errors++;
  }
  const ms = Date.now() - started;
  console.log(`  xml differential: ${iterations} mutated documents in ${ms} ms (${errors} rejected)`);
  assert.ok(errors > 5000 && errors < iterations - 1000, `both outcomes exercised: ${errors} errors`);
});

test.run();
