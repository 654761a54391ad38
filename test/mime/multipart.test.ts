import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { MultipartReader, MultipartPart, MULTIPART_PART, MULTIPART_END, E_MP_UNTERMINATED, E_MP_BAD_HEADER, E_MP_TOO_MANY_PARTS, E_MP_NO_FIRST_DELIMITER } from '../../core/mime/multipart.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array, off: number, len: number) => Buffer.from(b.subarray(off, off + len)).toString('latin1');

/** The body of a corpus message: everything after the first empty line. (The RFC 4662 examples
 * declare Content-Lengths that do not match their bodies — RFC arithmetic, see the corpus
 * manifest — so the test takes the bytes as printed rather than trusting the header.) */
function bodyOf(file: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(join(corpus, file)));
  for (let i = 0; i + 3 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return bytes.subarray(i + 4);
  throw new Error('no body');
}

function readAll(body: Uint8Array, boundary: string, off = 0, end = body.length, maxParts = 64) {
  const b = enc(boundary);
  const reader = new MultipartReader(maxParts).reset(body, off, end, b, 0, b.length);
  const part = new MultipartPart();
  const parts: { type: string; id: string; bodyOff: number; bodyLen: number }[] = [];
  let r: number;
  while ((r = reader.next(part)) === MULTIPART_PART) {
    parts.push({ type: text(body, part.contentTypeOff, part.contentTypeLen), id: text(body, part.contentIdOff, part.contentIdLen), bodyOff: part.bodyOff, bodyLen: part.bodyLen });
  }
  return { parts, result: r, errorOffset: part.errorOffset };
}

test('RFC 4662 §6 NOTIFY: RLMI root and two PIDF parts', () => {
  const body = bodyOf('rfc4662/03-NOTIFY-multipart-related.sip');
  const { parts, result } = readAll(body, '50UBfW7LSCVLtggUPe5z');
  assert.is(result, MULTIPART_END);
  assert.equal(parts.map((p) => p.type), ['application/rlmi+xml;charset="UTF-8"', 'application/pidf+xml;charset="UTF-8"', 'application/pidf+xml;charset="UTF-8"']);
  assert.equal(parts.map((p) => p.id), ['<nXYxAE@pres.vancouver.example.com>', '<bUZBsM@pres.vancouver.example.com>', '<ZvSvkz@pres.vancouver.example.com>']);
  const root = text(body, parts[0]!.bodyOff, parts[0]!.bodyLen);
  assert.ok(root.startsWith('<?xml'), 'the part body starts after the blank line');
  assert.ok(root.trimEnd().endsWith('</list>'), 'and ends before the CRLF of the next delimiter');
});

test('RFC 4662 §6 nested: related → signed → related, read with one reader per level', () => {
  const body = bodyOf('rfc4662/13-NOTIFY-multipart-related-nested.sip');
  const outer = readAll(body, 'TfZxoxgAvLqgj4wRWPDL');
  assert.is(outer.result, MULTIPART_END);
  assert.is(outer.parts.length, 2);
  assert.ok(outer.parts[1]!.type.startsWith('multipart/signed'));
  const signed = outer.parts[1]!;
  const mid = readAll(body, 'l3WMZaaL8NpQWGnQ4mlU', signed.bodyOff, signed.bodyOff + signed.bodyLen);
  assert.is(mid.result, MULTIPART_END);
  assert.equal(mid.parts.map((p) => p.type.split(';')[0]), ['multipart/related', 'application/pkcs7-signature']);
  // The RFC text of this example lost the blank line between the innermost RLMI part's headers
  // and its XML (a page break; the corpus marks the file invalid). The reader must say exactly
  // where: at "<?xml", a header line without a colon.
  const inner = readAll(body, 'tuLLl3lDyPZX0GMr2YOo', mid.parts[0]!.bodyOff, mid.parts[0]!.bodyOff + mid.parts[0]!.bodyLen);
  assert.is(inner.result, E_MP_BAD_HEADER);
  assert.ok(text(body, inner.errorOffset, 5) === '<?xml');
  // With the blank line put back, all three resources are there.
  const fixedBody = enc(text(body, 0, body.length).replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml'));
  const outer2 = readAll(fixedBody, 'TfZxoxgAvLqgj4wRWPDL').parts[1]!;
  const mid2 = readAll(fixedBody, 'l3WMZaaL8NpQWGnQ4mlU', outer2.bodyOff, outer2.bodyOff + outer2.bodyLen).parts[0]!;
  const inner2 = readAll(fixedBody, 'tuLLl3lDyPZX0GMr2YOo', mid2.bodyOff, mid2.bodyOff + mid2.bodyLen);
  assert.is(inner2.result, MULTIPART_END);
  assert.equal(inner2.parts.map((p) => p.id), ['<Cvjpeo@stockholm.example.org>', '<mrEakg@stockholm.example.org>', '<KKMDmv@stockholm.example.org>']);
});

test('a folded part header keeps its continuation lines (the nested boundary lives there)', () => {
  const body = enc('--b\r\nContent-Type: multipart/related;\r\n    boundary="inner"\r\n\r\nx\r\n--b--');
  const { parts } = readAll(body, 'b');
  assert.is(parts[0]!.type, 'multipart/related;\r\n    boundary="inner"');
});

test('preamble and epilogue are skipped; empty-bodied parts are allowed', () => {
  const body = enc('this is a preamble\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz\r\nContent-Type: text/plain\r\n\r\n\r\n--xyz--\r\nepilogue');
  const { parts, result } = readAll(body, 'xyz');
  assert.is(result, MULTIPART_END);
  assert.equal(parts.map((p) => text(body, p.bodyOff, p.bodyLen)), ['hello', '']);
});

test('malformed bodies give error codes with positions, and limits hold', () => {
  assert.is(readAll(enc('--b\r\n\r\nno close'), 'b').result, E_MP_UNTERMINATED);
  assert.is(readAll(enc('no boundary here'), 'b').result, E_MP_NO_FIRST_DELIMITER);
  const many = enc(`${'--b\r\n\r\nx\r\n'.repeat(10)}--b--`);
  assert.is(readAll(many, 'b', 0, many.length, 5).result, E_MP_TOO_MANY_PARTS);
  assert.is(readAll(many, 'b', 0, many.length, 64).parts.length, 10);
});

test('a seeded mutator: no throw, spans inside the body, terminates', () => {
  const base = bodyOf('rfc4662/03-NOTIFY-multipart-related.sip');
  let seed = 99;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const b = enc('50UBfW7LSCVLtggUPe5z');
  const reader = new MultipartReader(16);
  const part = new MultipartPart();
  for (let i = 0; i < 20_000; i++) {
    const m = base.slice(0, rnd(base.length + 1));
    for (let k = rnd(4); k > 0; k--) if (m.length) m[rnd(m.length)] = [13, 10, 45, 0x35, rnd(256)][rnd(5)]!;
    reader.reset(m, 0, m.length, b, 0, b.length);
    for (let guard = 0; guard < 20; guard++) {
      const r = reader.next(part);
      if (r !== MULTIPART_PART) break;
      assert.ok(part.bodyOff >= 0 && part.bodyOff + part.bodyLen <= m.length && part.bodyLen >= 0);
      assert.ok(part.contentTypeOff < 0 || part.contentTypeOff + part.contentTypeLen <= m.length);
    }
  }
});

test.run();
