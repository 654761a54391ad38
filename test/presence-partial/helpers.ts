// Shared by the partial-PIDF tests: a generic RFC 5261 diff driver over XmlPatcher, corpus files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { XmlReader, XmlToken } from '../../core/xml/reader.js';
import { SpanCursor } from '../../core/presence/partial/token-spans.js';
import { PatchError, PatchOp, XmlPatcher } from '../../core/presence/partial/xml-patch.js';

export const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
export const dec = (b: Uint8Array, start = 0, end = b.length): string => Buffer.from(b.subarray(start, end)).toString('utf8');
export const corpusText = (rel: string): string => readFileSync(join(corpus, rel), 'utf8');

const OPS: Record<string, PatchOp> = { add: PatchOp.Add, replace: PatchOp.Replace, remove: PatchOp.Remove };

/**
 * Applies every add/replace/remove child of a diff document's root (any root name: RFC 5261 is
 * a framework, RFC 5262's pidf-diff is one user) to `doc`, in order. Returns the result, or the
 * first error with the operation's index.
 */
export function applyDiff(doc: string, diff: string, capacity = 8192, patcher = new XmlPatcher()): { code: PatchError; text: string; op: number } {
  const diffBytes = enc(diff);
  const cur = new SpanCursor(new XmlReader());
  cur.reset(diffBytes, 0, diffBytes.length);
  let tok: number;
  do tok = cur.next(); while (tok !== XmlToken.StartElement && tok !== XmlToken.Error);
  if (tok !== XmlToken.StartElement) return { code: PatchError.DiffXml, text: '', op: -1 };
  patcher.beginDiff(diffBytes, cur.reader.nameEnd, cur.end);
  let src = enc(doc);
  let len = src.length;
  const bufs = [new Uint8Array(capacity), new Uint8Array(capacity)];
  let k = 0;
  let op = 0;
  for (;;) {
    tok = cur.next();
    if (tok === XmlToken.Error) return { code: PatchError.DiffXml, text: '', op };
    if (tok === XmlToken.EndElement || tok === XmlToken.EndDocument) break;
    if (tok !== XmlToken.StartElement) continue;
    const r = cur.reader;
    const name = dec(r.buffer, r.localStart, r.localEnd);
    const kind = OPS[name];
    if (kind === undefined) return { code: PatchError.InvalidDiffFormat, text: '', op };
    const dst = bufs[k]!;
    const n = patcher.apply(kind, cur, src, 0, len, dst);
    if (n < 0) return { code: patcher.error, text: dec(src, 0, len), op };
    src = dst;
    len = n;
    k ^= 1;
    op++;
  }
  return { code: PatchError.None, text: dec(src, 0, len), op };
}
