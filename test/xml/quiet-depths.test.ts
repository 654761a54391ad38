// XmlReader.quietDepths: inside an element whose entry is 1 only StartElement and Error tokens are
// reported, not its text, CDATA, comments, PIs or its EndElement; everything is still checked.
// Checked against the same reader with all entries 0, whose token stream is filtered the same
// way: corpus documents, hand-made cases and mutations must give the same reported tokens (spans,
// depths, attributes) and the same error at the same byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlReader, XmlToken, XmlError } from '../../core/xml/index.js';
import { prng, mutate } from './mutate.js';
import { enc } from './tokens.js';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const corpus: Uint8Array[] = [];
for (const dir of readdirSync(corpusDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
  for (const file of readdirSync(join(corpusDir, dir))) if (file.endsWith('.xml')) corpus.push(new Uint8Array(readFileSync(join(corpusDir, dir, file))));
}
const handMade = [
  '<?xml version="1.0"?>\n<!-- c --><a>\n  <b> x <!--y--><?p q?><![CDATA[z]]></b >\n  <c/><d>t</d></a>\n<!-- after -->',
  '<a xmlns:p="urn:p"><p:b xmlns:p="urn:q" p:c="1"><p:d/>text</p:b><p:e/></a>',
  '<a><b><c><d>deep</d></c></b>tail</a>',
  '<a><b>x</a></b>',
  '<a><b></b ><c></ c></a>',
  '<a>]]></a>',
  '<a><b>&bogus;</b></a>',
  '<a><b>\u0001</b></a>',
  '<a><b><!-- a -- b --></b></a>',
  '<a><b><?xml version="1.0"?></b></a>',
  '<a><b><![CDATA[x</b></a>',
  '<a><b>\n  ',
  // A quiet element's declarations go out of scope with it, whichever way its end is read.
  '<a><b xmlns:p="urn:p"></b><p:c/></a>',
  '<a><b xmlns:p="urn:p"></b ><p:c/></a>',
  '<a><b xmlns:p="urn:p"/><p:c/></a>',
].map(enc);
const seeds = [...corpus, ...handMade];

/** One line per token a consumer with this quiet rule sees. */
type Line = string;

function describe(r: XmlReader): Line {
  const k = r.kind;
  if (k === XmlToken.Error) return `error ${r.error}@${r.errorPosition}`;
  if (k === XmlToken.EndDocument) return 'end-document';
  let line = `${k} d${r.depth}`;
  if (k === XmlToken.StartElement || k === XmlToken.EndElement) {
    line += ` ${r.nameStart}-${r.nameEnd} ${r.localStart} ns${r.namespace} e${r.isEmptyElement ? 1 : 0} a${r.attributeCount}`;
    for (let i = 0; i < r.attributeCount; i++) line += ` ${r.attrNameStartAt(i)}=${r.attrValueStartAt(i)}-${r.attrValueEndAt(i)}`;
  } else {
    line += ` ${r.textStart}-${r.textEnd}`;
    if (k === XmlToken.Text) line += ` w${r.textIsWhitespace ? 1 : 0} r${r.textHasReferences ? 1 : 0}`;
  }
  return line;
}

/** The quiet rule of the test consumer: a function of the element's name position (deterministic). */
const isQuiet = (nameStart: number, salt: number): number => ((nameStart * 2654435761 + salt) >>> 7) & 1;

function withQuiet(r: XmlReader, buf: Uint8Array, start: number, end: number, salt: number, skipBlank: boolean): Line[] {
  const quiet = new Uint8Array(r.limits.maxDepth + 1);
  r.quietDepths = quiet;
  r.skipBlankText = skipBlank;
  r.reset(buf, start, end);
  const out: Line[] = [];
  for (let n = 0; n < 20_000; n++) {
    const k = r.next();
    out.push(describe(r));
    if (k === XmlToken.StartElement) quiet[r.depth] = isQuiet(r.nameStart, salt);
    if (k === XmlToken.EndDocument || k === XmlToken.Error) return out;
  }
  throw new Error('did not end');
}

function filtered(r: XmlReader, buf: Uint8Array, start: number, end: number, salt: number, skipBlank: boolean): Line[] {
  const quiet = new Uint8Array(r.limits.maxDepth + 1);
  r.quietDepths = new Uint8Array(r.limits.maxDepth + 1);
  r.skipBlankText = skipBlank;
  r.reset(buf, start, end);
  const out: Line[] = [];
  for (let n = 0; n < 20_000; n++) {
    const k = r.next();
    if (k === XmlToken.EndDocument || k === XmlToken.Error) { out.push(describe(r)); return out; }
    if (k === XmlToken.StartElement) {
      out.push(describe(r));
      quiet[r.depth] = isQuiet(r.nameStart, salt);
      continue;
    }
    // Everything else belongs to the element open at r.depth (none at depth 0: always reported).
    if (r.depth === 0 || quiet[r.depth] === 0) out.push(describe(r));
  }
  throw new Error('did not end');
}

test('hand-made: text, CDATA, comments, PIs and end tags of quiet elements are left out, not their children', () => {
  const buf = enc('<a><b>x<!--c--><c>y</c><![CDATA[z]]></b><d/></a>');
  const r = new XmlReader();
  const quiet = new Uint8Array(r.limits.maxDepth + 1);
  r.quietDepths = quiet;
  r.reset(buf);
  const seen: string[] = [];
  const name = () => new TextDecoder().decode(buf.subarray(r.nameStart, r.nameEnd));
  for (let k = r.next(); k !== XmlToken.EndDocument; k = r.next()) {
    if (k === XmlToken.StartElement) { seen.push(`<${name()}>`); quiet[r.depth] = name() === 'b' || name() === 'd' ? 1 : 0; }
    else if (k === XmlToken.EndElement) seen.push(`</${name()}>`);
    else if (k === XmlToken.Text) seen.push(new TextDecoder().decode(buf.subarray(r.textStart, r.textEnd)));
    else seen.push(`kind ${k}`);
  }
  assert.equal(seen, ['<a>', '<b>', '<c>', 'y', '</c>', '<d>', '</a>']);
});

test('errors inside quiet elements: the same code at the same byte', () => {
  for (const [xml, error] of [
    ['<a><b>x &bogus;</b></a>', XmlError.BadEntity],
    ['<a><b>]]></b></a>', XmlError.CDataEndInText],
    ['<a><b></c></a>', XmlError.MismatchedEndTag],
    ['<a><b><!-- x -- y --></b></a>', XmlError.MalformedComment],
    ['<a><b>', XmlError.UnexpectedEnd],
  ] as const) {
    const buf = enc(xml);
    const plain = new XmlReader();
    plain.reset(buf);
    let k: number;
    while ((k = plain.next()) !== XmlToken.Error) assert.ok(k !== XmlToken.EndDocument, xml);
    const r = new XmlReader();
    r.quietDepths = new Uint8Array(r.limits.maxDepth + 1).fill(1);
    r.quietDepths[0] = 0;
    r.reset(buf);
    while ((k = r.next()) !== XmlToken.Error) assert.ok(k === XmlToken.StartElement, `${xml}: only starts before the error, got ${k}`);
    assert.is(r.error, error, xml);
    assert.is(r.error, plain.error, xml);
    assert.is(r.errorPosition, plain.errorPosition, xml);
  }
});

test('corpus, hand-made cases and 20k mutations: the reported tokens are the filtered full stream', () => {
  const rnd = prng(0x9e7);
  const work = new Uint8Array(8192 + 64);
  const readers = [new XmlReader(), new XmlReader({ maxBytes: 1024, maxDepth: 4, maxAttributes: 3, maxNamespaces: 3 })];
  let documents = 0;
  let errors = 0;
  const check = (buf: Uint8Array, start: number, end: number, iter: number): void => {
    const r = readers[iter % readers.length]!;
    const salt = iter * 7919;
    const skipBlank = iter % 3 === 0;
    const full = filtered(r, buf, start, end, salt, skipBlank);
    const quiet = withQuiet(r, buf, start, end, salt, skipBlank);
    if (full.join('\n') !== quiet.join('\n')) {
      assert.equal(quiet, full, `${JSON.stringify(new TextDecoder().decode(buf.subarray(start, end)).slice(0, 200))} salt ${salt} skipBlank ${skipBlank}`);
    }
    documents++;
    if (r.kind === XmlToken.Error) errors++;
  };
  for (let i = 0; i < seeds.length; i++) check(seeds[i]!, 0, seeds[i]!.length, i);
  for (let iter = 0; iter < 20_000; iter++) {
    const seed = seeds[Math.floor(rnd() * seeds.length)]!;
    const length = mutate(seed, work, rnd);
    const start = 2 + (iter % 3);
    const buf = new Uint8Array(length + 8);
    buf.set(work.subarray(0, length), start);
    check(buf, start, start + length, iter);
  }
  // The quiet rule must actually leave tokens out (else this compares two full streams).
  const r = new XmlReader();
  let all = 0;
  let reported = 0;
  for (const seed of corpus) {
    r.quietDepths = new Uint8Array(r.limits.maxDepth + 1);
    r.reset(seed);
    for (let k = r.next(); k !== XmlToken.EndDocument && k !== XmlToken.Error; k = r.next()) all++;
    reported += withQuiet(r, seed, 0, seed.length, 0, false).length - 1;
  }
  assert.ok(reported < all * 0.8, `${reported} of ${all} corpus tokens reported`);
  assert.ok(documents > 20_000 && errors > 2000 && documents - errors > 1000, `${documents} documents, ${errors} errors`);
});

test.run();
